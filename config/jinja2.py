"""The Jinja2 environment of the staff pages that are rendered most (the case list, "My
work") and of every e-mail (outbox.emails): Django's Jinja2 backend (settings.TEMPLATES,
second entry), templates in templates/jinja2/. The Django template language resolves each
`{{ case.newcomer.name }}` through a chain of lookups and renders each `{% include %}`
through its own context stack; Jinja2 compiles a template to Python once, which made the
case list's 25 rows several times cheaper (docs/benchmarks.md, "Staff pages, issue 24").

Translations: `{{ _("…") }}`, `{% trans trimmed %}…{% endtrans %}` and `ngettext`
go through Django's gettext (newstyle: placeholders are filled and escaped by Jinja2, the
translation escaped first by `gettext_escaped`).
The strings are extracted with Babel's Jinja2 extractor by `manage.py makemessages`
(operations/management/commands/makemessages.py) into the same catalogues, and
tests/test_translations.py checks them.
"""

from datetime import date as date_type
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, html, timezone, translation
from django.utils.autoreload import file_changed
from django.utils.functional import SimpleLazyObject
from jinja2 import Environment, pass_context, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from markupsafe import Markup, escape

from config import languages


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """`{{ url("cases:detail", case.pk) }}`, as `{% url %}`."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


_MARK = 987654321


def url_format(name: str) -> str:
    """The address of `name`, whose one argument is a whole number, as a format string:
    reversed once per page and filled per row (`{{ detail.format(case.pk) }}`), where
    `url()` in a loop would resolve the pattern again for each row."""
    return reverse(name, args=[_MARK]).replace(str(_MARK), "{}")


def date(value: Any, arg: str = "DATE_FORMAT") -> str:
    """`{{ case.created_at|date("SHORT_DATE_FORMAT") }}`, as Django's `date` filter: an
    aware datetime is shown in the current time zone first (the template language does
    that for the filter); "" for None."""
    if value in (None, ""):
        return ""
    if type(value) is date_type:  # not a datetime: the same day reads the same all day
        return _date_formatted(translation.get_language(), value, arg)
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, arg)


@lru_cache(maxsize=4096)
def _date_formatted(language: str | None, value: date_type, arg: str) -> str:
    """A day in the active language's format (`language`), kept: e-mails and rows repeat
    the same due dates, and each formatting took 20 µs (bench/reminders.py)."""
    return formats.date_format(value, arg)


@pass_context
def include_part(context: Context, template_name: str, **extra: Any) -> Markup:
    """`{{ include_part(part_template, part=part) }}`: a section another app adds through a
    registry (cases.registries.my_work_parts), rendered with this page's context and
    `extra`, in whichever template language it is written (a Jinja2 template under
    templates/jinja2/, else the Django template language)."""
    # Markup: the part's template escaped what it had to (a Jinja2 template's render()
    # returns a plain str, which the page would escape again); both engines autoescape.
    return Markup(  # noqa: S704  # nosec B704
        get_template(template_name).render({**context.get_all(), **extra}, context.get("request"))
    )


@pass_eval_context
def gettext_escaped(eval_ctx: EvalContext, message: str) -> str:
    """Jinja2's newstyle gettext marks the translation safe before filling it in: a
    translation with `"` or `<` would then break out of an attribute. Escaped here (the
    placeholders Jinja2 escapes itself), except inside `{% autoescape false %}` (the
    e-mails' text parts), where the translation and its placeholders stay as written."""
    text = _translated(translation.get_language(), message)
    return escape(text) if eval_ctx.autoescape else text


@lru_cache(maxsize=4096)
def _translated(language: str | None, message: str) -> str:
    """gettext of `message` in the active language, which is `language`: kept per process,
    as Django keeps the catalogues. A template says the same few sentences in every
    e-mail and row, and Django's lookup (active language, catalogue, fallbacks) was a
    third of an e-mail's rendering in the reminder sweep (bench/reminders.py)."""
    return translation.gettext(message)


def kept_texts_forget() -> None:
    """Forgets the translated sentences and formatted days kept above (month names are
    translations too): wherever Django reloads its catalogues or formats, and in tests."""
    _translated.cache_clear()
    _date_formatted.cache_clear()


@receiver(setting_changed)
def _kept_forget_on_settings(**kwargs: Any) -> None:
    # Django reloads its catalogues and formats when settings change (tests): so must this.
    kept_texts_forget()


@receiver(file_changed)
def _kept_forget_on_catalogue(*, file_path: Path, **kwargs: Any) -> None:
    # runserver reloads a recompiled catalogue without restarting (Django's own receiver of
    # this signal). Returns None: the reloader still decides whether to restart.
    if file_path.suffix == ".mo":
        kept_texts_forget()


@pass_eval_context
def ngettext_escaped(eval_ctx: EvalContext, singular: str, plural: str, number: int) -> str:
    text = translation.ngettext(singular, plural, number)
    return escape(text) if eval_ctx.autoescape else text


@pass_eval_context
def linebreaks(eval_ctx: EvalContext, value: Any) -> Markup:
    """`{{ body|linebreaks }}`, as Django's filter: paragraphs in <p>, single newlines as
    <br>, the text escaped unless it is already safe."""
    autoescape = eval_ctx.autoescape and not hasattr(value, "__html__")
    # Markup: Django's linebreaks escaped the text itself when autoescaping.
    return Markup(html.linebreaks(value, autoescape=autoescape))  # noqa: S704  # nosec B704


def csrf_once(request: HttpRequest) -> dict[str, Any]:
    """The CSRF hidden field and token, worked out at most once per page (a context
    processor of the Jinja2 engine only, config.env.template_engines). Django's Jinja2
    backend gives `csrf_input` as a lazy string that masks the token again at each use:
    "My work" has a form per row, and masking took 42 random strings a page. The template
    language's own `{% csrf_token %}` reads it once per page too; one masked token per
    response still changes from response to response."""
    token = SimpleLazyObject(lambda: get_token(request))
    field = '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    return {
        "csrf_input": SimpleLazyObject(lambda: html.format_html(field, token)),
        "csrf_token": token,
    }


def environment(**options: Any) -> Environment:
    # Autoescape always on, whatever the TEMPLATES options say.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext_escaped, ngettext_escaped, newstyle=True
    )
    env.globals.update(
        url=url,
        url_format=url_format,
        include_part=include_part,
        static=static,
        switch_languages=languages.switch_languages,
        language_bidi=translation.get_language_bidi,
        language_code=translation.get_language,
    )
    env.filters.update(
        date=date,
        intcomma=intcomma,
        language_name_own=languages.language_name_own,
        linebreaks=linebreaks,
    )
    return env
