"""The uncoded occupation texts counted as they change (contacts.occupation_tally): the
tally equals a count of the people themselves after every kind of write, folded or not,
on both databases; an erased person's own text leaves no row; the triggers come back
after a migrate that lost them."""

import threading
from collections import Counter

import psycopg
import pytest
from django.core.management.color import no_style
from django.db import OperationalError, connection, transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from cases.occupation_coding import occupation_text_code
from contacts import occupation_tally
from contacts.models import UNCODED_OCCUPATION, HouseholdMember, Newcomer, OccupationTally
from contacts.occupation_tally import (
    _LOCK_KEY,
    occupation_tally_after_migrate,
    occupation_tally_compact,
    occupation_tally_recount,
    occupation_tally_texts,
    triggers,
)
from occupations.models import Occupation
from privacy.services import newcomer_erase
from tests import factories as f

pytestmark = pytest.mark.django_db

NEWCOMER, MEMBER = OccupationTally.Kind.NEWCOMER, OccupationTally.Kind.MEMBER


def people_counts() -> dict[tuple[str, str], int]:
    """What the tally must hold: the counted people, per kind and text as written."""
    counts: Counter[tuple[str, str]] = Counter()
    for text in Newcomer.objects.filter(UNCODED_OCCUPATION, erased_at=None).values_list(
        "occupation", flat=True
    ):
        counts[(NEWCOMER, text)] += 1
    members = HouseholdMember.objects.filter(UNCODED_OCCUPATION).exclude(relation="child")
    for text in members.values_list("occupation", flat=True):
        counts[(MEMBER, text)] += 1
    return dict(counts)


def tally_counts() -> dict[tuple[str, str], int]:
    """What readers get from the tally, folded or not."""
    return {
        (kind, row["occupation"]): row["n"]
        for kind in (NEWCOMER, MEMBER)
        for row in occupation_tally_texts(kind)
    }


def assert_tally_right() -> None:
    assert tally_counts() == people_counts()
    occupation_tally_compact()
    assert tally_counts() == people_counts()
    rows = OccupationTally.objects.all()
    # Folded: one row per text, none empty.
    assert all(row.compacted and row.people > 0 for row in rows)
    assert {(row.kind, row.occupation): row.people for row in rows} == people_counts()


def test_each_kind_of_write_keeps_the_tally(world):
    cook = f.make_newcomer(occupation="Kokk")
    f.make_newcomer(occupation="kokk ")
    f.make_newcomer(occupation="")  # nothing to count
    f.make_newcomer(occupation="Snekker", occupation_code_id="7115")  # coded
    assert tally_counts() == {(NEWCOMER, "Kokk"): 1, (NEWCOMER, "kokk "): 1}
    assert_tally_right()

    cook.occupation = "Sykepleier"
    cook.save()  # every column named: the old text out, the new one in
    assert_tally_right()
    cook.save()  # nothing changed: nothing added
    assert not OccupationTally.objects.filter(compacted=False).exists()

    partner = HouseholdMember.objects.create(newcomer=cook, relation="partner", occupation="Lege")
    child = HouseholdMember.objects.create(newcomer=cook, relation="child", occupation="Elev")
    assert (MEMBER, "Elev") not in tally_counts()
    child.relation = "other"  # an adult now: counted
    child.save()
    assert_tally_right()

    # One UPDATE of many rows, as "Code them all" does.
    occupation_text_code(
        text="kokk", occupation=Occupation.objects.get(code="5120"), actor=world.coordinator
    )
    assert (NEWCOMER, "kokk ") not in tally_counts()
    assert_tally_right()
    Newcomer.objects.filter(occupation="kokk ").update(occupation_code=None)  # uncoded again
    assert tally_counts()[(NEWCOMER, "kokk ")] == 1
    assert_tally_right()

    with connection.cursor() as cursor:  # a write that bypasses the ORM is counted too
        cursor.execute(
            "UPDATE contacts_householdmember SET occupation = 'Lærer' WHERE id = %s", [partner.pk]
        )
    assert_tally_right()

    cook.delete()  # the household goes with it
    assert (MEMBER, "Lærer") not in tally_counts()
    assert_tally_right()


def test_erasure_leaves_no_row_of_the_persons_own_text(world):
    own = "Pilot for Qwertyflyg"
    case = f.make_case(newcomer=f.make_newcomer(occupation=own), organisation=world.kommune)
    HouseholdMember.objects.create(newcomer=case.newcomer, relation="partner", occupation=own)
    f.make_newcomer(occupation="Kokk")
    occupation_tally_compact()
    Newcomer.objects.filter(occupation="Kokk").update(occupation="Kokk ")  # unfolded rows
    newcomer_erase(newcomer=case.newcomer, actor=world.coordinator, reason="Asked by phone")
    assert not OccupationTally.objects.filter(occupation__icontains="qwerty").exists()
    # Other people's rows were folded with it, and are still right.
    assert tally_counts() == people_counts() == {(NEWCOMER, "Kokk "): 1}


def test_a_person_deleted_outright_leaves_no_row_of_their_own_text(world):
    # As the admin does: no erasure, a plain delete (the household goes with it).
    newcomer = f.make_newcomer(occupation="Dykker i Qwertyvika")
    HouseholdMember.objects.create(newcomer=newcomer, relation="partner", occupation="Qwertyfisk")
    f.make_newcomer(occupation="Kokk")
    occupation_tally_compact()
    newcomer.delete()
    assert not OccupationTally.objects.filter(occupation__icontains="qwerty").exists()
    assert tally_counts() == people_counts() == {(NEWCOMER, "Kokk"): 1}


def test_a_flush_leaves_no_tally_whatever_order_it_empties_the_tables():
    f.make_newcomer(occupation="Kokk")
    # What `manage.py flush` and the test runner's flush run, in the order that hurts:
    # SQLite deletes table by table, the tally first and then the people, whose delete
    # triggers must not write rows of -1 into the emptied tally (PostgreSQL truncates
    # them all in one statement). The test runner's flush sends no post_migrate after.
    tally = OccupationTally._meta.db_table
    tables = connection.introspection.django_table_names(only_existing=True)
    statements = connection.ops.sql_flush(
        no_style(), [tally, *(table for table in tables if table != tally)]
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the checks pending in the test's transaction
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
    assert not Newcomer.objects.exists()
    assert not OccupationTally.objects.exists()


def test_a_trigger_of_an_earlier_definition_is_replaced(world):
    f.make_newcomer(occupation="Kokk")
    current = triggers(connection.vendor)
    name, (table, _statement) = next(iter(current.items()))  # the newcomers' insert
    # Left by an earlier release: another name (another digest), and it counts again what
    # the current one counts.
    stale = name[:-8] + "0ld0ld00"
    body = (
        f"EXECUTE FUNCTION {occupation_tally._PG_FUNCTION}('newcomer', 'new')"
        if connection.vendor == "postgresql"
        else "BEGIN INSERT INTO contacts_occupationtally (kind, occupation, people, compacted) "
        "VALUES ('newcomer', NEW.occupation, 1, 0); END"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TRIGGER {stale} AFTER INSERT ON {table} FOR EACH ROW {body}")
    occupation_tally_after_migrate(sender=None, using=connection.alias)
    assert set(occupation_tally._present(connection.alias)) == set(current)
    f.make_newcomer(occupation="Maler")
    assert_tally_right()


def test_a_migrate_brings_back_missing_triggers_and_counts_again(world):
    f.make_newcomer(occupation="Kokk")
    name, (table, _statement) = next(iter(triggers(connection.vendor).items()))
    on_table = f" ON {table}" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {name}{on_table}")
    f.make_newcomer(occupation="Maler")  # not counted: its trigger is gone
    assert (NEWCOMER, "Maler") not in tally_counts()
    occupation_tally_after_migrate(sender=None, using="default")
    assert_tally_right()
    f.make_newcomer(occupation="Maler")
    assert tally_counts()[(NEWCOMER, "Maler")] == 2


def _other_connection() -> psycopg.Connection:
    """A second session on the test database (locks belong to a database)."""
    dsn = connection.settings_dict
    return psycopg.connect(
        host=dsn["HOST"],
        port=dsn["PORT"] or 5432,
        user=dsn["USER"],
        dbname=dsn["NAME"],
        password=dsn["PASSWORD"] or None,
        autocommit=True,
    )


@pytest.mark.postgres
def test_a_compaction_running_elsewhere_is_not_waited_for(world):
    f.make_newcomer(occupation="Kokk")
    other = _other_connection()
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [_LOCK_KEY])
        assert occupation_tally_compact() is False  # left to the one running
        assert OccupationTally.objects.filter(compacted=False).exists()
        assert tally_counts() == people_counts()  # readers add up the unfolded rows
        other.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])
        assert occupation_tally_compact() is True
        assert not OccupationTally.objects.filter(compacted=False).exists()
    finally:
        other.close()


@pytest.mark.postgres
def test_a_recount_waits_for_a_writer_without_holding_a_lock_meanwhile(world, monkeypatch):
    """The recount asks for the people's tables without waiting, and again until they are
    free: holding one while waiting for the other could close a cycle with a writer."""
    f.make_newcomer(occupation="Kokk")
    monkeypatch.setattr(occupation_tally, "LOCK_PAUSE_SECONDS", 0.01)
    other = _other_connection()
    try:
        other.execute("BEGIN")
        other.execute("LOCK TABLE contacts_householdmember IN ROW EXCLUSIVE MODE")  # a writer
        monkeypatch.setattr(occupation_tally, "LOCK_TRIES", 3)
        with pytest.raises(OperationalError):
            occupation_tally_recount()
        # While the recount tries again, the writer takes the other table too (as a
        # delete does, household first) and ends: a recount that held the newcomers while
        # waiting for the household would make that a deadlock.
        writer_took: list[bool] = []

        def writer_goes_on() -> None:
            other.execute("SET lock_timeout = '2s'")
            other.execute("LOCK TABLE contacts_newcomer IN ROW EXCLUSIVE MODE")
            writer_took.append(True)
            other.execute("ROLLBACK")

        monkeypatch.setattr(occupation_tally, "LOCK_TRIES", 300)
        writer = threading.Timer(0.2, writer_goes_on)
        writer.start()
        occupation_tally_recount()  # tries until the writer has ended, then counts
        writer.join()
        assert writer_took == [True]
        assert_tally_right()
    finally:
        other.close()


TEXTS = st.sampled_from(["Kokk", "kokk", " Kokk", "Lege", "Økonom", ""])


class TallyMachine(RuleBasedStateMachine):
    """Random writes to a few people; the tally always equals a count of them."""

    def __init__(self, world) -> None:
        super().__init__()
        self.world = world
        # Each example in a savepoint rolled back at its end.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.newcomers: list[Newcomer] = []
        self.members: list[HouseholdMember] = []

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @rule(text=TEXTS, coded=st.booleans())
    def intake(self, text: str, coded: bool) -> None:
        self.newcomers.append(
            f.make_newcomer(occupation=text, occupation_code_id="5120" if coded else None)
        )

    @rule(data=st.data(), text=TEXTS, relation=st.sampled_from(["partner", "child", "other"]))
    def member_added(self, data, text: str, relation: str) -> None:
        if self.newcomers:
            newcomer = data.draw(st.sampled_from(self.newcomers))
            self.members.append(
                HouseholdMember.objects.create(
                    newcomer=newcomer, relation=relation, occupation=text
                )
            )

    @rule(data=st.data(), text=TEXTS)
    def text_changed(self, data, text: str) -> None:
        people = [*self.newcomers, *self.members]
        if people:
            person = data.draw(st.sampled_from(people))
            person.occupation = text
            person.save()

    @rule(data=st.data(), relation=st.sampled_from(["partner", "child"]))
    def relation_changed(self, data, relation: str) -> None:
        if self.members:
            member = data.draw(st.sampled_from(self.members))
            HouseholdMember.objects.filter(pk=member.pk).update(relation=relation)

    @rule(text=TEXTS, coded=st.booleans())
    def all_of_a_text_coded(self, text: str, coded: bool) -> None:
        code = "5120" if coded else None
        Newcomer.objects.filter(occupation=text).update(occupation_code_id=code)
        HouseholdMember.objects.filter(occupation=text).update(occupation_code_id=code)

    @rule(data=st.data())
    def erased(self, data) -> None:
        live = [n for n in self.newcomers if n.erased_at is None]
        if live:
            newcomer = data.draw(st.sampled_from(live))
            newcomer_erase(newcomer=newcomer, actor=self.world.coordinator, reason="Asked")
            newcomer.refresh_from_db()

    @rule(data=st.data())
    def deleted(self, data) -> None:
        # An erased newcomer is kept, with the record of the request (privacy).
        live = [n for n in self.newcomers if n.erased_at is None]
        if live:
            newcomer = data.draw(st.sampled_from(live))
            self.newcomers.remove(newcomer)
            self.members = [m for m in self.members if m.newcomer_id != newcomer.pk]
            newcomer.delete()

    @rule()
    def compacted(self) -> None:
        occupation_tally_compact()

    @invariant()
    def tally_equals_the_people(self) -> None:
        assert tally_counts() == people_counts()
        assert not OccupationTally.objects.filter(compacted=True, people__lte=0).exists()


def test_tally_equals_the_people_under_random_writes(world):
    run_state_machine_as_test(
        lambda: TallyMachine(world),
        settings=hypothesis_settings(
            max_examples=40,
            stateful_step_count=15,
            deadline=None,
            report_multiple_bugs=False,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
