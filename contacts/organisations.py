"""Writes to organisations and memberships, kept by coordinators (administration screens).

Coordinators and administrators (`staff_access(...).sees_all`) edit every organisation's
details; a membership is given, changed or taken away by someone who leads that
organisation (coordinator or administrator there) or a superuser. Changes are on the
change history (audit.history), which records the actor from the request.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.texts import texts_clean
from contacts.models import Membership, Organisation
from contacts.selectors import staff_access

LEADING_ROLES = (Membership.Role.COORDINATOR, Membership.Role.ADMIN)


def organisations_led(*, user: User) -> list[Organisation]:
    """The organisations whose memberships `user` may manage: where they coordinate or
    administer, or every active one for a superuser."""
    organisations = Organisation.objects.filter(is_active=True)
    if not user.is_superuser:
        organisations = organisations.filter(
            memberships__user=user, memberships__role__in=LEADING_ROLES
        )
    return list(organisations.order_by("name").distinct())


def organisation_save(
    *,
    organisation: Organisation | None = None,
    name: str,
    kind: str,
    email: str,
    phone: str,
    address: str,
    opening_hours: dict[str, str],
    descriptions: dict[str, str],
    password_sign_in: bool,
    is_active: bool,
    actor: User,
) -> Organisation:
    """Creates or changes an organisation: its name, kind, and the contact details shown
    to newcomers, with `opening_hours` and `descriptions` by language ({"nb": "…"}; an
    empty language is dropped and reads by the fallback rule). Organisations are
    deactivated, never deleted (cases keep pointing at them)."""
    if not staff_access(actor).sees_all:
        raise PermissionDenied
    organisation = organisation or Organisation()
    organisation.name = name.strip()
    organisation.kind = kind
    organisation.email = email.strip()
    organisation.phone = phone.strip()
    organisation.address = address.strip()
    organisation.opening_hours_texts = texts_clean(opening_hours)
    organisation.descriptions = texts_clean(descriptions)
    _descriptions_check(organisation.descriptions)
    organisation.password_sign_in = password_sign_in
    organisation.is_active = is_active
    organisation.full_clean()
    organisation.save()
    return organisation


def _descriptions_check(descriptions: dict[str, str]) -> None:
    """A description is a few sentences, in every language: the welcome pack sets it beside
    the organisation's contact details."""
    limit = Organisation.DESCRIPTION_MAX_LENGTH
    too_long = [code for code, text in descriptions.items() if len(text) > limit]
    if too_long:
        raise ValidationError(
            {
                "descriptions": _(
                    "A description may have at most %(limit)d characters (too long in: "
                    "%(languages)s)."
                )
                % {"limit": limit, "languages": ", ".join(too_long)}
            }
        )


def _require_leads(*, actor: User, organisation: Organisation) -> None:
    if organisation not in organisations_led(user=actor):
        raise PermissionDenied


@transaction.atomic
def membership_set(*, user: User, organisation: Organisation, role: str, actor: User) -> Membership:
    """Gives `user` a membership in `organisation` with `role`, or changes its role."""
    _require_leads(actor=actor, organisation=organisation)
    if role not in Membership.Role.values:
        raise ValidationError({"role": _("Choose a role from the list.")})
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is None:
        membership = Membership(user=user, organisation=organisation)
    elif membership.role == role:
        return membership
    if user.pk == actor.pk and role not in LEADING_ROLES and not actor.is_superuser:
        raise ValidationError({"role": _("You cannot take away your own coordinator role.")})
    membership.role = role
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    _require_leads(actor=actor, organisation=membership.organisation)
    if membership.user_id == actor.pk and not actor.is_superuser:
        raise ValidationError(_("You cannot remove your own membership."))
    membership.delete()
