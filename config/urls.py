from csp.decorators import csp_update
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import views

handler500 = "config.views.server_error"

urlpatterns = [
    # Readiness (database and broker) and liveness (the process alone): see docs/operations.md.
    path("healthz", views.healthz, name="healthz"),
    path("livez", views.livez, name="livez"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The REST API has no language prefix: clients choose with Accept-Language.
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's start script as a separate file (the split view), so scripts stay 'self';
    # its page has one inline <style> block and data: images, allowed on this page only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"], "img-src": ["data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]

# Apps are named by dotted path, as include() takes them: config imports no app.
# Every page carries its language in the URL: unprefixed is bokmål, /en/... English.
# (With i18n_patterns, Django serves every unprefixed URL in the default language, so
# staff pages need the prefix too for the language switch to work.)
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("intake/", include("cases.intake_urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/tokens/", include("contacts.urls")),
    path("accounts/reminders/", include("reminders.urls")),
    # Login page, provider sign-in, people screen, two-factor (accounts/urls.py).
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("occupations/", include("occupations.urls")),
    path("cases/", include("cases.urls")),
    path("cases/", include("onboarding.urls")),
    path("cases/", include("portal.staff_urls")),
    path("", include("outcomes.urls")),
    path("jobs/", include("jobs.urls")),
    path("", include("conversations.urls")),
    # The newcomer's own page, by personal link (no login): /my/<secret>/.
    path("my/", include("portal.urls")),
    path("dashboard/", include("reports.urls")),
    path("privacy/", include("privacy.urls")),
    path("import/", include("imports.urls")),
    path("administration/", include("administration.urls")),
    prefix_default_language=False,
)
