from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.notice, name="notice"),
    path("access-log/", views.access_log, name="access-log"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/done/", views.request_complete, name="request-complete"),
    path("newcomers/<int:pk>/", views.newcomer_page, name="newcomer"),
    path("newcomers/<int:pk>/export.json", views.export_json, name="export-json"),
    path("newcomers/<int:pk>/export.pdf", views.export_pdf, name="export-pdf"),
    path("newcomers/<int:pk>/erase/", views.erase, name="erase"),
    path("newcomers/<int:pk>/requests/", views.request_create, name="request-create"),
]
