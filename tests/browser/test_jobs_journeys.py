"""Recruitment needs in a real browser (issue 23): the business association records a need
for an electrician; the coordinator opens it, sees the nurse's partner who fits and
suggests them; the association's member then sees who it is and opens the shared case.
Before the suggestion the member sees the partner without a name. Axe on every page."""

import pytest
from playwright.sync_api import Page, expect

from cases import services
from contacts.models import Consent, HouseholdMember, Municipality, Newcomer, Organisation
from contacts.services import consent_record
from jobs.models import NeedSuggestion, RecruitmentNeed
from tests import factories as f
from tests.browser.test_staff_journeys import _log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAERING = "Narvik Næringsforening"


def _nurse(world):
    narvik = Municipality.objects.get(name="Narvik")
    newcomer = Newcomer.objects.create(
        name="Maria Santos",
        email="maria@example.org",
        municipality=narvik,
        occupation="Sykepleier",
        occupation_code_id="2221",
    )
    HouseholdMember.objects.create(
        newcomer=newcomer,
        relation=HouseholdMember.Relation.PARTNER,
        name="João Santos",
        occupation="Elektriker",
        occupation_code_id="7411",
    )
    consent_record(newcomer=newcomer, scopes=[Consent.Scope.MUNICIPALITY, "employer"])
    case = services.case_open(newcomer=newcomer, channel="phone", actor=world.coordinator)
    services.case_set_organisation(case=case, organisation=world.kommune, actor=world.coordinator)
    return case


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_jobs_journey_need_match_suggest_and_shared_case(
    live_server, page: Page, world, check_page, screenshot
):
    naering = f.make_organisation(name=NAERING, kind=Organisation.Kind.EMPLOYER)
    f.make_user(username="naering", organisation=naering)
    case = _nurse(world)
    base = live_server.url

    # The business association records its need.
    _log_in(page, base, "naering", check_page)
    page.get_by_role("link", name="Recruitment needs").click()
    expect(page.get_by_role("heading", name="Recruitment needs", level=1)).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Record a need").click()
    check_page(page)
    # The occupation picker: typing suggests groups, best match first; the choice is taken.
    occupation = page.get_by_label("Occupation", exact=True)
    occupation.press_sequentially("electric", delay=30)
    options = page.locator(f"datalist#{occupation.get_attribute('list')} option")
    expect(options.first).to_have_attribute("value", "7411 Building and related electricians")
    occupation.fill(options.first.get_attribute("value"))
    page.get_by_label("Positions").fill("2")
    page.get_by_label("Municipality").select_option(label="Narvik")
    page.get_by_label("Norwegian needed").select_option("b1")
    page.get_by_label("Contact person").fill("Camilla Lund")
    page.get_by_role("button", name="Save the need").click()
    expect(page.locator(".messages")).to_contain_text("The need is recorded.")
    need = RecruitmentNeed.objects.get(employer=naering)
    # Who fits, without a name: the case is not shared with the association yet.
    fits = page.get_by_role("region", name="Who fits")
    expect(fits).to_contain_text("A newcomer's partner")
    expect(fits).not_to_contain_text("Santos")
    check_page(page)
    _log_out(page)

    # The coordinator opens the need, sees the partner who fits and suggests them.
    _log_in(page, base, "coordinator", check_page)
    page.goto(f"{base}/en/jobs/")
    page.get_by_role("link", name="7411").click()
    fits = page.get_by_role("region", name="Who fits")
    expect(fits).to_contain_text("Maria Santos")
    expect(fits).to_contain_text("their partner")
    expect(fits).to_contain_text("Exact")
    check_page(page)
    screenshot(page, "jobs-need-who-fits")
    fits.get_by_role("button", name="Suggest to the employer").click()
    expect(page.locator(".messages")).to_contain_text(f"The case is shared with {NAERING}")
    check_page(page)
    assert NeedSuggestion.objects.filter(need=need, case=case, person="partner").exists()
    assert case.shared_with.filter(pk=naering.pk).exists()
    # The case page names the suggestion on its timeline.
    page.goto(f"{base}/en/cases/{case.pk}/")
    expect(page.get_by_text(f"Suggested the partner to {NAERING}")).to_be_visible()
    check_page(page)
    _log_out(page)

    # The association's member now sees who it is, and the shared case.
    _log_in(page, base, "naering", check_page)
    page.goto(f"{base}/en/jobs/{need.pk}/")
    page.get_by_role("link", name="Maria Santos").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    check_page(page)
