"""The settling-in questionnaire: one form for the newcomer's page and for staff taking an
answer by phone. It only validates and normalises; outcomes.services records it."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from config.text import free_text_clean
from outcomes.models import Answer, ChildPlace, Living, Theme, UnmetNeed, Work

SETTLED = [(str(n), str(n)) for n in range(1, 6)]
RECOMMEND = [(str(n), str(n)) for n in range(0, 11)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class QuestionnaireForm(forms.Form):
    """`partner` and `children` say which questions the household gets: the work question
    for each adult, the kindergarten and school questions only with children."""

    living = forms.ChoiceField(
        label=_("Do you still live in the region?"),
        choices=Living.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one answer.")},
    )
    moved_to = forms.ChoiceField(
        label=_("If you moved away: where to?"),
        choices=[("", "—"), *Answer._meta.get_field("moved_to").choices],  # type: ignore[misc]
        required=False,
    )
    moved_reason = forms.ChoiceField(
        label=_("If you moved away: what was the main reason?"),
        choices=Answer._meta.get_field("moved_reason").choices,  # type: ignore[arg-type]
        widget=forms.RadioSelect,
        required=False,
    )
    moved_reason_text = forms.CharField(
        label=_("Anything to add about why you moved?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    settled = forms.TypedChoiceField(
        label=_("How settled do you feel? (1 = not at all, 5 = completely)"),
        choices=SETTLED,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        error_messages={"required": _("Choose a number from 1 to 5.")},
    )
    recommend = forms.TypedChoiceField(
        label=_(
            "How likely are you to recommend the region to a friend? "
            "(0 = not at all, 10 = very likely)"
        ),
        choices=RECOMMEND,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        error_messages={"required": _("Choose a number from 0 to 10.")},
    )
    work_self = forms.ChoiceField(
        label=_("Your work"),
        choices=Work.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one answer.")},
    )
    work_partner = forms.ChoiceField(
        label=_("Your partner's work"),
        choices=Work.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    kindergarten = forms.ChoiceField(
        label=_("Do your youngest children have a kindergarten place?"),
        choices=ChildPlace.choices,
        widget=forms.RadioSelect,
        initial=ChildPlace.NOT_APPLICABLE,
    )
    school = forms.ChoiceField(
        label=_("Do your school-age children have a school place?"),
        choices=ChildPlace.choices,
        widget=forms.RadioSelect,
        initial=ChildPlace.NOT_APPLICABLE,
    )
    helped = forms.MultipleChoiceField(
        label=_("What helped you most?"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    helped_text = forms.CharField(
        label=_("What helped you most, in your own words"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    missing = forms.MultipleChoiceField(
        label=_("What was missing?"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    missing_text = forms.CharField(
        label=_("What was missing, in your own words"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_again = forms.ChoiceField(
        label=_("May we contact you again later?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one answer.")},
    )

    def __init__(self, *args: Any, partner: bool = True, children: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not partner:
            del self.fields["work_partner"]
        if not children:
            del self.fields["kindergarten"]
            del self.fields["school"]

    def clean_moved_reason_text(self) -> str:
        return free_text_clean(self.cleaned_data["moved_reason_text"])

    def clean_helped_text(self) -> str:
        return free_text_clean(self.cleaned_data["helped_text"])

    def clean_missing_text(self) -> str:
        return free_text_clean(self.cleaned_data["missing_text"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("living") == Living.AWAY and not data.get("moved_to"):
            self.add_error("moved_to", _("Tell us where you moved to."))
        return data

    def answers(self) -> dict[str, Any]:
        """The cleaned data as the service takes it."""
        data = dict(self.cleaned_data)
        data["contact_again"] = data["contact_again"] == "yes"
        return data


class UnmetNeedTagForm(forms.Form):
    tag = forms.ChoiceField(label=_("Tag"), choices=UnmetNeed.Tag.choices)
