"""The case list's filters, search and sorting: one definition for the screen and the API."""

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, FollowUp, Topic
from contacts.models import Municipality, Organisation
from contacts.selectors import staff_user_list


def _staff(request: object) -> QuerySet:
    return staff_user_list()


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Case.Status.choices, empty_label=_("All statuses")
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        queryset=Topic.objects.all(),
        empty_label=_("All topics"),
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        method="filter_organisation",
        empty_label=_("All organisations"),
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=_staff, empty_label=_("Anyone")
    )
    unassigned = django_filters.BooleanFilter(
        label=_("Without owner"), field_name="owner", lookup_expr="isnull"
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        field_name="newcomer__municipality",
        queryset=Municipality.objects.all(),
        empty_label=_("All municipalities"),
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue follow-ups"), method="filter_overdue")
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Newest first"),
        fields=(
            ("created_at", "created"),
            ("reference", "reference"),
            ("newcomer__name", "name"),
        ),
        # Explicit choices: plain words in every language, and only orders that mean
        # something (statuses and priorities would sort alphabetically).
        choices=[
            ("created", _("Oldest first")),
            ("reference", _("Reference")),
            ("name", _("Name")),
        ],
    )

    class Meta:
        model = Case
        fields = ["q", "status", "topic", "organisation", "owner", "municipality"]

    def filter_search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value)
            | Q(newcomer__name__icontains=value)
            | Q(newcomer__email__iexact=value)
            | Q(newcomer__email__istartswith=value)
        )

    def filter_organisation(
        self, queryset: QuerySet[Case], name: str, value: Organisation | None
    ) -> QuerySet[Case]:
        if value is None:
            return queryset
        shared = Case.shared_with.through.objects.filter(
            case_id=OuterRef("pk"), organisation_id=value.pk
        )
        return queryset.filter(Q(responsible_organisation=value) | Exists(shared))

    def filter_overdue(
        self, queryset: QuerySet[Case], name: str, value: bool | None
    ) -> QuerySet[Case]:
        if not value:
            return queryset
        overdue = FollowUp.objects.filter(
            case_id=OuterRef("pk"), done_at__isnull=True, due_date__lt=timezone.localdate()
        )
        return queryset.filter(Exists(overdue))

    @property
    def qs(self) -> QuerySet[Case]:
        # A stable order under any sorting, so pages never repeat or skip a case.
        queryset = super().qs
        ordering = list(queryset.query.order_by) or ["-created_at"]
        return queryset.order_by(*ordering, "-pk")
