from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_upload, name="upload"),
    path("offers/", views.import_offers_upload, name="offers"),
    path("columns/", views.import_mapping, name="mapping"),
    path("dry-run/", views.import_preview, name="preview"),
    path("run/", views.import_run, name="run"),
    path("report/", views.import_done, name="done"),
    path("cancel/", views.import_cancel, name="cancel"),
    path("consent/<int:pk>/", views.consent_confirm, name="consent-confirm"),
]
