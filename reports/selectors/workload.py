"""The work as it stands now: open cases by status, per organisation and per owner, and
overdue follow-ups. No periods: these are not compared with the past."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from cases.models import Case, FollowUp
from cases.selectors import work_on_open_cases
from contacts.models import Organisation
from reports.selectors.scope import of_open_cases
from reports.selectors.types import Overdue, Tally, Workload


def followup_overdue_counts(*, cases: QuerySet[Case], today: date) -> Overdue:
    # Not those resting on closed cases (cases.selectors.case_work_rests).
    followups = work_on_open_cases(
        FollowUp.objects.filter(done_at__isnull=True, due_date__lt=today)
    )
    # COUNT(*), not COUNT(id): cases_followup_overdue (cases/migrations/0017) then answers
    # from the index alone.
    row = of_open_cases(followups, "case", cases).aggregate(
        followups=Count("*"), cases=Count("case_id", distinct=True)
    )
    return Overdue(followups=row["followups"], cases=row["cases"])


@dataclass(frozen=True)
class OpenCases:
    statuses: list[Tally]
    organisations: list[Workload]
    owners: list[Workload]


def open_case_figures(*, cases: QuerySet[Case]) -> OpenCases:
    """Cases not closed, as they stand now: by status, per responsible organisation and per
    owner. One query groups them by all three at once; Python then adds up those groups,
    whose number is bounded by the team's size (statuses by organisations by owners), never
    by the number of cases."""
    groups = _open_case_groups(cases)
    by_status: dict[str, int] = {}
    for group in groups:
        by_status[group["status"]] = by_status.get(group["status"], 0) + group["n"]
    statuses = [
        Tally(key=status.value, label=str(status.label), current=by_status.get(status.value, 0))
        for status in Case.Status
        if status != Case.Status.CLOSED
    ]
    organisations = _workload(
        groups,
        "responsible_organisation_id",
        lambda g: g["organisation_name"] or _("No organisation yet"),
    )
    owners = _workload(
        groups,
        "owner_id",
        lambda g: (
            f"{g['first_name']} {g['last_name']}".strip() or g["username"]
            if g["owner_id"]
            else _("Nobody")
        ),
    )
    return OpenCases(statuses=statuses, organisations=organisations, owners=owners)


def _open_case_groups(cases: QuerySet[Case]) -> list[dict[str, Any]]:
    """The open cases counted per status, responsible organisation and owner, with the
    organisation's and the owner's names.

    The groups are counted by their keys alone (the ORM's query, from the owner's
    open-cases index alone on PostgreSQL: cases/migrations/0016), and the names joined to
    the few groups afterwards. Joining them to every open case and grouping by the names
    too took 104-154 ms at a million cases (71,282 open cases), this 58-98 ms (EXPLAIN
    ANALYZE, alternating, on a loaded machine; 17-27 against 3-10 ms at 100,000). As
    correlated subqueries in the ORM's query the names were grouped by, so looked up for
    every case (1,129 ms)."""
    keys = (
        cases.exclude(status=Case.Status.CLOSED)
        .values("status", "responsible_organisation_id", "owner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    try:
        inner, params = keys.query.get_compiler(using=cases.db).as_sql()
    except EmptyResultSet:  # nobody signed in sees no case: no query, as the ORM does
        return []
    connection = connections[cases.db]
    q = connection.ops.quote_name
    organisations = q(Organisation._meta.db_table)
    users = q(get_user_model()._meta.db_table)
    # Quoted table and column names and the ORM's own SQL only; values are its parameters
    # (hence the nosec for bandit's B608).
    sql = f"""
        SELECT g.status, g.responsible_organisation_id, o.{q("name")} AS organisation_name,
            g.owner_id, u.{q("first_name")} AS first_name, u.{q("last_name")} AS last_name,
            u.{q("username")} AS username, g.n
        FROM ({inner}) g
        LEFT JOIN {organisations} o ON o.{q("id")} = g.responsible_organisation_id
        LEFT JOIN {users} u ON u.{q("id")} = g.owner_id
    """  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [col[0] for col in cursor.description]  # SQLite's are plain tuples
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _workload(
    groups: Sequence[Mapping[str, Any]], key: str, label: Callable[[Mapping[str, Any]], str]
) -> list[Workload]:
    """The groups added up per `key`: most open cases first, then by name, the row without
    one ("nobody") last among equals."""
    totals: dict[Any, dict[str, Any]] = {}
    for group in groups:
        row = totals.setdefault(
            group[key], {"label": label(group), "open": 0, "new": 0, "unowned": 0}
        )
        row["open"] += group["n"]
        row["new"] += group["n"] if group["status"] == Case.Status.NEW else 0
        row["unowned"] += group["n"] if group["owner_id"] is None else 0
    # The key last: two people of the same name keep one order, on every database.
    ordered = sorted(
        totals.items(),
        key=lambda item: (-item[1]["open"], item[0] is None, item[1]["label"], item[0] or 0),
    )
    return [Workload(key=str(pk or ""), **row) for pk, row in ordered]
