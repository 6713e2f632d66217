"""The project's URLs plus the floor: a view that runs only a page's main query."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from cases.models import Case
from config.urls import urlpatterns as project_urlpatterns


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    """The 25 rows of the first case-list page, rendered as nothing: what any page costs at
    least (routing, session, auth, one query)."""
    rows = list(Case.objects.order_by("-created_at", "-pk").values_list("pk", flat=True)[:25])
    return HttpResponse(str(len(rows)))


urlpatterns = [path("bench/floor/", floor, name="bench-floor"), *project_urlpatterns]
