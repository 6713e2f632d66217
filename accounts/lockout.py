"""django-axes glue: the client address, found as for the intake's rate limit."""

from django.conf import settings
from django.http import HttpRequest

# A private helper of the pinned django-ratelimit, reused so that both libraries always
# agree on the address (and its IPv6 /64 grouping); a test locks in the behaviour.
from django_ratelimit.core import _get_ip


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address django-ratelimit uses (RATELIMIT_IP_META_KEY
    behind a proxy, else the connection's), so one setting decides it for both. Axes
    may pass a bare HttpRequest (code that authenticates outside a page): no address."""
    if not settings.RATELIMIT_IP_META_KEY and not request.META.get("REMOTE_ADDR"):
        return None
    return _get_ip(request)
