"""Site-wide response and request rules that are not about one app: private caching of
every page Django builds, and a size limit that also covers the JSON API."""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class NoStoreMiddleware:
    """`Cache-Control: no-store` (with Django's never-cache companions) on every response
    Django itself builds: staff pages, the intake receipt and the API carry personal data,
    and no browser or shared cache may keep them (the back button after logout shows
    nothing). Static files are answered by WhiteNoise before this runs and keep their long
    cache lifetimes. A view that set its own Cache-Control keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class RequestSizeMiddleware:
    """Refuses a body declared larger than DATA_UPLOAD_MAX_MEMORY_SIZE with 413 before any
    view reads it. Django enforces the limit itself only when `request.body` or
    `request.POST` is read; DRF's parsers read the stream and would not be stopped."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            message = _("The request is too large.")
            if request.path_info.startswith("/api/"):  # the API's one error shape
                body = {"message": message, "code": "too_large", "errors": {}}
                return JsonResponse(body, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class Utf8RequestMiddleware:
    """Refuses a query string or form body (application/x-www-form-urlencoded) that is not
    valid UTF-8 once percent-decoded, with a 400 that says so. Django would decode it with
    replacement characters, and "J\ufffdrgen" would be stored without anyone knowing the
    name was damaged on the way. Runs after RequestSizeMiddleware, so the body read here
    is bounded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        parts = [request.META.get("QUERY_STRING", "").encode("iso-8859-1", "replace")]
        if request.content_type == "application/x-www-form-urlencoded":
            parts.append(request.body)
        if not all(_utf8_form(part) for part in parts):
            message = _(
                "The request contains text that is not valid UTF-8. Send it again from the "
                "form, or check the program's character encoding."
            )
            if request.path_info.startswith("/api/"):  # the API's one error shape
                body = {"message": message, "code": "invalid_encoding", "errors": {}}
                return JsonResponse(body, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _utf8_form(data: bytes) -> bool:
    """Whether every key and value of a urlencoded text is UTF-8 after percent-decoding."""
    try:
        for pair in data.split(b"&"):
            for piece in pair.split(b"=", 1):
                unquote_to_bytes(piece.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
