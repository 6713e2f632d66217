"""The change history of what coordinators administer: who changed what, and when.

django-auditlog writes one row per create, change or delete of a tracked model, with the
fields that changed (old and new value) and the signed-in user (its middleware sets the
actor for each request; a management command or the shell leaves it empty). Which models
are tracked is decided by the app that holds the screens (administration/apps.py), with
`history_track`; only models that hold no newcomer's data are tracked, so the history
never needs to be erased with a newcomer.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    LogEntry.Action.CREATE: _("Created"),
    LogEntry.Action.UPDATE: _("Changed"),
    LogEntry.Action.DELETE: _("Deleted"),
}


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    actor: str
    action: str
    what: str
    changes: list[tuple[str, str, str]]  # (field, old, new)


def history_track(
    model: type[models.Model],
    *,
    exclude_fields: list[str] | None = None,
    include_fields: list[str] | None = None,
    owner_field: str | None = None,
) -> None:
    """Tracks `model`'s changes. `owner_field` names a foreign key whose id is kept on each
    row, so a child's changes are listed on its owner's screen (a membership on its
    person's, a step on its template's), deleted children included."""
    if owner_field:
        model.get_additional_data = lambda self: {"owner": getattr(self, f"{owner_field}_id")}  # type: ignore[attr-defined]
    auditlog.register(model, include_fields=include_fields, exclude_fields=exclude_fields)


def _value(value: Any) -> str:
    if value in (None, "None", ""):
        return "—"
    if value in ("True", "False"):
        return str(_("Yes") if value == "True" else _("No"))
    return str(value)


def history_for(
    obj: models.Model, *, children: list[type[models.Model]] | None = None, limit: int = 50
) -> list[HistoryRow]:
    """The newest `limit` changes of `obj` and of its tracked children (see
    `history_track(owner_field=…)`), newest first, with the actor's name."""
    query = models.Q(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_pk=str(obj.pk)
    )
    for child in children or []:
        query |= models.Q(
            content_type=ContentType.objects.get_for_model(child), additional_data__owner=obj.pk
        )
    entries = LogEntry.objects.filter(query).select_related("actor", "content_type")
    rows = []
    for entry in entries.order_by("-timestamp", "-pk")[:limit]:
        actor = entry.actor
        name = (actor.get_full_name() or actor.get_username()) if actor else str(_("The system"))
        is_child = entry.content_type.model_class() is not obj.__class__
        model_class = entry.content_type.model_class()
        what = (
            f"{model_class._meta.verbose_name if model_class else ''}: {entry.object_repr}"
            if is_child
            else ""
        )
        changes = [
            (str(field), _value(values[0]), _value(values[1]))
            for field, values in entry.changes_display_dict.items()
            if str(field) != "ID"
        ]
        # A new object's empty fields say nothing.
        changes = [change for change in changes if change[1:] != ("—", "—")]
        rows.append(
            HistoryRow(
                at=entry.timestamp,
                actor=name,
                action=str(ACTION_LABELS.get(entry.action, "")),
                what=what,
                changes=changes,
            )
        )
    return rows
