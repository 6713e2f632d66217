from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.need_list, name="list"),
    path("new/", views.need_create, name="create"),
    path("<int:pk>/", views.need_detail, name="detail"),
    path("<int:pk>/edit/", views.need_edit, name="edit"),
    path("<int:pk>/close/", views.need_close, name="close"),
    path("<int:pk>/suggest/", views.need_suggest, name="suggest"),
    path(
        "<int:pk>/suggestions/<int:suggestion_pk>/outcome/",
        views.suggestion_outcome,
        name="outcome",
    ),
]
