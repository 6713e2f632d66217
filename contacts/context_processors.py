from django.http import HttpRequest

from contacts.selectors import staff_access


def membership(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's reach, for the navigation (one query, cached on the user)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"staff_access": staff_access(user)}
