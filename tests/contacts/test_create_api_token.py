"""manage.py create_api_token: a token for CI, printed once; refused without DEBUG."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from contacts.models import ApiToken
from contacts.services import api_token_hash


def _run(*args):
    out = io.StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_create_api_token_prints_a_working_secret(world, settings, client):
    settings.DEBUG = True
    secret = _run("--username", "coordinator", "--name", "ci")
    token = ApiToken.objects.get(user=world.coordinator, name="ci")
    assert token.key_hash == api_token_hash(secret)
    response = client.get(reverse("api:cases-list"), HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.django_db
def test_create_api_token_refused_without_debug_unless_forced(world, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        _run("--username", "coordinator", "--name", "ci")
    assert not ApiToken.objects.exists()
    assert _run("--username", "coordinator", "--name", "ci", "--force").startswith("tf_")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["nobody", "ghost"])
def test_create_api_token_needs_an_active_staff_member(world, settings, username):
    settings.DEBUG = True
    with pytest.raises(CommandError):
        _run("--username", username, "--name", "ci")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_create_api_token_twice_with_one_name_is_refused(world, settings):
    settings.DEBUG = True
    _run("--username", "coordinator", "--name", "ci")
    with pytest.raises(CommandError):
        _run("--username", "coordinator", "--name", "ci")
