from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases.urls import intake_patterns
from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # The REST API has no language prefix: clients choose with Accept-Language.
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# Every page carries its language in the URL: unprefixed is bokmål, /en/... English.
# (With i18n_patterns, Django serves every unprefixed URL in the default language, so
# staff pages need the prefix too for the language switch to work.)
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("intake/", include(intake_patterns)),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("accounts/tokens/", include("contacts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("cases/", include("cases.urls")),
    path("cases/", include("onboarding.urls")),
    path("dashboard/", include("reports.urls")),
    prefix_default_language=False,
)
