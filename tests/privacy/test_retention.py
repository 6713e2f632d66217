"""Retention: newcomers whose cases have all been closed for RETENTION_MONTHS are
anonymised by the daily job; the dashboard keeps its figures; a second run changes nothing."""

import dataclasses
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from audit.models import AccessLogEntry
from cases.models import Case, CaseEvent
from contacts.models import HouseholdMember, Newcomer
from privacy.services import ERASED_NAME, newcomer_anonymise_expired
from privacy.tasks import newcomers_prune
from reports.forms import DashboardFilters
from reports.periods import period_pair_resolve
from reports.selectors import dashboard_figures
from tests.reports.conftest import NOW, OSLO, known  # noqa: F401  (the known region)

TODAY = date(2026, 2, 15)
LATER = datetime(2028, 3, 1, 4, 0, tzinfo=OSLO)  # more than 24 months after NOW
# Occupations are free text, erased with the rest: the only dashboard table that changes.
FREE_TEXT_FIGURES = {"occupations", "partner_occupations"}


def _figures(user):
    with translation.override("en"):
        data = dashboard_figures(
            user=user,
            periods=period_pair_resolve(kind="last_month", today=TODAY, first=None, last=None),
            filters=DashboardFilters(),
            today=TODAY,
        )
    return {
        field.name: getattr(data, field.name)
        for field in dataclasses.fields(data)
        if field.name not in FREE_TEXT_FIGURES
    }


def _snapshot():
    return (
        list(Newcomer.objects.order_by("pk").values_list("pk", "name", "email", "erased_at")),
        CaseEvent.objects.count(),
        AccessLogEntry.objects.count(),
    )


@pytest.fixture
def all_closed(known, time_machine):  # noqa: F811
    """Every case of the known region closed at NOW, except the world's, still open."""
    (
        Case.objects.exclude(pk=known.world.case.pk)
        .exclude(status=Case.Status.CLOSED)
        .update(status=Case.Status.CLOSED, closed_at=NOW, closing_reason="answered")
    )
    HouseholdMember.objects.create(newcomer=known.world.newcomer, relation="partner", name="P")
    return known


@pytest.mark.django_db
def test_retention_anonymises_closed_newcomers_and_keeps_figures(all_closed, time_machine):
    world = all_closed.world
    before = _figures(world.coordinator)
    assert newcomer_anonymise_expired(now=NOW) == []  # not yet due

    time_machine.move_to(LATER, tick=False)
    done = newcomer_anonymise_expired(now=LATER)

    kept = Newcomer.objects.get(pk=world.newcomer.pk)
    assert kept.name == "Anna Kowalska" and kept.erased_at is None  # an open case
    erased = Newcomer.objects.exclude(pk=world.newcomer.pk)
    assert sorted(done) == sorted(erased.values_list("pk", flat=True))
    assert len(done) == 5
    for newcomer in erased:
        assert (newcomer.name, newcomer.email, newcomer.occupation) == (ERASED_NAME, "", "")
        assert newcomer.erased_at == LATER
    assert not Case.objects.filter(newcomer__in=erased).exclude(message="[erased]").exists()
    assert AccessLogEntry.objects.filter(action="anonymise", user=None).count() == 5
    assert _figures(world.coordinator) == before


@pytest.mark.django_db
def test_retention_second_run_changes_nothing(all_closed, time_machine):
    time_machine.move_to(LATER, tick=False)
    newcomer_anonymise_expired(now=LATER)
    first = _snapshot()
    time_machine.move_to(LATER + timedelta(days=1), tick=False)
    assert newcomer_anonymise_expired(now=LATER + timedelta(days=1)) == []
    assert _snapshot() == first


@pytest.mark.django_db
def test_retention_logs_counts_and_ids_only(all_closed, time_machine, caplog):
    time_machine.move_to(LATER, tick=False)
    names = list(Newcomer.objects.values_list("name", "email"))
    with caplog.at_level("DEBUG"):
        newcomer_anonymise_expired(now=LATER)
    text = caplog.text
    assert "anonymised 5 newcomers" in text
    for name, email in names:
        assert f" {name} " not in text and email not in text


@pytest.mark.django_db
def test_prune_newcomers_command_dry_run_then_run(all_closed, time_machine):
    time_machine.move_to(LATER, tick=False)
    out = StringIO()
    call_command("prune_newcomers", "--dry-run", stdout=out)
    assert "5 newcomer(s) would be anonymised" in out.getvalue()
    assert not Newcomer.objects.exclude(erased_at=None).exists()
    call_command("prune_newcomers", stdout=out)
    assert Newcomer.objects.exclude(erased_at=None).count() == 5
    assert newcomers_prune() == 0


def test_prune_newcomers_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["prune-newcomers"]
    assert entry["task"] == "privacy.tasks.newcomers_prune"
    assert entry["schedule"].hour == {3}
