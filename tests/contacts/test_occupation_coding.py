"""Staff code the newcomer's and each adult household member's occupation; the free text
stays as told."""

import pytest
from django.urls import reverse

from contacts.models import HouseholdMember
from occupations.forms import OccupationCodeField
from tests import factories as f

pytestmark = pytest.mark.django_db


def _newcomer_body(newcomer, **overrides):
    return f.newcomer_form_body(newcomer, occupation="Sykepleier fra Polen", **overrides)


@pytest.fixture
def partner(world):
    return HouseholdMember.objects.create(
        newcomer=world.newcomer, relation=HouseholdMember.Relation.PARTNER, occupation="Elektro"
    )


def test_coding_newcomer_code_set_beside_the_free_text(world, login):
    client = login(world.owner)
    url = reverse("cases:newcomer-edit", args=[world.case.pk])
    # The picker's value reads "code title"; without JavaScript, the code alone does too.
    response = client.post(url, _newcomer_body(world.newcomer, occupation_code="2223 Sykepleiere"))
    assert response.status_code == 302
    world.newcomer.refresh_from_db()
    assert world.newcomer.occupation == "Sykepleier fra Polen"
    assert world.newcomer.occupation_code_id == "2223"
    event = world.case.events.get(kind="contacts.newcomer.updated")
    assert sorted(event.data["fields"]) == ["occupation", "occupation_code"]
    assert "2223" not in str(event.data)
    page = client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert "Sykepleier fra Polen" in page and "2223" in page
    form_page = client.get(url).content.decode()
    assert 'value="2223 ' in form_page and "data-occupation-search" in form_page


def test_coding_unknown_code_is_refused_on_the_field(world, login):
    client = login(world.owner)
    url = reverse("cases:newcomer-edit", args=[world.case.pk])
    response = client.post(url, _newcomer_body(world.newcomer, occupation_code="9999"))
    assert response.status_code == 200
    assert "occupation_code" in response.context["form"].errors
    world.newcomer.refresh_from_db()
    assert world.newcomer.occupation_code_id is None


def test_coding_household_member_happy_path(world, login, partner):
    client = login(world.owner)
    url = reverse("cases:household-member-edit", args=[world.case.pk, partner.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"occupation": "Elektriker", "occupation_code": "7411"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.occupation, partner.occupation_code_id) == ("Elektriker", "7411")
    event = world.case.events.get(kind="contacts.household.updated")
    assert event.data == {"member": partner.pk, "fields": ["occupation", "occupation_code"]}
    page = client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert "Elektriker" in page and "7411" in page
    # Saving the same again changes nothing and writes no second row.
    client.post(url, {"occupation": "Elektriker", "occupation_code": "7411"})
    assert world.case.events.filter(kind="contacts.household.updated").count() == 1


def test_coding_household_member_wrong_method(world, login, partner):
    url = reverse("cases:household-member-edit", args=[world.case.pk, partner.pk])
    assert login(world.owner).put(url).status_code == 405


@pytest.mark.parametrize(("persona", "status"), [("reader", 403), ("outsider", 404)])
def test_coding_household_member_needs_manage_rights(world, login, partner, persona, status):
    client = login(getattr(world, persona))
    url = reverse("cases:household-member-edit", args=[world.case.pk, partner.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"occupation_code": "7411"}).status_code == status
    partner.refresh_from_db()
    assert partner.occupation_code_id is None


def test_coding_household_member_of_another_newcomer_or_a_child_is_404(world, login):

    other = f.make_newcomer()
    stranger = HouseholdMember.objects.create(newcomer=other, relation="partner")
    child = HouseholdMember.objects.create(newcomer=world.newcomer, relation="child")
    client = login(world.owner)
    for member in (stranger, child):
        url = reverse("cases:household-member-edit", args=[world.case.pk, member.pk])
        assert client.get(url).status_code == 404


def test_coding_field_reads_code_with_or_without_title():
    field = OccupationCodeField()
    assert field.clean("7411").code == "7411"
    assert field.clean(" 7411 Elektrikere ").code == "7411"
    assert field.clean("") is None


def test_occupation_search_endpoint_needs_sign_in_and_answers_json(world, client, login):
    url = reverse("occupations:search")
    assert client.get(url, {"q": "sveiser"}).status_code == 302
    response = login(world.reader).get(url, {"q": "sveiser"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["code"] == "7212"
    assert first["label"].startswith("7212 ")
    assert login(world.reader).post(url, {"q": "x"}).status_code == 405
    assert login(world.reader).get(url).json() == {"results": []}


def test_household_add_members_puts_the_partners_occupation_on_the_partners_row(world):
    from contacts.services import household_add_members

    newcomer = f.make_newcomer()
    (partner,) = household_add_members(newcomer=newcomer, partner_occupation=" Sveiser ")
    assert (partner.relation, partner.occupation) == ("partner", "Sveiser")
    # A later enquiry fills an empty occupation only, and adds no second partner.
    HouseholdMember.objects.filter(pk=partner.pk).update(occupation="Platearbeider")
    assert household_add_members(newcomer=newcomer, partner_occupation="Kokk") == []
    partner.refresh_from_db()
    assert partner.occupation == "Platearbeider"
    HouseholdMember.objects.filter(pk=partner.pk).update(occupation="")
    household_add_members(newcomer=newcomer, partner_occupation="Kokk", has_partner=True)
    partner.refresh_from_db()
    assert partner.occupation == "Kokk"
    assert newcomer.household.count() == 1


def test_intake_keeps_free_text_only_and_the_partners_on_their_row(world, client):
    """The public intake: no code field; the partner's occupation as told, on their row.
    Codes come only from the mapping (contacts.occupation_mapping): a text naming one
    occupation ("Elektriker", a synonym of 7411) is coded, an ambiguous one is not."""
    from cases.services import intake_submit

    case = intake_submit(
        name="Ola",
        email="ola@example.org",
        phone="",
        preferred_language="nb",
        municipality=None,
        locality=None,
        planned_move_date=None,
        target_group="family",
        occupation="Sykepleier",
        has_partner=True,
        partner_needs_work=True,
        partner_occupation="Elektriker",
        children_birth_years=[],
        interests="",
        topics=[],
        message="Hei",
        heard_via="",
        share_scopes=["employer"],
    )
    from contacts.occupation_mapping import occupation_code_for

    newcomer = case.newcomer
    newcomer.refresh_from_db()
    assert newcomer.occupation_code_id == occupation_code_for("Sykepleier")
    partner = newcomer.household.get(relation="partner")
    assert (partner.occupation, partner.occupation_code_id) == (
        "Elektriker",
        occupation_code_for("Elektriker"),
    )
    assert "occupation_code" not in client.get(reverse("intake:form")).content.decode()
