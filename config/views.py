"""Site-wide views: the health check, the start page and the accessibility statement."""

from email.utils import parseaddr

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import defaults
from django.views.decorators.http import require_GET

from config.api import server_error_body
from config.health import health_reports


@require_GET
def livez(request: HttpRequest) -> JsonResponse:
    """Liveness: this process answers. Nothing outside it is asked, so a database outage
    makes pods unready (/healthz) but does not get them all restarted at once."""
    return JsonResponse({"status": "ok"})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database state, and the broker's where one is configured. 503 when either is down.
    Also what apps report (config.health), such as the team mailbox's poll."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "error"
    if settings.CELERY_BROKER_URL:
        from config.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception:
            checks["broker"] = "error"
    else:
        checks["broker"] = "eager"
    healthy = all(value in ("ok", "eager") for value in checks.values())
    # Reported, never failing the check: a stale mailbox (an expired password, a moved
    # folder) needs a person, and restarting the web process would not help. "unknown"
    # when the database, where the apps record their state, is down.
    now = timezone.now()
    reports = {
        name: report(now) if checks["database"] == "ok" else "unknown"
        for name, report in health_reports.items()
    }
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks, **reports},
        status=200 if healthy else 503,
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("cases:mine")
    return redirect("intake:form")


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (tilgjengelighetserklæring), linked from every footer."""
    feedback_email = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return render(request, "accessibility.html", {"feedback_email": feedback_email})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the API's one error shape under /api/, else the 500 page. DRF views answer
    their own errors so (config.api.exception_handler); this covers the rest, such as a
    middleware that fails before the view."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(server_error_body(), status=500)
    return defaults.server_error(request)
