"""The case list built for daily work, in a real browser: search by a partial reference
and by phone, save the filters as a view (a tab), act on several cases at once, and read
the summary; axe-clean on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Case
from cases.unread import case_mark_unread
from tests import factories as f
from tests.browser.test_staff_journeys import _log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_case_list_journey_search_save_view_and_bulk_action(
    live_server, page: Page, world, check_page, screenshot
):
    sorensen = f.make_case(
        organisation=world.kommune,
        newcomer=f.make_newcomer(name="Åse Sørensen", phone="+47 912 34 567"),
    )
    others = [
        f.make_case(organisation=world.kommune, newcomer=f.make_newcomer(name=name))
        for name in ("Jonas Berg", "Olena Kovalenko", "Maria Santos")
    ]
    case_mark_unread(case=world.case)
    base = live_server.url
    _log_in(page, base, "owner", check_page)
    page.goto(f"{base}/en/cases/")
    expect(page.locator("tr.is-unread")).to_have_count(1)
    check_page(page)

    # The number alone, then the phone number as people say it.
    number = sorensen.reference.rsplit("-", 1)[1]
    page.get_by_label("Search", exact=True).fill(str(int(number)))
    page.get_by_role("button", name="Show").click()
    expect(page.locator("p.count")).to_have_text("1 case")
    expect(page.get_by_role("link", name=sorensen.reference)).to_be_visible()
    page.get_by_label("Search", exact=True).fill("912 34 567")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("p.count")).to_have_text("1 case")
    expect(page.get_by_role("cell", name="Åse Sørensen")).to_be_visible()
    check_page(page)

    # The new cases, saved as a view: it becomes the current tab.
    page.get_by_label("Search", exact=True).fill("")
    page.get_by_label("Status", exact=True).select_option(label="New")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("Save these filters as a view").click()
    page.get_by_label("Name of the view").fill("New enquiries")
    page.get_by_role("button", name="Save view").click()
    tabs = page.get_by_role("navigation", name="Saved views")
    expect(tabs.get_by_role("link", name="New enquiries")).to_have_attribute("aria-current", "page")
    check_page(page)
    screenshot(page, "case-list-views-and-bulk", full_page=True)

    # Two cases to the owner at once, without JavaScript's help needed.
    page.get_by_label(f"Select {others[0].reference}").check()
    page.get_by_label(f"Select {others[1].reference}").check()
    page.get_by_label("Action").select_option(label="Give to an owner")
    page.get_by_label("New owner").select_option(value=str(world.owner.pk))
    page.get_by_role("button", name="Apply to the selected cases").click()
    expect(page.get_by_role("heading", name="Done for 2 cases")).to_be_visible()
    check_page(page)
    screenshot(page, "case-list-bulk-summary")
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in others[:2]]).values_list("owner", flat=True)
    ) == {world.owner.pk}
    page.get_by_role("link", name="Back to the list").click()
    expect(tabs.get_by_role("link", name="New enquiries")).to_have_attribute("aria-current", "page")


def test_my_work_journey_every_section_is_axe_clean_and_takes_a_case(
    live_server, page: Page, world, check_page
):
    """ "My work" (rendered with Jinja2) with every section filled: follow-ups, onboarding
    steps, new enquiries without an owner, owned cases, the unread notice."""
    f.make_followup(
        case=world.case, assignee=world.owner, due_date=timezone.localdate() - timedelta(1)
    )
    f.make_plan(case=world.case, actor=world.owner)
    waiting = f.make_case(organisation=world.kommune)
    case_mark_unread(case=world.case)
    base = live_server.url
    _log_in(page, base, "owner", check_page)
    page.goto(f"{base}/en/cases/mine/")
    for heading in ("My follow-ups", "My onboarding steps", "New enquiries without an owner"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("heading", name="Cases I own")).to_be_visible()
    expect(page.get_by_text("1 case has a message from the newcomer")).to_be_visible()
    check_page(page)

    page.get_by_role("button", name=f"Take this case {waiting.reference}").click()
    expect(page.get_by_text(f"You own the case {waiting.reference} now.")).to_be_visible()
    expect(page.get_by_role("link", name=waiting.reference)).to_be_visible()  # now owned
    check_page(page)
