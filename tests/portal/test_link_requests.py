"""A link asked for at /my/ never locks the newcomer out: anyone can type a known address,
so the new link is pending and the old one keeps working until the new one is opened."""

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from contacts.models import NewcomerLink
from contacts.services import newcomer_link_issue, newcomer_link_resolve, newcomer_link_revoke
from outbox.models import OutboundEmail


def _secret(text: str) -> str:
    return text.split("/my/")[1].split("/")[0]


def _request(client) -> str:
    """Asks for a link at /my/ with Anna's address; returns the secret e-mailed to her."""
    cache.clear()  # the request's rate limit is not what these tests are about
    assert client.post("/en/my/", {"email": "anna@example.org"}).status_code == 302
    return _secret(
        OutboundEmail.objects.filter(kind="contacts.newcomer_link").latest("pk").body_text
    )


@pytest.mark.django_db
def test_link_request_leaves_the_working_link_working(client, world):
    old = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=world.owner))
    new = _request(client)
    # A stranger typing Anna's address changes nothing for her: the old link still works,
    # however often she opens it.
    for _ in range(2):
        assert client.get(f"/my/{old}/").status_code == 200
    assert newcomer_link_resolve(secret=old) == world.newcomer
    email = OutboundEmail.objects.filter(kind="contacts.newcomer_link").get()
    assert "den gamle lenken din virker fortsatt" in email.body_text  # in Anna's bokmål
    assert "virker ikke lenger" not in email.body_text
    event = world.case.events.get(kind="contacts.newcomer_link.requested")
    assert event.actor is None
    # Opening the new link makes it the one link: the old one stops working.
    assert client.get(f"/my/{new}/").status_code == 200
    assert client.get(f"/my/{old}/").status_code == 404
    assert client.get(f"/my/{new}/").status_code == 200
    working = NewcomerLink.objects.filter(newcomer=world.newcomer, revoked_at=None)
    assert [(link.pending, link.last_used_at is not None) for link in working] == [(False, True)]


@pytest.mark.django_db
def test_link_request_several_pending_links_the_first_opened_wins(client, world):
    old = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=world.owner))
    first, second = _request(client), _request(client)
    assert newcomer_link_resolve(secret=second) == world.newcomer
    assert newcomer_link_resolve(secret=second) == world.newcomer  # opened twice: still fine
    assert newcomer_link_resolve(secret=first) is None
    assert newcomer_link_resolve(secret=old) is None


@pytest.mark.django_db
def test_link_request_without_a_working_link_gives_one(client, world):
    new = _request(client)
    assert newcomer_link_resolve(secret=new) == world.newcomer


@pytest.mark.django_db
def test_link_staff_reissue_and_revoke_retire_pending_links_too(client, world):
    pending = _request(client)
    staff = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=world.owner))
    assert newcomer_link_resolve(secret=pending) is None
    assert newcomer_link_resolve(secret=staff) == world.newcomer
    pending = _request(client)
    assert newcomer_link_revoke(newcomer=world.newcomer, actor=world.owner) == 2
    assert newcomer_link_resolve(secret=pending) is None
    assert newcomer_link_resolve(secret=staff) is None


@pytest.mark.django_db
def test_link_case_page_shows_the_pending_request(client, world):
    newcomer_link_issue(newcomer=world.newcomer, actor=world.owner)
    _request(client)
    client.force_login(world.owner)
    html = client.get(f"/en/cases/{world.case.pk}/").content.decode()
    assert "The newcomer asked for a new link" in html
    assert "Link sent" in html


class LinkMachine(RuleBasedStateMachine):
    """Staff issue and revoke links, strangers and the newcomer ask at /my/, links are
    opened, in any order. A model of which secrets should work is checked against
    newcomer_link_resolve after every step."""

    secrets = Bundle("secrets")

    def __init__(self, world) -> None:
        super().__init__()
        self.world = world
        self.savepoint = transaction.savepoint()
        NewcomerLink.objects.filter(newcomer=world.newcomer).delete()
        self.active: str | None = None
        self.pending: set[str] = set()
        self.dead: set[str] = set()

    def _path_secret(self, path: str) -> str:
        return path.rstrip("/").rsplit("/", 1)[1]

    @rule(target=secrets)
    def staff_issue(self) -> str:
        secret = self._path_secret(newcomer_link_issue(newcomer=self.world.newcomer, actor=None))
        self.dead |= self.pending | ({self.active} if self.active else set())
        self.active, self.pending = secret, set()
        return secret

    @rule(target=secrets)
    def request_at_my(self) -> str:
        path = newcomer_link_issue(newcomer=self.world.newcomer, actor=None, keep_active=True)
        secret = self._path_secret(path)
        self.pending.add(secret)
        return secret

    @rule(secret=secrets)
    def open(self, secret: str) -> None:
        works = secret == self.active or secret in self.pending
        assert (newcomer_link_resolve(secret=secret) is not None) == works
        if secret in self.pending:
            self.dead |= (self.pending - {secret}) | ({self.active} if self.active else set())
            self.active, self.pending = secret, set()

    @rule()
    def revoke(self) -> None:
        newcomer_link_revoke(newcomer=self.world.newcomer, actor=None)
        self.dead |= self.pending | ({self.active} if self.active else set())
        self.active, self.pending = None, set()

    @invariant()
    def one_active_link_and_dead_links_stay_dead(self) -> None:
        working = NewcomerLink.objects.filter(newcomer=self.world.newcomer, revoked_at=None)
        assert working.filter(pending=False).count() == (1 if self.active else 0)
        assert working.filter(pending=True).count() == len(self.pending)
        for secret in self.dead:
            assert newcomer_link_resolve(secret=secret) is None

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)


@pytest.mark.django_db
def test_link_requests_stateful(world):
    run_state_machine_as_test(
        lambda: LinkMachine(world),
        settings=hypothesis_settings(
            max_examples=40,
            stateful_step_count=12,
            deadline=None,
            phases=[Phase.generate, Phase.shrink],
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        ),
    )
