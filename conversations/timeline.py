"""How the e-mail conversation reads on the case's timeline
(cases.timeline.timeline_describers): each message with its delivery state, sender check
and the files that were not kept."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import CaseEvent
from cases.timeline import Description, Names, event_ids
from conversations.models import CaseMessage
from conversations.selectors import message_in_bulk

# Events whose data["message"] is a CaseMessage.
MESSAGE_KINDS = ("conversations.message.sent", "conversations.message.received")


class ConversationDescriber:
    KINDS = (*MESSAGE_KINDS, "conversations.message.bounced")

    def references(self, event: CaseEvent) -> Iterable[tuple[str, Any]]:
        return []

    def load(self, events: list[CaseEvent]) -> dict[int, CaseMessage]:
        """The messages with their attachments and outbox rows, in two queries."""
        ids = event_ids(*(e.data.get("message") for e in events if e.kind in MESSAGE_KINDS))
        if not ids:
            return {}
        return message_in_bulk(ids=ids, case_ids={e.case_id for e in events})

    def describe(
        self, event: CaseEvent, loaded: dict[int, CaseMessage], names: Names
    ) -> Description:
        if event.kind == "conversations.message.bounced":
            return Description(text=_("The e-mail to the newcomer could not be delivered"))
        message = loaded.get(event.data.get("message"))
        received = event.kind == "conversations.message.received"
        text = _("E-mail from the newcomer") if received else _("E-mail to the newcomer")
        actor_name = None
        if message is not None and not message.sender_known and event.actor is None:
            actor_name = (
                _("Unverified sender (%(address)s)") % {"address": message.sender}
                if message.sender
                else _("Unknown sender")
            )
        if message is not None and message.sender_authenticated is False:
            # CONVERSATIONS_SENDER_CHECK: the From address may be forged, even the newcomer's.
            text = _("The sender's address could not be verified")
        elif message is not None and not message.sender_known:
            # Not the newcomer's address: the timeline must not say it is theirs.
            text = _("E-mail from another address")
        if message is None:
            return Description(text=text, by_newcomer=received)
        return Description(
            text=text,
            by_newcomer=received,
            actor_name=actor_name,
            template="conversations/_timeline_message.html",
            detail=message,
            detail_note=attachments_refused(message),
        )


def attachments_refused(message: CaseMessage) -> str:
    """How many files of an incoming e-mail were not kept, and why: the sender's reason
    only when the mail was not trusted (InboundEmail.attachments_refused_reason), never for
    files the type and size rules refused."""
    inbound = getattr(message, "inbound", None)
    if inbound is None or not inbound.attachments_refused:
        return ""
    count = inbound.attachments_refused
    reason = inbound.attachments_refused_reason
    if reason == "unverified":
        return ngettext(
            "%(n)s attachment not kept: the sender's address could not be verified",
            "%(n)s attachments not kept: the sender's address could not be verified",
            count,
        ) % {"n": count}
    if reason == "sender":
        return ngettext(
            "%(n)s attachment not kept: the sender is not the newcomer",
            "%(n)s attachments not kept: the sender is not the newcomer",
            count,
        ) % {"n": count}
    if reason == "rules":
        return ngettext(
            "%(n)s attachment not kept (only PDF, JPEG or PNG up to %(size)s)",
            "%(n)s attachments not kept (only PDF, JPEG or PNG up to %(size)s)",
            count,
        ) % {"n": count, "size": filesizeformat(settings.CONVERSATIONS_ATTACHMENT_MAX_BYTES)}
    # A row from before the reason was stored: the count without a guess at why.
    return ngettext(
        "%(n)s attachment not kept",
        "%(n)s attachments not kept",
        count,
    ) % {"n": count}
