"""The Django admin is for superusers only, and reads entirely in bokmål (and English):
every list and add page of every registered model is opened in bokmål and must show none
of the third-party apps' English names."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from tests import factories as f

# Names third-party apps show in English without the project's catalogue.
ENGLISH = [
    "Access attempts",
    "Access failures",
    "Access logs",
    "User Agent",
    "IP Address",
    "Attempt Time",
    "Failed Logins",
    "Logout Time",
    "Static devices",
    "Static tokens",
    "TOTP devices",
    "OTP_STATIC",
    "Otp_Static",
    "Otp_Totp",
    "Axes",
    "Auditlog",
    "Throttling failure",
    "Created at",
    "Last used at",
    "Locked Out",
    "Form Data",
    "Meta Data",
    "Who and when",
    "When it applies",
    "Log entries",
]
# Names that read the same in both languages.
SAME_IN_BOTH = {"API tokens", "status"}


def _text(html: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


@pytest.fixture
def superuser(db):
    return f.make_user(username="root", is_staff=True, is_superuser=True)


def test_admin_every_list_and_add_page_reads_in_bokmal(client, superuser):
    client.force_login(superuser)
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(_request(superuser)):
            pages.append(reverse("admin:{}_{}_add".format(*info)))
    wrong = []
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="nb")
        assert response.status_code == 200, url
        text = _text(response.content.decode())
        wrong += [f"{url}: {word}" for word in ENGLISH if word.lower() in text.lower()]
    assert wrong == [], "\n".join(wrong)
    assert len(pages) > 30


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_admin_model_and_app_names_are_translated():
    untranslated = []
    for model in admin.site._registry:
        names = {}
        for language in ("nb", "en"):
            with translation.override(language):
                names[language] = (
                    str(model._meta.verbose_name_plural),
                    str(model._meta.app_config.verbose_name),
                )
        for nb, en in zip(names["nb"], names["en"], strict=True):
            if nb == en and en not in SAME_IN_BOTH:
                untranslated.append(f"{model._meta.label}: {en}")
    assert untranslated == []


def test_admin_is_for_superusers_only(client, world):
    client.force_login(world.coordinator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
