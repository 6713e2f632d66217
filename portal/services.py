"""What a newcomer does on their own page, and staff's handling of the personal link.

The newcomer has no user account: their actions are recorded with actor None and, where the
event allows, `by_newcomer`, so the case timeline says the newcomer did it.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cases.links import case_page_link
from cases.models import Case, NewcomerMessage
from cases.selectors import case_staff_address
from cases.services import (
    case_event_record,
    case_newcomer_update,
    consent_withdraw,
    newcomer_message_add,
)
from cases.unread import case_mark_unread
from contacts.models import Newcomer
from contacts.services import newcomer_link_issue, newcomer_link_revoke, newcomer_update
from onboarding.models import PlanStep
from onboarding.services import step_complete, step_reopen
from outbox.models import OutboundEmail
from outbox.services import email_queue
from portal.selectors import portal_case

# The fields a newcomer may change on their page.
# reminders_consent_at belongs to the reminders app: null means no reminders are sent.
PORTAL_EDITABLE_FIELDS = (
    "planned_move_date",
    "phone",
    "preferred_language",
    "reminders_consent_at",
)


@transaction.atomic
def newcomer_link_send(
    *, newcomer: Newcomer, case: Case | None, actor: User | None, requested: bool = False
) -> OutboundEmail:
    """Issues a new personal link and e-mails it through the outbox, in the newcomer's
    language; the case timeline records it (never the link).

    Staff's re-issue (`requested=False`) retires older links at once. The newcomer's own
    request at /my/ (`requested=True`) must not: anyone can type a known address there. Its
    link is pending, and the old one keeps working until the new one is first opened
    (contacts.services.newcomer_link_issue); the e-mail and the timeline say so.
    """
    if not newcomer.email:
        raise ValidationError({"email": _("The newcomer has no e-mail address.")})
    path = newcomer_link_issue(newcomer=newcomer, actor=actor, keep_active=requested)
    if case is not None:
        kind = "contacts.newcomer_link.requested" if requested else "contacts.newcomer_link.issued"
        case_event_record(case=case, kind=kind, actor=actor)
    return email_queue(
        kind="contacts.newcomer_link",
        to=newcomer.email,
        template="newcomer_link",
        language=newcomer.preferred_language,
        context={
            "newcomer": newcomer,
            "link_url": settings.SITE_URL + path,
            "keeps_old_link": requested,
        },
        case_id=case.pk if case is not None else None,
    )


@transaction.atomic
def case_newcomer_link_revoke(*, case: Case, actor: User) -> int:
    revoked = newcomer_link_revoke(newcomer=case.newcomer, actor=actor)
    if revoked:
        case_event_record(case=case, kind="contacts.newcomer_link.revoked", actor=actor)
    return revoked


def newcomer_step_complete(*, newcomer: Newcomer, step: PlanStep) -> PlanStep:
    """The newcomer marks one of their own steps done (the view fetched it through
    portal_step_for_newcomer, which scopes it to them)."""
    if step.plan.case.newcomer_id != newcomer.pk or step.doer != "newcomer":
        raise ValidationError({"step": _("This step is not yours to mark done.")})
    return step_complete(step=step, actor=None, by_newcomer=True)


def newcomer_step_undo(*, newcomer: Newcomer, step: PlanStep) -> PlanStep:
    """The newcomer takes back "done" on one of their own steps. A step the team skipped
    stays skipped: only the team reopens it."""
    if (
        step.plan.case.newcomer_id != newcomer.pk
        or step.doer != "newcomer"
        or step.status != PlanStep.Status.DONE
    ):
        raise ValidationError({"step": _("This step is not yours to reopen.")})
    return step_reopen(step=step, actor=None, by_newcomer=True)


@transaction.atomic
def newcomer_message_send(*, newcomer: Newcomer, body: str) -> NewcomerMessage:
    """A message from the newcomer to the team: stored on their current case, on its
    timeline, and the case owner (else the responsible organisation) is told by e-mail.
    The e-mail links to the case and does not repeat the message."""
    case = portal_case(newcomer=newcomer)
    if case is None:
        raise ValidationError({"body": _("We could not find your enquiry. Please e-mail us.")})
    message = newcomer_message_add(case=case, body=body)
    case_mark_unread(case=case, at=message.created_at)
    to = case_staff_address(case=case)
    if to:
        # Staff's language, not the newcomer's whose request this is: the notice and its
        # link are for the team (as conversations.receive's notice).
        with translation.override(settings.LANGUAGE_CODE):
            case_url = case_page_link(case.pk)
        email_queue(
            kind="contacts.newcomer_message",
            to=to,
            template="newcomer_message",
            language=settings.LANGUAGE_CODE,
            context={"case": case, "case_url": case_url},
            case_id=case.pk,
        )
    return message


@transaction.atomic
def newcomer_self_update(*, newcomer: Newcomer, changes: dict[str, Any]) -> list[str]:
    """The newcomer changes their own details (move date, phone, language, reminders). On
    their current case's timeline as done by the newcomer; open plan steps move with the
    move date (cases.services.case_newcomer_update)."""
    unknown = set(changes) - set(PORTAL_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These details cannot be changed here."))
    case = portal_case(newcomer=newcomer)
    if case is None:
        return newcomer_update(newcomer=newcomer, changes=changes)
    changed = case_newcomer_update(case=case, changes=changes, actor=None, by_newcomer=True)
    newcomer.refresh_from_db()
    return changed


def newcomer_consent_withdraw(*, newcomer: Newcomer, scope: str) -> int:
    """The newcomer withdraws a consent: sharing based on it is removed at once, on every
    case (cases.services.consent_withdraw)."""
    return consent_withdraw(newcomer=newcomer, scope=scope, actor=None)
