"""Reminders benchmark: one sweep over 100,000 follow-ups and plan steps, 1,000 of them due.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tilflytt_bench_reminders \
        .venv/bin/python bench/reminders.py
    DATABASE_URL=sqlite:////tmp/bench-reminders.sqlite3 .venv/bin/python bench/reminders.py

1. Migrates the database and seeds it (once: a second run only measures) with --items
   follow-ups and plan steps (half each, default 100,000) on 1,000 cases, assigned to 20
   staff members; --due of them (default 1,000) are due today, the rest fall due later or
   are done. Use a database of its own: the rows stay.
2. Removes earlier runs' reminders and vacuums (_clear), then times one sweep at 09:05
   local time today: planning, claiming every due reminder and writing its e-mail to the
   outbox, plus the staff digests.
   Publishing each e-mail's task to the broker is left out (no broker here: it would send
   the e-mails in-process), so the figures are the sweep's own database and rendering work.
3. Prints wall time, query count and peak traced memory, and ends with one JSON line:
   {"sweep_s": .., "queries": .., "peak_mb": .., "rss_mb": ..} (peak_mb: traced Python
   allocations during the sweep; rss_mb: the process's resident peak, seeding included on
   a first run). Target (issue 24): under 5 s, and a worker under 250 MB resident.
   --profile PATH writes cProfile stats of the timed sweep (read them with pstats); --sql
   prints the database's share of the sweep by statement (the time spent in execute).
"""

import argparse
import cProfile
import json
import os
import re
import resource
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL", "false")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

import outbox.services  # noqa: E402
from cases.followup_due import followup_due_sync  # noqa: E402
from cases.models import Case, FollowUp  # noqa: E402
from cases.workingtime import local_at  # noqa: E402
from contacts.models import Membership, Newcomer, Organisation  # noqa: E402
from onboarding.models import OnboardingPlan, PlanStep, TemplateStep  # noqa: E402
from outbox.models import OutboundEmail  # noqa: E402
from reminders.models import Reminder  # noqa: E402
from reminders.services import reminders_sweep  # noqa: E402

CASES = 1000
STAFF = 20
BATCH = 5000


def seed(items: int, due: int) -> None:
    if FollowUp.objects.filter(title__startswith="Bench ").count() >= items // 2:
        return
    organisation, _ = Organisation.objects.get_or_create(
        name="Bench kommune", defaults={"kind": Organisation.Kind.MUNICIPALITY}
    )
    users = []
    for n in range(STAFF):
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench{n}", defaults={"email": f"bench{n}@example.org"}
        )
        Membership.objects.get_or_create(user=user, organisation=organisation)
        users.append(user)
    newcomer = Newcomer.objects.create(name="Bench", email="")
    now = timezone.now()
    Case.objects.bulk_create(
        [
            Case(
                reference=f"BENCH-R-{i:05d}",
                newcomer=newcomer,
                channel=Case.Channel.PHONE,
                status=Case.Status.OPEN,
                owner=users[i % STAFF],
                responsible_organisation=organisation,
                created_at=now - timedelta(days=30),
                first_response_at=now - timedelta(days=29),
            )
            for i in range(CASES)
        ],
        batch_size=BATCH,
    )
    cases = list(Case.objects.filter(reference__startswith="BENCH-R-").values_list("pk", flat=True))
    OnboardingPlan.objects.bulk_create(
        [OnboardingPlan(case_id=pk, move_date=timezone.localdate()) for pk in cases],
        batch_size=BATCH,
    )
    plans = list(OnboardingPlan.objects.filter(case_id__in=cases).values_list("pk", flat=True))
    today = timezone.localdate()
    half, due_half = items // 2, due // 2

    def due_date(i: int):
        # The first due_half are due today; the rest later (the not-due bulk).
        return today if i < due_half else today + timedelta(days=1 + i % 200)

    for start in range(0, half, BATCH):
        FollowUp.objects.bulk_create(
            [
                FollowUp(
                    case_id=cases[i % CASES],
                    title=f"Bench {i}",
                    assignee=users[i % STAFF],
                    created_by=users[0],
                    due_date=due_date(i),
                )
                for i in range(start, min(start + BATCH, half))
            ]
        )
        PlanStep.objects.bulk_create(
            [
                PlanStep(
                    plan_id=plans[i % CASES],
                    titles={"nb": f"Bench {i}", "en": f"Bench {i}"},
                    title_nb=f"Bench {i}",
                    title_en=f"Bench {i}",
                    doer=TemplateStep.Doer.TEAM,
                    assignee=users[i % STAFF],
                    anchor=TemplateStep.Anchor.MOVE_DATE,
                    due_date=due_date(i),
                )
                for i in range(start, min(start + BATCH, half))
            ]
        )
    # The follow-ups were written in bulk, around the services that keep each case's
    # next follow-up date.
    followup_due_sync()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument(
        "--profile", metavar="PATH", help="write cProfile stats of the timed sweep to PATH"
    )
    parser.add_argument(
        "--sql", action="store_true", help="print the time spent in execute, by statement"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    seed(args.items, args.due)
    _clear()
    outbox.services._enqueue_on_commit = lambda email_id: None  # no broker: see docstring

    queries = 0
    by_statement: dict[str, list[float]] = {}

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal queries
        queries += 1
        if not args.sql:  # the statement's name costs a regular expression: only on demand
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = by_statement.setdefault(_statement(sql), [0, 0.0])
            spent[0] += 1
            spent[1] += time.perf_counter() - started

    from datetime import time as clock

    now = local_at(timezone.localdate(), clock(9, 5))
    # Timed without tracemalloc, which slows Python several times over; the memory peak comes
    # from a second, identical sweep after the first one's rows are removed.
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    with connection.execute_wrapper(count):
        if profiler is not None:
            profiler.enable()
        result = reminders_sweep(now=now)
        if profiler is not None:
            profiler.disable()
    elapsed = time.perf_counter() - started
    if profiler is not None:
        profiler.dump_stats(args.profile)
    _clear()
    tracemalloc.start()
    reminders_sweep(now=now)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"database: {connection.vendor}; items: {args.items}; due: {args.due}")
    if args.sql:
        print(f"{'statement':<60} {'count':>6} {'s':>7}")
        for statement, (n, seconds) in sorted(by_statement.items(), key=lambda kv: -kv[1][1]):
            print(f"{statement:<60} {n:>6} {seconds:>7.3f}")
    print(
        f"planned {result.planned}, sent {len(result.sent)}, skipped {len(result.skipped)}, "
        f"missed {len(result.missed)}, failed {len(result.failed)}"
    )
    # The process's resident peak (the worker's figure), in kB on Linux.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(
        f"sweep: {elapsed:.2f} s, {queries} queries, peak {peak / 1e6:.1f} MB traced, "
        f"{rss:.0f} MB resident"
    )
    print(
        json.dumps(
            {
                "sweep_s": round(elapsed, 3),
                "queries": queries,
                "peak_mb": round(peak / 1e6, 1),
                "rss_mb": round(rss),
            }
        )
    )


def _clear() -> None:
    """Removes earlier sweeps' reminders and e-mails, and on PostgreSQL vacuums both tables:
    with autovacuum off, back-to-back runs had left 890,000 dead reminder rows, and the
    sweep took 6.1-6.5 s over them against 4.8-4.9 s vacuumed (docs/benchmarks.md)."""
    Reminder.objects.all().delete()
    OutboundEmail.objects.filter(kind__startswith="reminders.").delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (Reminder._meta.db_table, OutboundEmail._meta.db_table):
                cursor.execute(f'VACUUM ANALYZE "{table}"')


def _statement(sql: str) -> str:
    """A statement's kind and main table: "SELECT reminders_reminder", "UPDATE …"."""
    verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    tables = re.findall(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', sql)
    return f"{verb} {tables[0] if tables else ''}"[:60]


if __name__ == "__main__":
    main()
