"""The handoff rule, written once (docs/guide.md, "Who sees what"; docs/architecture.md).

1. Whoever is given work on a case (ownership, a follow-up, a plan step) can open it.
   Giving work to a person or an organisation that cannot see the case shares the case
   with that organisation when the newcomer's consent covers its kind, on the timeline;
   otherwise it is refused with a message that names the missing consent
   (`case_work_open_to`).
2. Whoever is named as an organisation's contact belongs to it. The owner is a member of
   the responsible organisation: giving the case to an owner from another organisation
   moves the responsible organisation to the owner's (`case_assign_owner`); handing the
   case to an organisation the owner is not in puts it in that organisation's queue, with
   no owner (`case_set_organisation`). A plan step's assignee is a member of the step's
   organisation (onboarding.services).
3. Nothing is orphaned: when someone loses sight of a case (a share removed, a consent
   withdrawn, the case handed on), the open work they held goes back to the responsible
   organisation, on the timeline (`case_work_return`); the apps above return theirs through
   cases.registries.case_work_return_hooks. An organisation that hands a case on while it
   still holds open work there keeps it as a share, so that work stays where it is.

UI, API, plan start, template steps, reassignment, bulk actions and demo data all call
these services; none decides on its own.
"""

import contextlib

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.events import case_event_record, case_lock, first_response_mark
from cases.followup_due import followup_due_keep
from cases.models import Case, CaseEvent, FollowUp
from cases.registries import case_work_holders, case_work_return_hooks
from contacts.models import CONSENT_SCOPE_FOR_KIND, Consent, Membership, Organisation
from contacts.selectors import (
    consent_scopes_active,
    organisation_is_covered,
    staff_access,
    staff_display_name,
)
from contacts.services import consent_require


def case_organisation_ids(*, case: Case) -> set[int]:
    """The organisations that see the case: the responsible one and those it is shared
    with (one query)."""
    ids = set(case.shared_with.values_list("pk", flat=True))
    if case.responsible_organisation_id is not None:
        ids.add(case.responsible_organisation_id)
    return ids


def user_sees_case(*, user: User, case: Case, organisation_ids: set[int] | None = None) -> bool:
    """Whether the user sees the case through their role, their ownership or one of their
    organisations: the ways that do not depend on a piece of work they hold. This is what
    work given to them must rest on (cases.selectors.case_list_visible is the whole rule)."""
    access = staff_access(user)
    if access.sees_all or case.owner_id == user.pk:
        return True
    ids = case_organisation_ids(case=case) if organisation_ids is None else organisation_ids
    return bool(access.organisation_ids & ids)


def user_organisations(*, user: User) -> list[Organisation]:
    """The user's active organisations, by name."""
    return list(
        Organisation.objects.filter(
            is_active=True, pk__in=staff_access(user).organisation_ids
        ).order_by("name", "pk")
    )


def user_belongs_to(*, user: User, organisation_id: int | None) -> bool:
    return organisation_id is not None and organisation_id in staff_access(user).organisation_ids


def _refusal(organisation: Organisation, person: User | None = None) -> str:
    """The one message for work refused for want of consent, naming the consent missing."""
    name = organisation.name
    if person is not None:
        name = f"{staff_display_name(person)} ({organisation.name})"
    scope = CONSENT_SCOPE_FOR_KIND.get(organisation.kind)
    if scope is None:
        return _(
            "%(name)s cannot be given work on this case: a newcomer's consent never covers "
            "sharing with the kind “%(kind)s”."
        ) % {"name": name, "kind": organisation.get_kind_display()}
    return _(
        "%(name)s cannot be given work on this case: the newcomer has not consented to "
        "sharing with “%(scope)s”."
    ) % {"name": name, "scope": Consent.Scope(scope).label}


def work_share_needed(
    *,
    case: Case,
    field: str,
    organisation: Organisation | None = None,
    user: User | None = None,
) -> Organisation | None:
    """Reads only: the organisation the case must be shared with before `organisation` or
    `user` can be given work on it, or None when they already see it. Raises a
    ValidationError on `field` when the newcomer's consent does not allow it."""
    ids = case_organisation_ids(case=case)
    newcomer = case.newcomer
    if organisation is not None:
        if organisation.pk in ids:
            return None
        if newcomer.consent_to_confirm_since is not None:
            consent_require(newcomer=newcomer, organisation=organisation, field=field)
        if not organisation_is_covered(
            organisation=organisation, scopes=consent_scopes_active(newcomer=newcomer)
        ):
            raise ValidationError({field: _refusal(organisation)})
        return organisation
    if user is None or user_sees_case(user=user, case=case, organisation_ids=ids):
        return None
    organisations = user_organisations(user=user)
    if not organisations:
        raise ValidationError({field: _("This person is not a member of the team.")})
    if newcomer.consent_to_confirm_since is not None:
        consent_require(newcomer=newcomer, organisation=organisations[0], field=field)
    scopes = consent_scopes_active(newcomer=newcomer)
    covered = [o for o in organisations if organisation_is_covered(organisation=o, scopes=scopes)]
    if not covered:
        raise ValidationError({field: _refusal(organisations[0], person=user)})
    return covered[0]


@transaction.atomic
def case_work_open_to(
    *,
    case: Case,
    actor: User | None,
    field: str,
    organisation: Organisation | None = None,
    user: User | None = None,
) -> Organisation | None:
    """Rule 1: before work on the case goes to `organisation` or `user`, make sure they can
    open the case, sharing it with their organisation (on the timeline) when the consent
    covers it; else a ValidationError on `field` names the missing consent. Returns the
    organisation the case was shared with, if any."""
    target = work_share_needed(case=case, field=field, organisation=organisation, user=user)
    if target is not None:
        case_share(case=case, organisation=target, actor=actor, for_work=True)
    return target


@transaction.atomic
def case_share(
    *,
    case: Case,
    organisation: Organisation,
    actor: User | None,
    for_work: bool = False,
    reason: str = "",
) -> Case:
    """Shares the case with an organisation the consent covers. `for_work`: because work on
    the case was given there (rule 1), which the timeline says. `reason`: the app's action
    that made the share ("jobs.suggestion"), kept on its timeline entry so that the app can
    tell its own share from one made by hand (case_share_reason)."""
    case_lock(case=case)
    consent_require(newcomer=case.newcomer, organisation=organisation, field="organisation")
    if case.shared_with.filter(pk=organisation.pk).exists():
        # Shared already for an app's action: sharing by hand or for work makes the share
        # staff's, and the timeline says so, so that the app no longer ends it.
        if reason or not case_share_reason(case=case, organisation=organisation):
            return case
    else:
        case.shared_with.add(organisation)
    data: dict[str, int | bool | str] = {"organisation": organisation.pk}
    if for_work:
        data["for_work"] = True
    if reason:
        data["reason"] = reason
    case_event_record(case=case, kind="cases.case.shared", actor=actor, data=data)
    return case


def case_share_reason(*, case: Case, organisation: Organisation) -> str | None:
    """Why the current share with the organisation was made: case_share's `reason` ("" when
    none was given, as by hand), or None when the case is not shared with it. Read from the
    latest share on the timeline: every share goes through case_share."""
    if not case.shared_with.filter(pk=organisation.pk).exists():
        return None
    event = (
        CaseEvent.objects.filter(
            case=case, kind="cases.case.shared", data__organisation=organisation.pk
        )
        .order_by("-pk")
        .only("data")
        .first()
    )
    return "" if event is None else str(event.data.get("reason", ""))


@transaction.atomic
def case_unshare(*, case: Case, organisation: Organisation, actor: User | None) -> Case:
    """Stops sharing; the work its people held on the case goes back (rule 3)."""
    case_lock(case=case)
    if not case.shared_with.filter(pk=organisation.pk).exists():
        return case
    case.shared_with.remove(organisation)
    case_event_record(
        case=case,
        kind="cases.case.unshared",
        actor=actor,
        data={"organisation": organisation.pk},
    )
    case_work_return(case=case, actor=actor)
    return case


def user_work_organisation(*, case: Case, user: User) -> Organisation | None:
    """The organisation a person works on the case for: one of theirs that already sees the
    case, else one the consent covers (by name); None when none is covered (a coordinator,
    who sees every case) or the consent awaits confirmation."""
    ids = case_organisation_ids(case=case)
    organisations = user_organisations(user=user)
    seeing = [o for o in organisations if o.pk in ids]
    if seeing:
        return seeing[0]
    if case.newcomer.consent_to_confirm_since is not None:
        return None
    scopes = consent_scopes_active(newcomer=case.newcomer)
    covered = [o for o in organisations if organisation_is_covered(organisation=o, scopes=scopes)]
    return covered[0] if covered else None


def owner_organisation(*, case: Case, owner: User) -> Organisation | None:
    """The organisation a new owner makes responsible (rule 2): the current one if the owner
    is in it, else the one they work on the case for (`user_work_organisation`)."""
    if user_belongs_to(user=owner, organisation_id=case.responsible_organisation_id):
        return case.responsible_organisation
    return user_work_organisation(case=case, user=owner)


@transaction.atomic
def case_assign_owner(*, case: Case, owner: User | None, actor: User | None) -> Case:
    """Gives the case to a staff member (or nobody). A new case is opened by it: taking a
    case is the team's first response. The responsible organisation follows the owner
    (rule 2)."""
    case_lock(case=case)
    if owner is not None and not staff_access(owner).is_staff_member:
        raise ValidationError({"owner": _("This person is not a member of the team.")})
    if owner is not None:
        consent_require(newcomer=case.newcomer, user=owner, field="owner")
    if case.owner_id == (owner.pk if owner else None):
        return case
    old_owner_id = case.owner_id
    case.owner = owner
    fields = ["owner"]
    if case.status == Case.Status.NEW and owner is not None:
        case.status = Case.Status.OPEN
        fields += ["status", *first_response_mark(case, timezone.now())]
        case_event_record(
            case=case,
            kind="cases.case.status_changed",
            actor=actor,
            data={"from": Case.Status.NEW, "to": Case.Status.OPEN},
        )
    case.save(update_fields=fields)
    case_event_record(
        case=case,
        kind="cases.case.owner_changed",
        actor=actor,
        data={"from": old_owner_id, "to": owner.pk if owner else None},
    )
    if owner is not None:
        organisation = owner_organisation(case=case, owner=owner)
        if organisation is None or organisation.pk != case.responsible_organisation_id:
            case_set_organisation(case=case, organisation=organisation, actor=actor)
            return case
    case_work_return(case=case, actor=actor)
    return case


def _holds_open_work(case: Case, organisation_id: int) -> bool:
    """Whether open work on the case is labelled with the organisation or held by one of
    its members (follow-ups here, plan steps through cases.registries.case_work_holders)."""
    holders: list[tuple[int | None, int | None]] = [
        (None, user_id)
        for user_id in case.followups.filter(done_at=None).values_list("assignee_id", flat=True)
    ]
    for holders_of in case_work_holders:
        holders.extend(holders_of(case))
    if any(org_id == organisation_id for org_id, _user in holders):
        return True
    user_ids = {user_id for _org, user_id in holders if user_id is not None}
    return bool(user_ids) and (
        Membership.objects.filter(organisation_id=organisation_id, user_id__in=user_ids).exists()
    )


@transaction.atomic
def case_set_organisation(
    *,
    case: Case,
    organisation: Organisation | None,
    actor: User | None,
    release_owner: bool = True,
) -> Case:
    """Makes an organisation responsible (or none). An owner who is not in it is released:
    the case is in the organisation's queue (rule 2); `release_owner=False` is for a caller
    that gives the case a new owner from it next, in the same transaction. The organisation
    handing the case on keeps a share while it holds open work there; other work that lost
    sight of the case goes back (rule 3)."""
    case_lock(case=case)
    if organisation is not None:
        consent_require(newcomer=case.newcomer, organisation=organisation, field="organisation")
    new_id = organisation.pk if organisation else None
    if case.responsible_organisation_id == new_id:
        return case
    old_id = case.responsible_organisation_id
    if (
        old_id is not None
        and _holds_open_work(case, old_id)
        and not case.shared_with.filter(pk=old_id).exists()
    ):
        old = Organisation.objects.get(pk=old_id)
        # When the consent no longer covers it, its work goes back below instead.
        with contextlib.suppress(ValidationError):
            case_share(case=case, organisation=old, actor=actor, for_work=True)
    case.responsible_organisation = organisation
    case.save(update_fields=["responsible_organisation"])
    case_event_record(
        case=case,
        kind="cases.case.organisation_changed",
        actor=actor,
        data={"from": old_id, "to": new_id},
    )
    if (
        release_owner
        and case.owner is not None
        and new_id is not None
        and not user_belongs_to(user=case.owner, organisation_id=new_id)
    ):
        old_owner_id = case.owner_id
        case.owner = None
        case.save(update_fields=["owner"])
        case_event_record(
            case=case,
            kind="cases.case.owner_changed",
            actor=actor,
            data={"from": old_owner_id, "to": None},
        )
    case_work_return(case=case, actor=actor)
    return case


def work_return_person(*, case: Case) -> User | None:
    """Who takes back a follow-up whose assignee lost sight of the case: the owner, else a
    member of the responsible organisation (its coordinators first), else one of the
    team's coordinators; None only in a team without any."""
    if case.owner is not None and case.owner.is_active:
        return case.owner
    elevated = (Membership.Role.COORDINATOR, Membership.Role.ADMIN)
    memberships = Membership.objects.filter(
        user__is_active=True, organisation__is_active=True
    ).select_related("user")
    if case.responsible_organisation_id is not None:
        members = list(
            memberships.filter(organisation_id=case.responsible_organisation_id).order_by("pk")
        )
        members.sort(key=lambda m: m.role not in elevated)
        if members:
            return members[0].user
    coordinator = memberships.filter(role__in=elevated).order_by("pk").first()
    return coordinator.user if coordinator is not None else None


@transaction.atomic
def case_work_return(*, case: Case, actor: User | None) -> int:
    """Rule 3: open work held by someone who no longer sees the case goes back to the
    responsible organisation, each item on the timeline. Returns how many items moved.
    Idempotent: a second run finds nothing to move. Its callers hold the case's lock
    (case_lock), taken before any of its work is written."""
    ids = case_organisation_ids(case=case)
    moved = closed = 0
    for followup in case.followups.filter(done_at=None).select_related("assignee"):
        if user_sees_case(user=followup.assignee, case=case, organisation_ids=ids):
            continue
        person = work_return_person(case=case)
        if person is None:
            # Nobody in the team could hold it: closed rather than left with someone the
            # consent no longer covers.
            closed += FollowUp.objects.filter(pk=followup.pk, done_at=None).update(
                done_at=timezone.now(), done_by=actor
            )
            case_event_record(
                case=case,
                kind="cases.followup.completed",
                actor=actor,
                data={"followup": followup.pk},
                followup=followup,
            )
        else:
            old_id = followup.assignee_id
            FollowUp.objects.filter(pk=followup.pk).update(assignee=person)
            case_event_record(
                case=case,
                kind="cases.followup.returned",
                actor=actor,
                data={"followup": followup.pk, "from": old_id, "to": person.pk},
                followup=followup,
            )
        moved += 1
    if closed:  # once for all the follow-ups closed
        followup_due_keep(Case.objects.filter(pk=case.pk))
    for hook in case_work_return_hooks:
        moved += hook(case, actor)
    return moved
