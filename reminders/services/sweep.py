"""The sweep: claim each due row once and queue its e-mail (reminders.services)."""

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from cases.links import case_page_link
from cases.models import Case, FollowUp
from cases.services import case_event_record
from onboarding.models import PlanStep
from outbox.models import OutboundEmail
from outbox.services import EmailArgs, email_build, email_build_many, email_queue_many
from reminders import selectors
from reminders.models import Reminder
from reminders.services.planning import reminders_plan

logger = logging.getLogger(__name__)

Kind = Reminder.Kind
Status = Reminder.Status

# Rows claimed per sweep (about 1.3 ms each on PostgreSQL: well inside the task's time
# limit); a bigger backlog is finished by the next sweeps, five minutes apart.
SWEEP_BATCH = 20_000
# Rows per transaction: 500 rather than 100 took a fifth off the sweep of 10,000 (fewer,
# larger statements: bench/reminders.py); such a chunk commits in about a quarter second.
CHUNK = 500
# Digests per transaction at most: each reads its reader's items and is rendered while the
# chunk's rows stay locked, and every staff member's digest falls due at the same minute.
DIGESTS_PER_CHUNK = 50
# Breaches are recorded on the timeline however late: they are not e-mails to anyone.
NEVER_MISSED = {Kind.RESPONSE_BREACH}
# What a due row leads to: its e-mail (email_build's arguments, rendered later with the rest
# of the chunk; a digest rendered already) or, for a breach, a timeline entry to record.
Message = EmailArgs | OutboundEmail | Callable[[], Any]
# What the e-mails of a chunk read from the rows' related objects, and nothing more: a
# reminder's own fields, plus these (about half the columns, and the columns were most of
# the time spent reading a chunk), plus the whole user (a digest's visibility rules read
# it). A template that reads another field costs a query per e-mail:
# tests/reminders/test_sweep.py counts the queries of every kind of e-mail.
_LOADED = (
    "followup__title",
    "followup__due_date",
    "followup__done_at",
    "followup__case__reference",
    "followup__rests",
    "step__titles",
    "step__guidances",
    "step__source_url",
    "step__due_date",
    "step__status",
    "step__template_step__source_urls",
    "step__plan__case__reference",
    "step__rests",
    "case__reference",
    "case__status",
    "case__priority",
    "case__first_response_at",
    "case__first_response_due",
    "newcomer__name",
    "newcomer__email",
    "newcomer__preferred_language",
    "newcomer__reminders_consent_at",
)


@dataclass
class SweepResult:
    planned: int = 0
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


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
        result.sent = [pk for pk, _kind in _due_rows(now)]
        return result
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    for chunk in _chunks(_due_rows(now)):
        # One transaction per chunk: a commit per row cost more than the row itself. A
        # process killed mid-chunk leaves the whole chunk pending for the next sweep. Rows
        # are claimed in (due_at, pk) order by every sweep, so two sweeps wait on each
        # other's row locks, never in a cycle.
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


def _due_rows(now: datetime) -> list[tuple[int, str]]:
    """The pending rows due by now, as (pk, kind), in the order every sweep claims them."""
    return list(
        Reminder.objects.filter(status=Status.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", "kind")[:SWEEP_BATCH]
    )


def _chunks(due: list[tuple[int, str]]) -> Iterator[list[int]]:
    """The due rows' keys in order, CHUNK at a time, a chunk ending early once it holds
    DIGESTS_PER_CHUNK digests."""
    chunk: list[int] = []
    digests = 0
    for pk, kind in due:
        chunk.append(pk)
        digests += kind == Kind.DIGEST
        if len(chunk) == CHUNK or digests == DIGESTS_PER_CHUNK:
            yield chunk
            chunk, digests = [], 0
    if chunk:
        yield chunk


def _load(ids: list[int], *, lock: bool = False) -> list[Reminder]:
    """The due rows with what their e-mails need (_LOADED), in one query. With `lock`, only
    the rows still pending, locked until the caller's transaction ends (on PostgreSQL: a
    second sweep waits here, then finds them claimed; SQLite serialises writers and ignores
    the lock)."""
    rows = Reminder.objects.filter(pk__in=ids)
    if lock:
        rows = _pending_rows(ids).select_for_update(of=("self",))
    own = [f.attname for f in Reminder._meta.concrete_fields]
    return list(
        rows.select_related(
            "followup__case",
            "step__plan__case",
            "step__template_step",
            "case",
            "user",
            "newcomer",
        )
        .only(*own, *_LOADED)
        .order_by("due_at", "pk")
    )


class _ClaimLost(DatabaseError):
    """A chunk's claim matched fewer rows than it read as pending (another sweep's claim
    in between; the row locks and SQLite's single writer rule it out): a guard."""


def _handle_chunk(ids: list[int], *, now: datetime) -> list[tuple[int, str]]:
    """Handles the chunk's rows in the caller's transaction: the rows still pending are
    locked and read, each row's message made (reads only; the e-mails rendered together by
    template and language, _build), and then every row is claimed
    by one conditional UPDATE per outcome and the claimed rows' e-mails saved together
    (email_queue_many). A claim that matches fewer rows than it names raises _ClaimLost,
    as does a database error while a message is built: the caller then goes row by row.
    A breach (a timeline entry, rare) is claimed and written in a savepoint of its own, so
    that a failing write fails that row alone. Returns (pk, outcome) pairs."""
    reminders = _load(ids, lock=True)
    # A row no longer pending was claimed by another sweep since the ids were read.
    outcomes: dict[int, str] = dict.fromkeys(ids, "skipped")
    claims: dict[str, list[int]] = {"sent": [], "skipped": [], "missed": []}
    to_build: list[tuple[Reminder, EmailArgs]] = []
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
        elif isinstance(message, dict):
            to_build.append((reminder, message))
        elif isinstance(message, OutboundEmail):
            claims["sent"].append(reminder.pk)
            emails.append(message)
        else:
            outcomes[reminder.pk] = _claim_and_write(reminder, now, message)
    for reminder, email in _build(to_build):
        if isinstance(email, Exception):
            outcomes[reminder.pk] = _fail(reminder, email)
        else:
            claims["sent"].append(reminder.pk)
            emails.append(email)
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


def _build(
    messages: list[tuple[Reminder, EmailArgs]],
) -> list[tuple[Reminder, OutboundEmail | Exception]]:
    """The chunk's e-mails, rendered together (email_build_many: each template triple and
    language once). A message that cannot be made fails alone: after an error the chunk's
    e-mails are built again one by one. A database error is raised, as in _handle_chunk."""
    try:
        built = email_build_many([args for _reminder, args in messages])
    except DatabaseError:
        raise
    except Exception:
        logger.info("reminders: a chunk's e-mails failed to render; rendering them one by one")
    else:
        return [(reminder, email) for (reminder, _args), email in zip(messages, built, strict=True)]
    one_by_one: list[tuple[Reminder, OutboundEmail | Exception]] = []
    for reminder, args in messages:
        try:
            one_by_one.append((reminder, email_build(**args)))
        except DatabaseError:
            raise
        except Exception as exc:
            one_by_one.append((reminder, exc))
    return one_by_one


def reminder_handle_one(*, reminder: Reminder, now: datetime) -> str:
    """Handles one due row in savepoints of its own; returns the outcome's name: "sent",
    "skipped", "missed" or "failed" ("skipped" too when another sweep claimed it first).
    May run inside the caller's transaction: the e-mail is then queued when that commits."""
    missed = _missed(reminder, now)
    if missed is not None:
        return missed
    try:
        # Rendering inside the savepoint too: a database error there (a template reading
        # what the row did not load) would otherwise abort the whole transaction on
        # PostgreSQL, and the sweep with it.
        with transaction.atomic():
            message = _message(reminder, now)
            built = email_build(**message) if isinstance(message, dict) else message
    except Exception as exc:
        return _fail(reminder, exc)
    return _claim_and_write(reminder, now, built)


def _claim_and_write(
    reminder: Reminder, now: datetime, message: OutboundEmail | Callable[[], Any] | None
) -> str:
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
    # exc_info from the exception itself: the chunk path fails rows outside an except.
    logger.error("reminders: reminder %s failed", reminder.pk, exc_info=exc)
    error = f"{type(exc).__name__}: {exc}"[:300]
    _pending(reminder).update(status=Status.FAILED, last_error=error)
    return "failed"


def _message(reminder: Reminder, now: datetime) -> Message | None:
    """The row's e-mail (email_build's arguments), a function that records the breach, or
    None when there is nothing to send. Reads only; the caller writes after its claim."""
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
        # Rendered at once, not with the chunk: a digest holds hundreds of rows, and a
        # chunk's digests held until the chunk was rendered tripled the sweep's memory.
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
        return EmailArgs(
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
    return EmailArgs(
        kind=f"reminders.{reminder.kind}",
        to=user.email,
        template="reminder_item",
        language=language,
        context=context,
        case_id=case.pk,
    )


def _newcomer_message(reminder: Reminder) -> EmailArgs | None:
    step, newcomer = reminder.step, reminder.newcomer
    if (
        step is None
        or newcomer is None
        or not newcomer.email
        or newcomer.reminders_consent_at is None
        or not _still_open(step)
    ):
        return None
    case = step.plan.case
    context = {"step": step, "newcomer": newcomer, "case": case}
    return EmailArgs(
        kind="reminders.newcomer_deadline",
        to=newcomer.email,
        template="reminder_newcomer_deadline",
        language=newcomer.preferred_language,
        context=context,
        case_id=case.pk,
    )


def _still_open(item: FollowUp | PlanStep) -> bool:
    """Whether the item is still open work when its reminder goes out: not done, and its
    case not closed since the reminder was planned."""
    if isinstance(item, FollowUp):
        return item.done_at is None and not item.rests
    return item.status == PlanStep.Status.OPEN and not item.rests


def _case_url(case_id: int, language: str) -> str:
    with translation.override(language):
        return case_page_link(case_id)
