"""The public intake, under the language prefix (/intake/, /en/intake/, ...)."""

from django.urls import path

from cases import views

app_name = "intake"

urlpatterns = [
    path("", views.intake, name="form"),
    path("received/", views.intake_received, name="received"),
]
