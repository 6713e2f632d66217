"""Renders an e-mail's template triple in the recipient's language."""

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


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
    with translation.override(language):
        subject = render_to_string(f"emails/{template}-subject.txt", context, using="jinja2")
        text = render_to_string(f"emails/{template}-body.txt", context, using="jinja2")
        html = render_to_string(f"emails/{template}-body.html", context, using="jinja2")
    return RenderedEmail(subject=" ".join(subject.split()), body_text=text, body_html=html)
