"""Forms only validate and normalise; services do the writing."""

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Note, Topic
from cases.selectors import organisations_to_share_with
from config.forms import ModelChoiceField, ModelMultipleChoiceField, TelInput
from config.languages import LanguageSelect
from config.text import ascii_int, free_text_clean, free_text_fields_clean, name_clean
from contacts.models import Consent, Locality, Municipality, Newcomer, Organisation
from contacts.selectors import StaffChoices, staff_choices, staff_display_name, staff_user_list

MAX_CHILDREN = 12


class EnquiryForm(forms.Form):
    """What an enquiry records, whoever enters it."""

    # autocomplete: the browser may fill in the person's own details (WCAG 1.3.5).
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send the receipt and our answer here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        max_length=40,
        required=False,
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language we should use with you"),
        choices=settings.LANGUAGES,
        widget=LanguageSelect,
    )
    municipality = ModelChoiceField(
        label=_("Where are you thinking of moving?"),
        queryset=Municipality.objects.all(),
        kept_as="municipalities.all",
        required=False,
        empty_label=_("Not decided yet"),
    )
    locality = ModelChoiceField(
        label=_("Place (optional)"),
        queryset=Locality.objects.select_related("municipality"),
        kept_as="localities.all",
        required=False,
        empty_label=_("Not decided yet"),
    )
    planned_move_date = forms.DateField(
        label=_("When do you plan to move? (optional)"),
        required=False,
        # A date input takes ISO dates whatever the language (Polish would otherwise give
        # 31.12.2026); the browser shows it in the reader's own format.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    target_group = forms.ChoiceField(
        label=_("Which describes you best?"),
        choices=[("", _("Choose…")), *Newcomer.TargetGroup.choices],
    )
    occupation = forms.CharField(
        label=_("Your occupation or competence (optional)"), max_length=200, required=False
    )
    citizenship = forms.ChoiceField(
        label=_("Your citizenship (optional)"),
        help_text=_("It tells us which steps apply to you, such as registering with the police."),
        choices=[("", _("Prefer not to say")), *Newcomer.Citizenship.choices],
        required=False,
    )
    has_partner = forms.BooleanField(label=_("I am moving with a partner"), required=False)
    partner_needs_work = forms.BooleanField(
        label=_("My partner is looking for work in the region"), required=False
    )
    partner_occupation = forms.CharField(
        label=_("Partner's occupation or competence (optional)"), max_length=200, required=False
    )
    children_birth_years = forms.CharField(
        label=_("Children's birth years (optional)"),
        help_text=_("Separate them with commas, for example: 2016, 2020"),
        max_length=100,
        required=False,
    )
    interests = forms.CharField(
        label=_("Interests and leisure activities (optional)"), max_length=500, required=False
    )
    topics = ModelMultipleChoiceField(
        label=_("What would you like help with?"),
        queryset=Topic.objects.all(),
        kept_as="topics.all",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    heard_via = forms.ChoiceField(
        label=_("How did you hear about us? (optional)"),
        choices=[("", _("Choose…")), *Newcomer.HeardVia.choices],
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the newcomer team stores and uses this information to answer my enquiry."
        ),
        error_messages={"required": _("We can only handle your enquiry if you agree.")},
    )
    share_scopes = forms.MultipleChoiceField(
        label=_("The team may share my enquiry with"),
        choices=Consent.Scope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only those you tick will see your enquiry. You can withdraw this later."),
    )

    def clean_name(self) -> str:
        return name_clean(self.cleaned_data["name"])

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_planned_move_date(self) -> date | None:
        value: date | None = self.cleaned_data["planned_move_date"]
        today = timezone.localdate()
        if value and not (today - timedelta(days=365) <= value <= today + timedelta(days=5 * 365)):
            raise forms.ValidationError(_("Give a date within a year ago and five years ahead."))
        return value

    def clean_children_birth_years(self) -> list[int]:
        raw = self.cleaned_data["children_birth_years"]
        this_year = timezone.localdate().year
        years: list[int] = []
        for part in raw.replace(";", ",").replace(" ", ",").split(","):
            if not part:
                continue
            year = ascii_int(part)  # "²⁰²⁰".isdigit() is true, but it is no year
            if year is None or not (this_year - 25 <= year <= this_year):
                raise forms.ValidationError(
                    _("Write each birth year as four digits between %(first)s and %(last)s.")
                    % {"first": this_year - 25, "last": this_year}
                )
            years.append(year)
        if len(years) > MAX_CHILDREN:
            raise forms.ValidationError(_("Give at most %(n)s birth years.") % {"n": MAX_CHILDREN})
        return sorted(years)

    def clean(self) -> dict:
        data = super().clean() or {}
        free_text_fields_clean(
            data, ["phone", "occupation", "partner_occupation", "interests", "message"]
        )
        municipality, locality = data.get("municipality"), data.get("locality")
        if locality and municipality and locality.municipality_id != municipality.pk:
            self.add_error("locality", _("This place is not in the municipality you chose."))
        if locality and not municipality:
            data["municipality"] = locality.municipality
        return data


class IntakeForm(EnquiryForm):
    """The public form. `website` is a honeypot: people never see it, bots fill it."""

    website = forms.CharField(label=_("Leave this field empty"), required=False)
    reminders_wanted = forms.BooleanField(
        label=_("Send me reminders before my deadlines"), required=False
    )

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."))
        return ""


class StaffEnquiryForm(EnquiryForm):
    """An enquiry recorded by staff from a phone call, an e-mail or an event."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in Case.Channel.choices if c[0] != Case.Channel.FORM],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name")
        # Staff type someone else's details: the browser must not offer their own.
        for field in ("name", "email", "phone"):
            self.fields[field].widget.attrs["autocomplete"] = "off"
        self.fields["email"].required = False
        self.fields["email"].help_text = _("Leave empty if the person gave none.")
        self.fields["citizenship"].label = _("Citizenship")
        self.fields["citizenship"].help_text = ""
        citizenship = cast(forms.ChoiceField, self.fields["citizenship"])
        citizenship.choices = [("", _("Not given")), *Newcomer.Citizenship.choices]
        self.fields["preferred_language"].label = _("Preferred language")
        self.fields["consent"].label = _(
            "The person has agreed that the team stores and uses this information."
        )
        self.fields["consent"].error_messages["required"] = _(
            "Record the enquiry only when the person has agreed."
        )
        self.fields["share_scopes"].label = _("The person agreed to sharing with")
        self.fields["message"].label = _("What they asked about")
        # The public form speaks to the newcomer; staff record someone else's answers.
        self.fields["target_group"].label = _("Target group")
        self.fields["occupation"].label = _("Occupation or competence (optional)")
        self.fields["has_partner"].label = _("Moving with a partner")
        self.fields["partner_needs_work"].label = _("The partner is looking for work")
        self.fields["partner_occupation"].label = _("Partner's occupation (optional)")
        self.fields["interests"].label = _("Interests (optional)")
        self.fields["topics"].label = _("Topics")
        self.fields["heard_via"].label = _("Heard of the team through (optional)")
        self.fields["municipality"].label = _("Moving to")
        self.fields["planned_move_date"].label = _("Planned move date (optional)")
        self.fields["share_scopes"].help_text = _("Only the organisations ticked may see it.")


class StaffChoiceIterator(BaseChoiceIterator):
    """The grouped choices of a StaffChoiceField, read once, when the field is drawn."""

    def __init__(self, field: "StaffChoiceField") -> None:
        self.field = field
        self.loaded: StaffChoices | None = None

    def __iter__(self) -> Iterator[tuple[object, object]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.loaded is None:
            given = self.field.staff
            self.loaded = staff_choices(current=self.field.current_user) if given is None else given
        yield from self.loaded


class StaffChoiceField(forms.ModelChoiceField):
    """A staff member a case or a task can be given to: grouped by organisation, each name
    with its organisation, the current user (`current_user`, set by the form) first, and a
    translated first option instead of "---------". Validation goes through the lazy
    queryset, as for any ModelChoiceField."""

    def __init__(self, *, empty_label: Any = None, **kwargs: Any) -> None:
        self.current_user: User | AnonymousUser | None = None
        # The choices read already for another picker of the page (staff_pickers_for).
        self.staff: StaffChoices | None = None
        super().__init__(
            queryset=staff_user_list(), empty_label=empty_label or _("Nobody yet"), **kwargs
        )

    def _get_choices(self) -> Any:
        return StaffChoiceIterator(self)

    choices = property(_get_choices, cast(property, forms.ChoiceField.choices).fset)

    def label_from_instance(self, obj: User) -> str:
        return staff_display_name(obj)


def staff_pickers_for(
    form: forms.Form, user: User | AnonymousUser | None, staff: StaffChoices | None = None
) -> None:
    """Puts the current user first in each of the form's people pickers. `staff`: the
    pickers' rows when a page with several reads them once for all; it must be
    `staff_choices(current=user)`, for this same user, or "(me)" marks someone else."""
    for field in form.fields.values():
        if isinstance(field, StaffChoiceField):
            field.current_user = user
            field.staff = staff
            field.widget.choices = field.choices


class OwnerForm(forms.Form):
    owner = StaffChoiceField(label=_("Owner"), required=False)


class OrganisationForm(forms.Form):
    organisation = ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        kept_as="organisations.active",
        required=False,
        empty_label=_("None yet"),
    )


class ShareForm(forms.Form):
    """`case`: offer only the organisations the newcomer's consent covers and the case is
    not shared with yet."""

    organisation = ModelChoiceField(
        label=_("Share with"),
        queryset=Organisation.objects.filter(is_active=True),
        empty_label=_("Choose an organisation…"),
    )

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Validation still takes any active organisation: one the consent stopped covering
        # since the page was drawn gets the service's refusal, which names the consent.
        self.offered: list[Organisation] = []
        if case is not None:
            self.offered = list(organisations_to_share_with(case=case))
            field = self.fields["organisation"]
            field.widget.choices = [
                ("", _("Choose an organisation…")),
                *((o.pk, f"{o.name} ({o.get_kind_display()})") for o in self.offered),
            ]


class CaseHandleForm(forms.Form):
    """The case page's one form for status, owner, organisation and priority together."""

    status = forms.ChoiceField(label=_("Status"), choices=Case.Status.choices)
    closing_reason = forms.ChoiceField(
        label=_("Closing reason"),
        choices=[("", _("Choose…")), *Case.ClosingReason.choices],
        required=False,
    )
    owner = StaffChoiceField(label=_("Owner"), required=False)
    organisation = ModelChoiceField(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        kept_as="organisations.active",
        required=False,
        empty_label=_("None yet"),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Case.Priority.choices)

    @classmethod
    def for_case(cls, case: Case, user: User | AnonymousUser | None) -> "CaseHandleForm":
        form = cls(
            initial={
                "status": case.status,
                "closing_reason": case.closing_reason,
                "owner": case.owner_id,
                "organisation": case.responsible_organisation_id,
                "priority": case.priority,
            }
        )
        staff_pickers_for(form, user)
        return form


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Case.Status.choices)
    closing_reason = forms.ChoiceField(
        label=_("Closing reason"),
        choices=[("", _("Choose…")), *Case.ClosingReason.choices],
        required=False,
    )


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Case.Priority.choices)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"),
        choices=Note.Visibility.choices,
        initial=Note.Visibility.TEAM,
        widget=forms.RadioSelect,
    )

    def clean_body(self) -> str:
        body = free_text_clean(self.cleaned_data["body"]).strip()
        if not body:
            raise forms.ValidationError(_("Write something first."))
        return body


class FollowUpForm(forms.Form):
    title = forms.CharField(label=_("What needs doing"), max_length=200)
    assignee = StaffChoiceField(label=_("Who"), empty_label=_("Choose…"))
    due_date = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_date"].initial = timezone.localdate() + timedelta(days=2)
