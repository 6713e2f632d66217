"""Fill a database with a realistic shape for the benchmarks.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1m
    .venv/bin/python bench/seed.py --cases 1000000

Migrates, then adds cases up to N (rows with references RUN-...), each with a newcomer and a
household, 1-3 topics, 5-20 timeline events, 0-3 follow-ups, shares across four
organisations, and for a third of them an onboarding plan with 8-14 steps; spread over five
years, most old cases closed. On PostgreSQL it then runs VACUUM ANALYZE if it added rows.
Also makes the bench logins (bench-coordinator, bench-member, bench-small) and an API
token, printed as the last line so bench/run.py can read it. Idempotent: a second run only
tops up to N. Use a database of its own.

Rows are written without the ORM, about 25 per case (a million cases is 25 million rows):
on PostgreSQL by COPY (psycopg 3), on SQLite by executemany, each batch in one transaction,
with explicit ids taken after the highest present (the sequences are moved past them at the
end). Only the columns the bench varies are generated; every other column gets its model
default, computed once. Nothing is dropped: the app's indexes and constraints stay and are
kept up to date as rows arrive. A one-line progress bar goes to stderr.
"""

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL", "false")

BATCH = 5000
PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway benchmark login
NAMES = (
    "Anna Kowalska",
    "Olena Kovalenko",
    "Jonas Berg",
    "Maria Santos",
    "Ahmad Haddad",
    "Lukas Schmidt",
    "Ingrid Nilsen",
    "Tomasz Nowak",
    "Aiko Tanaka",
    "Sara Johansen",
)
JOBS = ("Nurse", "Welder", "Teacher", "Engineer", "Electrician", "Chef", "Developer", "")
LIFECYCLES = ("considering", "planning", "arrived", "settled", "left")
GROUPS = ("family", "eu_worker", "returning", "student")
CHANNELS = ("form", "phone", "email", "event")
EVENT_KINDS = ("cases.case.status_changed", "cases.note.added", "cases.case.owner_changed")
EVENT_DATA = json.dumps({"from": "new", "to": "open"})


def setup() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def staff():
    from django.contrib.auth import get_user_model

    from contacts.models import Membership, Organisation

    kinds = ["municipality", "school", "nav", "employer"]
    orgs = [
        Organisation.objects.get_or_create(name=f"Run {kind}", defaults={"kind": kind})[0]
        for kind in kinds
    ]
    users = {}
    for username, org, role in (
        ("bench-coordinator", orgs[0], Membership.Role.COORDINATOR),
        ("bench-member", orgs[1], Membership.Role.MEMBER),
    ):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": role})
        users[username] = user
    # Someone who sees next to nothing: a member of an organisation with no case of its own
    # yet. Not among the owners the cases are given to (docs/benchmarks.md, "A member's
    # list keys": the newest-first walk read every case for such a person).
    small = Organisation.objects.get_or_create(
        name="Run newcomer office", defaults={"kind": "municipality"}
    )[0]
    user, _ = get_user_model().objects.get_or_create(username="bench-small")
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.get_or_create(
        user=user, organisation=small, defaults={"role": Membership.Role.MEMBER}
    )
    return orgs, users


class Table:
    """The rows of one table for one batch: `add(...)` takes the generated columns, in
    `columns` order, gives the row the next id and returns it; the other columns get the
    model's defaults. `flush()` writes the batch."""

    def __init__(self, model, columns: tuple[str, ...], *, now: datetime) -> None:
        from django.db import connection
        from django.db.models import Max

        fields = {f.column: f for f in model._meta.concrete_fields}
        self.name = model._meta.db_table
        self.next_id = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        rest = [c for c in fields if c not in ("id", *columns)]
        self.columns = ("id", *columns, *rest)
        self.fixed = tuple(_default(fields[c], now) for c in rest)
        self.rows: list[tuple] = []
        self.vendor = connection.vendor

    def add(self, *values) -> int:
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values, *self.fixed))
        return pk

    def flush(self, cursor) -> None:
        if not self.rows:
            return
        columns = ", ".join(self.columns)
        if self.vendor == "postgresql":
            # The raw psycopg cursor: COPY has no place in Django's cursor wrapper.
            with cursor.cursor.copy(f"COPY {self.name} ({columns}) FROM STDIN") as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(self.columns))
            cursor.executemany(
                f"INSERT INTO {self.name} ({columns}) VALUES ({marks})",  # noqa: S608 - model names
                [tuple(_sqlite(v) for v in row) for row in self.rows],
            )
        self.rows = []

    def sequence_reset(self, cursor) -> None:
        """PostgreSQL: move the id sequence past the explicit ids (SQLite's AUTOINCREMENT
        follows the highest id by itself)."""
        if self.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "  # noqa: S608 - model names
                f"(SELECT COALESCE(MAX(id), 1) FROM {self.name}))",
                [self.name],
            )


def _default(field, now: datetime):
    value = now if field.get_internal_type() == "DateTimeField" and not field.null else None
    if value is None:
        value = field.get_default()
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, str):
        return str(value)  # a TextChoices member as its plain value
    return value


def _sqlite(value):
    """What Django's SQLite backend stores: naive UTC datetimes in ISO form."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


def progress(done: int, total: int, started: float) -> None:
    """One line, rewritten in place on a terminal; a line per tenth in a log."""
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed else 0.0
    left = (total - done) / rate if rate else 0.0
    width = 30
    bar = "#" * int(width * done / total)
    line = (
        f"[{bar:<{width}}] {done:>9,}/{total:,} cases  {rate:,.0f}/s  "
        f"{elapsed:5.0f} s, about {left:.0f} s left"
    )
    if sys.stderr.isatty():
        print("\r" + line, end="" if done < total else "\n", file=sys.stderr, flush=True)
    elif done == total or done * 10 // total != (done - BATCH) * 10 // total:
        print(line, file=sys.stderr, flush=True)


def seed(n: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import Case, CaseEvent, FollowUp, Topic
    from contacts.models import Consent, HouseholdMember, Municipality, Newcomer
    from onboarding.models import OnboardingPlan, PlanStep

    orgs, users = staff()
    have = Case.objects.filter(reference__startswith="RUN-").count()
    if have >= n:
        print(f"{have} bench cases already there")
        return
    rng = random.Random(2026 + have)
    now = timezone.now()
    today = now.date()
    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    topics = list(Topic.objects.values_list("pk", flat=True))
    org_ids = [o.pk for o in orgs]
    owner_ids = [u.pk for u in users.values()]
    t = {
        "newcomers": Table(
            Newcomer,
            (
                "name",
                "email",
                "phone",
                "phone_normalised",
                "municipality_id",
                "lifecycle",
                "target_group",
                "occupation",
                "partner_needs_work",
            ),
            now=now,
        ),
        "household": Table(HouseholdMember, ("newcomer_id", "relation", "birth_year"), now=now),
        "consents": Table(Consent, ("newcomer_id", "scope", "text_version"), now=now),
        "cases": Table(
            Case,
            (
                "reference",
                "newcomer_id",
                "channel",
                "message",
                "status",
                "closing_reason",
                "priority",
                "responsible_organisation_id",
                "owner_id",
                "created_at",
                "first_response_at",
                "closed_at",
            ),
            now=now,
        ),
        "topics": Table(Case.topics.through, ("case_id", "topic_id"), now=now),
        "shares": Table(Case.shared_with.through, ("case_id", "organisation_id"), now=now),
        "events": Table(CaseEvent, ("case_id", "kind", "actor_id", "data", "created_at"), now=now),
        "followups": Table(
            FollowUp,
            ("case_id", "title", "assignee_id", "created_by_id", "due_date", "done_at", "rests"),
            now=now,
        ),
        "plans": Table(OnboardingPlan, ("case_id", "move_date", "started_at"), now=now),
        "steps": Table(
            PlanStep,
            (
                "plan_id",
                "titles",
                "title_nb",
                "title_en",
                "doer",
                "organisation_id",
                "assignee_id",
                "anchor",
                "offset_days",
                "due_date",
                "status",
                "done_at",
                "rests",
            ),
            now=now,
        ),
    }
    titles = [json.dumps({"nb": f"Steg {k}", "en": f"Step {k}"}) for k in range(15)]
    started = time.perf_counter()
    hour = timedelta(hours=1)
    for offset in range(have, n, BATCH):
        size = min(BATCH, n - offset)
        for i in range(offset, offset + size):
            newcomer = t["newcomers"].add(
                f"{rng.choice(NAMES)} {i}",
                f"run-{i}@example.org",
                # Every newcomer a number of their own, as contacts.phones stores it.
                f"+47 9{i:07d}",
                f"+479{i:07d}",
                rng.choice(municipalities),
                rng.choice(LIFECYCLES),
                rng.choice(GROUPS),
                rng.choice(JOBS),
                rng.random() < 0.3,
            )
            for _ in range(rng.randrange(3)):
                t["household"].add(newcomer, "child", 2010 + rng.randrange(16))
            for scope in ("municipality", "school"):
                t["consents"].add(newcomer, scope, "bench")
            created = now - timedelta(seconds=rng.randrange(5 * 365 * 86400))
            old = now - created > timedelta(days=60)
            status = (
                "closed"
                if rng.random() < (0.95 if old else 0.3)
                else rng.choice(["new", "open", "open", "waiting"])
            )
            case = t["cases"].add(
                f"RUN-{created.year}-{i:06d}",
                newcomer,
                rng.choice(CHANNELS),
                "I would like to know more about moving.",
                status,
                "answered" if status == "closed" else "",
                rng.choice(["normal", "normal", "high", "low"]),
                rng.choice(org_ids),
                rng.choice(owner_ids) if rng.random() < 0.7 else None,
                created,
                created + timedelta(hours=rng.randrange(1, 72)) if status != "new" else None,
                created + timedelta(days=rng.randrange(1, 60)) if status == "closed" else None,
            )
            for topic in rng.sample(topics, rng.randint(1, 3)):
                t["topics"].add(case, topic)
            if rng.random() < 0.3:
                t["shares"].add(case, rng.choice(org_ids))
            for k in range(rng.randint(5, 20)):
                t["events"].add(
                    case,
                    rng.choice(EVENT_KINDS),
                    rng.choice(owner_ids),
                    EVENT_DATA,
                    created + k * hour,
                )
            for _ in range(rng.randrange(4)):
                t["followups"].add(
                    case,
                    "Call back",
                    rng.choice(owner_ids),
                    owner_ids[0],
                    (created + timedelta(days=rng.randrange(1, 30))).date(),
                    None
                    if status != "closed" and rng.random() < 0.5
                    else created + timedelta(days=2),
                    status == "closed",  # rests while the case is closed
                )
            if rng.random() < 0.33:
                move_date = (created + timedelta(days=90)).date()
                # Started within two weeks of the enquiry: a plan's default (now) had put
                # every plan in the current month, and the dashboard's "plans started" read
                # all of them at every size (docs/benchmarks.md).
                plan_started = min(created + timedelta(hours=rng.randrange(14 * 24)), now)
                plan = t["plans"].add(case, move_date, plan_started)
                for k in range(rng.randint(8, 14)):
                    due = move_date + timedelta(days=k * 7)
                    # Steps are done around their due date; none is done in the future.
                    done_on = due + timedelta(days=rng.randint(-10, 14))
                    done = rng.random() < 0.85 and done_on < today
                    t["steps"].add(
                        plan,
                        titles[k],
                        f"Steg {k}",
                        f"Step {k}",
                        rng.choice(["team", "newcomer"]),
                        rng.choice(org_ids),
                        rng.choice(owner_ids) if rng.random() < 0.3 else None,
                        "move_date",
                        k * 7,
                        due,
                        "done" if done else "open",
                        now.replace(year=done_on.year, month=done_on.month, day=done_on.day)
                        if done
                        else None,
                        status == "closed",
                    )
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                skip_foreign_key_checks(cursor)
            for table in t.values():  # in dependency order
                table.flush(cursor)
            # In the batch's transaction: a seed interrupted later leaves sequences past
            # every id written, so the database stays usable.
            for table in t.values():
                table.sequence_reset(cursor)
        progress(offset + size - have, n - have, started)
    # The batches skipped the triggers on PostgreSQL (skip_foreign_key_checks), the
    # occupation tally's among them: count it from the people written.
    from contacts.occupation_tally import occupation_tally_recount

    occupation_tally_recount()
    # Likewise each case's next follow-up date, which the services keep as they write.
    from cases.followup_due import followup_due_sync

    followup_due_sync()


def skip_foreign_key_checks(cursor) -> None:
    """The foreign keys are deferred triggers, checked row by row at COMMIT: three quarters
    of the time. The ids here are consistent by construction (tests/test_bench_seed.py
    checks a seeded database), so the batch's transaction skips them; the constraints stay
    and hold for every later write. Only a superuser may: otherwise (a savepoint keeps the
    transaction usable) the checks run, slower."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
    except DatabaseError:
        print("seed: not a superuser, foreign keys checked at each commit", file=sys.stderr)


def vacuum(added: bool) -> None:
    """VACUUM ANALYZE after seeding on PostgreSQL: fresh statistics, and the visibility map
    that lets the counts of "My work" and the dashboard answer from their indexes alone
    (index-only scans), as they do once autovacuum has visited a live database."""
    from django.db import connection

    if added and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def token() -> str:
    from django.contrib.auth import get_user_model

    from contacts.models import ApiToken
    from contacts.services import api_token_create

    user = get_user_model().objects.get(username="bench-coordinator")
    ApiToken.objects.filter(user=user, name="bench").delete()
    _token, secret = api_token_create(user=user, name="bench")
    return secret


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    started = time.perf_counter()
    setup()
    from cases.models import Case

    before = Case.objects.count()
    seed(args.cases)
    vacuum_started = time.perf_counter()
    vacuum(Case.objects.count() != before)
    print(
        f"seeded {Case.objects.count() - before} cases in {time.perf_counter() - started:.0f} s "
        f"(VACUUM ANALYZE {time.perf_counter() - vacuum_started:.0f} s)",
        file=sys.stderr,
    )
    print(f"TOKEN {token()}")


if __name__ == "__main__":
    main()
