"""Handling a case from its page (and the list's bulk actions): "Take this case" and the
one "Handle the case" form. Both only combine the services that hold the rules
(cases.services, cases.assignment), in one transaction."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.assignment import case_assign_owner, case_set_organisation, user_belongs_to
from cases.events import case_lock
from cases.models import Case
from cases.selectors import case_can_take
from cases.services import case_change_status, case_set_priority
from contacts.models import Organisation
from contacts.selectors import staff_display_name


@transaction.atomic
def case_take(*, case: Case, actor: User) -> Case:
    """Makes the actor the owner; their organisation becomes responsible where the consent
    allows (cases.assignment, rule 2). Taking a case one already owns changes nothing."""
    case_lock(case=case)
    if case.owner_id == actor.pk:
        return case
    if not case_can_take(user=actor, case=case):
        raise PermissionDenied
    return case_assign_owner(case=case, owner=actor, actor=actor)


@transaction.atomic
def case_handle(
    *,
    case: Case,
    actor: User,
    status: str,
    owner: User | None,
    organisation: Organisation | None,
    priority: str,
    closing_reason: str = "",
) -> list[str]:
    """Applies the "Handle the case" form: each field that differs from the case is changed
    by its own service, which writes one timeline entry per change; all or nothing. The
    organisation goes first, then the owner (who, when changed alone, brings their
    organisation along), then priority and status. Returns the names of what changed."""
    case_lock(case=case)
    owner_id = owner.pk if owner else None
    organisation_id = organisation.pk if organisation else None
    changed: list[str] = []
    # Compared with the case as the form showed it: taking a new case opens it, and the
    # form's "New" is then no request to go back.
    old_status = case.status
    new_owner = owner_id != case.owner_id
    new_organisation = organisation_id != case.responsible_organisation_id
    if (
        new_owner
        and new_organisation
        and owner is not None
        and organisation is not None
        and not user_belongs_to(user=owner, organisation_id=organisation.pk)
    ):
        raise ValidationError(
            {
                "owner": _(
                    "%(person)s is not a member of %(organisation)s. Choose an owner from it, "
                    "or change only the owner: the organisation then follows them."
                )
                % {"person": staff_display_name(owner), "organisation": organisation.name}
            }
        )
    if new_owner and new_organisation and owner is not None and organisation is None:
        raise ValidationError(
            {
                "organisation": _(
                    "%(person)s works for an organisation: choose it, or change only the "
                    "owner and the organisation follows them."
                )
                % {"person": staff_display_name(owner)}
            }
        )
    if new_organisation:
        # A new owner from the new organisation follows at once: the old owner is replaced
        # by them, not released to nobody first (one owner entry on the timeline).
        case_set_organisation(
            case=case,
            organisation=organisation,
            actor=actor,
            release_owner=not (new_owner and owner is not None),
        )
        changed.append("organisation")
    # An owner released by the new organisation stays released unless chosen anew.
    if new_owner and owner_id != case.owner_id:
        case_assign_owner(case=case, owner=owner, actor=actor)
        changed.append("owner")
    if priority != case.priority:
        case_set_priority(case=case, priority=priority, actor=actor)
        changed.append("priority")
    if status != old_status:
        case_change_status(case=case, status=status, closing_reason=closing_reason, actor=actor)
        changed.append("status")
    return changed
