"""The figures' planner settings on PostgreSQL (reports.selectors.scope.figures_planner):
web connections start without JIT and parallel workers (config.env.POSTGRES_OPTIONS); the
dashboard and the occupation counts get theirs for their transaction, and only for it."""

import pytest
from django.db import connection, transaction
from django.utils import timezone

import reports.selectors.dashboard as dashboard
import reports.unmapped as unmapped
from reports.forms import DashboardFilters
from reports.periods import month_pair
from reports.selectors.scope import FIGURES_PARALLEL_WORKERS, figures_planner


def _planner() -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('random_page_cost'),"
            " current_setting('max_parallel_workers_per_gather')"
        )
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres
def test_figures_get_parallel_workers_back_for_their_transaction_only():
    # Web connections start without parallel workers (config.env.POSTGRES_OPTIONS); the
    # figures' transaction takes PostgreSQL's default back, and it ends with it, also
    # inside a caller's transaction (where SET LOCAL would last to the caller's end).
    pages = _planner()
    assert pages[2] == "0"
    with figures_planner(connection.alias):
        assert _planner() == ("off", "1.1", str(FIGURES_PARALLEL_WORKERS))
    assert _planner() == pages
    with transaction.atomic():
        with figures_planner(connection.alias):
            assert _planner()[2] == str(FIGURES_PARALLEL_WORKERS)
        assert _planner() == pages
        # A rolled-back savepoint undoes the settings by itself.
        with pytest.raises(RuntimeError), figures_planner(connection.alias):
            raise RuntimeError
        assert _planner() == pages
    assert _planner() == pages


@pytest.mark.django_db
@pytest.mark.postgres
def test_dashboard_and_occupation_counts_run_with_the_figures_planner(world, monkeypatch):
    seen = []

    def spy(original):
        def wrapper(*args, **kwargs):
            seen.append((original.__name__, _planner()[2]))
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(dashboard, "onboarding_figures", spy(dashboard.onboarding_figures))
    monkeypatch.setattr(unmapped, "_per_spelling", spy(unmapped._per_spelling))
    today = timezone.localdate()
    dashboard.dashboard_figures(
        user=world.coordinator,
        periods=month_pair(month=today.replace(day=1), today=today),
        filters=DashboardFilters(),
        today=today,
    )
    # A member's occupation counts read people (a coordinator's read the small tally).
    unmapped.unmapped_occupations(user=world.owner)
    assert seen == [
        ("onboarding_figures", "2"),
        ("_per_spelling", "2"),
        ("_per_spelling", "2"),
    ]
    assert _planner()[2] == "0"
