"""Staff handle a new enquiry in a real browser, and another agency's member reads it."""

import re

import pytest
from playwright.sync_api import Page, expect

from cases import services
from cases.models import Topic
from contacts.models import Consent, Municipality, Newcomer
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CONFIDENTIAL = "Confidential: the family asked us not to tell the school about the move yet."


def _log_in(page: Page, base: str, username: str, check_page) -> None:
    page.goto(f"{base}/en/accounts/login/")
    check_page(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _enquiry(world):
    case = services.intake_submit(
        name="Marta Nowak",
        email="marta@example.org",
        phone="",
        preferred_language="pl",
        municipality=Municipality.objects.get(name="Narvik"),
        locality=None,
        planned_move_date=None,
        target_group=Newcomer.TargetGroup.EU_WORKER,
        occupation="Electrician",
        has_partner=True,
        partner_needs_work=False,
        partner_occupation="",
        children_birth_years=[2018],
        interests="",
        topics=list(Topic.objects.filter(slug__in=["kindergarten", "housing", "jobs"])),
        message="We move in April. Which kindergarten is nearest?",
        heard_via=Newcomer.HeardVia.EMPLOYER,
        share_scopes=[Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL],
    )
    services.case_share(case=case, organisation=world.skole, actor=world.coordinator)
    return case


def test_staff_journey_case_to_welcome_pack_and_confidential_note(
    live_server, page: Page, world, check_page, screenshot
):
    case = _enquiry(world)
    base = live_server.url
    _log_in(page, base, "coordinator", check_page)
    check_page(page)  # My work

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    check_page(page)
    page.get_by_label("Search").fill(case.reference)
    page.get_by_role("button", name="Show").click()
    expect(page.locator("p.count")).to_have_text("1 case")
    check_page(page)
    page.get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marta Nowak")
    check_page(page)

    # Assign it to myself: the people picker lists me first, with my organisation.
    page.get_by_label("Owner").select_option(label="coordinator · Narvik kommune (me)")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_be_visible()
    check_page(page)

    # A follow-up for the school's reader.
    page.get_by_text("Add a follow-up").click()
    page.get_by_label("What needs doing").fill("Ask the kindergarten about a place")
    page.get_by_label("Who", exact=True).select_option(label="coordinator · Narvik kommune (me)")
    page.get_by_role("button", name="Add follow-up").click()
    expect(page.get_by_text("Ask the kindergarten about a place", exact=True)).to_be_visible()
    check_page(page)

    # A note only our organisation may read.
    page.get_by_label("Note", exact=True).fill(CONFIDENTIAL)
    page.get_by_label("Confidential to my organisation").check()
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text(CONFIDENTIAL)).to_be_visible()
    check_page(page)

    # An onboarding plan, then the welcome pack.
    page.get_by_role("link", name="Start onboarding plan").click()
    check_page(page)
    page.get_by_label("Move date (planned or actual)").fill("2027-04-01")
    page.get_by_role("button", name="Start plan").click()
    expect(page.locator(".plan-steps li").first).to_be_visible()
    check_page(page)
    screenshot(page, "case", full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download welcome pack (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"welcome-pack-{case.reference}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # The school's member sees the case, but not the confidential note.
    page.get_by_role("button", name="Log out").click()
    _log_in(page, base, "reader", check_page)
    page.goto(f"{base}/en/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marta Nowak")
    check_page(page)
    expect(page.get_by_text("Ask the kindergarten about a place", exact=True)).to_be_visible()
    assert CONFIDENTIAL not in page.content()


def test_staff_journey_coordinator_dashboard_period_and_csv(
    live_server, page: Page, world, check_page, screenshot
):
    _enquiry(world)
    base = live_server.url
    _log_in(page, base, "coordinator", check_page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    check_page(page)

    page.get_by_label("Period", exact=True).select_option(label="This year")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=year"))
    check_page(page)
    screenshot(page, "dashboard", full_page=True)

    with page.expect_download() as download_info:
        page.locator("a.csv-link").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    assert text.count("\n") >= 2
