"""TOTP two-factor authentication: enrolment, verification, backup codes, and the setting
that makes it mandatory for everyone who can see cases."""

import re
from binascii import unhexlify
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import two_factor_enable
from contacts.services import api_token_create
from tests import factories as f

KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, in hex
LOGIN = "/accounts/login/"
SETUP = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _password_login(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client


def _code(key: str) -> str:
    return f"{totp(unhexlify(key)):06d}"


def test_two_factor_required_by_default_unless_debug():
    from config import settings as config_settings

    # The module under tests ran with DEBUG off: the default is on.
    assert config_settings.TWO_FACTOR_REQUIRED is True
    assert config_settings.DEBUG is False


def test_two_factor_staff_without_a_device_are_sent_to_enrol(client, world, required):
    _password_login(client, world.owner)
    for url in [reverse("cases:mine"), reverse("cases:detail", args=[world.case.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP + "?next=")
    # A POST is refused the same way, and changes nothing.
    response = client.post(reverse("cases:note-add", args=[world.case.pk]), {"body": "x"})
    assert response.status_code == 302
    assert world.case.notes.count() == 0


def test_two_factor_enrolment_shows_a_qr_code_and_the_secret_then_turns_on(client, world, required):
    _password_login(client, world.owner)
    page = client.get(SETUP + "?next=/cases/mine/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<path" in html  # the QR code, drawn on the server
    assert "<script" not in html.split("</head>", 1)[1]
    key = client.session["tilflytt_totp_setup_key"]
    assert TOTPDevice.objects.count() == 0  # nothing stored before the app proves it has it
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', html).group(1)
    assert secret and secret in html

    wrong = client.post(SETUP, {"token": "000000" if _code(key) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert TOTPDevice.objects.count() == 0

    done = client.post(SETUP, {"token": _code(key), "next": "/cases/mine/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=world.owner)
    assert device.confirmed and device.key == key
    # The session that enrolled is verified: staff pages open.
    assert client.get(reverse("cases:mine")).status_code == 200


def test_two_factor_next_login_asks_for_a_code(client, world, required):
    device, _codes = two_factor_enable(user=world.owner, key=KEY)
    _password_login(client, world.owner)
    response = client.get(reverse("cases:mine"))
    assert response["Location"].startswith(VERIFY)
    assert client.get(VERIFY).status_code == 200
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        wrong = "000000" if _code(device.key) != "000000" else "111111"
        assert client.post(VERIFY, {"token": wrong}).status_code == 400
        # django-otp pauses the device after a wrong code (1 s, doubling each time).
        assert client.post(VERIFY, {"token": _code(device.key)}).status_code == 400
    with time_machine.travel(start + timedelta(seconds=3), tick=False):
        response = client.post(VERIFY, {"token": _code(device.key), "next": "/cases/mine/"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/mine/"
    assert client.get(reverse("cases:mine")).status_code == 200


def test_two_factor_backup_codes_work_once(client, world, required):
    _device, codes = two_factor_enable(user=world.owner, key=KEY)
    _password_login(client, world.owner)
    assert client.post(VERIFY, {"token": codes[0].upper()}).status_code == 302
    assert client.get(reverse("cases:mine")).status_code == 200
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    client.post(reverse("logout"))
    _password_login(client, world.owner)
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 400
    assert client.get(reverse("cases:mine")).status_code == 302


def test_two_factor_open_redirects_are_refused(client, world, required):
    device, _codes = two_factor_enable(user=world.owner, key=KEY)
    _password_login(client, world.owner)
    response = client.post(VERIFY, {"token": _code(device.key), "next": "https://evil.example/"})
    assert response["Location"] == reverse("cases:mine")


def test_two_factor_admin_site_is_covered(client, db, required):
    admin_user = f.make_user(username="root", is_staff=True, is_superuser=True)
    _password_login(client, admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_two_factor_not_asked_of_people_who_cannot_see_cases(client, world, required):
    _password_login(client, world.nobody)
    response = client.get(reverse("cases:mine"))
    assert not response.get("Location", "").startswith(SETUP)


def test_two_factor_public_pages_and_logout_stay_open(client, world, required):
    _password_login(client, world.owner)
    for url in ["/intake/", "/accessibility/", "/healthz", SETUP]:
        assert client.get(url).status_code == 200, url
    assert client.post(reverse("logout")).status_code == 302


def test_two_factor_api_token_exempt_session_not(client, world, required):
    _token, secret = api_token_create(user=world.owner, name="Sheet")
    response = client.get(reverse("api:cases-list"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    _password_login(client, world.owner)
    response = client.get(reverse("api:cases-list"))
    assert response.status_code == 403
    assert response.json()["code"] == "two_factor_required"
    # A token still works beside an unverified session cookie.
    response = client.get(reverse("api:cases-list"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_two_factor_off_lets_password_sessions_in(client, world, settings):
    settings.TWO_FACTOR_REQUIRED = False
    _password_login(client, world.owner)
    assert client.get(reverse("cases:mine")).status_code == 200


def test_two_factor_pages_refuse_other_methods_and_anonymous(client, world):
    for url in (SETUP, VERIFY):
        assert client.get(url)["Location"].startswith(LOGIN)
    client.force_login(world.owner)
    for url in (SETUP, VERIFY):
        assert client.put(url).status_code == 405
