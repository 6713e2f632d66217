"""Reads for reminders: a staff member's digest and when items were last reminded."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Max, Q
from django.utils import timezone, translation

from cases.links import case_page_link
from cases.models import Case, CaseEvent, FollowUp
from cases.selectors import case_list_visible, my_followups_open
from config.texts import text_for
from contacts.selectors import staff_access
from onboarding.models import PlanStep
from onboarding.selectors import my_plan_steps_open
from reminders.models import Reminder, ReminderPreference


@dataclass(frozen=True)
class DigestLine:
    """One line of the digest: a follow-up, plan step or case as the e-mail shows it (the
    due date, title and case reference; a case has neither date nor title) and the case
    page's address. Plain values, not rows: a digest may hold hundreds of lines, and
    reading them as model instances (each with its case) was most of the digest's time in
    the reminder sweep (bench/reminders.py)."""

    reference: str
    link: str
    title: str = ""
    due_date: date | None = None


@dataclass
class Digest:
    followups: list[DigestLine] = field(default_factory=list)
    steps: list[DigestLine] = field(default_factory=list)
    assigned: list[DigestLine] = field(default_factory=list)
    unassigned: list[DigestLine] = field(default_factory=list)
    today: date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.followups or self.steps or self.assigned or self.unassigned)


def digest_for_user(*, user: User, now: datetime) -> Digest:
    """What the user's digest says: their open follow-ups and plan steps due today or
    overdue, cases given to them by someone else and new unowned cases of their
    organisations (coordinators: also those with no organisation) since their last digest
    (or a day), all on cases they can still see. Links are SITE_URL addresses; texts are
    in the digest's language (LANGUAGE_CODE)."""
    today = timezone.localdate(now)
    last = (
        Reminder.objects.filter(kind=Reminder.Kind.DIGEST, user=user, status="sent")
        .exclude(day=today)
        .aggregate(at=Max("sent_at"))["at"]
    )
    since = last or now - timedelta(days=1)
    visible = case_list_visible(user=user)
    assigned_ids = CaseEvent.objects.filter(
        kind="cases.case.owner_changed", data__to=user.pk, created_at__gte=since
    ).exclude(actor=user)
    access = staff_access(user)
    for_organisation = Q(responsible_organisation_id__in=access.organisation_ids)
    if access.sees_all:
        for_organisation |= Q(responsible_organisation=None)
    followups = (
        my_followups_open(user=user)
        .filter(due_date__lte=today)
        .values_list("due_date", "title", "case_id", "case__reference")
    )
    steps = (
        my_plan_steps_open(user=user)
        .filter(due_date__lte=today)
        .values_list("due_date", "titles", "plan__case_id", "plan__case__reference")
    )
    assigned = (
        visible.filter(owner=user, pk__in=assigned_ids.values("case_id"))
        .exclude(status=Case.Status.CLOSED)
        .order_by("created_at")
        .values_list("pk", "reference")
    )
    unassigned = (
        visible.filter(for_organisation, status=Case.Status.NEW, owner=None)
        .filter(created_at__gte=since)
        .order_by("created_at")
        .values_list("pk", "reference")
    )
    with translation.override(settings.LANGUAGE_CODE):
        return Digest(
            followups=[
                DigestLine(reference, case_page_link(case_id), title, due)
                for due, title, case_id, reference in followups
            ],
            steps=[
                DigestLine(reference, case_page_link(case_id), text_for(titles), due)
                for due, titles, case_id, reference in steps
            ],
            assigned=[DigestLine(ref, case_page_link(pk)) for pk, ref in assigned],
            unassigned=[DigestLine(ref, case_page_link(pk)) for pk, ref in unassigned],
            today=today,
        )


def followups_with_last_reminded(followups: list[FollowUp]) -> list[FollowUp]:
    """The follow-ups, each with `last_reminded_at` (None if never), in one query."""
    last = _last_sent("followup_id", [f.pk for f in followups])
    for followup in followups:
        # Read by the case page's template, which belongs to cases, a layer below: the
        # attribute is how this decorator adds to objects that cases renders, by design.
        followup.last_reminded_at = last.get(followup.pk)  # type: ignore[attr-defined]
    return followups


def steps_with_last_reminded(steps: list[PlanStep]) -> list[PlanStep]:
    """The plan steps, each with `last_reminded_at` (None if never), in one query."""
    last = _last_sent("step_id", [s.pk for s in steps])
    for step in steps:
        # Read by onboarding's plan template, a layer below (as for follow-ups above).
        step.last_reminded_at = last.get(step.pk)  # type: ignore[attr-defined]
    return steps


def case_page_last_reminded(context: dict[str, Any]) -> None:
    """The case page says when each follow-up and plan step was last reminded (a
    decorator of the page, cases.registries): one query each, none when there are none."""
    followups_with_last_reminded(context.get("followups") or [])
    steps_with_last_reminded(context.get("plan_steps") or [])


def _last_sent(field_name: str, ids: list[int]) -> dict[int, datetime]:
    """One query: the last time a reminder about each item went out (staff or newcomer)."""
    if not ids:
        return {}
    rows = (
        Reminder.objects.filter(**{f"{field_name}__in": ids}, status=Reminder.Status.SENT)
        .values(field_name)
        .annotate(at=Max("sent_at"))
        .order_by()
    )
    return {row[field_name]: row["at"] for row in rows}


def reminder_preference_for(*, user: Any) -> ReminderPreference:
    """The stored preference, or an unsaved one with the defaults."""
    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference(user=user)
