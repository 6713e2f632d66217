"""Settling-in check-ins in a real browser: a newcomer answers in Ukrainian on a phone,
and the coordinator sees the retention curve; axe-core checks every page state, and the
dashboard's tables fit at 1280 px."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from contacts.models import HouseholdMember, Newcomer
from contacts.services import newcomer_link_issue
from outcomes.models import Answer, CheckIn, UnmetNeed
from tests.browser.test_staff_journeys import _enquiry, _log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def _checkin(newcomer, case, *, moved: date, months: int, answer: dict | None = None):
    due = moved + timedelta(days=30 * months)
    at = timezone.make_aware(datetime.combine(due, time(10)))
    row = CheckIn.objects.create(
        newcomer=newcomer,
        case=case,
        months=months,
        move_date=moved,
        due_date=due,
        due_at=at,
        status=CheckIn.Status.ANSWERED if answer else CheckIn.Status.INVITED,
        invited_at=at,
        target_group=newcomer.target_group,
        municipality=newcomer.municipality,
    )
    if answer is not None:
        saved = Answer.objects.create(checkin=row, via="portal", answered_at=at, **answer)
        for theme in saved.missing:
            UnmetNeed.objects.create(answer=saved, theme=theme)
    return row


def test_outcomes_journey_newcomer_answers_in_ukrainian_on_a_phone(
    live_server, page: Page, world, check_page, screenshot
):
    newcomer = world.newcomer
    Newcomer.objects.filter(pk=newcomer.pk).update(
        preferred_language="uk", moved_at=timezone.localdate() - timedelta(days=95)
    )
    newcomer.refresh_from_db()
    HouseholdMember.objects.create(newcomer=newcomer, relation="partner")
    HouseholdMember.objects.create(newcomer=newcomer, relation="child", birth_year=2021)
    _checkin(newcomer, world.case, moved=timezone.localdate() - timedelta(days=95), months=3)
    path = newcomer_link_issue(newcomer=newcomer, actor=world.owner)
    assert path.startswith("/uk/my/")

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", name="Як ви освоюєтеся?")).to_be_visible()
    _no_horizontal_scroll(page)
    check_page(page)
    page.get_by_role("link", name="Відповісти на запитання (3 місяці після переїзду)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Як ви освоюєтеся?")
    _no_horizontal_scroll(page)
    check_page(page)

    # Sent empty: errors in Ukrainian, tied to their groups, still axe-clean.
    page.get_by_role("button", name="Надіслати мої відповіді").click()
    expect(page.get_by_text("Виберіть одну відповідь.").first).to_be_visible()
    check_page(page)

    living = page.get_by_role("group", name="Чи ви досі живете в регіоні?")
    living.get_by_label("Так, я досі живу там, куди переїхав/ла").check()
    page.get_by_role("group", name="Наскільки ви тут освоїлися?").get_by_label(
        "4", exact=True
    ).check()
    page.get_by_role("group", name="Наскільки ймовірно").get_by_label("9", exact=True).check()
    page.get_by_role("group", name="Ваша робота").get_by_label(
        "Працюю за фахом", exact=True
    ).check()
    page.get_by_role("group", name="Робота вашого партнера").get_by_label(
        "Шукаю роботу", exact=True
    ).check()
    page.get_by_role("group", name="Чого бракувало?").get_by_label("Робота для партнера").check()
    page.get_by_label("Чого бракувало, вашими словами").fill("Вечірні мовні курси")
    page.get_by_role("group", name="Чи можемо ми зв'язатися з вами пізніше?").get_by_label(
        "Так"
    ).check()
    screenshot(page, "outcomes-questionnaire-phone-uk", full_page=True)
    page.get_by_role("button", name="Надіслати мої відповіді").click()

    expect(page.get_by_text("Дякуємо за відповіді.")).to_be_visible()
    check_page(page)
    answer = Answer.objects.get()
    assert (answer.living, answer.settled, answer.recommend, answer.work_partner) == (
        "yes",
        4,
        9,
        "seeking",
    )
    assert answer.missing == ["partner_work"]


def test_outcomes_journey_coordinator_sees_the_curve_and_tables_fit(
    live_server, page: Page, world, check_page, screenshot
):
    _enquiry(world)
    moved = timezone.localdate() - timedelta(days=800)
    for i in range(12):
        newcomer = Newcomer.objects.create(
            name=f"N{i}", target_group=Newcomer.TargetGroup.FAMILY if i % 2 else "eu_worker"
        )
        for months in (3, 6, 12, 24):
            living = "away" if months >= 12 and i < 3 else "yes"
            _checkin(
                newcomer,
                world.case,
                moved=moved,
                months=months,
                answer={
                    "living": living,
                    "moved_to": "oslo" if living == "away" else "",
                    "settled": 3 + i % 3,
                    "recommend": 5 + i % 6,
                    "work_self": "in_field",
                    "missing": ["housing"],
                },
            )
    page.set_viewport_size(DESKTOP)
    _log_in(page, live_server.url, "coordinator", check_page)
    page.goto(live_server.url + "/dashboard/")  # bokmål, with its long column headings
    expect(page.get_by_role("heading", name="Resultater: ble de boende?")).to_be_visible()
    expect(page.locator("#chart-retention-title")).to_have_count(1)
    check_page(page)
    # Every table fits its box: nothing cut off at 1280 px ("Endring", "Uten ansvarlig
    # saksbehandler"); where one must scroll, its region is focusable (axe above).
    overflowing = page.evaluate(
        """[...document.querySelectorAll('.table-wrap')]
            .filter(w => w.scrollWidth > w.clientWidth + 1)
            .map(w => w.getAttribute('aria-label'))"""
    )
    assert overflowing == []
    page.locator("#outcomes").screenshot(path=str(_path()))
    screenshot(page, "dashboard-outcomes-1280", full_page=True)


def _path():
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / "dashboard-outcomes-section.png"
