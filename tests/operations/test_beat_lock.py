"""The one-beat lock on the real PostgreSQL: a second beat waits while the first runs, and
takes over as soon as the first one's connection is gone."""

import time

import pytest

from operations.beat_lock import beat_lock_alive, beat_lock_try, lock_connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_beat_lock_is_held_by_one_beat_at_a_time():
    first, second = lock_connection(), lock_connection()
    try:
        assert beat_lock_try(first) is True
        assert beat_lock_alive(first) is True
        assert beat_lock_try(second) is False
        assert beat_lock_alive(second) is False
        first.close()  # the first beat dies: its session lock goes with it
        assert beat_lock_alive(first) is False
        # The server ends the closed session a moment later; the waiting beat retries.
        deadline = time.monotonic() + 10
        while not beat_lock_try(second) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert beat_lock_alive(second) is True
    finally:
        first.close()
        second.close()
