"""The case's `next_followup_due`: the earliest due date of its open follow-ups, kept on
the case's row so that "overdue" (cases.selectors.case_overdue_q) is read from the row and
the overdue filter from an index (docs/benchmarks.md). Below the services and the
assignment rules, which both change follow-ups and call it in the same transaction."""

from typing import Any

from django.db import transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from cases.models import Case, FollowUp


def followup_due_keep(cases: QuerySet[Case]) -> int:
    """Sets `next_followup_due` on `cases` from their open follow-ups (the earliest due
    date, none without one). Every change to whether a follow-up is open, or to its date,
    calls it for its case, in the same transaction and under the case's lock
    (cases.events.case_lock), taken before the follow-up is written: the date is then
    worked out from follow-ups no other transaction is changing, and the locks come in the
    order closing a case takes them (docs/benchmarks.md, "Overdue, read from each case's
    next follow-up date"). Returns how many cases it wrote."""
    return cases.update(next_followup_due=Subquery(_earliest_open_due()))


def _earliest_open_due() -> QuerySet[FollowUp, Any]:
    return (
        FollowUp.objects.filter(case_id=OuterRef("pk"), done_at=None)
        .order_by("due_date")
        .values("due_date")[:1]
    )


@transaction.atomic
def followup_due_sync() -> int:
    """Sets `next_followup_due` right wherever it differs from the follow-ups, and returns
    how many cases changed: none, unless something wrote follow-ups without the services,
    such as the previous release's code while an upgrade rolls out (docs/operations.md)."""
    # Only cases that have a date or an open follow-up can be wrong: not every case read.
    open_followups = FollowUp.objects.filter(done_at=None).values("case_id")
    cases = Case.objects.filter(Q(next_followup_due__isnull=False) | Q(pk__in=open_followups))
    differs = (
        Q(next_followup_due=None, earliest__isnull=False)
        | Q(next_followup_due__isnull=False, earliest=None)
        | ~Q(next_followup_due=F("earliest"))
    )
    wrong = cases.annotate(earliest=Subquery(_earliest_open_due())).filter(differs)
    return followup_due_keep(Case.objects.filter(pk__in=wrong.values("pk")))
