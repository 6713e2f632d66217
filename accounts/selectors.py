"""Who must use two-factor authentication, their devices, who may use a password, and
the people a coordinator looks after."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Prefetch, Q, QuerySet, Subquery
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SignInIdentity
from contacts.models import Membership
from contacts.selectors import staff_access


def two_factor_applies(user: User | AnonymousUser) -> bool:
    """Everyone who can see cases (any membership, coordinators, administrators) and
    everyone who can open the admin site."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return staff_access(user).is_staff_member


def two_factor_enabled(*, user: User) -> bool:
    enabled: bool = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return enabled  # typed here: django-otp's models have no type information


def backup_codes_left(*, user: User) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device else 0


def password_sign_in_allowed(*, user: User) -> bool:
    """False when any active organisation of the user has switched Tilflytt passwords off
    (its people sign in with the organisation's own account)."""
    return not Membership.objects.filter(
        user=user, organisation__is_active=True, organisation__password_sign_in=False
    ).exists()


def people_visible(*, user: User) -> QuerySet[User]:
    """The people a coordinator looks after on the people screen: the members of the
    organisations where they are coordinator or administrator, and everyone waiting for a
    first membership (signed in through a provider, no membership yet). A superuser sees
    every account. Superusers are never listed for others: only the admin site manages
    them. Each row has its memberships and provider links prefetched."""
    users = get_user_model().objects.all()
    if not user.is_superuser:
        led = Membership.objects.filter(
            user=user,
            role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMIN],
            organisation__is_active=True,
        ).values("organisation_id")
        waiting = Q(memberships__isnull=True, sign_in_identities__isnull=False)
        users = users.filter(
            Q(memberships__organisation_id__in=Subquery(led)) | waiting, is_superuser=False
        ).distinct()
    return users.order_by("-is_active", "first_name", "last_name", "username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
        Prefetch(
            "sign_in_identities", queryset=SignInIdentity.objects.order_by("-last_sign_in_at")
        ),
    )


def people_may_manage(*, user: User) -> bool:
    """Coordinators, administrators and superusers see the people screen."""
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user,
            role__in=[Membership.Role.COORDINATOR, Membership.Role.ADMIN],
            organisation__is_active=True,
        ).exists()
    )
