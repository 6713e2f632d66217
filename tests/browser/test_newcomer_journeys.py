"""A newcomer opens their personal link on a phone, marks a step done and writes to the
team; axe-core checks every page state on the way."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import NewcomerMessage
from contacts.models import HouseholdMember, Newcomer
from contacts.services import newcomer_link_issue
from onboarding.models import OnboardingTemplate, PlanStep
from onboarding.services import plan_start

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 740}


def _no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def test_newcomer_journey_phone_marks_a_step_done_and_sends_a_message(
    live_server, page: Page, world, check_page, screenshot
):
    newcomer = world.newcomer
    Newcomer.objects.filter(pk=newcomer.pk).update(
        preferred_language="en", target_group=Newcomer.TargetGroup.FAMILY
    )
    newcomer.refresh_from_db()
    HouseholdMember.objects.create(newcomer=newcomer, relation="child", birth_year=2019)
    plan = plan_start(
        case=world.case,
        template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
        move_date=timezone.localdate() + timedelta(days=60),
        from_abroad=True,
        eu_eea=True,
        long_stay=True,
        importing_car=False,
        actor=world.owner,
    )
    # A step whose title has no "/": Playwright cannot parse a slash in a name's regex.
    step = next(
        s
        for s in plan.steps.filter(doer="newcomer", depends_on=None, anchor="move_date")
        if "/" not in s.title_en
    )
    path = newcomer_link_issue(newcomer=newcomer, actor=world.owner)
    assert path.startswith("/en/my/")

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Anna Kowalska")
    expect(page.get_by_role("heading", name="Your next steps")).to_be_visible()
    _no_horizontal_scroll(page)
    check_page(page)
    screenshot(page, "newcomer-page-phone", full_page=True)

    # The button names its step for screen readers ("Mark as done: <step>"; chromium puts a
    # space before the hidden, absolutely positioned part).
    name = re.compile(rf"^Mark as done\s*:\s*{re.escape(step.title_en)}$")
    page.get_by_role("button", name=name).click()
    expect(page.locator(".messages")).to_contain_text("The step is marked as done.")
    done = page.locator("#done")
    expect(done).to_contain_text(step.title_en)
    _no_horizontal_scroll(page)
    check_page(page)

    page.get_by_role("button", name="Send message").click()  # empty: the summary explains
    expect(page.locator("#error-summary")).to_contain_text("Write a message.")
    check_page(page)
    page.get_by_label("Your message to the team").fill("Which school is closest to Bjerkvik?")
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".messages")).to_contain_text("Your message has been sent to the team.")
    expect(page).to_have_url(re.compile(r"/en/my/[\w-]+/#message$"))
    _no_horizontal_scroll(page)
    check_page(page)

    page.get_by_role("link", name="Read the welcome pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome pack")
    _no_horizontal_scroll(page)
    check_page(page)

    step.refresh_from_db()
    assert step.status == PlanStep.Status.DONE
    assert NewcomerMessage.objects.get(case=world.case).body == (
        "Which school is closest to Bjerkvik?"
    )
    assert world.case.events.filter(kind="contacts.newcomer.message").count() == 1
