"""The coordinators' people screen: last sign-in, deactivation."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from accounts.models import SignInIdentity
from tests import factories as f

PEOPLE = reverse("accounts:people")


def _deactivate(pk):
    return reverse("accounts:person-deactivate", args=[pk])


@pytest.fixture
def waiting(world):
    user = f.make_user(username="waiting", email="w@narvik.kommune.no")
    SignInIdentity.objects.create(user=user, provider="narvik", subject="w", amr=["mfa"])
    return user


def test_people_list_shows_team_and_waiting(login, world, waiting, django_assert_num_queries):
    client = login(world.coordinator)
    client.get(PEOPLE)  # warm the session and caches
    # Session, user, the access check, membership nav, people, memberships, identities.
    with django_assert_num_queries(7):
        response = client.get(PEOPLE)
    assert response.status_code == 200
    names = {person.username for person in response.context["people"]}
    assert names == {"coordinator", "owner", "waiting"}
    body = response.content.decode()
    assert "Waiting for a membership" in body or "Venter på medlemskap" in body
    assert "mfa" in body


def test_people_list_member_is_forbidden(login, world):
    assert login(world.owner).get(PEOPLE).status_code == 403


def test_people_list_wrong_method(login, world):
    assert login(world.coordinator).post(PEOPLE).status_code == 405


def test_person_deactivate_ends_sessions(client, world):
    client.force_login(world.owner)
    assert Session.objects.count() == 1
    client.force_login(world.coordinator)
    response = client.post(_deactivate(world.owner.pk))
    assert response.status_code == 302
    world.owner.refresh_from_db()
    assert not world.owner.is_active
    assert Session.objects.count() == 1  # the coordinator's own


def test_person_deactivate_other_organisation_is_404(login, world):
    response = login(world.coordinator).post(_deactivate(world.reader.pk))
    assert response.status_code == 404
    world.reader.refresh_from_db()
    assert world.reader.is_active


def test_person_deactivate_member_is_forbidden(login, world):
    assert login(world.owner).post(_deactivate(world.coordinator.pk)).status_code == 403


def test_person_deactivate_wrong_method(login, world):
    assert login(world.coordinator).get(_deactivate(world.owner.pk)).status_code == 405


def test_person_deactivate_not_oneself(login, world):
    client = login(world.coordinator)
    client.post(_deactivate(world.coordinator.pk))
    world.coordinator.refresh_from_db()
    assert world.coordinator.is_active


def test_person_deactivate_waiting_user(login, world, waiting):
    login(world.coordinator).post(_deactivate(waiting.pk))
    waiting.refresh_from_db()
    assert not waiting.is_active
