"""A coordinator keeps what the team uses for every case: organisations, people,
onboarding templates and steps, local offers, reply templates and topics. Each change
shows on the object's history. axe-clean on every page."""

import pytest
from django.core.management.color import no_style
from django.db import connection
from playwright.sync_api import Page, expect

from cases.models import Topic
from contacts.models import Membership
from onboarding.models import LocalOffer, OnboardingTemplate, TemplateStep
from outbox.models import OutboundEmail
from tests.browser.test_staff_journeys import _log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _admin_page(page: Page, base: str, check_page, link: str) -> None:
    page.goto(f"{base}/en/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    check_page(page)
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(link)
    check_page(page)


def test_administration_organisation_contact_details_and_history(
    live_server, page: Page, world, check_page, screenshot
):
    base = live_server.url
    _log_in(page, base, "coordinator", check_page)
    _admin_page(page, base, check_page, "Organisations")
    page.get_by_role("link", name="Narvik kommune").click()
    check_page(page)
    page.get_by_label("E-mail").fill("post@narvik.kommune.no")
    page.get_by_label("Address", exact=True).fill("Kongens gate 51, 8514 Narvik")
    # The texts newcomers read, side by side per language; Arabic right to left.
    page.get_by_label("Opening hours · English").fill("Monday to Friday 08:00-15:30")
    arabic = page.get_by_label("Opening hours · العربية")
    expect(arabic).to_have_attribute("dir", "rtl")
    arabic.fill("من الاثنين إلى الجمعة، من الساعة 08:00 حتى 15:30")
    page.get_by_label("Description · Polski").fill("Zespół gminy ds. nowych mieszkańców.")
    page.get_by_role("button", name="Save organisation").click()
    expect(page.get_by_text("The organisation is saved.")).to_be_visible()
    history = page.get_by_role("region", name="Change history")
    expect(history).to_contain_text("Kongens gate 51, 8514 Narvik")
    expect(history).to_contain_text("opening hours in each language")
    expect(page.get_by_label("Opening hours · English")).to_have_value(
        "Monday to Friday 08:00-15:30"
    )
    expect(history).to_contain_text("coordinator")
    check_page(page)
    screenshot(page, "admin-organisation", full_page=True)
    world.kommune.refresh_from_db()
    assert world.kommune.address == "Kongens gate 51, 8514 Narvik"
    assert world.kommune.opening_hours_texts["en"] == "Monday to Friday 08:00-15:30"
    assert world.kommune.opening_hours_texts["ar"].endswith("15:30")
    assert world.kommune.descriptions == {"pl": "Zespół gminy ds. nowych mieszkańców."}
    # What each language still lacks is listed above the form.
    expect(page.get_by_role("region", name="Missing translations")).to_contain_text("Norsk")


def test_administration_template_step_texts_per_language(
    live_server, page: Page, world, check_page, screenshot
):
    base = live_server.url
    # The data migration's templates come back by serialized rollback with their ids, which
    # leaves PostgreSQL's sequences behind: move them on, as a migrated database has them.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [OnboardingTemplate, TemplateStep]
        ):
            cursor.execute(sql)
    template = OnboardingTemplate.objects.order_by("position").first()
    assert template is not None  # the data migration's templates
    _log_in(page, base, "coordinator", check_page)
    _admin_page(page, base, check_page, "Onboarding templates")
    page.get_by_role("link", name=template.names["en"]).click()
    check_page(page)
    page.get_by_role("link", name="New step").click()
    check_page(page)
    page.get_by_label("Title · Norsk bokmål").fill("Meld deg på leksehjelp")
    page.get_by_label("Title · English").fill("Sign up for homework help")
    page.get_by_label("Guidance · Polski").fill("Zapisz dziecko w szkole.")
    page.get_by_label("Key").fill("homework-help")
    page.get_by_label("Who does it").select_option("newcomer")
    page.get_by_label("Due date from").select_option("move_date")
    page.get_by_label("Offset in days").fill("30")
    page.get_by_label("Children from age").fill("6")
    page.get_by_label("Children up to age").fill("12")
    page.get_by_label("Family with children").check()
    screenshot(page, "admin-step", full_page=True)
    page.get_by_role("button", name="Save step").click()
    expect(page.get_by_text("The step is saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign up for homework help")).to_be_visible()
    # The new step has no Polish or Ukrainian title: listed under its language.
    missing = page.get_by_role("region", name="Missing translations")
    expect(missing).to_contain_text("Українська")
    expect(missing).to_contain_text("Title: Sign up for homework help")
    screenshot(page, "admin-template", full_page=True)
    expect(page.get_by_role("region", name="Change history")).to_contain_text(
        "Sign up for homework help"
    )
    check_page(page)
    step = template.steps.get(key="homework-help")
    assert step.guidances == {"pl": "Zapisz dziecko w szkole."}
    assert step.target_groups == ["family"]


def test_administration_offer_event_with_dates(
    live_server, page: Page, world, check_page, screenshot
):
    base = live_server.url
    _log_in(page, base, "coordinator", check_page)
    _admin_page(page, base, check_page, "Local offers and events")
    page.get_by_role("link", name="New offer").click()
    check_page(page)
    page.get_by_label("Name", exact=True).fill("Fritidsmessa")
    page.get_by_label("Kind").select_option("event")
    page.get_by_label("Address", exact=True).fill("Narvik rådhus")
    page.get_by_label("From", exact=True).fill("2027-09-04")
    page.get_by_label("Until", exact=True).fill("2027-09-04")
    page.get_by_label("For children from age").fill("6")
    page.get_by_label("Description · English").fill("Clubs and associations meet newcomers.")
    page.get_by_role("button", name="Save offer").click()
    expect(page.get_by_text("The offer is saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Missing translations")).to_be_visible()
    check_page(page)
    screenshot(page, "admin-offer", full_page=True)
    offer = LocalOffer.objects.get(name="Fritidsmessa")
    assert str(offer.starts_on) == "2027-09-04" and offer.age_min == 6
    page.get_by_role("link", name="Local offers and events").click()
    expect(page.get_by_role("link", name="Fritidsmessa")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="Import from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import local offers from a spreadsheet"
    )
    check_page(page)


def test_administration_topic_and_reply_template(live_server, page: Page, world, check_page):
    base = live_server.url
    topic = Topic.objects.order_by("position").first()
    _log_in(page, base, "coordinator", check_page)
    _admin_page(page, base, check_page, "Topics")
    page.get_by_role("link", name=topic.name_en).click()
    check_page(page)
    page.get_by_label("Name · Українська").fill("Тестова тема")
    page.get_by_role("button", name="Save topic").click()
    expect(page.get_by_text("The topic is saved.")).to_be_visible()
    check_page(page)
    topic.refresh_from_db()
    assert topic.names["uk"] == "Тестова тема"

    page.goto(f"{base}/en/administration/")
    page.get_by_role("link", name="Reply templates", exact=True).last.click()
    page.get_by_role("link", name="New template").click()
    page.get_by_label("Name").fill("Velkommen")
    page.get_by_label("Text").fill("Hei {first_name}, velkommen til Narvik!")
    page.get_by_role("button", name="Save template").click()
    page.get_by_role("link", name="Velkommen").click()
    expect(page.get_by_role("region", name="Change history")).to_contain_text("Created")
    check_page(page)


def test_administration_people_invite_role_and_history(
    live_server, page: Page, world, check_page, screenshot
):
    base = live_server.url
    _log_in(page, base, "coordinator", check_page)
    page.goto(f"{base}/en/administration/")
    page.get_by_role("link", name="People", exact=True).last.click()
    check_page(page)
    page.get_by_role("link", name="Invite someone").click()
    check_page(page)
    page.get_by_label("E-mail address").fill("ny.kollega@narvik.kommune.no")
    page.get_by_label("First name").fill("Nora")
    page.get_by_label("Last name").fill("Kollega")
    page.get_by_label("Organisation").select_option(label="Narvik kommune")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("The invitation is on its way")).to_be_visible()
    check_page(page)
    assert OutboundEmail.objects.filter(
        kind="accounts.invite", to="ny.kollega@narvik.kommune.no"
    ).exists()
    page.get_by_label("Role").select_option("coordinator")
    page.get_by_role("button", name="Save membership").click()
    expect(page.get_by_text("The membership is saved.")).to_be_visible()
    expect(page.get_by_role("region", name="Change history")).to_contain_text("Coordinator")
    check_page(page)
    screenshot(page, "admin-person", full_page=True)
    assert Membership.objects.get(user__email="ny.kollega@narvik.kommune.no").role == "coordinator"
