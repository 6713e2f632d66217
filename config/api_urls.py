"""The REST API, version 1, mounted at /api/v1/ (outside the language prefix: clients ask for
a language with Accept-Language). One URL per operation, named `api:<resource>-<action>`.
Each app lists its own operations in its api_urls module; they are named here by dotted
path, as Django's include() takes them, so config imports no app."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("", include("cases.api_urls")),
    path("", include("onboarding.api_urls")),
    path("", include("conversations.api_urls")),
    path("", include("contacts.api_urls")),
    path("", include("jobs.api_urls")),
]
