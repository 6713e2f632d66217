from collections.abc import Callable

from auditlog.context import set_extra_data
from django.http import HttpRequest, HttpResponse


class ChangeActorMiddleware:
    """Puts the signed-in user on every change-history row a request writes (auditlog).

    auditlog's own middleware tests `isinstance(request.user, User)` on every request,
    which loads the session's user even on pages that never need it (the public intake,
    the newcomer's page) and so adds queries to each; here the lazy user is handed over as
    it is, and auditlog looks at it only when a tracked row is written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = getattr(request, "user", None)
        with set_extra_data(context_data={"actor": actor, "remote_addr": None}):
            return self.get_response(request)
