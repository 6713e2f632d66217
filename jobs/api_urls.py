"""The jobs app's part of the REST API (config/api_urls.py mounts it at /api/v1/)."""

from django.urls import path

from jobs import api

urlpatterns = [
    path("needs/", api.NeedListApi.as_view(), name="needs-list"),
    path("needs/create/", api.NeedCreateApi.as_view(), name="needs-create"),
    path("needs/<int:pk>/", api.NeedDetailApi.as_view(), name="needs-detail"),
    path("needs/<int:pk>/update/", api.NeedUpdateApi.as_view(), name="needs-update"),
    path("needs/<int:pk>/close/", api.NeedCloseApi.as_view(), name="needs-close"),
]
