"""Staff e-mail a new personal link, or revoke it, from the case page."""

import pytest

from contacts.models import Newcomer, NewcomerLink
from contacts.services import newcomer_link_issue, newcomer_link_resolve
from outbox.models import OutboundEmail


def _secret(text: str) -> str:
    return text.split("/my/")[1].split("/")[0]


@pytest.mark.django_db
def test_portal_staff_send_a_new_link(login, world):
    old = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=None))
    client = login(world.owner)
    page = client.get(f"/en/cases/{world.case.pk}/").content.decode()
    assert "The newcomer&#x27;s own page" in page or "The newcomer's own page" in page
    response = client.post(f"/en/cases/{world.case.pk}/newcomer-link/")
    assert response.status_code == 302
    email = OutboundEmail.objects.get(kind="contacts.newcomer_link")
    assert email.to == "anna@example.org"
    assert email.case_id == world.case.pk
    assert "Anna" not in email.subject
    new = _secret(email.body_text)
    assert newcomer_link_resolve(secret=new) == world.newcomer
    assert newcomer_link_resolve(secret=old) is None
    event = world.case.events.get(kind="contacts.newcomer_link.issued")
    assert event.actor == world.owner and event.data == {}  # never the link


@pytest.mark.django_db
def test_portal_staff_revoke(login, world):
    secret = _secret(newcomer_link_issue(newcomer=world.newcomer, actor=None))
    client = login(world.owner)
    assert client.post(f"/cases/{world.case.pk}/newcomer-link/revoke/").status_code == 302
    assert newcomer_link_resolve(secret=secret) is None
    assert world.case.events.filter(kind="contacts.newcomer_link.revoked").count() == 1
    assert client.get(f"/my/{secret}/").status_code == 404


@pytest.mark.django_db
def test_portal_staff_newcomer_without_email(login, world):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(email="")
    client = login(world.owner)
    response = client.post(f"/en/cases/{world.case.pk}/newcomer-link/", follow=True)
    assert "The newcomer has no e-mail address." in response.content.decode()
    assert not NewcomerLink.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"), [("reader", 403), ("outsider", 404), ("nobody", 404)]
)
@pytest.mark.parametrize("suffix", ["newcomer-link/", "newcomer-link/revoke/"])
def test_portal_staff_needs_manage_rights(login, world, persona, status, suffix):
    client = login(getattr(world, persona))
    assert client.post(f"/cases/{world.case.pk}/{suffix}").status_code == status
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["newcomer-link/", "newcomer-link/revoke/"])
def test_portal_staff_anonymous_and_wrong_method(client, login, world, suffix):
    response = client.post(f"/cases/{world.case.pk}/{suffix}")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert login(world.owner).get(f"/cases/{world.case.pk}/{suffix}").status_code == 405
