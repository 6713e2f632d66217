"""The two primitives every write on a case starts with: lock the case's row, and record
the change on its timeline. Both cases.services and cases.assignment build on them (and
cases.services re-exports them, the name the apps above import)."""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from cases.models import Case, CaseEvent, FollowUp, Note


def case_event_record(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    data: dict[str, Any] | None = None,
    note: Note | None = None,
    followup: FollowUp | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        data=data or {},
        note=note,
        followup=followup,
        created_at=at or timezone.now(),
    )


def case_lock(*, case: Case) -> Case:
    """Locks the case's row until the caller's transaction ends and reloads `case` from it.

    Every read-modify-write of a case calls this first, inside its transaction: two staff
    (or a double click) changing the same case at once then run one after the other, and
    the second sees what the first wrote. Without it both read the same old owner, both
    decide it changed and both write a timeline entry, whose "from" no longer chains to the
    previous "to". On PostgreSQL this is SELECT ... FOR NO KEY UPDATE; SQLite ignores it
    and serialises writers anyway.

    NO KEY: a case's key never changes, and rows that point at the case (a timeline entry,
    a follow-up) only need its key to stay. With FOR UPDATE, completing a follow-up (which
    locks the follow-up, then writes a timeline row that needs the case's key share) and
    closing the case (which locks the case, then updates its follow-ups' `rests`) took
    their locks in opposite orders and deadlocked.
    """
    case.refresh_from_db(from_queryset=Case.objects.select_for_update(of=("self",), no_key=True))
    return case


def first_response_mark(case: Case, now: Any) -> list[str]:
    """Sets the case's first response to `now` unless it has one; returns the fields set."""
    if case.first_response_at is None:
        case.first_response_at = now
        return ["first_response_at"]
    return []
