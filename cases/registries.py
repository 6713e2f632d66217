"""What the apps above cases plug into the case screens and rules (config.registry).

cases knows no app above it. Each of those apps adds its entries in its AppConfig.ready():
- `case_page_parts`: sections of the case page (the onboarding plan, the composer, the
  personal link), each with a template and the context it needs;
- `case_page_decorators`: functions that add to what the page already shows (when a
  follow-up or step was last reminded);
- `my_work_parts`: sections of "My work" (open plan steps, the mailbox notice);
- `case_list_columns`: extra columns of the case tables, with their annotations (plan
  progress);
- `case_list_filters`: extra yes/no filters of the case list and API (overdue plan steps);
- `move_date_hooks`: what follows when a newcomer's move date changes (plans move);
- `case_work_holders`, `case_work_return_hooks`: the open work the apps above hold on a
  case, and how it goes back when its holder loses sight of the case (cases.assignment);
- `case_rest_hooks`: how that work rests while the case is closed (cases.selectors);
- `timeline_describers` (cases.timeline): how each kind of timeline row reads.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Expression, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise

from config.registry import Registry


@dataclass(frozen=True)
class CasePagePart:
    """A section of the case page. `slot` says where: "main" (after the enquiry),
    "main_after_followups" (before the timeline) or "side" (after the newcomer's card).
    `context(request, case, can_manage)` returns what its template needs; it is merged into
    the page's context, so a re-rendered page can pass a part's values (a form with errors)
    instead."""

    slot: str
    order: int
    template: str
    context: Callable[[HttpRequest, Any, bool], dict[str, Any]]


@dataclass(frozen=True)
class MyWorkPart:
    """A section of "My work", in `slot` "top" (notices) or "after-followups":
    `context(request, today)` returns what its template needs, or None when it has
    nothing to show. The template may be Jinja2 (templates/jinja2/, as the page is) or
    the Django template language (config.jinja2.include_part)."""

    slot: str
    order: int
    template: str
    context: Callable[[HttpRequest, date], dict[str, Any] | None]


@dataclass(frozen=True)
class CaseListColumn:
    """A column of the case tables: `annotations()` returns the expressions each case row
    needs (one subquery each, never a query per row); `template` draws the cell."""

    header: str | Promise
    template: str
    annotations: Callable[[], dict[str, Expression]]


@dataclass(frozen=True)
class CaseListFilter:
    """A yes/no filter of the case list and the API: `apply(cases)` narrows the cases with
    filter() or exclude() alone, and reads nothing itself: the list screen gives it every
    case and applies who may see what after it (cases.paging.case_list_pages), the API
    before it.
    `label` is the list's check box ("Only with ..."), `name` what the filter is called
    in the API's schema."""

    label: str | Promise
    name: str | Promise
    apply: Callable[[QuerySet[Any]], QuerySet[Any]]


case_page_parts: Registry[CasePagePart] = Registry("case page parts")
case_page_decorators: Registry[Callable[[dict[str, Any]], None]] = Registry("case page decorators")
my_work_parts: Registry[MyWorkPart] = Registry("my work parts")
case_list_columns: Registry[CaseListColumn] = Registry("case list columns")
case_list_filters: Registry[CaseListFilter] = Registry("case list filters")
# hook(newcomer, move_date, actor): called inside the transaction that changed the date.
move_date_hooks: Registry[Callable[[Any, date, User | None], None]] = Registry("move date hooks")


# holders(case): (organisation id, user id) of each open piece of work on the case, so that
# an organisation handing the case on keeps a share while it holds work (cases.assignment).
case_work_holders: Registry[Callable[[Any], list[tuple[int | None, int | None]]]] = Registry(
    "case work holders"
)
# hook(case, actor) -> items moved: open work whose holder no longer sees the case goes back
# to the responsible organisation, on the timeline; inside the caller's transaction.
case_work_return_hooks: Registry[Callable[[Any, User | None], int]] = Registry(
    "case work return hooks"
)

# hook(cases, rests) -> rows changed: the work an app above holds on these cases rests, or
# no longer rests (cases.selectors.case_work_rests), where it differs; inside the caller's
# transaction.
case_rest_hooks: Registry[Callable[[QuerySet[Any], bool], int]] = Registry("case rest hooks")


def case_page_parts_by_slot() -> dict[str, list[CasePagePart]]:
    slots: dict[str, list[CasePagePart]] = {}
    for part in sorted(case_page_parts, key=lambda p: p.order):
        slots.setdefault(part.slot, []).append(part)
    return slots
