"""What staff see when the background service is down: the action still answers, and the
case page says that the welcome pack is recorded and waiting (issue: nothing lost)."""

import pytest
from kombu.exceptions import OperationalError
from playwright.sync_api import Page, expect

from onboarding.models import WelcomePack
from onboarding.tasks import welcome_pack_send
from tests import factories as f
from tests.browser.test_staff_journeys import _enquiry, _log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_fault_journey_welcome_pack_with_the_broker_down_waits_visibly(
    live_server, page: Page, world, check_page, screenshot, monkeypatch
):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(welcome_pack_send, "delay", refuse)
    case = _enquiry(world)
    f.make_plan(case=case, actor=world.coordinator)
    _log_in(page, live_server.url, "coordinator", check_page)
    page.goto(f"{live_server.url}/en/cases/{case.pk}/")
    page.get_by_role("button", name="E-mail welcome pack to the newcomer").click()

    expect(page.locator(".messages")).to_contain_text("on its way")
    notice = page.get_by_role("status").filter(has_text="Welcome pack requested")
    expect(notice).to_contain_text("being prepared")
    check_page(page)
    screenshot(page, "case-welcome-pack-waiting", full_page=True)
    assert WelcomePack.objects.get(case=case).status == WelcomePack.Status.PENDING
