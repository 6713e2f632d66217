"""The jobs world: an electrical firm (an employer) with a member, a nurse in Narvik whose
partner is an electrician, both consenting to sharing with employers."""

from types import SimpleNamespace

import pytest

from contacts.models import Consent, HouseholdMember, Membership, Municipality, Organisation
from jobs import services
from occupations.models import Occupation
from tests import factories as f

TITLES = {
    "2": "Akademiske yrker",
    "22": "Helse",
    "222": "Sykepleiere",
    "2221": "Sykepleiere",
    "7": "Håndverkere",
    "74": "Elektrikere og elektronikkreparatører",
    "741": "Installatører og reparatører av elektrisk utstyr",
    "7411": "Elektrikere",
    "7412": "Elektromekanikere",
    "5": "Salgs- og serviceyrker",
    "51": "Servicearbeidere",
    "512": "Kokker",
    "5120": "Kokker",
}


def occupation(code: str) -> Occupation:
    """The group, with its parents; the data migrations may already have them."""
    parent = occupation(code[:-1]) if len(code) > 1 else None
    found, _ = Occupation.objects.get_or_create(
        code=code,
        defaults={
            "level": len(code),
            "parent": parent,
            "title_nb": TITLES.get(code, code),
            "title_en": TITLES.get(code, code),
        },
    )
    return found


def coded_household(*, code=None, partner_code=None, municipality, scopes, **fields):
    newcomer = f.make_newcomer(scopes=scopes, municipality=municipality, **fields)
    if code:
        newcomer.occupation_code = occupation(code)
        newcomer.save(update_fields=["occupation_code"])
    if partner_code is not None:
        HouseholdMember.objects.create(
            newcomer=newcomer,
            relation=HouseholdMember.Relation.PARTNER,
            name="Partner",
            occupation_code=occupation(partner_code) if partner_code else None,
        )
    return newcomer


@pytest.fixture
def jobs(world):
    for code in ("2221", "7411", "7412", "5120"):
        occupation(code)
    narvik = Municipality.objects.get(name="Narvik")
    other = Municipality.objects.exclude(pk=narvik.pk).first()
    firm = f.make_organisation(name="Narvik Elektro", kind=Organisation.Kind.EMPLOYER)
    rival = f.make_organisation(name="Ofoten Kraft", kind=Organisation.Kind.EMPLOYER)
    boss = f.make_user(username="boss", organisation=firm)
    rival_boss = f.make_user(username="rivalboss", organisation=rival)
    nurse = coded_household(
        name="Maria Santos",
        code="2221",
        partner_code="7411",
        municipality=narvik,
        scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.EMPLOYER),
        planned_move_date="2027-03-01",
    )
    case = f.make_case(newcomer=nurse, organisation=world.kommune)
    need = services.need_create(
        employer=firm,
        occupation=occupation("7411"),
        municipality=narvik,
        positions=2,
        contact_name="Per Hansen",
        contact_phone="+47 900 00 000",
        actor=boss,
    )
    return SimpleNamespace(
        world=world,
        narvik=narvik,
        other=other,
        firm=firm,
        rival=rival,
        boss=boss,
        rival_boss=rival_boss,
        coordinator=world.coordinator,
        nurse=nurse,
        case=case,
        need=need,
        member_role=Membership.Role.MEMBER,
    )
