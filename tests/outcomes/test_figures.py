"""Known answers for the Outcomes figures: retention with censoring and carried-forward
leavers, Wilson intervals, the recommendation score and small-cell suppression."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from contacts.models import Newcomer
from outcomes.figures import (
    Share,
    outcome_figures,
    recommendation_score,
    retention,
    scores,
    suppressed,
    wilson,
)
from outcomes.models import Answer, CheckIn, UnmetNeed
from outcomes.schedule import months_after

TODAY = date(2026, 12, 1)


def checkin(*, moved: date, months: int, answer: dict | None = None, newcomer=None, **fields):
    case = fields.pop("case", None)
    newcomer = newcomer or (case.newcomer if case else Newcomer.objects.create(name="N"))
    fields["case"] = case
    due = months_after(moved, months)
    invited = timezone.make_aware(datetime.combine(due, time(10)))
    fields.setdefault("status", CheckIn.Status.ANSWERED if answer else CheckIn.Status.INVITED)
    fields.setdefault("invited_at", invited)
    row = CheckIn.objects.create(
        newcomer=newcomer,
        months=months,
        move_date=moved,
        due_date=due,
        due_at=invited,
        **fields,
    )
    if answer is not None:
        values = {"living": "yes", "settled": 4, "recommend": 8, "work_self": "in_field"}
        values.update(answer)
        Answer.objects.create(
            checkin=row,
            via="portal",
            answered_at=timezone.make_aware(datetime.combine(due, time(12))),
            **values,
        )
    return row


def test_wilson_known_values():
    low, high = wilson(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    low, high = wilson(0, 10)
    assert (round(low, 4), round(high, 4)) == (0.0, 0.2775)


def test_recommendation_score_known_answer():
    # 10, 9, 9, 10, 9 promote; 8, 7 are passive; 6, 0, 3 detract: (5 - 3) / 10 = 20.
    assert recommendation_score(promoters=5, detractors=3, n=10) == 20
    assert recommendation_score(promoters=4, detractors=0, n=4) is None  # under 5 people


@pytest.mark.django_db
def test_recommendation_score_from_answers():
    for value in (10, 9, 9, 10, 9, 8, 7, 6, 0, 3):
        checkin(moved=date(2026, 1, 10), months=3, answer={"recommend": value})
    [row] = scores(answers=Answer.objects.all())
    assert row.quarter == date(2026, 4, 1)
    assert (row.n, row.recommendation, row.settled_mean) == (10, 20, 4.0)


@pytest.mark.django_db
def test_retention_with_censoring_and_carried_leavers():
    """Cohort 2025-Q1: six answer at 12 months (five stayed, one moved away), and one who
    said at 6 months that they had moved away and did not answer at 12: 5 of 7 stayed.
    Cohort 2026-Q2 has not reached 12 months: its planned rows add nothing there (not
    counted as stayed), while its 3-month answers (5 stayed) count at 3 months."""
    early, late = date(2025, 2, 10), date(2026, 5, 5)
    for _ in range(5):
        checkin(moved=early, months=12, answer={"living": "yes"})
    checkin(moved=early, months=12, answer={"living": "away", "moved_to": "oslo"})
    leaver = Newcomer.objects.create(name="L")
    checkin(moved=early, months=6, newcomer=leaver, answer={"living": "away", "moved_to": "abroad"})
    # Asked, no answer; checkin_answer_record marked it when the 6-month answer said away.
    checkin(moved=early, months=12, newcomer=leaver, left_before=True)
    for _ in range(5):
        newcomer = Newcomer.objects.create(name="N")
        checkin(moved=late, months=3, newcomer=newcomer, answer={"living": "within"})
        # Planned but not due until May 2027: must not count as stayed.
        checkin(
            moved=late, months=12, newcomer=newcomer, status=CheckIn.Status.PENDING, invited_at=None
        )
    rows = {
        r.key: r
        for r in retention(
            checkins=CheckIn.objects.all(), months=[3, 6, 12, 24], group="cohort", today=TODAY
        )
    }
    assert rows["2025-Q1"].shares[12] == Share(n=7, part=5)
    assert rows["2025-Q1"].shares[12].percent == 71.4
    assert rows["2026-Q2"].shares[12] == Share(n=0, part=0)
    assert rows["2026-Q2"].shares[3] == Share(n=5, part=5)
    figures = outcome_figures(checkins=CheckIn.objects.all(), months=[3, 6, 12, 24], today=TODAY)
    assert figures.overall.shares[12] == Share(n=7, part=5)
    assert figures.overall.shares[3].percent == 100.0
    assert figures.overall.shares[6].percent is None  # one person: suppressed
    responses = {r.months: (r.invited, r.answered) for r in figures.responses}
    assert responses[12] == (7, 6)  # the pending rows of 2026-Q2 were not asked


@pytest.mark.django_db
def test_suppression_under_five_people():
    for _ in range(4):
        checkin(moved=date(2025, 2, 10), months=12, answer={"missing": ["housing"]})
    figures = outcome_figures(checkins=CheckIn.objects.all(), months=[3, 6, 12, 24], today=TODAY)
    share = figures.overall.shares[12]
    assert share.n == 4
    assert (share.percent, share.low, share.high, share.shown_n) == (None, None, None, None)
    assert figures.work_adults_n is None
    assert {row.key: row.count for row in figures.work_adults}["in_field"] is None
    assert figures.scores[0].recommendation is None and figures.scores[0].settled_mean is None
    assert suppressed(4) is None and suppressed(5) == 5 and suppressed(0) == 0


@pytest.mark.django_db
def test_unmet_needs_by_quarter_top_and_suppressed():
    for i in range(6):
        row = checkin(moved=date(2025, 2, 10), months=12, answer={})
        UnmetNeed.objects.create(answer=row.answer, theme="housing")
        if i < 2:
            UnmetNeed.objects.create(answer=row.answer, theme="transport")
    figures = outcome_figures(checkins=CheckIn.objects.all(), months=[12], today=TODAY)
    [period] = figures.needs
    assert [(r.key, r.count) for r in period.rows] == [("housing", 6), ("transport", None)]
