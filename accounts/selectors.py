"""Who must use two-factor authentication, and their devices."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.selectors import staff_access


def two_factor_applies(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Everyone who can see cases (any membership, coordinators, administrators) and
    everyone who can open the admin site."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return staff_access(user).is_staff_member


def two_factor_enabled(*, user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(*, user: AbstractBaseUser) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device else 0
