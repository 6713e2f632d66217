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
    """templates/emails/<template>-subject.txt, -body.txt and -body.html, rendered inside
    translation.override(language). The subject is folded onto one line."""
    with translation.override(language):
        subject = render_to_string(f"emails/{template}-subject.txt", context)
        text = render_to_string(f"emails/{template}-body.txt", context)
        html = render_to_string(f"emails/{template}-body.html", context)
    return RenderedEmail(subject=" ".join(subject.split()), body_text=text, body_html=html)
