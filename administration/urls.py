from django.urls import path

from administration import views

app_name = "administration"

urlpatterns = [
    path("", views.index, name="index"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_edit, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_edit, name="organisation-edit"),
    path("templates/", views.template_list, name="template-list"),
    path("templates/new/", views.template_edit, name="template-create"),
    path("templates/<int:pk>/", views.template_edit, name="template-edit"),
    path("templates/<int:template_pk>/steps/new/", views.step_edit, name="step-create"),
    path("templates/<int:template_pk>/steps/<int:pk>/", views.step_edit, name="step-edit"),
    path(
        "templates/<int:template_pk>/steps/<int:pk>/delete/",
        views.step_delete,
        name="step-delete",
    ),
    path("offers/", views.offer_list, name="offer-list"),
    path("offers/new/", views.offer_edit, name="offer-create"),
    path("offers/<int:pk>/", views.offer_edit, name="offer-edit"),
    path("topics/", views.topic_list, name="topic-list"),
    path("topics/new/", views.topic_edit, name="topic-create"),
    path("topics/<int:pk>/", views.topic_edit, name="topic-edit"),
]
