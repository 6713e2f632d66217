"""Local passwords: each organisation can switch them off; two-factor applies to them only
(a provider session skips it)."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from accounts.oidc import BACKEND_PATH
from tests import factories as f

LOGIN = "/en/accounts/login/"


def test_password_sign_in_allowed_by_default(client, world):
    response = client.post(LOGIN, {"username": "owner", "password": f.PASSWORD})
    assert response.status_code == 302


def test_password_sign_in_switched_off_by_organisation(client, world):
    world.kommune.password_sign_in = False
    world.kommune.save()
    response = client.post(LOGIN, {"username": "owner", "password": f.PASSWORD})
    assert response.status_code == 200
    assert "signs in with its own account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Others still may.
    assert client.post(LOGIN, {"username": "reader", "password": f.PASSWORD}).status_code == 302


def test_password_sign_in_page_lists_providers(client, settings):
    settings.OIDC_PROVIDERS = [
        {"name": "narvik", "label": "Narvik kommune", "issuer": "https://idp.example.org",
         "client_id": "c", "domains": ["narvik.kommune.no"]},
    ]  # fmt: skip
    body = client.get(LOGIN).content.decode()
    assert "Sign in with Narvik kommune" in body
    assert reverse("accounts:oidc-start", args=["narvik"]) in body


def test_two_factor_skipped_for_provider_sessions(client, world, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client.force_login(world.owner, backend=BACKEND_PATH)
    assert client.session[BACKEND_SESSION_KEY] == BACKEND_PATH
    session = client.session
    session["oidc_id_token_expiration"] = 2**40  # not due for renewal
    session.save()
    assert client.get("/en/cases/").status_code == 200


def test_two_factor_still_asked_after_a_password(client, world, settings):
    settings.TWO_FACTOR_REQUIRED = True
    client.post(LOGIN, {"username": "owner", "password": f.PASSWORD})
    response = client.get("/en/cases/")
    assert response.status_code == 302
    assert "/accounts/two-factor/" in response["Location"]


def test_unknown_provider_is_404(client):
    assert client.get(reverse("accounts:oidc-start", args=["nobody"])).status_code == 404
