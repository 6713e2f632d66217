"""The newcomer's own page: a household with children, a started plan and a personal link.

`portal.path` is the link's URL path (in bokmål: /my/<secret>/), `portal.secret` its secret.
"""

from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache

from contacts.models import HouseholdMember, Newcomer
from contacts.services import newcomer_link_issue
from onboarding.models import OnboardingTemplate
from onboarding.services import plan_start

TODAY = date(2026, 11, 27)
MOVE = date(2027, 4, 1)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """django-ratelimit counts in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def portal(world):
    """Anna (EU/EEA worker) moves with a job-seeking partner and children born 2024 and
    2019; her plan is started and she has a personal link."""
    newcomer = world.newcomer
    Newcomer.objects.filter(pk=newcomer.pk).update(
        target_group=Newcomer.TargetGroup.EU_WORKER,
        partner_needs_work=True,
        planned_move_date=MOVE,
    )
    newcomer.refresh_from_db()
    HouseholdMember.objects.create(newcomer=newcomer, relation="partner", name="Piotr")
    HouseholdMember.objects.create(newcomer=newcomer, relation="child", birth_year=2024)
    HouseholdMember.objects.create(newcomer=newcomer, relation="child", birth_year=2019)
    with time_machine.travel(TODAY, tick=False):
        plan = plan_start(
            case=world.case,
            template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
            move_date=MOVE,
            from_abroad=True,
            eu_eea=True,
            long_stay=True,
            importing_car=False,
            actor=world.owner,
        )
    path = newcomer_link_issue(newcomer=newcomer, actor=world.owner)
    return SimpleNamespace(
        newcomer=newcomer, plan=plan, path=path, secret=path.rstrip("/").rsplit("/", 1)[1]
    )
