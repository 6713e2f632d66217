"""`manage.py makemessages`, which also extracts the Jinja2 templates' strings.

Django's makemessages reads templates as the Django template language and would misread
Jinja2 (`{% trans %}…{% endtrans %}`), so templates/jinja2/ is left out of its pass;
Babel's Jinja2 extractor (jinja2.ext.babel_extract) reads it instead, and its msgids are
added to the same POT before msgmerge writes the catalogues. One command, one set of
catalogues: tests/test_translations.py checks both kinds of template.
"""

import io
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import makemessages
from django.core.management.utils import popen_wrapper

JINJA2_DIR = Path(settings.BASE_DIR) / "templates" / "jinja2"
# The pages (.html) and the e-mails' subjects and text parts (emails/*.txt).
JINJA2_PATTERNS = ["**.html", "**.txt"]
# The Jinja2 environment's extensions (config/jinja2.py), so the extractor parses as it does.
JINJA2_OPTIONS = {
    pattern: {"extensions": "jinja2.ext.i18n", "silent": "false"} for pattern in JINJA2_PATTERNS
}


def jinja2_messages(directory: Path = JINJA2_DIR) -> list[tuple[str, int, Any, str | None]]:
    """(path from the project root, line, msgid or (singular, plural), context) of every
    string the Jinja2 templates translate."""
    root = Path(settings.BASE_DIR)
    found = []
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(directory),
        method_map=[(pattern, "jinja2") for pattern in JINJA2_PATTERNS],
        options_map=JINJA2_OPTIONS,
    ):
        path = (directory / filename).relative_to(root).as_posix()
        found.append((path, lineno, message, context))
    return found


class Command(makemessages.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), "*templates/jinja2"]
        super().handle(*args, **options)

    def build_potfiles(self) -> list[str]:
        potfiles = super().build_potfiles()
        if self.domain == "django":
            for potfile in potfiles:
                if Path(potfile).resolve().parent == (Path(settings.BASE_DIR) / "locale"):
                    self._add_jinja2_messages(Path(potfile))
        return potfiles

    def _add_jinja2_messages(self, potfile: Path) -> None:
        """Appends the Jinja2 msgids to xgettext's POT, then lets msguniq merge those both
        kinds of template have (as Django's own pass does)."""
        catalog = Catalog()
        for path, lineno, message, context in jinja2_messages():
            text = " ".join(message) if isinstance(message, tuple) else message
            flags = ["python-format"] if "%" in text else []
            catalog.add(message, locations=[(path, lineno)], flags=flags, context=context)
        entries = io.BytesIO()
        write_po(entries, catalog, width=79, omit_header=True)
        with potfile.open("ab") as handle:
            handle.write(b"\n" + entries.getvalue())
        merged, errors, status = popen_wrapper(["msguniq", "--to-code=utf-8", str(potfile)])
        if status != 0:
            raise CommandError(f"msguniq failed on the Jinja2 messages: {errors}")
        potfile.write_text(merged, encoding="utf-8")
