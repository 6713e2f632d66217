"""The demo's organisations and staff logins (demo.texts names them). Found by name and
username, so a second run creates nothing; the logins' password is reset on every run."""

from typing import Any

from django.contrib.auth import get_user_model

from contacts.models import Membership, Organisation
from demo.texts import ORGANISATIONS, USERS

# Contact details for the welcome pack's letterhead and the newcomer's page: demo values
# (the addresses are the agencies' real streets; phones and e-mail addresses are made up).
ORGANISATION_DETAILS: dict[str, dict[str, str]] = {
    "kommune": {
        "email": "tilflytter@narvik.example",
        "phone": "+47 76 00 10 00",
        "address": "Kongens gate 51\n8514 Narvik",
        "opening_hours": "Mon-Fri 08:00-15:30",
    },
    "skole": {
        "email": "post@narvik-vgs.example",
        "phone": "+47 76 00 20 00",
        "address": "Skoleveien 2\n8515 Narvik",
        "opening_hours": "Mon-Fri 08:00-15:00",
    },
    "nav": {
        "email": "nav.narvik@nav.example",
        "phone": "+47 55 55 33 33",
        "address": "Kongens gate 39\n8514 Narvik",
        "opening_hours": "Mon-Fri 09:00-14:00",
    },
    "naering": {"email": "post@naering.example", "phone": "+47 76 00 30 00"},
    "frivillig": {
        "email": "post@frivillig.example",
        "phone": "+47 76 00 40 00",
        "address": "Kongens gate 44\n8514 Narvik",
        "opening_hours": "Mon-Thu 10:00-15:00",
    },
}


def organisations_seed() -> dict[str, Organisation]:
    """The region's agencies, by their key in ORGANISATIONS, with their contact details
    filled where still empty (a second run changes nothing the team edited)."""
    orgs = {}
    for key, (name, kind) in ORGANISATIONS.items():
        org = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        empty = {f: v for f, v in ORGANISATION_DETAILS.get(key, {}).items() if not getattr(org, f)}
        if empty:
            Organisation.objects.filter(pk=org.pk).update(**empty)
            org.refresh_from_db()
        orgs[key] = org
    return orgs


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
