"""Writes about staff accounts: two-factor devices and deactivation."""

import logging
from binascii import unhexlify

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

logger = logging.getLogger(__name__)

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def totp_key_new() -> str:
    """A fresh TOTP secret (hex, 20 bytes as RFC 4226 recommends), kept in the session until
    the user proves their app has it."""
    key: str = random_hex(20)  # django-otp has no type information
    return key


def totp_key_verify(*, key: str, token: str) -> bool:
    """Checks a code against a key not yet stored (enrolment). One step of clock drift
    either way is accepted, as for stored devices."""
    token = token.strip().replace(" ", "")
    if not token.isdigit():
        return False
    matches: bool = TOTP(unhexlify(key.encode())).verify(int(token), tolerance=1)
    return matches


@transaction.atomic
def two_factor_enable(*, user: User, key: str) -> tuple[TOTPDevice, list[str]]:
    """Replaces the user's devices with a confirmed TOTP device for `key` and a fresh set of
    single-use backup codes, which are returned (shown once: only the user keeps them)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)
    device.full_clean()
    device.save()
    backup = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=code) for code in codes)
    logger.info("two-factor enabled for user %s", user.pk)
    return device, codes


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    """Marks the user inactive and deletes every session they hold, so an open browser is
    logged out at its next request, not when its cookie expires. API tokens stop working at
    once too (token authentication refuses inactive users).

    Sessions are not indexed by user: each unexpired one is decoded. A team has hundreds of
    sessions at most; a large site would keep a user-to-session table instead."""
    user.is_active = False
    user.full_clean()
    user.save(update_fields=["is_active"])
    user_pk = str(user.pk)
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == user_pk
    ]
    Session.objects.filter(pk__in=ended).delete()
    logger.info("user %s deactivated by user %s; %d sessions ended", user.pk, actor.pk, len(ended))
    return user
