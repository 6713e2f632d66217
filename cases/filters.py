"""The case list's filters, search and sorting: one definition for the screen and the API."""

from functools import cached_property
from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.choices import flatten_choices
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Topic
from cases.paging import CaseListPages, case_list_pages
from cases.registries import CaseListFilter, case_list_filters
from cases.search import case_search
from cases.selectors import User, case_overdue_q, exists_per_row
from cases.unread import cases_unread
from config.forms import ModelChoiceFilter
from contacts.models import Municipality, Organisation
from contacts.selectors import StaffChoices, staff_display_name, staff_user_list


def _staff(request: object) -> QuerySet:
    return staff_user_list()


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Case.Status.choices, empty_label=_("All statuses")
    )
    topic = ModelChoiceFilter(
        label=_("Topic"),
        field_name="topics",
        queryset=Topic.objects.all(),
        kept_as="topics.all",
        empty_label=_("All topics"),
    )
    organisation = ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        kept_as="organisations.all",
        method="filter_organisation",
        empty_label=_("All organisations"),
    )
    owner = ModelChoiceFilter(label=_("Owner"), queryset=_staff, empty_label=_("Anyone"))
    unassigned = django_filters.BooleanFilter(
        label=_("Without owner"), field_name="owner", lookup_expr="isnull"
    )
    municipality = ModelChoiceFilter(
        label=_("Municipality"),
        field_name="newcomer__municipality",
        queryset=Municipality.objects.all(),
        kept_as="municipalities.all",
        empty_label=_("All municipalities"),
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue follow-ups"), method="filter_overdue")
    in_notes = django_filters.BooleanFilter(label=_("Search in notes"), method="filter_in_notes")
    unread = django_filters.BooleanFilter(label=_("Unread"), method="filter_unread")
    response_overdue = django_filters.BooleanFilter(
        label=_("First response overdue"), method="filter_response_overdue"
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        empty_label=_("Newest first"),
        fields=(
            ("created_at", "created"),
            ("reference", "reference"),
            ("newcomer__name", "name"),
            ("first_response_due", "response_due"),
        ),
        # Explicit choices: plain words in every language, and only orders that mean
        # something (statuses and priorities would sort alphabetically).
        choices=[
            ("created", _("Oldest first")),
            ("reference", _("Reference")),
            ("name", _("Name")),
            ("response_due", _("First response due")),
        ],
    )

    class Meta:
        model = Case
        fields = ["q", "status", "topic", "organisation", "owner", "municipality"]

    # Set while `window_qs` applies the filters again: see there.
    _per_row = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read once: `qs` and `window_qs` must apply the same filters, the same instant.
        self.now = timezone.now()

    @property
    def extra_checks(self) -> list[tuple[str, Any]]:
        """(name, label) of the added filters, for the list's check boxes."""
        return [(name, extra.label) for name, extra in case_list_filters.items()]

    @property
    def checked(self) -> set[str]:
        """The added filters that are on in this request."""
        data = getattr(self.form, "cleaned_data", {})
        return {name for name, _extra in case_list_filters.items() if data.get(name)}

    def filter_search(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        data = getattr(self.form, "cleaned_data", {})
        return case_search(
            queryset, text=value, user=self._user(), in_notes=bool(data.get("in_notes"))
        )

    def filter_in_notes(
        self, queryset: QuerySet[Case], name: str, value: bool | None
    ) -> QuerySet[Case]:
        # Read by filter_search: it changes what the search text is matched against.
        return queryset

    def filter_unread(
        self, queryset: QuerySet[Case], name: str, value: bool | None
    ) -> QuerySet[Case]:
        return cases_unread(queryset, user=self._user()) if value else queryset

    def _user(self) -> User:
        request = getattr(self, "request", None)
        return getattr(request, "user", None) or AnonymousUser()

    def filter_organisation(
        self, queryset: QuerySet[Case], name: str, value: Organisation | None
    ) -> QuerySet[Case]:
        if value is None:
            return queryset
        shared = Case.shared_with.through.objects.filter(
            case_id=OuterRef("pk"), organisation_id=value.pk
        )
        in_shares = exists_per_row(shared) if self._per_row else Exists(shared)
        return queryset.filter(Q(responsible_organisation=value) | in_shares)

    def filter_overdue(
        self, queryset: QuerySet[Case], name: str, value: bool | None
    ) -> QuerySet[Case]:
        if not value:
            return queryset
        return queryset.filter(case_overdue_q(today=timezone.localdate(self.now)))

    def filter_response_overdue(
        self, queryset: QuerySet[Case], name: str, value: bool | None
    ) -> QuerySet[Case]:
        """Open cases still without a first response after their target (reminders)."""
        if not value:
            return queryset
        return queryset.filter(first_response_at=None, first_response_due__lt=self.now).exclude(
            status=Case.Status.CLOSED
        )

    @property
    def qs(self) -> QuerySet[Case]:
        return _stable_order(super().qs)

    def list_pages(self, *, user: User) -> CaseListPages:
        """What the case list pages through for `user` (cases.paging.case_list_pages), told
        what it needs of the filters chosen: their cases, the status and overdue filters
        its window is chosen by, and `window_qs`. Nothing for an invalid form."""
        if self.is_bound and not self.is_valid():
            return case_list_pages(user=user, filtered=Case.objects.none())
        chosen = getattr(self.form, "cleaned_data", {})
        return case_list_pages(
            user=user,
            filtered=self.qs,
            status=chosen.get("status") or None,
            overdue=bool(chosen.get("overdue")),
            filtered_per_row=self.window_qs,
        )

    @cached_property
    def window_qs(self) -> QuerySet[Case] | None:
        """The cases of `qs` (every filter chosen, at the same instant), with only the
        organisation filter written otherwise: its shares probed per row, for the list's
        window of the newest (cases.paging.case_list_pages). None when that filter is not
        chosen or the form is invalid. Inside its OR, PostgreSQL hashes every share of the
        organisation before it walks the list (75,000 at a million cases, 20 of the
        statement's 21 ms); probing each of a few thousand rows reads less. None with a
        search too: its matches are not paged by their keys, and some are read as the
        filter applies."""
        if not self.is_bound or not self.is_valid():
            return None
        chosen = self.form.cleaned_data
        if not chosen.get("organisation") or chosen.get("q"):
            return None
        self._per_row = True
        try:
            return _stable_order(self.filter_queryset(self.queryset.all()))
        finally:
            self._per_row = False


def _stable_order(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """A stable order under any sorting, so pages never repeat or skip a case."""
    ordering = list(queryset.query.order_by) or ["-created_at"]
    return queryset.order_by(*ordering, "-pk")


def case_list_filter_add(name: str, extra: CaseListFilter) -> None:
    """Adds a yes/no filter from an app above cases (in its AppConfig.ready()): to the
    registry, and to CaseFilter's filters, so the screen, the API and its schema all have
    it (the class's filters are made when this module is imported, before any app is
    ready)."""
    case_list_filters.register(name, extra)

    def apply(queryset: QuerySet[Case], field_name: str, value: bool | None) -> QuerySet[Case]:
        return extra.apply(queryset) if value else queryset

    CaseFilter.base_filters[name] = django_filters.BooleanFilter(
        field_name=name, label=extra.name, method=apply
    )


def case_filter_people(case_filter: CaseFilter, staff: StaffChoices) -> None:
    """The owner filter offers people as every staff picker does (their names with their
    organisations, the user first: `staff_choices(current=user)`), not their user names.
    Only the drawing changes: the filter still takes any active staff member's id."""
    field = case_filter.form.fields["owner"]
    choices = [("", field.empty_label), *staff]
    offered = {value for value, _label in flatten_choices(staff)}
    chosen = getattr(case_filter.form, "cleaned_data", {}).get("owner")
    if chosen is not None and chosen.pk not in offered:
        # Filtered by someone no picker offers any more (their organisation closed): shown
        # as chosen, or the filter would read "Anyone" and be lost when sent again.
        choices.append((chosen.pk, staff_display_name(chosen)))
    field.widget.choices = choices
