"""Pagination for lists that grow without bound (the case list)."""

import json
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet

# Nobody pages through more than this (40 pages of 25); above it a list says "more than"
# (or "about N") and asks for a filter. Counting every visible row cost a member's list a
# scan of all the cases (18-25 ms at 100,000 of them), and the cost grew with the data;
# counting up to 10,000 still cost a broad search 190 ms at a million cases, a member's
# list 50 ms (docs/benchmarks.md). Up to 1,000 the count reads a tenth of that.
LIST_COUNT_CAP = 1_000
# The API's count stops here (config.drf): clients page on past it to the end.
COUNT_CAP = 10_000
# The counts beside the sections of "My work" stop here and read "1000+": a coordinator
# with 180,000 open plan steps waited a second for their exact number (a million cases,
# docs/benchmarks.md), and no one acts on it.
SECTION_COUNT_CAP = 1000


def count_at_most(rows: QuerySet, cap: int) -> int:
    """How many rows there are, but at most cap + 1 (which tells "exactly the cap" from
    "more"): the count stops reading there. Only the keys are counted, without the joins
    and figures a page selects."""
    return rows.values("pk").order_by()[: cap + 1].count()


class CappedPaginator(Paginator):
    """Pages through the first `cap` rows of an ordered queryset, which one query reads the
    keys of: how many there are (at most cap + 1, which tells "exactly the cap" from
    "more") and which are on the page. `is_capped` tells the page to say "more than"
    instead of a number. A page's `object_list` is its rows by key, in the list's order.
    The rule of who may see what (cases.selectors.case_list_visible) is applied once, by
    the keys' statement; the rows are read by those keys a moment later, in the same
    request. A case hidden from the user in between (a share ended) can still be shown
    on that one page, as if it had been loaded a few milliseconds sooner. Applying the
    rule again to 25 keys made PostgreSQL hash all the organisation's shares again.

    One statement for both, rather than a count and a page: a visibility or organisation
    filter made PostgreSQL hash every share of the organisation for each of them (75,000
    at a million cases, 10-30 ms a time; docs/benchmarks.md). With `keys_first=False` a
    count that stops at cap + 1 in no order and the page apart: for a broad search, whose
    matches PostgreSQL finds newcomer by newcomer, ordering 1,001 of them walked 19,000
    cases by date (300 ms at a million) where the count took 10 ms and the page 4.

    `estimates` only for someone who sees every row: the planner's guess for a narrower
    visibility filter (ORs of organisations, owner and shares) is most of the table, so a
    member would be told about the national total instead of their own cases.

    `first_rows`: the first of the same rows in the same order (every row up to some point
    of it), cheaper to read. When it holds more than the cap, its first cap + 1 keys are
    the list's, and the whole list's statement is not run; otherwise it is, after it. Only
    with `keys_first`."""

    object_list: QuerySet

    def __init__(
        self,
        object_list: QuerySet,
        per_page: int,
        *,
        estimates: bool = False,
        keys_first: bool = True,
        first_rows: QuerySet | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.cap = LIST_COUNT_CAP  # read here, so a test can lower it
        self.estimates = estimates
        self.keys_first = keys_first
        self.first_rows = first_rows

    @cached_property
    def _keys(self) -> list:
        if self.first_rows is not None:
            keys = list(self.first_rows.values_list("pk", flat=True)[: self.cap + 1])
            if len(keys) > self.cap:
                return keys
        return list(self.object_list.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def _counted(self) -> int:
        if not self.keys_first:
            return count_at_most(self.object_list, self.cap)
        return len(self._keys)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    def page(self, number: int | str) -> Page:
        if not self.keys_first:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = self._keys[bottom : min(bottom + self.per_page, self.count)]
        model = self.object_list.model
        ordering = self.object_list.query.order_by or tuple(model._meta.ordering or ())
        rows = model._default_manager.filter(pk__in=keys).order_by(*ordering)
        return Page(rows, number, self)

    @property
    def is_capped(self) -> bool:
        return self._counted > self.cap

    @cached_property
    def estimate(self) -> int | None:
        """Above the cap on PostgreSQL, about how many rows there are: the planner's estimate
        for the same keys (EXPLAIN, from the table statistics: no row is read), rounded to
        two significant figures. None below the cap, without `estimates`, on SQLite, without
        statistics, or when the planner guesses no more than the cap (the page then keeps
        "more than")."""
        if not self.estimates or not self.is_capped:
            return None
        keys = self.object_list.values("pk").order_by()
        connection = connections[keys.db]
        if connection.vendor != "postgresql":
            return None
        sql, params = keys.query.sql_with_params()
        with connection.cursor() as cursor:
            # A table never analysed (a database restored by other means than `manage.py
            # restore`, which analyses, before autovacuum's first visit), or analysed while
            # empty (a new one), has no useful statistics, and the planner's
            # guess from its size in pages can be a hundred times off: "more than" then.
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [keys.model._meta.db_table],
            )
            if cursor.fetchone()[0] <= 0:
                return None
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):  # a driver that leaves json as text
            plan = json.loads(plan)
        rows = int(plan[0]["Plan"]["Plan Rows"])
        return estimate_round(rows) if rows > self.cap else None


def estimate_round(rows: int) -> int:
    """Two significant figures: an estimate should not look exact (1,043,211 -> 1,000,000)."""
    return int(float(f"{rows:.2g}"))
