"""The occupation picker's search (search-as-you-type on the forms that code occupations)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from occupations.selectors import occupations_search


@login_required
@require_GET
def occupation_search(request: HttpRequest) -> JsonResponse:
    """Signed-in users only, though the classification is public: the endpoint serves the
    staff and employer forms, not the world. No personal data in or out."""
    found = occupations_search(request.GET.get("q", "")[:100], limit=10)
    results = [
        {"code": o.code, "title": o.title(), "level": o.level, "label": f"{o.code} {o.title()}"}
        for o in found
    ]
    return JsonResponse({"results": results})
