"""Forms of the administration screens: they validate and normalise; the owning apps'
services write.

Texts a newcomer reads are edited per language side by side: each text field becomes one
input per language in settings.LANGUAGES (`TextsMixin`), each marked with its `lang`.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.models import Topic
from config.forms import ModelChoiceField, TelInput
from config.languages import language_name_own
from config.texts import texts_missing
from contacts.models import Newcomer, Organisation
from onboarding.catalogue import OFFER_FIELDS, STEP_FIELDS
from onboarding.models import LocalOffer, OnboardingTemplate, TemplateStep

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RTL = {"ar", "fa", "he", "ur"}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def texts_missing_by_language(texts: dict[str, tuple[Any, dict[str, str] | None]]) -> list[Any]:
    """[(language name, [labels of the texts it lacks])] for the languages that lack any;
    `texts` maps a key to (label, the text by language)."""
    missing: dict[str, list[str]] = {}
    for label, values in texts.values():
        for code in texts_missing(values, language_codes()):
            missing.setdefault(code, []).append(str(label))
    return [(language_name_own(code), labels) for code, labels in missing.items()]


class TextsMixin:
    """Adds `<text>_<code>` inputs for each entry of `texts` ({name: (label, multiline)})
    and reads them back as {code: text} with `texts_of(name)`."""

    texts: dict[str, tuple[Any, bool]] = {}
    # Per text, where it is shorter than a multiline (5000) or one-line (200) default.
    texts_max_length: dict[str, int] = {}
    fields: dict[str, forms.Field]

    def texts_add(self, initial: dict[str, dict[str, str] | None]) -> None:
        for name, (label, multiline) in self.texts.items():
            values = initial.get(name) or {}
            for code in language_codes():
                attrs = {"lang": code, "dir": "rtl" if code in RTL else "ltr"}
                widget = (
                    forms.Textarea(attrs={**attrs, "rows": 4})
                    if multiline
                    else forms.TextInput(attrs=attrs)
                )
                self.fields[f"{name}_{code}"] = forms.CharField(
                    label=f"{label} · {language_name_own(code)}",
                    required=False,
                    initial=values.get(code, ""),
                    widget=widget,
                    max_length=self.texts_max_length.get(name, 5000 if multiline else 200),
                )

    def texts_of(self, name: str) -> dict[str, str]:
        data: dict[str, Any] = self.cleaned_data  # type: ignore[attr-defined]
        return {code: data.get(f"{name}_{code}") or "" for code in language_codes()}

    def text_groups(self) -> list[tuple[Any, list[Any]]]:
        """For the template: [(label, [bound field per language])]."""
        return [
            (label, [self[f"{name}_{code}"] for code in language_codes()])  # type: ignore[index]
            for name, (label, _multiline) in self.texts.items()
        ]

    def plain_fields(self) -> list[Any]:
        text_names = {f"{name}_{code}" for name in self.texts for code in language_codes()}
        return [self[name] for name in self.fields if name not in text_names]  # type: ignore[index]


class OrganisationForm(TextsMixin, forms.ModelForm):
    texts = {
        "descriptions": (_("Description"), True),
        "opening_hours_texts": (_("Opening hours"), False),
    }
    texts_max_length = {"descriptions": Organisation.DESCRIPTION_MAX_LENGTH}

    class Meta:
        model = Organisation
        fields = ["name", "kind", "email", "phone", "address", "password_sign_in", "is_active"]
        widgets = {"phone": TelInput()}
        help_texts = {
            "email": _("Shown to newcomers, with the phone, address and opening hours."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.instance
        self.texts_add(
            {
                "descriptions": organisation.descriptions,
                "opening_hours_texts": organisation.opening_hours_texts,
            }
        )


class TemplateForm(TextsMixin, forms.ModelForm):
    texts = {"names": (_("Name"), False)}
    target_groups = forms.MultipleChoiceField(
        label=_("Suggested for target groups"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: suggested for anyone."),
    )

    class Meta:
        model = OnboardingTemplate
        fields = ["slug", "position", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target_groups = self.fields["target_groups"]
        assert isinstance(target_groups, forms.MultipleChoiceField)  # noqa: S101
        target_groups.choices = Newcomer.TargetGroup.choices
        target_groups.initial = self.instance.target_groups
        self.texts_add({"names": self.instance.names})


class StepForm(TextsMixin, forms.ModelForm):
    texts = {"titles": (_("Title"), False), "guidances": (_("Guidance"), True)}
    # Official sources are on https: a typed "nav.no/..." gets https, not http.
    source_url = forms.URLField(label=_("Official source"), required=False, assume_scheme="https")
    target_groups = forms.MultipleChoiceField(
        label=_("Only for target groups"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: for every target group."),
    )

    class Meta:
        model = TemplateStep
        # target_groups is a field of its own above (a list of choices).
        fields = [name for name in STEP_FIELDS if name != "target_groups"]
        field_classes = {"depends_on": ModelChoiceField}
        widgets = {"checked_on": DATE}

    def __init__(self, *args: Any, template: OnboardingTemplate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target_groups = self.fields["target_groups"]
        assert isinstance(target_groups, forms.MultipleChoiceField)  # noqa: S101
        target_groups.choices = Newcomer.TargetGroup.choices
        target_groups.initial = self.instance.target_groups
        depends_on = self.fields["depends_on"]
        assert isinstance(depends_on, forms.ModelChoiceField)  # noqa: S101
        depends_on.queryset = template.steps.exclude(pk=self.instance.pk)
        self.texts_add({"titles": self.instance.titles, "guidances": self.instance.guidances})


class OfferForm(TextsMixin, forms.ModelForm):
    texts = {"descriptions": (_("Description"), True)}
    url = forms.URLField(label=_("Web address"), required=False, assume_scheme="https")

    class Meta:
        model = LocalOffer
        fields = list(OFFER_FIELDS)
        field_classes = {"municipality": ModelChoiceField, "locality": ModelChoiceField}
        widgets = {"starts_on": DATE, "ends_on": DATE}
        labels = {
            "municipality": _("Municipality (none: the whole region)"),
            "locality": _("Place (none: the whole municipality)"),
            "age_min": _("For children from age"),
            "age_max": _("For children up to age"),
        }
        help_texts = {
            "interests": _("Comma-separated words; none: it suits every household."),
            "starts_on": _("For an event; leave empty for an offer that runs all year."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.texts_add({"descriptions": self.instance.descriptions})


class TopicForm(TextsMixin, forms.ModelForm):
    texts = {"names": (_("Name"), False)}

    class Meta:
        model = Topic
        fields = ["slug", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topic = self.instance
        names = {"nb": topic.name_nb, "en": topic.name_en, **(topic.names or {})}
        self.texts_add({"names": names})
