"""The API's pagination and throttles, named in REST_FRAMEWORK. Kept apart from config.api:
DRF imports these while rest_framework.views and .generics are being imported, so this
module must not import those (or drf-spectacular)."""

from typing import Any

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class Pagination(PageNumberPagination):
    """Pages of 25 by default. Every list orders by a unique key last, so pages never repeat
    or skip a row."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class _ClientAddress:
    """The client's address as django-ratelimit finds it (RATELIMIT_IP_META_KEY, else the
    connection), never a client-supplied X-Forwarded-For, which DRF would trust."""

    def get_ident(self, request: Any) -> str:
        key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
        return str(request.META.get(key) or request.META.get("REMOTE_ADDR", ""))


class AnonThrottle(_ClientAddress, AnonRateThrottle):
    pass


class UserThrottle(_ClientAddress, UserRateThrottle):
    pass
