"""Forms of the case list's saved views and bulk actions: they only validate."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.bulk import BULK_MAX
from cases.forms import StaffChoiceField
from cases.models import Case, SavedView
from config.forms import ModelChoiceField
from contacts.models import Organisation


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name of the view"), max_length=60)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


class SavedViewRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=60)


class SavedViewShareForm(forms.Form):
    organisation = ModelChoiceField(
        label=_("Shared with"),
        queryset=Organisation.objects.filter(is_active=True),
        kept_as="organisations.active",
        required=False,
        empty_label=_("Nobody: only me"),
    )


class CaseIdsField(forms.Field):
    """Case ids from repeated fields (check boxes, hidden inputs): a list of ints."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return [int(v) for v in value or []]
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Choose cases from the list."), code="invalid") from exc


class BulkForm(forms.Form):
    class Action:
        ASSIGN = "assign"
        STATUS = "status"
        SHARE = "share"

    ACTIONS = [
        (Action.ASSIGN, _("Give to an owner")),
        (Action.STATUS, _("Change the status")),
        (Action.SHARE, _("Share with an organisation")),
    ]

    cases = CaseIdsField(required=False)
    # The select-all box: without JavaScript it stands for every case shown on the page,
    # whose ids come as `page_cases`.
    all_on_page = forms.BooleanField(required=False)
    page_cases = CaseIdsField(required=False)
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    owner = StaffChoiceField(label=_("New owner"), required=False, empty_label=_("Choose…"))
    status = forms.ChoiceField(
        label=_("New status"), choices=[("", _("Choose…")), *Case.Status.choices], required=False
    )
    closing_reason = forms.ChoiceField(
        label=_("Closing reason"),
        choices=[("", _("Choose…")), *Case.ClosingReason.choices],
        required=False,
    )
    organisation = ModelChoiceField(
        label=_("Share with"),
        queryset=Organisation.objects.filter(is_active=True),
        kept_as="organisations.active",
        required=False,
        empty_label=_("Choose…"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # On the list page beside the filter form, which has fields of the same names.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        ids = data.get("page_cases") if data.get("all_on_page") else data.get("cases")
        if not ids:
            raise ValidationError(_("Select at least one case."))
        if len(ids) > BULK_MAX:
            raise ValidationError(_("Select at most %(max)d cases at a time.") % {"max": BULK_MAX})
        data["case_ids"] = ids
        needs = {
            self.Action.ASSIGN: ("owner", _("Choose the new owner.")),
            self.Action.STATUS: ("status", _("Choose the new status.")),
            self.Action.SHARE: ("organisation", _("Choose the organisation to share with.")),
        }
        action = data.get("action")
        if action in needs:
            name, message = needs[action]
            if not data.get(name):
                self.add_error(name, message)
        return data


def saved_view_manage_forms(views: list[SavedView]) -> list[tuple[SavedView, Any, Any]]:
    """Each view with its rename and share forms, with ids unique on the page (the manage
    page lists them all; the names posted stay plain)."""
    return [
        (
            view,
            SavedViewRenameForm(initial={"name": view.name}, auto_id=f"v{view.pk}_%s"),
            SavedViewShareForm(
                initial={"organisation": view.organisation_id}, auto_id=f"v{view.pk}_%s"
            ),
        )
        for view in views
    ]
