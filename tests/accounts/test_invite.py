"""Inviting someone (an e-mail through the outbox with a set-password or sign-in link),
giving and changing memberships, and the person's history."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from contacts.models import Membership
from outbox.models import OutboundEmail
from tests import factories as f

INVITE = reverse("accounts:person-invite")
NEW_PASSWORD = "a long new pass phrase 42"


def _invite(client, world, **extra):
    data = {
        "email": "Ny.Person@Narvik.kommune.no",
        "first_name": "Ny",
        "last_name": "Person",
        "organisation": world.kommune.pk,
        "role": "member",
        **extra,
    }
    return client.post(INVITE, data)


def test_invite_creates_a_person_and_queues_a_set_password_link(world, login, client):
    response = _invite(login(world.coordinator), world)
    assert response.status_code == 302
    person = get_user_model().objects.get(email="ny.person@narvik.kommune.no")
    assert not person.has_usable_password()
    assert Membership.objects.get(user=person).organisation == world.kommune
    email = OutboundEmail.objects.get(kind="accounts.invite")
    assert email.to == "ny.person@narvik.kommune.no"
    link = re.search(r"http://\S+", email.body_text).group(0)
    assert "/accounts/reset/" in link
    # The link really sets a password.
    client.logout()
    path = link.split("testserver", 1)[-1].replace("http://127.0.0.1:8000", "")
    form = client.get(path, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.has_usable_password()
    assert len(mail.outbox) <= 1  # the outbox sends it (eager in tests) or keeps it queued


def test_invite_for_an_organisation_without_passwords_links_to_sign_in(world, login):
    world.kommune.password_sign_in = False
    world.kommune.save()
    _invite(login(world.coordinator), world)
    email = OutboundEmail.objects.get(kind="accounts.invite")
    assert reverse("accounts:login") in email.body_text
    assert "/reset/" not in email.body_text


def test_invite_refuses_a_known_address_and_other_organisations(world, login):
    client = login(world.coordinator)
    world.owner.email = "owner@example.org"
    world.owner.save()
    assert _invite(client, world, email="OWNER@example.org").status_code == 400
    # The coordinator leads Narvik kommune only.
    assert _invite(client, world, organisation=world.nav.pk).status_code == 400
    assert not OutboundEmail.objects.filter(kind="accounts.invite").exists()


def test_invite_member_is_forbidden(world, login):
    assert login(world.owner).get(INVITE).status_code == 403
    assert _invite(login(world.owner), world).status_code == 403


def test_person_page_changes_a_role_and_shows_it_on_the_history(world, login):
    client = login(world.coordinator)
    url = reverse("accounts:person", args=[world.owner.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"organisation": world.kommune.pk, "role": "coordinator"})
    assert response.status_code == 302
    assert Membership.objects.get(user=world.owner).role == "coordinator"
    page = client.get(url).content.decode()
    assert "history-heading" in page
    entry = LogEntry.objects.filter(additional_data__owner=world.owner.pk).latest("pk")
    assert entry.actor == world.coordinator
    assert entry.changes_dict["role"] == ["member", "coordinator"]


def test_person_page_removes_a_membership_but_not_ones_own(world, login):
    client = login(world.coordinator)
    membership = Membership.objects.get(user=world.owner)
    url = reverse("accounts:membership-delete", args=[world.owner.pk, membership.pk])
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    own = Membership.objects.get(user=world.coordinator)
    client.post(reverse("accounts:membership-delete", args=[world.coordinator.pk, own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()


def test_person_page_other_organisations_people_are_not_found(world, login):
    client = login(world.coordinator)
    assert client.get(reverse("accounts:person", args=[world.outsider.pk])).status_code == 404
    assert client.get(reverse("accounts:person", args=[world.outsider.pk + 999])).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_person_page_wrong_method(world, login, method):
    client = login(world.coordinator)
    response = getattr(client, method)(reverse("accounts:person", args=[world.owner.pk]))
    assert response.status_code == 405


def test_person_page_member_is_forbidden(world, login):
    other = f.make_user(username="other", organisation=world.kommune)
    assert login(world.owner).get(reverse("accounts:person", args=[other.pk])).status_code == 403
