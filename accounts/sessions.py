"""Idle and absolute session timeouts, enforced on the server.

The session holds two Unix times: when it began (stamped at login) and when it was last
seen. A request past either limit logs the user out: Django's logout() deletes the session
row, so the old cookie is worthless even if it was copied.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

STARTED_KEY = "tilflytt_session_started"
SEEN_KEY = "tilflytt_session_seen"
# "Last seen" is written at most once a minute: a session is not saved on every request
# (a database write each time), at the price of an idle limit up to a minute late.
SEEN_GRANULARITY = 60


def session_stamp_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver (see AccountsConfig.ready)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[STARTED_KEY] = now
    session[SEEN_KEY] = now


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware and MessageMiddleware: ends sessions idle for
    SESSION_IDLE_TIMEOUT seconds or older than SESSION_ABSOLUTE_TIMEOUT seconds. The request
    then goes on as anonymous: a page redirects to the login, the API answers 401/403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session = request.session
        now = int(time.time())
        started = session.get(STARTED_KEY)
        seen = session.get(SEEN_KEY)
        if not isinstance(started, int) or not isinstance(seen, int):
            # A session from before the timeouts existed: its clock starts now.
            session[STARTED_KEY] = session[SEEN_KEY] = now
            return
        if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
            logout(request)
            messages.info(request, _("Your session has ended. Please log in again."))
        elif now - seen > settings.SESSION_IDLE_TIMEOUT:
            logout(request)
            messages.info(
                request, _("You were logged out after a period of inactivity. Please log in again.")
            )
        elif now - seen >= SEEN_GRANULARITY:
            session[SEEN_KEY] = now
