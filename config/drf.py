"""The API's pagination, throttles and JSON parser, named in REST_FRAMEWORK. Kept apart from
config.api: DRF imports these while rest_framework.views and .generics are being imported,
so this module must not import those (or drf-spectacular)."""

import io
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.utils.urls import remove_query_param, replace_query_param

from config import pagination
from config.pagination import count_at_most

# The deepest row a page may start at (pages go on past the count's cap).
MAX_OFFSET = 1_000_000


class Pagination(PageNumberPagination):
    """Pages of 25 by default. Every list orders by a unique key last, so pages never repeat
    or skip a row.

    The count stops at COUNT_CAP (10,000; the list screen stops at 1,000): counting a
    million cases took most of a coordinator's request (docs/benchmarks.md). Above the
    cap `count` is the cap and `count_capped` is true. The pages go on past it: a page
    reads one row more than it returns to know whether there is a next, so a client that
    follows `next` gets every row."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        self.request = self.page_request = request
        size = self.get_page_size(request) or self.page_size
        try:
            self.number = int(request.query_params.get(self.page_query_param) or 1)
        except ValueError:
            raise NotFound(self.invalid_page_message) from None
        start = (self.number - 1) * size
        # A page number past the deepest offset is refused before any query: an absurd
        # one would overflow the database's integer (a 500), and skipping more rows than
        # this costs the database more than any client's sync should ask of it.
        if self.number < 1 or start > MAX_OFFSET:
            raise NotFound(self.invalid_page_message)
        rows = list(queryset[start : start + size + 1])
        if self.number > 1 and not rows:
            raise NotFound(self.invalid_page_message)
        self.has_next = len(rows) > size
        # Counted even on a last page, whose count is known: a page's queries stay the
        # same whatever the data (tests/api/test_queries.py).
        self.counted = (
            count_at_most(queryset, pagination.COUNT_CAP)
            if isinstance(queryset, QuerySet)
            else len(queryset)
        )
        return rows[:size]

    def get_paginated_response(self, data: Any) -> Response:
        cap = pagination.COUNT_CAP
        return Response(
            {
                "count": min(self.counted, cap),
                "count_capped": self.counted > cap,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        url = self.page_request.build_absolute_uri()
        return replace_query_param(url, self.page_query_param, self.number + 1)

    def get_previous_link(self) -> str | None:
        if self.number == 1:
            return None
        url = self.page_request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paged = super().get_paginated_response_schema(schema)
        paged["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "More rows than `count` (the cap); `next` still leads to them.",
        }
        paged["required"] = [*paged.get("required", []), "count_capped"]
        return paged


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


# Deeper JSON than any of our inputs needs (the deepest, the intake, is 3 levels). Python's
# json module recurses once per level, so a 2 KB body of "[" would otherwise end in a
# RecursionError, a 500, before any validation ran.
JSON_MAX_DEPTH = 32


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, after a check of the body's nesting depth: deeper bodies are a 400
    (ParseError, in the one error shape) and are never handed to json.loads. The body is
    already capped in size by RequestSizeMiddleware, so reading it whole is bounded."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        body = stream.read() if stream is not None else b""
        if json_depth(body) > JSON_MAX_DEPTH:
            raise ParseError(
                _("JSON nested deeper than %(depth)s levels is not accepted.")
                % {"depth": JSON_MAX_DEPTH}
            )
        return super().parse(io.BytesIO(body), media_type, parser_context)


def json_depth(body: bytes) -> int:
    """The deepest nesting of [ and { in a JSON text, strings skipped; a linear scan that
    does not parse, so it cannot recurse. Malformed text is left for the parser to refuse."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
            if deepest > JSON_MAX_DEPTH:
                return deepest
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest
