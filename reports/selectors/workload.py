"""The work as it stands now: open cases by status, per organisation and per owner, and
overdue follow-ups. No periods: these are not compared with the past."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from cases.models import Case, FollowUp
from reports.selectors.scope import of_cases
from reports.selectors.types import Overdue, Tally, Workload


def followup_overdue_counts(*, cases: QuerySet[Case], today: date) -> Overdue:
    followups = FollowUp.objects.filter(done_at__isnull=True, due_date__lt=today)
    # COUNT(*), not COUNT(id): cases_followup_overdue (cases/migrations/0008) then answers
    # from the index alone.
    row = of_cases(followups, "case", cases).aggregate(
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
    groups = list(
        cases.exclude(status=Case.Status.CLOSED)
        .values(
            "status",
            "responsible_organisation_id",
            "responsible_organisation__name",
            "owner_id",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
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
        lambda g: g["responsible_organisation__name"] or _("No organisation yet"),
    )
    owners = _workload(
        groups,
        "owner_id",
        lambda g: (
            f"{g['owner__first_name']} {g['owner__last_name']}".strip() or g["owner__username"]
            if g["owner_id"]
            else _("Nobody")
        ),
    )
    return OpenCases(statuses=statuses, organisations=organisations, owners=owners)


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
    ordered = sorted(
        totals.items(), key=lambda item: (-item[1]["open"], item[0] is None, item[1]["label"])
    )
    return [Workload(key=str(pk or ""), **row) for pk, row in ordered]
