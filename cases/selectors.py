"""Who may see what, written once, and the scoped reads built on it.

Rules (see docs/guide.md, "Who sees what"):
- Coordinators and administrators see every case.
- Members see a case when its responsible organisation is theirs, it is shared with one of
  their organisations, they own it, or they hold an open follow-up on it.
- A confidential note is seen only by members of its author's organisation (coordinators of
  other organisations included: they do not see it).
- Managing a case (owner, organisation, sharing, status, priority, follow-ups for others) is
  for coordinators, the owner and members of the responsible organisation. Whoever sees a
  case may add notes and complete their own follow-ups.
Another organisation's case answers 404; a visible case a user may not manage answers 403.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.contrib.auth import models as auth
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models as m
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull
from django.http import Http404

from cases.models import Case, CaseEvent, CaseUnread, FollowUp, Note
from cases.registries import case_list_columns
from contacts.models import CONSENT_SCOPE_FOR_KIND, Consent, HouseholdMember, Newcomer, Organisation
from contacts.selectors import consent_scopes_active, staff_access

# Whoever makes the request: a signed-in user, or nobody (who sees nothing).
User = auth.User | AnonymousUser
_M = TypeVar("_M", bound=Model)


def case_list_visible(*, user: User) -> QuerySet[Case]:
    branches = _reach(user)
    if branches is None:
        return Case.objects.all()
    return Case.objects.filter(_any_of([branch.on_case for branch in branches]))


def _reach(user: User) -> list["_ReachBranch"] | None:
    """The ways the user comes to see cases (`_member_reach`): None for someone who sees
    every case, none at all for nobody signed in. The lists (cases.paging) read it too."""
    access = staff_access(user)
    if access.sees_all:
        return None
    if not user.is_authenticated:
        return []
    return _member_reach(user=user, organisation_ids=access.organisation_ids)


@dataclass(frozen=True)
class _ReachBranch:
    """One way a member comes to see a case: as a condition on the case's row, as the keys
    of those cases read from the branch's own table and index, and as a condition probed
    per row (for a few thousand rows: it reads no table whole)."""

    on_case: Q
    keys: QuerySet[Any, Any]
    probed: Q


def _member_reach(*, user: User, organisation_ids: frozenset[int]) -> list[_ReachBranch]:
    """The member's side of the rule (module docstring), one branch per way in, the most
    populous first: `case_list_visible` joins them with OR, the lists (`cases.paging`)
    may read them apart."""
    if user.pk is None:
        # `owner_id IS NULL` would be every unowned case: nobody signed in sees none.
        raise ValueError("Only a signed-in user has a reach.")
    shared = Case.shared_with.through.objects.filter(organisation_id__in=organisation_ids)
    # Only open follow-ups: someone brought in for one task keeps no access once it is done.
    holds_followup = FollowUp.objects.filter(assignee_id=user.pk, done_at__isnull=True)
    # On the case: IN (subquery) rather than EXISTS or joins: no duplicate rows (no
    # DISTINCT), and inside the OR PostgreSQL hashes each subquery once instead of probing
    # it per case, which keeps counting a member's cases fast at 100,000 cases
    # (docs/benchmarks.md). The keys in no order: a model's ordering would make each read
    # sort its whole branch.
    by_organisation = Q(responsible_organisation_id__in=organisation_ids)
    by_owner = Q(owner_id=user.pk)
    return [
        _ReachBranch(by_organisation, _case_keys(by_organisation), by_organisation),
        _ReachBranch(
            Q(pk__in=shared.values("case_id")),
            shared.values_list("case_id", flat=True),
            exists_per_row(shared.filter(case_id=OuterRef("pk"))),
        ),
        _ReachBranch(
            Q(pk__in=holds_followup.values("case_id")),
            holds_followup.values_list("case_id", flat=True).order_by(),
            exists_per_row(holds_followup.filter(case_id=OuterRef("pk"))),
        ),
        _ReachBranch(by_owner, _case_keys(by_owner), by_owner),
    ]


def _case_keys(condition: Q) -> QuerySet[Any, Any]:
    return Case.objects.filter(condition).values_list("pk", flat=True).order_by()


def exists_per_row(rows: QuerySet[Any, Any]) -> Q:
    """Whether `rows` (correlated to the case) has one, as "its first row IS NOT NULL": a
    scalar subquery is always a probe of its index per case, where PostgreSQL may hash the
    whole table for an EXISTS (it once hashed 48,746 overdue follow-ups for a page's 25
    rows). For reading a few thousand cases at most (cases.paging's window): per row, a
    probe costs more than a hash's lookup."""
    return Q(IsNull(Subquery(rows.order_by().values("pk")[:1]), False))


def _any_of(conditions: list[Q]) -> Q:
    """The rule's OR: a case reached by any branch; by none when there is no branch."""
    if not conditions:
        return Q(pk__in=[])
    either = Q()
    for condition in conditions:
        either |= condition
    return either


def visible_through(rows: QuerySet[_M], *, user: User, field: str = "case") -> QuerySet[_M]:
    """`rows` (follow-ups, plan steps...) narrowed to those whose case, reached through
    `field`, the user may see. Whoever sees every case gets `rows` as they are: every row
    belongs to some case, and `case_id IN (SELECT id FROM cases_case)` made PostgreSQL hash
    all 100,000 cases to learn nothing ("My work", docs/benchmarks.md)."""
    if staff_access(user).sees_all:
        return rows
    return rows.filter(**{f"{field}__in": case_list_visible(user=user)})


def case_can_manage(*, user: User, case: Case) -> bool:
    access = staff_access(user)
    return (
        access.sees_all
        or (case.owner_id is not None and case.owner_id == user.pk)
        or case.responsible_organisation_id in access.organisation_ids
    )


def case_manageable_q(*, user: User) -> Q:
    """`case_can_manage` as a filter on cases (the same three conditions), for lists that
    offer to act on each row."""
    access = staff_access(user)
    if access.sees_all:
        return Q()
    return Q(owner_id=user.pk) | Q(responsible_organisation_id__in=access.organisation_ids)


def get_case_for_user(*, user: User, pk: int, manage: bool = False) -> Case:
    """The case if the user may see it (else 404); with manage=True also 403 unless they may
    manage it."""
    try:
        case = (
            case_list_visible(user=user)
            .select_related("newcomer__municipality", "newcomer__locality", "owner")
            .select_related("responsible_organisation", "newcomer__occupation_code")
            .get(pk=pk)
        )
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if manage and not case_can_manage(user=user, case=case):
        raise PermissionDenied
    return case


def followup_can_complete(*, user: User, followup: FollowUp) -> bool:
    return followup.assignee_id == user.pk or case_can_manage(user=user, case=followup.case)


def note_visibility_q(*, user: User, prefix: str = "") -> Q:
    """Q for the notes this user may read; `prefix` points at a note from another model."""
    access = staff_access(user)
    return Q(**{f"{prefix}visibility": Note.Visibility.TEAM}) | Q(
        **{f"{prefix}organisation_id__in": access.organisation_ids}
    )


def case_timeline_visible(*, user: User, case: Case) -> QuerySet[CaseEvent]:
    """The case's timeline without the confidential notes this user may not read."""
    return (
        CaseEvent.objects.filter(case=case)
        .filter(Q(note__isnull=True) | note_visibility_q(user=user, prefix="note__"))
        .select_related("actor", "note", "followup__assignee")
        .order_by("-created_at", "-pk")
    )


def case_list_column_annotations() -> dict[str, Any]:
    """What the columns other apps add to the case tables need (cases.registries)."""
    annotations: dict[str, Any] = {}
    for column in case_list_columns:
        annotations.update(column.annotations())
    return annotations


def case_list_for_screen(*, user: User, today: date) -> QuerySet[Case]:
    """The visible cases with what the list screen shows, in a fixed number of queries."""
    return _with_screen_figures(case_list_visible(user=user), user=user, today=today)


def _with_screen_figures(cases: QuerySet[Case], *, user: User, today: date) -> QuerySet[Case]:
    # A newcomer's message not yet read by this user (cases.unread): one indexed probe per row.
    unread = CaseUnread.objects.filter(
        case_id=OuterRef("pk"), user_id=user.pk or 0
    )  # pk None: anonymous, sees no case
    return (
        cases.select_related("newcomer__municipality", "owner", "responsible_organisation")
        .prefetch_related("topics")
        .annotate(
            has_overdue=case_overdue_flag(today=today),
            is_unread=Exists(unread),
            **case_list_column_annotations(),
        )
    )


def case_rows_of_page(*, user: User, today: date, page: QuerySet[Case]) -> list[Case]:
    """The table rows of one page of visible cases (`page`: a filtered, ordered and sliced
    `case_list_visible`, or the rows by key that config.pagination.CappedPaginator read
    from one), in its order. The per-row figures are computed in a query over
    the page's keys, not over the whole list: over a list of a million cases PostgreSQL
    built each figure's subquery as a hash of every matching row (every overdue follow-up,
    every share), whatever the page's size."""
    rows = Case.objects.filter(pk__in=page.values("pk"))
    # Unfiltered, the keys' query has no order_by of its own: the model's ordering applies.
    ordering = page.query.order_by or tuple(Case._meta.ordering or ())
    return list(
        _with_screen_figures(rows, user=user, today=today)
        .only(*CASE_ROW_FIELDS)
        .order_by(*ordering)
    )


# The columns the case tables show (the case list, "My work"): a case's enquiry text and
# a newcomer's two dozen columns are not read for a table row.
CASE_ROW_FIELDS = (
    "reference",
    "channel",
    "status",
    "priority",
    "created_at",
    "first_response_at",
    "first_response_due",
    "newcomer__name",
    "newcomer__is_unverified",
    "newcomer__municipality__name",
    "responsible_organisation__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def case_rows_for_screen(*, user: User, today: date) -> QuerySet[Case]:
    """`case_list_for_screen` with only the columns the case tables show."""
    return case_list_for_screen(user=user, today=today).only(*CASE_ROW_FIELDS)


# What the API's case list returns (cases.api.CaseListApi): the table's columns, the ids.
API_ROW_FIELDS = (
    "reference",
    "status",
    "priority",
    "channel",
    "created_at",
    "newcomer__name",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "responsible_organisation__name",
)


def case_rows_for_api(*, keys: list[int], today: date) -> list[Case]:
    """The API list's rows for one page's keys (cases.api.CaseListApi pages the visible,
    filtered keys first), in the keys' order, with only the columns it returns and none of
    the screen's per-row figures it does not return (unread marks, the columns other apps
    add). Over the whole list PostgreSQL built `has_overdue` as a hash of every overdue
    follow-up, whatever the page's size: 11 of the page's 13 ms of SQL at a million cases
    (49,000 of them); over 25 keys it probes the follow-ups' index per row.

    No rule of who may see what applies here: `keys` must come from `case_list_visible`
    (as config.pagination.CappedPaginator's do), read in the same request."""
    rows = (
        Case.objects.filter(pk__in=keys)
        .select_related("newcomer", "owner", "responsible_organisation")
        .prefetch_related("topics")
        .annotate(has_overdue=case_overdue_flag(today=today))
        .only(*API_ROW_FIELDS)
        .order_by()  # put in the keys' order below
    )
    position = {key: index for index, key in enumerate(keys)}
    return sorted(rows, key=lambda case: position[case.pk])


def followup_list_for_case(*, case: Case) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(case=case).select_related("assignee", "done_by")


def case_work_rests(*, case: Case) -> bool:
    """Open work counts only while its case is open. Closing a case rests its open
    follow-ups and plan steps: no reminders, not in "My work" or the digests, never overdue
    on the lists or the dashboard, not on the newcomer's page as to do. Reopening the case
    brings them back as they were, so closing changes no work of its own.

    Each follow-up and plan step carries the answer as `rests`, which the services keep
    equal to this (cases.services.case_change_status and the case_rest_hooks, and where
    work is added): the queries of open work read it from their own rows and indexes."""
    return case.status == Case.Status.CLOSED


def case_rests_q() -> Q:
    """case_work_rests for case rows."""
    return Q(status=Case.Status.CLOSED)


def work_on_open_cases(items: QuerySet[_M]) -> QuerySet[_M]:
    """The follow-ups or plan steps among `items` that do not rest (case_work_rests)."""
    return items.filter(rests=False)


def case_overdue_q(*, today: date) -> Q:
    """Cases with an open follow-up past its date, closed cases never (case_work_rests):
    the case's own row says so (`next_followup_due`, kept by cases.followup_due), so a list
    reads it per row and the overdue filter walks its index (cases_case_followup_due)."""
    return case_followup_open_q() & Q(next_followup_due__lt=today)


def case_followup_open_q() -> Q:
    """Cases with an open follow-up that does not rest: those the overdue filter's index
    holds (cases_case_followup_due), overdue or not yet."""
    return Q(next_followup_due__isnull=False) & ~case_rests_q()


def case_overdue_flag(*, today: date) -> m.Case:
    """case_overdue_q per case row, for a page's rows."""
    return m.Case(
        m.When(case_overdue_q(today=today), then=m.Value(True)),
        default=m.Value(False),
        output_field=m.BooleanField(),
    )


def my_followups_open(*, user: User) -> QuerySet[FollowUp]:
    """Open follow-ups assigned to the user, on open cases they can still see, overdue
    first."""
    followups = FollowUp.objects.filter(assignee_id=user.pk, done_at__isnull=True)
    return (
        visible_through(work_on_open_cases(followups), user=user)
        .select_related("case__newcomer")
        .order_by("due_date", "pk")
    )


def my_followups_for_screen(*, user: User) -> QuerySet[FollowUp]:
    """`my_followups_open` with only the columns "My work" shows."""
    return my_followups_open(user=user).only(
        "title", "due_date", "case__reference", "case__newcomer__name"
    )


def my_cases_open(*, user: User) -> QuerySet[Case]:
    """The visible open cases the user owns, unordered and bare: for counting them."""
    return (
        case_list_visible(user=user)
        .filter(owner_id=user.pk)
        .exclude(status=Case.Status.CLOSED)
        .order_by()
    )


def my_cases_open_first(*, user: User, today: date, limit: int) -> QuerySet[Case]:
    """The first `limit` of `my_cases_open` for the screen: those with an overdue follow-up
    first, then the oldest. The keys come from two short walks of the owner's open-cases
    index (cases_case_owner_open) in age order, two small queries: the oldest overdue ones,
    and the oldest of all. Together they hold the answer: if fewer than `limit` are overdue,
    every overdue case is in the first walk, and the second holds enough of the others.
    Ordering every open case by "overdue" instead hashed every overdue follow-up in the
    region and sorted all the owner's open cases (30 ms for 24,846 of them at a million
    cases, docs/benchmarks.md); the walks as subqueries joined by OR made PostgreSQL filter
    every case. The newcomer, organisation and progress are fetched for those keys only."""
    oldest = my_cases_open(user=user).order_by("created_at", "pk").values_list("pk", flat=True)
    keys = {*oldest.filter(case_overdue_q(today=today))[:limit], *oldest[:limit]}
    return (
        case_rows_for_screen(user=user, today=today)
        .filter(pk__in=keys)
        # By expression: the mypy plugin checks names in order_by() against the model's
        # fields, and has_overdue is case_list_for_screen's annotation.
        .order_by(F("has_overdue").desc(), "created_at", "pk")[:limit]
    )


def case_triage_queue(*, user: User) -> QuerySet[Case]:
    """New cases nobody owns yet that the user may take, oldest first: what needs a first
    response, each offered with "Take this case". Bare: the screen reads its rows for the
    first keys (`case_rows_of_page`).

    Those `case_can_take` allows: the ones the user may manage. An organisation the case
    is only shared with sees it on the case list, but its "Take this case" was refused
    (tests/handoff.py holds the two rules together)."""
    return (
        case_list_visible(user=user)
        .filter(case_manageable_q(user=user), status=Case.Status.NEW, owner__isnull=True)
        .order_by("created_at", "pk")
    )


def organisations_to_share_with(*, case: Case) -> QuerySet[Organisation]:
    """Active organisations the newcomer's consent covers that do not see the case yet:
    what the share picker offers (cases.assignment decides again on sharing)."""
    if case.newcomer.consent_to_confirm_since is not None:
        return Organisation.objects.none()
    scopes = consent_scopes_active(newcomer=case.newcomer)
    kinds = [kind for kind, scope in CONSENT_SCOPE_FOR_KIND.items() if scope in scopes]
    return (
        Organisation.objects.filter(is_active=True, kind__in=kinds)
        .exclude(pk=case.responsible_organisation_id or 0)
        .exclude(shared_cases=case)
        .order_by("name")
    )


def case_can_take(*, user: User, case: Case) -> bool:
    """Whether "Take this case" is offered: only to whoever may manage the case. A reader
    through a share cannot take it away from the responsible organisation."""
    return (
        staff_access(user).is_staff_member
        and case_can_manage(user=user, case=case)
        and case.owner_id != user.pk
    )


def case_shared_organisations(*, case: Case) -> QuerySet[Organisation]:
    return case.shared_with.all().order_by("name")


def note_list_visible(*, user: User, case: Case) -> QuerySet[Note]:
    """The case's notes this user may read, newest first."""
    return (
        Note.objects.filter(case=case)
        .filter(note_visibility_q(user=user))
        .select_related("author", "organisation")
        .order_by("-created_at", "-pk")
    )


def get_followup_for_case(*, case: Case, pk: int) -> FollowUp:
    """A follow-up of this (already visible) case; another case's follow-up is a 404."""
    try:
        followup = FollowUp.objects.select_related("assignee", "done_by").get(pk=pk, case=case)
    except (FollowUp.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    followup.case = case
    return followup


def get_newcomer_for_user(*, user: User, pk: int) -> Newcomer:
    """A newcomer visible through a case the user can see; else 404."""
    try:
        return (
            Newcomer.objects.filter(
                Exists(case_list_visible(user=user).filter(newcomer_id=OuterRef("pk")).order_by())
            )
            .select_related("municipality", "locality")
            .get(pk=pk)
        )
    except (Newcomer.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class NewcomerDetail:
    newcomer: Newcomer
    household: list[HouseholdMember]
    consents_active: list[Consent]
    cases_visible: list[Case]


def newcomer_detail_for_user(*, user: User, pk: int) -> NewcomerDetail:
    """A visible newcomer (else 404) with their household, active consents and the cases
    this user can see."""
    newcomer = get_newcomer_for_user(user=user, pk=pk)
    return NewcomerDetail(
        newcomer=newcomer,
        household=list(newcomer.household.all()),
        consents_active=list(newcomer.consents.filter(withdrawn_at=None).order_by("scope")),
        cases_visible=list(
            case_list_visible(user=user).filter(newcomer=newcomer).order_by("-created_at", "-pk")
        ),
    )


def case_staff_address(*, case: Case) -> str:
    """Where a notice about a case goes: its owner (an active user with an address), else
    its responsible organisation's address; "" when there is neither. Expects owner and
    responsible_organisation loaded or loadable."""
    owner = case.owner
    if owner is not None and owner.is_active and owner.email:
        return str(owner.email)
    organisation = case.responsible_organisation
    return organisation.email if organisation is not None else ""
