"""How many examples the largest Hypothesis state machines run, in one place (the
smaller ones keep a fixed count of their own).

CI runs the whole suite twice: the README's `make test` on SQLite, then against PostgreSQL
and Redis. The rules under test are the same Python in both; the SQL differs. So the
SQLite pass explores most and the PostgreSQL pass enough to run each rule's SQL there
over random sequences; a laptop runs a few dozen. Each run draws new examples
(`database=None`), so every CI run adds to what earlier runs explored.

The numbers keep CI's run well inside its 90 minutes on a slow machine. Measured on
2026-12-06 with `--durations`: at the earlier counts these five machines took 591 s of the
SQLite pass's 907 and 331 s of the PostgreSQL pass's 930. The last CI run that landed took
4,051 s in all, and a slow afternoon's rehearsal 73 minutes."""

import os

from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"


def examples(*, sqlite: int, postgres: int, laptop: int) -> int:
    """The examples for this run: CI's pass on this database, or a laptop's."""
    if not IN_CI:
        return laptop
    return sqlite if connection.vendor == "sqlite" else postgres
