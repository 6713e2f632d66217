"""The public intake speaks every language of settings.LANGUAGES.

Staff screens are in bokmål and English only; everything a newcomer sees (the form, its
errors, the receipt page and e-mail, the accessibility statement, the error pages, the
welcome pack and its e-mail) must be translated, and not fuzzy, in every catalogue. The
messages are extracted from exactly the files that make those pages, as makemessages
does, so a string added to them later is covered without editing this list.
"""

import ast
import io
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize
from pypdf import PdfReader

from cases.models import Case, Topic
from contacts.models import Consent, Municipality, Newcomer
from onboarding.models import OnboardingTemplate
from onboarding.pdf import render_welcome_pack
from onboarding.services import plan_start
from operations.management.commands.makemessages import JINJA2_OPTIONS
from outbox.models import OutboundEmail

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# The languages only the public pages speak (staff screens are in STAFF_LANGUAGES).
PUBLIC_LANGUAGES = [code for code in LANGUAGES if code not in settings.STAFF_LANGUAGES]

INTAKE_TEMPLATES = [
    "templates/base.html",
    "templates/public_base.html",
    "templates/_form_errors.html",
    "templates/_language_switch.html",
    "templates/jinja2/django/forms/field.html",
    "templates/cases/intake_form.html",
    "templates/cases/intake_received.html",
    "templates/accessibility.html",
    "templates/404.html",
    "templates/429.html",
    "templates/jinja2/emails/intake_receipt-subject.txt",
    "templates/jinja2/emails/intake_receipt-body.txt",
    "templates/jinja2/emails/intake_receipt-body.html",
    "templates/jinja2/emails/welcome_pack-subject.txt",
    "templates/jinja2/emails/welcome_pack-body.txt",
    "templates/jinja2/emails/welcome_pack-body.html",
    # The newcomer's own page (/my/) and the e-mail with its link.
    "templates/portal/page.html",
    "templates/portal/welcome_pack.html",
    "templates/portal/request.html",
    "templates/portal/_contacts.html",
    "templates/portal/_household.html",
    "templates/jinja2/emails/newcomer_link-subject.txt",
    "templates/jinja2/emails/newcomer_link-body.txt",
    "templates/jinja2/emails/newcomer_link-body.html",
    "templates/jinja2/emails/reminder_newcomer_deadline-subject.txt",
    "templates/jinja2/emails/reminder_newcomer_deadline-body.txt",
    "templates/jinja2/emails/reminder_newcomer_deadline-body.html",
    # The settling-in questionnaire (outcomes) and its invitation.
    "templates/portal/_checkin.html",
    "templates/portal/checkin.html",
    "templates/outcomes/_questionnaire.html",
    "templates/jinja2/emails/checkin_invitation-subject.txt",
    "templates/jinja2/emails/checkin_invitation-body.txt",
    "templates/jinja2/emails/checkin_invitation-body.html",
    # A message staff write to the newcomer: the text is theirs, the frame is ours.
    "templates/jinja2/emails/conversation_message-subject.txt",
    "templates/jinja2/emails/conversation_message-body.txt",
    "templates/jinja2/emails/conversation_message-body.html",
    # The privacy notice: the law asks for it in a language the person understands.
    "templates/privacy/notice.html",
]
# Python files and, where only part of one is public, the classes or assignments in it
# whose strings the newcomer sees (None: the whole module).
INTAKE_PYTHON: dict[str, list[str] | None] = {
    "cases/forms.py": ["EnquiryForm", "IntakeForm"],
    "contacts/models.py": [
        "Newcomer.TargetGroup",
        "Newcomer.Citizenship",
        "Newcomer.HeardVia",
        "Consent.Scope",
    ],
    "config/pdf.py": ["_footer_canvas"],  # the PDF's "Page 1 of 2"
    "config/settings.py": ["LANGUAGES"],
    "config/text.py": None,  # the refusal of names with invisible characters
    "config/middleware.py": ["Utf8RequestMiddleware"],  # a form post that is not UTF-8
    "onboarding/pdf.py": None,
    "onboarding/models.py": ["PlanStep.who"],  # "You", "Your partner" in the pack
    "portal/forms.py": None,
    "portal/views.py": None,
    "portal/services.py": None,
    "onboarding/services.py": ["step_titles_for"],  # a step's "(partner)", "(child born …)"
    "outcomes/forms.py": ["QuestionnaireForm", "YES_NO"],
    "outcomes/models.py": ["Living", "MovedTo", "MovedReason", "Work", "ChildPlace", "Theme"],
    "outcomes/services.py": None,
}
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
}


def _python_sources(path: str, names: list[str] | None) -> list[str]:
    source = (ROOT / path).read_text(encoding="utf-8")
    if names is None:
        return [source]
    tree = ast.parse(source)
    found: dict[str, str] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef):
                found[prefix + node.name] = ast.get_source_segment(source, node) or ""
            elif isinstance(node, ast.ClassDef):
                found[prefix + node.name] = ast.get_source_segment(source, node) or ""
                visit(node.body, prefix + node.name + ".")
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        found[prefix + target.id] = ast.get_source_segment(source, node) or ""

    visit(tree.body, "")
    missing = [name for name in names if name not in found]
    assert not missing, f"{path} no longer defines {missing}"
    return [found[name] for name in names]


def intake_messages() -> set[tuple[str | tuple[str, ...], str | None]]:
    """(msgid, context) of every message the public pages, mails and pack use."""
    messages: set[tuple[str | tuple[str, ...], str | None]] = set()
    sources: list[str] = []
    for path in INTAKE_TEMPLATES:
        text = (ROOT / path).read_text(encoding="utf-8")
        if path.startswith("templates/jinja2/"):
            # Babel's Jinja2 extractor, with the options makemessages gives it.
            for _line, message, _comments, context in extract(
                "jinja2",
                io.BytesIO(text.encode("utf-8")),
                keywords=KEYWORDS,
                options=JINJA2_OPTIONS["**" + Path(path).suffix],
            ):
                messages.add((message, context))
        else:
            sources.append(templatize(text, origin=path))
    for path, names in INTAKE_PYTHON.items():
        sources += _python_sources(path, names)
    for source in sources:
        for _line, message, _comments, context in extract(
            "python", io.BytesIO(source.encode("utf-8")), keywords=KEYWORDS
        ):
            messages.add((message, context))
    return messages


def _catalogue(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle)


def test_intake_languages_messages_are_found():
    messages = {m for m, _c in intake_messages()}
    assert "Send enquiry" in messages  # a template
    assert "We can only handle your enquiry if you agree." in messages  # the form
    assert "Family with children" in messages  # a model choice
    assert "Your plan" in messages  # the welcome pack
    assert "Page %(number)d of %(count)d" in messages  # the PDF's footer
    assert "Another EU/EEA country" in messages  # the citizenship asked at intake
    assert "Your partner" in messages  # who does a partner's step
    assert "Ukrainian" in messages  # a language name
    assert "Record the enquiry only when the person has agreed." not in messages  # staff
    assert len(messages) > 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_intake_languages_every_message_is_translated(language):
    catalogue = _catalogue(language)
    untranslated = []
    for message, context in sorted(intake_messages(), key=str):
        entry = catalogue.get(message, context=context)
        if entry is None or entry.fuzzy:
            untranslated.append(message)
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            untranslated.append(message)
    assert untranslated == []


# --- The pages, mails and pack really come out in the newcomer's language -----------------


def _intake_data(**overrides):
    narvik = Municipality.objects.get(name="Narvik")
    data = {
        "name": "Olena Kovalenko",
        "email": "olena@example.org",
        "preferred_language": "uk",
        "municipality": narvik.pk,
        "target_group": Newcomer.TargetGroup.FAMILY,
        "has_partner": "on",
        "children_birth_years": "2016, 2020",
        "topics": [Topic.objects.get(slug="housing").pk],
        "consent": "on",
        "share_scopes": [Consent.Scope.MUNICIPALITY],
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_intake_languages_form_errors_in_polish_link_to_their_fields(client):
    response = client.post(
        "/pl/intake/",
        _intake_data(name="", consent=None, children_birth_years="16", preferred_language="pl"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="pl" dir="ltr">' in html
    assert "Popraw następujące błędy" in html
    assert "To pole jest wymagane." in html  # Django's own message, in Polish
    assert "Wpisz każdy rok urodzenia czterema cyframi" in html
    assert "Możemy zająć się Twoim zgłoszeniem tylko wtedy" in html
    assert "Mieszkanie" in html  # a topic's name, from Topic.names
    # Every link of the error summary leads to a control on the page, tied to its message.
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    targets = re.findall(r'href="#([^"]+)"', summary)
    assert targets == ["id_name", "id_children_birth_years", "id_consent"]
    for target in targets:
        control = re.search(rf"<input[^>]*\bid=\"{target}\"[^>]*>", html)
        assert control, target
        assert 'aria-invalid="true"' in control.group(0)
        described_by = re.search(r'aria-describedby="([^"]+)"', control.group(0))
        assert described_by and f"{target}_error" in described_by.group(1).split()
        assert f'id="{target}_error"' in html


@pytest.mark.django_db
def test_intake_languages_error_summary_links_a_checkbox_group(client):
    Municipality.objects.get(name="Narvik")
    response = client.post("/uk/intake/", _intake_data(share_scopes=["nobody"]))
    html = response.content.decode()
    assert 'href="#id_share_scopes_0"' in html
    assert 'id="id_share_scopes_0"' in html
    assert '<fieldset aria-describedby="id_share_scopes_helptext id_share_scopes_error">' in html


@pytest.mark.django_db
def test_intake_languages_receipt_page_and_email_in_ukrainian(client):
    response = client.post("/uk/intake/", _intake_data(), follow=True)
    case = Case.objects.get()
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/uk/intake/received/"
    assert "Дякуємо — ми отримали ваше звернення" in html
    assert case.reference in html
    email = OutboundEmail.objects.get(case_id=case.pk)
    assert email.language == "uk"
    assert email.subject == f"Ми отримали ваше звернення ({case.reference})"
    assert email.body_text.startswith("Вітаємо, Olena Kovalenko!")
    assert '<html lang="uk" dir="ltr">' in email.body_html


@pytest.mark.django_db
def test_intake_languages_receipt_page_and_email_in_arabic_right_to_left(client):
    response = client.post(
        "/ar/intake/", _intake_data(preferred_language="ar", name="سلمى حداد"), follow=True
    )
    case = Case.objects.get()
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "شكرًا لك — وصلنا طلبك" in html
    email = OutboundEmail.objects.get(case_id=case.pk)
    assert email.language == "ar"
    assert email.subject == f"وصلنا طلبك ({case.reference})"
    assert email.body_text.startswith("مرحبًا سلمى حداد،")
    assert '<html lang="ar" dir="rtl">' in email.body_html


@pytest.mark.django_db
def test_intake_languages_switch_offers_all_languages_publicly_and_staff_ones_to_staff(
    client, world
):
    html = client.get("/pl/intake/").content.decode()
    offered = re.findall(r'name="language" value="(\w+)"', html)
    assert offered == ["nb", "en", "uk", "ar"]
    client.force_login(world.owner)
    html = client.get("/en/cases/").content.decode()
    assert re.findall(r'name="language" value="(\w+)"', html) == ["nb"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "heading"),
    [
        ("", "Tilgjengelighetserklæring"),
        ("/en", "Accessibility statement"),
        ("/pl", "Deklaracja dostępności"),
        ("/uk", "Заява про доступність"),
    ],
)
def test_intake_languages_accessibility_statement(client, prefix, heading):
    response = client.get(f"{prefix}/accessibility/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert "https://www.uutilsynet.no/" in html
    assert "mailto:tilflytt@localhost" in html
    intake = client.get(f"{prefix}/intake/").content.decode()
    assert f'href="{prefix}/accessibility/"' in intake


@pytest.mark.django_db
def test_intake_languages_not_found_page_in_polish(client):
    response = client.get("/pl/no-such-page/")
    assert response.status_code == 404
    assert "Nie znaleźliśmy tej strony" in response.content.decode()


@pytest.mark.django_db
def test_intake_languages_topic_names_come_from_data():
    housing = Topic.objects.get(slug="housing")
    names = {}
    for language in ("nb", "en", "pl", "uk"):
        with translation.override(language):
            names[language] = housing.name
    assert names == {"nb": "Bolig", "en": "Housing", "pl": "Mieszkanie", "uk": "Житло"}
    # Every seeded topic has a name in every public language ...
    for topic in Topic.objects.all():
        assert set(topic.names) >= set(PUBLIC_LANGUAGES), topic.slug
    # ... and a topic added without one falls back to English.
    new = Topic.objects.create(slug="pets", name_nb="Kjæledyr", name_en="Pets", position=99)
    with translation.override("pl"):
        assert new.name == "Pets"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("pl", ["Olena Kovalenko, witamy!", "Twój plan", "1 kwietnia 2027"]),
        ("uk", ["Olena Kovalenko, ласкаво просимо!", "Ваш план", "1 квітня 2027 р."]),  # noqa: RUF001
    ],
)
def test_intake_languages_welcome_pack_in_polish_and_ukrainian(world, language, texts):
    with time_machine.travel(date(2027, 1, 10), tick=False):
        plan_start(
            case=world.case,
            template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
            move_date=date(2027, 4, 1),
            from_abroad=True,
            eu_eea=True,
            long_stay=True,
            importing_car=False,
            actor=world.owner,
        )
    Newcomer.objects.filter(pk=world.newcomer.pk).update(name="Olena Kovalenko")
    world.case.refresh_from_db()
    reader = PdfReader(BytesIO(render_welcome_pack(case=world.case, language=language)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for expected in texts:
        assert expected in text
    assert reader.metadata.title == {"pl": "Pakiet powitalny", "uk": "Вітальний пакет"}[language]
