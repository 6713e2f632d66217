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
    monkeypatch.setattr("cases.search.fts_ready", lambda using="default": False)
    case = f.make_case(organisation=world.kommune, newcomer=f.make_newcomer(name="Åse Sørensen"))
    query = case_search(Case.objects.all(), text="Sorensen", user=world.coordinator).query
    assert "cases_newcomer_fts" not in str(query)
    assert _found(world.coordinator, "Sorensen") == {case.reference}
    assert _found(world.coordinator, "sørensen") == {case.reference}


def _index_blocks() -> bytes:
    """What the name search stores, lower case: SQLite's FTS5 segments, or PostgreSQL's
    generated column of folded names."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT block FROM cases_newcomer_fts_data")
        else:
            cursor.execute("SELECT convert_to(lower(name_folded), 'UTF8') FROM contacts_newcomer")
        return b"".join(bytes(row[0]) for row in cursor.fetchall() if row[0] is not None)


def test_erasure_leaves_no_trigram_of_the_name_in_the_index(world):
    # FTS5 only marks a replaced entry deleted; its trigrams stay in the index's segments
    # until they are merged. The erasure merges them (CasesSearchIndex). PostgreSQL's
    # generated column is rewritten with the row.
    from privacy.services import newcomer_erase

    newcomer = f.make_newcomer(name="Qwyxz Vbnmkj", email="qwyxz@example.org")
    f.make_case(organisation=world.kommune, newcomer=newcomer)
    assert b"qwy" in _index_blocks() and b"bnm" in _index_blocks()
    newcomer_erase(newcomer=newcomer, actor=world.coordinator, reason="Asked")
    blocks = _index_blocks()
    assert b"qwy" not in blocks and b"bnm" not in blocks and b"yxz" not in blocks
    assert _found(world.coordinator, "Qwyxz") == set()


def test_a_database_without_the_table_searches_by_folding(world, monkeypatch):
    # Migrated where FTS5 was missing, opened where it is present: no table until the next
    # migrate, and no error meanwhile. PostgreSQL never has the table, and never asks for it.
    from cases import search_fts

    sqlite = connection.vendor == "sqlite"
    case = f.make_case(organisation=world.kommune, newcomer=f.make_newcomer(name="Åse Sørensen"))
    if sqlite:
        with connection.cursor() as cursor:
            for statement in search_fts.DROP:
                cursor.execute(statement)
    monkeypatch.setattr(search_fts, "_ready", {})
    assert _found(world.coordinator, "Sorensen") == {case.reference}
    call_command("migrate", verbosity=0)
    assert search_fts.fts_ready() == sqlite
    assert _found(world.coordinator, "Sorensen") == {case.reference}
