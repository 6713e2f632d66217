"""Handing work to another agency (cases.assignment) in a real browser: the coordinator
gives a plan step to the business association on a case shared only with the school; the
association's member finds it in "My work" and completes it. Where the newcomer's consent
does not cover employers, the coordinator is told why, once."""

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from cases import services
from contacts.models import Consent, Newcomer, Organisation
from contacts.services import consent_record
from onboarding.models import PlanStep
from tests import factories as f
from tests.browser.test_staff_journeys import _log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAERING = "Narvik Næringsforening"


def _case(world, scopes):
    newcomer = Newcomer.objects.create(name="Jonas Weber", email=f"jonas{len(scopes)}@example.org")
    consent_record(newcomer=newcomer, scopes=scopes)
    case = services.case_open(newcomer=newcomer, channel="phone", actor=world.coordinator)
    services.case_share(case=case, organisation=world.skole, actor=world.coordinator)
    return case


def _start_plan(page: Page, base: str, case, check_page) -> None:
    page.goto(f"{base}/en/cases/{case.pk}/")
    page.get_by_role("link", name="Start onboarding plan").click()
    page.get_by_label("Move date (planned or actual)").fill("2027-04-01")
    page.get_by_role("button", name="Start plan").click()
    expect(page.locator(".plan-steps li").first).to_be_visible()
    check_page(page)


def _give_step(page: Page, step) -> None:
    with translation.override("en"):
        title = step.title
    page.get_by_text(f"More {title}", exact=True).click()
    page.locator(f"#org-{step.pk}").select_option(label=NAERING)
    page.locator(f"#who-{step.pk}").select_option(label=f"naering · {NAERING}")
    page.locator(f"#who-{step.pk}").locator("xpath=ancestor::form").get_by_role(
        "button", name="Reassign"
    ).click()


def _first_team_step(case):
    return (
        PlanStep.objects.filter(plan__case=case, doer="team", depends_on=None)
        .order_by("due_date", "pk")
        .first()
    )


def test_handoff_journey_step_for_the_business_association(
    live_server, page: Page, world, check_page, screenshot
):
    naering = f.make_organisation(name=NAERING, kind=Organisation.Kind.EMPLOYER)
    f.make_user(username="naering", organisation=naering)
    covered = _case(world, [Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL, "employer"])
    refused = _case(world, [Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL])
    base = live_server.url
    _log_in(page, base, "coordinator", check_page)

    # No consent for employers: the coordinator is told so, once, and nothing changes.
    _start_plan(page, base, refused, check_page)
    step = _first_team_step(refused)
    _give_step(page, step)
    refusal = "the newcomer has not consented to sharing with “Employers”"
    expect(page.locator(".messages")).to_contain_text(refusal)
    assert page.content().count(refusal) == 1
    assert page.url.endswith(f"/en/cases/{refused.pk}/")  # redirected: a reload posts nothing
    check_page(page)
    assert not refused.shared_with.filter(pk=naering.pk).exists()

    # With consent: the step goes to the association's member, and the case is shared.
    _start_plan(page, base, covered, check_page)
    step = _first_team_step(covered)
    _give_step(page, step)
    expect(page.locator(".messages")).to_contain_text("Step reassigned.")
    sharing = page.locator("section", has=page.get_by_role("heading", name="Shared with"))
    expect(sharing).to_contain_text(NAERING)
    expect(page.get_by_text(f"Shared with {NAERING}, which was given work")).to_be_visible()
    check_page(page)
    screenshot(page, "handoff-case", full_page=True)

    # The association's member finds the step in "My work" and completes it.
    page.get_by_role("button", name="Log out").click()
    _log_in(page, base, "naering", check_page)
    with translation.override("en"):
        title = step.title
    steps = page.locator("section", has=page.get_by_role("heading", name="My onboarding steps"))
    expect(steps).to_contain_text(title)
    check_page(page)
    screenshot(page, "handoff-my-work", full_page=True)
    steps.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jonas Weber")
    page.get_by_role("button", name=f"Mark done {title}").click()
    expect(page.locator(".messages")).to_contain_text("Step done.")
    check_page(page)
    step.refresh_from_db()
    assert step.status == PlanStep.Status.DONE
