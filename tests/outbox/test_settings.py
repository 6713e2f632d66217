"""Timing settings that keep Redis from handing one task to two workers, and the outbox's
environment variables."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.management import get_commands

from config.celery import app
from outbox.checks import outbox_timing_check
from outbox.services import BACKOFF_SECONDS, email_backoff
from outbox.tasks import SEND_TIME_LIMIT


def _visibility_timeout() -> int:
    return django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_settings_no_countdown_backoff_or_time_limit_exceeds_the_visibility_timeout():
    """Redis gives a message that a worker has held unacknowledged (running, or waiting for
    its countdown) for longer than the visibility timeout to another worker: a task would
    run twice. So every time limit, retry delay and backoff stays below it."""
    visibility = _visibility_timeout()
    app.loader.import_default_modules()  # every app's tasks module
    tasks = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "outbox.tasks.outbox_send" in tasks
    limits = {
        "task_time_limit": app.conf.task_time_limit,
        "task_soft_time_limit": app.conf.task_soft_time_limit,
    }
    for name, task in tasks.items():
        limits[f"{name}.time_limit"] = task.time_limit
        limits[f"{name}.soft_time_limit"] = task.soft_time_limit
        limits[f"{name}.default_retry_delay"] = task.default_retry_delay
        if getattr(task, "retry_backoff", False):
            limits[f"{name}.retry_backoff_max"] = task.retry_backoff_max
    for attempts in range(1, django_settings.OUTBOX_MAX_ATTEMPTS + 1):
        limits[f"outbox backoff after {attempts}"] = email_backoff(attempts=attempts)
    for name, entry in django_settings.CELERY_BEAT_SCHEDULE.items():
        options = entry.get("options", {})
        limits[f"beat {name} countdown"] = options.get("countdown")
        limits[f"beat {name} expires"] = options.get("expires")
    too_long = {
        name: value for name, value in limits.items() if value is not None and value >= visibility
    }
    assert too_long == {}
    # An attempt still running must never look abandoned to the sweep.
    assert SEND_TIME_LIMIT < django_settings.OUTBOX_STALE_SECONDS < visibility
    assert django_settings.EMAIL_TIMEOUT < SEND_TIME_LIMIT


def test_settings_check_refuses_a_visibility_timeout_shorter_than_the_backoff(settings):
    assert outbox_timing_check() == []
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": max(BACKOFF_SECONDS)}
    settings.OUTBOX_STALE_SECONDS = SEND_TIME_LIMIT
    settings.OUTBOX_MAX_ATTEMPTS = 0
    assert [error.id for error in outbox_timing_check()] == [
        "outbox.E001",
        "outbox.E002",
        "outbox.E003",
    ]


def test_settings_every_beat_entry_has_a_management_command():
    commands = get_commands()
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert schedule["outbox-sweep"]["task"] == "outbox.tasks.outbox_sweep"
    assert "send_outbox" in commands


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {},
            {
                "OUTBOX_MAX_ATTEMPTS": 6,
                "OUTBOX_STALE_SECONDS": 45,
                "OUTBOX_MESSAGE_ID_DOMAIN": "tilflytt.example.org",
                "MEDIA_ROOT": str(django_settings.BASE_DIR / "var" / "media"),
                "CELERY_BROKER_TRANSPORT_OPTIONS": {
                    "visibility_timeout": 3600,
                    "unacked_restore_interval": 10,
                    "unacked_restore_throttle": 1,
                },
            },
        ),
        (
            {
                "OUTBOX_MAX_ATTEMPTS": "3",
                "OUTBOX_STALE_SECONDS": "900",
                "OUTBOX_MESSAGE_ID_DOMAIN": "mail.example.org",
                "MEDIA_ROOT": "/srv/media",
                "CELERY_VISIBILITY_TIMEOUT": "7200",
                "CELERY_UNACKED_RESTORE_INTERVAL": "5",
            },
            {
                "OUTBOX_MAX_ATTEMPTS": 3,
                "OUTBOX_STALE_SECONDS": 900,
                "OUTBOX_MESSAGE_ID_DOMAIN": "mail.example.org",
                "MEDIA_ROOT": "/srv/media",
                "CELERY_BROKER_TRANSPORT_OPTIONS": {
                    "visibility_timeout": 7200,
                    "unacked_restore_interval": 5,
                    "unacked_restore_throttle": 1,
                },
            },
        ),
    ],
)
def test_settings_outbox_variables_are_read_from_the_environment(env, expected):
    names = [
        "OUTBOX_MAX_ATTEMPTS",
        "OUTBOX_STALE_SECONDS",
        "OUTBOX_MESSAGE_ID_DOMAIN",
        "MEDIA_ROOT",
        "CELERY_VISIBILITY_TIMEOUT",
        "CELERY_UNACKED_RESTORE_INTERVAL",
    ]
    clean = {k: v for k, v in os.environ.items() if k not in names}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY="settings-test",
        SITE_URL="https://tilflytt.example.org",
        **env,
    )
    script = (
        "import json; from config import settings as s; print(json.dumps({"
        + ", ".join(f"'{name}': s.{name}" for name in expected if name != "MEDIA_ROOT")
        + ", 'MEDIA_ROOT': str(s.MEDIA_ROOT)}))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", script],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
        cwd=django_settings.BASE_DIR,
    )
    assert json.loads(result.stdout) == expected
