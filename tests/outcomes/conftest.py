from datetime import date

import pytest

from contacts.models import Newcomer

MOVED = date(2026, 1, 15)


@pytest.fixture
def moved(world):
    """Anna moved on 15 January 2026; her 3-month check-in is due on 15 April 2026."""
    Newcomer.objects.filter(pk=world.newcomer.pk).update(moved_at=MOVED)
    world.newcomer.refresh_from_db()
    return world


def answers(**overrides):
    data = {
        "living": "yes",
        "moved_to": "",
        "moved_reason": "",
        "moved_reason_text": "",
        "settled": 4,
        "recommend": 9,
        "work_self": "in_field",
        "helped": ["housing"],
        "helped_text": "",
        "missing": ["kindergarten", "transport"],
        "missing_text": "A bus on Sundays",
        "contact_again": True,
    }
    data.update(overrides)
    return data
