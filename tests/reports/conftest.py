"""A small region with known answers, on top of the `world` fixture.

The clock stands at 15 February 2026, 12:00 in Oslo. "Last month" is January 2026, compared
with December 2025:

case  newcomer: stage, group, channel, job   created (Oslo)    reply  topics        org, status
c1    A: considering, family, portal,         5 Jan 10:00       +2 h   jobs, housing kommune, closed
         "Sykepleier", Narvik municipality
c2    B: planning, EU worker, social,         10 Jan 09:00      +4 h   jobs          kommune+owner,
         "sykepleier "; partner: "Lærer"                                           open
c3    C: arrived, family, portal, Ingeniør    31 Jan 23:30      +10 h  school        skole, waiting
c4    A again                                 20 Jan 08:00      none   housing       kommune, new
d1    D: settled, returning, friends,         10 Dec 2025 12:00 +1 h   jobs          kommune, closed
         Elektriker
f1    E: considering, student, nav            1 Feb 00:30       none   -             -, new
case  Anna (world): considering, other, -     10 Feb 09:00      none   -             kommune+owner,
                                                                                   new

c3 is the last-evening case (it is 22:30 UTC) and f1 the first-night one (still 31 January
in UTC). Follow-ups: one overdue on c2, one due later on c3, one done on c4.

Onboarding plans (`place_plans`), started on c2 (12 Jan), c3 (1 Feb 00:30, still 31
January in UTC: February's) and d1 (15 Dec), with steps:

plan  step  due      state                                 counts for
c2    s1    20 Jan   done 21 Jan 00:30 Oslo (20 Jan UTC)   done in Jan, late
c2    s2    25 Jan   done 24 Jan                           done in Jan, on time
c2    s3    28 Jan   skipped                               not due: not applicable
c2    s4    10 Feb   open                                  overdue now
c2    s5    20 Feb   open                                  -
c3    s6    31 Jan   done 31 Jan 23:00 Oslo                done in Jan, on time
c3    s7    15 Jan   open                                  due in Jan, overdue now
d1    s8    20 Dec   done 19 Dec                           done in Dec, on time
d1    s9    22 Dec   done 21 Dec                           done in Dec, on time

January (coordinator): plans 1 (previous 1), steps done 3 (previous 2), due 4, on time 2
(50 %; previous 2 of 2, 100 %), overdue now 2 steps on 2 cases.
"""

from datetime import date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from cases.models import Case, Topic
from contacts.models import Municipality
from onboarding.models import OnboardingPlan, PlanStep
from tests import factories as f

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 2, 15, 12, 0, tzinfo=OSLO)


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


def place_case(
    *,
    newcomer,
    created: datetime,
    response_after: timedelta | None = None,
    topics: tuple[str, ...] = (),
    organisation=None,
    owner=None,
    status: str = Case.Status.NEW,
) -> Case:
    case = f.make_case(newcomer=newcomer, organisation=organisation, owner=owner)
    case.topics.set(Topic.objects.filter(slug__in=topics))
    fields: dict[str, object] = {
        "created_at": created,
        "first_response_at": created + response_after if response_after else None,
        "status": status,
    }
    if status == Case.Status.CLOSED:
        fields.update(closed_at=created + timedelta(days=1), closing_reason="answered")
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def place_plans(*, c2: Case, c3: Case, d1: Case, actor) -> dict[str, PlanStep]:
    plans = {
        case.pk: OnboardingPlan.objects.create(
            case=case, move_date=started.date(), started_at=started, started_by=actor
        )
        for case, started in (
            (c2, at(2026, 1, 12, 10)),
            (c3, at(2026, 2, 1, 0, 30)),
            (d1, at(2025, 12, 15)),
        )
    }
    rows = [
        ("s1", c2, (2026, 1, 20), "done", at(2026, 1, 21, 0, 30)),
        ("s2", c2, (2026, 1, 25), "done", at(2026, 1, 24, 10)),
        ("s3", c2, (2026, 1, 28), "skipped", at(2026, 1, 27)),
        ("s4", c2, (2026, 2, 10), "open", None),
        ("s5", c2, (2026, 2, 20), "open", None),
        ("s6", c3, (2026, 1, 31), "done", at(2026, 1, 31, 23)),
        ("s7", c3, (2026, 1, 15), "open", None),
        ("s8", d1, (2025, 12, 20), "done", at(2025, 12, 19)),
        ("s9", d1, (2025, 12, 22), "done", at(2025, 12, 21)),
    ]
    steps = {}
    for key, case, due, status, done_at in rows:
        steps[key] = PlanStep.objects.create(
            plan=plans[case.pk],
            titles={"nb": key, "en": key},
            title_nb=key,
            title_en=key,
            doer="team",
            anchor="move_date",
            due_date=date(*due),
            status=status,
            done_at=done_at,
            done_by=actor if done_at else None,
            skip_reason="Not needed" if status == "skipped" else "",
        )
    return steps


@pytest.fixture
def known(world, time_machine):
    time_machine.move_to(NOW, tick=False)
    narvik = Municipality.objects.get(name="Narvik")
    a = f.make_newcomer(
        name="A",
        lifecycle="considering",
        target_group="family",
        heard_via="portal",
        occupation="Sykepleier",
        municipality=narvik,
    )
    b = f.make_newcomer(
        name="B",
        lifecycle="planning",
        target_group="eu_worker",
        heard_via="social",
        occupation="sykepleier ",
        partner_needs_work=True,
        partner_occupation="Lærer",
    )
    c = f.make_newcomer(
        name="C",
        lifecycle="arrived",
        target_group="family",
        heard_via="portal",
        occupation="Ingeniør",
    )
    d = f.make_newcomer(
        name="D",
        lifecycle="settled",
        target_group="returning",
        heard_via="friends",
        occupation="Elektriker",
    )
    e = f.make_newcomer(name="E", lifecycle="considering", target_group="student", heard_via="nav")
    hours = lambda n: timedelta(hours=n)  # noqa: E731
    c1 = place_case(
        newcomer=a,
        created=at(2026, 1, 5, 10),
        response_after=hours(2),
        topics=("jobs", "housing"),
        organisation=world.kommune,
        status=Case.Status.CLOSED,
    )
    c2 = place_case(
        newcomer=b,
        created=at(2026, 1, 10, 9),
        response_after=hours(4),
        topics=("jobs",),
        organisation=world.kommune,
        owner=world.owner,
        status=Case.Status.OPEN,
    )
    c3 = place_case(
        newcomer=c,
        created=at(2026, 1, 31, 23, 30),
        response_after=hours(10),
        topics=("school",),
        organisation=world.skole,
        status=Case.Status.WAITING,
    )
    c4 = place_case(
        newcomer=a, created=at(2026, 1, 20, 8), topics=("housing",), organisation=world.kommune
    )
    d1 = place_case(
        newcomer=d,
        created=at(2025, 12, 10),
        response_after=hours(1),
        topics=("jobs",),
        organisation=world.kommune,
        status=Case.Status.CLOSED,
    )
    f1 = place_case(newcomer=e, created=at(2026, 2, 1, 0, 30))
    Case.objects.filter(pk=world.case.pk).update(created_at=at(2026, 2, 10, 9))
    f.make_followup(case=c2, assignee=world.owner, due_date=NOW.date() - timedelta(days=5))
    f.make_followup(case=c3, assignee=world.reader, due_date=NOW.date() + timedelta(days=5))
    done = f.make_followup(case=c4, assignee=world.owner, due_date=NOW.date() - timedelta(days=14))
    f.mark_done(done, at=NOW, by=world.owner)
    place_plans(c2=c2, c3=c3, d1=d1, actor=world.owner)
    return SimpleNamespace(
        world=world, narvik=narvik, a=a, b=b, c1=c1, c2=c2, c3=c3, c4=c4, d1=d1, f1=f1
    )
