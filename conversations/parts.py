"""What conversations adds to the case screens (cases.registries): the composer on the case
page and, for coordinators, the team mailbox's state on "My work"."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from cases.models import Case
from contacts.selectors import staff_access
from conversations import selectors, services
from conversations.forms import MessageForm


def composer_context(
    request: HttpRequest, case: Case, can_manage: bool, form: MessageForm | None = None
) -> dict[str, Any]:
    """What the composer on the case page needs (a part of the case page). Only for
    those who manage the case, when the newcomer can be written to. A template picked with
    the GET form (?reply_template=<id>, no JavaScript needed) pre-fills the text."""
    newcomer = case.newcomer
    if not can_manage or not newcomer.email or newcomer.erased_at is not None:
        return {"composer": None}
    templates = list(
        selectors.reply_template_list_for_language(language=newcomer.preferred_language)
    )
    picked = next(
        (t for t in templates if str(t.pk) == request.GET.get("reply_template", "")), None
    )
    if form is None:
        initial = (
            {"body": services.reply_template_fill(template=picked, case=case)} if picked else {}
        )
        form = MessageForm(initial=initial)
    return {
        "composer": {
            "form": form,
            "templates_own": [t for t in templates if t.language == newcomer.preferred_language],
            "templates_other": [t for t in templates if t.language != newcomer.preferred_language],
            "picked": picked,
        }
    }


def mailbox_part_context(request: HttpRequest, today: date) -> dict[str, Any] | None:
    """Coordinators see when the team mailbox is not read, mail waits there, or bounces
    matched none of our e-mails (one query, none without IMAP_HOST)."""
    if not staff_access(request.user).sees_all:
        return None
    notice = selectors.mailbox_status_for_notice(now=timezone.now())
    return {"mailbox": notice} if notice is not None else None
