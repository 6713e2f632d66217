"""Planning: the reminder rows that have become due, one query per kind of item."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.models import Case, FollowUp
from cases.selectors import work_on_open_cases
from cases.workingtime import is_working_day, local_at
from contacts.models import Membership
from onboarding.models import PlanStep, TemplateStep
from reminders.models import Reminder, ReminderPreference

Kind = Reminder.Kind

DEFAULT_DIGEST_TIME = time(7, 30)


@dataclass(frozen=True)
class _Prefs:
    immediate: bool = True
    digest: bool = True
    digest_time: time = DEFAULT_DIGEST_TIME
    skip_days_off: bool = False


def reminders_plan(*, now: datetime) -> list[Reminder]:
    """The unsaved rows that are due by `now` and not yet written. A fixed number of
    queries, each over due items only (see reminders_sweep)."""
    today = timezone.localdate(now)
    prefs = _preferences()
    rows: list[Reminder] = []
    remind_at = local_at(today, time.fromisoformat(settings.REMINDERS_TIME))
    if now >= remind_at:
        rows += _plan_items(today=today, due_at=remind_at, prefs=prefs)
        rows += _plan_newcomer_deadlines(today=today, now=now, remind_at=remind_at)
    rows += _plan_response(now=now)
    rows += _plan_digests(today=today, now=now, prefs=prefs)
    return rows


def _preferences() -> dict[int, _Prefs]:
    return {
        p.user_id: _Prefs(p.immediate, p.digest, p.digest_time, p.skip_days_off)
        for p in ReminderPreference.objects.all()
    }


def _mails_today(prefs: _Prefs, today: Any) -> bool:
    return not prefs.skip_days_off or is_working_day(today)


def _planned(kind: str, day: Any, field_name: str) -> Exists:
    return Exists(Reminder.objects.filter(kind=kind, day=day, **{field_name: OuterRef("pk")}))


def _plan_items(*, today: Any, due_at: datetime, prefs: dict[int, _Prefs]) -> list[Reminder]:
    """Follow-ups and team plan steps due today or overdue, one row per item and day; not
    those resting on closed cases (cases.selectors.case_work_rests)."""
    open_followups = work_on_open_cases(FollowUp.objects.filter(done_at=None))
    open_steps = work_on_open_cases(
        PlanStep.objects.filter(
            status=PlanStep.Status.OPEN, assignee__isnull=False, doer=TemplateStep.Doer.TEAM
        )
    )
    sources = [
        (Kind.FOLLOWUP_DUE, open_followups.filter(due_date=today), "followup"),
        (Kind.FOLLOWUP_OVERDUE, open_followups.filter(due_date__lt=today), "followup"),
        (Kind.STEP_DUE, open_steps.filter(due_date=today), "step"),
        (Kind.STEP_OVERDUE, open_steps.filter(due_date__lt=today), "step"),
    ]
    rows = []
    for kind, items, field_name in sources:
        candidates = items.exclude(_planned(kind, today, field_name)).values_list(
            "pk", "assignee_id"
        )
        for pk, user_id in candidates:
            pref = prefs.get(user_id, _Prefs())
            if not pref.immediate or not _mails_today(pref, today):
                continue
            rows.append(
                Reminder(
                    kind=kind,
                    item=f"{field_name}:{pk}",
                    recipient=f"user:{user_id}",
                    day=today,
                    due_at=due_at,
                    user_id=user_id,
                    **{f"{field_name}_id": pk},
                )
            )
    return rows


def _plan_newcomer_deadlines(*, today: Any, now: datetime, remind_at: datetime) -> list[Reminder]:
    """Newcomers who asked for reminders hear REMINDERS_NEWCOMER_DAYS_BEFORE days before a
    deadline of theirs (a newcomer-doer plan step), once per step and deadline. A plan made
    closer to the deadline than that reminds at the next REMINDERS_TIME."""
    days = settings.REMINDERS_NEWCOMER_DAYS_BEFORE
    steps = (
        PlanStep.objects.filter(
            status=PlanStep.Status.OPEN,
            doer=TemplateStep.Doer.NEWCOMER,
            due_date__gt=today,
            due_date__lte=today + timedelta(days=days),
            plan__case__newcomer__reminders_consent_at__isnull=False,
        )
        .exclude(plan__case__newcomer__email="")
        .filter(rests=False)  # resting on a closed case (cases.selectors.case_work_rests)
        .exclude(
            Exists(
                Reminder.objects.filter(
                    kind=Kind.NEWCOMER_DEADLINE, step_id=OuterRef("pk"), day=OuterRef("due_date")
                )
            )
        )
        .values_list("pk", "due_date", "plan__case__newcomer_id")
    )
    return [
        Reminder(
            kind=Kind.NEWCOMER_DEADLINE,
            item=f"step:{pk}",
            recipient=f"newcomer:{newcomer_id}",
            day=due_date,
            due_at=remind_at,
            step_id=pk,
            newcomer_id=newcomer_id,
        )
        for pk, due_date, newcomer_id in steps
    ]


def _plan_response(*, now: datetime) -> list[Reminder]:
    """A warning to the coordinators before a case's first-response target passes, and the
    breach once it has. One of each per case (a later priority change does not warn
    again)."""
    # No order: the cases' own (newest first) would lead PostgreSQL to walk the created_at
    # index instead of the partial index of cases awaiting a first response.
    waiting = (
        Case.objects.filter(first_response_at=None, first_response_due__isnull=False)
        .exclude(status=Case.Status.CLOSED)
        .order_by()
    )
    warn_until = now + timedelta(hours=settings.REMINDERS_RESPONSE_WARNING_HOURS)
    warnings = list(
        waiting.filter(first_response_due__gt=now, first_response_due__lte=warn_until)
        .exclude(
            Exists(Reminder.objects.filter(kind=Kind.RESPONSE_WARNING, case_id=OuterRef("pk")))
        )
        .values_list("pk", "responsible_organisation_id", "first_response_due")
    )
    breaches = (
        waiting.filter(first_response_due__lte=now)
        .exclude(Exists(Reminder.objects.filter(kind=Kind.RESPONSE_BREACH, case_id=OuterRef("pk"))))
        .values_list("pk", "first_response_due")
    )
    rows = [
        Reminder(
            kind=Kind.RESPONSE_BREACH,
            item=f"case:{pk}",
            recipient="",
            day=timezone.localdate(due),
            due_at=due,
            case_id=pk,
        )
        for pk, due in breaches
        if due is not None  # always: the filter compares it with now
    ]
    if not warnings:
        return rows
    coordinators: dict[int | None, set[int]] = {}
    for user_id, organisation_id in Membership.objects.filter(
        role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMIN],
        organisation__is_active=True,
        user__is_active=True,
    ).values_list("user_id", "organisation_id"):
        coordinators.setdefault(organisation_id, set()).add(user_id)
        coordinators.setdefault(None, set()).add(user_id)
    for pk, organisation_id, due in warnings:
        # The responsible organisation's coordinators; every coordinator when it has none.
        for user_id in sorted(coordinators.get(organisation_id) or coordinators.get(None, set())):
            rows.append(
                Reminder(
                    kind=Kind.RESPONSE_WARNING,
                    item=f"case:{pk}",
                    recipient=f"user:{user_id}",
                    day=timezone.localdate(due),
                    due_at=now,
                    case_id=pk,
                    user_id=user_id,
                )
            )
    return rows


def _plan_digests(*, today: Any, now: datetime, prefs: dict[int, _Prefs]) -> list[Reminder]:
    """One digest row per staff member and day, from their digest time on. Whether it has
    anything to say is decided when it is sent."""
    staff = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Exists(Membership.objects.filter(user_id=OuterRef("pk"))))
        .exclude(
            Exists(Reminder.objects.filter(kind=Kind.DIGEST, day=today, user_id=OuterRef("pk")))
        )
        .values_list("pk", flat=True)
    )
    rows = []
    for user_id in staff:
        pref = prefs.get(user_id, _Prefs())
        due_at = local_at(today, pref.digest_time)
        if not pref.digest or now < due_at or not _mails_today(pref, today):
            continue
        rows.append(
            Reminder(
                kind=Kind.DIGEST,
                item=f"user:{user_id}",
                recipient=f"user:{user_id}",
                day=today,
                due_at=due_at,
                user_id=user_id,
            )
        )
    return rows
