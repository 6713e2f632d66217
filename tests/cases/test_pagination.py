"""The case list's paginator (config.pagination.CappedPaginator) reads the keys of the first
cap + 1 rows in one statement and each page's rows by key. Whatever the data, ordering,
cap and page, a page holds exactly the rows that slicing the ordered list gives, and the
count and "more than" agree with counting the list."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case
from config.pagination import CappedPaginator
from tests import factories as f

ORDERINGS = [
    ("-created_at", "-pk"),
    ("created_at", "pk"),
    ("newcomer__name", "pk"),
    ("-priority", "created_at", "pk"),
    ("status", "-pk"),
]


@pytest.fixture
def cases(world):
    """Eleven cases with ties in every ordered field but the key."""
    now = timezone.now()
    for i in range(11):
        case = f.make_case(
            organisation=world.kommune, newcomer=f.make_newcomer(name=f"Name {i % 3}")
        )
        Case.objects.filter(pk=case.pk).update(
            created_at=now - timedelta(hours=i % 4),
            priority=["low", "normal", "high"][i % 3],
            status=["new", "open"][i % 2],
        )
    return Case.objects.all()


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    ordering=st.sampled_from(ORDERINGS),
    cap=st.integers(min_value=1, max_value=14),
    per_page=st.integers(min_value=1, max_value=5),
    page=st.integers(min_value=1, max_value=15),
    keys_first=st.booleans(),
    only_open=st.booleans(),
)
def test_a_page_holds_what_slicing_the_capped_list_gives(
    cases, monkeypatch, ordering, cap, per_page, page, keys_first, only_open
):
    monkeypatch.setattr("config.pagination.LIST_COUNT_CAP", cap)
    rows = cases.filter(status="open") if only_open else cases
    rows = rows.order_by(*ordering)
    everything = list(rows.values_list("pk", flat=True))
    capped = everything[:cap]

    paginator = CappedPaginator(rows, per_page, keys_first=keys_first)
    assert paginator.count == len(capped)
    assert paginator.is_capped == (len(everything) > cap)
    got = paginator.get_page(page)
    expected = Paginator(capped, per_page).get_page(page)
    assert got.number == expected.number  # past the end: the last page, as Django does
    assert [case.pk for case in got.object_list] == list(expected.object_list)
    assert got.has_next() == expected.has_next()
