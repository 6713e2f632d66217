"""Turns timeline rows into sentences for the screen.

Events store ids (never names), so the names are looked up here in two batch queries,
whatever the number of events.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.defaultfilters import filesizeformat
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Case, CaseEvent, NewcomerMessage, Note
from contacts.models import Consent, Newcomer, Organisation
from contacts.selectors import staff_display_name


@dataclass(frozen=True)
class TimelineEntry:
    event: CaseEvent
    text: str
    created_at: datetime
    actor_name: str
    note: Note | None
    message: NewcomerMessage | None = None  # from the newcomer's own page
    conversation: Any = None  # a conversations.CaseMessage (e-mail either way)
    # An incoming e-mail's files that were not kept, said in a sentence ("" if none).
    attachments_refused: str = ""


# Events whose data["message"] is a conversations.CaseMessage.
CONVERSATION_KINDS = ("conversations.message.sent", "conversations.message.received")


def _ids(*values: object) -> set[int]:
    """The integer ids among the values: an event row that holds something else (a hand-made
    or migrated row) must not break the page."""
    return {v for v in values if isinstance(v, int) and not isinstance(v, bool)}


def _label(choices: type, value: str | None) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def timeline_entries(events: list[CaseEvent]) -> list[TimelineEntry]:
    user_ids: set[int] = set()
    org_ids: set[int] = set()
    step_ids: set[int] = set()
    message_ids: set[int] = set()
    conversation_ids: set[int] = set()
    for event in events:
        data = event.data
        if event.kind in CONVERSATION_KINDS:
            conversation_ids.update(_ids(data.get("message")))
        if event.kind == "contacts.newcomer.message" and data.get("message"):
            message_ids.add(data["message"])
        if event.kind in ("cases.case.owner_changed",):
            user_ids.update(_ids(data.get("from"), data.get("to")))
        if event.kind == "cases.followup.added" and data.get("assignee"):
            user_ids.update(_ids(data["assignee"]))
        if event.kind == "cases.case.organisation_changed":
            org_ids.update(_ids(data.get("from"), data.get("to")))
        if event.kind in ("cases.case.shared", "cases.case.unshared"):
            org_ids.update(_ids(data.get("organisation")))
        if event.kind.startswith("onboarding.step.") and data.get("step"):
            step_ids.update(_ids(data["step"]))
            if data.get("assignee"):
                user_ids.update(_ids(data["assignee"]))
            if data.get("organisation"):
                org_ids.update(_ids(data["organisation"]))
    users = {u.pk: staff_display_name(u) for u in get_user_model().objects.filter(pk__in=user_ids)}
    steps = _step_titles(step_ids)
    orgs = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    nobody = _("nobody")
    newcomer_messages = NewcomerMessage.objects.in_bulk(list(message_ids))
    conversations = _conversation_messages(conversation_ids, {e.case_id for e in events})
    entries = []
    for event in events:
        conversation = (
            conversations.get(event.data.get("message"))
            if event.kind in CONVERSATION_KINDS
            else None
        )
        if event.actor:
            actor_name = staff_display_name(event.actor)
        elif conversation is not None and not conversation.sender_known:
            actor_name = (
                _("Unverified sender (%(address)s)") % {"address": conversation.sender}
                if conversation.sender
                else _("Unknown sender")
            )
        else:
            actor_name = _("The newcomer") if _by_newcomer(event) else _("Tilflytt")
        if conversation is not None and conversation.sender_authenticated is False:
            # CONVERSATIONS_SENDER_CHECK: the From address may be forged, even the newcomer's.
            text = _("The sender's address could not be verified")
        elif conversation is not None and not conversation.sender_known:
            # Not the newcomer's address: the timeline must not say it is theirs.
            text = _("E-mail from another address")
        elif event.kind.startswith("onboarding."):
            text = _describe_onboarding(event, users, orgs, steps)
        else:
            text = _describe(event, users, orgs, nobody)
        entries.append(
            TimelineEntry(
                event=event,
                text=text,
                created_at=event.created_at,
                actor_name=actor_name,
                note=event.note,
                message=newcomer_messages.get(event.data.get("message"))
                if event.kind == "contacts.newcomer.message"
                else None,
                conversation=conversation,
                attachments_refused=_attachments_refused(conversation),
            )
        )
    return entries


def _attachments_refused(conversation: Any) -> str:
    """How many files of an incoming e-mail were not kept, and why: the sender's reason
    only when the mail was not trusted (InboundEmail.attachments_refused_reason), never for
    files the type and size rules refused."""
    inbound = getattr(conversation, "inbound", None) if conversation is not None else None
    count = inbound.attachments_refused if inbound is not None else 0
    if not count:
        return ""
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


def _conversation_messages(ids: set[int], case_ids: set[int]) -> dict[int, Any]:
    """The e-mails of the conversation events, with their attachments and outbox rows, in
    two queries whatever their number (none without such events)."""
    if not ids:
        return {}
    # Imported here: conversations builds on cases, not the other way round.
    from conversations.selectors import message_in_bulk

    return message_in_bulk(ids=ids, case_ids=case_ids)


def _by_newcomer(event: CaseEvent) -> bool:
    """Done by the newcomer on their own page (contacts.portal), who has no user."""
    return event.kind in (
        "contacts.newcomer.message",
        "conversations.message.received",
    ) or bool(event.data.get("by_newcomer"))


def _step_titles(step_ids: set[int]) -> dict[int, str]:
    if not step_ids:
        return {}
    # Imported here: onboarding builds on cases, not the other way round.
    from onboarding.models import PlanStep

    return {step.pk: step.title for step in PlanStep.objects.filter(pk__in=step_ids)}


def _describe_onboarding(event: CaseEvent, users: dict, orgs: dict, steps: dict) -> str:
    data = event.data
    step = steps.get(data.get("step"), "—")
    kind = event.kind
    if kind == "onboarding.plan.started":
        count = data.get("steps", 0)
        return ngettext(
            "Onboarding plan started with %(n)s step",
            "Onboarding plan started with %(n)s steps",
            count,
        ) % {"n": count}
    if kind == "onboarding.plan.rescheduled":
        moved = data.get("moved", 0)
        return ngettext(
            "Move date changed to %(date)s; %(n)s open step moved",
            "Move date changed to %(date)s; %(n)s open steps moved",
            moved,
        ) % {"date": _format_day(data.get("to")), "n": moved}
    if kind == "onboarding.step.completed":
        if data.get("by_newcomer"):
            return _("Step “%(title)s” done by the newcomer") % {"title": step}
        return _("Step “%(title)s” done") % {"title": step}
    if kind == "onboarding.step.skipped":
        return _("Step “%(title)s” skipped") % {"title": step}
    if kind == "onboarding.step.reopened":
        return _("Step “%(title)s” reopened") % {"title": step}
    if kind == "onboarding.step.added":
        return _("Step “%(title)s” added") % {"title": step}
    if kind == "onboarding.step.reassigned":
        who = users.get(data.get("assignee")) or orgs.get(data.get("organisation")) or _("nobody")
        return _("Step “%(title)s” given to %(name)s") % {"title": step, "name": who}
    if kind == "onboarding.welcome_pack.sent":
        return _("Welcome pack e-mailed to the newcomer")
    return kind


def _format_day(value: str | None) -> str:
    if not value:
        return "—"
    return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")


def _describe(event: CaseEvent, users: dict, orgs: dict, nobody: str) -> str:
    data = event.data
    kind = event.kind
    if kind == "cases.case.opened":
        return _("Enquiry received (%(channel)s)") % {
            "channel": _label(Case.Channel, data.get("channel"))
        }
    if kind == "cases.case.status_changed":
        text = _("Status changed from %(old)s to %(new)s") % {
            "old": _label(Case.Status, data.get("from")),
            "new": _label(Case.Status, data.get("to")),
        }
        if data.get("reason"):
            text += " (" + _label(Case.ClosingReason, data["reason"]) + ")"
        return text
    if kind == "cases.case.owner_changed":
        return _("Owner changed to %(name)s") % {"name": users.get(data.get("to"), nobody)}
    if kind == "cases.case.organisation_changed":
        return _("Responsible organisation changed to %(name)s") % {
            "name": orgs.get(data.get("to"), nobody)
        }
    if kind == "cases.case.shared":
        return _("Shared with %(name)s") % {"name": orgs.get(data.get("organisation"), "—")}
    if kind == "cases.case.unshared":
        return _("No longer shared with %(name)s") % {
            "name": orgs.get(data.get("organisation"), "—")
        }
    if kind == "cases.case.priority_changed":
        return _("Priority changed to %(priority)s") % {
            "priority": _label(Case.Priority, data.get("to"))
        }
    if kind == "cases.note.added":
        if data.get("visibility") == Note.Visibility.CONFIDENTIAL:
            return _("Confidential note")
        return _("Note")
    if kind == "cases.followup.added":
        return _("Follow-up “%(title)s” for %(name)s, due %(due)s") % {
            "title": event.followup.title if event.followup else "—",
            "name": users.get(data.get("assignee"), "—"),
            "due": _format_day(data.get("due")),
        }
    if kind == "cases.followup.completed":
        return _("Follow-up “%(title)s” done") % {
            "title": event.followup.title if event.followup else "—"
        }
    if kind == "contacts.consent.withdrawn":
        return _("Consent to share with %(scope)s withdrawn") % {
            "scope": _label(Consent.Scope, data.get("scope"))
        }
    if kind == "contacts.newcomer.updated":
        if "lifecycle" in data:
            return _("Newcomer's status changed to %(status)s") % {
                "status": _label(Newcomer.Lifecycle, data["lifecycle"].get("to"))
            }
        if data.get("by_newcomer"):
            return _("The newcomer updated their details")
        return _("Newcomer's details updated")
    if kind == "contacts.newcomer.message":
        return _("Message from the newcomer")
    if kind == "conversations.message.sent":
        return _("E-mail to the newcomer")
    if kind == "conversations.message.received":
        return _("E-mail from the newcomer")
    if kind == "conversations.message.bounced":
        return _("The e-mail to the newcomer could not be delivered")
    if kind == "contacts.newcomer.verified":
        return _("The newcomer's identity was confirmed")
    if kind == "contacts.newcomer_link.issued":
        return _("Personal link e-mailed to the newcomer")
    if kind == "contacts.newcomer_link.revoked":
        return _("Personal link revoked")
    if kind == "contacts.newcomer.erased":
        return _("Newcomer's personal data erased")
    if kind == "reminders.response.breached":
        return _("First-response target missed")
    return kind
