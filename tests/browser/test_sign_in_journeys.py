"""Sign-in with an organisation's own account, against a real OpenID Connect provider.

The provider is a small Django project with django-oidc-provider (tests/oidc_provider/),
started by the `provider` fixture in its own process, on a free loopback port, with its
own SQLite database. Chromium follows the real redirects: Tilflytt -> provider's sign-in
page -> Tilflytt's callback (code, PKCE, signed id token checked against the JWKS).
"""

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from accounts.models import SignInIdentity
from contacts.models import Membership, Organisation
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_PASSWORD = "provider-pass-1"
USERS = [
    # Given a membership by the mapping (group "tilflytt").
    {"username": "kari", "email": "kari@narvik.kommune.no", "first_name": "Kari",
     "last_name": "Nordmann", "groups": ["tilflytt"]},
    # In the domain, in no mapped group: signs in and waits.
    {"username": "ola", "email": "ola@narvik.kommune.no", "first_name": "Ola",
     "last_name": "Hansen", "groups": []},
    # Outside the allowed domains.
    {"username": "eve", "email": "eve@example.org", "first_name": "Eve", "groups": ["tilflytt"]},
    # Leaves: disabled at the provider while signed in.
    {"username": "per", "email": "per@narvik.kommune.no", "first_name": "Per",
     "last_name": "Olsen", "groups": ["tilflytt"]},
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningProvider:
    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/openid"

    def change(self, username: str, **data: str) -> None:
        """What the IT department does in its directory: active=0, groups=a,b."""
        response = requests.post(f"{self.url}/test/users/{username}/", data=data, timeout=10)
        response.raise_for_status()


@pytest.fixture
def provider(live_server, tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    config = {
        "client_id": "tilflytt",
        "client_secret": "tilflytt-secret",
        "redirect_uris": [
            f"{live_server.url}{prefix}/accounts/oidc/callback/" for prefix in ("", "/en")
        ],
        "post_logout_redirect_uris": [
            f"{live_server.url}{prefix}/accounts/login/" for prefix in ("", "/en")
        ],
        "users": [{**user, "password": PROVIDER_PASSWORD} for user in USERS],
    }
    env = {
        **os.environ,
        "OIDC_TEST_DB": str(tmp_path / "provider.sqlite3"),
        "OIDC_TEST_SITE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = (tmp_path / "provider.log").open("w")
    process = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
        [sys.executable, "-m", "tests.oidc_provider.serve", str(port), json.dumps(config)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/openid/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("the test provider did not start:\n" + (tmp_path / "provider.log")
                            .read_text(encoding="utf-8")[-3000:])  # fmt: skip
            time.sleep(0.2)
        yield RunningProvider(url=url)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture
def narvik(provider, settings):
    """Tilflytt configured for the provider as Narvik kommune's Entra ID would be."""
    settings.OIDC_PROVIDERS = [
        {
            "name": "narvik",
            "label": "Narvik kommune",
            "issuer": provider.issuer,
            "client_id": "tilflytt",
            "client_secret": "tilflytt-secret",
            "domains": ["narvik.kommune.no"],
            "tenant_id": "narvik-tenant",
            "roles_claim": "roles",
            "memberships": (
                "tilflytt=Narvik kommune:member;tilflytt-lead=Narvik kommune:coordinator"
            ),
        }
    ]
    # Provider sessions skip Tilflytt's own second step: on, to show it is not asked.
    settings.TWO_FACTOR_REQUIRED = True
    return f.make_organisation(name="Narvik kommune")


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_role("link", name="Sign in with Narvik kommune").click()
    expect(page.get_by_role("heading", name="Test provider sign-in")).to_be_visible()
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()


def test_sign_in_just_in_time_membership_and_logout(
    live_server, page: Page, provider, narvik, check_page, screenshot
):
    base = live_server.url
    page.goto(f"{base}/en/accounts/login/")
    check_page(page)
    screenshot(page, "sign-in-page")
    _sign_in(page, base, "kari")

    # Straight to My work: no Tilflytt password, no TOTP step (the provider's MFA counts).
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert "/accounts/two-factor/" not in page.url
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    check_page(page)
    kari = get_user_model().objects.get(email="kari@narvik.kommune.no")
    assert kari.get_full_name() == "Kari Nordmann"
    assert not kari.has_usable_password()
    membership = Membership.objects.get(user=kari)
    assert (membership.organisation, membership.role) == (narvik, Membership.Role.MEMBER)
    identity = SignInIdentity.objects.get(user=kari)
    assert (identity.provider, identity.amr) == ("narvik", ["mfa", "pwd"])

    # Logout ends the session here and at the provider: the next sign-in asks again.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to Tilflytt")).to_be_visible()
    page.goto(f"{base}/en/cases/")
    expect(page.get_by_role("heading", name="Log in to Tilflytt")).to_be_visible()
    page.get_by_role("link", name="Sign in with Narvik kommune").click()
    expect(page.get_by_role("heading", name="Test provider sign-in")).to_be_visible()

    # A second sign-in finds the same user through the link (no second account).
    page.get_by_label("User name").fill("kari")
    page.get_by_label("Password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    assert get_user_model().objects.filter(email="kari@narvik.kommune.no").count() == 1


def test_sign_in_without_mapping_waits_for_a_coordinator(
    live_server, page: Page, provider, narvik, check_page, screenshot
):
    _sign_in(page, live_server.url, "ola")
    expect(page.get_by_role("heading", name="Waiting for access")).to_be_visible()
    check_page(page)
    screenshot(page, "sign-in-waiting")
    ola = get_user_model().objects.get(email="ola@narvik.kommune.no")
    assert not Membership.objects.filter(user=ola).exists()
    # Nothing to see: the case list shows no case and no navigation to others' work.
    page.goto(f"{live_server.url}/en/cases/")
    expect(page.get_by_role("link", name="Dashboard")).to_have_count(0)


def test_sign_in_refused_domain(live_server, page: Page, provider, narvik, check_page, screenshot):
    _sign_in(page, live_server.url, "eve")
    expect(page.get_by_role("heading", name="You were not signed in")).to_be_visible()
    expect(page.get_by_text("not in a domain this sign-in service may let in")).to_be_visible()
    check_page(page)
    screenshot(page, "sign-in-refused")
    assert not get_user_model().objects.filter(email="eve@example.org").exists()
    page.goto(f"{live_server.url}/en/cases/")
    expect(page.get_by_role("heading", name="Log in to Tilflytt")).to_be_visible()


def test_sign_in_disabled_at_provider_loses_access_at_renewal(
    live_server, page: Page, provider, narvik, settings, check_page
):
    settings.OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = 2
    base = live_server.url
    _sign_in(page, base, "per")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # Still allowed: the silent renewal brings the person back to the page they asked for.
    time.sleep(2.2)
    page.goto(f"{base}/en/cases/")
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()

    # Removed from the group: the renewal takes the membership away; they wait.
    provider.change("per", groups="")
    time.sleep(2.2)
    page.goto(f"{base}/en/cases/")
    expect(page.get_by_role("heading", name="Waiting for access")).to_be_visible()
    per = get_user_model().objects.get(email="per@narvik.kommune.no")
    assert not Membership.objects.filter(user=per).exists()

    # Disabled: the provider refuses the renewal, and Tilflytt logs them out.
    provider.change("per", active="0")
    time.sleep(2.2)
    page.goto(f"{base}/en/cases/")
    expect(page.get_by_role("heading", name="You were not signed in")).to_be_visible()
    check_page(page)
    page.goto(f"{base}/en/cases/")
    expect(page.get_by_role("heading", name="Log in to Tilflytt")).to_be_visible()
    # And the provider does not let them sign in again.
    _sign_in(page, base, "per")
    expect(page.get_by_role("alert")).to_contain_text("Wrong user name or password")


def test_sign_in_deactivated_by_coordinator_is_refused(
    live_server, page: Page, provider, narvik, check_page
):
    coordinator = f.make_user(
        username="koordinator", organisation=narvik, role=Membership.Role.COORDINATOR
    )
    assert coordinator.is_active
    _sign_in(page, live_server.url, "kari")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    kari = get_user_model().objects.get(email="kari@narvik.kommune.no")
    kari.is_active = False
    kari.save()
    page.context.clear_cookies()
    _sign_in(page, live_server.url, "kari")
    expect(page.get_by_text("deactivated by a coordinator")).to_be_visible()
    assert Organisation.objects.filter(name="Narvik kommune").exists()
