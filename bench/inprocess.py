"""Time and profile the bench pages in-process, with each page's slowest SQL.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tilflytt_bench
    .venv/bin/python bench/inprocess.py                   # every page: p50, max, SQL time
    .venv/bin/python bench/inprocess.py mine --sql 8      # and its 8 slowest statements
    .venv/bin/python bench/inprocess.py list --profile 40 # and cProfile's top 40 functions
    PROFILE_SORT=tottime .venv/bin/python bench/inprocess.py list --profile 40  # by own time
    .venv/bin/python bench/inprocess.py member --explain 2 # and the plans of the 2 slowest

Runs on the data bench/seed.py made (run it first), with bench.settings, through Django's
test client but without the test environment's template instrumentation, which copies
every template context and would triple the rendering time. The figures leave out
gunicorn and the network; use them to find where a page spends its time, and
bench/run.py for the figures in docs/benchmarks.md. "cpu" is the Python process's own CPU
time per request (routing, ORM, rendering; not PostgreSQL's), which a machine loaded by
other work disturbs far less than the wall-clock p50 and p95. Needs `collectstatic` (as run.py
does), since the pages use the manifest storage.
"""

import argparse
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cases.models import Case  # noqa: E402
from contacts.models import Organisation  # noqa: E402


def pages() -> dict[str, tuple[str, str]]:
    """Name: (username, path), the pages bench/run.py measures."""
    busiest = (
        Case.objects.filter(reference__startswith="RUN-")
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .first()
    )
    school = Organisation.objects.filter(name="Run school").values_list("pk", flat=True).first()
    coordinator = "bench-coordinator"
    return {
        "floor": (coordinator, "/bench/floor/"),
        "list": (coordinator, "/cases/"),
        "filtered": (coordinator, f"/cases/?status=open&organisation={school}"),
        "searched": (coordinator, "/cases/?q=Kowalska"),
        "search, phone": (coordinator, "/cases/?q=900+00+042"),
        "search, reference": (coordinator, "/cases/?q=42"),
        "member": ("bench-member", "/cases/"),
        "member, open": ("bench-member", "/cases/?status=open"),
        "member, closed": ("bench-member", "/cases/?status=closed"),
        "member, small": ("bench-small", "/cases/"),
        "overdue": (coordinator, "/cases/?overdue=true"),
        "member, overdue": ("bench-member", "/cases/?overdue=true"),
        "detail": (coordinator, f"/cases/{busiest}/"),
        "mine": (coordinator, "/cases/mine/"),
        "dashboard": (coordinator, "/dashboard/"),
        "dashboard, recomputed": (coordinator, "/dashboard/?refresh=1"),
        "dashboard, member, recomputed": ("bench-member", "/dashboard/?refresh=1"),
        "api": (coordinator, "/api/v1/cases/"),
        "occupations": (coordinator, "/dashboard/occupations/unmapped/"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pages", nargs="*", help="page names (default: all)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sql", type=int, default=0, help="show the N slowest statements")
    parser.add_argument("--profile", type=int, default=0, help="show cProfile's top N")
    parser.add_argument(
        "--explain", type=int, default=0, help="EXPLAIN ANALYZE the N slowest (PostgreSQL)"
    )
    args = parser.parse_args()
    # WhiteNoise warns when var/static is missing; the figures do not depend on it.
    warnings.filterwarnings("ignore", message="No directory at")
    logging.disable(logging.INFO)  # django-axes logs each forced login
    known = pages()
    users = get_user_model().objects
    for name in args.pages or list(known):
        username, path = known[name]
        client = Client()
        client.force_login(users.get(username=username))
        if client.get(path).status_code != 200:  # warm-up: connection, templates
            raise SystemExit(f"{path} did not answer 200")
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        statements = sorted(
            ((float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries), reverse=True
        )
        samples, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        sql_ms = sum(ms for ms, _sql in statements)
        p95 = statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]
        print(
            f"{name:<10} p50 {statistics.median(samples):6.1f} ms  p95 {p95:6.1f} ms"
            f"  max {max(samples):6.1f} ms  cpu p50 {statistics.median(cpu):5.1f} ms"
            f"  {len(statements)} queries, {sql_ms:.1f} ms of SQL"
        )
        for ms, sql in statements[: args.sql]:
            print(f"    {ms:6.1f} ms  {sql[:150]}")
        # SELECTs only: EXPLAIN ANALYZE runs the statement, and a page may write (the
        # case page logs the access).
        selects = [(ms, sql) for ms, sql in statements if sql.lstrip().startswith("SELECT")]
        for ms, sql in selects[: args.explain]:
            print(f"\n-- {ms:.1f} ms\n{sql}")
            with connection.cursor() as cursor:  # the captured SQL has its values in place
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                print("\n".join(row[0] for row in cursor.fetchall()))
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(5):
                client.get(path)
            profiler.disable()
            out = io.StringIO()
            order = os.environ.get("PROFILE_SORT", "cumulative")
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.profile)
            print(out.getvalue())


if __name__ == "__main__":
    main()
