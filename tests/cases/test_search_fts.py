"""SQLite's FTS5 table for the name search (cases.search_fts): its triggers come back after
every migrate (a migration that remakes contacts_newcomer drops them), and without the
trigram tokenizer the search folds each name instead."""

import pytest
from django.core.management import call_command
from django.db import connection

from cases.models import Case
from cases.search import case_search
from cases.selectors import case_list_visible
from tests import factories as f

pytestmark = pytest.mark.django_db


def _found(user, text: str) -> set[str]:
    cases = case_search(case_list_visible(user=user), text=text, user=user)
    return set(cases.values_list("reference", flat=True))


def test_migrate_brings_back_a_dropped_trigger_and_the_rows_written_meanwhile(world):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL stores the folded name in a generated column")
    with connection.cursor() as cursor:
        # What remaking contacts_newcomer on SQLite does to the triggers.
        cursor.execute("DROP TRIGGER cases_newcomer_fts_insert")
    meanwhile = f.make_case(
        organisation=world.kommune, newcomer=f.make_newcomer(name="Ødegård Nyström")
    )
    assert _found(world.coordinator, "Odegard") == set()  # the trigger is gone
    call_command("migrate", verbosity=0)
    later = f.make_case(organisation=world.kommune, newcomer=f.make_newcomer(name="Åsmund Ødegård"))
    assert _found(world.coordinator, "Odegard") == {meanwhile.reference, later.reference}


def test_search_folds_each_name_without_the_trigram_tokenizer(world, monkeypatch):
    monkeypatch.setattr("cases.search.fts_supported", lambda using="default": False)
    case = f.make_case(organisation=world.kommune, newcomer=f.make_newcomer(name="Åse Sørensen"))
    query = case_search(Case.objects.all(), text="Sorensen", user=world.coordinator).query
    assert "cases_newcomer_fts" not in str(query)
    assert _found(world.coordinator, "Sorensen") == {case.reference}
    assert _found(world.coordinator, "sørensen") == {case.reference}
