from django.urls import path

from conversations import views

app_name = "conversations"

# Mounted at the root of the language prefix (config/urls.py): the composer's routes sit
# under their case, the reply templates under /conversations/.
urlpatterns = [
    path("cases/<int:pk>/messages/send/", views.message_send, name="send"),
    path(
        "cases/<int:pk>/messages/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("cases/<int:pk>/newcomer/confirm/", views.newcomer_confirm, name="newcomer-confirm"),
    path("conversations/templates/", views.template_list, name="template-list"),
    path("conversations/templates/new/", views.template_edit, name="template-create"),
    path("conversations/templates/<int:pk>/", views.template_edit, name="template-edit"),
]
