"""Selectors built on the visibility rule (cases.selectors)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import FollowUp
from cases.selectors import my_followups_open, visible_through
from tests import factories as f


@pytest.mark.django_db
def test_visible_through_keeps_rows_of_visible_cases_only(world):
    today = timezone.localdate()
    hidden_case = f.make_case(organisation=world.nav)
    seen = f.make_followup(case=world.case, assignee=world.owner, due_date=today)
    hidden = f.make_followup(case=hidden_case, assignee=world.outsider, due_date=today)
    rows = FollowUp.objects.filter(pk__in=[seen.pk, hidden.pk])
    assert list(visible_through(rows, user=world.reader)) == [seen]
    assert set(visible_through(rows, user=world.coordinator)) == {seen, hidden}


@pytest.mark.django_db
def test_visible_through_leaves_a_coordinators_rows_unfiltered(world):
    """Coordinators see every case: no subquery over all cases is added."""
    rows = FollowUp.objects.filter(done_at__isnull=True)
    assert "cases_case" not in str(visible_through(rows, user=world.coordinator).query)
    assert "cases_case" in str(visible_through(rows, user=world.reader).query)


@pytest.mark.django_db
def test_my_followups_open_for_a_coordinator_and_a_member(world):
    today = timezone.localdate()
    own = f.make_followup(case=world.case, assignee=world.reader, due_date=today)
    elsewhere = f.make_case(organisation=world.nav)
    # Holding an open follow-up makes the case visible to its assignee.
    held = f.make_followup(
        case=elsewhere, assignee=world.reader, due_date=today - timedelta(days=1)
    )
    assert list(my_followups_open(user=world.reader)) == [held, own]
    coordinator_task = f.make_followup(case=elsewhere, assignee=world.coordinator, due_date=today)
    assert list(my_followups_open(user=world.coordinator)) == [coordinator_task]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(6))
def test_my_cases_open_first_matches_sorting_every_open_case(world, seed):
    """The first rows of "My work" come from two short walks (the oldest overdue, the oldest
    of all); they must be exactly what sorting all the owner's open cases gives, whether
    overdue cases are fewer or more than the limit, and whichever are oldest."""
    import random

    from cases.models import Case
    from cases.selectors import my_cases_open_first

    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    overdue = set()
    for _ in range(8):
        case = f.make_case(organisation=world.kommune, owner=world.owner)
        created = now - timedelta(days=rng.randrange(100), minutes=rng.randrange(60))
        Case.objects.filter(pk=case.pk).update(created_at=created)
        if rng.random() < 0.4:
            f.make_followup(case=case, assignee=world.owner, due_date=today - timedelta(days=1))
            overdue.add(case.pk)
        elif rng.random() < 0.5:  # done, or not yet due: not overdue
            if rng.random() < 0.5:
                done = f.make_followup(
                    case=case, assignee=world.owner, due_date=today - timedelta(days=2)
                )
                f.mark_done(done, at=now)
            else:
                f.make_followup(case=case, assignee=world.owner, due_date=today + timedelta(days=3))
    open_cases = Case.objects.filter(owner=world.owner).exclude(status="closed")
    expected = [
        pk
        for pk, _created in sorted(
            open_cases.values_list("pk", "created_at"),
            key=lambda row: (row[0] not in overdue, row[1], row[0]),
        )
    ]
    for limit in (1, 2, 3, 5, 9, 20):
        rows = my_cases_open_first(user=world.owner, today=today, limit=limit)
        assert [case.pk for case in rows] == expected[:limit], limit
        assert [case.has_overdue for case in rows] == [pk in overdue for pk in expected[:limit]]
