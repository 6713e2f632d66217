"""The dashboard's figures read indexes alone on PostgreSQL (cases/migrations/0016,
reports/migrations/0003). Which plan the planner picks on a test's tiny tables depends on
what earlier tests left, so the indexes themselves are checked, as for the case list's
status index (tests/cases/test_count_estimate.py)."""

import pytest
from django.db import connection

COVERING = {
    # The workload: open cases by status, organisation and owner.
    "cases_case_owner_open": "(owner_id, created_at, id)"
    " INCLUDE (status, responsible_organisation_id) WHERE ((status)::text <> 'closed'::text)",
    # Steps due in a period: applicable, on time (done_at), members' plans.
    "reports_planstep_due": "(due_date) INCLUDE (status, done_at, plan_id)",
    "reports_planstep_done": "(done_at) INCLUDE (plan_id) WHERE ((status)::text = 'done'::text)",
    # Overdue steps in plan order: grouped per plan without a sort.
    "reports_planstep_open_plan": "(plan_id, due_date) WHERE ((status)::text = 'open'::text)",
    "reports_plan_started": "(started_at) INCLUDE (case_id)",
}


@pytest.mark.django_db
@pytest.mark.postgres
def test_dashboard_indexes_cover_what_the_figures_read():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)",
            [list(COVERING)],
        )
        found = dict(cursor.fetchall())
    assert {name: found.get(name, "").split(" USING btree ")[-1] for name in COVERING} == COVERING


def _planner() -> tuple[str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('jit'), current_setting('random_page_cost'),"
            " current_setting('max_parallel_workers_per_gather')"
        )
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_figures_get_parallel_workers_back_for_their_transaction_only():
    # Web connections start without parallel workers (config.env.POSTGRES_OPTIONS); the
    # figures' transaction takes PostgreSQL's default back, and it ends with it, also
    # inside a caller's transaction (where SET LOCAL would last to the caller's end).
    from django.db import transaction

    from reports.selectors.scope import FIGURES_PARALLEL_WORKERS, figures_planner

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
    from django.utils import timezone

    import reports.selectors.dashboard as dashboard
    import reports.unmapped as unmapped
    from reports.forms import DashboardFilters
    from reports.periods import month_pair

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
    unmapped.unmapped_occupations(user=world.coordinator)
    assert seen == [
        ("onboarding_figures", "2"),
        ("_per_spelling", "2"),
        ("_per_spelling", "2"),
    ]
    assert _planner()[2] == "0"
