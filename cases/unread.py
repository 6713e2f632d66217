"""Unread cases: a newcomer's message (from their page, or an e-mail reply) marks the case
unread for whoever should answer it, until they open the case.

Who should answer: the case's owner, else every member of its responsible organisation
(else nobody: the case is in the triage queue, which everyone working it reads anyway).
Marks are rows of CaseUnread, one per reader and case while unread; opening the case
deletes the reader's row. The apps above cases that receive a newcomer's words (portal
through cases.services.newcomer_message_add, conversations for e-mail) call
`case_mark_unread`.
"""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from cases.models import Case, CaseUnread
from cases.selectors import User, visible_through
from contacts.models import Membership


def case_readers(*, case: Case) -> list[int]:
    """The ids of the users a newcomer's message on `case` is for."""
    if case.owner_id is not None:
        return [case.owner_id]
    if case.responsible_organisation_id is None:
        return []
    return list(
        Membership.objects.filter(
            organisation_id=case.responsible_organisation_id, user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def case_mark_unread(*, case: Case, at: datetime | None = None) -> int:
    """Marks the case unread for its readers (case_readers). A reader with the case already
    unread keeps the earlier time: one insert that ignores conflicts, safe when two
    messages arrive at once. Returns how many readers it was for."""
    readers = case_readers(case=case)
    at = at or timezone.now()
    CaseUnread.objects.bulk_create(
        [CaseUnread(case_id=case.pk, user_id=user_id, since=at) for user_id in readers],
        ignore_conflicts=True,
    )
    return len(readers)


def case_mark_read(*, case: Case, user: User) -> None:
    """The user opened the case: it is no longer unread for them."""
    if user.is_authenticated:
        CaseUnread.objects.filter(case_id=case.pk, user_id=user.pk).delete()


def cases_unread(cases: QuerySet[Case], *, user: User) -> QuerySet[Case]:
    """`cases` narrowed to those unread for the user (the list's "unread" filter)."""
    if not user.is_authenticated:
        return cases.none()
    return cases.filter(pk__in=CaseUnread.objects.filter(user_id=user.pk).values("case_id"))


def unread_count(*, user: User) -> int:
    """How many cases the user can see are unread for them ("My work")."""
    if not user.is_authenticated:
        return 0
    return visible_through(CaseUnread.objects.filter(user_id=user.pk), user=user).count()
