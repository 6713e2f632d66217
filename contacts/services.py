"""Writes to newcomers, their households, consents and personal links, and to staff
members' API tokens."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import access_log_record
from contacts.models import (
    ApiToken,
    Consent,
    HouseholdMember,
    Locality,
    Municipality,
    Newcomer,
    NewcomerLink,
    Organisation,
)
from contacts.occupation_mapping import occupation_map_one
from contacts.phones import phone_search_key
from contacts.selectors import (
    consent_scopes_active,
    organisation_is_covered,
    staff_access,
    staff_role,
    user_is_covered,
)

# Bump when the consent text shown on the intake changes; each consent stores the version.
CONSENT_TEXT_VERSION = "2026-11"


@transaction.atomic
def _newcomer_by_email_locked(*, email: str) -> Newcomer | None:
    """The newcomer with this address, locked until the transaction ends: concurrent
    enquiries from one person then fill their record, household and consents one after the
    other (SQLite ignores the lock and serialises writers anyway)."""
    if not email:
        return None
    return Newcomer.objects.select_for_update().filter(email__iexact=email).first()


def newcomer_find_or_create(
    *,
    name: str,
    email: str,
    phone: str = "",
    preferred_language: str = "nb",
    municipality: Municipality | None = None,
    locality: Locality | None = None,
    planned_move_date: date | None = None,
    target_group: str = Newcomer.TargetGroup.OTHER,
    occupation: str = "",
    partner_needs_work: bool = False,
    partner_occupation: str = "",
    interests: str = "",
    heard_via: str = "",
    consent_to_confirm: bool = False,
    citizenship: str = "",
) -> tuple[Newcomer, bool]:
    """The newcomer with this e-mail (any case), or a new one. `consent_to_confirm` (a
    spreadsheet import) marks a new newcomer's consent "imported, to be confirmed": nothing
    is shared until staff confirm it (consent_require).

    An existing newcomer only gets the fields that were empty filled in: the public form is
    unauthenticated, so knowing someone's address must not let a stranger overwrite their
    record. What was sent stays readable on the new case.

    Safe when the same person is sent twice at once: 1. look up and lock; 2. if absent,
    insert in a savepoint; 3. on a unique-address conflict, look up and lock the winner's
    row and go on as if it had been found. One newcomer, and both enquiries answered.
    """
    values = {
        "name": name.strip(),
        "phone": phone.strip(),
        "preferred_language": preferred_language,
        "municipality": municipality,
        "locality": locality,
        "planned_move_date": planned_move_date,
        "target_group": target_group,
        "occupation": occupation.strip(),
        "partner_needs_work": partner_needs_work,
        "partner_occupation": partner_occupation.strip(),
        "interests": interests.strip(),
        "heard_via": heard_via,
        "citizenship": citizenship,
    }
    email = email.strip().lower()
    newcomer = _newcomer_by_email_locked(email=email)
    if newcomer is None:
        created = Newcomer(
            email=email,
            phone_normalised=phone_search_key(phone),
            consent_to_confirm_since=timezone.now() if consent_to_confirm else None,
            **values,
        )
        # Field rules here; the address's uniqueness is the database's (below). Validating
        # the constraint too would only move the race, and name the constraint to the user.
        created.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():  # a savepoint: a conflict keeps the caller's work
                created.save()
            if created.occupation:
                occupation_map_one(newcomer_id=created.pk)
            return created, True
        except IntegrityError:
            # Someone inserted the same address between our look-up and our insert (the
            # same form sent twice at once, a portal retrying). PostgreSQL raised only once
            # their transaction committed, so the row is there now: use it.
            newcomer = _newcomer_by_email_locked(email=email)
            if newcomer is None:
                raise

    changed = False
    for field, value in values.items():
        current = getattr(newcomer, field)
        empty = current in ("", None) or (
            field == "target_group" and current == Newcomer.TargetGroup.OTHER
        )
        if value not in ("", None, False) and empty:
            setattr(newcomer, field, value)
            changed = True
    if partner_needs_work and not newcomer.partner_needs_work:
        newcomer.partner_needs_work = True
        changed = True
    if changed:
        newcomer.phone_normalised = phone_search_key(newcomer.phone)
        newcomer.updated_at = timezone.now()
        newcomer.full_clean()
        newcomer.save()
        if newcomer.occupation and newcomer.occupation_code_id is None:
            occupation_map_one(newcomer_id=newcomer.pk)
    return newcomer, False


def household_add_members(
    *,
    newcomer: Newcomer,
    partner_name: str = "",
    has_partner: bool = False,
    partner_occupation: str = "",
    children_birth_years: Iterable[int] = (),
) -> list[HouseholdMember]:
    """Adds the partner and children not yet recorded (a child is matched on birth year).

    The partner's occupation is kept on the partner's row, where staff code it as for
    every adult; a partner already recorded gets a name or occupation only where theirs is
    empty (the public form may not overwrite what staff wrote)."""
    existing = list(newcomer.household.all())
    added: list[HouseholdMember] = []
    partner_occupation = partner_occupation.strip()
    partner = next((m for m in existing if m.relation == HouseholdMember.Relation.PARTNER), None)
    if partner is not None:
        # Fills what is empty only, as newcomer_find_or_create does.
        if partner_occupation and not partner.occupation:
            HouseholdMember.objects.filter(pk=partner.pk, occupation="").update(
                occupation=partner_occupation
            )
        if partner_name.strip() and not partner.name:
            HouseholdMember.objects.filter(pk=partner.pk, name="").update(name=partner_name.strip())
    if (has_partner or partner_name or partner_occupation) and partner is None:
        added.append(
            HouseholdMember(
                newcomer=newcomer,
                relation=HouseholdMember.Relation.PARTNER,
                name=partner_name.strip(),
                occupation=partner_occupation,
            )
        )
    known_years = [m.birth_year for m in existing if m.relation == HouseholdMember.Relation.CHILD]
    for year in children_birth_years:
        if year in known_years:
            known_years.remove(year)  # a second child of the same year is still added
            continue
        added.append(
            HouseholdMember(
                newcomer=newcomer, relation=HouseholdMember.Relation.CHILD, birth_year=year
            )
        )
    for member in added:
        member.full_clean()
    HouseholdMember.objects.bulk_create(added)
    if partner_occupation:
        occupation_map_one(newcomer_id=newcomer.pk)
    return added


def consent_record(
    *, newcomer: Newcomer, scopes: Iterable[str], text_version: str = CONSENT_TEXT_VERSION
) -> None:
    """Records consent to processing and to sharing with each scope not already active.

    Never withdraws: a later enquiry with fewer boxes ticked is not a withdrawal, which takes
    an explicit action (cases.services.consent_withdraw).
    """
    now = timezone.now()
    active = set(
        Consent.objects.filter(newcomer=newcomer, withdrawn_at=None).values_list("scope", flat=True)
    )
    new_rows = [
        Consent(newcomer=newcomer, scope=scope, text_version=text_version, given_at=now)
        for scope in sorted(set(scopes) - active)
    ]
    for row in new_rows:
        row.full_clean(validate_constraints=False)
    Consent.objects.bulk_create(new_rows)
    newcomer.consent_given_at = now
    newcomer.consent_text_version = text_version
    # Consent given now replaces one imported from a spreadsheet and awaiting confirmation.
    newcomer.consent_to_confirm_since = None
    newcomer.save(
        update_fields=["consent_given_at", "consent_text_version", "consent_to_confirm_since"]
    )


def consent_require(
    *,
    newcomer: Newcomer,
    field: str,
    organisation: Organisation | None = None,
    user: User | None = None,
) -> None:
    """The one check, and the one message, for giving a newcomer's case or a piece of work
    on it to an organisation or a person: their consent must cover the organisation (or one
    of the person's organisations; coordinators are always covered). Raises a
    ValidationError on `field` otherwise.

    A consent imported from a spreadsheet and not yet confirmed covers nobody but the
    coordinators: nothing is shared until staff confirm it."""
    if newcomer.consent_to_confirm_since is not None and (
        organisation is not None or (user is not None and not staff_access(user).sees_all)
    ):
        raise ValidationError(
            {
                field: _(
                    "The newcomer's consent was imported from a spreadsheet and is not yet "
                    "confirmed: nothing is shared until it is."
                )
            }
        )
    scopes = consent_scopes_active(newcomer=newcomer)
    if organisation is not None and not organisation_is_covered(
        organisation=organisation, scopes=scopes
    ):
        raise ValidationError(
            {
                field: _("The newcomer's consent does not cover sharing with %(name)s (%(kind)s).")
                % {"name": organisation.name, "kind": organisation.get_kind_display()}
            }
        )
    if user is not None and not user_is_covered(user=user, scopes=scopes):
        raise ValidationError(
            {
                field: _(
                    "The newcomer's consent does not cover sharing with this person's organisation."
                )
            }
        )


def newcomer_update(*, newcomer: Newcomer, changes: dict[str, object]) -> list[str]:
    """Applies staff edits and returns the names of the fields that changed (for the
    timeline, which records names of fields, never their values)."""
    changed = [name for name, value in changes.items() if getattr(newcomer, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(newcomer, name, changes[name])
    fields = [*changed, "updated_at"]
    if "phone" in changed:
        newcomer.phone_normalised = phone_search_key(newcomer.phone)
        fields.append("phone_normalised")
    if "email" in changed and newcomer.email_failing_since is not None:
        # Bounces said the old address failed; nothing is known yet of the new one.
        newcomer.email_failing_since = None
        fields.append("email_failing_since")
    newcomer.updated_at = timezone.now()
    newcomer.full_clean()
    newcomer.save(update_fields=fields)
    if "occupation" in changed and newcomer.occupation_code_id is None:
        occupation_map_one(newcomer_id=newcomer.pk)
        newcomer.refresh_from_db(fields=["occupation_code"])
    return changed


def household_member_update(*, member: HouseholdMember, changes: dict[str, object]) -> list[str]:
    """Applies staff edits to a household member (their occupation and its code); returns
    the names of the fields that changed, for the timeline. Compares with the stored row:
    a bound ModelForm has already copied its values onto the instance it was given."""
    stored = HouseholdMember.objects.select_for_update().get(pk=member.pk)
    changed = [name for name, value in changes.items() if getattr(stored, name) != value]
    for name in changed:
        setattr(stored, name, changes[name])
    if changed:
        stored.full_clean()
        stored.save(update_fields=changed)
    if "occupation" in changed and stored.occupation_code_id is None:
        occupation_map_one(newcomer_id=stored.newcomer_id)
    return changed


def newcomer_email_failed(*, newcomer_id: int, address: str, at: datetime) -> bool:
    """Marks the newcomer's address as failing: an e-mail to `address` bounced
    (conversations, on a delivery report it tied to our e-mail). Only while `address` is
    still their address: a report about an address since replaced marks nothing. The
    first failure's time stays; a conditional update, so a report read twice, or two
    reports at once, set it once. Returns whether it was set now."""
    address = address.strip()
    if not address:
        return False
    return bool(
        Newcomer.objects.filter(
            pk=newcomer_id, email__iexact=address, email_failing_since=None, erased_at=None
        ).update(email_failing_since=at)
    )


def newcomer_email_works(*, address: str) -> int:
    """A mail from `address` arrived (conversations): the address works, so the newcomer
    with it is no longer marked as failing. The caller decides that the mail really came
    from there (not a From line our mail server could not vouch for). Returns how many
    rows changed (0 or 1: one newcomer per address)."""
    address = address.strip()
    if not address:
        return 0
    return (
        Newcomer.objects.filter(email__iexact=address)
        .exclude(email_failing_since=None)
        .update(email_failing_since=None)
    )


def newcomer_access_log(
    *, user: User | AnonymousUser | None, action: str, newcomer: Newcomer
) -> None:
    """Records in the access log that the user opened, exported or erased the newcomer's
    data (ids and the user's role only)."""
    access_log_record(
        user=user,
        role=staff_role(user),
        action=action,
        object_type="newcomer",
        object_id=newcomer.pk,
        newcomer_id=newcomer.pk,
    )


# A token is "tf_" and 43 URL-safe characters (256 random bits); the first 11 characters are
# kept in clear so the owner can recognise it.
API_TOKEN_PREFIX = "tf_"  # noqa: S105 (a label, not a secret)
API_TOKEN_SHOWN_CHARS = 11
# last_used_at is written at most this often per token, not on every request.
API_TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def api_token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for a staff member. Returns the token and its secret; the secret is not
    stored and cannot be shown again."""
    if not staff_access(user).is_staff_member:
        raise PermissionDenied
    name = " ".join(name.split())
    if ApiToken.objects.filter(user=user, name=name, revoked_at=None).exists():
        raise ValidationError({"name": _("You already have a token with this name.")})
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name, prefix=secret[:API_TOKEN_SHOWN_CHARS], key_hash=api_token_hash(secret)
    )
    token.full_clean()
    token.save()
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revokes the token at once; revoking it again changes nothing. Only its owner may."""
    if token.user_id != actor.pk:
        raise PermissionDenied
    now = timezone.now()
    # A conditional UPDATE, so two clicks keep the first revocation time.
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_mark_used(*, token: ApiToken, now: datetime | None = None) -> None:
    """Records that the token authenticated a request. Written at most once a minute per
    token, so a busy client does not turn every read into a write."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < API_TOKEN_USE_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


# --- The newcomer's personal link (their own page, portal) ----------------------
# last_used_at is written at most this often per link, not on every page view.
NEWCOMER_LINK_USE_RESOLUTION = timedelta(minutes=1)


def newcomer_link_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def newcomer_link_issue(
    *, newcomer: Newcomer, actor: User | None, keep_active: bool = False
) -> str:
    """A new personal link for the newcomer. Returns the URL path with the secret, in the
    newcomer's language (e.g. /en/my/<secret>/). The secret is not stored: whoever needs to
    send the link (receipt, re-issue, reminders) issues one.

    By default every older link stops working at once (staff re-issue a link that may have
    leaked). With `keep_active` (the newcomer's own request at /my/, which anyone can make
    with a known address) the new link is *pending*: the active link keeps working, and the
    new one retires the others only when it is first used (newcomer_link_resolve).

    The newcomer's row is locked first, so two issues at once cannot both leave an active
    link (the partial unique constraint would refuse the second otherwise).
    """
    Newcomer.objects.select_for_update().filter(pk=newcomer.pk).first()
    now = timezone.now()
    if not keep_active:
        NewcomerLink.objects.filter(newcomer=newcomer, revoked_at=None).update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    link = NewcomerLink(
        newcomer=newcomer,
        token_hash=newcomer_link_hash(secret),
        created_at=now,
        pending=keep_active,
    )
    link.full_clean()
    link.save()
    with translation.override(newcomer.preferred_language):
        return reverse("portal:page", kwargs={"secret": secret})


def newcomer_link_revoke(*, newcomer: Newcomer, actor: User | None) -> int:
    """Revokes the newcomer's working links, the active one and any pending; returns how
    many were revoked."""
    return NewcomerLink.objects.filter(newcomer=newcomer, revoked_at=None).update(
        revoked_at=timezone.now()
    )


def newcomer_link_resolve(*, secret: str) -> Newcomer | None:
    """The newcomer a secret belongs to, or None for a wrong, revoked, expired or erased one.

    The lookup is by the hash of the presented secret, so the database comparison says
    nothing about stored secrets, and each refusal costs the same one query: a wrong and a
    revoked secret cannot be told apart by timing (tests/contacts/test_portal_links.py).
    """
    if not secret or len(secret) > 100:
        return None
    link = (
        NewcomerLink.objects.select_related("newcomer")
        .filter(token_hash=newcomer_link_hash(secret))
        .first()
    )
    now = timezone.now()
    if (
        link is None
        or link.revoked_at is not None
        or link.is_expired(now, settings.NEWCOMER_LINK_IDLE_DAYS)
        or getattr(link.newcomer, "erased_at", None) is not None
    ):
        return None
    if link.pending:
        return newcomer_link_take_over(link=link, now=now)
    if link.last_used_at is None or now - link.last_used_at >= NEWCOMER_LINK_USE_RESOLUTION:
        NewcomerLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return link.newcomer


@transaction.atomic
def newcomer_link_take_over(*, link: NewcomerLink, now: datetime) -> Newcomer | None:
    """The first use of a pending link: it becomes the newcomer's active link and every
    other link of theirs (the old active one, other pending ones) stops working.

    1. Lock the newcomer's row, as newcomer_link_issue does, so two pending links opened at
       once take over one after the other.
    2. Read this link again under the lock. Revoked meanwhile (another pending link took
       over first): refused like any revoked link. No longer pending (the same link opened
       twice at once): it is the active link already.
    3. Revoke the others before clearing `pending`, so the one-active constraint holds at
       every statement.
    """
    Newcomer.objects.select_for_update().filter(pk=link.newcomer_id).first()
    mine = NewcomerLink.objects.filter(pk=link.pk, revoked_at=None)
    pending = mine.values_list("pending", flat=True).first()
    if pending is None:
        return None
    if pending:
        NewcomerLink.objects.filter(newcomer_id=link.newcomer_id, revoked_at=None).exclude(
            pk=link.pk
        ).update(revoked_at=now)
        mine.update(pending=False, last_used_at=now)
    return link.newcomer
