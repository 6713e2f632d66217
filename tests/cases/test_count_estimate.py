"""Above the count cap the case list says about how many cases there are, from PostgreSQL's
planner (config.pagination.CappedPaginator.estimate); SQLite keeps "more than"."""

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import Case
from config.pagination import estimate_round
from tests import factories as f


def test_estimate_round_keeps_two_significant_figures():
    assert estimate_round(1_043_211) == 1_000_000
    assert estimate_round(56_432) == 56_000
    assert estimate_round(10_960) == 11_000
    assert estimate_round(31) == 31


@pytest.mark.django_db
@pytest.mark.postgres
def test_case_list_above_the_cap_says_about_the_planners_estimate(world, login, monkeypatch):
    monkeypatch.setattr("config.pagination.COUNT_CAP", 10)
    for _ in range(40):
        f.make_case(organisation=world.kommune)
    client = login(world.coordinator)
    unanalysed = client.get(reverse("cases:list")).context["page"].paginator
    assert unanalysed.is_capped and unanalysed.estimate is None  # no statistics: no guess
    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")  # the statistics the estimate reads
        page = client.get(reverse("cases:list")).context["page"]
        assert page.paginator.is_capped and page.paginator.count == 10
        assert page.paginator.estimate == 41  # 40 and the world's case, from reltuples
        body = client.get(reverse("cases:list")).content.decode()
        assert "Omtrent 41 saker" in body and "Mer enn" not in body

        monkeypatch.setattr("config.pagination.COUNT_CAP", 100)  # below the cap: exact
        page = client.get(reverse("cases:list")).context["page"]
        assert page.paginator.estimate is None and page.paginator.count == 41
    finally:
        # ANALYZE writes pg_class in place, past the test's rollback: leave statistics of
        # an empty table behind, which give no estimate, for the tests that follow.
        Case.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")


@pytest.mark.django_db
def test_case_list_above_the_cap_on_sqlite_says_more_than(world, login, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL estimates: the test above")
    monkeypatch.setattr("config.pagination.COUNT_CAP", 5)
    for _ in range(8):
        f.make_case(organisation=world.kommune)
    client = login(world.coordinator)
    response = client.get(reverse("cases:list"))
    assert response.context["page"].paginator.estimate is None
    assert "Mer enn 5 saker" in response.content.decode()
