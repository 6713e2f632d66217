from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from jobs.selectors import need_can_record


def recruitment(request: HttpRequest) -> dict[str, object]:
    """Whether the navigation links the recruitment needs: asked only when a page's
    navigation is drawn (lazily), so other responses pay no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"records_needs": SimpleLazyObject(lambda: need_can_record(user=user))}
