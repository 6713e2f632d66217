"""Matching benchmark (issue 23): recruitment needs against N cases, then timed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobs_bench .venv/bin/python bench/matching.py
    DATABASE_URL=sqlite:////tmp/jobs.sqlite3 .venv/bin/python bench/matching.py --cases 10000

1. Seeds up to N cases with bench/seed.py's helpers (default 100,000), then codes their
   occupations: 60% of newcomers get one of 40 unit groups, 40% have a partner coded the
   same way, half consent to sharing with employers. Adds --needs recruitment needs
   (default 2,000; 90% open) from three employers over the region's municipalities, a
   fifth of them coded only to the minor group. Idempotent: a second run only measures.
2. Times, over --runs runs after one warm-up, the matching both ways (jobs.matching) and
   the pages that show it (through Django's test client, middleware and templates
   included): a need's page for a coordinator and for the employer's member, the needs
   list, a case page with its fitting needs, and the dashboard's Jobs figures. Each run
   takes the next need or case of a fixed sample, so the times cover many of them.
3. Prints a table (p50, p95, queries) and ends with one JSON line for the need's page as
   a coordinator sees it: {"p50_ms": .., "p95_ms": .., "queries": .., "cases": .., "needs": ..}.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
import warnings
from itertools import cycle
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL", "false")
os.environ.setdefault("TWO_FACTOR_REQUIRED", "false")

from bench import seed as bench_seed

bench_seed.setup()

import logging  # noqa: E402

import django  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.dashboard import measure  # noqa: E402  (the same timing, one definition)
from cases.models import Case  # noqa: E402
from contacts.models import (  # noqa: E402
    Consent,
    HouseholdMember,
    Membership,
    Municipality,
    Newcomer,
    Organisation,
)
from jobs.figures import job_figures  # noqa: E402
from jobs.matching import candidates_for_need, needs_for_case  # noqa: E402
from jobs.models import RecruitmentNeed  # noqa: E402

# django-axes logs every force_login; the table is what this prints.
logging.getLogger("axes").setLevel(logging.WARNING)

BATCH = 5000
# Unit groups a rural region recruits for and newcomers bring (ISCO-08 / STYRK-08).
UNITS = [
    *("2221", "2222", "2211", "2212", "2341", "2342", "2330", "2261", "2262", "2264"),
    *("2142", "2143", "2144", "2151", "2152", "2511", "2512", "2411", "2631", "3221"),
    *("5321", "5322", "5120", "5131", "5223", "7411", "7412", "7413", "7126", "7115"),
    *("7212", "7231", "7233", "8332", "8322", "9112", "9412", "3112", "3113", "6121"),
]


def code_people(seed: int) -> None:
    """Codes the bench newcomers and adds coded partners, once (marked by the partners)."""
    if HouseholdMember.objects.filter(relation="partner", occupation="bench").exists():
        return
    rng = random.Random(seed)
    start = time.perf_counter()
    ids = list(Newcomer.objects.order_by("pk").values_list("pk", flat=True))
    for offset in range(0, len(ids), BATCH):
        chunk = ids[offset : offset + BATCH]
        with transaction.atomic():
            rows = [
                Newcomer(pk=pk, occupation_code_id=rng.choice(UNITS))
                for pk in chunk
                if rng.random() < 0.6
            ]
            Newcomer.objects.bulk_update(rows, ["occupation_code"], batch_size=1000)
            HouseholdMember.objects.bulk_create(
                HouseholdMember(
                    newcomer_id=pk,
                    relation="partner",
                    occupation="bench",
                    occupation_code_id=rng.choice(UNITS),
                )
                for pk in chunk
                if rng.random() < 0.4
            )
            Consent.objects.bulk_create(
                Consent(newcomer_id=pk, scope="employer", text_version="bench")
                for pk in chunk
                if rng.random() < 0.5
            )
    print(f"coded {len(ids)} newcomers in {time.perf_counter() - start:.1f} s", flush=True)


def employers() -> tuple[list[Organisation], object]:
    orgs = [
        Organisation.objects.get_or_create(
            name=f"Bench employer {i}", defaults={"kind": "employer"}
        )[0]
        for i in range(3)
    ]
    user, _ = get_user_model().objects.get_or_create(username="bench-employer")
    Membership.objects.get_or_create(user=user, organisation=orgs[0])
    return orgs, user


def seed_needs(n: int, orgs: list[Organisation], seed: int) -> None:
    have = RecruitmentNeed.objects.filter(contact_name="bench").count()
    if have >= n:
        return
    rng = random.Random(seed + have)
    places = list(Municipality.objects.values_list("pk", flat=True))
    now = django.utils.timezone.now()
    rows = []
    for _i in range(n - have):
        unit = rng.choice(UNITS)
        state = "open" if rng.random() < 0.9 else rng.choice(["filled", "withdrawn"])
        rows.append(
            RecruitmentNeed(
                employer=rng.choice(orgs),
                occupation_id=unit[:3] if rng.random() < 0.2 else unit,
                positions=rng.randint(1, 5),
                municipality_id=rng.choice(places),
                norwegian_level=rng.choice(["none", "a2", "b1", "b2"]),
                contact_name="bench",
                state=state,
                filled_at=now if state == "filled" else None,
                withdrawn_at=now if state == "withdrawn" else None,
            )
        )
    RecruitmentNeed.objects.bulk_create(rows, batch_size=1000)


def page(user, urls):
    client = Client()
    client.force_login(user)
    urls = cycle(urls)

    def get() -> None:
        url = next(urls)
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    return get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    before = Case.objects.count()
    bench_seed.seed(args.cases)
    code_people(seed=2023)
    orgs, member = employers()
    seed_needs(args.needs, orgs, seed=2024)
    bench_seed.vacuum(Case.objects.count() != before)
    coordinator = get_user_model().objects.get(username="bench-coordinator")
    cases, needs = Case.objects.count(), RecruitmentNeed.objects.count()
    print(f"{connection.vendor}, {cases} cases, {needs} needs, {args.runs} runs each\n")

    rng = random.Random(7)
    open_needs = list(RecruitmentNeed.objects.filter(state="open").order_by("pk"))
    sample = rng.sample(open_needs, min(len(open_needs), args.runs + 2))
    own = [n for n in open_needs if n.employer_id == orgs[0].pk][: args.runs + 2]
    open_cases = list(
        Case.objects.exclude(status="closed")
        .filter(newcomer__consents__scope="employer")
        .order_by("pk")
        .values_list("pk", flat=True)[:5000]
    )
    case_sample = rng.sample(open_cases, min(len(open_cases), args.runs + 2))
    fits = [len(candidates_for_need(need=n, user=None)) for n in sample]
    print(f"people per need in the sample: mean {statistics.mean(fits):.1f}, max {max(fits)}\n")

    setup_test_environment()
    warnings.filterwarnings("ignore", message="No directory at")
    needs_cycle, cases_cycle = cycle(sample), cycle(case_sample)
    print(f"{'what':<46} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8}")
    static = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES={**django.conf.settings.STORAGES, **static}):
        measure(
            "matching: people for a need, coordinator",
            lambda: candidates_for_need(need=next(needs_cycle), user=coordinator),
            args.runs,
        )
        measure(
            "matching: people for a need, employer",
            lambda: candidates_for_need(need=next(needs_cycle), user=member),
            args.runs,
        )
        measure(
            "matching: needs for a case",
            lambda: needs_for_case(case=Case.objects.get(pk=next(cases_cycle)), user=coordinator),
            args.runs,
        )
        measure("dashboard Jobs figures", job_figures, args.runs)
        headline = measure(
            "page need, coordinator",
            page(coordinator, [f"/jobs/{n.pk}/" for n in sample]),
            args.runs,
        )
        measure(
            "page need, employer's member", page(member, [f"/jobs/{n.pk}/" for n in own]), args.runs
        )
        measure("page needs list, coordinator", page(coordinator, ["/jobs/"]), args.runs)
        measure(
            "page needs list, open, one group",
            page(coordinator, ["/jobs/?state=open&group=22"]),
            args.runs,
        )
        measure(
            "page case with fitting needs, coordinator",
            page(coordinator, [f"/cases/{pk}/" for pk in case_sample]),
            args.runs,
        )
    print(json.dumps({**headline, "cases": cases, "needs": needs}))


if __name__ == "__main__":
    main()
