from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from config.texts import text_for
from contacts.models import Consent, HouseholdMember, Newcomer, Organisation
from onboarding import assignment, services
from onboarding.models import OnboardingTemplate, PlanStep, TemplateStep

TODAY = date(2026, 11, 27)
MOVE = date(2027, 4, 1)


@pytest.fixture
def family(world):
    """An EU/EEA worker moving with a job-seeking partner, a child of 3 and one of 8."""
    newcomer = world.newcomer
    Newcomer.objects.filter(pk=newcomer.pk).update(
        target_group=Newcomer.TargetGroup.EU_WORKER, partner_needs_work=True
    )
    newcomer.refresh_from_db()
    HouseholdMember.objects.create(newcomer=newcomer, relation="partner", name="Piotr")
    HouseholdMember.objects.create(newcomer=newcomer, relation="child", birth_year=2024)
    HouseholdMember.objects.create(newcomer=newcomer, relation="child", birth_year=2019)
    return newcomer


def _start(world, **overrides):
    options = {
        "template": OnboardingTemplate.objects.get(slug="moving-to-the-region"),
        "move_date": MOVE,
        "from_abroad": True,
        "eu_eea": True,
        "long_stay": True,
        "importing_car": False,
    }
    options.update(overrides)
    with time_machine.travel(TODAY, tick=False):
        return services.plan_start(case=world.case, actor=world.owner, **options)


def _keys(plan):
    return sorted(s.template_step.key for s in plan.steps.all() if s.template_step)


@pytest.mark.django_db
def test_plan_start_creates_the_steps_that_apply_to_the_household(world, family):
    plan = _start(world)
    keys = _keys(plan)
    assert keys.count("id-check") == 2  # each adult
    assert keys.count("eu-registration") == 2
    assert keys.count("bank") == 2
    assert keys.count("kindergarten") == 1  # the child born 2024 (3 at the move)
    assert keys.count("school-start") == 1
    assert keys.count("school") == 1  # the child born 2019 (8 at the move)
    assert keys.count("sfo") == 1
    for applies in ("nav-jobseeker", "employer-network", "tax-card", "norwegian", "gp", "housing"):
        assert applies in keys
    for absent in ("d-number", "moving-notice", "car", "licence"):
        assert absent not in keys
    assert world.case.events.get(kind="onboarding.plan.started").data["steps"] == len(keys)


@pytest.mark.django_db
def test_plan_start_due_dates_follow_their_anchors(world, family):
    plan = _start(world)
    steps = {
        (s.template_step.key, s.member.birth_year if s.member else None): s
        for s in plan.steps.select_related("template_step", "member")
    }
    assert steps[("id-check", None)].due_date == MOVE + timedelta(days=8)
    bank = steps[("bank", None)]
    assert bank.depends_on == steps[("id-check", None)]
    assert bank.due_date == MOVE + timedelta(days=8 + 7)
    # The partner's bank step waits for the partner's own ID check.
    partner_bank = plan.steps.get(template_step__key="bank", member__relation="partner")
    assert partner_bank.depends_on.member.relation == "partner"
    # Kindergarten: the next main admission deadline after the plan starts.
    assert steps[("kindergarten", 2024)].due_date == date(2027, 3, 1)
    # School start for the child born 2024: early in the year they turn six.
    assert steps[("school-start", 2024)].due_date == date(2030, 1, 15)
    assert steps[("school", 2019)].due_date == MOVE + timedelta(days=30)
    assert steps[("housing", None)].due_date == MOVE - timedelta(days=30)


@pytest.mark.django_db
def test_plan_start_for_a_returning_local_without_children(world):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(target_group="returning")
    world.newcomer.refresh_from_db()
    template = services.template_suggest(newcomer=world.newcomer)
    assert template.slug == "returning-local"
    plan = _start(world, template=template, from_abroad=False, eu_eea=False)
    keys = _keys(plan)
    assert "moving-notice" in keys and "gp" in keys
    assert not {"id-check", "kindergarten", "school", "nav-jobseeker"} & set(keys)
    # The GP step waits for no ID check here, so it counts from the move date.
    assert plan.steps.get(template_step__key="gp").due_date == MOVE + timedelta(days=35)


@pytest.mark.django_db
def test_plan_start_registration_comes_before_the_id_check_it_relies_on(world, family):
    plan = _start(world)
    id_check = plan.steps.get(template_step__key="id-check", member__isnull=True)
    registration = id_check.depends_on
    assert registration.template_step.key == "eu-registration"
    assert registration.due_date < id_check.due_date
    assert id_check.titles["en"] == "ID check and moving notice at the tax office"
    assert "register with the police first" in id_check.guidances["en"]


@pytest.mark.django_db
def test_plan_start_nordic_citizens_only_report_the_move(world, family):
    plan = _start(world, nordic=True)
    keys = _keys(plan)
    assert "eu-registration" not in keys
    assert keys.count("id-check") == 2  # the move is still reported at the tax office
    assert plan.nordic and plan.eu_eea
    id_check = plan.steps.get(template_step__key="id-check", member__isnull=True)
    assert id_check.depends_on is None
    assert id_check.due_date == MOVE + timedelta(days=8)


@pytest.mark.django_db
def test_plan_start_partner_steps_are_addressed_to_the_partner(world, family):
    plan = _start(world)
    for key in ("nav-jobseeker", "employer-network"):
        step = plan.steps.get(template_step__key=key)
        assert step.member.relation == "partner"
        assert step.titles["en"].endswith("(partner)")
        assert not step.titles["en"].startswith("Partner:")
    guidance = plan.steps.get(template_step__key="employer-network").guidances["en"]
    assert guidance == "We put you in touch with local employers who are recruiting."


@pytest.mark.django_db
def test_plan_start_household_from_inside_norway_changes_school(world, family):
    plan = _start(world, from_abroad=False, eu_eea=False)
    keys = _keys(plan)
    assert "school-transfer" in keys and "school" not in keys
    assert "moving-notice" in keys and "id-check" not in keys
    for step in plan.steps.all():
        assert "from abroad" not in step.guidances.get("en", "")


@pytest.mark.django_db
def test_plan_steps_carry_their_source_and_check_date(world, family):
    plan = _start(world)
    for step in plan.steps.select_related("template_step"):
        if step.doer == "newcomer":
            assert step.source_link.startswith("https://"), step.title_en
            assert step.checked_on == date(2026, 12, 2), step.title_en
    nav = plan.steps.select_related("template_step").get(template_step__key="nav-jobseeker")
    with translation.override("nb"):
        assert nav.source_link == "https://www.nav.no/registrer-arbeidssoker"
    with translation.override("pl"):  # no Polish page: English
        assert nav.source_link == "https://www.nav.no/registrer-arbeidssoker/en"


@pytest.mark.django_db
def test_plan_kindergarten_step_links_to_the_application_page_not_the_front_page():
    steps = TemplateStep.objects.filter(key="kindergarten")
    assert steps.exists()
    for step in steps:
        for language in ("nb", "en", "ar"):
            with translation.override(language):  # bokmål only: every language reads it
                assert text_for(step.source_urls).endswith(
                    "/barnehage/soke-bytte-eller-si-opp-barnehageplass/"
                )
        assert step.checked_on == date(2026, 12, 2)


@pytest.mark.django_db
def test_plan_start_twice_is_refused(world, family):
    _start(world)
    with pytest.raises(ValidationError):
        _start(world)


@pytest.mark.django_db
def test_plan_team_steps_get_an_organisation_the_consent_covers(world, family):
    nav = world.nav
    plan = _start(world)
    nav_step = plan.steps.get(template_step__key="nav-jobseeker")
    # The newcomer did not consent to NAV: the step stays with the case's organisation.
    assert nav_step.organisation != nav
    welcome = plan.steps.get(template_step__key="welcome-talk")
    assert welcome.organisation == world.kommune
    assert welcome.assignee == world.owner


@pytest.mark.django_db
def test_plan_reschedule_moves_open_steps_only(world, family):
    plan = _start(world)
    id_check = plan.steps.get(template_step__key="id-check", member__isnull=True)
    services.step_complete(step=id_check.depends_on, actor=world.owner)  # the registration
    services.step_complete(step=id_check, actor=world.owner)
    kindergarten = plan.steps.get(template_step__key="kindergarten")
    school = plan.steps.get(template_step__key="school")
    with time_machine.travel(TODAY, tick=False):
        moved = services.plan_reschedule(
            plan=plan, move_date=MOVE + timedelta(days=10), actor=world.owner
        )
    assert moved > 0
    id_check.refresh_from_db()
    school.refresh_from_db()
    kindergarten.refresh_from_db()
    assert id_check.due_date == MOVE + timedelta(days=8)  # done: keeps its date
    assert school.due_date == MOVE + timedelta(days=40)
    assert kindergarten.due_date == date(2027, 3, 1)  # a yearly deadline stays
    bank = plan.steps.get(template_step__key="bank", member__isnull=True)
    assert bank.due_date == id_check.due_date + timedelta(days=7)
    event = world.case.events.get(kind="onboarding.plan.rescheduled")
    assert event.data["moved"] == moved


@pytest.mark.django_db
def test_step_waiting_for_another_cannot_be_done_first(world, family):
    plan = _start(world)
    bank = plan.steps.get(template_step__key="bank", member__isnull=True)
    with pytest.raises(ValidationError):
        services.step_complete(step=bank, actor=world.owner)
    services.step_complete(step=bank.depends_on.depends_on, actor=world.owner)  # registration
    services.step_complete(step=bank.depends_on, actor=world.owner)  # ID check
    bank.refresh_from_db()
    services.step_complete(step=bank, actor=world.owner)
    assert bank.status == PlanStep.Status.DONE
    # Done twice: one timeline entry.
    services.step_complete(step=bank, actor=world.owner)
    assert (
        world.case.events.filter(kind="onboarding.step.completed", data__step=bank.pk).count() == 1
    )


@pytest.mark.django_db
def test_step_skip_needs_a_reason_and_reopen_restores(world, family):
    plan = _start(world)
    step = plan.steps.get(template_step__key="leisure")
    with pytest.raises(ValidationError):
        services.step_skip(step=step, reason="  ", actor=world.owner)
    services.step_skip(step=step, reason="Already in the choir", actor=world.owner)
    assert step.status == PlanStep.Status.SKIPPED and step.skip_reason == "Already in the choir"
    services.step_reopen(step=step, actor=world.owner)
    assert step.status == PlanStep.Status.OPEN and step.skip_reason == "" and step.done_at is None
    kinds = list(
        world.case.events.filter(kind__startswith="onboarding.step").values_list("kind", flat=True)
    )
    assert sorted(kinds) == ["onboarding.step.reopened", "onboarding.step.skipped"]


@pytest.mark.django_db
def test_step_reassign_respects_consent(world, family):
    plan = _start(world)
    step = plan.steps.get(template_step__key="welcome-talk")
    with pytest.raises(ValidationError):
        assignment.step_reassign(
            step=step, organisation=world.nav, assignee=None, actor=world.owner
        )
    with pytest.raises(ValidationError):
        assignment.step_reassign(
            step=step, organisation=None, assignee=world.outsider, actor=world.owner
        )
    assignment.step_reassign(
        step=step, organisation=world.skole, assignee=world.reader, actor=world.owner
    )
    step.refresh_from_db()
    assert (step.organisation, step.assignee) == (world.skole, world.reader)
    assert world.case.events.get(kind="onboarding.step.reassigned").data == {
        "step": step.pk,
        "organisation": world.skole.pk,
        "assignee": world.reader.pk,
    }


@pytest.mark.django_db
def test_step_add_counts_from_the_move_date(world, family):
    plan = _start(world)
    step = services.step_add(
        plan=plan,
        title="Visit the school",
        due_date=MOVE + timedelta(days=3),
        doer="team",
        actor=world.owner,
    )
    assert step.offset_days == 3
    services.plan_reschedule(plan=plan, move_date=MOVE + timedelta(days=1), actor=world.owner)
    step.refresh_from_db()
    assert step.due_date == MOVE + timedelta(days=4)


@pytest.mark.django_db
def test_consent_scope_keeps_nav_steps_away_from_nav_until_consented(world, family):
    from contacts.services import consent_record

    consent_record(newcomer=family, scopes=[Consent.Scope.NAV])
    plan = _start(world)
    assert plan.steps.get(
        template_step__key="nav-jobseeker"
    ).organisation == Organisation.objects.get(kind="nav")


@pytest.mark.django_db
def test_plan_start_short_stay_eu_d_number_waits_for_the_police_registration(world, family):
    """The tax office's ID check for the D number relies on the police registration."""
    plan = _start(world, long_stay=False)
    steps = {
        (s.template_step.key, s.member_id): s
        for s in plan.steps.select_related("template_step", "member")
    }
    d_numbers = [s for (key, _), s in steps.items() if key == "d-number"]
    assert len(d_numbers) == 2  # each adult
    for d_number in d_numbers:
        police = steps[("eu-registration", d_number.member_id)]
        assert d_number.depends_on == police
        assert d_number.due_date > police.due_date
        assert "register with the police first" in d_number.guidances["en"]
        for language in ("nb", "pl", "uk", "ar"):
            assert d_number.guidances[language] != d_number.guidances["en"]
    with translation.override("en"), pytest.raises(ValidationError, match="waits for"):
        services.step_complete(step=d_numbers[0], actor=world.owner)


@pytest.mark.django_db
def test_plan_start_short_stay_outside_the_eu_d_number_after_arriving(world, family):
    plan = _start(world, long_stay=False, eu_eea=False)
    d_number = plan.steps.get(template_step__key="d-number", member__isnull=True)
    assert d_number.depends_on is None
    assert d_number.due_date == MOVE + timedelta(days=3)
    assert not plan.steps.filter(template_step__key="eu-registration").exists()
