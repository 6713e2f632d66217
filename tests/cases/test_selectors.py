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
