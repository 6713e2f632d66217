from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.preference_edit, name="preferences"),
]
