"""Who must use two-factor authentication, and their devices."""

from django.contrib.auth.models import AnonymousUser, User
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

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
