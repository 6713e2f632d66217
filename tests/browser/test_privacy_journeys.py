"""The privacy notice from the intake, and a coordinator answering an erasure request."""

import pytest
from playwright.sync_api import Page, expect

from audit.models import AccessLogEntry
from contacts.models import Newcomer
from privacy.models import DataRequest
from tests.browser.test_staff_journeys import _enquiry, _log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_privacy_journey_notice_from_the_intake(live_server, page: Page, check_page):
    page.goto(f"{live_server.url}/en/intake/")
    page.get_by_role("group", name="Privacy").get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", name="Privacy notice", level=1)).to_be_visible()
    check_page(page)


def test_privacy_journey_coordinator_exports_and_erases(live_server, page: Page, world, check_page):
    case = _enquiry(world)
    base = live_server.url
    _log_in(page, base, "coordinator", check_page)
    page.goto(f"{base}/en/cases/{case.pk}/")
    page.get_by_role("link", name="Copy or erase their data").click()
    expect(page.get_by_role("heading", name="Newcomer's data")).to_be_visible()
    check_page(page)
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download as PDF (readable)").click()
    assert pdf.value.suggested_filename == f"newcomer-{case.newcomer_id}.pdf"

    page.get_by_role("link", name="Erase the newcomer's personal data").click()
    check_page(page)
    page.get_by_label("Reason").fill("Asked by e-mail")
    page.get_by_role("button", name="Erase").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    check_page(page)
    page.get_by_label("Reason").fill("Asked by e-mail")
    page.get_by_label("I understand").check()
    with page.expect_download() as archive:
        page.get_by_role("button", name="Erase").click()
    assert archive.value.suggested_filename.endswith("-erased.zip")

    newcomer = Newcomer.objects.get(pk=case.newcomer_id)
    assert newcomer.name == "Erased" and newcomer.erased_at is not None
    assert DataRequest.objects.get().reason == "Asked by e-mail"
    assert list(AccessLogEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "open",
        "open",
        "pdf",
        "erase",
    ]
