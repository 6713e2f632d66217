"""Reads about check-ins: who may be invited, what a newcomer or a case has open, the
unmet-needs list. The dashboard's figures are in outcomes.figures."""

from datetime import date, timedelta

from django.db.models import F, QuerySet

from cases.models import Case
from contacts.models import Newcomer
from outcomes.models import CheckIn, CheckInOptOut, UnmetNeed
from outcomes.schedule import ANSWER_DAYS

Status = CheckIn.Status


def checkin_invite_refusal(*, newcomer: Newcomer | None) -> str:
    """Why this newcomer may not be e-mailed a check-in ("" if they may): the one rule.

    Consent to be contacted is the consent given with the enquiry (consent_given_at; an
    imported record's consent must first be confirmed), and it ends when the newcomer says
    no more (CheckInOptOut: on their page, in an answer or to staff). Never to an erased
    newcomer, nor without an address."""
    if newcomer is None or newcomer.erased_at is not None:
        return "erased"
    if newcomer.consent_given_at is None or newcomer.consent_to_confirm_since is not None:
        return "no_consent"
    if CheckInOptOut.objects.filter(newcomer_id=newcomer.pk).exists():
        return "opted_out"
    if not newcomer.email:
        return "no_email"
    return ""


def checkin_is_answerable(checkin: CheckIn, *, today: date) -> bool:
    """Open to an answer: due, unanswered and not older than ANSWER_DAYS. One whose
    invitation was not sent (no consent to e-mail) may still be answered by a newcomer who
    opens their page, or by phone."""
    return (
        checkin.status in {Status.PENDING, Status.INVITED, Status.SKIPPED}
        and checkin.newcomer_id is not None
        and today - timedelta(days=ANSWER_DAYS) <= checkin.due_date <= today
    )


def checkins_open_for_newcomer(*, newcomer: Newcomer, today: date) -> list[CheckIn]:
    rows = CheckIn.objects.filter(newcomer=newcomer, due_date__lte=today).order_by("months")
    return [c for c in rows if checkin_is_answerable(c, today=today)]


def checkin_for_newcomer(*, newcomer: Newcomer, pk: int) -> CheckIn | None:
    return CheckIn.objects.filter(newcomer=newcomer, pk=pk).first()


def checkins_for_case(*, case: Case) -> list[CheckIn]:
    """The check-ins of the case's newcomer with their answers, in two queries."""
    return list(
        CheckIn.objects.filter(newcomer_id=case.newcomer_id)
        .select_related("answer")
        .order_by("months")
    )


def newcomer_opted_out(*, newcomer: Newcomer) -> bool:
    return CheckInOptOut.objects.filter(newcomer=newcomer).exists()


def unmet_needs(*, reviewed: bool | None = None) -> QuerySet[UnmetNeed]:
    """The coordinators' list, not yet reviewed first, newest answers first. Only
    coordinators and administrators see it (the region's picture, like the full
    dashboard)."""
    needs = UnmetNeed.objects.select_related("answer__checkin", "reviewed_by").order_by(
        F("reviewed_at").asc(nulls_first=True), "-answer__answered_at", "-pk"
    )
    if reviewed is not None:
        needs = needs.filter(reviewed_at__isnull=not reviewed)
    return needs


def household_shape(*, newcomer: Newcomer) -> dict[str, bool]:
    """Which questions the household gets: the partner's work, the children's places."""
    relations = set(newcomer.household.values_list("relation", flat=True))
    return {"partner": "partner" in relations, "children": "child" in relations}
