from datetime import date, time

from cases.workingtime import is_working_day, local_at, response_due, working_deadline
from tests.reminders.conftest import at


def test_working_deadline_within_one_day():
    assert working_deadline(at(date(2026, 6, 10), 9), 4) == at(date(2026, 6, 10), 13)


def test_working_deadline_skips_the_weekend():
    # Friday 15:00 + 4 working hours: one hour on Friday, three on Monday.
    assert working_deadline(at(date(2026, 6, 12), 15), 4) == at(date(2026, 6, 15), 11)


def test_working_deadline_skips_17_may():
    # Friday 14 May 2027 15:00; Monday 17 May (Constitution Day) is a public holiday.
    assert not is_working_day(date(2027, 5, 17))
    assert working_deadline(at(date(2027, 5, 14), 15), 4) == at(date(2027, 5, 18), 11)


def test_working_deadline_skips_ascension_day():
    # Wednesday 13 May 2026 12:00 + 2 working days: Thursday 14 May is Ascension Day.
    assert working_deadline(at(date(2026, 5, 13), 12), 16) == at(date(2026, 5, 18), 12)


def test_working_deadline_after_hours_starts_next_morning():
    assert working_deadline(at(date(2026, 6, 10), 20), 1) == at(date(2026, 6, 11), 9)


def test_working_deadline_over_the_dst_weekends():
    # Friday before each change + 8 working hours lands on Monday at the same wall time.
    assert working_deadline(at(date(2026, 3, 27), 12), 8) == at(date(2026, 3, 30), 12)
    assert working_deadline(at(date(2026, 10, 23), 12), 8) == at(date(2026, 10, 26), 12)


def test_response_due_per_priority():
    # Monday 08:00; a whole working day ends at closing time, 16:00.
    start = at(date(2026, 6, 8), 8)
    assert response_due(priority="urgent", start=start) == at(date(2026, 6, 8), 12)
    assert response_due(priority="high", start=start) == at(date(2026, 6, 8), 16)
    assert response_due(priority="normal", start=start) == at(date(2026, 6, 9), 16)
    assert response_due(priority="low", start=start) == at(date(2026, 6, 12), 16)


def test_local_at_normalises_the_spring_gap():
    assert local_at(date(2026, 3, 29), time(2, 30)).hour == 3
