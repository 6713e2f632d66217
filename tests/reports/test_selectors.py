"""Every dashboard figure on the known region (tests/reports/conftest.py), exactly."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from onboarding.models import PlanStep
from reports.forms import DashboardFilters
from reports.periods import period_pair_resolve
from reports.selectors import Tally, Workload, dashboard_figures
from tests import factories as f

TODAY = date(2026, 2, 15)


@pytest.fixture(autouse=True)
def english():
    """Labels are compared in English (the catalogues may translate them any time)."""
    with translation.override("en"):
        yield


def figures(user, kind="last_month", first=None, last=None, **filters):
    return dashboard_figures(
        user=user,
        periods=period_pair_resolve(kind=kind, today=TODAY, first=first, last=last),
        filters=DashboardFilters(**filters),
        today=TODAY,
    )


def counts(rows):
    """{key: (current, previous)} without the rows that are zero in both periods."""
    return {r.key: (r.current, r.previous) for r in rows if r.current or r.previous}


def test_dashboard_figures_last_month_every_figure(known):
    data = figures(known.world.coordinator)

    assert (data.enquiries.current, data.enquiries.previous) == (4, 1)
    assert data.response.median == timedelta(hours=4)
    assert data.response.p90 == timedelta(hours=8, minutes=48)  # 4 h + 0.8 * (10 h - 4 h)
    assert (data.response.answered, data.response.waiting) == (3, 1)
    assert data.response_previous.median == data.response_previous.p90 == timedelta(hours=1)
    assert (data.response_previous.answered, data.response_previous.waiting) == (1, 0)

    assert [(r.key, r.current) for r in data.statuses] == [("new", 3), ("open", 1), ("waiting", 1)]
    assert data.open_cases == 5
    assert (data.overdue.followups, data.overdue.cases) == (1, 1)

    assert data.series.step == "day"
    assert len(data.series.points) == 31
    assert {p.day.day: p.count for p in data.series.points if p.count} == {
        5: 1,
        10: 1,
        20: 1,
        31: 1,
    }

    assert counts(data.lifecycle) == {
        "considering": (1, 0),
        "planning": (1, 0),
        "arrived": (1, 0),
        "settled": (0, 1),
    }
    assert [(r.key, r.current, r.previous) for r in data.funnel] == [
        ("considering", 3, 1),
        ("planning", 2, 1),
        ("arrived", 1, 1),
        ("settled", 0, 1),
        ("left", 0, 0),
    ]
    assert counts(data.target_groups) == {
        "family": (2, 0),
        "eu_worker": (1, 0),
        "returning": (0, 1),
    }
    assert counts(data.channels) == {"portal": (2, 0), "social": (1, 0), "friends": (0, 1)}
    assert [r.key for r in data.channels][-1] == "other"  # no "not recorded" row in January
    assert counts(data.topics) == {"jobs": (2, 1), "housing": (2, 0), "school": (1, 0)}
    assert [r.key for r in data.topics][:3] == ["jobs", "housing", "school"]
    assert data.occupations == [
        Tally(key="sykepleier", label="Sykepleier", current=2, previous=0),
        Tally(key="ingeniør", label="Ingeniør", current=1, previous=0),
    ]
    assert data.partner_occupations == [Tally(key="lærer", label="Lærer", current=1, previous=0)]

    kommune, skole = known.world.kommune, known.world.skole
    assert data.organisations == [
        Workload(key=str(kommune.pk), label="Narvik kommune", open=3, new=2, unowned=1),
        Workload(key=str(skole.pk), label="Narvik skole", open=1, new=0, unowned=1),
        Workload(key="", label="No organisation yet", open=1, new=1, unowned=1),
    ]
    assert [(w.label, w.open, w.new) for w in data.owners] == [("Nobody", 3, 2), ("owner", 2, 1)]


def test_dashboard_figures_month_border_in_oslo(known):
    """c3 (23:30 on 31 January) is January's; f1 (00:30 on 1 February, 31 January in UTC)
    is February's."""
    january = figures(known.world.coordinator, kind="last_month")
    assert {p.day for p in january.series.points if p.count} >= {date(2026, 1, 31)}
    this_month = figures(known.world.coordinator, kind="month")
    assert (this_month.enquiries.current, this_month.enquiries.previous) == (2, 2)
    assert {p.day: p.count for p in this_month.series.points if p.count} == {
        date(2026, 2, 1): 1,
        date(2026, 2, 10): 1,
    }
    # Anna has no channel recorded: it shows as its own row.
    assert this_month.channels[-1].key == ""
    assert (this_month.channels[-1].current, this_month.channels[-1].previous) == (1, 0)


def test_dashboard_figures_previous_period_for_longer_periods(known):
    year = figures(known.world.coordinator, kind="year")
    assert (year.enquiries.current, year.enquiries.previous) == (6, 0)
    # 46 days so far: weekly bars, from the Monday before 1 January.
    assert year.series.step == "week"
    assert year.series.points[0].day == date(2025, 12, 29)
    assert sum(p.count for p in year.series.points) == 6
    custom = figures(
        known.world.coordinator, kind="custom", first=date(2025, 9, 1), last=date(2026, 2, 28)
    )
    assert (custom.enquiries.current, custom.enquiries.previous) == (7, 0)
    assert custom.series.step == "week"
    longer = figures(
        known.world.coordinator, kind="custom", first=date(2025, 3, 1), last=date(2026, 2, 28)
    )
    assert longer.series.step == "month"
    assert [p.count for p in longer.series.points][-3:] == [1, 4, 2]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"municipality_id": "narvik"}, (2, 0)),  # A's cases c1 and c4
        ({"organisation_id": "skole"}, (1, 0)),  # c3; Anna's shared case is February's
        ({"organisation_id": "kommune"}, (3, 1)),
        ({"target_group": "family"}, (3, 0)),  # A and C
        ({"target_group": "refugee"}, (0, 0)),
    ],
)
def test_dashboard_figures_filters(known, filters, expected):
    resolved = {
        key: {"narvik": known.narvik.pk, "skole": known.world.skole.pk}.get(value)
        or {"kommune": known.world.kommune.pk}.get(value, value)
        for key, value in filters.items()
    }
    data = figures(known.world.coordinator, **resolved)
    assert (data.enquiries.current, data.enquiries.previous) == expected


def test_dashboard_figures_members_see_their_slice(known):
    reader = figures(known.world.reader)  # skole: c3, and Anna's case shared with skole
    assert (reader.enquiries.current, reader.enquiries.previous) == (1, 0)
    assert [(r.key, r.current) for r in reader.statuses] == [
        ("new", 1),
        ("open", 0),
        ("waiting", 1),
    ]
    assert reader.occupations == [Tally(key="ingeniør", label="Ingeniør", current=1, previous=0)]
    assert reader.overdue.followups == 0

    owner = figures(known.world.owner)  # kommune's cases
    assert (owner.enquiries.current, owner.enquiries.previous) == (3, 1)
    assert owner.overdue.followups == 1
    assert [w.label for w in owner.organisations] == ["Narvik kommune"]

    outsider = figures(known.world.outsider)  # NAV sees none of them
    assert (outsider.enquiries.current, outsider.open_cases) == (0, 0)
    assert outsider.response.median is None


def onboarding(data):
    o = data.onboarding
    return {
        "plans": (o.plans_started.current, o.plans_started.previous),
        "done": (o.steps_done.current, o.steps_done.previous),
        "due": (o.steps_due, o.steps_due_previous),
        "on_time": (o.on_time, o.on_time_previous),
        "share": (o.on_time_share, o.on_time_share_previous),
        "overdue": (o.overdue_steps, o.overdue_cases),
    }


def test_dashboard_figures_onboarding_progress(known):
    """s1 was done at 00:30 on 21 January in Oslo (20 January in UTC): late. c3's plan was
    started at 00:30 on 1 February in Oslo: February's."""
    assert onboarding(figures(known.world.coordinator)) == {
        "plans": (1, 1),
        "done": (3, 2),
        "due": (4, 2),
        "on_time": (2, 2),
        "share": (50.0, 100.0),
        "overdue": (2, 2),
    }
    this_month = figures(known.world.coordinator, kind="month")  # 1-15 Feb vs 1-15 Jan
    assert onboarding(this_month) == {
        "plans": (1, 1),
        "done": (0, 0),
        "due": (1, 1),  # s4; s7
        "on_time": (0, 0),
        "share": (0.0, 0.0),
        "overdue": (2, 2),
    }


def test_dashboard_figures_onboarding_members_slice_and_filters(known):
    reader = onboarding(figures(known.world.reader))  # c3 only
    assert reader == {
        "plans": (0, 0),
        "done": (1, 0),
        "due": (2, 0),
        "on_time": (1, 0),
        "share": (50.0, None),
        "overdue": (1, 1),
    }
    owner = onboarding(figures(known.world.owner))  # kommune: c2 and d1
    assert owner == {
        "plans": (1, 1),
        "done": (2, 2),
        "due": (2, 2),
        "on_time": (1, 2),
        "share": (50.0, 100.0),
        "overdue": (1, 1),
    }
    family = onboarding(figures(known.world.coordinator, target_group="family"))  # c3
    assert family["overdue"] == (1, 1)
    assert onboarding(figures(known.world.outsider))["overdue"] == (0, 0)


def test_dashboard_figures_workload_names_owners_and_organisations_per_group(known):
    """The groups are counted by key and named afterwards (reports.selectors.workload):
    an owner's full name when there is one, per organisation and per owner."""
    owner = known.world.owner
    owner.first_name, owner.last_name = "Kari", "Nordmann"
    owner.save(update_fields=["first_name", "last_name"])
    data = figures(known.world.coordinator)
    assert [(w.key, w.label, w.open) for w in data.owners] == [
        ("", "Nobody", 3),
        (str(owner.pk), "Kari Nordmann", 2),
    ]
    member = figures(known.world.owner)  # kommune's cases only
    assert [(w.label, w.open, w.new, w.unowned) for w in member.organisations] == [
        ("Narvik kommune", 3, 2, 1)
    ]


def test_dashboard_figures_onboarding_counts_a_plan_with_several_overdue_steps_once(known):
    """Overdue steps and the plans they belong to are counted apart (COUNT(DISTINCT),
    reports.selectors.plans): a case with three overdue steps is three steps and one case,
    and a member still sees only the plans of their cases."""
    for key, due in (("s10", date(2026, 1, 3)), ("s11", date(2026, 2, 1))):
        PlanStep.objects.create(
            plan=known.c3.plan,
            titles={"nb": key, "en": key},
            title_nb=key,
            title_en=key,
            doer="team",
            anchor="move_date",
            due_date=due,
        )
    assert onboarding(figures(known.world.coordinator))["overdue"] == (4, 2)  # s4; s7, s10, s11
    assert onboarding(figures(known.world.reader))["overdue"] == (3, 1)  # c3 only
    assert onboarding(figures(known.world.owner))["overdue"] == (1, 1)  # c2 and d1
    assert onboarding(figures(known.world.outsider))["overdue"] == (0, 0)


def test_dashboard_figures_onboarding_periods_read_each_period_alone(known):
    """Each period's plans and steps are counted apart (one part per period and index),
    over short custom periods that split plan c2's steps."""
    gap = figures(
        known.world.coordinator, kind="custom", first=date(2026, 1, 21), last=date(2026, 1, 24)
    )
    # 21-24 Jan against 17-20 Jan: s2 done 24 Jan (on time, due 25 Jan: not in the period);
    # s1 due 20 Jan (done 21 Jan, late) in the previous period, done in the current one.
    assert onboarding(gap) == {
        "plans": (0, 0),
        "done": (2, 0),
        "due": (0, 1),
        "on_time": (0, 0),
        "share": (None, 0.0),
        "overdue": (2, 2),
    }


def test_dashboard_figures_occupations_top_list_leaves_out_blanks(world):
    """Blank occupations are the largest group here; they are dropped after grouping, and
    the top list still has its fifteen rows."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cases.models import Case
    from reports.selectors import TOP_OCCUPATIONS
    from tests import factories as f

    created = datetime(2026, 2, 10, 12, tzinfo=ZoneInfo("Europe/Oslo"))
    jobs = [""] * 20 + ["  "] * 3 + [f"Job {i:02d}" for i in range(TOP_OCCUPATIONS + 1)]
    jobs += ["job 00 "]  # the same occupation as "Job 00", spelled otherwise
    for job in jobs:
        case = f.make_case(newcomer=f.make_newcomer(occupation=job), organisation=world.kommune)
        Case.objects.filter(pk=case.pk).update(created_at=created)
    rows = figures(world.coordinator, kind="month").occupations
    assert len(rows) == TOP_OCCUPATIONS
    assert all(row.key for row in rows)
    assert (rows[0].key, rows[0].current) == ("job 00", 2)
    assert [row.key for row in rows[1:]] == [f"job {i:02d}" for i in range(1, TOP_OCCUPATIONS)]


def test_newcomer_figures_one_query_matches_the_portable_queries(world):
    """On PostgreSQL the five newcomer tables come from one GROUPING SETS query; it must give
    what newcomer_breakdown and occupation_counts give (which SQLite runs, so there this
    compares them with themselves): newcomers with cases in both periods or two cases in
    one, more occupations than the top list holds, ties, blanks, other spellings, partners
    who need work and partners who do not, for the whole region and a member's slice."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cases.models import Case
    from contacts.models import HouseholdMember
    from reports.periods import period_pair_resolve
    from reports.selectors import (
        dashboard_cases,
        newcomer_breakdown,
        newcomer_figures,
        occupation_counts,
    )
    from tests import factories as f

    oslo = ZoneInfo("Europe/Oslo")
    january, december = datetime(2026, 1, 10, 12, tzinfo=oslo), datetime(2025, 12, 10, tzinfo=oslo)
    jobs = ["", " ", "Lege", "lege ", "LEGE", "Økonom", "økonom"]
    jobs += [f"Job {i:02d}" for i in range(18)]
    for i, job in enumerate(jobs * 2):
        newcomer = f.make_newcomer(
            occupation=job,
            lifecycle=["considering", "planning", "arrived"][i % 3],
            heard_via=["", "portal", "social"][i % 3],
            partner_needs_work=i % 4 == 0,
            partner_occupation=jobs[(i * 7) % len(jobs)],
            # Coded groups (by code, whatever the text), among uncoded spellings of the same.
            occupation_code_id="2631" if job == "Økonom" else "2211" if i % 5 == 0 else None,
        )
        if i % 2 == 0:
            HouseholdMember.objects.create(
                newcomer=newcomer,
                relation="partner",
                occupation_code_id="7411" if i % 4 == 0 else None,
            )
        organisation = world.kommune if i % 2 else world.skole
        for created in [[december], [january, december], [january, january]][i % 3]:
            case = f.make_case(newcomer=newcomer, organisation=organisation)
            Case.objects.filter(pk=case.pk).update(created_at=created)
    periods = period_pair_resolve(kind="last_month", today=date(2026, 2, 15))
    for user in (world.coordinator, world.reader):
        cases = dashboard_cases(user=user, filters=DashboardFilters())
        one = newcomer_figures(cases=cases, periods=periods)
        assert one.breakdown == newcomer_breakdown(cases=cases, periods=periods)
        assert one.occupations == occupation_counts(cases=cases, periods=periods)
        assert one.partner_occupations == occupation_counts(
            cases=cases, periods=periods, partner=True
        )
        assert one.occupations and one.partner_occupations
        assert any(t.key == "#2211" for t in one.occupations)
        assert any(t.key == "#7411" for t in one.partner_occupations)


def test_dashboard_figures_occupations_count_coded_groups_as_one(known):
    """Coded newcomers are counted by their code whatever they typed ("Sykepleier" and
    "sykepleier " coded 2223 are one row, labelled with the code and title); partners by
    their household row's code."""
    from django.utils import translation

    from contacts.models import HouseholdMember, Newcomer

    Newcomer.objects.filter(occupation__iexact="sykepleier").update(occupation_code_id="2223")
    Newcomer.objects.filter(occupation="sykepleier ").update(occupation_code_id="2223")
    partner_of = Newcomer.objects.get(name="B")
    HouseholdMember.objects.create(
        newcomer=partner_of, relation="partner", occupation="Lærer", occupation_code_id="2341"
    )
    with translation.override("nb"):
        data = figures(known.world.coordinator, kind="last_month")
    assert data.occupations[0] == Tally(
        key="#2223", label="2223 Sykepleiere", current=2, previous=0
    )
    assert [t.key for t in data.occupations] == ["#2223", "ingeniør"]
    assert data.partner_occupations == [
        Tally(key="#2341", label="2341 Grunnskolelærere", current=1, previous=0)
    ]


def test_dashboard_workload_orders_people_of_the_same_name_by_key(known):
    """Equal counts and equal names: the key decides, so the table and its CSV keep one
    order on every database."""
    from cases.models import Case
    from reports.selectors.workload import open_case_figures

    namesakes = []
    for i in range(4):
        user = f.make_user(username=f"ola{i}", organisation=known.world.kommune)
        user.first_name, user.last_name = "Ola", "Nordmann"
        user.save(update_fields=["first_name", "last_name"])
        f.make_case(organisation=known.world.kommune, owner=user)
        namesakes.append(str(user.pk))
    owners = open_case_figures(cases=Case.objects.all()).owners
    assert [w.key for w in owners if w.label == "Ola Nordmann"] == sorted(namesakes, key=int)


@pytest.mark.django_db
def test_dashboard_workload_for_someone_who_sees_no_case_is_empty_without_a_query(
    django_assert_num_queries,
):
    from cases.models import Case
    from reports.selectors.workload import open_case_figures

    with django_assert_num_queries(0):
        figures_of_none = open_case_figures(cases=Case.objects.none())
    assert figures_of_none.organisations == [] and figures_of_none.owners == []
