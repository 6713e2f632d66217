"""Sessions: a new key at login, idle and absolute timeouts, and logout and deactivation
ending them on the server."""

from datetime import timedelta

import time_machine
from django.contrib.admin.sites import site
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.services import user_deactivate
from tests import factories as f

LOGIN = "/accounts/login/"


def _login(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def test_sessions_login_gives_a_new_session_key(client, world):
    client.get(LOGIN)
    session = client.session  # an anonymous session that exists before the login
    session["before"] = 1
    session.save()
    before = session.session_key
    _login(client, world.owner)
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def test_sessions_cookies_are_httponly_and_samesite(client, world, settings):
    response = client.post(LOGIN, {"username": world.owner.username, "password": f.PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_ABSOLUTE_TIMEOUT
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 12 * 60 * 60


def test_sessions_end_after_the_idle_timeout(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, world.owner)
        key = client.cookies["sessionid"].value
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("cases:mine")).status_code == 200
    # Still in use: 29 minutes after that request, not after the login, is the limit.
    with time_machine.travel(start + timedelta(minutes=55), tick=False):
        assert client.get(reverse("cases:mine")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=86), tick=False):
        response = client.get(reverse("cases:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=key).exists()
    page = client.get(response["Location"])
    with translation.override("nb"):
        expected = gettext("You were logged out after a period of inactivity. Please log in again.")
    assert [str(message) for message in page.context["messages"]] == [expected]


def test_sessions_end_after_the_absolute_timeout_even_when_busy(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, world.owner)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("cases:mine")).status_code == 200, minutes
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        response = client.get(reverse("cases:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sessions_end_for_the_api_too(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _login(client, world.owner)
        assert client.get(reverse("api:cases-list")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert client.get(reverse("api:cases-list")).status_code in (401, 403)


def test_sessions_logout_deletes_the_session_on_the_server(client, world):
    _login(client, world.owner)
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    # A copy of the old cookie is worth nothing.
    thief = Client()
    thief.cookies["sessionid"] = key
    assert thief.get(reverse("cases:mine")).status_code == 302


def test_sessions_user_deactivate_ends_every_session_of_that_user_only(world):
    first, second, other = Client(), Client(), Client()
    _login(first, world.owner)
    _login(second, world.owner)
    _login(other, world.reader)
    assert Session.objects.count() == 3

    user_deactivate(user=world.owner, actor=world.coordinator)

    world.owner.refresh_from_db()
    assert world.owner.is_active is False
    assert Session.objects.count() == 1
    assert first.get(reverse("cases:mine")).status_code == 302
    assert second.get(reverse("cases:mine")).status_code == 302
    assert other.get(reverse("cases:mine")).status_code == 200


def test_sessions_admin_action_and_the_active_box_deactivate(client, world, rf):
    admin_user = f.make_user(username="root", is_staff=True, is_superuser=True)
    victim = Client()
    _login(victim, world.owner)
    client.force_login(admin_user)
    changelist = reverse("admin:auth_user_changelist")
    response = client.post(
        changelist,
        {"action": "deactivate", "_selected_action": [world.owner.pk]},
    )
    assert response.status_code == 302
    world.owner.refresh_from_db()
    assert world.owner.is_active is False
    assert victim.get(reverse("cases:mine")).status_code == 302

    # Unticking "Active" on the change form does the same.
    other = Client()
    _login(other, world.reader)
    model_admin = site._registry[get_user_model()]
    request = rf.post("/")
    request.user = admin_user
    form = type("Form", (), {"changed_data": ["is_active"]})()
    world.reader.is_active = False
    model_admin.save_model(request, world.reader, form, change=True)
    assert other.get(reverse("cases:mine")).status_code == 302


def test_sessions_user_deactivate_stops_api_tokens_too(client, world):
    from contacts.services import api_token_create

    _token, secret = api_token_create(user=world.owner, name="Sheet")
    url = reverse("api:cases-list")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    user_deactivate(user=world.owner, actor=world.coordinator)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
