"""The needs list's filters: one definition for the screen and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from config.forms import ModelChoiceFilter
from contacts.models import Municipality
from jobs.models import RecruitmentNeed
from occupations.models import Occupation


class NeedFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=RecruitmentNeed.State.choices, empty_label=_("All states")
    )
    group = ModelChoiceFilter(
        label=_("Occupation group"),
        queryset=Occupation.objects.filter(level__lte=2).order_by("code"),
        method="filter_group",
        empty_label=_("All groups"),
    )
    municipality = ModelChoiceFilter(
        label=_("Place"),
        queryset=Municipality.objects.all(),
        kept_as="municipalities.all",
        empty_label=_("All places"),
    )

    class Meta:
        model = RecruitmentNeed
        fields = ["state", "group", "municipality"]

    def filter_group(
        self, queryset: QuerySet[RecruitmentNeed], name: str, value: Occupation | None
    ) -> QuerySet[RecruitmentNeed]:
        if value is None:
            return queryset
        return queryset.filter(occupation__code__startswith=value.code)
