"""Reads about staff access and newcomers' consents.

`staff_access` is the one source of a user's organisations and reach; cases.selectors
builds every visibility rule on it.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from config.pickers import picker_rows
from contacts.models import (
    CONSENT_SCOPE_FOR_KIND,
    ApiToken,
    Consent,
    Membership,
    Newcomer,
    NewcomerLink,
    Organisation,
)


@dataclass(frozen=True)
class StaffAccess:
    organisation_ids: frozenset[int]
    sees_all: bool  # coordinators and administrators
    # Those of `organisation_ids` that are employers (jobs: who records recruitment needs),
    # read in the same query, so the navigation asks nothing more.
    employer_ids: frozenset[int] = frozenset()

    @property
    def is_staff_member(self) -> bool:
        return self.sees_all or bool(self.organisation_ids)


_NO_ACCESS = StaffAccess(organisation_ids=frozenset(), sees_all=False)


def staff_display_name(user: User) -> str:
    """How a staff member is named on screens, in e-mails and PDFs: the full name, else
    the username (never the e-mail address)."""
    return user.get_full_name() or user.get_username()


def staff_access(user: User | AnonymousUser) -> StaffAccess:
    """The user's organisations and whether they see every case; cached on the user object
    so a request asks the database once."""
    if not user.is_authenticated or not user.is_active:
        return _NO_ACCESS
    cached: StaffAccess | None = getattr(user, "_tilflytt_access", None)
    if cached is not None:
        return cached
    rows = list(
        Membership.objects.filter(user=user, organisation__is_active=True).values_list(
            "organisation_id", "role", "organisation__kind"
        )
    )
    elevated = {Membership.Role.COORDINATOR, Membership.Role.ADMIN}
    access = StaffAccess(
        organisation_ids=frozenset(org_id for org_id, _role, _kind in rows),
        sees_all=user.is_superuser or any(role in elevated for _org, role, _kind in rows),
        employer_ids=frozenset(
            org_id for org_id, _role, kind in rows if kind == Organisation.Kind.EMPLOYER
        ),
    )
    # A per-object cache, as Django's ModelBackend keeps `_perm_cache` on the user; the
    # model declares no such attribute, and a cache keyed by user would outlive the request.
    user._tilflytt_access = access  # type: ignore[attr-defined]
    return access


def staff_role(user: User | AnonymousUser | None) -> str:
    """The reach a user has, as the access log records it: "system" (no user),
    "superuser", "coordinator", "member" or "none" (one cached lookup, no query per row)."""
    if user is None:
        return "system"
    if getattr(user, "is_superuser", False):
        return "superuser"
    access = staff_access(user)
    if access.sees_all:
        return "coordinator"
    return "member" if access.organisation_ids else "none"


def consent_scopes_active(*, newcomer: Newcomer) -> set[str]:
    return set(
        Consent.objects.filter(newcomer=newcomer, withdrawn_at=None).values_list("scope", flat=True)
    )


def organisation_is_covered(*, organisation: Organisation, scopes: set[str]) -> bool:
    """Whether a newcomer's active consent scopes cover sharing with this organisation."""
    scope = CONSENT_SCOPE_FOR_KIND.get(organisation.kind)
    return scope is not None and scope in scopes


def user_is_covered(*, user: User, scopes: set[str]) -> bool:
    """Whether a staff user may be given a case (as owner or assignee) under these scopes:
    coordinators always, members only through an organisation the consent covers."""
    access = staff_access(user)
    if access.sees_all:
        return True
    kinds = Organisation.objects.filter(pk__in=access.organisation_ids).values_list(
        "kind", flat=True
    )
    return any(CONSENT_SCOPE_FOR_KIND.get(kind) in scopes for kind in kinds)


def newcomer_find_by_email(*, email: str) -> Newcomer | None:
    if not email:
        return None
    return Newcomer.objects.filter(email__iexact=email).first()


def address_is_staff(address: str) -> bool:
    """Whether the e-mail address is an active staff user's or an active organisation's:
    mail from it is the team's own (a colleague forwarding something), never a newcomer's.
    An inactive user's or organisation's address is anybody's."""
    if not address or "@" not in address:
        return False
    return (
        get_user_model().objects.filter(is_active=True, email__iexact=address).exists()
        or Organisation.objects.filter(is_active=True, email__iexact=address).exists()
    )


def staff_user_list() -> QuerySet[User]:
    """Active users with a membership: the people a case or follow-up can be given to.
    Bounded by the team's size, not by the data."""
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__isnull=False)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# A <select>'s choices: options (value, label) and groups (group label, [options]).
StaffChoices = list[tuple[object, object]]


def staff_choices(*, current: User | AnonymousUser | None = None) -> StaffChoices:
    """The people a case or a task can be given to, for a <select> (one query): the current
    user first, then everyone else grouped by organisation (one <optgroup> each, by name),
    each name followed by their organisations. Someone in several organisations is listed
    once, under the first. The memberships are kept between requests (config.pickers);
    contacts' and accounts' AppConfig forget them whenever a membership, an organisation
    or a user changes."""
    rows = picker_rows("contacts.staff", _staff_rows)
    names: dict[int, list[str]] = {}
    for user_id, _person, organisation in rows:
        names.setdefault(user_id, []).append(organisation)
    first: StaffChoices = []
    groups: dict[str, list[tuple[int, str]]] = {}
    for user_id, person, organisation in rows:
        label = f"{person} · {', '.join(names[user_id])}"
        if current is not None and user_id == current.pk:
            if not first:
                first.append((user_id, _("%(person)s (me)") % {"person": label}))
        elif names[user_id][0] == organisation:
            groups.setdefault(organisation, []).append((user_id, label))
    return first + list(groups.items())


def _staff_rows() -> list[tuple[int, str, str]]:
    """(user id, name on screens, organisation name) of each active membership of an
    active user in an active organisation, by organisation and name."""
    return [
        (row.user_id, staff_display_name(row.user), row.organisation.name)
        for row in Membership.objects.filter(user__is_active=True, organisation__is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__first_name", "user__last_name", "user__username")
    ]


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, active ones first."""
    return ApiToken.objects.filter(user_id=user.pk).order_by(
        F("revoked_at").desc(nulls_first=True), "-created_at", "-pk"
    )


def api_token_find_active(*, key_hash: str) -> ApiToken | None:
    """The active token with this hash, with its user. Looking the token up by the hash of
    the presented secret (not by the secret) means the database comparison reveals nothing
    useful about any stored secret, so no constant-time comparison is needed."""
    return (
        ApiToken.objects.select_related("user").filter(key_hash=key_hash, revoked_at=None).first()
    )


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation, inactive ones too (old timelines still name them)."""
    return Organisation.objects.order_by("name", "pk")


def newcomer_links_working(
    *, newcomer: Newcomer
) -> tuple[NewcomerLink | None, NewcomerLink | None]:
    """The newcomer's active link and their newest pending one (asked for at /my/, not
    opened yet), in one query. Either may be None; either may have expired unused, which
    the case page shows from its dates."""
    links = list(NewcomerLink.objects.filter(newcomer=newcomer, revoked_at=None))
    active = next((link for link in links if not link.pending), None)
    pending = next((link for link in links if link.pending), None)
    return active, pending
