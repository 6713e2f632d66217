"""Dashboard benchmark: seed N cases into DATABASE_URL, then time the dashboard.

    DATABASE_URL=postgres://user@host/tilflytt_bench .venv/bin/python bench/dashboard.py
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/dashboard.py --cases 2000

1. Migrates the database, then seeds it with bulk_create up to N cases (default 100,000)
   with newcomers, topics, shares and follow-ups spread over two years; 95% of the cases
   older than two months are closed, 30% of the newer ones. Each newcomer moved 20-150 days
   after the enquiry and has the settling-in check-ins whose day has come, 60% answered
   (the Outcomes section). Seeding is skipped
   when the database already holds N bench cases (references BENCH-...), so a second run
   only measures. Use a database of its own: the rows are not removed afterwards.
2. Times the dashboard selector and the page (through Django's test client, the whole
   middleware and template included) over --runs runs (default 30) after one warm-up, and
   prints p50/p95 and the number of queries of each.
3. Ends with one JSON line for the page as a coordinator sees it by default (this month):
   {"p50_ms": .., "p95_ms": .., "queries": ..}.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL", "false")
# The bench logs in with force_login (no authenticator app); the second step is not measured.
os.environ.setdefault("TWO_FACTOR_REQUIRED", "false")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from cases.followup_due import followup_due_sync  # noqa: E402
from cases.models import Case, FollowUp, Topic  # noqa: E402
from contacts.models import Membership, Municipality, Newcomer, Organisation  # noqa: E402
from outcomes.models import Answer, CheckIn, Theme, UnmetNeed  # noqa: E402
from outcomes.schedule import invite_at, months_after  # noqa: E402
from reports.forms import DashboardFilters  # noqa: E402
from reports.periods import period_pair_resolve  # noqa: E402
from reports.selectors import dashboard_figures  # noqa: E402
from reports.selectors.outcomes import outcomes_section  # noqa: E402

BATCH = 5000
JOBS = [
    *("Sykepleier", "sykepleier", "SYKEPLEIER", "Lege", "Lærer", "lærer", "Ingeniør"),
    *("Elektriker", "Sveiser", "Kokk", "Barnehagelærer", "Helsefagarbeider", "Utvikler"),
    *("Regnskapsfører", "Lastebilsjåfør", "Mekaniker", "Snekker", "Rørlegger", "Økonom"),
    *("Student", "Welder", "Nurse", "Teacher", "Engineer", "Developer", "Chef", "Electrician"),
]


def _staff() -> tuple[list[Organisation], object, object]:
    kinds = [k for k, _label in Organisation.Kind.choices][:4]
    orgs = [
        Organisation.objects.get_or_create(name=f"Bench {kind}", defaults={"kind": kind})[0]
        for kind in kinds
    ]
    users = []
    for username, org, role in (
        ("bench-coordinator", orgs[0], Membership.Role.COORDINATOR),
        ("bench-member", orgs[1], Membership.Role.MEMBER),
    ):
        user, _created = get_user_model().objects.get_or_create(username=username)
        Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": role})
        users.append(user)
    return orgs, users[0], users[1]


def seed(n: int, orgs: list[Organisation], owners: list) -> None:
    have = Case.objects.filter(reference__startswith="BENCH-").count()
    if have >= n:
        print(f"{have} bench cases already there; not seeding")
        return
    rng = random.Random(2026)
    now = timezone.now()
    municipalities = list(Municipality.objects.values_list("pk", flat=True)) or [None]
    topics = list(Topic.objects.values_list("pk", flat=True))
    choices = {
        "lifecycle": [c for c, _l in Newcomer.Lifecycle.choices],
        "target_group": [c for c, _l in Newcomer.TargetGroup.choices],
        "heard_via": [c for c, _l in Newcomer.HeardVia.choices] + [""],
    }
    start = time.perf_counter()
    for offset in range(have, n, BATCH):
        size = min(BATCH, n - offset)
        with transaction.atomic():
            newcomers = Newcomer.objects.bulk_create(
                Newcomer(
                    name=f"Bench newcomer {offset + i}",
                    municipality_id=rng.choice(municipalities),
                    lifecycle=rng.choice(choices["lifecycle"]),
                    target_group=rng.choice(choices["target_group"]),
                    heard_via=rng.choice(choices["heard_via"]),
                    occupation=rng.choice(JOBS) if rng.random() < 0.8 else "",
                    partner_needs_work=rng.random() < 0.3,
                    partner_occupation=rng.choice(JOBS),
                )
                for i in range(size)
            )
            rows = []
            for i, newcomer in enumerate(newcomers):
                created = now - timedelta(seconds=rng.randrange(730 * 86400))
                # Like a team that keeps up: most cases older than two months are closed.
                old = now - created > timedelta(days=60)
                status = (
                    "closed"
                    if rng.random() < (0.95 if old else 0.3)
                    else rng.choice(["new", "open", "open", "waiting"])
                )
                answered = status != "new" and rng.random() < 0.95
                rows.append(
                    Case(
                        reference=f"BENCH-{offset + i:07d}",
                        newcomer=newcomer,
                        channel="form",
                        status=status,
                        closing_reason="answered" if status == "closed" else "",
                        closed_at=created + timedelta(days=3) if status == "closed" else None,
                        created_at=created,
                        first_response_at=(
                            created + timedelta(minutes=rng.randrange(10, 14400))
                            if answered
                            else None
                        ),
                        responsible_organisation=rng.choice(orgs) if rng.random() < 0.9 else None,
                        owner=rng.choice(owners) if rng.random() < 0.7 else None,
                    )
                )
            cases = Case.objects.bulk_create(rows)
            Case.topics.through.objects.bulk_create(
                Case.topics.through(case_id=case.pk, topic_id=topic)
                for case in cases
                for topic in rng.sample(topics, rng.randint(1, 3))
            )
            Case.shared_with.through.objects.bulk_create(
                Case.shared_with.through(case_id=case.pk, organisation_id=rng.choice(orgs).pk)
                for case in cases
                if rng.random() < 0.2
            )
            FollowUp.objects.bulk_create(
                FollowUp(
                    case_id=case.pk,
                    title="Call back",
                    assignee=owner,
                    created_by=owner,
                    due_date=timezone.localdate() + timedelta(days=rng.randint(-30, 30)),
                    done_at=now if rng.random() < 0.5 else None,
                    rests=case.status == Case.Status.CLOSED,
                )
                for case in cases
                if rng.random() < 0.3
                for owner in [rng.choice(owners)]
            )
        print(f"  seeded {offset + size} cases", end="\r", flush=True)
    followup_due_sync()  # the follow-ups were written in bulk, around the services
    print(f"seeded {n - have} cases in {time.perf_counter() - start:.1f} s")


def seed_outcomes() -> None:
    """Settling-in check-ins for the bench newcomers: moved 20-150 days after their enquiry,
    each check-in whose day has come planned (invited), about 60% answered, a third of the
    answers naming unmet needs. Skipped when the bench already has check-ins."""
    if CheckIn.objects.exists():
        print(f"{CheckIn.objects.count()} check-ins already there; not seeding them")
        return
    rng = random.Random(2027)
    today = timezone.localdate()
    start = time.perf_counter()
    rows = (
        Case.objects.filter(reference__startswith="BENCH-")
        .values_list(
            "pk", "newcomer_id", "created_at", "newcomer__municipality_id", "newcomer__target_group"
        )
        .order_by("pk")
    )
    checkins: list[CheckIn] = []
    answers: list[tuple[CheckIn, dict]] = []

    def flush() -> None:
        with transaction.atomic():
            CheckIn.objects.bulk_create(checkins, batch_size=BATCH)
            made = Answer.objects.bulk_create(
                [Answer(checkin=c, **a) for c, a in answers], batch_size=BATCH
            )
            UnmetNeed.objects.bulk_create(
                [UnmetNeed(answer=a, theme=t) for a in made for t in a.missing],
                batch_size=BATCH,
                ignore_conflicts=True,
            )
        checkins.clear()
        answers.clear()

    themes = [t for t, _l in Theme.choices]
    for case_id, newcomer_id, created, municipality_id, group in rows.iterator(chunk_size=BATCH):
        moved = timezone.localdate(created) + timedelta(days=rng.randint(20, 150))
        gone = False
        for months in (3, 6, 12, 24):
            due = months_after(moved, months)
            if due > today:
                break
            at = invite_at(due)
            checkin = CheckIn(
                newcomer_id=newcomer_id,
                case_id=case_id,
                months=months,
                move_date=moved,
                municipality_id=municipality_id,
                target_group=group,
                due_date=due,
                due_at=at,
                status="invited",
                invited_at=at,
                left_before=gone,
            )
            checkins.append(checkin)
            if rng.random() < 0.6:
                gone = gone or rng.random() < 0.08
                checkin.status = "answered"
                answers.append(
                    (
                        checkin,
                        {
                            "via": "portal",
                            "answered_at": at + timedelta(days=rng.randint(0, 10)),
                            "living": "away" if gone else "yes",
                            "moved_to": "oslo" if gone else "",
                            "settled": rng.randint(1, 5),
                            "recommend": rng.randint(0, 10),
                            "work_self": rng.choice(["in_field", "other", "seeking"]),
                            "work_partner": rng.choice(["", "in_field", "seeking"]),
                            "missing": rng.sample(themes, 1) if rng.random() < 0.33 else [],
                        },
                    )
                )
        if len(checkins) >= BATCH * 4:
            flush()
    flush()
    if connection.vendor == "postgresql":  # fresh statistics, as autovacuum would give
        with connection.cursor() as cursor:
            for table in ("outcomes_checkin", "outcomes_answer", "outcomes_unmetneed"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"seeded {CheckIn.objects.count()} check-ins in {time.perf_counter() - start:.1f} s")


def measure(label: str, run, runs: int) -> dict[str, float]:
    run()  # warm-up: connections, caches, compiled templates
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        run()
    queries = len(ctx.captured_queries)  # now: a later request empties the log it reads
    samples = []
    for _i in range(runs):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    result = {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(cuts[94], 1),
        "queries": queries,
    }
    print(f"{label:<46} {result['p50_ms']:>9} {result['p95_ms']:>9} {result['queries']:>8}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    orgs, coordinator, member = _staff()
    seed(args.cases, orgs, [coordinator, member])
    seed_outcomes()
    total = Case.objects.count()
    print(f"{connection.vendor}, {total} cases in all, {args.runs} runs each\n")

    setup_test_environment()  # lets the test client use the host name "testserver"
    # WhiteNoise warns that var/static was never collected; the page needs no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    today = timezone.localdate()

    def selector(kind: str):
        periods = period_pair_resolve(kind=kind, today=today)
        return lambda: dashboard_figures(
            user=coordinator, periods=periods, filters=DashboardFilters(), today=today
        )

    def page(user, query: str = ""):
        client = Client()
        client.force_login(user)

        def get() -> None:
            response = client.get(f"/dashboard/{query}")
            if response.status_code != 200:
                raise RuntimeError(f"/dashboard/{query} answered {response.status_code}")

        return get

    print(f"{'what':<46} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8}")
    # Plain static files storage: the page is measured without a collectstatic manifest.
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES={**django.conf.settings.STORAGES, **static}):
        measure("selector, this month, coordinator", selector("month"), args.runs)
        measure("selector, this year, coordinator", selector("year"), args.runs)
        for label, user in (("coordinator", coordinator), ("member", member)):
            measure(
                f"Outcomes section alone, {label}",
                lambda user=user: outcomes_section(
                    user=user, filters=DashboardFilters(), today=today
                ),
                args.runs,
            )
        headline = measure("page /dashboard/, coordinator", page(coordinator), args.runs)
        measure(
            "page /dashboard/?period=year, coordinator",
            page(coordinator, "?period=year"),
            args.runs,
        )
        measure("page /dashboard/, member (own slice)", page(member), args.runs)
        measure("page /dashboard/?period=year, member", page(member, "?period=year"), args.runs)
    print(json.dumps(headline))


if __name__ == "__main__":
    main()
