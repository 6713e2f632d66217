"""Every write with business meaning on cases. Views, API, tasks and commands call these.

Each service records its change as a CaseEvent in the same transaction, so the timeline is
complete by construction.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import access_log_record
from cases.assignment import (
    case_assign_owner as case_assign_owner,
)
from cases.assignment import (
    case_set_organisation as case_set_organisation,
)
from cases.assignment import (
    case_share as case_share,
)
from cases.assignment import (
    case_unshare as case_unshare,
)
from cases.assignment import (
    case_work_open_to,
    case_work_return,
)
from cases.events import case_event_record as case_event_record
from cases.events import case_lock as case_lock
from cases.events import first_response_mark
from cases.followup_due import followup_due_keep
from cases.models import Case, FollowUp, NewcomerMessage, Note, ReferenceCounter, Topic
from cases.registries import case_rest_hooks, move_date_hooks
from cases.selectors import case_can_manage, case_rests_q, case_work_rests
from cases.workingtime import response_due
from contacts.models import (
    CONSENT_SCOPE_FOR_KIND,
    Consent,
    HouseholdMember,
    Newcomer,
    Organisation,
)
from contacts.selectors import consent_scopes_active, staff_access, staff_role, user_is_covered
from contacts.services import (
    consent_record,
    consent_require,
    household_add_members,
    household_member_update,
    newcomer_find_or_create,
    newcomer_link_issue,
    newcomer_update,
)
from outbox.services import email_queue

# Allowed status changes. Closing needs a reason; a closed case can be reopened.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    Case.Status.NEW: {Case.Status.OPEN, Case.Status.WAITING, Case.Status.CLOSED},
    Case.Status.OPEN: {Case.Status.WAITING, Case.Status.CLOSED},
    Case.Status.WAITING: {Case.Status.OPEN, Case.Status.CLOSED},
    Case.Status.CLOSED: {Case.Status.OPEN},
}


def case_reference_next(*, year: int) -> str:
    """The next reference for the year, e.g. NR-2026-0042. Must run inside the transaction
    that creates the case.

    1. Make sure the year's counter row exists (an insert that ignores a conflict, so two
       first cases of a year cannot both create it).
    2. Increment it with one UPDATE: PostgreSQL holds the row lock until commit, so a
       concurrent creator waits and then reads the next number; SQLite locks the database.
    3. Read the value this transaction wrote.
    """
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    ReferenceCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = ReferenceCounter.objects.values_list("last_number", flat=True).get(year=year)
    return f"{settings.CASE_REFERENCE_PREFIX}-{year}-{number:04d}"


@transaction.atomic
def case_open(
    *,
    newcomer: Newcomer,
    channel: str,
    message: str = "",
    topics: Iterable[Topic] = (),
    priority: str = Case.Priority.NORMAL,
    actor: User | None = None,
    received_at: datetime | None = None,
) -> Case:
    """A new case. `received_at` is when the enquiry came in, if earlier than now (an e-mail
    recorded the next morning); it also decides the year of the reference."""
    now = timezone.now()
    if received_at is not None and received_at > now:
        raise ValidationError({"received_at": _("An enquiry cannot be received in the future.")})
    now = received_at or now
    case = Case(
        newcomer=newcomer,
        channel=channel,
        message=message.strip(),
        priority=priority,
        created_at=now,
        reference=case_reference_next(year=timezone.localtime(now).year),
        first_response_due=response_due(priority=priority, start=now),
    )
    # Fields only: the reference is fresh from the counter and a new case is open, so the
    # unique and check constraints cannot fail here (the database enforces them anyway);
    # checking them cost three queries per case, a fifth of a spreadsheet import's time.
    case.full_clean(validate_unique=False, validate_constraints=False)
    case.save()
    topics = list(topics)
    if topics:  # a new case has none to compare with (saves a query per imported row)
        case.topics.set(topics)
    case_event_record(
        case=case, kind="cases.case.opened", actor=actor, data={"channel": channel}, at=now
    )
    return case


@transaction.atomic
def intake_submit(
    *,
    name: str,
    email: str,
    phone: str,
    preferred_language: str,
    municipality: Any,
    locality: Any,
    planned_move_date: date | None,
    target_group: str,
    occupation: str,
    has_partner: bool,
    partner_needs_work: bool,
    partner_occupation: str,
    children_birth_years: list[int],
    interests: str,
    topics: Iterable[Topic],
    message: str,
    heard_via: str,
    share_scopes: Iterable[str],
    channel: str = Case.Channel.FORM,
    actor: User | None = None,
    reminders_wanted: bool = False,
    citizenship: str = "",
) -> Case:
    """One enquiry: the newcomer (found by e-mail or created), their household and consents,
    and a new case, in one transaction, with the receipt e-mail in the outbox.
    `reminders_wanted` (public form) records when the newcomer asked for deadline reminders,
    once: like other fields of a known newcomer, it only fills what is empty."""
    newcomer, _created = newcomer_find_or_create(
        name=name,
        email=email,
        phone=phone,
        preferred_language=preferred_language,
        municipality=municipality,
        locality=locality,
        planned_move_date=planned_move_date,
        target_group=target_group,
        occupation=occupation,
        partner_needs_work=partner_needs_work,
        partner_occupation=partner_occupation,
        interests=interests,
        heard_via=heard_via,
        citizenship=citizenship,
    )
    household_add_members(
        newcomer=newcomer,
        has_partner=has_partner or partner_needs_work,
        partner_occupation=partner_occupation,
        children_birth_years=children_birth_years,
    )
    consent_record(newcomer=newcomer, scopes=share_scopes)
    if reminders_wanted and newcomer.reminders_consent_at is None:
        newcomer.reminders_consent_at = timezone.now()
        Newcomer.objects.filter(pk=newcomer.pk, reminders_consent_at=None).update(
            reminders_consent_at=newcomer.reminders_consent_at
        )
    case = case_open(
        newcomer=newcomer, channel=channel, message=message, topics=topics, actor=actor
    )
    if newcomer.email:
        # A fresh personal link to the newcomer's own page (portal); an older one
        # stops working, and only this address receives the new one.
        link_path = newcomer_link_issue(newcomer=newcomer, actor=actor)
        email_queue(
            kind="cases.intake_receipt",
            to=newcomer.email,
            template="intake_receipt",
            language=newcomer.preferred_language,
            context={
                "case": case,
                "newcomer": newcomer,
                "site_url": settings.SITE_URL,
                "link_url": settings.SITE_URL + link_path,
            },
            case_id=case.pk,
        )
    return case


def case_mark_first_response(*, case: Case, at: datetime | None = None) -> bool:
    """Records the team's first response to the case (a message to the newcomer, say) unless
    there already is one. One conditional UPDATE, so two first responses at once keep the
    earlier writer's time. Returns whether this call recorded it."""
    if case.first_response_at is not None:
        return False
    at = at or timezone.now()
    marked = Case.objects.filter(pk=case.pk, first_response_at=None).update(first_response_at=at)
    if marked:
        case.first_response_at = at
    return bool(marked)


@transaction.atomic
def case_change_status(
    *, case: Case, status: str, actor: User | None, closing_reason: str = ""
) -> Case:
    case_lock(case=case)
    if status == case.status:
        return case
    if status not in STATUS_TRANSITIONS[case.status]:
        raise ValidationError(
            {
                "status": _("A case cannot go from “%(old)s” to “%(new)s”.")
                % {"old": case.get_status_display(), "new": Case.Status(status).label}
            }
        )
    if status == Case.Status.CLOSED and not closing_reason:
        raise ValidationError({"closing_reason": _("Choose why the case is closed.")})
    now = timezone.now()
    old = case.status
    case.status = status
    case.closing_reason = closing_reason if status == Case.Status.CLOSED else ""
    case.closed_at = now if status == Case.Status.CLOSED else None
    fields = ["status", "closing_reason", "closed_at", *first_response_mark(case, now)]
    case.full_clean()
    case.save(update_fields=fields)
    rests = case_work_rests(case=case)
    if rests != (old == Case.Status.CLOSED):
        # The case's work rests while it is closed, and comes back as it was.
        _work_rest(Case.objects.filter(pk=case.pk), rests=rests)
    data = {"from": old, "to": status}
    if case.closing_reason:
        data["reason"] = case.closing_reason
    case_event_record(case=case, kind="cases.case.status_changed", actor=actor, data=data)
    return case


def _work_rest(cases: QuerySet[Case], *, rests: bool) -> int:
    """Sets `rests` on the work of `cases` (follow-ups here, the apps above through
    case_rest_hooks) where it differs; returns how many rows changed."""
    changed = FollowUp.objects.filter(case__in=cases).exclude(rests=rests).update(rests=rests)
    for hook in case_rest_hooks:
        changed += hook(cases, rests)
    return changed


@transaction.atomic
def work_rests_sync() -> int:
    """Sets `rests` right wherever it differs from its case's status, and returns how many
    rows changed: none, unless something wrote cases without the services, such as the
    previous release's code while an upgrade rolls out (docs/operations.md)."""
    closed = Case.objects.filter(case_rests_q())
    return _work_rest(closed, rests=True) + _work_rest(
        Case.objects.exclude(case_rests_q()), rests=False
    )


@transaction.atomic
def case_set_priority(*, case: Case, priority: str, actor: User) -> Case:
    case_lock(case=case)
    if priority == case.priority:
        return case
    old = case.priority
    case.priority = priority
    # The target counts from when the enquiry came in, at the new priority's pace.
    case.first_response_due = response_due(priority=priority, start=case.created_at)
    case.full_clean()
    case.save(update_fields=["priority", "first_response_due"])
    case_event_record(
        case=case,
        kind="cases.case.priority_changed",
        actor=actor,
        data={"from": old, "to": priority},
    )
    return case


_UNCHANGED: Any = object()


@transaction.atomic
def case_update(
    *,
    case: Case,
    actor: User,
    priority: str | None = None,
    responsible_organisation: Organisation | None = _UNCHANGED,
) -> Case:
    """Changes several fields at once, all or nothing (the API's partial update). A field
    left out stays as it is; `responsible_organisation=None` removes the organisation."""
    if priority is not None:
        case_set_priority(case=case, priority=priority, actor=actor)
    if responsible_organisation is not _UNCHANGED:
        try:
            case_set_organisation(case=case, organisation=responsible_organisation, actor=actor)
        except ValidationError as exc:
            raise ValidationError({"responsible_organisation": exc.messages}) from exc
    return case


@transaction.atomic
def note_add(*, case: Case, body: str, visibility: str, actor: User) -> Note:
    """A note on the timeline. A confidential note belongs to the author's organisation;
    someone in several organisations writes it for the first (by id), and someone in none
    cannot write one."""
    organisation_id = min(staff_access(actor).organisation_ids, default=None)
    if visibility == Note.Visibility.CONFIDENTIAL and organisation_id is None:
        raise ValidationError(
            {"visibility": _("You need an organisation to write a confidential note.")}
        )
    note = Note(
        case=case,
        author=actor,
        organisation_id=organisation_id,
        visibility=visibility,
        body=body.strip(),
    )
    note.full_clean()
    note.save()
    case_event_record(
        case=case,
        kind="cases.note.added",
        actor=actor,
        data={"note": note.pk, "visibility": visibility},
        note=note,
    )
    return note


@transaction.atomic
def followup_add(
    *, case: Case, title: str, assignee: User, due_date: date, actor: User
) -> FollowUp:
    """A follow-up for a staff member; the case is shared with their organisation first
    when they cannot see it yet, or the follow-up is refused (cases.assignment, rule 1)."""
    # Locked and read again: a close or reopen waits, or has committed, so the follow-up
    # rests exactly when the case is closed (case_change_status sets the others).
    case_lock(case=case)
    if not staff_access(assignee).is_staff_member:
        raise ValidationError({"assignee": _("This person is not a member of the team.")})
    case_work_open_to(case=case, actor=actor, field="assignee", user=assignee)
    # Also an imported consent not confirmed yet, which covers nobody but coordinators.
    consent_require(newcomer=case.newcomer, user=assignee, field="assignee")
    followup = FollowUp(
        case=case,
        title=title.strip(),
        assignee=assignee,
        due_date=due_date,
        created_by=actor,
        rests=case_work_rests(case=case),
    )
    followup.full_clean()
    followup.save()
    followup_due_keep(Case.objects.filter(pk=case.pk))
    case_event_record(
        case=case,
        kind="cases.followup.added",
        actor=actor,
        data={"followup": followup.pk, "assignee": assignee.pk, "due": due_date.isoformat()},
        followup=followup,
    )
    return followup


@transaction.atomic
def followup_complete(*, followup: FollowUp, actor: User | None) -> FollowUp:
    """Marks the follow-up done once; completing it again changes nothing."""
    # The case first, as every service that changes its work locks it: the same order as
    # closing it (a follow-up locked first, then the case, deadlocked against a close),
    # and the case's next follow-up date worked out once any other change to its
    # follow-ups has committed (two completions at once kept a date of neither).
    case_lock(case=followup.case)
    now = timezone.now()
    claimed = FollowUp.objects.filter(pk=followup.pk, done_at=None).update(
        done_at=now, done_by=actor
    )
    followup.refresh_from_db()
    if claimed:
        followup_due_keep(Case.objects.filter(pk=followup.case_id))
        case_event_record(
            case=followup.case,
            kind="cases.followup.completed",
            actor=actor,
            data={"followup": followup.pk},
            followup=followup,
        )
    return followup


@transaction.atomic
def consent_withdraw(*, newcomer: Newcomer, scope: str, actor: User | None) -> int:
    """Withdraws one sharing consent and at once removes what it allowed, on every case of
    the newcomer: shares with organisations of that kind, the responsible organisation if of
    that kind, and an owner no longer covered. Open follow-ups and plan steps of people who
    no longer see the case go back to the responsible organisation (cases.assignment,
    rule 3), on the timeline. Returns the number of consents withdrawn (0 when none was
    active)."""
    # The newcomer first (then each case, as the other services lock them): a withdrawal
    # of another scope at the same time waits, and then reads the consents this one left.
    # Read before either committed, each kept an owner only the other's consent covered.
    Newcomer.objects.select_for_update().filter(pk=newcomer.pk).first()
    now = timezone.now()
    withdrawn = Consent.objects.filter(newcomer=newcomer, scope=scope, withdrawn_at=None).update(
        withdrawn_at=now
    )
    if not withdrawn:
        return 0
    scopes = consent_scopes_active(newcomer=newcomer)
    kinds = [kind for kind, s in CONSENT_SCOPE_FOR_KIND.items() if s == scope]
    for case in Case.objects.filter(newcomer=newcomer):
        case_lock(case=case)  # its work may go back (rule 3), as in the other services
        case_event_record(
            case=case, kind="contacts.consent.withdrawn", actor=actor, data={"scope": scope}
        )
        for organisation in case.shared_with.filter(kind__in=kinds):
            case_unshare(case=case, organisation=organisation, actor=actor)
        if case.owner is not None and not user_is_covered(user=case.owner, scopes=scopes):
            old_owner = case.owner_id
            case.owner = None
            case.save(update_fields=["owner"])
            case_event_record(
                case=case,
                kind="cases.case.owner_changed",
                actor=actor,
                data={"from": old_owner, "to": None},
            )
        if (
            case.responsible_organisation_id
            and Organisation.objects.filter(
                pk=case.responsible_organisation_id, kind__in=kinds
            ).exists()
        ):
            case_set_organisation(case=case, organisation=None, actor=actor)
        case_work_return(case=case, actor=actor)
    return withdrawn


@transaction.atomic
def case_newcomer_update(
    *,
    case: Case,
    changes: dict[str, Any],
    actor: User | None,
    by_newcomer: bool = False,
) -> list[str]:
    """Staff edit the newcomer from one of their cases; the change is on that case's
    timeline (field names only; a lifecycle step also records its codes). The newcomer's
    own page calls it with actor None and `by_newcomer`."""
    # Compare with the stored row: a bound ModelForm has already copied its values onto the
    # instance it was given.
    newcomer = Newcomer.objects.select_for_update().get(pk=case.newcomer_id)
    old_lifecycle = newcomer.lifecycle
    changed = newcomer_update(newcomer=newcomer, changes=changes)
    if changed:
        data: dict[str, Any] = {"fields": changed}
        if by_newcomer:
            data["by_newcomer"] = True
        if "lifecycle" in changed:
            data["lifecycle"] = {"from": old_lifecycle, "to": newcomer.lifecycle}
        case_event_record(case=case, kind="contacts.newcomer.updated", actor=actor, data=data)
    move_date = newcomer.moved_at or newcomer.planned_move_date
    if {"planned_move_date", "moved_at"} & set(changed) and move_date is not None:
        # What counts from the move date follows it (onboarding's plans, through
        # cases.registries.move_date_hooks), in this transaction.
        for hook in move_date_hooks:
            hook(newcomer, move_date, actor)
    case.newcomer = newcomer
    return changed


@transaction.atomic
def case_household_member_update(
    *, case: Case, member: HouseholdMember, changes: dict[str, Any], actor: User
) -> list[str]:
    """Staff code an adult household member's occupation from one of the newcomer's cases;
    the change is on that case's timeline (the member's id and field names, no values)."""
    if member.newcomer_id != case.newcomer_id:
        raise PermissionDenied
    changed = household_member_update(member=member, changes=changes)
    if changed:
        case_event_record(
            case=case,
            kind="contacts.household.updated",
            actor=actor,
            data={"member": member.pk, "fields": changed},
        )
    return changed


@transaction.atomic
def newcomer_verify(*, newcomer: Newcomer, actor: User) -> bool:
    """Staff confirm who a newcomer made from an e-mail from an unknown address is
    (conversations): the flag is cleared, with an event on each of their cases. Only someone
    who manages one of those cases may. Returns whether the flag was set."""
    cases = list(Case.objects.filter(newcomer=newcomer).order_by("pk"))
    if not any(case_can_manage(user=actor, case=case) for case in cases):
        raise PermissionDenied
    if not Newcomer.objects.filter(pk=newcomer.pk, is_unverified=True).update(
        is_unverified=False, updated_at=timezone.now()
    ):
        return False
    newcomer.is_unverified = False
    for case in cases:
        case_event_record(case=case, kind="contacts.newcomer.verified", actor=actor)
    return True


@transaction.atomic
def newcomer_message_add(*, case: Case, body: str) -> NewcomerMessage:
    """A message the newcomer wrote to the team (from their own page): stored on the case
    and on its timeline, as done by the newcomer."""
    message = NewcomerMessage(case=case, body=body.strip())
    message.full_clean()
    message.save()
    case_event_record(
        case=case, kind="contacts.newcomer.message", actor=None, data={"message": message.pk}
    )
    return message


def case_access_log(*, user: User | AnonymousUser | None, action: str, case: Case) -> None:
    """Records in the access log that the user opened the case (or downloaded its welcome
    pack): ids and the user's role only."""
    access_log_record(
        user=user,
        role=staff_role(user),
        action=action,
        object_type="case",
        object_id=case.pk,
        newcomer_id=case.newcomer_id,
        case_id=case.pk,
    )
