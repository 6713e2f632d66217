"""Time the case search's queries in-process: the stored folded names (cases/migrations/
0014) against folding each name as before, on the same data, taking turns.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100k .venv/bin/python bench/search.py
    DATABASE_URL=sqlite:////tmp/bench_100k.sqlite3 .venv/bin/python bench/search.py

Runs on the data bench/seed.py made. For each search text: the first page's 25 ids and
the capped count, as the case list asks them, for a coordinator; the floor is the same
without a search. Prints p50/p95 ms per form and as a multiple of the floor's p95, then
one JSON line.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL", "false")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from cases.models import Case  # noqa: E402
from cases.search import Fold, case_search, text_fold  # noqa: E402
from cases.selectors import case_list_visible  # noqa: E402
from config.pagination import COUNT_CAP  # noqa: E402
from contacts.models import Newcomer  # noqa: E402

TEXTS = ("Kowalska", "kowalska 4242", "Sørensen", "run-42@")


def folded_each_row(cases, text: str):
    """The name search before migrations/0014: the fold of every candidate name."""
    newcomers = Newcomer.objects.annotate(name_folded=Fold("name")).filter(
        Q(name_folded__contains=text_fold(text)) | Q(email__istartswith=text)
    )
    return cases.filter(newcomer_id__in=newcomers.values("pk"))


def page(cases) -> int:
    ids = list(cases.order_by("-created_at", "-pk").values_list("pk", flat=True)[:25])
    return len(ids) + cases.values("pk").order_by()[: COUNT_CAP + 1].count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--without",
        choices=["stored", "folded per row"],
        help="leave one form out: 'stored' before migrations/0014 is applied; on PostgreSQL "
        "'folded per row' after it (0014 moved its trigram index onto the stored column)",
    )
    args = parser.parse_args()
    user = get_user_model().objects.get(username="bench-coordinator")
    visible = case_list_visible(user=user)
    forms = {"floor": lambda text: visible}
    forms["stored"] = lambda text: case_search(visible, text=text, user=user)
    forms["folded per row"] = lambda text: folded_each_row(visible, text)
    forms.pop(args.without, None)
    timings: dict[str, list[float]] = {}
    for _ in range(args.runs):
        for text in TEXTS:
            for name, form in forms.items():
                if name == "floor" and text != TEXTS[0]:
                    continue
                started = time.perf_counter()
                page(form(text))
                key = name if name == "floor" else f"{text!r}, {name}"
                timings.setdefault(key, []).append((time.perf_counter() - started) * 1000)
    floor = sorted(timings["floor"])[int(args.runs * 0.95) - 1]
    results = {}
    print(f"{connection.vendor}, {Case.objects.count()} cases, {args.runs} runs each")
    for key, samples in timings.items():
        samples.sort()
        p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
        results[key] = {"p50": round(statistics.median(samples), 1), "p95": round(p95, 1)}
        line = f"{key:<34}{results[key]['p50']:>8}{results[key]['p95']:>8}"
        print(f"{line}{round(p95 / floor, 1):>8}x")
    print(json.dumps({"database": connection.vendor, "searches": results}))


if __name__ == "__main__":
    main()
