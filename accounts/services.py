"""Writes about staff accounts: two-factor devices, deactivation and provider sign-ins."""

import logging
from binascii import unhexlify

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts.models import SignInIdentity
from accounts.providers import Decision, Provider
from contacts.models import Membership, Organisation
from contacts.organisations import membership_set
from contacts.selectors import staff_display_name
from outbox.services import email_queue

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


def _username_free(email: str, subject: str, provider: str) -> str:
    """The e-mail address as user name where it is free, else one made unique by the
    provider's subject (a second account with the same address, or a taken name)."""
    if email and not User.objects.filter(username__iexact=email).exists():
        return email[:150]
    return f"{email or provider}#{subject}"[:150]


@transaction.atomic
def identity_sign_in(*, provider: Provider, claims: dict[str, object], decision: Decision) -> User:
    """The user behind a provider sign-in the provider's claims allowed, created on the
    first one (just in time), with the memberships the provider's mapping gives.

    1. Found by the link (provider, subject); else, once, an existing user with the same
       e-mail address in one of the provider's DOMAINS is linked (the provider vouches for
       that domain); else a user is made, with no password (only the provider lets them in).
    2. Memberships in the organisations the mapping names are set to what it gives now:
       added, their role changed, or removed (left the group). Others, given by a
       coordinator, are left alone. With no membership at all the user waits.
    3. The link records the time and the provider's `amr`.
    The caller refuses an inactive user (deactivated by a coordinator)."""
    subject = str(claims["sub"])
    now = timezone.now()
    identity = (
        SignInIdentity.objects.select_related("user")
        .filter(provider=provider.name, subject=subject)
        .first()
    )
    if identity is not None:
        user = identity.user
    else:
        email = decision.email
        domain = email.rpartition("@")[2]
        same_email = (
            list(User.objects.filter(email__iexact=email)[:2])
            if email and domain in provider.domains
            else []
        )
        if len(same_email) == 1:
            user = same_email[0]
        else:
            user = User(username=_username_free(email, subject, provider.name), email=email)
            user.set_unusable_password()
        identity = SignInIdentity(provider=provider.name, subject=subject, created_at=now)
    for attr, claim in (("first_name", "given_name"), ("last_name", "family_name")):
        value = claims.get(claim)
        if isinstance(value, str) and value:
            setattr(user, attr, value[:150])
    if not user.first_name and isinstance(claims.get("name"), str):
        user.first_name = str(claims["name"])[:150]
    user.full_clean(exclude=["password"])
    user.save()
    identity.user = user
    identity.amr = list(decision.amr)
    identity.last_sign_in_at = now
    identity.full_clean()
    identity.save()
    _memberships_sync(user=user, provider=provider, wanted=decision.memberships)
    logger.info("user %s signed in through provider %s", user.pk, provider.name)
    return user


def _memberships_sync(*, user: User, provider: Provider, wanted: dict[str, str]) -> None:
    managed = provider.managed_organisations
    organisations = {org.name: org for org in Organisation.objects.filter(name__in=managed)}
    if managed - organisations.keys():
        logger.warning("provider %s maps to an unknown organisation", provider.name)
    current = {
        m.organisation.name: m
        for m in Membership.objects.filter(
            user=user, organisation__name__in=managed
        ).select_related("organisation")
    }
    for name, membership in current.items():
        if name not in wanted:
            membership.delete()
        elif membership.role != wanted[name]:
            membership.role = wanted[name]
            membership.full_clean()
            membership.save(update_fields=["role"])
    for name, role in wanted.items():
        if name in organisations and name not in current:
            membership = Membership(user=user, organisation=organisations[name], role=role)
            membership.full_clean()
            membership.save()


@transaction.atomic
def person_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    role: str,
    actor: User,
) -> User:
    """Creates an account with no password and a membership, and queues an invitation in
    the inviter's language (outbox, same transaction): a link to choose a password (Django's
    one-time password-reset link) where the organisation allows Tilflytt passwords, else a
    link to the sign-in page and the organisation's own account. An address that already
    has an account is refused: give that person a membership on their page instead."""
    email = email.strip().lower()
    if (
        User.objects.filter(email__iexact=email).exists()
        or User.objects.filter(username__iexact=email).exists()
    ):
        raise ValidationError(
            {"email": _("Someone has an account with this address already; open their page.")}
        )
    user = User(username=email, email=email, first_name=first_name.strip(), last_name=last_name)
    user.last_name = last_name.strip()
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership_set(user=user, organisation=organisation, role=role, actor=actor)
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if organisation.password_sign_in:
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    else:
        path = reverse("accounts:login")
    email_queue(
        kind="accounts.invite",
        to=email,
        template="staff_invite",
        language=language,
        context={
            "inviter": staff_display_name(actor),
            "organisation": organisation.name,
            "set_password": organisation.password_sign_in,
            "link_url": settings.SITE_URL + path,
        },
    )
    logger.info("user %s invited by user %s", user.pk, actor.pk)
    return user
