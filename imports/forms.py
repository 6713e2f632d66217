"""The import's forms: they only check what was sent."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.models import Consent
from imports.fields import FIELDS, Field, mapping_problems
from imports.offers import OFFER_IMPORT_FIELDS, offer_mapping_problems

# Bigger than any team's list of newcomers; a 10,000-row CSV is about 1.5 MB.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "CSV (UTF-8 or Windows-1252) or Excel (.xlsx). The first row names the columns."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload


def import_fields(what: str) -> tuple[Field, ...]:
    return OFFER_IMPORT_FIELDS if what == "offers" else FIELDS


class MappingForm(forms.Form):
    """One choice per field of ours: which of the file's columns fills it (or none)."""

    def __init__(
        self, *args: Any, headers: list[str], what: str = "newcomers", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.what = what
        choices = [("", _("— not in the file —")), *[(h, h) for h in headers if h]]
        for f in import_fields(what):
            self.fields[f.key] = forms.ChoiceField(
                label=str(f.label), choices=choices, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        used: dict[str, str] = {}
        for key, header in list(data.items()):
            if header and header in used:
                self.add_error(key, _("This column is already chosen for another field."))
            used.setdefault(header, key)
        check = offer_mapping_problems if self.what == "offers" else mapping_problems
        for problem in check({k: v for k, v in list(data.items()) if v}):
            self.add_error(None, problem)
        return data

    def mapping(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v}


class ConsentConfirmForm(forms.Form):
    scopes = forms.MultipleChoiceField(
        label=_("The newcomer confirms sharing with"),
        choices=Consent.Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Ask the newcomer first. Leave all unticked to share with nobody."),
    )
