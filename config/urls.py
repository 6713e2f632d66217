from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from cases.urls import intake_patterns
from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("cases/", include("cases.urls")),
]

# Public pages carry the language in the URL: /intake/ is bokmål, /en/intake/ English.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("intake/", include(intake_patterns)),
    prefix_default_language=False,
)
