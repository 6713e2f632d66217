"""Spreadsheet import benchmark: a generated 10,000-row file into a fresh database.

    .venv/bin/python bench/import.py                 # SQLite file in a temporary folder
    .venv/bin/python bench/import.py --rows 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tilflytt_bench_import \
        .venv/bin/python bench/import.py             # that database is emptied first

1. Makes a fresh database (migrated; a PostgreSQL one is emptied first) and writes --rows
   rows (default 10,000) as a semicolon CSV in Windows-1252, the way Norwegian Excel saves
   one, and the same rows as an XLSX workbook, with Norwegian dates, phone numbers written
   in several ways, children's birth years and notes.
2. Times, through imports.services.import_file_run as the screens call it: the CSV's dry
   run, the real run (one transaction), a second run of the same file (every row found
   again, nothing created) and the XLSX's dry run. Peak memory is the process's peak
   resident set during each pass (the kernel's mark is reset before each): Django and the
   app included, so it is bounded if it does not grow with --rows.
3. Prints a table and ends with one JSON line:
   {"rows": .., "rows_per_s": .., "run_s": .., "peak_mb": .., ...}.
   Target: the real run under 60 s, memory bounded (peak does not grow with the file).
"""

import argparse
import contextlib
import csv
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
_TMP = tempfile.mkdtemp(prefix="tilflytt-bench-import-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("SECURE_SSL", "false")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cases.models import Case  # noqa: E402
from contacts.models import Membership, Newcomer, Organisation  # noqa: E402
from imports.services import import_file_run  # noqa: E402
from tests.factories import make_user  # noqa: E402

HEADER = ["Navn", "E-post", "Telefon", "Kommune", "Flyttedato", "Barn", "Yrke", "Notat"]
MAPPING = {
    "name": "Navn",
    "email": "E-post",
    "phone": "Telefon",
    "municipality": "Kommune",
    "planned_move_date": "Flyttedato",
    "children_birth_years": "Barn",
    "occupation": "Yrke",
    "message": "Notat",
}
FIRST = ["Åse", "Bjørn", "Marta", "Olena", "Kari", "Jonas", "Piotr", "Siri", "Ægir", "Liv"]
LAST = ["Østby", "Nordmann", "Nowak", "Kovalenko", "Hansen", "Bakke", "Søreide", "Lie"]
PLACES = ["Narvik", "narvik", "Evenes", "Gratangen", ""]
# Every this many rows has a date that does not exist, as real sheets do: refused rows.
BAD_EVERY = 500


def rows(count: int) -> list[list[str]]:
    rng = random.Random(19)
    out = []
    for n in range(count):
        phone = 40_000_000 + n
        phone_text = rng.choice(
            [f"{phone}", f"+47 {phone}", f"{str(phone)[:3]} {str(phone)[3:5]} {str(phone)[5:]}"]
        )
        out.append(
            [
                f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                f"person{n}@example.no" if n % 4 else "",
                phone_text,
                rng.choice(PLACES),
                "31.2.2027"
                if n % BAD_EVERY == 7
                else f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.2027"
                if n % 3
                else "",
                ", ".join(str(rng.randint(2010, 2024)) for _ in range(rng.randint(0, 3))),
                rng.choice(["Sykepleier", "Elektriker", "Lærer", ""]),
                "Flyttet fra gammelt regneark" if n % 5 == 0 else "",
            ]
        )
    return out


def write_files(count: int) -> tuple[Path, Path]:
    data = rows(count)
    csv_path = Path(_TMP) / "nykommere.csv"
    with csv_path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(data)
    xlsx_path = Path(_TMP) / "nykommere.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    book.save(xlsx_path)
    return csv_path, xlsx_path


def fresh_database() -> None:
    """Migrated from nothing, so the data migrations' rows (municipalities) are there: a
    PostgreSQL database's schema is dropped first (a flush would lose those rows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0, interactive=False)


def _peak_rss_reset() -> None:
    """Resets the kernel's peak-RSS mark of this process (Linux), so each pass reports its
    own peak rather than the highest since start."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, path: Path, kind: str, encoding: str, actor, dry_run: bool) -> dict:
    _peak_rss_reset()
    started = time.perf_counter()
    report = import_file_run(
        open_file=lambda: path.open("rb"),
        kind=kind,
        encoding=encoding,
        mapping=MAPPING,
        actor=actor,
        dry_run=dry_run,
    )
    seconds = time.perf_counter() - started
    if report.problems:
        raise SystemExit(f"{label}: {report.problems}")
    return {
        "pass": label,
        "seconds": round(seconds, 2),
        "rows_per_s": round(report.total / seconds),
        "peak_mb": round(_peak_rss_mb(), 1),
        "counts": dict(report.counts),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    fresh_database()
    organisation = Organisation.objects.create(
        name="Bench kommune", kind=Organisation.Kind.MUNICIPALITY
    )
    actor = make_user(username="bench-coordinator", organisation=organisation,
                      role=Membership.Role.COORDINATOR)  # fmt: skip
    csv_path, xlsx_path = write_files(args.rows)
    results = [
        timed("CSV dry run", csv_path, "csv", "cp1252", actor, dry_run=True),
        timed("CSV real run", csv_path, "csv", "cp1252", actor, dry_run=False),
        timed("CSV second run", csv_path, "csv", "cp1252", actor, dry_run=False),
        timed("XLSX dry run", xlsx_path, "xlsx", "", actor, dry_run=True),
    ]
    out = io.StringIO()
    out.write(f"{args.rows} rows, {connection.vendor}; CSV {csv_path.stat().st_size / 1e6:.1f} MB, "
              f"XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB\n")  # fmt: skip
    out.write(f"{'pass':<16}{'seconds':>9}{'rows/s':>9}{'peak MB':>9}  outcome\n")
    for r in results:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(r["counts"].items()))
        out.write(
            f"{r['pass']:<16}{r['seconds']:>9}{r['rows_per_s']:>9}{r['peak_mb']:>9}  {counts}\n"
        )
    out.write(f"newcomers {Newcomer.objects.count()}, cases {Case.objects.count()}\n")
    print(out.getvalue(), end="")
    real = results[1]
    print(
        json.dumps(
            {
                "rows": args.rows,
                "database": connection.vendor,
                "rows_per_s": real["rows_per_s"],
                "run_s": real["seconds"],
                "peak_mb": max(r["peak_mb"] for r in results),
                "dry_run_s": results[0]["seconds"],
                "second_run_s": results[2]["seconds"],
                "xlsx_dry_run_s": results[3]["seconds"],
            }
        )
    )


if __name__ == "__main__":
    main()
