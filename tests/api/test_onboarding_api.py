"""The onboarding API (plans, steps, welcome packs) against every persona (tests/conftest.py):
allowed, 404, 403; bad input; and a number of queries that does not grow with the data."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from contacts.models import Newcomer
from onboarding import services
from onboarding.models import OnboardingTemplate, PlanStep, WelcomePack
from tests import factories as f

MANAGE, READ, NONE = "manage", "read", "none"
ACCESS = {"coordinator": MANAGE, "owner": MANAGE, "reader": READ, "outsider": NONE, "nobody": NONE}


def _expected(persona, ok, needs_manage):
    if ACCESS[persona] == NONE:
        return 404
    if needs_manage and ACCESS[persona] == READ:
        return 403
    return ok


def _start(case, actor):
    return services.plan_start(
        case=case,
        template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
        move_date=timezone.localdate() + timedelta(days=60),
        from_abroad=True,
        eu_eea=True,
        long_stay=True,
        importing_car=False,
        actor=actor,
    )


@pytest.fixture
def plan(world):
    return _start(world.case, world.owner)


def _free_step(plan):
    """An open step that waits for nothing, of the case's own organisation (kommune)."""
    step = plan.steps.filter(depends_on__isnull=True, status="open").first()
    PlanStep.objects.filter(pk=step.pk).update(
        organisation=plan.case.responsible_organisation, assignee=plan.case.owner
    )
    step.refresh_from_db()
    return step


def _url(name, *args):
    return reverse(f"api:{name}", args=args)


# --- Reads -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
@pytest.mark.parametrize("name", ["plans-detail", "steps-list", "welcome-packs-list"])
def test_onboarding_api_reads_follow_visibility(world, api, plan, persona, name):
    response = api.as_(getattr(world, persona)).get(_url(name, world.case.pk))
    assert response.status_code == _expected(persona, 200, needs_manage=False)
    if response.status_code == 404:
        assert set(response.json()) == {"message", "code", "errors"}


@pytest.mark.django_db
def test_onboarding_api_plan_detail_has_progress_and_steps(world, api, plan):
    step = _free_step(plan)
    services.step_complete(step=step, actor=world.owner)
    body = api.as_(world.reader).get(_url("plans-detail", world.case.pk)).json()
    assert body["case"] == world.case.pk
    assert body["done"] == 1
    assert body["applicable"] == plan.steps.count() == len(body["steps"])
    done = next(s for s in body["steps"] if s["id"] == step.pk)
    assert done["status"] == "done"
    assert done["done_by"]["id"] == world.owner.pk
    assert done["can_complete"] is False  # the reader's school is not the step's
    dates = [s["due_date"] for s in body["steps"]]
    assert dates == sorted(dates)


@pytest.mark.django_db
def test_onboarding_api_steps_are_paged(world, api, plan):
    client = api.as_(world.coordinator)
    body = client.get(_url("steps-list", world.case.pk), page_size=3).json()
    assert body["count"] == plan.steps.count()
    assert len(body["results"]) == 3
    first = PlanStep.objects.get(pk=body["results"][0]["id"])
    assert body["results"][0]["title"] == first.title_nb  # bokmål, the default language


@pytest.mark.django_db
def test_onboarding_api_case_without_plan_is_404(world, api):
    for name in ("plans-detail", "steps-list"):
        response = api.as_(world.coordinator).get(_url(name, world.case.pk))
        assert response.status_code == 404, name


# --- Steps: complete and skip --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
def test_onboarding_api_step_complete(world, api, plan, persona):
    step = _free_step(plan)
    response = api.as_(getattr(world, persona)).post(_url("steps-complete", world.case.pk, step.pk))
    # The reader sees the case, but the step is kommune's and not theirs: 403.
    assert response.status_code == _expected(persona, 200, needs_manage=True)
    step.refresh_from_db()
    assert (step.status == "done") is (response.status_code == 200)
    if response.status_code == 200:
        assert response.json()["status"] == "done"
        assert response.json()["done_by"]["id"] == getattr(world, persona).pk


@pytest.mark.django_db
def test_onboarding_api_step_of_the_readers_organisation_they_may_complete(world, api, plan):
    step = _free_step(plan)
    PlanStep.objects.filter(pk=step.pk).update(organisation=world.skole, assignee=None)
    response = api.as_(world.reader).post(_url("steps-complete", world.case.pk, step.pk))
    assert response.status_code == 200
    assert response.json()["can_complete"] is True


@pytest.mark.django_db
def test_onboarding_api_waiting_step_is_refused(world, api, plan):
    waiting = plan.steps.filter(depends_on__isnull=False).first()
    response = api.as_(world.owner).post(_url("steps-complete", world.case.pk, waiting.pk))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["step"]
    waiting.refresh_from_db()
    assert waiting.status == "open"


@pytest.mark.django_db
def test_onboarding_api_step_of_another_case_is_404(world, api, plan):
    other_case = f.make_case(newcomer=f.make_newcomer(), organisation=world.kommune)
    other = _free_step(_start(other_case, world.coordinator))
    for name, body in (("steps-complete", None), ("steps-skip", {"reason": "Done elsewhere"})):
        response = api.as_(world.coordinator).post(_url(name, world.case.pk, other.pk), body)
        assert response.status_code == 404, name
    other.refresh_from_db()
    assert other.status == "open"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
def test_onboarding_api_step_skip(world, api, plan, persona):
    step = _free_step(plan)
    response = api.as_(getattr(world, persona)).post(
        _url("steps-skip", world.case.pk, step.pk), {"reason": "  Has a D number already "}
    )
    assert response.status_code == _expected(persona, 200, needs_manage=True)
    step.refresh_from_db()
    if response.status_code == 200:
        assert response.json()["skip_reason"] == "Has a D number already"
        assert step.status == "skipped"
    else:
        assert step.status == "open"


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"reason": "   "}, {"reason": ["a"]}, {"reason": "x" * 301}])
def test_onboarding_api_step_skip_needs_a_reason(world, api, plan, body):
    step = _free_step(plan)
    response = api.as_(world.owner).post(_url("steps-skip", world.case.pk, step.pk), body)
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    step.refresh_from_db()
    assert step.status == "open"


@pytest.mark.django_db
def test_onboarding_api_actions_refuse_get(world, api, plan):
    step = _free_step(plan)
    client = api.as_(world.coordinator)
    for url in (
        _url("steps-complete", world.case.pk, step.pk),
        _url("steps-skip", world.case.pk, step.pk),
        _url("welcome-packs-send", world.case.pk),
    ):
        response = client.get(url)
        assert response.status_code == 405, url
        assert response.json()["code"] == "method_not_allowed"


# --- Welcome packs -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
def test_onboarding_api_welcome_pack_send(world, api, plan, persona):
    response = api.as_(getattr(world, persona)).post(_url("welcome-packs-send", world.case.pk))
    assert response.status_code == _expected(persona, 201, needs_manage=True)
    assert WelcomePack.objects.filter(case=world.case).exists() is (response.status_code == 201)
    if response.status_code == 201:
        body = response.json()
        assert (body["language"], body["status"]) == (world.newcomer.preferred_language, "pending")
        listed = api.get(_url("welcome-packs-list", world.case.pk)).json()["results"]
        assert [row["id"] for row in listed] == [body["id"]]


@pytest.mark.django_db
def test_onboarding_api_welcome_pack_is_built_and_queued_after_commit(
    world, api, plan, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = api.as_(world.owner).post(_url("welcome-packs-send", world.case.pk))
    pack = WelcomePack.objects.get(pk=response.json()["id"])
    assert pack.status == "queued" and pack.file.name.endswith(".pdf")


@pytest.mark.django_db
def test_onboarding_api_welcome_pack_needs_an_email_address(world, api, plan):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(email="")
    response = api.as_(world.owner).post(_url("welcome-packs-send", world.case.pk))
    assert response.status_code == 400
    assert "recipient" in response.json()["errors"]
    assert not WelcomePack.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
def test_onboarding_api_welcome_pack_download(world, api, plan, persona):
    response = api.as_(getattr(world, persona)).get(
        _url("welcome-packs-download", world.case.pk), language="en"
    )
    assert response.status_code == _expected(persona, 200, needs_manage=False)
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert f"welcome-pack-{world.case.reference}-en.pdf" in response["Content-Disposition"]
        text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
        assert world.newcomer.name in text
    else:
        assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_onboarding_api_welcome_pack_download_errors_are_json_whatever_is_accepted(
    world, api, plan
):
    url = _url("welcome-packs-download", world.case.pk)
    client = api.as_(world.coordinator).raw
    response = client.get(url, {"language": "xx"}, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["language"]
    ok = client.get(url, HTTP_ACCEPT="application/pdf")
    assert ok.status_code == 200 and ok.content.startswith(b"%PDF")


# --- Queries -----------------------------------------------------------------------------


def _grow(world, plan, n):
    for i in range(n):
        services.step_add(
            plan=plan,
            title=f"Extra {i}",
            due_date=date.today() + timedelta(days=i),
            doer="team",
            actor=world.owner,
        )
        step = plan.steps.filter(status="open", depends_on__isnull=True).first()
        if i % 2:
            services.step_complete(step=step, actor=world.owner)
        else:
            services.step_skip(step=step, reason="Not needed", actor=world.owner)
        WelcomePack.objects.create(
            case=plan.case, language="nb", recipient="a@example.org", created_by=world.owner
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["coordinator", "reader"])
@pytest.mark.parametrize("name", ["plans-detail", "steps-list", "welcome-packs-list"])
def test_onboarding_api_queries_do_not_grow_with_the_data(world, api, plan, persona, name):
    client = api.as_(getattr(world, persona))
    url = _url(name, world.case.pk) + "?page_size=100"
    _grow(world, plan, 2)
    small = _count(client, url)
    _grow(world, plan, 10)
    large = _count(client, url)
    assert large == small, (name, small, large)
    assert small <= 12


@pytest.mark.django_db
def test_api_language_follows_accept_language(world, api, plan):
    """The API has no language prefix, so Accept-Language decides (errors and titles)."""
    anonymous = api.raw.get(_url("steps-list", world.case.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "Authentication credentials were not provided."
    assert anonymous["Content-Language"] == "en"
    client = api.as_(world.coordinator).raw
    english = client.get(_url("steps-list", world.case.pk), HTTP_ACCEPT_LANGUAGE="en")
    first = english.json()["results"][0]
    assert first["title"] == PlanStep.objects.get(pk=first["id"]).title_en
    bokmal = client.get(_url("steps-list", world.case.pk))
    assert bokmal.json()["results"][0]["title"] == PlanStep.objects.get(pk=first["id"]).title_nb
