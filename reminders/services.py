"""The reminders sweep: plan what has become due, claim each row once, queue its e-mail.

Runs every five minutes as reminders.tasks.reminders_sweep (beat) and by hand as
`manage.py send_reminders [--dry-run]`. Any number of sweeps may run at once (two beats, a
cron job beside beat, a retry after a crash): the unique key and the claim below make every
reminder go out once.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation

from cases.links import case_page_link
from cases.models import Case, FollowUp
from cases.services import case_event_record
from cases.workingtime import is_working_day, local_at
from contacts.models import Membership
from onboarding.models import PlanStep, TemplateStep
from outbox.models import OutboundEmail
from outbox.services import email_build, email_queue_many
from reminders import selectors
from reminders.models import Reminder, ReminderPreference

logger = logging.getLogger(__name__)

Kind = Reminder.Kind
Status = Reminder.Status

# Rows claimed per sweep (about 1.3 ms each on PostgreSQL: well inside the task's time
# limit); a bigger backlog is finished by the next sweeps, five minutes apart.
SWEEP_BATCH = 20_000
CHUNK = 100
DEFAULT_DIGEST_TIME = time(7, 30)
# Breaches are recorded on the timeline however late: they are not e-mails to anyone.
NEVER_MISSED = {Kind.RESPONSE_BREACH}
# What a due row leads to: its e-mail (unsaved) or, for a breach, a timeline entry to record.
Message = OutboundEmail | Callable[[], Any]


@dataclass
class SweepResult:
    planned: int = 0
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Prefs:
    immediate: bool = True
    digest: bool = True
    digest_time: time = DEFAULT_DIGEST_TIME
    skip_days_off: bool = False


def reminders_sweep(*, now: datetime | None = None, dry_run: bool = False) -> SweepResult:
    """One pass. Must be idempotent: beat, cron and a crashed run's retry may overlap.

    1. Plan: a few queries, each selecting only items that are due now and have no row of
       that kind for the day yet (NOT EXISTS), so the cost does not grow with items that
       are not due. The rows are inserted with bulk_create(ignore_conflicts=True) on the
       unique key (kind, item, recipient, day): two sweeps planning the same reminder insert
       one row between them.
    2. Pending rows due by now (partial index reminders_pending_due) are handled in chunks
       of CHUNK (_handle_chunk): a row due more than REMINDERS_MISSED_AFTER_DAYS ago is
       marked missed (one late reminder beats a flood of stale ones); the others are
       claimed (pending -> sent) in the transaction that writes their e-mails to the
       outbox. A process killed before the commit leaves its rows pending and no e-mail:
       the next sweep sends them, exactly once into the outbox (outbox.services).
    3. Nothing to say (an empty digest, an item closed since planning, no address): the
       row is claimed as skipped, so it is not looked at again.

    With dry_run nothing is written; the result counts what would be planned and the
    pending rows due (in `sent`).
    """
    now = now or timezone.now()
    result = SweepResult()
    rows = reminders_plan(now=now)
    result.planned = len(rows)
    if dry_run:
        result.sent = list(_due_ids(now))
        return result
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    due_ids = _due_ids(now)
    for start in range(0, len(due_ids), CHUNK):
        # One transaction per chunk: a commit per row cost more than the row itself. A
        # process killed mid-chunk leaves the whole chunk pending for the next sweep. Rows
        # are claimed in (due_at, pk) order by every sweep, so two sweeps wait on each
        # other's row locks, never in a cycle.
        chunk = due_ids[start : start + CHUNK]
        try:
            with transaction.atomic():
                outcomes = _handle_chunk(chunk, now=now)
        except DatabaseError as exc:
            # The chunk rolled back whole. Row by row, each in a savepoint of its own, so
            # that one bad row fails alone and a row claimed meanwhile is skipped.
            if isinstance(exc, _ClaimLost):
                logger.info("reminders: %s; handling the chunk row by row", exc)
            else:
                logger.exception("reminders: a chunk failed; handling its rows one by one")
            with transaction.atomic():
                by_row = dict.fromkeys(chunk, "skipped")  # gone: claimed meanwhile
                for reminder in _load(chunk):
                    by_row[reminder.pk] = reminder_handle_one(reminder=reminder, now=now)
                outcomes = list(by_row.items())
        for pk, outcome in outcomes:
            getattr(result, outcome).append(pk)
    if result.sent or result.missed or result.failed:
        logger.info(
            "reminders sweep: %s planned, %s sent, %s skipped, %s missed, %s failed",
            result.planned,
            len(result.sent),
            len(result.skipped),
            len(result.missed),
            len(result.failed),
        )
    return result


def _due_ids(now: datetime) -> list[int]:
    return list(
        Reminder.objects.filter(status=Status.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def _load(ids: list[int], *, lock: bool = False) -> list[Reminder]:
    """The due rows with what their e-mails need, in one query (plus the step titles). With
    `lock`, only the rows still pending, locked until the caller's transaction ends (on
    PostgreSQL: a second sweep waits here, then finds them claimed; SQLite serialises
    writers and ignores the lock)."""
    rows = Reminder.objects.filter(pk__in=ids)
    if lock:
        rows = _pending_rows(ids).select_for_update(of=("self",))
    return list(
        rows.select_related(
            "followup__case", "step__plan__case", "case", "user", "newcomer"
        ).order_by("due_at", "pk")
    )


class _ClaimLost(DatabaseError):
    """A chunk's claim matched fewer rows than it read as pending (another sweep's claim
    in between; the row locks and SQLite's single writer rule it out): a guard."""


def _handle_chunk(ids: list[int], *, now: datetime) -> list[tuple[int, str]]:
    """Handles the chunk's rows in the caller's transaction: the rows still pending are
    locked and read, each row's message built (reads only), and then every row is claimed
    by one conditional UPDATE per outcome and the claimed rows' e-mails saved together
    (email_queue_many). A claim that matches fewer rows than it names raises _ClaimLost,
    as does a database error while a message is built: the caller then goes row by row.
    A breach (a timeline entry, rare) is claimed and written in a savepoint of its own, so
    that a failing write fails that row alone. Returns (pk, outcome) pairs."""
    reminders = _load(ids, lock=True)
    # A row no longer pending was claimed by another sweep since the ids were read.
    outcomes: dict[int, str] = dict.fromkeys(ids, "skipped")
    claims: dict[str, list[int]] = {"sent": [], "skipped": [], "missed": []}
    emails: list[OutboundEmail] = []
    for reminder in reminders:
        if _is_missed(reminder, now):
            claims["missed"].append(reminder.pk)
            continue
        try:
            message = _message(reminder, now)
        except DatabaseError:
            # The transaction may be unusable now (PostgreSQL aborts it) and the error may
            # pass ("database is locked"): the chunk goes row by row, each in a savepoint.
            raise
        except Exception as exc:  # a row whose message cannot be made fails alone
            outcomes[reminder.pk] = _fail(reminder, exc)
            continue
        if message is None:
            claims["skipped"].append(reminder.pk)
        elif isinstance(message, OutboundEmail):
            claims["sent"].append(reminder.pk)
            emails.append(message)
        else:
            outcomes[reminder.pk] = _claim_and_write(reminder, now, message)
    changes: dict[str, dict[str, Any]] = {
        "sent": {"status": Status.SENT, "sent_at": now},
        "skipped": {"status": Status.SKIPPED, "sent_at": now},
        "missed": {"status": Status.MISSED},
    }
    for outcome, pks in claims.items():
        if not pks:
            continue
        claimed = _pending_rows(pks).update(**changes[outcome])
        if claimed != len(pks):
            raise _ClaimLost(f"{len(pks) - claimed} of {len(pks)} rows claimed meanwhile")
        outcomes.update(dict.fromkeys(pks, outcome))
    email_queue_many(emails)
    return list(outcomes.items())


def reminder_handle_one(*, reminder: Reminder, now: datetime) -> str:
    """Handles one due row in savepoints of its own; returns the outcome's name: "sent",
    "skipped", "missed" or "failed" ("skipped" too when another sweep claimed it first).
    May run inside the caller's transaction: the e-mail is then queued when that commits."""
    missed = _missed(reminder, now)
    if missed is not None:
        return missed
    try:
        with transaction.atomic():
            message = _message(reminder, now)
    except Exception as exc:
        return _fail(reminder, exc)
    return _claim_and_write(reminder, now, message)


def _claim_and_write(reminder: Reminder, now: datetime, message: Message | None) -> str:
    """Claims the row and writes its message in one savepoint: a failing write rolls both
    back (no e-mail, no entry) and the row is failed with the reason."""
    try:
        with transaction.atomic():
            outcome = _claim(reminder, now, sent=message is not None)
            if outcome == "sent" and message is not None:
                if isinstance(message, OutboundEmail):
                    email_queue_many([message])
                else:
                    message()
    except Exception as exc:
        return _fail(reminder, exc)
    return outcome


def _pending(reminder: Reminder) -> Any:
    return _pending_rows([reminder.pk])


def _pending_rows(pks: list[int]) -> Any:
    return Reminder.objects.filter(pk__in=pks, status=Status.PENDING, sent_at=None)


def _is_missed(reminder: Reminder, now: datetime) -> bool:
    """A row due more than REMINDERS_MISSED_AFTER_DAYS ago is marked missed, not sent."""
    missed_before = now - timedelta(days=settings.REMINDERS_MISSED_AFTER_DAYS)
    return reminder.kind not in NEVER_MISSED and reminder.due_at < missed_before


def _missed(reminder: Reminder, now: datetime) -> str | None:
    if not _is_missed(reminder, now):
        return None
    return "missed" if _pending(reminder).update(status=Status.MISSED) == 1 else "skipped"


def _claim(reminder: Reminder, now: datetime, *, sent: bool) -> str:
    """The claim: only the sweep whose UPDATE changes the row goes on. On PostgreSQL a
    second sweep's UPDATE of the same row waits for the first transaction and then matches
    nothing; SQLite serialises writers."""
    status = Status.SENT if sent else Status.SKIPPED
    if _pending(reminder).update(status=status, sent_at=now) != 1:
        return "skipped"
    return "sent" if sent else "skipped"


def _fail(reminder: Reminder, exc: Exception) -> str:
    """The row is failed with the reason, never an address; an administrator can set it
    pending again (reminders_retry)."""
    logger.exception("reminders: reminder %s failed", reminder.pk)
    error = f"{type(exc).__name__}: {exc}"[:300]
    _pending(reminder).update(status=Status.FAILED, last_error=error)
    return "failed"


def _message(reminder: Reminder, now: datetime) -> Message | None:
    """The row's e-mail, rendered and unsaved (email_build), a function that records the
    breach, or None when there is nothing to send. Reads only; the caller writes after its
    claim."""
    if reminder.kind == Kind.RESPONSE_BREACH:
        case = reminder.case
        if case is None or case.first_response_at is not None:
            return None
        return lambda: case_event_record(
            case=case,
            kind="reminders.response.breached",
            actor=None,
            data={"priority": case.priority, "due": reminder.due_at.isoformat()},
            at=now,
        )
    if reminder.kind == Kind.NEWCOMER_DEADLINE:
        return _newcomer_message(reminder)
    user = reminder.user
    if user is None or not user.email or not user.is_active:
        return None
    language = settings.LANGUAGE_CODE
    if reminder.kind == Kind.DIGEST:
        digest = selectors.digest_for_user(user=user, now=now)
        if digest.is_empty:
            return None
        context = {"digest": digest, "user": user, "site_url": settings.SITE_URL}
        return email_build(
            kind="reminders.digest",
            to=user.email,
            template="reminder_digest",
            language=language,
            context=context,
        )
    if reminder.kind == Kind.RESPONSE_WARNING:
        case = reminder.case
        if case is None or case.first_response_at is not None or case.status == Case.Status.CLOSED:
            return None
        context = {
            "case": case,
            "due_at": case.first_response_due,
            "url": _case_url(case.pk, language),
        }
        return email_build(
            kind="reminders.response_warning",
            to=user.email,
            template="reminder_response_warning",
            language=language,
            context=context,
            case_id=case.pk,
        )
    item: FollowUp | PlanStep | None = reminder.followup or reminder.step
    if item is None or not _still_open(item):
        return None
    case = item.case if isinstance(item, FollowUp) else item.plan.case
    context = {
        "item": item,
        "case": case,
        "overdue": reminder.kind in {Kind.FOLLOWUP_OVERDUE, Kind.STEP_OVERDUE},
        "is_step": isinstance(item, PlanStep),
        "url": _case_url(case.pk, language),
    }
    return email_build(
        kind=f"reminders.{reminder.kind}",
        to=user.email,
        template="reminder_item",
        language=language,
        context=context,
        case_id=case.pk,
    )


def _newcomer_message(reminder: Reminder) -> OutboundEmail | None:
    step, newcomer = reminder.step, reminder.newcomer
    if (
        step is None
        or newcomer is None
        or not newcomer.email
        or newcomer.reminders_consent_at is None
        or step.status != PlanStep.Status.OPEN
    ):
        return None
    case = step.plan.case
    context = {"step": step, "newcomer": newcomer, "case": case}
    return email_build(
        kind="reminders.newcomer_deadline",
        to=newcomer.email,
        template="reminder_newcomer_deadline",
        language=newcomer.preferred_language,
        context=context,
        case_id=case.pk,
    )


def _still_open(item: FollowUp | PlanStep) -> bool:
    if isinstance(item, FollowUp):
        return item.done_at is None
    return item.status == PlanStep.Status.OPEN


def _case_url(case_id: int, language: str) -> str:
    with translation.override(language):
        return case_page_link(case_id)


# --- Planning ----------------------------------------------------------------------------


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
    """Follow-ups and team plan steps due today or overdue, one row per item and day."""
    open_followups = FollowUp.objects.filter(done_at=None)
    open_steps = PlanStep.objects.filter(
        status=PlanStep.Status.OPEN, assignee__isnull=False, doer=TemplateStep.Doer.TEAM
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


# --- Preferences -------------------------------------------------------------------------


def reminder_preference_update(
    *, user: Any, immediate: bool, digest: bool, digest_time: time, skip_days_off: bool
) -> ReminderPreference:
    preference, _created = ReminderPreference.objects.get_or_create(user=user)
    preference.immediate = immediate
    preference.digest = digest
    preference.digest_time = digest_time
    preference.skip_days_off = skip_days_off
    preference.full_clean()
    preference.save()
    return preference


def reminders_retry(*, reminder_ids: list[int]) -> int:
    """Admin: failed rows become pending again (due now) for the next sweep."""
    return Reminder.objects.filter(pk__in=reminder_ids, status=Status.FAILED).update(
        status=Status.PENDING, due_at=timezone.now(), last_error=""
    )
