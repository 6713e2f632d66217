"""Turns timeline rows into sentences for the screen and the API.

Events store ids (never names). Each app describes the kinds of rows it writes through
`timeline_describers` (filled in each app's AppConfig.ready(), in the manner of pretix's
log display): a describer names the users and organisations its rows point at, which are
looked up here in one query each for the whole page, loads anything else it needs in one
batch, and then words each row. A kind nobody describes is shown as its dotted name.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, NewcomerMessage, Note
from config.registry import Registry
from contacts.models import Consent, Newcomer, Organisation
from contacts.selectors import staff_display_name


@dataclass(frozen=True)
class Names:
    """Staff and organisation names by id, for the rows on one page."""

    users: dict[int, str]
    organisations: dict[int, str]

    def user(self, pk: Any, default: str = "—") -> str:
        return self.users.get(pk, default) if isinstance(pk, int) else default

    def organisation(self, pk: Any, default: str = "—") -> str:
        return self.organisations.get(pk, default) if isinstance(pk, int) else default


@dataclass(frozen=True)
class Description:
    """How one row reads. `actor_name` overrides the usual name (the staff member, else
    "The newcomer" for `by_newcomer` rows, else "Tilflytt"); `body` is text shown under
    the line (what the newcomer wrote); `template` and `detail` show more (an e-mail);
    `detail_note` is a sentence under that."""

    text: str
    by_newcomer: bool = False
    actor_name: str | None = None
    body: str = ""
    template: str = ""
    detail: Any = None
    detail_note: str = ""


class TimelineDescriber(Protocol):
    def references(self, event: CaseEvent) -> Iterable[tuple[str, Any]]:
        """("user", id) and ("organisation", id) pairs the row's words need."""
        ...

    def load(self, events: list[CaseEvent]) -> Any:
        """Whatever else the rows need, in one batch (None if nothing)."""
        ...

    def describe(self, event: CaseEvent, loaded: Any, names: Names) -> Description: ...


# kind ("cases.case.opened") -> its describer; one describer usually serves several kinds.
timeline_describers: Registry[TimelineDescriber] = Registry("timeline describers")


@dataclass(frozen=True)
class TimelineEntry:
    event: CaseEvent
    text: str
    created_at: datetime
    actor_name: str
    note: Note | None
    body: str = ""
    template: str = ""
    detail: Any = None
    detail_note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def event_ids(*values: object) -> set[int]:
    """The integer ids among the values: an event row that holds something else (a hand-made
    or migrated row) must not break the page."""
    return {v for v in values if isinstance(v, int) and not isinstance(v, bool)}


def choice_label(choices: type, value: str | None) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def day_display(value: str | None) -> str:
    """An ISO date from an event's data, as the active language writes a short date."""
    if not value:
        return "—"
    return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")


def timeline_entries(events: list[CaseEvent]) -> list[TimelineEntry]:
    by_describer: dict[int, tuple[TimelineDescriber, list[CaseEvent]]] = {}
    user_ids: set[int] = set()
    org_ids: set[int] = set()
    for event in events:
        describer = timeline_describers.get(event.kind)
        if describer is None:
            continue
        by_describer.setdefault(id(describer), (describer, []))[1].append(event)
        for what, pk in describer.references(event):
            (user_ids if what == "user" else org_ids).update(event_ids(pk))
    names = Names(
        users={
            u.pk: staff_display_name(u) for u in get_user_model().objects.filter(pk__in=user_ids)
        },
        organisations=dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name")),
    )
    loaded = {key: d.load(rows) for key, (d, rows) in by_describer.items()}
    entries = []
    for event in events:
        describer = timeline_describers.get(event.kind)
        if describer is None:
            description = Description(text=event.kind)
        else:
            description = describer.describe(event, loaded[id(describer)], names)
        if description.actor_name is not None:
            actor_name = description.actor_name
        elif event.actor:
            actor_name = staff_display_name(event.actor)
        elif description.by_newcomer or event.data.get("by_newcomer"):
            actor_name = _("The newcomer")
        else:
            actor_name = _("Tilflytt")
        entries.append(
            TimelineEntry(
                event=event,
                text=description.text,
                created_at=event.created_at,
                actor_name=actor_name,
                note=event.note,
                body=description.body,
                template=description.template,
                detail=description.detail,
                detail_note=description.detail_note,
            )
        )
    return entries


class CasesDescriber:
    """The rows cases.services writes: the case, its notes and follow-ups, and the
    newcomer's details, consents and messages as seen from the case."""

    KINDS = (
        "cases.case.opened",
        "cases.case.status_changed",
        "cases.case.owner_changed",
        "cases.case.organisation_changed",
        "cases.case.shared",
        "cases.case.unshared",
        "cases.case.priority_changed",
        "cases.note.added",
        "cases.followup.added",
        "cases.followup.completed",
        "cases.followup.returned",
        "contacts.consent.withdrawn",
        "contacts.newcomer.updated",
        "contacts.household.updated",
        "contacts.newcomer.message",
        "contacts.newcomer.verified",
    )

    def references(self, event: CaseEvent) -> Iterable[tuple[str, Any]]:
        data = event.data
        if event.kind == "cases.case.owner_changed":
            return [("user", data.get("from")), ("user", data.get("to"))]
        if event.kind == "cases.followup.added":
            return [("user", data.get("assignee"))]
        if event.kind == "cases.followup.returned":
            return [("user", data.get("to"))]
        if event.kind == "cases.case.organisation_changed":
            return [("organisation", data.get("from")), ("organisation", data.get("to"))]
        if event.kind in ("cases.case.shared", "cases.case.unshared"):
            return [("organisation", data.get("organisation"))]
        return []

    def load(self, events: list[CaseEvent]) -> dict[int, NewcomerMessage]:
        ids = event_ids(
            *(e.data.get("message") for e in events if e.kind == "contacts.newcomer.message")
        )
        return NewcomerMessage.objects.in_bulk(list(ids)) if ids else {}

    def describe(
        self, event: CaseEvent, loaded: dict[int, NewcomerMessage], names: Names
    ) -> Description:
        data = event.data
        kind = event.kind
        nobody = _("nobody")
        if kind == "contacts.newcomer.message":
            message = loaded.get(data.get("message"))
            return Description(
                text=_("Message from the newcomer"),
                by_newcomer=True,
                body=message.body if message is not None else "",
            )
        return Description(text=self._text(event, names, nobody))

    def _text(self, event: CaseEvent, names: Names, nobody: str) -> str:
        data = event.data
        kind = event.kind
        if kind == "cases.case.opened":
            return _("Enquiry received (%(channel)s)") % {
                "channel": choice_label(Case.Channel, data.get("channel"))
            }
        if kind == "cases.case.status_changed":
            text = _("Status changed from %(old)s to %(new)s") % {
                "old": choice_label(Case.Status, data.get("from")),
                "new": choice_label(Case.Status, data.get("to")),
            }
            if data.get("reason"):
                text += " (" + choice_label(Case.ClosingReason, data["reason"]) + ")"
            return text
        if kind == "cases.case.owner_changed":
            return _("Owner changed to %(name)s") % {"name": names.user(data.get("to"), nobody)}
        if kind == "cases.case.organisation_changed":
            return _("Responsible organisation changed to %(name)s") % {
                "name": names.organisation(data.get("to"), nobody)
            }
        if kind == "cases.case.shared":
            if data.get("for_work"):
                return _("Shared with %(name)s, which was given work on the case") % {
                    "name": names.organisation(data.get("organisation"))
                }
            return _("Shared with %(name)s") % {
                "name": names.organisation(data.get("organisation"))
            }
        if kind == "cases.case.unshared":
            return _("No longer shared with %(name)s") % {
                "name": names.organisation(data.get("organisation"))
            }
        if kind == "cases.case.priority_changed":
            return _("Priority changed to %(priority)s") % {
                "priority": choice_label(Case.Priority, data.get("to"))
            }
        if kind == "cases.note.added":
            if data.get("visibility") == Note.Visibility.CONFIDENTIAL:
                return _("Confidential note")
            return _("Note")
        if kind == "cases.followup.added":
            return _("Follow-up “%(title)s” for %(name)s, due %(due)s") % {
                "title": event.followup.title if event.followup else "—",
                "name": names.user(data.get("assignee")),
                "due": day_display(data.get("due")),
            }
        if kind == "cases.followup.completed":
            return _("Follow-up “%(title)s” done") % {
                "title": event.followup.title if event.followup else "—"
            }
        if kind == "cases.followup.returned":
            return _(
                "Follow-up “%(title)s” went back to %(name)s: its assignee no longer sees the case"
            ) % {
                "title": event.followup.title if event.followup else "—",
                "name": names.user(data.get("to")),
            }
        if kind == "contacts.consent.withdrawn":
            return _("Consent to share with %(scope)s withdrawn") % {
                "scope": choice_label(Consent.Scope, data.get("scope"))
            }
        if kind == "contacts.newcomer.updated":
            if "lifecycle" in data:
                return _("Newcomer's status changed to %(status)s") % {
                    "status": choice_label(Newcomer.Lifecycle, data["lifecycle"].get("to"))
                }
            if data.get("by_newcomer"):
                return _("The newcomer updated their details")
            return _("Newcomer's details updated")
        if kind == "contacts.household.updated":
            return _("A household member's occupation updated")
        if kind == "contacts.newcomer.verified":
            return _("The newcomer's identity was confirmed")
        return kind


class SentenceDescriber:
    """Rows that read as one fixed sentence each ({kind: text}), for the apps whose rows
    need no names or lookups."""

    def __init__(self, sentences: dict[str, Any]) -> None:
        self.sentences = sentences

    def references(self, event: CaseEvent) -> Iterable[tuple[str, Any]]:
        return []

    def load(self, events: list[CaseEvent]) -> None:
        return None

    def describe(self, event: CaseEvent, loaded: None, names: Names) -> Description:
        return Description(text=str(self.sentences.get(event.kind, event.kind)))

    def register(self) -> None:
        for kind in self.sentences:
            timeline_describers.register(kind, self)
