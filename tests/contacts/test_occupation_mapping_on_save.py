"""New free text is coded when it is recorded (contacts.occupation_mapping), not only by
the one-off `map_occupations`; a code staff set is never overwritten."""

import pytest

from contacts.models import HouseholdMember
from contacts.services import (
    household_add_members,
    household_member_update,
    newcomer_find_or_create,
    newcomer_update,
)
from occupations.models import Occupation


@pytest.fixture
def welder(db):
    found, _ = Occupation.objects.get_or_create(
        code="7212", defaults={"level": 4, "title_nb": "Sveisere", "title_en": "Welders"}
    )
    return found


def test_the_intake_codes_the_newcomer_and_the_partner(welder):
    newcomer, created = newcomer_find_or_create(
        name="Ola", email="ola@example.org", occupation="sveisere "
    )
    assert created
    newcomer.refresh_from_db()
    assert newcomer.occupation_code_id == "7212"
    household_add_members(newcomer=newcomer, partner_occupation="Sveisere")
    partner = newcomer.household.get(relation=HouseholdMember.Relation.PARTNER)
    assert partner.occupation_code_id == "7212"


def test_staff_changing_the_text_codes_it_but_never_overwrites_a_code(welder):
    newcomer, _ = newcomer_find_or_create(name="Ola", email="ola@example.org")
    newcomer_update(newcomer=newcomer, changes={"occupation": "Sveisere"})
    newcomer.refresh_from_db()
    assert newcomer.occupation_code_id == "7212"
    other = Occupation.objects.exclude(code="7212").filter(level=4).first()
    assert other is not None
    newcomer_update(newcomer=newcomer, changes={"occupation_code": other})
    newcomer_update(newcomer=newcomer, changes={"occupation": "sveisere"})
    newcomer.refresh_from_db()
    assert newcomer.occupation_code_id == other.code
    member = HouseholdMember.objects.create(
        newcomer=newcomer, relation=HouseholdMember.Relation.PARTNER, name="P"
    )
    household_member_update(member=member, changes={"occupation": "Sveisere"})
    member.refresh_from_db()
    assert member.occupation_code_id == "7212"
