"""A newcomer's check-ins and answers: in their copy; after erasure, anonymous aggregates
that still count on the dashboard (docs/outcomes.md)."""

from datetime import date

import time_machine

from outcomes.figures import Share, outcome_figures
from outcomes.models import Answer, CheckIn, CheckInOptOut, UnmetNeed
from outcomes.services import checkin_answer_record, checkins_sweep
from privacy.services import newcomer_erase, newcomer_export_data
from tests.outcomes.conftest import answers
from tests.reminders.conftest import at

APRIL_15 = date(2026, 4, 15)


def _answered(moved):
    with time_machine.travel(at(APRIL_15, 10, 0), tick=False):
        checkins_sweep()
        checkin_answer_record(
            checkin=CheckIn.objects.get(months=3), answers=answers(contact_again=False)
        )
    return CheckIn.objects.get(months=3)


def test_export_has_the_answers(moved):
    _answered(moved)
    data = newcomer_export_data(newcomer=moved.newcomer)
    [row] = data["settling_in_checkins"]
    assert row["months"] == 3
    assert row["answer"]["missing_text"] == "A bus on Sundays"
    assert data["settling_in_no_more_contact_since"] is not None


def test_erasure_keeps_anonymous_aggregates(moved):
    checkin = _answered(moved)
    with time_machine.travel(at(APRIL_15, 12, 0), tick=False):
        newcomer_erase(newcomer=moved.newcomer, actor=moved.coordinator, reason="asked")
    checkin.refresh_from_db()
    assert (checkin.newcomer_id, checkin.case_id) == (None, None)
    assert checkin.move_date == date(2026, 1, 1)  # the cohort's quarter, not the day
    assert checkin.due_date == date(2026, 4, 1)
    answer = Answer.objects.get()
    assert (answer.moved_reason_text, answer.helped_text, answer.missing_text) == ("", "", "")
    assert (answer.living, answer.settled, answer.recommend) == ("yes", 4, 9)
    assert UnmetNeed.objects.filter(theme="transport").exists()
    assert not CheckInOptOut.objects.exists()
    figures = outcome_figures(
        checkins=CheckIn.objects.all(), months=[3, 6, 12, 24], today=date(2026, 12, 1)
    )
    assert figures.overall.shares[3] == Share(n=1, part=1)  # still counted (suppressed shown)
