"""The check-ins sweep (plan, invite once, remind at most once) and the answers.

Runs every fifteen minutes as outcomes.tasks.checkins_sweep (beat) and by hand as
`manage.py send_checkins [--dry-run]`. Like the reminders sweep it may overlap with itself:
the unique key (newcomer, months) and the claims below make each invitation and each
reminder go out once.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services import case_event_record
from cases.workingtime import is_working_day, local_at
from contacts.models import Newcomer
from contacts.services import newcomer_link_issue
from onboarding.models import OnboardingPlan
from outbox.services import email_queue
from outcomes.models import Answer, CheckIn, CheckInOptOut, CheckInSchedule, Living, UnmetNeed
from outcomes.schedule import (
    ANSWER_DAYS,
    MISSED_AFTER_DAYS,
    default_months,
    invite_at,
    invite_time,
    months_after,
)
from outcomes.selectors import checkin_invite_refusal

logger = logging.getLogger(__name__)

Status = CheckIn.Status
CHUNK = 100
SWEEP_BATCH = 5000


@dataclass
class SweepResult:
    planned: int = 0
    invited: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)


def checkins_sweep(*, now: datetime | None = None, dry_run: bool = False) -> SweepResult:
    """One pass. Must be idempotent: beat, cron and a crashed run's retry may overlap.

    1. Plan: for each number of months in use, the newcomers whose check-in has come and who
       have no row for it yet (NOT EXISTS), inserted with ignore_conflicts on the unique
       key (newcomer, months): two sweeps insert one row between them. A check-in found
       more than MISSED_AFTER_DAYS after its day (the first run over old data, an
       outage) is written as missed: nobody is asked about "3 months" a year later.
    2. Invite: pending rows due by now are claimed one by one with a conditional UPDATE
       (pending -> invited, or skipped when the newcomer may not be contacted), in the
       transaction that queues the e-mail. A sweep whose UPDATE matches nothing goes on.
    3. Remind: invited rows without an answer OUTCOMES_REMINDER_DAYS after the invitation
       get one reminder, claimed by UPDATE ... WHERE reminded_at IS NULL, at the invitation
       time of a working day. There is no second reminder: the column is set once.
    """
    now = now or timezone.now()
    result = SweepResult()
    rows = checkins_plan(now=now)
    result.planned = len(rows)
    if dry_run:
        result.invited = _due_ids(now)
        return result
    CheckIn.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    due = _due_ids(now)
    for start in range(0, len(due), CHUNK):
        with transaction.atomic():
            for checkin in _load(due[start : start + CHUNK]):
                getattr(result, checkin_invite_one(checkin=checkin, now=now)).append(checkin.pk)
    to_remind = _remind_ids(now)
    for start in range(0, len(to_remind), CHUNK):
        with transaction.atomic():
            for checkin in _load(to_remind[start : start + CHUNK]):
                outcome = "reminded" if checkin_remind_one(checkin=checkin, now=now) else "skipped"
                getattr(result, outcome).append(checkin.pk)
    if result.invited or result.reminded or result.missed:
        logger.info(
            "checkins sweep: %s planned, %s invited, %s reminded, %s skipped, %s missed",
            result.planned,
            len(result.invited),
            len(result.reminded),
            len(result.skipped),
            len(result.missed),
        )
    return result


def _due_ids(now: datetime) -> list[int]:
    return list(
        CheckIn.objects.filter(status=Status.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def _remind_ids(now: datetime) -> list[int]:
    """Invited rows whose reminder is due now: only at the invitation time of a working day
    (the same rule as invitations), and only while the answer is still wanted."""
    today = timezone.localdate(now)
    if not is_working_day(today) or now < local_at(today, invite_time()):
        return []
    return list(
        CheckIn.objects.filter(
            status=Status.INVITED,
            reminded_at=None,
            invited_at__lte=now - timedelta(days=settings.OUTCOMES_REMINDER_DAYS),
            due_date__gte=today - timedelta(days=ANSWER_DAYS),
        )
        .order_by("invited_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def _load(ids: list[int]) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(pk__in=ids)
        .select_related("newcomer", "case")
        .order_by("due_at", "pk")
    )


def checkin_invite_one(*, checkin: CheckIn, now: datetime) -> str:
    """Invites for one due row; returns "invited", "skipped" or "missed" ("skipped" also
    when another sweep claimed it first). Runs inside the caller's transaction."""
    pending = CheckIn.objects.filter(pk=checkin.pk, status=Status.PENDING)
    late = now - timedelta(days=MISSED_AFTER_DAYS)
    if checkin.due_at < late:
        return "missed" if pending.update(status=Status.MISSED) == 1 else "skipped"
    refusal = checkin_invite_refusal(newcomer=checkin.newcomer)
    if refusal:
        pending.update(status=Status.SKIPPED, last_error=refusal)
        return "skipped"
    with transaction.atomic():
        # The claim: only the sweep whose UPDATE changes the row sends.
        if pending.update(status=Status.INVITED, invited_at=now) != 1:
            return "skipped"
        _invitation_send(checkin, now=now, reminder=False)
    return "invited"


def checkin_remind_one(*, checkin: CheckIn, now: datetime) -> bool:
    """The one reminder for an invited row, claimed like the invitation."""
    if checkin_invite_refusal(newcomer=checkin.newcomer):
        return False
    with transaction.atomic():
        claimed = CheckIn.objects.filter(
            pk=checkin.pk, status=Status.INVITED, reminded_at=None
        ).update(reminded_at=now)
        if claimed != 1:
            return False
        _invitation_send(checkin, now=now, reminder=True)
    return True


def _invitation_send(checkin: CheckIn, *, now: datetime, reminder: bool) -> None:
    newcomer, case = checkin.newcomer, checkin.case
    if newcomer is None or case is None:  # not after checkin_invite_refusal; for the types
        raise ValueError("check-in without newcomer or case")
    # A pending link: the newcomer's working link keeps working (contacts.services).
    path = newcomer_link_issue(newcomer=newcomer, actor=None, keep_active=True)
    email_queue(
        kind="outcomes.checkin_reminder" if reminder else "outcomes.checkin_invitation",
        to=newcomer.email,
        template="checkin_invitation",
        language=newcomer.preferred_language,
        context={
            "newcomer": newcomer,
            "months": checkin.months,
            "reminder": reminder,
            "link_url": f"{settings.SITE_URL}{path}#checkin",
        },
        case_id=case.pk,
    )
    case_event_record(
        case=case,
        kind="outcomes.checkin.reminded" if reminder else "outcomes.checkin.invited",
        actor=None,
        data={"checkin": checkin.pk, "months": checkin.months},
        at=now,
    )


# --- Planning ----------------------------------------------------------------------------


def checkins_plan(*, now: datetime) -> list[CheckIn]:
    """The unsaved rows that have come due by `now` and are not yet written: one query per
    number of months in use, each over newcomers whose check-in has come and has no row."""
    today = timezone.localdate(now)
    default = default_months()
    schedules = {s.template_id: s.month_list() for s in CheckInSchedule.objects.all()}
    in_use = sorted(set(default).union(*schedules.values()))
    latest_case = Case.objects.filter(newcomer_id=OuterRef("pk")).order_by("-created_at", "-pk")
    template = OnboardingPlan.objects.filter(case__newcomer_id=OuterRef("pk")).order_by(
        "-case__created_at", "-case_id"
    )
    late = today - timedelta(days=MISSED_AFTER_DAYS)
    away = Answer.objects.filter(checkin__newcomer_id=OuterRef("pk"), living=Living.AWAY)
    rows: list[CheckIn] = []
    for months in in_use:
        # A few days' slack: the 31st plus a month is the month's last day (months_after).
        moved_by = months_after(today, -months) + timedelta(days=3)
        candidates = (
            Newcomer.objects.filter(moved_at__lte=moved_by, erased_at=None)
            .exclude(Exists(CheckIn.objects.filter(newcomer_id=OuterRef("pk"), months=months)))
            .annotate(
                case_id=Subquery(latest_case.values("pk")[:1]),
                template_id=Subquery(template.values("template_id")[:1]),
                left=Exists(away.filter(checkin__months__lt=months)),
            )
            .exclude(case_id=None)
            .values_list(
                *("pk", "moved_at", "municipality_id", "target_group"),
                *("case_id", "template_id", "left"),
            )
        )
        for pk, moved_at, municipality_id, group, case_id, template_id, left in candidates:
            if moved_at is None or months not in schedules.get(template_id, default):
                continue
            due_date = months_after(moved_at, months)
            if due_date > today:
                continue
            rows.append(
                CheckIn(
                    newcomer_id=pk,
                    case_id=case_id,
                    months=months,
                    move_date=moved_at,
                    municipality_id=municipality_id,
                    target_group=group,
                    due_date=due_date,
                    due_at=invite_at(due_date),
                    status=Status.MISSED if due_date < late else Status.PENDING,
                    left_before=left,
                )
            )
    return rows


# --- Answers -----------------------------------------------------------------------------

THEME_FIELDS = ("helped", "missing")


@transaction.atomic
def checkin_answer_record(
    *, checkin: CheckIn, answers: dict[str, Any], actor: User | None = None
) -> Answer:
    """Records the answer to a check-in: the newcomer's own (actor None) or one staff took
    by phone (actor set, marked as such). One answer per check-in: the row is locked and a
    second answer is refused. "What was missing" becomes rows of the unmet-needs list, and
    "no more contact" stops further invitations."""
    locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if locked.status == Status.ANSWERED or Answer.objects.filter(checkin=locked).exists():
        raise ValidationError(_("This questionnaire has already been answered."))
    if locked.newcomer_id is None or locked.case_id is None:
        raise ValidationError(_("This questionnaire can no longer be answered."))
    answer = Answer(
        checkin=locked,
        via=Answer.Via.PORTAL if actor is None else Answer.Via.PHONE,
        recorded_by=actor,
        answered_at=timezone.now(),
        **answers,
    )
    if answer.living != Living.AWAY:
        answer.moved_to, answer.moved_reason, answer.moved_reason_text = "", "", ""
    elif not answer.moved_to:
        raise ValidationError({"moved_to": _("Tell us where you moved to.")})
    answer.full_clean()
    answer.save()
    themes = list(dict.fromkeys(answer.missing))
    if answer.missing_text.strip():
        themes.append("")
    UnmetNeed.objects.bulk_create([UnmetNeed(answer=answer, theme=theme) for theme in themes])
    CheckIn.objects.filter(pk=locked.pk).update(status=Status.ANSWERED)
    if answer.living == Living.AWAY:
        # Later check-ins of someone who left count as away until they answer otherwise.
        CheckIn.objects.filter(newcomer_id=locked.newcomer_id, months__gt=locked.months).update(
            left_before=True
        )
    checkin.status = Status.ANSWERED
    if not answer.contact_again and locked.newcomer_id is not None:
        CheckInOptOut.objects.get_or_create(newcomer_id=locked.newcomer_id)
    case_event_record(
        case=Case.objects.get(pk=locked.case_id),
        kind="outcomes.checkin.answered",
        actor=actor,
        data={"checkin": locked.pk, "months": locked.months, "via": answer.via},
    )
    return answer


def checkin_opt_out(*, newcomer: Newcomer) -> CheckInOptOut:
    """No more invitations or reminders to this newcomer (their own choice)."""
    opt_out, _created = CheckInOptOut.objects.get_or_create(newcomer=newcomer)
    return opt_out


def unmet_need_tag(*, need: UnmetNeed, tag: str, actor: User) -> UnmetNeed:
    need.tag = tag
    need.reviewed_at = timezone.now()
    need.reviewed_by = actor
    need.full_clean()
    need.save(update_fields=["tag", "reviewed_at", "reviewed_by"])
    return need
