"""The personal link: issued, used, expired, revoked and re-issued; a wrong or old link is
the same 404 as any other, and costs the same time."""

import re
import statistics
import time
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from contacts.models import Newcomer, NewcomerLink
from contacts.services import (
    newcomer_link_hash,
    newcomer_link_issue,
    newcomer_link_resolve,
    newcomer_link_revoke,
)
from outbox.models import OutboundEmail
from tests import factories as f


def _secret(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


@pytest.mark.django_db
def test_portal_link_issue_stores_only_a_hash_and_resolves(world):
    path = newcomer_link_issue(newcomer=world.newcomer, actor=world.owner)
    secret = _secret(path)
    assert path == f"/my/{secret}/"  # bokmål: no prefix
    assert len(secret) >= 43  # 256 random bits
    link = NewcomerLink.objects.get(newcomer=world.newcomer)
    assert link.token_hash == newcomer_link_hash(secret)
    assert secret not in str(NewcomerLink.objects.values().get())
    assert newcomer_link_resolve(secret=secret) == world.newcomer
    link.refresh_from_db()
    assert link.last_used_at is not None


@pytest.mark.django_db
def test_portal_link_path_is_in_the_newcomers_language(world):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(preferred_language="uk")
    world.newcomer.refresh_from_db()
    path = newcomer_link_issue(newcomer=world.newcomer, actor=None)
    assert path.startswith("/uk/my/")


@pytest.mark.django_db
def test_portal_link_reissue_revokes_the_old_one(client, world):
    old = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=world.owner))
    new = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=world.owner))
    assert newcomer_link_resolve(secret=old) is None
    assert newcomer_link_resolve(secret=new) == world.newcomer
    assert NewcomerLink.objects.filter(newcomer=world.newcomer, revoked_at=None).count() == 1
    assert client.get(f"/my/{old}/").status_code == 404
    assert client.get(f"/my/{new}/").status_code == 200


@pytest.mark.django_db
def test_portal_link_revoke(client, world):
    secret = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=world.owner))
    assert newcomer_link_revoke(newcomer=world.newcomer, actor=world.owner) == 1
    assert newcomer_link_revoke(newcomer=world.newcomer, actor=world.owner) == 0
    assert newcomer_link_resolve(secret=secret) is None
    assert client.get(f"/my/{secret}/").status_code == 404


@pytest.mark.django_db
def test_portal_link_expires_after_idle_days_without_use(client, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        secret = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=None))
    idle = timedelta(days=settings.NEWCOMER_LINK_IDLE_DAYS)
    # Used just before it would expire: the clock starts again from that use.
    with time_machine.travel(start + idle - timedelta(hours=1), tick=False):
        assert client.get(f"/my/{secret}/").status_code == 200
    with time_machine.travel(start + 2 * idle - timedelta(hours=2), tick=False):
        assert newcomer_link_resolve(secret=secret) == world.newcomer
    # Then unused for longer than the idle period: gone.
    with time_machine.travel(start + 3 * idle, tick=False):
        assert newcomer_link_resolve(secret=secret) is None
        assert client.get(f"/my/{secret}/").status_code == 404


@pytest.mark.django_db
def test_portal_link_erased_newcomer_is_not_found(world):
    secret = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=None))
    Newcomer.objects.filter(pk=world.newcomer.pk).update(erased_at=timezone.now())
    assert newcomer_link_resolve(secret=secret) is None


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "welcome-pack/", "welcome-pack.pdf"])
def test_portal_link_wrong_old_and_malformed_links_are_the_same_404(client, world, suffix):
    old = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=None))
    newcomer_link_issue(newcomer=world.newcomer, actor=None)
    revoked = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=None))
    newcomer_link_revoke(newcomer=world.newcomer, actor=None)
    wrong = "x" * 43
    bodies = set()
    for secret in (old, revoked, wrong, "short", "z" * 300):
        response = client.get(f"/my/{secret}/{suffix}")
        assert response.status_code == 404
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "same-origin"
        html = response.content.decode().replace(f"/my/{secret}/", "/my/SECRET/")
        bodies.add(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html))
    assert len(bodies) == 1  # nothing tells a wrong link from an old one


@pytest.mark.django_db
def test_portal_link_wrong_and_revoked_secrets_take_similar_time(world):
    """A wrong secret finds no row; a revoked one finds its row and is refused. Both are one
    indexed lookup by hash, so their times differ by far less than the noise of a network.
    Medians over 50 interleaved calls each, after a warm-up; the factor of 3 is generous on
    purpose (CI machines are noisy): what it catches is a refusal path that does real extra
    work (say, a second query or a slow hash) for one kind of link only."""
    revoked = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=None))
    newcomer_link_revoke(newcomer=world.newcomer, actor=None)
    wrong = "w" + revoked[1:]

    def timed(secret: str) -> float:
        began = time.perf_counter()
        assert newcomer_link_resolve(secret=secret) is None
        return time.perf_counter() - began

    for _ in range(10):
        timed(wrong), timed(revoked)
    samples: dict[str, list[float]] = {"wrong": [], "revoked": []}
    for _ in range(50):
        samples["wrong"].append(timed(wrong))
        samples["revoked"].append(timed(revoked))
    wrong_median = statistics.median(samples["wrong"])
    revoked_median = statistics.median(samples["revoked"])
    ratio = max(wrong_median, revoked_median) / min(wrong_median, revoked_median)
    assert ratio < 3, (wrong_median, revoked_median)


# --- Asking for a fresh link at /my/ --------------------------------------------------------


@pytest.mark.django_db
def test_portal_link_request_answers_the_same_for_known_and_unknown_addresses(client, world):
    known = client.post("/en/my/", {"email": "ANNA@example.org "})
    unknown = client.post("/en/my/", {"email": "stranger@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/en/my/sent/"
    page = client.get("/en/my/sent/")
    assert "If we know this address, a link to your page is on its way." in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    emails = OutboundEmail.objects.filter(kind="contacts.newcomer_link")
    assert [e.to for e in emails] == ["anna@example.org"]
    secret = emails[0].body_text.split("/my/")[1].split("/")[0]
    assert newcomer_link_resolve(secret=secret) == world.newcomer
    assert "Anna" not in emails[0].subject
    assert world.case.events.filter(kind="contacts.newcomer_link.requested", actor=None).exists()


@pytest.mark.django_db
def test_portal_link_request_invalid_address_shows_the_form_again(client, world):
    response = client.post("/en/my/", {"email": "not-an-address"})
    assert response.status_code == 400
    assert 'id="error-summary"' in response.content.decode()
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_portal_link_request_is_rate_limited_per_address_and_per_ip(client, world, settings):
    settings.NEWCOMER_LINK_REQUEST_RATE_LIMIT = "2/h"
    for _ in range(2):
        assert client.post("/my/", {"email": "anna@example.org"}).status_code == 302
    refused = client.post("/my/", {"email": "anna@example.org"})
    assert refused.status_code == 429
    assert refused["Cache-Control"] == "no-store"
    assert OutboundEmail.objects.filter(kind="contacts.newcomer_link").count() == 2
    # The same address from another network is still refused (the per-address counter).
    other_ip = client.post("/my/", {"email": "anna@example.org"}, REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 429
    # Another address from the first network: the per-IP counter is spent too.
    assert client.post("/my/", {"email": "someone@example.org"}).status_code == 429


@pytest.mark.django_db
def test_portal_link_request_for_a_newcomer_without_a_case_sends_nothing(client, db):
    f.make_newcomer(email="lonely@example.org")
    assert client.post("/my/", {"email": "lonely@example.org"}).status_code == 302
    assert not OutboundEmail.objects.exists()


# --- The intake receipt carries the link ----------------------------------------------------


@pytest.mark.django_db
def test_portal_link_in_the_intake_receipt_opens_the_page(client):
    from contacts.models import Municipality

    response = client.post(
        "/en/intake/",
        {
            "name": "Olena Kovalenko",
            "email": "olena@example.org",
            "preferred_language": "en",
            "municipality": Municipality.objects.get(name="Narvik").pk,
            "target_group": Newcomer.TargetGroup.FAMILY,
            "consent": "on",
            "share_scopes": ["municipality"],
            "website": "",
        },
    )
    assert response.status_code == 302
    receipt = OutboundEmail.objects.get(kind="cases.intake_receipt")
    assert f"{settings.SITE_URL}/en/my/" in receipt.body_text
    assert "/en/my/" in receipt.body_html
    secret = receipt.body_text.split("/en/my/")[1].split("/")[0]
    page = client.get(f"/en/my/{secret}/")
    assert page.status_code == 200
    assert "Hello, Olena Kovalenko" in page.content.decode()
