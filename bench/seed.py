"""Fill a database with a realistic shape for the benchmarks.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tilflytt_bench
    .venv/bin/python bench/seed.py --cases 100000

Migrates, then adds cases up to N (rows with references RUN-...), each with a newcomer and a
household, 1-3 topics, 5-20 timeline events, 0-3 follow-ups, shares across four
organisations, and for a third of them an onboarding plan with 8-14 steps; spread over five
years, most old cases closed. On PostgreSQL it then runs VACUUM ANALYZE if it added rows.
Also makes the bench logins (bench-coordinator, bench-member) and an API token, printed as
the last line so bench/run.py can read it. Idempotent: a second run only tops up to N. Use
a database of its own.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("SECURE_SSL", "false")

BATCH = 2000
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
    return orgs, users


def seed(n: int) -> None:
    from django.db import transaction
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
    municipalities = list(Municipality.objects.values_list("pk", flat=True))
    topics = list(Topic.objects.values_list("pk", flat=True))
    owners = list(users.values())
    through_topics = Case.topics.through
    through_shares = Case.shared_with.through
    started = time.perf_counter()
    for offset in range(have, n, BATCH):
        size = min(BATCH, n - offset)
        with transaction.atomic():
            newcomers = Newcomer.objects.bulk_create(
                Newcomer(
                    name=f"{rng.choice(NAMES)} {offset + i}",
                    email=f"run-{offset + i}@example.org",
                    # Every newcomer a number of their own, as contacts.phones stores it.
                    phone=f"+47 9{offset + i:07d}",
                    phone_normalised=f"+479{offset + i:07d}",
                    municipality_id=rng.choice(municipalities),
                    lifecycle=rng.choice(["considering", "planning", "arrived", "settled", "left"]),
                    target_group=rng.choice(["family", "eu_worker", "returning", "student"]),
                    occupation=rng.choice(JOBS),
                    partner_needs_work=rng.random() < 0.3,
                )
                for i in range(size)
            )
            HouseholdMember.objects.bulk_create(
                HouseholdMember(newcomer=nc, relation="child", birth_year=2010 + rng.randrange(16))
                for nc in newcomers
                for _ in range(rng.randrange(3))
            )
            Consent.objects.bulk_create(
                Consent(newcomer=nc, scope=scope, text_version="bench")
                for nc in newcomers
                for scope in ("municipality", "school")
            )
            cases = []
            for i, newcomer in enumerate(newcomers):
                created = now - timedelta(seconds=rng.randrange(5 * 365 * 86400))
                old = now - created > timedelta(days=60)
                status = (
                    "closed"
                    if rng.random() < (0.95 if old else 0.3)
                    else rng.choice(["new", "open", "open", "waiting"])
                )
                cases.append(
                    Case(
                        reference=f"RUN-{created.year}-{offset + i:06d}",
                        newcomer=newcomer,
                        channel=rng.choice(["form", "phone", "email", "event"]),
                        message="I would like to know more about moving.",
                        status=status,
                        closing_reason="answered" if status == "closed" else "",
                        priority=rng.choice(["normal", "normal", "high", "low"]),
                        responsible_organisation=rng.choice(orgs),
                        owner=rng.choice(owners) if rng.random() < 0.7 else None,
                        created_at=created,
                        first_response_at=created + timedelta(hours=rng.randrange(1, 72))
                        if status != "new"
                        else None,
                        closed_at=created + timedelta(days=rng.randrange(1, 60))
                        if status == "closed"
                        else None,
                    )
                )
            cases = Case.objects.bulk_create(cases)
            through_topics.objects.bulk_create(
                through_topics(case_id=c.pk, topic_id=t)
                for c in cases
                for t in rng.sample(topics, rng.randint(1, 3))
            )
            through_shares.objects.bulk_create(
                through_shares(case_id=c.pk, organisation_id=rng.choice(orgs).pk)
                for c in cases
                if rng.random() < 0.3
            )
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case=c,
                    kind=rng.choice(
                        [
                            "cases.case.status_changed",
                            "cases.note.added",
                            "cases.case.owner_changed",
                        ]
                    ),
                    actor=rng.choice(owners),
                    data={"from": "new", "to": "open"},
                    created_at=c.created_at + timedelta(hours=k),
                )
                for c in cases
                for k in range(rng.randint(5, 20))
            )
            FollowUp.objects.bulk_create(
                FollowUp(
                    case=c,
                    title="Call back",
                    assignee=rng.choice(owners),
                    created_by=owners[0],
                    due_date=(c.created_at + timedelta(days=rng.randrange(1, 30))).date(),
                    done_at=None
                    if c.status != "closed" and rng.random() < 0.5
                    else c.created_at + timedelta(days=2),
                )
                for c in cases
                for _ in range(rng.randrange(4))
            )
            planned = [c for c in cases if rng.random() < 0.33]
            plans = OnboardingPlan.objects.bulk_create(
                OnboardingPlan(case=c, move_date=(c.created_at + timedelta(days=90)).date())
                for c in planned
            )
            steps = []
            for plan in plans:
                for k in range(rng.randint(8, 14)):
                    due = plan.move_date + timedelta(days=k * 7)
                    # Steps are done around their due date; none is done in the future.
                    done_on = due + timedelta(days=rng.randint(-10, 14))
                    done = rng.random() < 0.85 and done_on < now.date()
                    steps.append(
                        PlanStep(
                            plan=plan,
                            titles={"nb": f"Steg {k}", "en": f"Step {k}"},
                            title_nb=f"Steg {k}",
                            title_en=f"Step {k}",
                            doer=rng.choice(["team", "newcomer"]),
                            organisation=rng.choice(orgs),
                            assignee=rng.choice(owners) if rng.random() < 0.3 else None,
                            anchor="move_date",
                            offset_days=k * 7,
                            due_date=due,
                            status="done" if done else "open",
                            done_at=now.replace(
                                year=done_on.year, month=done_on.month, day=done_on.day
                            )
                            if done
                            else None,
                        )
                    )
            PlanStep.objects.bulk_create(steps)
        total = offset + size
        rate = (total - have) / (time.perf_counter() - started)
        print(f"{total} cases ({rate:.0f}/s)", flush=True)


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
    setup()
    from cases.models import Case

    before = Case.objects.count()
    seed(args.cases)
    vacuum(Case.objects.count() != before)
    print(f"TOKEN {token()}")


if __name__ == "__main__":
    main()
