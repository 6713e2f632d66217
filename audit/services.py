"""Writes to the access log. Callers in higher layers pass ids and the user's role at the
time (contacts.selectors.staff_role); cases.services.case_access_log and
contacts.services.newcomer_access_log do that for a case and a newcomer."""

from django.contrib.auth.models import AnonymousUser, User

from audit.models import AccessLogEntry


def access_log_record(
    *,
    user: User | AnonymousUser | None,
    role: str,
    action: str,
    object_type: str,
    object_id: int,
    newcomer_id: int | None = None,
    case_id: int | None = None,
) -> AccessLogEntry:
    """One row: who (id and role), what (type and id), which action, when."""
    entry = AccessLogEntry(
        user=user if user is not None and user.is_authenticated else None,
        role=role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        newcomer_id=newcomer_id,
        case_id=case_id,
    )
    entry.full_clean()
    entry.save()
    return entry
