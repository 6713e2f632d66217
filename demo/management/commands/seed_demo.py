"""Demo data for trying Tilflytt locally: the region's agencies, five staff logins and a
couple of hundred newcomers whose enquiries have a believable history.

`make run` calls this before every `runserver`, so it must be idempotent:
- organisations and users are found by name and username; existing demo users get their
  password reset, so the logins printed at the end always work (demo.people);
- newcomers are found by their demo address (demo-0001@example.org); a newcomer who exists
  is skipped together with all of their cases (demo.enquiries);
- the plan is drawn before anything is written and depends only on the seed and today's
  date, so newcomer 17 is the same person with the same history on every run (demo.plan);
- offers, reply templates and the unknown sender's mail are found by name or address, and
  plans and conversations are only started for newcomers this run created (demo.onboarding,
  demo.conversations).
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from demo.conversations import conversations_seed, reply_templates_seed, unknown_sender_seed
from demo.enquiries import newcomers_build
from demo.jobs import jobs_seed
from demo.occupations import demo_occupations_code
from demo.onboarding import local_offers_seed, onboarding_plans_seed
from demo.outcomes import checkins_seed
from demo.people import logins_table, organisations_seed, superuser_seed, users_seed
from demo.plan import plans_draw
from demo.texts import DEFAULT_PASSWORD, SEED


class Command(BaseCommand):
    help = "Loads demo organisations, logins and newcomers with case histories (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="password for the demo logins (default: %(default)s)",
        )
        parser.add_argument(
            "--force", action="store_true", help="run even with DEBUG off (the logins are public)"
        )
        parser.add_argument(
            "--newcomers",
            type=int,
            default=200,
            help="how many demo newcomers (default: %(default)s)",
        )

    def handle(
        self, *args: Any, password: str, force: bool, newcomers: int, **options: Any
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with a published password and refuses to run with "
                "DEBUG off. Use --force if this really is a demo installation."
            )
        if newcomers < 0:
            raise CommandError("--newcomers cannot be negative.")
        started = timezone.now()
        plans = plans_draw(now=started, count=newcomers)

        with transaction.atomic():
            orgs = organisations_seed()
            users = users_seed(orgs=orgs, password=password)
            superuser_seed(password=password)
            built, cases = newcomers_build(plans=plans, started=started, users=users, orgs=orgs)
            local_offers_seed()
            plans_started = onboarding_plans_seed(newcomers=built, coordinator=users["koordinator"])
            answers = checkins_seed(newcomers=built, now=started, seed=SEED + 2)
            reply_templates_seed(coordinator=users["koordinator"])
            coded = demo_occupations_code()
            needs = jobs_seed(orgs=orgs, users=users)
        # After the cases have committed: each conversation is its own action, as the
        # mailbox poll would process the answers one by one.
        conversations = conversations_seed(newcomers=built) + unknown_sender_seed()

        self.stdout.write(
            f"Demo data: {len(built)} newcomers and {cases} cases created; "
            f"{len(plans) - len(built)} demo newcomers were already there; "
            f"{plans_started} onboarding plans started; {answers} settling-in answers; "
            f"{conversations} e-mail conversations; {coded.newcomers} newcomers' and "
            f"{coded.household_members} partners' occupations coded; {needs} recruitment "
            "needs.\n"
        )
        for line in logins_table(orgs=orgs, password=password):
            self.stdout.write(line)
        # SITE_URL follows `make run HOST=...`, as the links in the demo's e-mails do.
        login_url = f"{settings.SITE_URL}{reverse('login')}"
        self.stdout.write(self.style.SUCCESS(f"Log in at {login_url}"))
