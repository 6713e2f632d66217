"""The demo's recruitment need and the household that fits it (issue 23): Narvik
Næringsforening, for its members, looks for two electricians in Narvik; Iryna Melnyk, a
nurse planning to move to Narvik, has a partner who is an electrician, and consented to
sharing with employers. The coordinator finds the partner on the need's page and suggests
them; the business association's member then sees the shared case."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from cases.models import Case
from cases.services import intake_submit
from contacts.models import Consent, HouseholdMember, Municipality, Newcomer, Organisation
from jobs.models import NorwegianLevel, RecruitmentNeed
from jobs.services import need_create
from occupations.models import Occupation

NURSE_EMAIL = "iryna.melnyk@example.net"


def jobs_seed(*, orgs: dict[str, Organisation], users: dict[str, Any]) -> int:
    """The need and the household; returns how many needs were created (0 on a second run)."""
    naering = orgs["naering"]
    narvik = Municipality.objects.get(name="Narvik")
    today = timezone.localdate()
    if not Newcomer.objects.filter(email=NURSE_EMAIL).exists():
        case = intake_submit(
            name="Iryna Melnyk",
            email=NURSE_EMAIL,
            phone="+47 912 34 567",
            preferred_language="en",
            municipality=narvik,
            locality=None,
            planned_move_date=today + timedelta(days=120),
            target_group=Newcomer.TargetGroup.NON_EU_WORKER,
            occupation="Sykepleier",
            has_partner=True,
            partner_needs_work=True,
            partner_occupation="Elektriker",
            children_birth_years=[2018],
            interests="",
            topics=[],
            message="I have a job offer as a nurse at the hospital. My husband is an "
            "electrician: are there jobs for him?",
            heard_via=Newcomer.HeardVia.EMPLOYER,
            share_scopes=[Consent.Scope.MUNICIPALITY, Consent.Scope.EMPLOYER],
            channel=Case.Channel.FORM,
        )
        # Coded as staff would on the case page (occupations: STYRK-08 2221 and 7411).
        Newcomer.objects.filter(pk=case.newcomer_id).update(
            occupation_code=Occupation.objects.get(code="2221")
        )
        HouseholdMember.objects.filter(
            newcomer_id=case.newcomer_id, relation=HouseholdMember.Relation.PARTNER
        ).update(occupation="Elektriker", occupation_code=Occupation.objects.get(code="7411"))
    if RecruitmentNeed.objects.filter(employer=naering).exists():
        return 0
    need_create(
        employer=naering,
        occupation=Occupation.objects.get(code="7411"),
        municipality=narvik,
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
