"""Renders an e-mail's template triple in the recipient's language."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.template import engines
from django.utils import translation

PARTS = ("subject.txt", "body.txt", "body.html")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    body_text: str
    body_html: str


def email_render(*, template: str, language: str, context: dict[str, Any]) -> RenderedEmail:
    """templates/jinja2/emails/<template>-subject.txt, -body.txt and -body.html, rendered
    with the Jinja2 engine (config/jinja2.py) inside translation.override(language). The
    subject is folded onto one line.

    Jinja2, not the Django template language: the reminder sweep renders three templates
    per e-mail, thousands at a time, and Jinja2 compiles each template to Python once. The
    environment escapes everything, so the subject and text parts turn that off with
    `{% autoescape false %}` (tests/outbox/test_emails.py)."""
    return email_render_many(template=template, language=language, contexts=[context])[0]


def email_render_many(
    *, template: str, language: str, contexts: Sequence[dict[str, Any]]
) -> list[RenderedEmail]:
    """email_render for many e-mails of one template triple in one language, in order: the
    templates are looked up and the language activated once for all of them, which was a
    fifth of each reminder's rendering (bench/reminders.py). Any `{{ ... }}` reads the
    context only, so sharing the lookup and the language changes nothing in the output."""
    engine = engines["jinja2"]
    subject, text, html = (engine.get_template(f"emails/{template}-{part}") for part in PARTS)
    with translation.override(language):
        return [
            RenderedEmail(
                subject=" ".join(subject.render(context).split()),
                body_text=text.render(context),
                body_html=html.render(context),
            )
            for context in contexts
        ]
