"""Writes to recruitment needs and suggestions. Views, the API and the demo call these;
each checks who may write, so no caller decides on its own."""

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.assignment import case_share, case_share_reason, case_unshare
from cases.events import case_event_record, case_lock
from cases.models import Case
from cases.selectors import case_list_visible
from contacts.models import Locality, Municipality, Organisation
from jobs import matching
from jobs.models import NeedSuggestion, RecruitmentNeed
from jobs.selectors import employers_for_user, need_can_suggest, need_list_visible
from occupations.models import Occupation

# What need_update may change; the state changes only through need_close.
# case_share's reason for a share a suggestion made: _release_share ends only those.
SHARE_REASON = "jobs.suggestion"
NEED_FIELDS = (
    "occupation",
    "positions",
    "municipality",
    "locality",
    "norwegian_level",
    "starts_on",
    "deadline",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def _check_employer(*, employer: Organisation, actor: User) -> None:
    if not employers_for_user(user=actor).filter(pk=employer.pk).exists():
        raise ValidationError({"employer": _("You cannot record needs for this employer.")})


def _check_need(need: RecruitmentNeed) -> None:
    # The minor or unit group: a major or sub-major group is too wide to match anyone by.
    if need.occupation_id and len(need.occupation_id) < 3:
        raise ValidationError(
            {"occupation": _("Choose an occupation at least as precise as a minor group.")}
        )
    if need.locality is not None and need.locality.municipality_id != need.municipality_id:
        raise ValidationError({"locality": _("The locality is not in that municipality.")})
    if need.starts_on and need.deadline and need.deadline > need.starts_on:
        raise ValidationError({"deadline": _("The deadline is after the start date.")})
    need.full_clean()


@transaction.atomic
def need_create(
    *,
    employer: Organisation,
    occupation: Occupation,
    municipality: Municipality,
    actor: User,
    contact_name: str,
    positions: int = 1,
    locality: Locality | None = None,
    norwegian_level: str = "none",
    starts_on: date | None = None,
    deadline: date | None = None,
    contact_phone: str = "",
    contact_email: str = "",
) -> RecruitmentNeed:
    _check_employer(employer=employer, actor=actor)
    need = RecruitmentNeed(
        employer=employer,
        occupation=occupation,
        positions=positions,
        municipality=municipality,
        locality=locality,
        norwegian_level=norwegian_level,
        starts_on=starts_on,
        deadline=deadline,
        contact_name=contact_name,
        contact_phone=contact_phone,
        contact_email=contact_email,
        created_by=actor,
    )
    _check_need(need)
    need.save()
    return need


def _check_writable(*, need: RecruitmentNeed, actor: User) -> None:
    if not need_list_visible(user=actor).filter(pk=need.pk).exists():
        raise PermissionDenied


@transaction.atomic
def need_update(*, need: RecruitmentNeed, actor: User, **changes: Any) -> RecruitmentNeed:
    """Changes the fields given (NEED_FIELDS); a closed need is no longer edited."""
    _check_writable(need=need, actor=actor)
    unknown = set(changes) - set(NEED_FIELDS)
    if unknown:
        raise TypeError(f"need_update() cannot change {sorted(unknown)}")
    # The row locked and read again: a close committed meanwhile is seen, never undone.
    _lock(need)
    need.refresh_from_db()
    if need.state != RecruitmentNeed.State.OPEN:
        raise ValidationError(_("This need is closed and can no longer be changed."))
    for name, value in changes.items():
        setattr(need, name, value)
    _check_need(need)
    need.save(update_fields=list(changes))
    return need


def _lock(need: RecruitmentNeed) -> str:
    """Locks the need's row until the transaction ends (need_close's UPDATE waits) and
    returns its state as stored."""
    return (
        RecruitmentNeed.objects.select_for_update()
        .filter(pk=need.pk)
        .values_list("state", flat=True)
        .get()
    )


@transaction.atomic
def need_close(*, need: RecruitmentNeed, state: str, actor: User) -> RecruitmentNeed:
    """Filled or withdrawn, once: closing a closed need changes nothing."""
    _check_writable(need=need, actor=actor)
    if state not in (RecruitmentNeed.State.FILLED, RecruitmentNeed.State.WITHDRAWN):
        raise ValidationError({"state": _("A need is closed as filled or withdrawn.")})
    # The conditional UPDATE is the claim: of two closes at once, one wins.
    now = timezone.now()
    dates = {"filled_at": now} if state == RecruitmentNeed.State.FILLED else {"withdrawn_at": now}
    closed = RecruitmentNeed.objects.filter(pk=need.pk, state=RecruitmentNeed.State.OPEN).update(
        state=state, **dates
    )
    need.refresh_from_db()
    if closed:
        case_ids = need.suggestions.exclude(case=None).values_list("case_id", flat=True)
        for case in Case.objects.filter(pk__in=list(case_ids)).order_by("pk"):
            _release_share(case=case, employer=need.employer, actor=actor)
    return need


def _release_share(*, case: Case, employer: Organisation, actor: User) -> None:
    """Unshares the case from the employer when a suggestion made the current share and
    none to that employer is still open (pending on an open need) or placed: the share was
    for the suggestion only. A share made by hand, or before the suggestion, stays, however
    the suggestions end. case_unshare puts it on the timeline. The case is locked first:
    a suggestion to another need committing between the check and the unshare would be
    left pending on a case its employer no longer sees."""
    case_lock(case=case)
    if case_share_reason(case=case, organisation=employer) != SHARE_REASON:
        return
    if NeedSuggestion.objects.filter(
        Q(outcome=NeedSuggestion.Outcome.PLACED)
        | Q(outcome=NeedSuggestion.Outcome.PENDING, need__state=RecruitmentNeed.State.OPEN),
        case=case,
        need__employer=employer,
    ).exists():
        return
    case_unshare(case=case, organisation=employer, actor=actor)


@transaction.atomic
def need_suggest(*, need: RecruitmentNeed, case: Case, person: str, actor: User) -> NeedSuggestion:
    """ "Suggest to the employer": shares the case with the need's employer (the handoff
    rule checks the consent and names what is missing), records the suggestion and puts it
    on the case's timeline. Coordinators only, on a case they manage (need_can_suggest)."""
    need.state = _lock(need)
    if need.state != RecruitmentNeed.State.OPEN:
        raise ValidationError(_("This need is closed."))
    if not need_can_suggest(user=actor, need=need, case=case):
        raise PermissionDenied
    code = matching.fitting_code(need=need, case=case, person=person)
    if code is None:
        raise ValidationError(_("This person no longer fits the need."))
    case_lock(case=case)  # before reading the share: a decline committing meanwhile ends it
    shared_before = case.shared_with.filter(pk=need.employer_id).exists()
    case_share(case=case, organisation=need.employer, actor=actor, reason=SHARE_REASON)
    suggestion, created = NeedSuggestion.objects.get_or_create(
        need=need,
        case=case,
        person=person,
        defaults={
            "occupation_id": code,
            "suggested_by": actor,
            "shared_by_suggestion": not shared_before,
        },
    )
    if not created and suggestion.outcome == NeedSuggestion.Outcome.DECLINED:
        # Suggested again after "not placed": a new round, pending again. The decline had
        # released a share the suggestion made, and case_share above made it anew.
        suggestion.outcome, suggestion.outcome_at = NeedSuggestion.Outcome.PENDING, None
        suggestion.occupation_id, suggestion.suggested_by = code, actor
        suggestion.created_at = timezone.now()
        suggestion.shared_by_suggestion = not shared_before
        suggestion.save()
        created = True
    if created:
        case_event_record(
            case=case,
            kind="jobs.need.suggested",
            actor=actor,
            data={"need": need.pk, "organisation": need.employer_id, "person": person},
        )
    return suggestion


@transaction.atomic
def suggestion_outcome_record(
    *, suggestion: NeedSuggestion, outcome: str, actor: User
) -> NeedSuggestion:
    """Placed or not: recorded by the employer's members or a coordinator, while they may
    see the case (not after a consent withdrawal unshared it): it goes on its timeline."""
    _check_writable(need=suggestion.need, actor=actor)
    if (
        suggestion.case_id is not None
        and not case_list_visible(user=actor).filter(pk=suggestion.case_id).exists()
    ):
        raise PermissionDenied
    if outcome not in (NeedSuggestion.Outcome.PLACED, NeedSuggestion.Outcome.DECLINED):
        raise ValidationError({"outcome": _("Choose placed or not placed.")})
    if suggestion.outcome == outcome:
        return suggestion
    suggestion.outcome, suggestion.outcome_at = outcome, timezone.now()
    suggestion.full_clean()
    suggestion.save()
    if suggestion.case is not None:
        case_event_record(
            case=suggestion.case,
            kind=f"jobs.suggestion.{outcome}",
            actor=actor,
            data={"need": suggestion.need_id, "person": suggestion.person},
        )
        if outcome == NeedSuggestion.Outcome.DECLINED:
            _release_share(case=suggestion.case, employer=suggestion.need.employer, actor=actor)
    return suggestion
