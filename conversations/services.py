"""Writes on conversations: a message to the newcomer from the case, and the team's reply
templates. Incoming mail is conversations.receive's."""

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors import case_can_manage
from cases.services import case_change_status, case_event_record, case_mark_first_response
from contacts.selectors import staff_access, staff_display_name
from conversations.inbound import message_id_valid
from conversations.models import CaseMessage, ReplyTemplate
from outbox.services import email_queue

MESSAGE_MAX_LENGTH = 5000
# References carries the thread's first Message-ID and the newest ones: enough for every
# mail client to thread the reply, and a bounded header however long the conversation.
REFERENCES_KEPT = 10
PLACEHOLDERS = ("first_name", "name", "reference", "owner_name", "move_date", "team")
# Placeholders are matched by a regular expression rather than str.format: a template is
# text staff write, and str.format would raise on a lone brace and reach attributes
# ({name.__class__}). Anything in single braces is checked when the template is saved.
_BRACED = re.compile(r"\{([^{}\s]*)\}")


def _angle(message_id: str) -> str:
    """A Message-ID as headers carry it, <id@host>, whichever form it was stored in."""
    message_id = message_id.strip()
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def _thread_headers(case: Case) -> dict[str, str]:
    """Reply-To the team's mailbox, and In-Reply-To/References that thread the message
    with the conversation on the case (RFC 5322 3.6.4). A stored Message-ID that is not
    a strict "<left@right>" (a row from before conversations.inbound checked them, a hand-
    made one) is left out: one bad id must not make every later message fail."""
    headers: dict[str, str] = {}
    if settings.CONVERSATIONS_ADDRESS:
        headers["Reply-To"] = settings.CONVERSATIONS_ADDRESS
    ids = [
        (direction, _angle(mid))
        for direction, mid in CaseMessage.objects.filter(case=case)
        .order_by("created_at", "pk")
        .values_list("direction", "message_id")
        if mid and message_id_valid(_angle(mid))
    ]
    if not ids:
        return headers
    newest_in = next(
        (mid for direction, mid in reversed(ids) if direction == CaseMessage.Direction.INCOMING),
        None,
    )
    if newest_in:
        headers["In-Reply-To"] = newest_in
    kept = [mid for _direction, mid in ids]
    if len(kept) > REFERENCES_KEPT:
        kept = [kept[0], *kept[-(REFERENCES_KEPT - 1) :]]
    headers["References"] = " ".join(kept)
    return headers


@transaction.atomic
def message_send(*, case: Case, body: str, actor: User, then_wait: bool = False) -> CaseMessage:
    """E-mails the staff member's text to the case's newcomer through the outbox, in the
    newcomer's language and threaded with the conversation, and records it on the case.
    Counts as the team's first response; with `then_wait` the case waits for the newcomer."""
    if not case_can_manage(user=actor, case=case):
        raise PermissionDenied
    newcomer = case.newcomer
    if newcomer.erased_at is not None:
        raise ValidationError(
            {"body": _("The newcomer's personal data is erased: no message can be sent.")}
        )
    if not newcomer.email:
        raise ValidationError({"body": _("The newcomer has no e-mail address.")})
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write a message first.")})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("A message can be at most %(max)s characters long.")
                % {"max": MESSAGE_MAX_LENGTH}
            }
        )
    headers = _thread_headers(case)
    with translation.override(newcomer.preferred_language):
        privacy_url = settings.SITE_URL + reverse("privacy:notice")
    email = email_queue(
        kind="conversations.message",
        to=newcomer.email,
        template="conversation_message",
        language=newcomer.preferred_language,
        context={
            "case": case,
            "body": text,
            "author_name": staff_display_name(actor),
            "privacy_url": privacy_url,
        },
        case_id=case.pk,
        headers=headers,
        automatic=False,
    )
    message = CaseMessage(
        case=case,
        direction=CaseMessage.Direction.OUTGOING,
        author=actor,
        email=email,
        message_id=email.message_id,
        body=text,
        created_at=email.created_at,
    )
    # Fields only, as in email_queue: the Message-ID is the fresh one just made, and the
    # foreign keys are instances in hand (the database checks them on insert anyway).
    message.full_clean(
        exclude=["case", "author", "email"], validate_unique=False, validate_constraints=False
    )
    message.save()
    case_event_record(
        case=case,
        kind="conversations.message.sent",
        actor=actor,
        data={"message": message.pk},
        at=message.created_at,
    )
    case_mark_first_response(case=case, at=message.created_at)
    if then_wait:
        case_change_status(case=case, status=Case.Status.WAITING, actor=actor)
    return message


# --- Reply templates ------------------------------------------------------------------


def reply_template_placeholders_unknown(body: str) -> list[str]:
    """The braced names in `body` that are not placeholders, in order, once each."""
    unknown: list[str] = []
    for name in _BRACED.findall(body):
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    return unknown


@transaction.atomic
def reply_template_save(
    *,
    template: ReplyTemplate | None = None,
    name: str,
    language: str,
    body: str,
    is_active: bool,
    actor: User,
) -> ReplyTemplate:
    """Creates or changes a reply template (coordinators and administrators; every member
    uses them). Templates are deactivated, never deleted."""
    if not staff_access(actor).sees_all:
        raise PermissionDenied
    body = body.strip()
    unknown = reply_template_placeholders_unknown(body)
    if unknown:
        raise ValidationError(
            {
                "body": _("Unknown placeholder: %(unknown)s. You can use %(allowed)s.")
                % {
                    "unknown": ", ".join("{" + n + "}" for n in unknown),
                    "allowed": ", ".join("{" + n + "}" for n in PLACEHOLDERS),
                }
            }
        )
    template = template or ReplyTemplate()
    template.name = name.strip()
    template.language = language
    template.body = body
    template.is_active = is_active
    template.updated_by = actor
    template.updated_at = timezone.now()
    template.full_clean()
    template.save()
    return template


def reply_template_fill(*, template: ReplyTemplate, case: Case) -> str:
    """The template's text with the case's values, dates in the template's language. Never
    raises: a value the case lacks (no owner, no move date, an erased name) is left empty,
    and an unknown placeholder (saved before a rule changed) stays as it is."""
    newcomer = case.newcomer
    erased = newcomer.erased_at is not None
    name = "" if erased else newcomer.name.strip()
    move_date = newcomer.moved_at or newcomer.planned_move_date
    with translation.override(template.language):
        values: dict[str, Any] = {
            "first_name": name.split()[0] if name else "",
            "name": name,
            "reference": case.reference,
            "owner_name": staff_display_name(case.owner) if case.owner else "",
            "move_date": date_format(move_date, "DATE_FORMAT") if move_date else "",
            "team": _("The newcomer team"),
        }

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        return str(values[key]) if key in values else match.group(0)

    return _BRACED.sub(replace, template.body)
