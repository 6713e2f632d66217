"""Failed logins: locked per user name *and* address, for a cool-off, logged by django-axes."""

from datetime import timedelta

import pytest
import time_machine
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

LOGIN = "/accounts/login/"


WRONG = "wrong-password-123"


def _try(client, username, password=WRONG, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def person(db):
    return f.make_user(username="kari")


def test_lockout_after_the_failure_limit_with_a_readable_translated_page(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 3
    codes = [_try(client, "kari").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    response = _try(client, "kari", password=f.PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert 'lang="nb"' in page  # through {% translate %}, in the page's language
    english = client.post(
        "/en" + LOGIN, {"username": "kari", "password": f.PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert english.status_code == 429
    assert "Too many failed logins" in english.content.decode()
    assert "15 minutes" in english.content.decode()
    assert "<script>" not in page


def test_lockout_is_per_user_name_and_address_not_either_alone(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 2
    f.make_user(username="ola")
    for _ in range(2):
        _try(client, "kari", ip="10.0.0.1")
    assert _try(client, "kari", password=f.PASSWORD, ip="10.0.0.1").status_code == 429
    # The same person from another address, and another person from the same address, are
    # not locked out: an attacker cannot lock a colleague out from elsewhere.
    assert _try(client, "kari", password=f.PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert _try(client, "ola", password=f.PASSWORD, ip="10.0.0.1").status_code == 302


def test_lockout_ends_after_the_cool_off(client, person, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            _try(client, "kari")
        assert _try(client, "kari", password=f.PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert _try(client, "kari", password=f.PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        # 15 minutes after the last refused try (a try while locked restarts the pause).
        assert _try(client, "kari", password=f.PASSWORD).status_code == 302


def test_lockout_failures_are_logged_in_the_audit_tables(client, person):
    _try(client, "kari", ip="10.0.0.9")
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "kari"
    assert attempt.ip_address == "10.0.0.9"
    assert attempt.failures_since_start == 1
    assert "wrong-password" not in attempt.post_data  # axes masks the password
    assert AccessFailureLog.objects.filter(username="kari").count() == 1


def test_lockout_success_resets_the_failure_count(client, person):
    _try(client, "kari")
    assert _try(client, "kari", password=f.PASSWORD).status_code == 302
    assert AccessAttempt.objects.count() == 0


def test_lockout_authenticate_outside_a_page_needs_a_request(client, person):
    """The test client's login() calls authenticate() without a request, which axes refuses:
    tests use force_login (unaffected), or authenticate with `request=`."""
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username="kari", password=f.PASSWORD)
    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    assert authenticate(request=request, username="kari", password=f.PASSWORD) == person
    assert client.login(request=request, username="kari", password=f.PASSWORD)


def test_lockout_the_login_page_itself_still_works(client, person):
    assert client.get(reverse("login")).status_code == 200


def test_lockout_address_comes_from_the_rate_limit_setting(client, person, settings):
    """Behind a proxy, RATELIMIT_IP_META_KEY names the header with the client's address: the
    lockout counts per that address, not per the proxy's."""
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post(LOGIN, {"username": "kari", "password": WRONG}, HTTP_X_REAL_IP="192.0.2.7")
    assert AccessAttempt.objects.get().ip_address == "192.0.2.7"
    locked = client.post(
        LOGIN, {"username": "kari", "password": f.PASSWORD}, HTTP_X_REAL_IP="192.0.2.7"
    )
    assert locked.status_code == 429
    other = client.post(
        LOGIN, {"username": "kari", "password": f.PASSWORD}, HTTP_X_REAL_IP="192.0.2.8"
    )
    assert other.status_code == 302
