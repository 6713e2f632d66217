"""Staff send or revoke a newcomer's personal link from the case page."""

from django.urls import path

from portal import views

app_name = "portal-staff"

urlpatterns = [
    path("<int:pk>/newcomer-link/", views.staff_link_send, name="link-send"),
    path("<int:pk>/newcomer-link/revoke/", views.staff_link_revoke, name="link-revoke"),
]
