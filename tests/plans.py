"""The plan PostgreSQL chooses for a statement, read in tests: EXPLAIN's JSON, and its
nodes with the subplan each belongs to. For the tests that hold a query's shape at scale
on a small database (tests/cases/test_row_plans.py, tests/onboarding/
test_open_step_walks.py, tests/test_planner_statistics.py)."""

import json
from collections.abc import Iterator
from typing import Any

from django.db import connection


def plan_of(
    sql: str, params: Any = (), *, options: str = "", settings: dict[str, str] | None = None
) -> dict[str, Any]:
    """The top node of `EXPLAIN (options, FORMAT JSON) sql`. `settings` are planner
    settings for it, SET LOCAL: they last to the end of the test's transaction."""
    with connection.cursor() as cursor:
        for name, value in (settings or {}).items():
            cursor.execute(f"SET LOCAL {name} = {value}")
        prefix = f"{options}, " if options else ""
        cursor.execute(f"EXPLAIN ({prefix}FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # a driver that leaves json as text
        plan = json.loads(plan)
    return plan[0]["Plan"]


def plan_nodes(
    node: dict[str, Any], subplan: str | None = None
) -> Iterator[tuple[dict, str | None]]:
    """Every node under `node`, with the name of the subplan it belongs to ("SubPlan 2"),
    None outside any."""
    subplan = node.get("Subplan Name", subplan)
    yield node, subplan
    for child in node.get("Plans", []):
        yield from plan_nodes(child, subplan)


def analyse(*tables: str) -> None:
    """ANALYZE `tables`. It writes pg_class in place, past the test's rollback: a test that
    analyses uses the `analysed` fixture (tests/conftest.py), which leaves the statistics
    of empty tables behind, since the case list's estimated count reads them."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
