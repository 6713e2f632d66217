"""The staff page of free-text occupations without a code: grouped, counted, visible cases
only, links to set the code."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.occupation_coding import occupation_text_code
from contacts.models import HouseholdMember, Newcomer
from occupations.models import Occupation
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


def _case_of(world, text, *, days_ago=0, organisation=None, newcomer=None):
    newcomer = newcomer or f.make_newcomer(occupation=text)
    case = f.make_case(newcomer=newcomer, organisation=organisation or world.kommune)
    created_at = timezone.now() - timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(created_at=created_at)
    return case


def test_unmapped_counts_each_person_once_and_leaves_out_erased_and_children(world):
    # Counted on the newcomer table since the million-case rewrite: a newcomer with two
    # visible cases is one person. One with no case at all counts for whoever sees every
    # case (the button codes them too) and for no one else.
    twice = f.make_newcomer(occupation="Litt av hvert")
    first = _case_of(world, "", newcomer=twice, days_ago=2)
    second = _case_of(world, "", newcomer=twice, days_ago=1)
    erased = _case_of(world, "Litt av hvert").newcomer
    Newcomer.objects.filter(pk=erased.pk).update(erased_at=timezone.now())
    f.make_newcomer(occupation="Litt av hvert")  # no case
    adult = HouseholdMember.objects.create(
        newcomer=twice, relation="other", occupation=" litt av hvert"
    )
    HouseholdMember.objects.create(newcomer=twice, relation="child", occupation="Litt av hvert")
    occurrences = [(second.pk, None), (first.pk, None), (second.pk, adult.pk)]
    (group,), total = unmapped_occupations(user=world.coordinator)
    # The newcomer once, the adult, and the newcomer without a case.
    assert (total, group.people) == (1, 3)
    assert [(o.case_id, o.member_id) for o in group.occurrences] == occurrences
    (group,), total = unmapped_occupations(user=world.owner)  # a member of the kommune
    assert (total, group.people) == (1, 2)
    assert [(o.case_id, o.member_id) for o in group.occurrences] == occurrences
    # What the coordinator is told is what "Code them all" codes.
    shop = Occupation.objects.get(code="5223")
    result = occupation_text_code(text="litt av hvert", occupation=shop, actor=world.coordinator)
    assert result.newcomers + result.household_members == 3


def test_unmapped_group_shows_its_latest_cases_across_spellings_newest_first(world):
    # Spellings that fold into one group ("Økonom", "okonom ") share its five places: the
    # five newest cases of any of them, newest first.
    older = [_case_of(world, "okonom ", days_ago=20 - i) for i in range(6)]
    newer = [_case_of(world, "Økonom", days_ago=3 - i) for i in range(3)]
    (group,), _total = unmapped_occupations(user=world.coordinator)
    assert group.people == 9
    latest = [*reversed(newer), older[-1], older[-2]]
    assert [o.case_id for o in group.occurrences] == [c.pk for c in latest]


def test_unmapped_label_is_the_most_common_spelling_and_ties_sort_by_label(world):
    for text in ["Økonom", "Økonom", "okonom", "bbb tekst", "Aaa tekst", "Ccc tekst"]:
        _case_of(world, text)
    _case_of(world, "Ccc tekst")
    groups, total = unmapped_occupations(user=world.coordinator)
    assert total == 4
    assert [(g.label, g.people) for g in groups] == [
        ("Økonom", 3),
        ("Ccc tekst", 2),
        ("Aaa tekst", 1),
        ("bbb tekst", 1),
    ]


@pytest.mark.parametrize("newest_read", [1, 4, 1000])
def test_unmapped_latest_cases_are_the_same_however_many_newest_cases_are_read_first(
    world, monkeypatch, newest_read
):
    # Groups with too few cases among the newest read get theirs from a window over their
    # own spellings; the result is the same, and a member still sees only their cases.
    rare = [_case_of(world, "Sjelden tekst", days_ago=30 + i) for i in range(7)]
    hidden = _case_of(world, "Sjelden tekst", days_ago=1, organisation=world.nav)
    common = [_case_of(world, "Vanlig tekst", days_ago=i) for i in range(8)]
    monkeypatch.setattr("reports.unmapped.RECENT_CASES_READ", newest_read)
    groups, _total = unmapped_occupations(user=world.owner)
    by_label = {g.label: [o.case_id for o in g.occurrences] for g in groups}
    assert by_label == {
        "Sjelden tekst": [c.pk for c in rare[:5]],
        "Vanlig tekst": [c.pk for c in common[:5]],
    }
    rare_group, _common = unmapped_occupations(user=world.coordinator)[0]
    assert (rare_group.label, rare_group.people) == ("Sjelden tekst", 8)
    assert [o.case_id for o in rare_group.occurrences] == [hidden.pk] + [c.pk for c in rare[:4]]


def test_unmapped_query_count_is_flat_when_older_cases_are_read(
    world, login, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("reports.unmapped.RECENT_CASES_READ", 1)
    client = login(world.owner)
    url = reverse("reports:occupations-unmapped")
    for i in range(3):
        newcomer = _case_of(world, f"Text {i}").newcomer
    HouseholdMember.objects.create(newcomer=newcomer, relation="partner", occupation="P")
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for i in range(30):
        newcomer = _case_of(world, f"Other text {i}", days_ago=i).newcomer
        HouseholdMember.objects.create(newcomer=newcomer, relation="partner", occupation=f"P {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_unmapped_for_someone_signed_out_is_empty(world, texts):
    assert unmapped_occupations(user=AnonymousUser()) == ([], 0)


def test_unmapped_partial_indexes_exist():
    # contacts 0018: what the page's queries read at a million cases (reports.unmapped).
    with connection.cursor() as cursor:
        names = {
            *connection.introspection.get_constraints(cursor, "contacts_newcomer"),
            *connection.introspection.get_constraints(cursor, "contacts_householdmember"),
        }
    assert {
        "contacts_newcomer_uncoded",
        "contacts_newcomer_uncoded_text",
        "contacts_member_uncoded",
    } <= names


def test_unmapped_counts_for_whoever_sees_every_case_read_the_tally_alone(world, texts):
    # Whoever sees every case: the tally kept by contacts' triggers, as many rows as there
    # are texts; counting the people read 875,290 rows at a million cases. A member's
    # counts read the people of their visible cases.
    def count_statements(user) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            unmapped_occupations(user=user)
        return [q["sql"] for q in queries.captured_queries if "SUM(n)" in q["sql"]]

    coordinator = count_statements(world.coordinator)
    assert len(coordinator) == 2
    assert all("contacts_occupationtally" in sql for sql in coordinator)
    assert not any("cases_case" in sql or "contacts_newcomer" in sql for sql in coordinator)
    member = count_statements(world.owner)
    assert len(member) == 2
    assert all("cases_case" in sql for sql in member)
    assert not any("contacts_occupationtally" in sql for sql in member)
