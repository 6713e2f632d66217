"""bench/seed.py writes rows without the ORM (COPY on PostgreSQL, with the foreign-key
triggers skipped for speed): the rows it makes must still hold together."""

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from bench import seed as bench_seed
from cases.models import Case, CaseEvent
from onboarding.models import OnboardingPlan, PlanStep
from tests import factories as f
from tests.contacts.test_occupation_tally import people_counts, tally_counts

SEEDED = ("contacts", "cases", "onboarding")


def _orphans() -> dict[str, int]:
    """Rows whose foreign key names no row, for every foreign key of the seeded apps."""
    found = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.app_label not in SEEDED:
                continue
            for field in model._meta.concrete_fields:
                if not field.is_relation:
                    continue
                target = field.related_model._meta
                cursor.execute(
                    f"SELECT COUNT(*) FROM {model._meta.db_table} c "  # noqa: S608 - model names
                    f"LEFT JOIN {target.db_table} p ON c.{field.column} = p.{target.pk.column} "
                    f"WHERE c.{field.column} IS NOT NULL AND p.{target.pk.column} IS NULL"
                )
                count = cursor.fetchone()[0]
                if count:
                    found[f"{model._meta.db_table}.{field.column}"] = count
    return found


@pytest.mark.django_db
def test_bench_seed_rows_hold_together_and_top_up(world):
    bench_seed.seed(30)
    cases = Case.objects.filter(reference__startswith="RUN-")
    assert cases.count() == 30
    assert _orphans() == {}
    for case in cases.prefetch_related("topics"):
        assert case.newcomer.name and 1 <= case.topics.count() <= 3
        assert 5 <= CaseEvent.objects.filter(case=case).count() <= 20
        assert case.newcomer.phone_normalised.startswith("+479")
    plans = OnboardingPlan.objects.filter(case__in=cases)
    assert PlanStep.objects.filter(plan__in=plans).count() >= 8 * plans.count()
    # Plans start after their enquiry, spread over the years like the cases, not all now.
    for plan in plans.select_related("case"):
        assert plan.case.created_at <= plan.started_at <= timezone.now()
    assert len(set(plans.values_list("started_at", flat=True))) == plans.count() > 1

    # The occupation tally's triggers were skipped with the foreign keys: counted after.
    assert tally_counts() == people_counts() != {}

    bench_seed.seed(30)  # already there: nothing added
    assert cases.count() == 30
    bench_seed.seed(45)  # tops up, ids after the ones there
    assert cases.count() == 45 and len({c.reference for c in cases}) == 45
    assert _orphans() == {}
    # The id sequences were moved past the explicit ids: the app's own inserts still work.
    made = f.make_case(organisation=world.kommune)
    assert made.pk > max(cases.values_list("pk", flat=True))


@pytest.mark.django_db
def test_bench_seed_interrupted_leaves_a_usable_database(world, monkeypatch):
    """Each batch moves the id sequences past its ids in its own transaction: a seed
    stopped after a batch leaves a database the app can write to."""
    monkeypatch.setattr(bench_seed, "BATCH", 10)

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(bench_seed, "progress", interrupted)
    with pytest.raises(KeyboardInterrupt):
        bench_seed.seed(30)
    cases = Case.objects.filter(reference__startswith="RUN-")
    assert cases.count() == 10  # the first batch, committed
    made = f.make_case(organisation=world.kommune)
    assert made.pk > max(cases.values_list("pk", flat=True))


@pytest.mark.django_db
def test_bench_seed_goes_on_when_foreign_key_checks_cannot_be_skipped(is_postgres):
    """session_replication_role needs a superuser: refused, the batch goes on (checked)."""
    if not is_postgres:
        pytest.skip("PostgreSQL only (SQLite has no session_replication_role)")
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE tilflytt_seed_test")  # rolled back with the test
        cursor.execute("SET LOCAL ROLE tilflytt_seed_test")
        bench_seed.skip_foreign_key_checks(cursor)
        cursor.execute("SELECT current_setting('session_replication_role')")
        assert cursor.fetchone()[0] == "origin"  # refused, and the transaction still usable
        cursor.execute("RESET ROLE")
