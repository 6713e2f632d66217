"""The visibility rule (cases.selectors) as the case lists read it: the same cases, in
the form PostgreSQL reads fastest for the person. A coordinator's lists read every case; a
member's read the branches of their reach (`_member_reach`) apart when each is small, and
otherwise walk the newest cases under the rule, looking first among a window of them with
the rule probed per row. The organisation filter is probed per row in the same window,
for coordinators too (docs/benchmarks.md)."""

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet, Subquery

from cases.models import Case
from cases.selectors import User, _any_of, _reach, _ReachBranch, case_followup_open_q

# Up to this many cases in each way a member comes to see cases, the lists find them from
# those ways' own tables; above it, by walking the newest cases (_paging_reach).
REACH_SMALL = 5_000


@dataclass(frozen=True)
class _PagingReach:
    """The rule as the lists read it: `on_case` for every case, and for a member who sees
    many cases `probed`, the same condition probed per row, for the newest ones
    (case_list_pages). `sees_all`: no condition at all."""

    on_case: Q
    probed: Q | None = None
    sees_all: bool = False


def _paging_reach(user: User) -> _PagingReach:
    """The rule of `case_list_visible`, written for reading the first pages of the newest.
    Under the rule's OR, PostgreSQL walks the cases by date and checks each: for someone
    who sees few of them that walk read every case, 1.7 s at a million cases for a member
    of an organisation with none yet (docs/benchmarks.md, "A member who sees few cases").
    When no branch of their reach holds more than REACH_SMALL cases, the same cases are
    the union of the branches, each read from its own index; a member who sees many cases
    is read by the rule's OR, and probed per row among the newest (case_list_pages)."""
    branches = _reach(user)
    if branches is None:
        return _PagingReach(Q(), sees_all=True)
    if branches and _reach_small(branches):
        first, *rest = (branch.keys for branch in branches)
        return _PagingReach(Q(pk__in=first.union(*rest, all=True)))
    return _PagingReach(
        _any_of([branch.on_case for branch in branches]),
        _any_of([branch.probed for branch in branches]),
    )


def case_list_for_paging(*, user: User) -> QuerySet[Case]:
    """The cases of `case_list_visible`, read as `_paging_reach` says (the API's list)."""
    return Case.objects.filter(_paging_reach(user).on_case)


def _reach_small(branches: list[_ReachBranch]) -> bool:
    """Whether no branch holds more than REACH_SMALL cases, in one statement: whether each
    has a row past the limit, an index read of at most that many entries, asked in turn
    until one has."""
    alias = Case.objects.db
    probes, params = [], []
    for branch in branches:
        query = branch.keys[REACH_SMALL : REACH_SMALL + 1].query.exists()
        try:
            sql, branch_params = query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:  # no organisation yet: that branch reads nothing
            continue
        probes.append(f"EXISTS ({sql})")
        params.extend(branch_params)
    if not probes:
        return True
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {' OR '.join(probes)}", params)
        return not cursor.fetchone()[0]


# A member's list newest first looks among this many of the newest cases first
# (case_list_pages). Probing them costs about 10 ms at a million cases, and they hold the
# list's 1,001 keys for a member who sees a fifth of the newest cases or more (bench-member
# sees 56%); a member who sees fewer pays those 10 ms before the walk.
NEWEST_WINDOW = 5_000
_NEWEST_FIRST = ("-created_at", "-pk")


@dataclass(frozen=True)
class CaseListPages:
    """What the case list pages through (config.pagination.CappedPaginator): `cases`, and
    where it pays `newest`, the first of them in their order, cheaper to read."""

    cases: QuerySet[Case]
    newest: QuerySet[Case] | None = None


def case_list_pages(
    *,
    user: User,
    filtered: QuerySet[Case],
    status: str | None = None,
    overdue: bool = False,
    filtered_per_row: QuerySet[Case] | None = None,
) -> CaseListPages:
    """`filtered` (every case, through the list's filters and in its order) narrowed to the
    cases the user may see, read as `_paging_reach` says. The filters only narrow
    (cases.registries.CaseListFilter), so they and the rule may come in either order.

    Listed newest first, also `newest`: the same among the NEWEST_WINDOW newest cases,
    where a condition PostgreSQL would hash whole is probed per row instead:
    - for a member who sees many cases, the rule. Under its OR, PostgreSQL hashes every
      share of the member's organisations and every open follow-up of theirs before it
      walks (75,000 and 27,000 for bench-member at a million cases); probing the window's
      rows reads less: the keys' statement 8-12 ms against 34-46, the page's SQL 16-25
      against 38-56 (docs/benchmarks.md, "A member who sees many cases");
    - `filtered_per_row`: the same filters, with the organisation filter's shares probed
      per row (CaseFilter.window_qs), for a member who sees many cases and for someone
      who sees them all.
    The window is every case from a date on, ties included, so it is the first part of the
    list in the list's order: when it holds more than the paginator's cap, its first keys
    are the list's; with fewer (a rare filter) the paginator reads the list whole after
    it, about 10 ms more.

    `status`, when the list is filtered by one: the window is then the newest cases of
    that status, so that a status of old cases (closed ones, at a million cases) still
    finds its page among them rather than among the newest cases of all. Any date gives a
    first part of the list; the status only chooses one that holds enough of it.

    `overdue`, when the list holds only cases with an overdue follow-up: likewise among the
    cases with an open follow-up (of the status, if one is chosen), read from their own
    index. Overdue cases are seldom the newest ones: at a million cases 591 of the 5,000
    newest open cases were, and bench-member saw 212 of them, too few for a page."""
    if filtered.query.is_empty():  # an invalid filter: nothing to read, nor to probe for
        return CaseListPages(Case.objects.none())
    reach = _paging_reach(user)
    cases = filtered.filter(reach.on_case)
    if tuple(filtered.query.order_by) != _NEWEST_FIRST:
        return CaseListPages(cases)
    if reach.probed is not None:
        window = (filtered if filtered_per_row is None else filtered_per_row).filter(reach.probed)
    elif reach.sees_all and filtered_per_row is not None:
        window = filtered_per_row
    else:  # a small reach, read from its branches; or nothing that would hash
        return CaseListPages(cases)
    # The NEWEST_WINDOW-th newest date (of the status, of the cases with an open follow-up),
    # read from an index alone (the date's, the status's with its date, or the open
    # follow-ups'): the dates come in the same sequence whatever order ties take. None with
    # fewer cases: an empty window.
    among = Case.objects.filter(status=status) if status else Case.objects.all()
    if overdue:
        among = among.filter(case_followup_open_q())
    since = among.order_by("-created_at").values("created_at")
    since = since[NEWEST_WINDOW - 1 : NEWEST_WINDOW]
    return CaseListPages(cases, window.filter(created_at__gte=Subquery(since)))
