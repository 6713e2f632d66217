"""The demo's organisations and staff logins (demo.texts names them). Found by name and
username, so a second run creates nothing; the logins' password is reset on every run."""

from typing import Any

from django.contrib.auth import get_user_model

from contacts.models import Membership, Organisation
from demo.texts import ORGANISATIONS, USERS


def organisations_seed() -> dict[str, Organisation]:
    """The region's agencies, by their key in ORGANISATIONS."""
    return {
        key: Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for key, (name, kind) in ORGANISATIONS.items()
    }


def users_seed(*, orgs: dict[str, Organisation], password: str) -> dict[str, Any]:
    """The five staff logins with their memberships, by username."""
    users = {}
    for username, (first, last, org_key, role) in USERS.items():
        user, _created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}@example.org".lower(),
            },
        )
        # Reset on every run, so the printed logins always work.
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        membership, _created = Membership.objects.get_or_create(
            user=user, organisation=orgs[org_key], defaults={"role": role}
        )
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        users[username] = user
    return users


# The superuser: the Django admin (/admin/) and every screen; no membership.
SUPERUSER = ("admin", "Ada", "Admin")


def superuser_seed(*, password: str) -> Any:
    username, first, last = SUPERUSER
    user, _created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": "ada.admin@example.org"},
    )
    user.set_password(password)
    user.is_active = user.is_staff = user.is_superuser = True
    user.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
    return user


def logins_table(*, orgs: dict[str, Organisation], password: str) -> list[str]:
    """The logins as the lines of a plain-text table, with a header row."""
    rows = [("username", "role", "organisation", "password")]
    rows += [
        (username, role, orgs[org_key].name, password)
        for username, (_first, _last, org_key, role) in USERS.items()
    ]
    rows.append((SUPERUSER[0], "superuser (Django admin: /admin/)", "-", password))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
