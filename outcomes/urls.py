from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path(
        "cases/<int:pk>/checkins/<int:checkin_pk>/phone/",
        views.phone_answer,
        name="phone-answer",
    ),
    path("outcomes/needs/", views.needs_list, name="needs"),
    path("outcomes/needs/<int:pk>/tag/", views.need_tag, name="need-tag"),
]
