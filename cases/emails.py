"""Outgoing e-mail about cases, rendered in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from cases.models import Case


def send_templated(*, name: str, to: str, language: str, ctx: dict[str, object]) -> None:
    """Renders templates/emails/<name>-subject.txt, -body.txt and -body.html in the
    recipient's language and sends them as one message."""
    with translation.override(language):
        subject = render_to_string(f"emails/{name}-subject.txt", ctx).strip()
        text = render_to_string(f"emails/{name}-body.txt", ctx)
        html = render_to_string(f"emails/{name}-body.html", ctx)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_intake_receipt(*, case: Case) -> None:
    send_templated(
        name="intake_receipt",
        to=case.newcomer.email,
        language=case.newcomer.preferred_language,
        ctx={"case": case, "newcomer": case.newcomer, "site_url": settings.SITE_URL},
    )
