"""Coding occupations in a real browser: the picker suggests as staff type, the keyboard
chooses, the code is saved beside the free text; axe-clean."""

import pytest
from playwright.sync_api import Page, expect

from contacts.models import HouseholdMember
from tests.browser.test_staff_journeys import _log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_occupation_journey_code_the_partner_with_the_picker(
    live_server, page: Page, world, check_page, screenshot
):
    partner = HouseholdMember.objects.create(
        newcomer=world.newcomer, relation="partner", occupation="elektro-fagfolk"
    )
    base = live_server.url
    _log_in(page, base, "owner", check_page)
    page.goto(f"{base}/en/cases/{world.case.pk}/")
    page.get_by_role("link", name="Edit occupation of Partner").click()
    field = page.get_by_label("Occupation code")
    field.press_sequentially("electric", delay=30)
    # The browser's suggestion list is filled from the search, best match first.
    options = page.locator(f"datalist#{field.get_attribute('list')} option")
    expect(options.first).to_have_attribute("value", "7411 Building and related electricians")
    check_page(page)
    screenshot(page, "occupation-picker")
    field.fill(options.first.get_attribute("value"))
    field.press("Enter")  # submits the form, as without the picker
    expect(page.get_by_text("The household member's occupation is saved.")).to_be_visible()
    expect(page.get_by_text("(7411 Building and related electricians)")).to_be_visible()
    partner.refresh_from_db()
    assert (partner.occupation, partner.occupation_code_id) == ("elektro-fagfolk", "7411")
