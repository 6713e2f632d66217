"""The staff page of free-text occupations without a code: grouped, counted, visible cases
only, links to set the code."""

import pytest
from django.urls import reverse

from contacts.models import HouseholdMember
from reports.unmapped import unmapped_occupations
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(world):
    """Three spellings of one text across two organisations, a coded one, a child's."""
    visible = []
    for text in ["Jobbet i butikk", "jobbet i butikk ", "JOBBET I BUTIKK"]:
        newcomer = f.make_newcomer(occupation=text)
        visible.append(f.make_case(newcomer=newcomer, organisation=world.kommune))
    hidden_newcomer = f.make_newcomer(occupation="Jobbet i butikk")
    hidden = f.make_case(newcomer=hidden_newcomer, organisation=world.nav)
    f.make_case(
        newcomer=f.make_newcomer(occupation="Diverse", occupation_code_id="9629"),
        organisation=world.kommune,
    )
    partner = HouseholdMember.objects.create(
        newcomer=visible[0].newcomer, relation="partner", occupation="Økonomi og litt IT"
    )
    HouseholdMember.objects.create(newcomer=visible[0].newcomer, relation="child", occupation="x")
    return visible, hidden, partner


def test_unmapped_groups_spellings_counts_people_and_respects_visibility(world, texts):
    visible, hidden, partner = texts
    groups, total = unmapped_occupations(user=world.coordinator)
    by_label = {g.label.casefold(): g for g in groups}
    assert total == 2
    shop = by_label["jobbet i butikk"]
    assert shop.people == 4  # the coordinator sees every case
    member_group = by_label["økonomi og litt it"]
    assert member_group.people == 1
    assert [(o.case_id, o.member_id) for o in member_group.occurrences] == [
        (visible[0].pk, partner.pk)
    ]
    assert "diverse" not in by_label and "x" not in by_label

    owner_groups, _ = unmapped_occupations(user=world.owner)
    shop = {g.label.casefold(): g for g in owner_groups}["jobbet i butikk"]
    assert shop.people == 3  # not the NAV case's newcomer
    assert hidden.pk not in {o.case_id for o in shop.occurrences}
    assert {o.case_id for o in shop.occurrences} == {c.pk for c in visible}


def test_unmapped_page_lists_groups_with_links(world, login, texts, django_assert_max_num_queries):
    visible, hidden, partner = texts
    client = login(world.owner)
    url = reverse("reports:occupations-unmapped")
    with django_assert_max_num_queries(20):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert visible[0].reference in body and hidden.reference not in body
    assert reverse("cases:newcomer-edit", args=[visible[0].pk]) in body
    assert reverse("cases:household-member-edit", args=[visible[0].pk, partner.pk]) in body


def test_unmapped_page_query_count_is_flat(world, login, django_assert_max_num_queries):
    client = login(world.coordinator)
    url = reverse("reports:occupations-unmapped")
    client.get(url)
    for i in range(3):
        newcomer = f.make_newcomer(occupation=f"Text {i}")
        f.make_case(newcomer=newcomer, organisation=world.kommune)
    HouseholdMember.objects.create(newcomer=newcomer, relation="partner", occupation="P")
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for i in range(30):
        newcomer = f.make_newcomer(occupation=f"Other text {i}")
        f.make_case(newcomer=newcomer, organisation=world.kommune)
        HouseholdMember.objects.create(newcomer=newcomer, relation="partner", occupation=f"P {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_unmapped_page_access(world, login, client):
    url = reverse("reports:occupations-unmapped")
    assert client.get(url).status_code == 302  # signed out: to the sign-in page
    assert login(world.nobody).get(url).status_code == 403
    assert login(world.owner).post(url).status_code == 405


def test_unmapped_code_them_all_codes_every_spelling_once_with_timeline_rows(world, login, texts):
    visible, hidden, partner = texts
    staff_coded = f.make_newcomer(occupation="Jobbet i butikk", occupation_code_id="5223")
    client = login(world.coordinator)
    page = client.get(reverse("reports:occupations-unmapped")).content.decode()
    assert reverse("reports:occupations-unmapped-code") in page
    response = client.post(
        reverse("reports:occupations-unmapped-code"),
        {"text": "jobbet i butikk", "occupation_code": "5223 Butikkmedarbeidere"},
    )
    assert response.status_code == 302
    for case in [*visible, hidden]:
        case.newcomer.refresh_from_db()
        assert case.newcomer.occupation_code_id == "5223"
        assert case.newcomer.occupation.strip().casefold() == "jobbet i butikk"  # text kept
        event = case.events.get(kind="contacts.newcomer.updated")
        assert event.data == {"fields": ["occupation_code"]}
    staff_coded.refresh_from_db()
    assert staff_coded.occupation_code_id == "5223"
    partner.refresh_from_db()
    assert partner.occupation_code_id is None  # another text
    _groups, total = unmapped_occupations(user=world.coordinator)
    assert total == 1
    # Again: nothing left to code, no second row.
    client.post(
        reverse("reports:occupations-unmapped-code"),
        {"text": "jobbet i butikk", "occupation_code": "5223"},
    )
    assert visible[0].events.filter(kind="contacts.newcomer.updated").count() == 1


def test_unmapped_code_them_all_is_for_coordinators_only(world, login, texts):
    visible, _hidden, _partner = texts
    url = reverse("reports:occupations-unmapped-code")
    client = login(world.owner)
    page = client.get(reverse("reports:occupations-unmapped")).content.decode()
    assert url not in page
    response = client.post(url, {"text": "jobbet i butikk", "occupation_code": "5223"})
    assert response.status_code == 403
    assert (
        login(world.nobody).post(url, {"text": "x", "occupation_code": "5223"}).status_code == 403
    )
    assert login(world.coordinator).get(url).status_code == 405
    visible[0].newcomer.refresh_from_db()
    assert visible[0].newcomer.occupation_code_id is None


def test_unmapped_code_them_all_refuses_an_unknown_code(world, login, texts):
    visible, _hidden, _partner = texts
    client = login(world.coordinator)
    response = client.post(
        reverse("reports:occupations-unmapped-code"),
        {"text": "jobbet i butikk", "occupation_code": "0000"},
        follow=True,
    )
    assert "Ingen yrker har denne koden" in response.content.decode()  # the nb default
    visible[0].newcomer.refresh_from_db()
    assert visible[0].newcomer.occupation_code_id is None
