from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from cases.urls import intake_patterns
from config import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Every page carries its language in the URL: unprefixed is bokmål, /en/... English.
# (With i18n_patterns, Django serves every unprefixed URL in the default language, so
# staff pages need the prefix too for the language switch to work.)
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("intake/", include(intake_patterns)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("cases/", include("cases.urls")),
    prefix_default_language=False,
)
