"""Pagination for lists that grow without bound (the case list)."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

# Nobody pages through more than this; above it a list says "more than" and asks for a
# filter. Counting every visible row cost a member's list a scan of all the cases
# (18-25 ms at 100,000 of them; docs/benchmarks.md), and the cost grew with the data.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (the count stops reading there) and pages through those.
    `is_capped` tells the page to say "more than" instead of a number."""

    object_list: QuerySet

    def __init__(self, object_list: QuerySet, per_page: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP  # read here, so a test can lower it

    @cached_property
    def _counted(self) -> int:
        # One more than the cap tells "exactly the cap" from "more". Only the keys are
        # counted: the list's joins and per-row figures are not needed for a count.
        return self.object_list.values("pk").order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def is_capped(self) -> bool:
        return self._counted > self.cap
