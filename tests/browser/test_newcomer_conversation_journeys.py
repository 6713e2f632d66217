"""A team member replies by e-mail on the case and the newcomer sees the reply on their own
page; a newcomer asks /my/ for a new link and the old one keeps working. axe-core checks
every page on the way."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from contacts.models import Newcomer, Organisation
from contacts.services import newcomer_link_issue
from portal.services import newcomer_message_send
from tests.browser.test_staff_journeys import _log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_newcomer_sees_the_teams_reply_on_their_page(
    live_server, page: Page, world, check_page, screenshot
):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(preferred_language="en")
    Organisation.objects.filter(pk=world.kommune.pk).update(
        phone="+47 76 00 10 00", email="tilflytter@narvik.example"
    )
    world.newcomer.refresh_from_db()
    path = newcomer_link_issue(newcomer=world.newcomer, actor=world.owner)
    newcomer_message_send(newcomer=world.newcomer, body="Is there a school bus from Bjerkvik?")
    base = live_server.url

    # The team member answers from the case page's composer, by e-mail.
    _log_in(page, base, "owner", check_page)
    page.goto(f"{base}/en/cases/{world.case.pk}/")
    composer = page.locator("#composer")
    composer.get_by_label("Message to the newcomer").fill("Yes, it leaves at 07:40 every day.")
    composer.get_by_role("button", name="Send message").click()
    expect(page.locator(".messages")).to_contain_text("The message is on its way")
    page.get_by_role("button", name="Log out").click()

    # The newcomer opens their page: their question, then the team's reply, in order.
    page.goto(base + path)
    conversation = page.locator("#conversation")
    expect(conversation.get_by_role("heading", name="Your messages with the team")).to_be_visible()
    expect(conversation.locator("li")).to_have_count(2)
    expect(conversation.locator("li").nth(0)).to_contain_text(
        "Is there a school bus from Bjerkvik?"
    )
    expect(conversation.locator("li").nth(1)).to_contain_text("Yes, it leaves at 07:40 every day.")
    expect(conversation.locator("li").nth(1)).to_contain_text("The team")
    contacts = page.locator("#contacts")
    expect(contacts.get_by_role("link", name="+47 76 00 10 00")).to_be_visible()
    expect(contacts.get_by_role("link", name="tilflytter@narvik.example")).to_be_visible()
    check_page(page)
    screenshot(page, "newcomer-page-conversation", full_page=True)


def test_link_request_for_a_known_address_leaves_the_old_link_working(
    live_server, page: Page, world, check_page
):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(preferred_language="en")
    world.newcomer.refresh_from_db()
    old = newcomer_link_issue(newcomer=world.newcomer, actor=world.owner)
    base = live_server.url
    mail.outbox.clear()

    page.goto(f"{base}/en/my/")
    check_page(page)
    page.get_by_label("Your e-mail address").fill(world.newcomer.email)
    page.get_by_role("button", name="Send me a new link").click()
    expect(page.get_by_role("status")).to_contain_text("If we know this address")
    check_page(page)

    # The old link still opens the page: a stranger typing the address locks nobody out.
    page.goto(base + old)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Anna Kowalska")
    check_page(page)

    # The new link arrived by e-mail and works too.
    (message,) = [m for m in mail.outbox if m.to == [world.newcomer.email]]
    found = re.search(r"https?://\S+/my/[\w-]+/", message.body)
    assert found is not None
    new = urlsplit(found.group(0)).path  # the e-mail's link is on SITE_URL
    assert new != old
    page.goto(base + new)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Anna Kowalska")
