"""The dashboard's figures from the cache (reports/cache.py): a repeat visit computes
nothing, nobody sees an entry computed for someone else, for other choices or in another
language, ?refresh=1 recomputes, and the page says when the figures were computed."""

import pickle
import re
from dataclasses import fields, is_dataclass
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reports.cache import dashboard_cache_key
from reports.forms import DashboardFilters
from reports.periods import LAST_MONTH, THIS_MONTH, period_pair_resolve
from reports.selectors import dashboard_figures
from tests.reports.conftest import NOW, at, place_case

LAST_MONTH_QUERY = "period=last_month"


def url(query="", language="nb"):
    with translation.override(language):
        return reverse("reports:dashboard") + (f"?{query}" if query else "")


def get(client, address):
    """The response and its SQL; PostgreSQL's server-side cursors (the form's choices) carry
    a running number in their names, which is dropped so two pages compare equal."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return response, [
        re.sub(r"_django_curs_\d+_sync_\d+", "_django_curs", query["sql"])
        for query in ctx.captured_queries
    ]


def as_of(response):
    """The text of the "Figures as of" line, tags removed."""
    match = re.search(r'<p class="muted small as-of">(.*?)</p>', response.content.decode())
    assert match, "no 'as of' line"
    return re.sub(r"<[^>]+>", "", match.group(1))


def january_case(known):
    return place_case(newcomer=known.b, created=at(2026, 1, 12, 9), organisation=known.world.skole)


def test_dashboard_cache_second_request_runs_no_figure_queries(known, login):
    client = login(known.world.coordinator)
    periods = period_pair_resolve(kind=LAST_MONTH, today=NOW.date())
    with CaptureQueriesContext(connection) as figures:
        dashboard_figures(
            user=known.world.coordinator,
            periods=periods,
            filters=DashboardFilters(),
            today=NOW.date(),
        )
    cold, cold_sql = get(client, url(LAST_MONTH_QUERY))
    warm, warm_sql = get(client, url(LAST_MONTH_QUERY))
    # The figures are read in one transaction (a savepoint inside the test's): the warm
    # page is the cold one without it, only the page's own queries are left (session,
    # user, memberships), and without the filter form's choices, kept (config.pickers).
    begin = next(i for i, sql in enumerate(cold_sql) if sql.startswith("SAVEPOINT"))
    end = next(i for i, sql in enumerate(cold_sql) if sql.startswith("RELEASE SAVEPOINT"))
    # The same queries as dashboard_figures on its own, but for the memberships: the page
    # has read them already.
    assert end + 1 - begin == len(figures) - 1
    assert end - begin > 9
    pickers = ('FROM "contacts_municipality"', 'FROM "contacts_organisation"')
    page_sql = cold_sql[:begin] + cold_sql[end + 1 :]
    assert [sql for sql in page_sql if any(p in sql for p in pickers)]
    assert warm_sql == [sql for sql in page_sql if not any(p in sql for p in pickers)]
    assert not [sql for sql in warm_sql if "cases_case" in sql]
    assert warm.context["data"] == cold.context["data"]
    assert warm.context["computed_at"] == cold.context["computed_at"]


def test_dashboard_cache_member_never_gets_the_coordinators_entry(known, login, client):
    coordinator = login(known.world.coordinator).get(url(LAST_MONTH_QUERY))
    assert coordinator.context["data"].enquiries.current == 4
    client.logout()
    member = login(known.world.reader).get(url(LAST_MONTH_QUERY))
    assert member.context["data"].enquiries.current == 1  # the school's case only
    assert member.context["sees_all"] is False
    client.logout()
    # And the other way round: the member's entry is not the coordinator's either.
    again = login(known.world.coordinator).get(url(LAST_MONTH_QUERY))
    assert again.context["data"].enquiries.current == 4


def test_dashboard_cache_a_changed_membership_takes_effect_at_once(known, login):
    """The entry is the person's and their memberships': moved to another organisation,
    a member no longer sees figures computed over the old one's cases."""
    from contacts.models import Membership

    client = login(known.world.reader)
    assert client.get(url(LAST_MONTH_QUERY)).context["data"].enquiries.current == 1
    Membership.objects.filter(user=known.world.reader).update(organisation=known.world.kommune)
    moved = client.get(url(LAST_MONTH_QUERY)).context["data"].enquiries.current
    assert (
        moved != 1
        and moved
        == dashboard_figures(
            user=type(known.world.reader).objects.get(pk=known.world.reader.pk),
            periods=period_pair_resolve(kind=LAST_MONTH, today=NOW.date()),
            filters=DashboardFilters(),
            today=NOW.date(),
        ).enquiries.current
    )


def test_dashboard_cache_each_period_and_filter_its_own_entry(known, login):
    client = login(known.world.coordinator)
    filtered = f"{LAST_MONTH_QUERY}&municipality={known.narvik.pk}&target_group=family"
    expected = [
        (LAST_MONTH_QUERY, 4),
        (filtered, 2),
        ("", 2),  # this month: f1 and the world's case
        ("period=custom&from=2026-01-31&to=2026-02-01", 2),  # c3 and f1
        (f"{LAST_MONTH_QUERY}&organisation={known.world.skole.pk}", 1),
    ]
    for query, enquiries in expected + expected:  # the second round from the cache
        assert client.get(url(query)).context["data"].enquiries.current == enquiries, query


def test_dashboard_cache_key_changes_with_every_part(known):
    world = known.world
    today = NOW.date()
    base = {
        "user": world.coordinator,
        "periods": period_pair_resolve(kind=LAST_MONTH, today=today),
        "filters": DashboardFilters(),
        "today": today,
    }
    key = dashboard_cache_key(**base)
    assert key.startswith("dashboard:v1:")
    assert len(key) == len("dashboard:v1:") + 64
    assert dashboard_cache_key(**base) == key
    changes = [
        {"user": world.reader},
        {"periods": period_pair_resolve(kind=THIS_MONTH, today=today)},
        {"filters": DashboardFilters(municipality_id=known.narvik.pk)},
        {"filters": DashboardFilters(organisation_id=world.skole.pk)},
        {"filters": DashboardFilters(target_group="family")},
        {"today": today + timedelta(days=1)},
    ]
    keys = {dashboard_cache_key(**{**base, **change}) for change in changes}
    assert len(keys) == len(changes) and key not in keys
    with translation.override("en"):
        assert dashboard_cache_key(**base) != key


def test_dashboard_cache_refresh_recomputes_and_stores(known, login, time_machine):
    client = login(known.world.coordinator)
    first = client.get(url(LAST_MONTH_QUERY))
    assert first.context["data"].enquiries.current == 4
    january_case(known)
    time_machine.move_to(NOW + timedelta(seconds=30), tick=False)
    cached = client.get(url(LAST_MONTH_QUERY))
    assert cached.context["data"].enquiries.current == 4  # not yet
    assert cached.context["computed_at"] == NOW
    refreshed = client.get(url(f"{LAST_MONTH_QUERY}&refresh=1"))
    assert refreshed.context["data"].enquiries.current == 5
    assert refreshed.context["computed_at"] == NOW + timedelta(seconds=30)
    # The recomputed figures were stored: the plain page now shows them too.
    assert client.get(url(LAST_MONTH_QUERY)).context["data"].enquiries.current == 5


def test_dashboard_cache_expires_after_its_seconds(known, login, time_machine, settings):
    settings.DASHBOARD_CACHE_SECONDS = 120
    client = login(known.world.coordinator)
    assert client.get(url(LAST_MONTH_QUERY)).context["data"].enquiries.current == 4
    january_case(known)
    time_machine.move_to(NOW + timedelta(seconds=119), tick=False)
    assert client.get(url(LAST_MONTH_QUERY)).context["data"].enquiries.current == 4
    time_machine.move_to(NOW + timedelta(seconds=121), tick=False)
    assert client.get(url(LAST_MONTH_QUERY)).context["data"].enquiries.current == 5


def test_dashboard_cache_zero_seconds_turns_it_off(known, login, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = login(known.world.coordinator)
    first, first_sql = get(client, url(LAST_MONTH_QUERY))
    assert first.context["data"].enquiries.current == 4
    january_case(known)
    cache.clear()  # the form's pickers read again, as the first time (config.pickers)
    second, second_sql = get(client, url(LAST_MONTH_QUERY))
    assert second.context["data"].enquiries.current == 5
    assert len(second_sql) == len(first_sql)
    key = dashboard_cache_key(
        user=known.world.coordinator,
        periods=period_pair_resolve(kind=LAST_MONTH, today=NOW.date()),
        filters=DashboardFilters(),
        today=NOW.date(),
    )
    assert cache.get(key) is None


def test_dashboard_cache_refresh_is_not_kept_in_the_pages_links(known, login):
    client = login(known.world.coordinator)
    query = f"{LAST_MONTH_QUERY}&municipality={known.narvik.pk}"
    response = client.get(url(f"{query}&refresh=1"))
    form = response.context["form"]
    assert form.is_valid() and not form.errors
    assert response.context["data"].filters.municipality_id == known.narvik.pk
    assert response.context["query"] == query
    page = response.content.decode()
    assert "Some choices were not valid" not in page
    assert f"export/summary.csv?{query.replace('&', '&amp;')}" in page
    # Of the page's links only Refresh carries it (the header's language switch returns
    # to the full path, refresh included: one recomputation in the new language).
    assert re.findall(r'href="[^"]*refresh=1[^"]*"', page) == [
        f'href="{url()}?{query.replace("&", "&amp;")}&amp;refresh=1"'
    ]
    # Alone, it leaves the form valid and shows this month.
    alone = client.get(url("refresh=1"))
    assert alone.context["form"].is_valid()
    assert alone.context["data"].periods.current.first_day == date(2026, 2, 1)
    assert alone.context["query"] == ""


def test_dashboard_cache_as_of_time_in_local_time_and_language(known, login, time_machine):
    time_machine.move_to(at(2026, 2, 15, 18, 2), tick=False)  # 17:02 UTC
    client = login(known.world.coordinator)
    english = as_of(client.get(url(language="en")))
    assert english.startswith("Figures as of 18:02")  # en-GB: a 24-hour clock
    assert english.endswith("Refresh")
    bokmal = as_of(client.get(url()))
    assert "18:02" in bokmal and "17:02" not in bokmal
    # A cached hit says when the figures were computed, not when the page was asked for.
    time_machine.move_to(at(2026, 2, 15, 18, 3), tick=False)
    assert "18:02" in as_of(client.get(url()))


def test_dashboard_cache_each_language_its_own_entry(known, login):
    """The figures carry labels in the language they were computed in (here the topics'
    names, stored per language): an entry computed in bokmål is not served in English."""
    client = login(known.world.coordinator)

    def topics(language):
        response, sql = get(client, url(LAST_MONTH_QUERY, language))
        return {row.key: row.label for row in response.context["data"].topics}, len(sql)

    bokmal, cold = topics("nb")
    english, english_queries = topics("en")
    assert (bokmal["jobs"], english["jobs"]) == ("Jobb", "Jobs")
    assert english_queries == cold  # computed, not read from the bokmål entry
    again, warm = topics("nb")
    assert again == bokmal and warm < cold


def _labels(value):
    """Every label in the figures, walking the dataclasses and lists."""
    if is_dataclass(value):
        for field in fields(value):
            if field.name == "label":
                yield getattr(value, field.name)
            else:
                yield from _labels(getattr(value, field.name))
    elif isinstance(value, list):
        for item in value:
            yield from _labels(item)


@pytest.mark.parametrize("language", ["nb", "en"])
def test_dashboard_cache_figures_survive_pickling(known, language):
    with translation.override(language):
        data = dashboard_figures(
            user=known.world.coordinator,
            periods=period_pair_resolve(kind=LAST_MONTH, today=NOW.date()),
            filters=DashboardFilters(municipality_id=known.narvik.pk),
            today=NOW.date(),
        )
    copy = pickle.loads(pickle.dumps(data))  # noqa: S301 - our own bytes
    assert copy == data
    assert copy.funnel == data.funnel and copy.open_cases == data.open_cases
    labels = list(_labels(data))
    assert len(labels) > 20
    # Plain text, not lazy translations: an entry holds text in its key's language.
    assert all(type(label) is str for label in labels)


@pytest.mark.redis
def test_dashboard_cache_entry_round_trip_through_redis(known):
    """Production keeps the entries in Redis, which pickles them."""
    from django.core.cache.backends.redis import RedisCache

    from tests.integration import REDIS_URL

    redis_cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "tilflytt-test"})
    data = dashboard_figures(
        user=known.world.reader,
        periods=period_pair_resolve(kind=LAST_MONTH, today=NOW.date()),
        filters=DashboardFilters(),
        today=NOW.date(),
    )
    try:
        redis_cache.set("dashboard-round-trip", (data, NOW), timeout=10)
        assert redis_cache.get("dashboard-round-trip") == (data, NOW)
    finally:
        redis_cache.delete("dashboard-round-trip")


def test_dashboard_cache_down_still_shows_fresh_figures(known, login, monkeypatch, caplog):
    """A cache that cannot be reached (Redis down) costs time, not the page."""

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr("reports.cache.cache.get", unreachable)
    monkeypatch.setattr("reports.cache.cache.set", unreachable)
    response = login(known.world.coordinator).get(url(LAST_MONTH_QUERY))
    assert response.status_code == 200
    assert response.context["data"].enquiries.current == 4
    assert "could not be read" in caplog.text and "could not be written" in caplog.text
