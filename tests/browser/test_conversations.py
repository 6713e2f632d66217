"""Staff write to a newcomer from the case page in a real browser: pick a reply template
(a plain GET form, no JavaScript needed), send, and see the message on the timeline."""

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case
from contacts.models import Newcomer
from conversations.models import CaseMessage
from tests.browser.test_staff_journeys import _log_in
from tests.conversations.builders import incoming, reply_template

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_conversation_pick_a_template_send_and_see_it(
    live_server, page: Page, world, check_page, screenshot
):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(preferred_language="en")
    chosen = reply_template(
        name="Kindergarten place", language="en", body="Hello {first_name},\n\nabout {reference}:"
    )
    reply_template(name="Barnehageplass", language="nb", body="Hei {first_name}")
    incoming(case=world.case, body="Is there a kindergarten place for my son?")
    base = live_server.url
    _log_in(page, base, "owner", check_page)
    page.goto(f"{base}/en/cases/{world.case.pk}/")
    composer = page.locator("#composer")
    expect(composer.get_by_role("heading", name="Write to the newcomer")).to_be_visible()
    expect(composer).to_contain_text("anna@example.org in English")
    check_page(page)

    composer.get_by_label("Use a reply template").select_option(label="Kindergarten place")
    composer.get_by_role("button", name="Use template").click()
    expect(page).to_have_url(
        f"{base}/en/cases/{world.case.pk}/?reply_template={chosen.pk}#composer"
    )
    text = composer.get_by_label("Message to the newcomer")
    expect(text).to_have_value(f"Hello Anna,\n\nabout {world.case.reference}:")
    check_page(page)
    text.press("Control+End")
    text.type(" yes, from August.")
    composer.get_by_label("Set the case to waiting for the newcomer").check()
    screenshot(page, "conversation-composer", full_page=True)
    composer.get_by_role("button", name="Send message").click()

    expect(page.locator(".messages")).to_contain_text("The message is on its way")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("E-mail to the newcomer")
    expect(timeline).to_contain_text("yes, from August.")
    expect(timeline).to_contain_text("Is there a kindergarten place for my son?")
    check_page(page)
    screenshot(page, "conversation-timeline", full_page=True)
    message = CaseMessage.objects.get(direction="out")
    assert message.body.endswith("yes, from August.")
    assert Case.objects.get(pk=world.case.pk).status == Case.Status.WAITING


def test_conversation_coordinator_keeps_reply_templates(
    live_server, page: Page, world, check_page, screenshot
):
    base = live_server.url
    _log_in(page, base, "coordinator", check_page)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Reply templates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply templates")
    check_page(page)
    page.get_by_role("link", name="New template").click()
    check_page(page)
    page.get_by_label("Name").fill("Welcome")
    page.get_by_label("Language").select_option("en")
    page.get_by_label("Text").fill("Hello {firstname}")
    page.get_by_role("button", name="Save template").click()
    expect(page.locator("#error-summary")).to_contain_text("{first_name}")
    check_page(page)
    page.get_by_label("Text").fill("Hello {first_name}, welcome from {team}.")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("link", name="Welcome")).to_be_visible()
    check_page(page)
    screenshot(page, "reply-templates", full_page=True)


def test_conversation_failing_address_shown_and_unmatched_bounces_counted(
    live_server, page: Page, world, check_page, screenshot, settings
):
    """A bounce marked the newcomer's address: the newcomer card and the composer say so,
    with the date. Bounces tied to nothing are counted for coordinators on "My work"."""
    from datetime import UTC, datetime

    from django.utils import timezone

    from conversations.models import InboundEmail, MailboxStatus

    Newcomer.objects.filter(pk=world.newcomer.pk).update(
        email_failing_since=datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    )
    base = live_server.url
    _log_in(page, base, "owner", check_page)
    page.goto(f"{base}/en/cases/{world.case.pk}/")
    card = page.locator('[aria-labelledby="newcomer-heading"]')
    expect(card).to_contain_text(
        "E-mails to this address bounced on 20/11/2026: check the address."
    )
    composer = page.locator("#composer")
    expect(composer).to_contain_text("E-mails to this address bounced on 20/11/2026")
    composer.get_by_role("link", name="Edit details and status").click()
    expect(page.get_by_label("E-mail")).to_have_value("anna@example.org")
    page.go_back()
    check_page(page)
    screenshot(page, "case-failing-address", full_page=True)

    settings.IMAP_HOST = "imap.example.org"
    MailboxStatus.objects.create(folder=settings.IMAP_FOLDER, last_success_at=timezone.now())
    for n in range(2):
        InboundEmail.objects.create(message_id=f"<b{n}@mx.example>", outcome="bounce")
    page.context.clear_cookies()
    _log_in(page, base, "coordinator", check_page)
    page.goto(f"{base}/en/cases/mine/")
    expect(page.get_by_role("status")).to_contain_text(
        "In the last 7 days, 2 delivery failures (bounces) matched none of our e-mails"
    )
    check_page(page)
    screenshot(page, "my-work-unmatched-bounces")
