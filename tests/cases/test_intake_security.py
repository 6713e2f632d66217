"""The public form's defences: size limits, and user text never rendered as HTML.
(Rate limits and the honeypot: tests/cases/test_intake.py and tests/api/test_intake_api.py.)
No file uploads exist anywhere: no FileField, no multipart parser in the API."""

import json

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from cases.models import Case
from tests.cases.test_intake import _valid

FREE_TEXT = ["name", "phone", "occupation", "partner_occupation", "interests", "message"]


def _payload(field):
    if field == "phone":  # 40 characters at most
        return f'<script>alert("{field}")</script>'
    return f'<script>alert("{field}")</script>"><img src=x onerror=alert(1)>'


# Django's e-mail validator accepts a quoted local part with angle brackets.
EMAIL_PAYLOAD = '"<script>alert(7)</script>"@example.org'


@pytest.mark.django_db
def test_intake_security_xss_in_every_text_field_is_shown_escaped_to_staff(client, world):
    data = _valid(email=EMAIL_PAYLOAD, **{field: _payload(field) for field in FREE_TEXT})
    response = client.post("/en/intake/", data)
    assert response.status_code == 302, response.context["form"].errors
    case = Case.objects.latest("pk")
    client.force_login(world.coordinator)
    pages = {
        "detail": client.get(reverse("cases:detail", args=[case.pk])),
        "list": client.get(reverse("cases:list")),
        "list-searched": client.get(reverse("cases:list"), {"q": "<script>"}),
        "mine": client.get(reverse("cases:mine")),
        "dashboard": client.get(reverse("reports:dashboard")),
        "edit": client.get(reverse("cases:newcomer-edit", args=[case.pk])),
    }
    for name, page in pages.items():
        assert page.status_code == 200, name
        html = page.content.decode()
        assert "<script>alert" not in html, name
        assert "<img src=x" not in html, name
    detail = pages["detail"].content.decode()
    for field in ["name", "phone", "occupation", "interests", "message"]:
        assert f"&lt;script&gt;alert(&quot;{field}&quot;)&lt;/script&gt;" in detail, field
    assert "&lt;script&gt;alert(7)&lt;/script&gt;" in detail  # the e-mail address
    # The list is rendered with Jinja2, whose escaping (markupsafe) writes a quote as &#34;.
    assert "&lt;script&gt;alert(&#34;name&#34;)" in pages["list"].content.decode()


@pytest.mark.django_db
def test_intake_security_oversized_form_post_is_refused_without_a_500(client, settings):
    body = _valid(message="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    response = client.post("/en/intake/", body)
    assert response.status_code in (400, 413)
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_intake_security_oversized_api_post_is_refused_without_a_500(client, settings):
    body = json.dumps({"message": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = client.post(reverse("api:intake"), body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_intake_security_size_limit_is_modest(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 512 * 1024


def test_intake_security_no_model_stores_files():
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    # Generated files (welcome packs, e-mail attachments) are written by the server only.
    uploads = [name for name in file_fields if not name.startswith(("onboarding.", "outbox."))]
    assert uploads == []
