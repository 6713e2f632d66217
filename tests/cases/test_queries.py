"""Pages run a fixed number of queries, whatever the number of cases, follow-ups or events."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases import services
from tests import factories as f
from tests import pages


def _grow(world, n):
    """n more visible cases for the owner, each with follow-ups, notes and shares."""
    today = timezone.localdate()
    for i in range(n):
        case = f.make_case(
            organisation=world.kommune, owner=world.owner, shared_with=(world.skole,)
        )
        f.make_followup(case=case, assignee=world.owner, due_date=today - timedelta(days=i % 3))
        f.make_followup(case=world.case, assignee=world.owner, due_date=today + timedelta(days=i))
        services.note_add(case=world.case, body=f"Note {i}", visibility="team", actor=world.owner)
        services.note_add(
            case=world.case, body=f"Secret {i}", visibility="confidential", actor=world.owner
        )
        services.case_set_priority(
            case=world.case, priority=("high", "low")[i % 2], actor=world.owner
        )


def _count(client, url):
    # Each page as the first after a change of the team: its pickers read (config.pickers).
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["owner", "coordinator", "reader"])
@pytest.mark.parametrize(
    "url_name",
    ["cases:list", "cases:mine", "cases:detail", "list-filtered", "list-searched"],
)
def test_queries_do_not_grow_with_the_data(world, login, persona, url_name):
    client = login(getattr(world, persona))
    if url_name == "cases:detail":
        url = reverse(url_name, args=[world.case.pk])
    elif url_name == "list-filtered":
        url = (
            reverse("cases:list")
            + f"?status=new&overdue=true&organisation={world.kommune.pk}&ordering=name"
        )
    elif url_name == "list-searched":
        url = reverse("cases:list") + "?q=newcomer"
    else:
        url = reverse(url_name)
    _grow(world, 3)
    small = _count(client, url)
    _grow(world, 30)
    large = _count(client, url)
    assert large == small, (url, small, large)
    if url_name.startswith("list"):  # a valid filter, which lists rows (not the empty list)
        assert len(pages.case_list_ids(client.get(url))) > 1
    # 26: the case page's part from jobs (the recruitment needs that fit) costs one query
    # when the newcomer's consent does not cover employers, four when it does.
    assert small <= 26


@pytest.mark.django_db
def test_queries_case_pages_with_onboarding_plans_stay_flat(world, login):
    client = login(world.owner)

    def plan_for(case):
        f.make_plan(case=case, actor=world.owner, move_date=date(2027, 5, 1))

    plan_for(world.case)
    urls = [
        reverse("cases:list"),
        reverse("cases:mine"),
        reverse("cases:detail", args=[world.case.pk]),
    ]
    for _ in range(3):
        plan_for(f.make_case(organisation=world.kommune, owner=world.owner))
    small = [_count(client, url) for url in urls]
    for _ in range(12):
        plan_for(f.make_case(organisation=world.kommune, owner=world.owner))
    large = [_count(client, url) for url in urls]
    assert small == large
    listing = client.get(reverse("cases:list"))
    row = next(row for row in pages.case_list_rows(listing) if row.pk == world.case.pk)
    applicable = world.case.plan.steps.exclude(status="skipped").count()
    assert applicable > 0 and f"0/{applicable}" in row.text


@pytest.mark.django_db
def test_queries_case_page_reads_the_staff_once_for_every_people_picker(world, login):
    """The owner, the follow-up's assignee and each plan step's person are picked from
    the same list (contacts.selectors.staff_choices): one query for all of them."""
    f.make_plan(case=world.case, actor=world.owner, move_date=date(2027, 5, 1))
    client = login(world.owner)
    with CaptureQueriesContext(connection) as ctx, translation.override("en"):
        page = client.get(reverse("cases:detail", args=[world.case.pk]))
    staff_reads = [q["sql"] for q in ctx.captured_queries if _reads_staff(q["sql"])]
    # The owner, the follow-up's and the steps' pickers are drawn, each with "(me)" first.
    assert page.content.decode().count("(me)</option>") >= 3
    assert len(staff_reads) == 1


@pytest.mark.django_db
def test_queries_case_page_given_back_with_errors_keeps_one_staff_read(world, login):
    """A follow-up posted without its title comes back with the same pickers: the user
    first, and the staff still read once."""
    client = login(world.owner)
    with CaptureQueriesContext(connection) as ctx, translation.override("en"):
        page = client.post(
            reverse("cases:followup-add", args=[world.case.pk]),
            {"title": "", "assignee": world.owner.pk, "due_date": "2030-01-01"},
        )
    assert page.status_code == 400
    html = page.content.decode()
    assignee = html[html.index('name="assignee"') :]
    assignee = assignee[: assignee.index("</select>")]
    assert "(me)</option>" in assignee
    assert len([q for q in ctx.captured_queries if _reads_staff(q["sql"])]) == 1


def _reads_staff(sql: str) -> bool:
    return 'FROM "contacts_membership"' in sql and '"auth_user"."is_active"' in sql


@pytest.mark.django_db
def test_my_work_stays_the_same_size_however_much_work_there_is(world, login):
    from cases.views import MINE_SHOWN

    today = timezone.localdate()
    for i in range(MINE_SHOWN + 5):
        case = f.make_case(organisation=world.kommune, owner=world.owner)
        f.make_followup(case=case, assignee=world.owner, due_date=today + timedelta(days=i))
    response = login(world.owner).get(reverse("cases:mine"))
    followups = pages.section(response, "followups-heading")
    assert followups.count("<li ") == MINE_SHOWN
    assert pages.heading_count(followups) == MINE_SHOWN + 5
    owned = pages.section(response, "cases-heading")
    assert len(pages.rows(owned)) == MINE_SHOWN
    assert pages.heading_count(owned) == MINE_SHOWN + 6  # with the world's case
    assert f"?owner={world.owner.pk}" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["cases:list", "cases:mine"])
def test_case_tables_read_only_the_columns_they_show(world, login, url_name):
    """The case list and "My work" read no enquiry text and no newcomer details beyond the
    name (cases.selectors.CASE_ROW_FIELDS), and still show what they showed."""
    _grow(world, 2)
    with CaptureQueriesContext(connection) as ctx:
        response = login(world.owner).get(reverse(url_name))
    html = response.content.decode()
    rows = [q["sql"] for q in ctx.captured_queries if '"cases_case"."reference"' in q["sql"]]
    assert rows
    for sql in rows:
        assert '"cases_case"."message"' not in sql
        assert '"contacts_newcomer"."email"' not in sql
        assert '"contacts_newcomer"."name"' in sql
    assert world.case.reference in html and world.case.newcomer.name in html
