from datetime import date

import pytest
from django.urls import reverse

from onboarding.models import OnboardingPlan, OnboardingTemplate, PlanStep
from onboarding.selectors import my_plan_steps_open
from tests import factories as f
from tests import pages


def _start_body(**overrides):
    body = {
        "template": OnboardingTemplate.objects.get(slug="moving-to-the-region").pk,
        "move_date": "2027-05-01",
        "from_abroad": "on",
        "eu_eea": "on",
        "long_stay": "on",
    }
    body.update(overrides)
    return body


@pytest.fixture
def plan(world, login):
    login(world.owner).post(reverse("onboarding:plan-start", args=[world.case.pk]), _start_body())
    return OnboardingPlan.objects.get(case=world.case)


@pytest.mark.django_db
def test_plan_start_page_suggests_a_template_and_starts_the_plan(world, login):
    client = login(world.owner)
    url = reverse("onboarding:plan-start", args=[world.case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["suggested"].slug == "moving-to-the-region"
    response = client.post(url, _start_body())
    assert response.status_code == 302
    plan = OnboardingPlan.objects.get(case=world.case)
    assert plan.move_date == date(2027, 5, 1)
    detail = client.get(reverse("cases:detail", args=[world.case.pk]))
    assert detail.context["plan"] == plan
    assert detail.context["plan_applicable"] == plan.steps.count()


@pytest.mark.django_db
def test_plan_start_with_bad_input_stores_nothing(world, login):
    client = login(world.owner)
    url = reverse("onboarding:plan-start", args=[world.case.pk])
    response = client.post(url, _start_body(move_date="not a date"))
    assert response.status_code == 200
    assert "move_date" in response.context["form"].errors
    assert not OnboardingPlan.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "status"), [("reader", 403), ("outsider", 404), ("nobody", 404)]
)
def test_plan_start_needs_manage_rights(world, login, persona, status):
    client = login(getattr(world, persona))
    url = reverse("onboarding:plan-start", args=[world.case.pk])
    assert client.get(url).status_code == status
    assert client.post(url, _start_body()).status_code == status
    assert not OnboardingPlan.objects.exists()


@pytest.mark.django_db
def test_step_actions_by_role(world, login, plan):
    step = plan.steps.filter(depends_on__isnull=True, doer="newcomer").first()
    done = reverse("onboarding:step-done", args=[world.case.pk, step.pk])
    skip = reverse("onboarding:step-skip", args=[world.case.pk, step.pk])
    # A reader (shared school) may not complete a step that is not theirs, nor skip it.
    assert login(world.reader).post(done).status_code == 403
    assert login(world.reader).post(skip, {"reason": "x"}).status_code == 403
    assert login(world.outsider).post(done).status_code == 404
    # The owner completes it.
    assert login(world.owner).post(done).status_code == 302
    step.refresh_from_db()
    assert step.status == PlanStep.Status.DONE
    # A step of the school organisation can be completed by the school's member.
    school_step = plan.steps.exclude(pk=step.pk).filter(depends_on__isnull=True).first()
    PlanStep.objects.filter(pk=school_step.pk).update(organisation=world.skole)
    url = reverse("onboarding:step-done", args=[world.case.pk, school_step.pk])
    assert login(world.reader).post(url).status_code == 302


@pytest.mark.django_db
def test_step_skip_without_reason_shows_an_error_and_changes_nothing(world, login, plan):
    step = plan.steps.first()
    client = login(world.owner)
    response = client.post(
        reverse("onboarding:step-skip", args=[world.case.pk, step.pk]), {"reason": ""}, follow=True
    )
    step.refresh_from_db()
    assert step.status == PlanStep.Status.OPEN
    assert any(m.level_tag == "error" for m in response.context["messages"])


@pytest.mark.django_db
def test_move_date_change_and_step_add_from_the_case_page(world, login, plan):
    client = login(world.owner)
    open_step = plan.steps.filter(anchor="move_date", status="open").first()
    before = open_step.due_date
    client.post(
        reverse("onboarding:plan-move-date", args=[world.case.pk]), {"move_date": "2027-05-11"}
    )
    open_step.refresh_from_db()
    assert (open_step.due_date - before).days == 10
    client.post(
        reverse("onboarding:step-add", args=[world.case.pk]),
        {"title": "Meet the school nurse", "due_date": "2027-06-01", "doer": "team"},
    )
    assert plan.steps.filter(title_en="Meet the school nurse").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["plan-move-date", "step-add", "welcome-pack-send"])
def test_plan_actions_refuse_get_and_readers(world, login, plan, name):
    url = reverse(f"onboarding:{name}", args=[world.case.pk])
    assert login(world.owner).get(url).status_code == 405
    assert login(world.reader).post(url, {}).status_code == 403


@pytest.mark.django_db
def test_newcomer_move_date_change_moves_the_plan(world, login, plan):
    step = plan.steps.filter(anchor="move_date", status="open").first()
    before = step.due_date
    newcomer = world.newcomer
    response = login(world.owner).post(
        reverse("cases:newcomer-edit", args=[world.case.pk]),
        {
            "name": newcomer.name,
            "email": newcomer.email,
            "preferred_language": "nb",
            "lifecycle": "planning",
            "target_group": newcomer.target_group,
            "planned_move_date": "2027-05-08",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    step.refresh_from_db()
    assert plan.move_date == date(2027, 5, 8)
    assert (step.due_date - before).days == 7
    assert world.case.events.filter(kind="onboarding.plan.rescheduled").count() == 1


@pytest.mark.django_db
def test_my_work_lists_my_open_plan_steps_with_their_case(world, login):
    """The section onboarding adds to "My work" (a Jinja2 template, as the page is)."""
    f.make_plan(case=world.case, actor=world.owner)
    mine = list(my_plan_steps_open(user=world.owner))
    assert mine  # the owner's steps and the organisation's queue
    response = login(world.owner).get(reverse("cases:mine"))
    steps = pages.section(response, "steps-heading")
    assert pages.heading_count(steps) == len(mine)
    assert set(pages.links_to_cases(steps)) == {world.case.pk}
    assert f"{world.case.reference} · {world.case.newcomer.name}" in steps
    assert str(mine[0].title) in steps


def test_my_work_counts_stop_at_the_cap(world, login, monkeypatch):
    # Counting every open step of a busy coordinator took a second at a million cases: the
    # sections' counts stop one past the cap and read "N+" (config.pagination).
    import cases.views
    import onboarding.parts

    f.make_plan(case=world.case, actor=world.owner)
    steps = my_plan_steps_open(user=world.owner).count()
    for _ in range(2):
        f.make_followup(case=world.case, assignee=world.owner, due_date=date(2027, 5, 1))
    for _ in range(3):
        f.make_case(organisation=world.kommune)  # new, nobody owns it
    for _ in range(2):
        f.make_case(organisation=world.kommune, owner=world.owner)  # three open cases owned
    client = login(world.owner)
    for module in (cases.views, onboarding.parts):
        monkeypatch.setattr(module, "SECTION_COUNT_CAP", 2)
    monkeypatch.setattr(cases.views, "MINE_SHOWN", 2)
    page = client.get(reverse("cases:mine"))
    assert "(2)</span></h2>" in pages.section(page, "followups-heading")
    assert "(2+)</span></h2>" in pages.section(page, "triage-heading")
    assert steps > 2 and "(2+)</span></h2>" in pages.section(page, "steps-heading")
    owned = pages.section(page, "cases-heading")
    assert "(2+)</span></h2>" in owned and ">Alle sakene mine i sakslisten</a>" in owned
    for module in (cases.views, onboarding.parts):
        monkeypatch.setattr(module, "SECTION_COUNT_CAP", 1000)
    page = client.get(reverse("cases:mine"))
    assert pages.heading_count(pages.section(page, "steps-heading")) == steps
    assert pages.heading_count(pages.section(page, "cases-heading")) == 3
