"""The API's language: Accept-Language (or the language cookie), not the URL.

The staff and public pages take their language from the URL prefix, and LocaleMiddleware
gives every unprefixed path the default language (i18n_patterns with
prefix_default_language=False). The API has no prefix by design, so without this its error
messages and step titles would always be in bokmål whatever the client asked for.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

API_PREFIX = "/api/"


class ApiLanguageMiddleware:
    """After LocaleMiddleware: on /api/ paths, activates the language the request asks for
    (LocaleMiddleware then sets Content-Language from it on the way out)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
