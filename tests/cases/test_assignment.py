"""The handoff rule (cases.assignment) case by case, through services, pages and API."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases import handling, services
from cases.assignment import case_work_return
from cases.models import Case, CaseEvent
from cases.selectors import case_list_visible, case_overdue_q, my_followups_open
from contacts.models import Consent, Organisation
from contacts.services import consent_record
from onboarding import assignment as step_assignment
from onboarding import services as onboarding_services
from onboarding.models import OnboardingTemplate
from onboarding.selectors import my_plan_steps_open
from tests import factories as f
from tests.handoff import handoff_violations

DUE = timezone.localdate() + timedelta(days=3)


@pytest.fixture
def naering(world):
    """The business association (an employer in the consent's terms) and its member."""
    org = f.make_organisation(name="Narvik Næringsforening", kind=Organisation.Kind.EMPLOYER)
    return org, f.make_user(username="naering", organisation=org, first_name="Camilla")


def _sees(user, case):
    return case_list_visible(user=user).filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_followup_for_someone_the_consent_does_not_cover_is_refused_naming_the_consent(world):
    events = CaseEvent.objects.count()
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.followup_add(
            case=world.case, title="Ring", assignee=world.outsider, due_date=DUE, actor=world.owner
        )
    with translation.override("en"):
        message = str(caught.value.message_dict["assignee"][0])
    assert "outsider (NAV Narvik)" in message and "“NAV”" in message
    assert CaseEvent.objects.count() == events
    assert not world.case.shared_with.filter(pk=world.nav.pk).exists()


@pytest.mark.django_db
def test_followup_for_someone_who_cannot_see_the_case_shares_it_with_their_organisation(world):
    consent_record(newcomer=world.newcomer, scopes=[Consent.Scope.NAV])
    followup = services.followup_add(
        case=world.case, title="Ring", assignee=world.outsider, due_date=DUE, actor=world.owner
    )
    assert world.case.shared_with.filter(pk=world.nav.pk).exists()
    shared = world.case.events.get(kind="cases.case.shared")
    assert shared.data == {"organisation": world.nav.pk, "for_work": True}
    assert _sees(world.outsider, world.case)
    assert followup in my_followups_open(user=world.outsider)
    assert handoff_violations() == []


@pytest.mark.django_db
def test_new_owner_from_another_organisation_brings_it_along(world):
    """Owner and responsible organisation go together: the school's reader takes over the
    municipality's case, so the school is responsible; the municipality, holding no work
    there, no longer sees it."""
    services.case_assign_owner(case=world.case, owner=world.reader, actor=world.coordinator)
    world.case.refresh_from_db()
    assert world.case.owner == world.reader
    assert world.case.responsible_organisation == world.skole
    kinds = list(world.case.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == ["cases.case.owner_changed", "cases.case.organisation_changed"]
    assert not world.case.shared_with.filter(pk=world.kommune.pk).exists()
    assert handoff_violations() == []


@pytest.mark.django_db
def test_organisation_handing_on_keeps_a_share_while_it_holds_work(world):
    followup = services.followup_add(
        case=world.case, title="Ring", assignee=world.owner, due_date=DUE, actor=world.owner
    )
    services.case_set_organisation(case=world.case, organisation=world.skole, actor=world.owner)
    world.case.refresh_from_db()
    # The owner is not in the school: the case waits in the school's queue ...
    assert world.case.owner is None
    # ... and the municipality keeps a share, so its member's follow-up stays with him.
    assert world.case.shared_with.filter(pk=world.kommune.pk).exists()
    followup.refresh_from_db()
    assert followup.assignee == world.owner and _sees(world.owner, world.case)
    assert handoff_violations() == []


@pytest.mark.django_db
def test_unshare_returns_open_work_to_the_responsible_organisation(world):
    followup = services.followup_add(
        case=world.case, title="Ring", assignee=world.reader, due_date=DUE, actor=world.owner
    )
    services.case_unshare(case=world.case, organisation=world.skole, actor=world.owner)
    followup.refresh_from_db()
    assert followup.done_at is None and followup.assignee == world.owner
    returned = world.case.events.get(kind="cases.followup.returned")
    assert returned.data == {"followup": followup.pk, "from": world.reader.pk, "to": world.owner.pk}
    assert not _sees(world.reader, world.case)
    assert case_work_return(case=world.case, actor=None) == 0  # idempotent
    assert handoff_violations() == []


def test_open_work_nobody_could_take_back_is_closed_and_the_case_is_no_longer_overdue(world):
    """Rule 3 in a team without anyone to return the work to: the follow-up is closed
    rather than left with someone who no longer sees the case, and the case's next
    follow-up date goes with it (cases.followup_due)."""
    late = timezone.localdate() - timedelta(days=2)
    followup = services.followup_add(
        case=world.case, title="Ring", assignee=world.reader, due_date=late, actor=world.owner
    )
    world.case.refresh_from_db()
    assert world.case.next_followup_due == late
    world.case.shared_with.remove(world.skole)  # the reader no longer sees the case
    Case.objects.filter(pk=world.case.pk).update(owner=None)
    get_user_model().objects.exclude(pk=world.reader.pk).update(is_active=False)
    case = Case.objects.get(pk=world.case.pk)
    assert case_work_return(case=case, actor=None) == 1
    followup.refresh_from_db()
    case.refresh_from_db()
    assert followup.done_at is not None and case.next_followup_due is None
    assert not Case.objects.filter(case_overdue_q(today=timezone.localdate())).exists()
    assert handoff_violations() == []


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
def test_plan_start_never_labels_the_municipalitys_steps_with_someone_from_the_school(world):
    """The issue's case: the municipality responsible, the school's Hilde as owner (data
    from before the rule). The municipality's steps go to its queue, not to her."""
    case = f.make_case(newcomer=world.newcomer, organisation=world.kommune, owner=world.reader)
    plan = _plan(case, world.coordinator)
    steps = list(plan.steps.exclude(organisation=None))
    assert steps
    for step in steps:
        if step.assignee_id is not None:
            assert step.assignee.memberships.filter(organisation=step.organisation).exists()
    municipal = [s for s in steps if s.organisation_id == world.kommune.pk]
    assert municipal and all(s.assignee_id is None for s in municipal)
    # The municipality's queue is in its members' "My work".
    assert set(my_plan_steps_open(user=world.owner)) >= {s for s in municipal if s.doer == "team"}


@pytest.mark.django_db
def test_step_for_the_business_association_shares_the_case_when_the_consent_covers_it(
    world, naering
):
    org, member = naering
    case = f.make_case(newcomer=world.newcomer, shared_with=(world.skole,))
    plan = _plan(case, world.coordinator)
    step = plan.steps.filter(doer="team").first()
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        step_assignment.step_reassign(
            step=step, organisation=org, assignee=None, actor=world.coordinator
        )
    assert "“Employers”" in caught.value.message_dict["organisation"][0]
    consent_record(newcomer=world.newcomer, scopes=[Consent.Scope.EMPLOYER])
    step_assignment.step_reassign(
        step=step, organisation=org, assignee=member, actor=world.coordinator
    )
    assert case.shared_with.filter(pk=org.pk).exists()
    assert step in my_plan_steps_open(user=member)
    # A person and an organisation go together.
    with pytest.raises(ValidationError):
        step_assignment.step_reassign(
            step=step, organisation=org, assignee=world.reader, actor=world.coordinator
        )
    assert handoff_violations() == []


@pytest.mark.django_db
def test_consent_withdrawn_returns_steps_to_the_responsible_organisation(world, naering):
    org, member = naering
    consent_record(newcomer=world.newcomer, scopes=[Consent.Scope.EMPLOYER])
    plan = _plan(world.case, world.coordinator)
    step = plan.steps.filter(doer="team").first()
    step_assignment.step_reassign(
        step=step, organisation=org, assignee=member, actor=world.coordinator
    )
    services.consent_withdraw(
        newcomer=world.newcomer, scope=Consent.Scope.EMPLOYER, actor=world.coordinator
    )
    step.refresh_from_db()
    assert (step.organisation, step.assignee) == (world.kommune, world.owner)
    event = world.case.events.filter(kind="onboarding.step.reassigned").latest("pk")
    assert event.data["returned"] is True
    assert not _sees(member, world.case)
    assert handoff_violations() == []


@pytest.mark.django_db
def test_take_this_case_makes_me_owner_and_my_organisation_responsible(world):
    case = f.make_case(newcomer=world.newcomer, organisation=world.skole)
    handling.case_take(case=case, actor=world.reader)
    case.refresh_from_db()
    assert (case.owner, case.responsible_organisation, case.status) == (
        world.reader,
        world.skole,
        Case.Status.OPEN,
    )


@pytest.mark.django_db
def test_take_button_is_one_post_and_refused_to_a_reader_of_an_owned_case(world, login):
    client = login(world.reader)
    url = reverse("cases:take", args=[world.case.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403  # owned by the municipality's member
    shared = f.make_case(newcomer=world.newcomer, shared_with=(world.skole,))
    page = client.get(reverse("cases:detail", args=[shared.pk])).content.decode()
    assert reverse("cases:take", args=[shared.pk]) not in page  # only shared: read only
    assert client.post(reverse("cases:take", args=[shared.pk])).status_code == 403
    case = f.make_case(newcomer=world.newcomer, organisation=world.skole)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:take", args=[case.pk]) in page
    response = client.post(reverse("cases:take", args=[case.pk]))
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).owner == world.reader
    outsider = login(world.outsider)
    assert outsider.post(reverse("cases:take", args=[case.pk])).status_code == 404


@pytest.mark.django_db
def test_handle_form_changes_everything_at_once_one_entry_each_and_redirects(world, login):
    Case.objects.filter(pk=world.case.pk).update(status=Case.Status.OPEN)
    client = login(world.owner)
    url = reverse("cases:handle", args=[world.case.pk])
    before = CaseEvent.objects.count()
    response = client.post(
        url,
        {
            "status": "waiting",
            "closing_reason": "",
            "owner": world.coordinator.pk,
            "organisation": world.kommune.pk,
            "priority": "high",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[world.case.pk])
    kinds = sorted(CaseEvent.objects.order_by("pk")[before:].values_list("kind", flat=True))
    assert kinds == [
        "cases.case.owner_changed",
        "cases.case.priority_changed",
        "cases.case.status_changed",
    ]
    # A closing without a reason changes nothing at all (one transaction), and says why once.
    before = CaseEvent.objects.count()
    response = client.post(
        url,
        {
            "status": "closed",
            "owner": world.owner.pk,
            "organisation": world.kommune.pk,
            "priority": "low",
        },
        follow=True,
    )
    assert CaseEvent.objects.count() == before
    assert response.content.decode().count("Velg hvorfor saken avsluttes.") == 1
    world.case.refresh_from_db()
    assert (world.case.priority, world.case.owner) == ("high", world.coordinator)
    assert login(world.reader).post(url, {"status": "open"}).status_code == 403


@pytest.mark.django_db
def test_handle_form_owner_and_organisation_together_one_entry_each(world):
    Case.objects.filter(pk=world.case.pk).update(status=Case.Status.OPEN)
    world.case.refresh_from_db()
    before = CaseEvent.objects.count()
    handling.case_handle(
        case=world.case,
        actor=world.coordinator,
        status=world.case.status,
        owner=world.reader,
        organisation=world.skole,
        priority=world.case.priority,
    )
    kinds = list(CaseEvent.objects.order_by("pk")[before:].values_list("kind", flat=True))
    assert kinds == ["cases.case.organisation_changed", "cases.case.owner_changed"]
    world.case.refresh_from_db()
    assert (world.case.owner, world.case.responsible_organisation) == (world.reader, world.skole)
    # An owner who is not in the organisation chosen with them is refused, all or nothing.
    with pytest.raises(ValidationError):
        handling.case_handle(
            case=world.case,
            actor=world.coordinator,
            status="closed",
            closing_reason="answered",
            owner=world.owner,
            organisation=world.nav,
            priority="urgent",
        )
    world.case.refresh_from_db()
    assert (world.case.owner, world.case.priority) == (world.reader, "normal")
    assert handoff_violations() == []


@pytest.mark.django_db
def test_people_pickers_are_grouped_by_organisation_with_me_first(world, login):
    page = login(world.owner).get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert "---------" not in page
    assert '<optgroup label="Narvik skole">' in page
    handle = page[page.index('name="owner"') :]
    handle = handle[: handle.index("</select>")]
    options = handle.split("<option")[1:]
    assert "Nobody yet" in options[0] or "Ingen ennå" in options[0]
    assert "owner · Narvik kommune" in options[1] and "owner" in options[1]
    assert "reader · Narvik skole" in handle


@pytest.mark.django_db
def test_share_picker_offers_only_what_the_consent_covers(world, login):
    def sharing_section():
        page = login(world.owner).get(reverse("cases:detail", args=[world.case.pk]))
        html = page.content.decode()
        section = html[html.index('id="sharing-heading"') :]
        return section[: section.index("</section>")]

    assert "NAV Narvik" not in sharing_section()  # no consent covers NAV
    consent_record(newcomer=world.newcomer, scopes=[Consent.Scope.NAV])
    assert f'<option value="{world.nav.pk}">NAV Narvik' in sharing_section()
