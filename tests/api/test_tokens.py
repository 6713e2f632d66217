"""Personal API tokens: the services, the authentication and the profile page."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from contacts.models import ApiToken
from contacts.services import api_token_create, api_token_hash, api_token_revoke


def _bearer(client, secret, url="/api/v1/cases/"):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.mark.django_db
def test_api_token_create_stores_only_the_hash(world):
    token, secret = api_token_create(user=world.owner, name="  Portal   sync ")
    assert secret.startswith("tf_") and len(secret) > 40
    assert token.name == "Portal sync"
    assert token.key_hash == api_token_hash(secret)
    assert secret.startswith(token.prefix)
    assert len(token.prefix) < len(secret) / 3
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(secret not in str(value) for value in row.values())


@pytest.mark.django_db
def test_api_token_create_refuses_duplicates_and_non_staff(world):
    api_token_create(user=world.owner, name="Portal")
    with pytest.raises(ValidationError) as exc:
        api_token_create(user=world.owner, name="Portal")
    assert "name" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        api_token_create(user=world.nobody, name="Mine")


@pytest.mark.django_db
def test_api_token_authenticates_and_records_last_use(world, client):
    token, secret = api_token_create(user=world.reader, name="Sheet")
    assert token.last_used_at is None
    with time_machine.travel(timezone.now(), tick=False):
        response = _bearer(client, secret)
        token.refresh_from_db()
        assert token.last_used_at == timezone.now()
    assert response.status_code == 200
    assert [r["reference"] for r in response.json()["results"]] == [world.case.reference]
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_api_token_last_use_is_written_at_most_once_a_minute(world, client):
    token, secret = api_token_create(user=world.reader, name="Sheet")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _bearer(client, secret)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        _bearer(client, secret)
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        _bearer(client, secret)
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(minutes=2)


@pytest.mark.django_db
def test_api_token_revoked_is_refused(world, client):
    token, secret = api_token_create(user=world.owner, name="Old")
    api_token_revoke(token=token, actor=world.owner)
    first = token.revoked_at
    api_token_revoke(token=token, actor=world.owner)
    assert token.revoked_at == first
    response = _bearer(client, secret)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.django_db
def test_api_token_revoke_only_by_its_owner(world):
    token, _secret = api_token_create(user=world.owner, name="Mine")
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, actor=world.coordinator)
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Bearer tf_wrong", "Bearer tf_ø".encode().decode("latin-1")],
)
def test_api_token_malformed_or_unknown_is_401(world, client, header):
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert set(response.json()) == {"message", "code", "errors"}


@pytest.mark.django_db
def test_api_token_of_inactive_user_is_refused(world, client):
    _token, secret = api_token_create(user=world.owner, name="Portal")
    world.owner.is_active = False
    world.owner.save()
    assert _bearer(client, secret).status_code == 401


@pytest.mark.django_db
def test_api_token_writes_need_no_csrf(world, client):
    _token, secret = api_token_create(user=world.owner, name="Portal")
    response = client.post(
        reverse("api:cases-status", args=[world.case.pk]),
        '{"status": "waiting"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200


# --- The profile page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_token_page_for_staff_only(world, login, client):
    url = reverse("contacts:tokens")
    assert client.get(url).status_code == 302
    assert login(world.nobody).get(url).status_code == 403
    response = login(world.reader).get(url)
    assert response.status_code == 200
    assert url.encode() in login(world.reader).get(reverse("cases:mine")).content


@pytest.mark.django_db
def test_token_page_shows_the_secret_once(world, login):
    client = login(world.reader)
    response = client.post(reverse("contacts:token-create"), {"name": "Portal"})
    assert response.status_code == 201
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret.encode() in response.content
    assert token.key_hash == api_token_hash(secret)
    listing = client.get(reverse("contacts:tokens"))
    assert secret.encode() not in listing.content
    assert token.prefix.encode() in listing.content
    assert _bearer(client, secret).status_code == 200


@pytest.mark.django_db
def test_token_page_create_errors(world, login):
    client = login(world.reader)
    assert client.post(reverse("contacts:token-create"), {"name": "  "}).status_code == 400
    client.post(reverse("contacts:token-create"), {"name": "Portal"})
    response = client.post(reverse("contacts:token-create"), {"name": "Portal"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert ApiToken.objects.count() == 1
    assert client.get(reverse("contacts:token-create")).status_code == 405


@pytest.mark.django_db
def test_token_page_revoke_own_token_only(world, login):
    token, secret = api_token_create(user=world.owner, name="Portal")
    url = reverse("contacts:token-revoke", args=[token.pk])
    assert login(world.reader).post(url).status_code == 404
    assert login(world.owner).get(url).status_code == 405
    response = login(world.owner).post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert url.encode() not in login(world.owner).get(reverse("contacts:tokens")).content
    assert _bearer(login(world.owner), secret).status_code == 401
