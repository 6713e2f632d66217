"""The contacts app's part of the REST API (config/api_urls.py mounts it in the "api"
namespace, at /api/v1/)."""

from django.urls import path

from contacts import api

urlpatterns = [
    path("organisations/", api.OrganisationListApi.as_view(), name="organisations-list"),
]
