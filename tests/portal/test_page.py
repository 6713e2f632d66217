"""What the newcomer's own page shows, in two languages, and what it never shows."""

from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.utils import timezone, translation
from pypdf import PdfReader

from cases.services import note_add
from contacts.models import Organisation
from onboarding.models import PlanStep
from onboarding.services import step_add
from tests import factories as f

from .conftest import TODAY


def _html(client, path: str) -> str:
    with time_machine.travel(TODAY, tick=False):
        response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    return response.content.decode()


@pytest.mark.django_db
def test_portal_page_household_with_children_in_bokmal(client, world, portal):
    Organisation.objects.filter(pk=world.kommune.pk).update(
        email="tilflytt@narvik.kommune.no", phone="+47 76 96 50 00"
    )
    world.owner.first_name, world.owner.last_name = "Kari", "Nordmann"
    world.owner.save()
    html = _html(client, f"/my/{portal.secret}/")
    assert '<html lang="nb" dir="ltr">' in html
    assert "Anna Kowalska" in html
    assert world.case.reference in html
    # Their next steps, with the children's steps, bokmål guidance and official links.
    assert "Søk barnehageplass (søknadsfrist 1. mars) (barn født 2024)" in html
    assert "Skoleplass (barn født 2019)" in html
    kindergarten = PlanStep.objects.filter(plan=portal.plan, title_nb__startswith="Søk barne")
    step = kindergarten.get()
    assert step.guidance_nb and step.guidance_nb.split("\n")[0][:40] in html
    assert f'href="{step.source_url}"' in html
    # A step waiting for another says so and has no button yet.
    assert "Du kan gjøre dette etter" in html or "You can do this after" in html
    # What the team does, and who helps them.
    assert "Velkomstsamtale med tilflytterkoordinatoren" in html
    assert "Kari Nordmann" in html
    assert "tilflytt@narvik.kommune.no" in html and "+47 76 96 50 00" in html
    # The owner's personal login and e-mail are not shown.
    assert world.owner.username not in html.replace("Kari Nordmann", "")


@pytest.mark.django_db
def test_portal_page_household_with_children_in_english(client, world, portal):
    html = _html(client, f"/en/my/{portal.secret}/")
    assert '<html lang="en" dir="ltr">' in html
    assert "Your next steps" in html
    assert "Apply for a kindergarten place (deadline 1 March) (child born 2024)" in html
    assert "School place (child born 2019)" in html
    assert "Welcome talk with the newcomer coordinator" in html
    assert "Søk barnehageplass" not in html
    step = PlanStep.objects.filter(plan=portal.plan, title_en="School place (child born 2019)")
    assert step.get().guidance_en.split("\n")[0][:40] in html
    # The language switch offers every language of the public pages.
    for code in ("nb", "pl", "uk"):
        assert f'name="language" value="{code}"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "pl",
            [
                "Miejsce w szkole (dziecko urodzone w 2019)",
                "Dziecko z zagranicy ma prawo do miejsca w szkole",
                "Rozmowa powitalna z koordynatorem",
            ],
        ),
        (
            "uk",
            [
                "Місце в школі (дитина 2019 року народження)",
                "Дитина з-за кордону має право на місце в школі",
                "Вітальна розмова з координатором",
            ],
        ),
    ],
)
def test_portal_page_steps_and_guidance_in_polish_and_ukrainian(
    client, world, portal, language, texts
):
    html = " ".join(_html(client, f"/{language}/my/{portal.secret}/").split())
    assert f'<html lang="{language}" dir="ltr">' in html
    for text in texts:
        assert text in html
    assert "School place" not in html
    assert "Welcome talk" not in html


@pytest.mark.django_db
def test_portal_page_in_arabic_right_to_left_with_sources_and_check_dates(client, world, portal):
    html = " ".join(_html(client, f"/ar/my/{portal.secret}/").split())
    assert '<html lang="ar" dir="rtl">' in html
    assert "مكان في المدرسة (طفل مولود عام 2019)" in html  # the school step, the child's
    assert "لقاء ترحيبي مع منسّق استقبال القادمين الجدد" in html
    assert "School place" not in html and "Welcome talk" not in html
    # Each step of theirs links its official source, with the date its facts were checked.
    assert "معلومات رسمية" in html
    assert "تاريخ التحقق من المعلومات: 2 ديسمبر 2026" in html


@pytest.mark.django_db
def test_portal_page_a_step_without_the_language_falls_back_to_english(client, world, portal):
    """The team's own step, written in English: the Polish page shows it in English."""
    with translation.override("en"):
        step_add(
            plan=portal.plan,
            title="Meet the school nurse",
            due_date=date(2027, 5, 1),
            doer="newcomer",
            actor=world.owner,
        )
    html = _html(client, f"/pl/my/{portal.secret}/")
    assert "Meet the school nurse" in html


@pytest.mark.django_db
def test_portal_page_shows_no_internal_notes_skip_reasons_or_staff_events(client, world, portal):
    note_add(
        case=world.case, body="Internal: check the tenancy", visibility="team", actor=world.owner
    )
    note_add(
        case=world.case,
        body="Confidential: NAV history",
        visibility="confidential",
        actor=world.owner,
    )
    f.make_followup(case=world.case, assignee=world.owner, due_date=TODAY, title="Ring landlord")
    step = portal.plan.steps.filter(doer="team").first()
    PlanStep.objects.filter(pk=step.pk).update(
        status="skipped", skip_reason="Secret reason", done_at=timezone.now()
    )
    for path in (f"/my/{portal.secret}/", f"/my/{portal.secret}/welcome-pack/"):
        html = _html(client, path)
        for hidden in (
            "Internal: check the tenancy",
            "Confidential: NAV history",
            "Ring landlord",
            "Secret reason",
            step.title_nb,
            world.case.message,
        ):
            assert hidden not in html, (path, hidden)


@pytest.mark.django_db
def test_portal_page_shows_nothing_of_another_newcomer(client, world, portal):
    other = f.make_newcomer(name="Jonas Berg", email="jonas@example.org")
    f.make_case(newcomer=other, organisation=world.kommune, message="Jonas private message")
    html = _html(client, f"/my/{portal.secret}/")
    assert "Jonas" not in html


@pytest.mark.django_db
def test_portal_page_wrong_method(client, portal):
    response = client.post(f"/my/{portal.secret}/")
    assert response.status_code == 405
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_portal_welcome_pack_as_html(client, world, portal):
    html = _html(client, f"/en/my/{portal.secret}/welcome-pack/")
    assert "<h1>Welcome pack</h1>" in html
    assert "Child born 2024" in html and "Child born 2019" in html and "Piotr" in html
    assert "Your plan" in html
    assert "School place (child born 2019)" in html
    assert "https://www.narvikregionen.no" in html
    assert f'href="/en/my/{portal.secret}/welcome-pack.pdf"' in html


@pytest.mark.django_db
def test_portal_welcome_pack_pdf_in_the_pages_language_with_the_link(client, world, portal):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(f"/en/my/{portal.secret}/welcome-pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    reader = PdfReader(BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Your plan" in text
    assert "School place (child born 2019)" in text
    assert "Your personal page" in text
    assert portal.secret[:20] in text.replace(" ", "")


@pytest.mark.django_db
def test_portal_page_queries_do_not_grow_with_the_plan(client, world, portal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from onboarding.services import step_add

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    paths = [f"/en/my/{portal.secret}/", f"/en/my/{portal.secret}/welcome-pack/"]
    count(paths[0])  # the link's first use records last_used_at (then once a minute)
    before = [count(path) for path in paths]
    for n in range(5):
        for doer in ("newcomer", "team"):
            step_add(
                plan=portal.plan, title=f"Extra {n}", due_date=TODAY, doer=doer, actor=world.owner
            )
    f.make_case(newcomer=portal.newcomer, organisation=world.kommune)
    assert [count(path) for path in paths] == before


@pytest.mark.django_db
def test_portal_page_team_steps_show_how_to_reach_their_organisation(client, world, portal):
    Organisation.objects.filter(pk=world.kommune.pk).update(
        email="tilflytt@narvik.kommune.no", phone="+47 76 96 50 00"
    )
    html = _html(client, f"/en/my/{portal.secret}/")
    team = html.split('id="team-steps"')[1].split("</section>")[0]
    assert 'href="mailto:tilflytt@narvik.kommune.no"' in team
    assert 'href="tel:+4776965000"' in team


@pytest.mark.django_db
def test_portal_arabic_pages_keep_phone_numbers_and_addresses_left_to_right(client, world, portal):
    """In a right-to-left line, '+47 76 96 50 00' would be reordered into '00 50 96 76 47+'
    unless the number sits in its own left-to-right element."""
    Organisation.objects.filter(pk=world.kommune.pk).update(
        email="tilflytt@narvik.kommune.no", phone="+47 76 96 50 00"
    )
    for path in (f"/ar/my/{portal.secret}/", f"/ar/my/{portal.secret}/welcome-pack/"):
        html = _html(client, path)
        assert '<html lang="ar" dir="rtl">' in html
        for text in ("+47 76 96 50 00", "tilflytt@narvik.kommune.no"):
            assert html.count(f">{text}<") >= 1, (path, text)
            assert html.count(f">{text}<") == html.count(f'dir="ltr">{text}<'), (path, text)
    pack = _html(client, f"/ar/my/{portal.secret}/welcome-pack/")
    assert 'dir="ltr">https://www.narvikregionen.no<' in pack


def test_portal_stylesheet_isolates_phone_and_mail_links():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/tilflytt.css").read_text()
    assert 'a[href^="tel:"], a[href^="mailto:"] { direction: ltr; unicode-bidi: isolate; }' in css


@pytest.mark.django_db
def test_portal_welcome_pack_names_the_partner_on_the_partners_steps(client, world, portal):
    """The HTML pack says who does a step as the PDF does: Piotr's own steps are his."""
    import re

    html = _html(client, f"/en/my/{portal.secret}/welcome-pack/")
    whos = re.findall(
        r"<strong>([^<]*)</strong>\s*<span class=\"muted\"><time[^>]*>[^<]*</time> · ([^<·]*)",
        html,
    )
    partner = [who.strip() for title, who in whos if "(partner)" in title]
    assert "Piotr" in partner and "You" not in partner
    assert "You" in {who.strip() for title, who in whos if "(partner)" not in title}
    step = PlanStep.objects.filter(plan=portal.plan, member__relation="partner").first()
    step.member.name = ""
    assert step.who == "Your partner"


@pytest.mark.django_db
def test_portal_organisation_description_keeps_its_line_breaks(client, world, portal):
    Organisation.objects.filter(pk=world.kommune.pk).update(
        descriptions={"en": "The newcomer team.\nDrop-in on Tuesdays & Thursdays."}
    )
    kept = "The newcomer team.<br>Drop-in on Tuesdays &amp; Thursdays."
    assert kept in _html(client, f"/en/my/{portal.secret}/")
    assert kept in _html(client, f"/en/my/{portal.secret}/welcome-pack/")
