"""Regression tests for the handoff rule (issue 17 review): taking a shared case, steps
left with nobody, plan start sharing with a guessed organisation, the "Handle the case"
form's organisation, and a phone number written 4-4."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import handling, services
from cases.models import Case
from cases.search import case_search
from cases.selectors import case_can_take, case_list_visible, get_case_for_user
from contacts.models import Consent, Membership, Organisation
from onboarding.assignment import step_reassign
from onboarding.models import OnboardingTemplate, PlanStep, TemplateStep
from onboarding.selectors import my_plan_steps_open
from onboarding.services import plan_start
from tests import factories as f
from tests.handoff import handoff_violations

K = Organisation.Kind
DUE = timezone.localdate() + timedelta(days=3)


@pytest.fixture
def w(db):
    kommune = f.make_organisation(name="Narvik kommune", kind=K.MUNICIPALITY)
    skole = f.make_organisation(name="Narvik skole", kind=K.SCHOOL)
    nav = f.make_organisation(name="NAV Narvik", kind=K.NAV)
    return {
        "kommune": kommune,
        "skole": skole,
        "nav": nav,
        "coord": f.make_user(
            username="coord", organisation=kommune, role=Membership.Role.COORDINATOR
        ),
        "kmember": f.make_user(username="kmember", organisation=kommune),
        "reader": f.make_user(username="reader", organisation=skole),
        "navmember": f.make_user(username="navmember", organisation=nav),
    }


def _sees(user, case) -> bool:
    return case_list_visible(user=user).filter(pk=case.pk).exists()


def _template(kind=K.SCHOOL, slug="t"):
    template = OnboardingTemplate.objects.create(name_nb="T", name_en="T", slug=slug)
    TemplateStep.objects.create(
        template=template,
        key="s",
        position=0,
        title_nb="S",
        title_en="S",
        titles={"nb": "S", "en": "S"},
        doer=TemplateStep.Doer.TEAM,
        responsible_kind=kind,
        anchor=TemplateStep.Anchor.MOVE_DATE,
        offset_days=0,
    )
    return template


def _start(case, template, actor):
    plan_start(
        case=case,
        template=template,
        move_date=timezone.localdate() + timedelta(days=30),
        from_abroad=True,
        eu_eea=True,
        long_stay=True,
        importing_car=False,
        actor=actor,
    )


def _in_someones_work(step) -> bool:
    return any(step in my_plan_steps_open(user=u) for u in get_user_model().objects.all())


def test_reader_of_a_share_cannot_take_the_case(w):
    newcomer = f.make_newcomer(scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL))
    case = f.make_case(newcomer=newcomer, organisation=w["kommune"], shared_with=(w["skole"],))
    assert _sees(w["reader"], case)
    assert not case_can_take(user=w["reader"], case=case)
    with pytest.raises(PermissionDenied):
        handling.case_take(case=case, actor=w["reader"])
    case.refresh_from_db()
    assert case.responsible_organisation == w["kommune"]
    assert case.owner is None
    get_case_for_user(user=w["kmember"], pk=case.pk)  # the municipality still sees it
    assert case_can_take(user=w["kmember"], case=case)


def test_team_step_is_not_orphaned_when_consent_is_withdrawn(w):
    newcomer = f.make_newcomer(scopes=(Consent.Scope.SCHOOL,))
    case = f.make_case(newcomer=newcomer, organisation=w["skole"], owner=w["reader"])
    _start(case, _template(), w["coord"])
    services.consent_withdraw(newcomer=newcomer, scope=Consent.Scope.SCHOOL, actor=w["coord"])
    step = PlanStep.objects.get(plan__case=case)
    assert (step.organisation_id, step.assignee_id) != (None, None)
    assert _in_someones_work(step)
    assert handoff_violations() == []


def test_team_step_cannot_be_given_to_nobody(w):
    newcomer = f.make_newcomer(scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL))
    case = f.make_case(newcomer=newcomer, organisation=w["kommune"], owner=w["kmember"])
    _start(case, _template(), w["coord"])
    step = PlanStep.objects.get(plan__case=case)
    before = (step.organisation_id, step.assignee_id)
    with pytest.raises(ValidationError) as error:
        step_reassign(step=step, organisation=None, assignee=None, actor=w["kmember"])
    assert "organisation" in error.value.message_dict
    step.refresh_from_db()
    assert (step.organisation_id, step.assignee_id) == before
    assert handoff_violations() == []


def test_plan_start_does_not_share_with_one_of_several_organisations_of_the_kind(w):
    f.make_organisation(name="Zeta AS", kind=K.EMPLOYER)
    f.make_organisation(name="Alfa AS", kind=K.EMPLOYER)
    newcomer = f.make_newcomer(scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.EMPLOYER))
    case = f.make_case(newcomer=newcomer, organisation=w["kommune"])
    _start(case, _template(K.EMPLOYER, "t2"), w["coord"])
    assert not case.shared_with.exists()
    step = PlanStep.objects.get(plan__case=case)
    assert step.organisation == w["kommune"]
    assert handoff_violations() == []


def test_plan_start_shares_with_the_only_organisation_of_the_kind(w):
    only = f.make_organisation(name="Alfa AS", kind=K.EMPLOYER)
    newcomer = f.make_newcomer(scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.EMPLOYER))
    case = f.make_case(newcomer=newcomer, organisation=w["kommune"])
    _start(case, _template(K.EMPLOYER, "t3"), w["coord"])
    assert list(case.shared_with.all()) == [only]
    assert PlanStep.objects.get(plan__case=case).organisation == only
    assert handoff_violations() == []


def test_handle_form_refuses_no_organisation_with_a_new_owner(w):
    newcomer = f.make_newcomer(scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL))
    case = f.make_case(
        newcomer=newcomer, organisation=w["kommune"], owner=w["kmember"], shared_with=(w["skole"],)
    )
    Case.objects.filter(pk=case.pk).update(status=Case.Status.OPEN)
    case.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        handling.case_handle(
            case=case,
            actor=w["coord"],
            status=case.status,
            owner=w["reader"],
            organisation=None,
            priority=case.priority,
        )
    assert "organisation" in error.value.message_dict
    case.refresh_from_db()
    assert (case.responsible_organisation, case.owner) == (w["kommune"], w["kmember"])


def test_phone_written_in_two_groups_of_four_is_found(w):
    newcomer = f.make_newcomer(phone="+47 912 34 567")
    case = f.make_case(newcomer=newcomer, organisation=w["kommune"])
    cases = Case.objects.all()
    for text in ("912 34 567", "91234567", "9123-4567"):
        assert case_search(cases, text=text, user=w["coord"]).filter(pk=case.pk).exists(), text


def test_invariants_notice_a_followup_kept_only_because_it_is_held(w, monkeypatch):
    """With rule 3 switched off, a NAV member keeps a follow-up after NAV consent is
    withdrawn: the invariants must report it (they used to accept it, as holding the
    follow-up itself makes the case visible)."""
    import cases.assignment as assignment
    import cases.services as case_services

    newcomer = f.make_newcomer(scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.NAV))
    case = f.make_case(newcomer=newcomer, organisation=w["kommune"], owner=w["kmember"])
    services.followup_add(
        case=case, title="Ring", assignee=w["navmember"], due_date=DUE, actor=w["coord"]
    )
    assert handoff_violations() == []
    monkeypatch.setattr(assignment, "case_work_return", lambda **kw: 0)
    monkeypatch.setattr(case_services, "case_work_return", lambda **kw: 0)
    services.consent_withdraw(newcomer=newcomer, scope=Consent.Scope.NAV, actor=w["coord"])
    assert any("only because they hold it" in line for line in handoff_violations())


def test_invariants_notice_an_open_team_step_held_by_nobody(w):
    newcomer = f.make_newcomer(scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL))
    case = f.make_case(newcomer=newcomer, organisation=w["kommune"], owner=w["kmember"])
    _start(case, _template(), w["coord"])
    assert handoff_violations() == []
    PlanStep.objects.filter(plan__case=case).update(organisation=None, assignee=None)
    assert any("held by nobody" in line for line in handoff_violations())
