"""The onboarding app's part of the REST API (config/api_urls.py mounts it in the "api"
namespace, at /api/v1/)."""

from django.urls import path

from onboarding import api

urlpatterns = [
    path("cases/<int:pk>/plan/", api.PlanDetailApi.as_view(), name="plans-detail"),
    path("cases/<int:pk>/plan/steps/", api.PlanStepListApi.as_view(), name="steps-list"),
    path(
        "cases/<int:pk>/plan/steps/<int:step_pk>/complete/",
        api.PlanStepCompleteApi.as_view(),
        name="steps-complete",
    ),
    path(
        "cases/<int:pk>/plan/steps/<int:step_pk>/skip/",
        api.PlanStepSkipApi.as_view(),
        name="steps-skip",
    ),
    path(
        "cases/<int:pk>/plan/steps/<int:step_pk>/reassign/",
        api.PlanStepReassignApi.as_view(),
        name="steps-reassign",
    ),
    path(
        "cases/<int:pk>/welcome-packs/",
        api.WelcomePackListApi.as_view(),
        name="welcome-packs-list",
    ),
    path(
        "cases/<int:pk>/welcome-packs/send/",
        api.WelcomePackSendApi.as_view(),
        name="welcome-packs-send",
    ),
    path(
        "cases/<int:pk>/welcome-packs/download/",
        api.WelcomePackDownloadApi.as_view(),
        name="welcome-packs-download",
    ),
]
