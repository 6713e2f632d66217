"""The conversation API: list and send, against every persona (tests/conftest.py)."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from contacts.models import Newcomer
from conversations.models import CaseMessage
from tests.conversations.builders import incoming

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """The test client speaking JSON (the API parses JSON only)."""

    class Api:
        def as_(self, user):
            client.force_login(user)
            return self

        def get(self, url):
            return client.get(url)

        def post(self, url, body):
            return client.post(url, json.dumps(body), content_type="application/json")

    return Api()


def _list(world):
    return reverse("api:messages-list", args=[world.case.pk])


def _send(world):
    return reverse("api:messages-send", args=[world.case.pk])


@pytest.mark.parametrize("persona", ["coordinator", "owner", "reader"])
def test_api_messages_list_for_whoever_sees_the_case(world, api, persona):
    incoming(case=world.case, body="Hello team", sender_known=False, sender="eve@example.com")
    response = api.as_(getattr(world, persona)).get(_list(world))
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["direction"] == "in" and row["body"] == "Hello team"
    assert row["sender_known"] is False and row["sender"] == "eve@example.com"
    assert row["delivery"] is None and row["author"] is None and row["attachments"] == []
    assert row["sender_authenticated"] is None and row["full_text"] == ""


def test_api_messages_list_gives_the_whole_e_mail_and_the_sender_check(world, api):
    message = incoming(case=world.case, body="Yes please")
    CaseMessage.objects.filter(pk=message.pk).update(
        full_text="Yes please\n\n> Shall we call you?", sender_authenticated=False
    )
    [row] = api.as_(world.owner).get(_list(world)).json()["results"]
    assert row["body"] == "Yes please"
    assert row["full_text"] == "Yes please\n\n> Shall we call you?"
    assert row["sender_authenticated"] is False


@pytest.mark.parametrize("persona", ["outsider", "nobody"])
def test_api_messages_list_of_another_organisation_is_404(world, api, persona):
    assert api.as_(getattr(world, persona)).get(_list(world)).status_code == 404


def test_api_messages_send_happy_path(world, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_(world.owner).post(_send(world), {"body": "Welcome!", "then_wait": True})
    assert response.status_code == 201
    data = response.json()
    assert data["direction"] == "out" and data["body"] == "Welcome!"
    assert data["author"]["id"] == world.owner.pk
    assert data["delivery"] == "pending"  # the response is made before the send commits
    assert mail.outbox[0].to == ["anna@example.org"]
    world.case.refresh_from_db()
    assert world.case.status == "waiting"
    listed = api.get(_list(world)).json()["results"]
    assert [row["id"] for row in listed] == [data["id"]]
    assert listed[0]["delivery"] == "sent"


def test_api_messages_send_read_only_is_403(world, api):
    response = api.as_(world.reader).post(_send(world), {"body": "Hi"})
    assert response.status_code == 403
    assert set(response.json()) == {"message", "code", "errors"}
    assert not CaseMessage.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "nobody"])
def test_api_messages_send_other_organisation_is_404(world, api, persona):
    assert api.as_(getattr(world, persona)).post(_send(world), {"body": "Hi"}).status_code == 404


@pytest.mark.parametrize("body", [{"body": "  "}, {"body": "x" * 5001}, {}, {"body": ["a list"]}])
def test_api_messages_send_invalid_input_is_400(world, api, body):
    response = api.as_(world.owner).post(_send(world), body)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "invalid" and "body" in data["errors"]
    assert not CaseMessage.objects.exists()


def test_api_messages_send_service_refusal_is_400(world, api):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(email="")
    response = api.as_(world.owner).post(_send(world), {"body": "Hi"})
    assert response.status_code == 400
    assert response.json()["errors"]["body"]


def test_api_messages_send_wrong_method(world, api):
    assert api.as_(world.owner).get(_send(world)).status_code == 405


def test_api_messages_anonymous_is_refused(world, client):
    assert client.get(_list(world)).status_code in (401, 403)
