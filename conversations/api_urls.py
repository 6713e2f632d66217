"""The conversations app's part of the REST API (config/api_urls.py mounts it in the "api"
namespace, at /api/v1/)."""

from django.urls import path

from conversations import api

urlpatterns = [
    path(
        "cases/<int:pk>/messages/",
        api.MessageListApi.as_view(),
        name="messages-list",
    ),
    path(
        "cases/<int:pk>/messages/send/",
        api.MessageSendApi.as_view(),
        name="messages-send",
    ),
]
