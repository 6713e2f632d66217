"""The catalogues in locale/: bokmål and English complete (staff and public), every public
language complete for the public side (tests/test_intake_languages.py lists that side),
and in every catalogue: nothing fuzzy, placeholders intact, nothing stale.

CI runs this file again right after a fresh `makemessages -l nb -l en`, so a msgid the
code no longer has shows up as stale in the other catalogues."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PUBLIC_ONLY = [code for code in LANGUAGES if code not in settings.STAFF_LANGUAGES]
REFRESH = (
    "DEBUG=true .venv/bin/python manage.py makemessages "
    + " ".join(f"-l {code}" for code in LANGUAGES)
    + " --ignore=.venv --ignore=var --ignore=tests --no-obsolete"
)
# %(name)s, %s, %d …; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]|\{[a-z_]*\}")


def _catalogue(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle)


def _strings(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.mark.parametrize("language", settings.STAFF_LANGUAGES)
def test_translations_catalogue_is_complete(language):
    catalog = _catalogue(language)
    missing = [
        message.id
        for message in catalog
        if message.id and (message.fuzzy or not all(_strings(message.string)))
    ]
    assert missing == []
    assert len(catalog) > 300


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_catalogue_has_no_fuzzy_entry(language):
    """A fuzzy entry is a guess (msgmerge's nearest match: "Why" → "Kto"). It is never
    compiled, and none is kept: a wording that needs a native speaker's review is written
    as well as we can and listed in docs/translations.md instead. A fuzzy header would
    make Babel's compiler skip the whole catalogue."""
    catalog = _catalogue(language)
    assert not catalog.fuzzy, "the header is marked fuzzy"
    assert [message.id for message in catalog if message.id and message.fuzzy] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_placeholders_are_intact(language):
    """Every translation keeps the placeholders of its msgid: a dropped or misspelt
    %(name)s raises KeyError or shows the raw text. A plural form adds none and keeps
    those both the singular and the plural msgid have; one the English leaves out of its
    singular ("One e-mail …") a form may leave out too."""
    broken = []
    for message in _catalogue(language):
        if not message.id or not any(_strings(message.string)):
            continue
        ids = _strings(message.id)
        expected = set().union(*(_placeholders(text) for text in ids))
        required = set.intersection(*(_placeholders(text) for text in ids))
        for form, text in enumerate(_strings(message.string)):
            if not text:
                continue
            found = _placeholders(text)
            if message.pluralizable:
                if not required <= found <= expected:
                    broken.append((ids[0], form, text))
            elif found != expected:
                broken.append((ids[0], form, text))
    assert broken == []


@pytest.mark.parametrize("language", PUBLIC_ONLY)
def test_translations_public_catalogue_has_nothing_stale(language):
    """Every msgid of a public language's catalogue is one the code still has (the bokmål
    catalogue, extracted afresh in CI), with no obsolete entries kept."""
    reference = {(message.id, message.context) for message in _catalogue("nb") if message.id}
    catalog = _catalogue(language)
    stale = [
        message.id
        for message in catalog
        if message.id and (message.id, message.context) not in reference
    ]
    assert stale == [], f"refresh the catalogues: {REFRESH}"
    assert not catalog.obsolete, f"refresh the catalogues: {REFRESH}"


def test_translations_no_compiler_uses_fuzzy_entries():
    for path in ("Makefile", ".ci/run"):
        assert "--use-fuzzy" not in (ROOT / path).read_text(encoding="utf-8"), path


def _jinja2_msgids() -> dict[tuple[str, str | None], str]:
    """Each msgid the Jinja2 templates translate (Babel's extractor, as `makemessages`
    runs it: operations/management/commands/makemessages.py), with where it is."""
    from operations.management.commands.makemessages import jinja2_messages

    found = {}
    for path, lineno, message, context in jinja2_messages():
        ids = message if isinstance(message, tuple) else (message,)
        found[(ids[0], context)] = f"{path}:{lineno}"
    assert len(found) > 50  # the extractor read the templates
    return found


@pytest.mark.parametrize("language", settings.STAFF_LANGUAGES)
def test_translations_jinja2_templates_are_in_the_catalogues(language):
    """Every string of the Jinja2 templates (the case list, "My work", the e-mails) is in
    the staff catalogues and translated: a new or reworded string fails here until the
    catalogues are refreshed and filled."""
    catalog = {(_strings(m.id)[0], m.context): m for m in _catalogue(language) if m.id}
    missing = [
        (msgid, where)
        for (msgid, context), where in _jinja2_msgids().items()
        if (msgid, context) not in catalog or not all(_strings(catalog[(msgid, context)].string))
    ]
    assert missing == [], f"refresh and fill the catalogues: {REFRESH}"


def test_translations_no_stale_jinja2_msgid():
    """A msgid the catalogue has only from Jinja2 templates is still in one of them: a
    string removed or reworded there leaves no stale entry behind."""
    extracted = _jinja2_msgids()
    stale = [
        message.id
        for message in _catalogue("nb")
        if message.id
        and message.locations
        and all(path.startswith("templates/jinja2/") for path, _line in message.locations)
        and (_strings(message.id)[0], message.context) not in extracted
    ]
    assert stale == [], f"refresh the catalogues: {REFRESH}"
