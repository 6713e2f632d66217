"""Request types for views that only run for a signed-in user.

`request.user` is `User | AnonymousUser` to the type checker. Behind `@login_required`,
or DRF's `IsAuthenticated` (the API's default permission), it is always a `User`. These
classes only tell mypy so, as django-stubs recommends; no request is ever built from
them, and nothing changes at run time.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest
from rest_framework.request import Request


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedRequest(Request):
    user: User
