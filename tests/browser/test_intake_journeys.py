"""Newcomers send the public intake form in a real browser: in English with the mouse, in
Ukrainian and in Arabic (right to left) on a 320 px phone, and with the keyboard only."""

import re

import pytest
from playwright.sync_api import Page, expect

from cases.models import Case
from contacts.models import HouseholdMember

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REFERENCE = re.compile(r"^NR-\d{4}-\d{4}$")


def _no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def _error_summary_has_focus(page: Page) -> None:
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()


def test_intake_journey_english_with_partner_and_two_children(
    live_server, page: Page, check_page, screenshot
):
    page.goto(f"{live_server.url}/en/intake/")
    expect(page).to_have_title(re.compile("Contact the newcomer team"))
    check_page(page)
    screenshot(page, "intake-desktop", full_page=True)

    page.get_by_label("Your name").fill("Olena Kovalenko")
    page.get_by_label("E-mail").fill("olena@example.org")
    page.get_by_label("Which describes you best?").select_option(label="Family with children")
    page.get_by_label("I am moving with a partner").check()
    page.get_by_label("My partner is looking for work in the region").check()
    page.get_by_label("Partner's occupation or competence (optional)").fill("Welder")
    page.get_by_label("Children's birth years (optional)").fill("2016, 20")  # a typo
    page.get_by_label("Where are you thinking of moving?").select_option(label="Narvik")
    page.get_by_label("Kindergarten", exact=True).check()
    page.get_by_label("Your message").fill("Where do we apply for kindergarten?")
    page.get_by_label("I agree that the newcomer team stores").check()
    page.get_by_label("Schools and kindergartens").check()
    page.get_by_role("button", name="Send enquiry").click()

    # The summary takes focus and says what is wrong; its link leads to the field.
    _error_summary_has_focus(page)
    check_page(page)
    link = page.locator("#error-summary a")
    expect(link).to_have_count(1)
    expect(link).to_contain_text("Write each birth year as four digits")
    link.click()
    field = page.get_by_label("Children's birth years (optional)")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_children_birth_years_error")).to_contain_text("four digits")
    field.fill("2016, 2020")
    page.get_by_role("button", name="Send enquiry").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you — we have received your enquiry"
    )
    reference = page.locator(".reference").inner_text()
    assert REFERENCE.match(reference)
    check_page(page)
    case = Case.objects.get(reference=reference)
    assert case.newcomer.preferred_language == "en"
    assert sorted(case.newcomer.household.values_list("relation", "birth_year")) == [
        (HouseholdMember.Relation.CHILD, 2016),
        (HouseholdMember.Relation.CHILD, 2020),
        (HouseholdMember.Relation.PARTNER, None),
    ]


def test_intake_journey_ukrainian_on_a_320px_phone(
    live_server, new_context, check_page, screenshot
):
    page = new_context(viewport={"width": 375, "height": 812}, locale="uk-UA").new_page()
    page.goto(f"{live_server.url}/uk/intake/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    screenshot(page, "intake-phone")
    page.set_viewport_size({"width": 320, "height": 640})
    _no_horizontal_scroll(page)
    check_page(page)

    page.get_by_label("Ваше ім’я та прізвище").fill("Олена Коваленко")  # noqa: RUF001
    page.get_by_label("Електронна пошта").fill("olena.k@example")  # no domain ending
    page.get_by_label("Що найкраще вас описує?").select_option(label="Родина з дітьми")
    page.get_by_label("Я переїжджаю разом із партнером чи партнеркою").check()
    page.get_by_label("Роки народження дітей (необов’язково)").fill("2015, 2019")  # noqa: RUF001
    page.get_by_label("Житло", exact=True).check()
    page.get_by_label("Я погоджуюся").check()
    page.get_by_role("button", name="Надіслати звернення").click()

    _error_summary_has_focus(page)
    expect(page.locator("#error-summary")).to_contain_text("Будь ласка, виправте таке")
    _no_horizontal_scroll(page)
    check_page(page)
    page.locator("#error-summary a").click()
    email = page.get_by_label("Електронна пошта")
    expect(email).to_be_focused()
    email.fill("olena.k@example.org")
    page.get_by_role("button", name="Надіслати звернення").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Дякуємо — ми отримали ваше звернення"
    )
    assert REFERENCE.match(page.locator(".reference").inner_text())
    _no_horizontal_scroll(page)
    check_page(page)

    # The accessibility statement, from the footer, in Ukrainian and as narrow.
    page.get_by_role("link", name="Заява про доступність").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Заява про доступність")
    _no_horizontal_scroll(page)
    check_page(page)

    case = Case.objects.get()
    assert case.newcomer.preferred_language == "uk"
    assert case.newcomer.household.count() == 3


def test_intake_journey_arabic_right_to_left_on_a_320px_phone(
    live_server, new_context, check_page, screenshot
):
    page = new_context(viewport={"width": 320, "height": 640}, locale="ar").new_page()
    page.goto(f"{live_server.url}/ar/intake/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert page.evaluate("document.dir") == "rtl"
    # The page mirrors: the form's labels start at the right edge.
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("تواصل مع فريق استقبال القادمين الجدد")
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).direction") == "rtl"
    box, width = heading.bounding_box(), page.viewport_size["width"]
    assert box and width - (box["x"] + box["width"]) < box["x"] + 1, box  # nearer the right
    _no_horizontal_scroll(page)
    check_page(page)
    screenshot(page, "intake-phone-arabic", full_page=True)

    page.get_by_label("اسمك").fill("سلمى حداد")
    page.get_by_label("البريد الإلكتروني").fill("salma@example.org")
    page.get_by_label("أيّ وصف ينطبق عليك أكثر؟").select_option(label="أسرة لديها أطفال")
    page.get_by_label("سنوات ميلاد الأطفال (اختياري)").fill("2015")
    page.get_by_label("السكن", exact=True).check()
    page.get_by_role("button", name="إرسال الطلب").click()

    _error_summary_has_focus(page)  # consent is missing
    expect(page.locator("#error-summary")).to_contain_text("يُرجى تصحيح ما يلي")
    _no_horizontal_scroll(page)
    check_page(page)
    page.get_by_label("أوافق على أن يحفظ فريق استقبال القادمين الجدد").check()
    page.get_by_role("button", name="إرسال الطلب").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("شكرًا لك — وصلنا طلبك")
    assert page.evaluate("document.dir") == "rtl"
    assert REFERENCE.match(page.locator(".reference").inner_text())
    _no_horizontal_scroll(page)
    check_page(page)
    screenshot(page, "intake-received-phone-arabic")

    case = Case.objects.get()
    assert case.newcomer.preferred_language == "ar"
    assert case.newcomer.name == "سلمى حداد"


# What the keyboard journey types into each control it reaches, by id; controls not listed
# are passed over with Tab. Space ticks a checkbox; typing picks an option in a select.
KEYBOARD_INPUT = {
    "id_name": "Kari Nordmann",
    "id_email": "kari@example.org",
    "id_target_group": "Stud",
    "id_has_partner": " ",
    "id_children_birth_years": "2019",
    "id_topics_0": " ",
    "id_message": "Can I study in Narvik?",
}

FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return {
    id: el.id, tag: el.tagName.toLowerCase(), type: el.type || "",
    text: (el.innerText || "").trim().slice(0, 40), visible: outline || shadow,
  };
}"""


def _tab_to(page: Page, wanted, *, typed: dict[str, str], limit: int = 80) -> dict:
    """Presses Tab until `wanted(focus)` holds, typing into the controls in `typed` on the
    way; every focused element must show a visible focus indicator."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STATE)
        assert focus["visible"], f"focus not visible on {focus}"
        if wanted(focus):
            return focus
        if focus["id"] in typed:
            page.keyboard.type(typed.pop(focus["id"]))
    raise AssertionError(f"never reached the wanted control; still to type: {typed}")


def _is_submit(focus: dict) -> bool:
    return focus["tag"] == "button" and focus["type"] == "submit" and "Send" in focus["text"]


def test_intake_journey_keyboard_only(live_server, page: Page, check_page):
    page.goto(f"{live_server.url}/en/intake/")
    check_page(page)
    typed = dict(KEYBOARD_INPUT)
    # First pass: everything but the consent, sent with Enter.
    _tab_to(page, _is_submit, typed=typed)
    assert typed == {}
    page.keyboard.press("Enter")

    # The error summary has focus; its link takes us to the consent box.
    _error_summary_has_focus(page)
    check_page(page)
    focus = _tab_to(page, lambda f: f["tag"] == "a", typed={})
    assert focus["text"].startswith("We can only handle your enquiry")
    page.keyboard.press("Enter")
    consent = page.locator("#id_consent")
    expect(consent).to_be_focused()
    assert page.evaluate(FOCUS_STATE)["visible"]
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    _tab_to(page, _is_submit, typed={})
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you — we have received your enquiry"
    )
    check_page(page)
    newcomer = Case.objects.get().newcomer
    assert (newcomer.name, newcomer.target_group) == ("Kari Nordmann", "student")
    assert newcomer.household.count() == 2
