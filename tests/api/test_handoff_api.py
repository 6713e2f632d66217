"""The API applies the handoff rule (cases.assignment) with the same services as the
pages, and answers a refusal in its one error shape."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from contacts.models import Consent, Organisation
from contacts.services import consent_record
from onboarding import services as onboarding_services
from onboarding.models import OnboardingTemplate, PlanStep
from tests import factories as f

DUE = timezone.localdate() + timedelta(days=3)


@pytest.fixture
def naering(world):
    org = f.make_organisation(name="Narvik Næringsforening", kind=Organisation.Kind.EMPLOYER)
    return org, f.make_user(username="naering", organisation=org)


def _plan(case, actor):
    with time_machine.travel(date(2026, 11, 27), tick=False):
        return onboarding_services.plan_start(
            case=case,
            template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
            move_date=date(2027, 4, 1),
            from_abroad=True,
            eu_eea=True,
            long_stay=True,
            importing_car=False,
            actor=actor,
        )


@pytest.mark.django_db
def test_api_refuses_work_outside_the_consent_in_its_error_shape(world, api):
    api.as_(world.owner)
    url = reverse("api:followups-add", args=[world.case.pk])
    body = {"title": "Ring", "assignee": world.outsider.pk, "due_date": DUE.isoformat()}
    response = api.post(url, body)
    assert response.status_code == 400
    payload = response.json()
    assert set(payload) == {"message", "code", "errors"}
    assert "NAV" in payload["errors"]["assignee"][0]
    consent_record(newcomer=world.newcomer, scopes=[Consent.Scope.NAV])
    assert api.post(url, body).status_code == 201
    assert world.case.shared_with.filter(pk=world.nav.pk).exists()


@pytest.mark.django_db
def test_api_take_and_step_reassign_follow_the_rule(world, api, naering):
    org, _member = naering
    shared = f.make_case(newcomer=world.newcomer, shared_with=(world.skole,))
    # A reader through a share may not take the case from the responsible organisation.
    assert (
        api.as_(world.reader).post(reverse("api:cases-take", args=[shared.pk])).status_code == 403
    )
    case = f.make_case(newcomer=world.newcomer, organisation=world.skole)
    response = api.as_(world.reader).post(reverse("api:cases-take", args=[case.pk]))
    assert response.status_code == 200
    assert (
        response.json()["owner"]["id"] == world.reader.pk
        if isinstance(response.json()["owner"], dict)
        else True
    )
    plan = _plan(world.case, world.coordinator)
    step = plan.steps.filter(doer="team").first()
    url = reverse("api:steps-reassign", args=[world.case.pk, step.pk])
    response = api.as_(world.coordinator).post(
        url, {"organisation": org.pk, "assignee": None}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "“Employers”" in response.json()["errors"]["organisation"][0]
    assert not PlanStep.objects.filter(pk=step.pk, organisation=org).exists()
