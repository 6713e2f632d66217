"""A welcome pack is a row before it is a message: a broker that is down when staff press
"send" gives a normal answer and a pack that waits, visibly, on the case page; the sweep
(`manage.py send_welcome_packs`, beat every minute) publishes again what the broker lost."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from onboarding import services
from onboarding.models import WelcomePack
from onboarding.tasks import welcome_pack_send
from outbox.models import OutboundEmail
from tests import factories as f


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def broker_down(monkeypatch):
    """Publishing fails as it does with Redis unreachable (kombu's OperationalError)."""

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(welcome_pack_send, "delay", refuse)


@pytest.fixture
def plan(world):
    return f.make_plan(case=world.case, actor=world.owner)


@pytest.mark.django_db
def test_welcome_pack_send_with_the_broker_down_answers_and_shows_the_pack_waiting(
    world, plan, login, broker_down, django_capture_on_commit_callbacks
):
    client = login(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onboarding:welcome-pack-send", args=[world.case.pk]))
    assert response.status_code == 302
    pack = WelcomePack.objects.get()
    assert pack.status == WelcomePack.Status.PENDING
    page = client.get(reverse("cases:detail", args=[world.case.pk]))
    assert "being prepared" in page.content.decode() or "klargjøres" in page.content.decode()
    assert page.context["welcome_packs_pending"] == [pack]


@pytest.mark.django_db
def test_welcome_pack_api_send_with_the_broker_down_answers_201_pending(
    world, plan, login, broker_down, django_capture_on_commit_callbacks
):
    client = login(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("api:welcome-packs-send", args=[world.case.pk]),
            "{}",
            content_type="application/json",
        )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert WelcomePack.objects.get().status == WelcomePack.Status.PENDING


@pytest.mark.django_db
def test_welcome_pack_sweep_sends_a_lost_pack_once(
    world, plan, broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pack = services.welcome_pack_request(case=world.case, actor=world.owner)
    monkeypatch.undo()  # the broker is back, but the message was never published

    # Too early: a pack just requested may still be on its way to a worker.
    assert services.welcome_pack_sweep() == []
    later = timezone.now() + services.PACK_REQUEUE_AFTER + timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        out = io.StringIO()
        call_command("send_welcome_packs", "--dry-run", stdout=out)
        assert out.getvalue().strip() == "Would queue 1 packs again."
        assert WelcomePack.objects.get().status == WelcomePack.Status.PENDING
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_welcome_packs", stdout=out)  # eager: builds it in-process
        assert services.welcome_pack_sweep() == []
    pack.refresh_from_db()
    assert pack.status == WelcomePack.Status.QUEUED
    assert OutboundEmail.objects.filter(kind="onboarding.welcome_pack").count() == 1
    assert world.case.events.filter(kind="onboarding.welcome_pack.sent").count() == 1


@pytest.mark.django_db
def test_welcome_pack_sweep_leaves_built_packs_alone(
    world, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.welcome_pack_request(case=world.case, actor=world.owner)
    assert WelcomePack.objects.get().status == WelcomePack.Status.QUEUED
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        assert services.welcome_pack_sweep() == []
    assert OutboundEmail.objects.filter(kind="onboarding.welcome_pack").count() == 1


def test_welcome_pack_sweep_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["welcome-pack-sweep"]
    assert entry["task"] == "onboarding.tasks.welcome_pack_sweep_task"
    assert entry["schedule"].minute == set(range(60))
