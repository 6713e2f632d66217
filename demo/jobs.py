"""The demo's recruitment need (issue 23): Narvik Næringsforening, for its members, looks
for two electricians where the demo's nurse (demo.occupations: the household whose
partner is an electrician) plans to live, so the partner fits it. The coordinator finds
the partner on the need's page and suggests them; the association's member then sees the
shared case."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from contacts.models import Municipality, Organisation
from demo.occupations import ELECTRICIAN_CODE, demo_nurse_with_electrician
from jobs.models import NorwegianLevel, RecruitmentNeed
from jobs.services import need_create
from occupations.models import Occupation


def jobs_seed(*, orgs: dict[str, Organisation], users: dict[str, Any]) -> int:
    """The need; returns how many needs were created (0 on a second run)."""
    naering = orgs["naering"]
    if RecruitmentNeed.objects.filter(employer=naering).exists():
        return 0
    nurse = demo_nurse_with_electrician()  # idempotent: the same household again
    place = (nurse.municipality if nurse else None) or Municipality.objects.get(name="Narvik")
    today = timezone.localdate()
    need_create(
        employer=naering,
        occupation=Occupation.objects.get(code=ELECTRICIAN_CODE),
        municipality=place,
        positions=2,
        norwegian_level=NorwegianLevel.B1,
        starts_on=today + timedelta(days=150),
        deadline=today + timedelta(days=60),
        contact_name="Camilla Lund",
        contact_phone="+47 76 00 30 00",
        contact_email="post@naering.example",
        actor=users["naering"],
    )
    return 1
