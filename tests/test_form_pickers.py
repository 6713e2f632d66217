"""Pickers read their rows with one plain query (config.forms.ChoicesReadAtOnce), and draw
exactly what Django's own fields draw."""

import importlib
import pkgutil

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.forms import StaffChoiceField
from config.forms import ChoicesReadAtOnce, ModelChoiceField, ModelMultipleChoiceField
from contacts.models import Organisation
from occupations.forms import OccupationCodeField
from tests import factories as f

# Fields that draw no list of rows: staff are read and grouped by contacts.selectors, and
# occupation codes are typed.
OWN_CHOICES = (StaffChoiceField, OccupationCodeField)


def _project_apps() -> list:
    return [
        c
        for c in apps.get_app_configs()
        if c.path.startswith(str(settings.BASE_DIR)) and "/.venv/" not in c.path
    ]


def _project_modules(suffix: str) -> set[str]:
    """Imports every project app's modules whose name ends in `suffix` (forms, list_forms,
    filters), so that their classes are known to __subclasses__; returns their names."""
    names = {
        f"{config.name}.{module.name}"
        for config in _project_apps()
        for module in pkgutil.iter_modules([config.path])
        if module.name.endswith(suffix)
    }
    for name in names:
        importlib.import_module(name)
    return names


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def _ours(base: type) -> list[type]:
    """The project's subclasses of `base`, at any depth."""
    apps_ = {config.name for config in _project_apps()}
    return [cls for cls in _subclasses(base) if cls.__module__.split(".")[0] in apps_]


def test_pickers_every_project_form_reads_its_rows_at_once():
    assert {"cases.forms", "cases.list_forms"} <= _project_modules("forms")
    checked, slow = 0, []
    for form in _ours(forms.BaseForm):
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.ModelChoiceField) and not isinstance(field, OWN_CHOICES):
                checked += 1
                if not issubclass(field.iterator, ChoicesReadAtOnce):
                    slow.append(f"{form.__module__}.{form.__name__}.{name}")
    assert checked >= 10  # the walk found the forms
    assert slow == [], f"use config.forms.ModelChoiceField (or ModelMultipleChoiceField): {slow}"


def test_pickers_every_project_filter_reads_its_rows_at_once():
    assert {"cases.filters", "jobs.filters"} <= _project_modules("filters")
    checked, slow = 0, []
    for filterset in _ours(django_filters.FilterSet):
        for name, declared in filterset.base_filters.items():
            if isinstance(declared, django_filters.ModelChoiceFilter):
                checked += 1
                if not issubclass(declared.field_class.iterator, ChoicesReadAtOnce):
                    slow.append(f"{filterset.__module__}.{filterset.__name__}.{name}")
    assert checked >= 4
    assert slow == [], "use config.forms.ModelChoiceFilter"


@pytest.mark.django_db
@pytest.mark.parametrize("chosen", [None, "second"])
def test_pickers_draw_what_djangos_fields_draw(chosen):
    first = f.make_organisation(name="Ankenes skole")
    second = f.make_organisation(name="Beisfjord skole")
    rows = Organisation.objects.order_by("name")
    value = {"second": second.pk}.get(chosen or "")

    def drawn(one: type, many: type) -> str:
        class Form(forms.Form):
            one_row = one(queryset=rows, empty_label="Choose", required=False)
            rows_ = many(queryset=rows, required=False)

        form = Form({"one_row": value, "rows_": [value] if value else []})
        return str(form["one_row"]) + str(form["rows_"])

    ours = drawn(ModelChoiceField, ModelMultipleChoiceField)
    assert ours == drawn(forms.ModelChoiceField, forms.ModelMultipleChoiceField)
    assert ours.count(f'value="{first.pk}"') == 2
    assert (f'value="{second.pk}" selected' in ours) == (chosen == "second")


@pytest.mark.postgres
@pytest.mark.django_db
def test_pickers_case_list_opens_no_server_side_cursor(world, login):
    """On PostgreSQL Django's pickers opened a cursor each (DECLARE, FETCH, CLOSE)."""
    client = login(world.coordinator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/cases/")
    assert page.status_code == 200
    assert f'value="{world.skole.pk}"' in page.content.decode()
    assert [q["sql"][:60] for q in queries.captured_queries if "DECLARE" in q["sql"]] == []
