"""Saved views of the case list: a person's filters and sort under a name, shown as tabs
above the list; a coordinator may share one of theirs with an organisation, whose members
then see it too. Only the owner renames, shares or deletes a view.

A view keeps no search text: it may name a newcomer, and a view is the staff member's,
outside every newcomer's erasure (config.personal_data). Filters and sort are codes and ids.
"""

from urllib.parse import urlencode

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from cases.models import SavedView
from cases.selectors import User
from contacts.models import Organisation
from contacts.selectors import staff_access

# Parameters of the list's address that are not filters: the page.
NOT_FILTERS = {"page"}
# What a view does not keep (see above): the search text, and what it searches.
NOT_SAVED = {"q", "in_notes"}


def saved_view_query(params: QueryDict, *, keep_search: bool = True) -> str:
    """The list's filters and sort in one canonical form: without the page and empty
    values, keys sorted, so that the same filters always compare equal. Without the
    search unless `keep_search`."""
    left_out = NOT_FILTERS if keep_search else NOT_FILTERS | NOT_SAVED
    pairs = sorted(
        (key, value)
        for key in params
        if key not in left_out
        for value in params.getlist(key)
        if value.strip()
    )
    return urlencode(pairs)


def saved_view_query_from_string(query: str, *, keep_search: bool = True) -> str:
    """`saved_view_query` of a query string (as posted back by the list's forms)."""
    return saved_view_query(QueryDict(query), keep_search=keep_search)


def saved_view_active(views: list[SavedView], *, query: str) -> SavedView | None:
    """The view whose filters are the list's current ones, if any."""
    return next((view for view in views if view.query == query), None)


def saved_views_for_user(*, user: User) -> QuerySet[SavedView]:
    """The user's own views and those shared with one of their organisations, in one
    query."""
    if not user.is_authenticated:
        return SavedView.objects.none()
    organisations = staff_access(user).organisation_ids
    return SavedView.objects.filter(Q(owner_id=user.pk) | Q(organisation_id__in=organisations))


def get_saved_view_for_owner(*, user: User, pk: int) -> SavedView:
    """The user's own view (else 404: another's view is none of their business)."""
    try:
        return SavedView.objects.select_related("organisation").get(pk=pk, owner_id=user.pk)
    except (SavedView.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def _name_check(*, owner: AuthUser, name: str, exclude: int | None = None) -> str:
    name = name.strip()
    taken = SavedView.objects.filter(owner=owner, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError({"name": _("You already have a view with this name.")})
    return name


def saved_view_create(*, owner: AuthUser, name: str, query: str) -> SavedView:
    """Saves the filters and sort of `query` (a list's query string) under `name`."""
    query = saved_view_query_from_string(query, keep_search=False)
    if not query:
        raise ValidationError({"name": _("Choose some filters or a sort order to save.")})
    view = SavedView(owner=owner, name=_name_check(owner=owner, name=name), query=query)
    view.full_clean()
    view.save()
    return view


def saved_view_rename(*, view: SavedView, name: str, actor: AuthUser) -> SavedView:
    if view.owner_id != actor.pk:
        raise PermissionDenied
    view.name = _name_check(owner=actor, name=name, exclude=view.pk)
    view.full_clean()
    view.save(update_fields=["name"])
    return view


def saved_view_share(
    *, view: SavedView, organisation: Organisation | None, actor: AuthUser
) -> SavedView:
    """Shares the view with an organisation's members (None: with nobody). Coordinators
    only: a view shown to a whole organisation is a team decision."""
    if view.owner_id != actor.pk:
        raise PermissionDenied
    if not staff_access(actor).sees_all:
        raise ValidationError(
            {"organisation": _("Only coordinators can share a view with an organisation.")}
        )
    view.organisation = organisation
    view.save(update_fields=["organisation"])
    return view


def saved_view_delete(*, view: SavedView, actor: AuthUser) -> None:
    if view.owner_id != actor.pk:
        raise PermissionDenied
    view.delete()
