"""The REST API, version 1, mounted at /api/v1/ (outside the language prefix: clients ask for
a language with Accept-Language). One URL per operation, named `api:<resource>-<action>`."""

from django.urls import path

from cases import api as cases_api
from contacts import api as contacts_api
from conversations import api as conversations_api
from onboarding import api as onboarding_api

app_name = "api"

urlpatterns = [
    path("cases/", cases_api.CaseListApi.as_view(), name="cases-list"),
    path("cases/create/", cases_api.CaseCreateApi.as_view(), name="cases-create"),
    path("cases/<int:pk>/", cases_api.CaseDetailApi.as_view(), name="cases-detail"),
    path("cases/<int:pk>/update/", cases_api.CaseUpdateApi.as_view(), name="cases-update"),
    path("cases/<int:pk>/assign/", cases_api.CaseAssignApi.as_view(), name="cases-assign"),
    path("cases/<int:pk>/status/", cases_api.CaseStatusApi.as_view(), name="cases-status"),
    path("cases/<int:pk>/share/", cases_api.CaseShareApi.as_view(), name="cases-share"),
    path("cases/<int:pk>/unshare/", cases_api.CaseUnshareApi.as_view(), name="cases-unshare"),
    path("cases/<int:pk>/notes/", cases_api.NoteListApi.as_view(), name="notes-list"),
    path("cases/<int:pk>/notes/add/", cases_api.NoteAddApi.as_view(), name="notes-add"),
    path("cases/<int:pk>/followups/", cases_api.FollowUpListApi.as_view(), name="followups-list"),
    path("cases/<int:pk>/followups/add/", cases_api.FollowUpAddApi.as_view(), name="followups-add"),
    path(
        "cases/<int:pk>/followups/<int:followup_pk>/complete/",
        cases_api.FollowUpCompleteApi.as_view(),
        name="followups-complete",
    ),
    path("cases/<int:pk>/timeline/", cases_api.CaseTimelineApi.as_view(), name="cases-timeline"),
    path("followups/mine/", cases_api.FollowUpMineApi.as_view(), name="followups-mine"),
    path("topics/", cases_api.TopicListApi.as_view(), name="topics-list"),
    path("intake/", cases_api.IntakeApi.as_view(), name="intake"),
    path("cases/<int:pk>/plan/", onboarding_api.PlanDetailApi.as_view(), name="plans-detail"),
    path("cases/<int:pk>/plan/steps/", onboarding_api.PlanStepListApi.as_view(), name="steps-list"),
    path(
        "cases/<int:pk>/plan/steps/<int:step_pk>/complete/",
        onboarding_api.PlanStepCompleteApi.as_view(),
        name="steps-complete",
    ),
    path(
        "cases/<int:pk>/plan/steps/<int:step_pk>/skip/",
        onboarding_api.PlanStepSkipApi.as_view(),
        name="steps-skip",
    ),
    path(
        "cases/<int:pk>/welcome-packs/",
        onboarding_api.WelcomePackListApi.as_view(),
        name="welcome-packs-list",
    ),
    path(
        "cases/<int:pk>/welcome-packs/send/",
        onboarding_api.WelcomePackSendApi.as_view(),
        name="welcome-packs-send",
    ),
    path(
        "cases/<int:pk>/welcome-packs/download/",
        onboarding_api.WelcomePackDownloadApi.as_view(),
        name="welcome-packs-download",
    ),
    path(
        "cases/<int:pk>/messages/",
        conversations_api.MessageListApi.as_view(),
        name="messages-list",
    ),
    path(
        "cases/<int:pk>/messages/send/",
        conversations_api.MessageSendApi.as_view(),
        name="messages-send",
    ),
    path("newcomers/<int:pk>/", contacts_api.NewcomerDetailApi.as_view(), name="newcomers-detail"),
    path("organisations/", contacts_api.OrganisationListApi.as_view(), name="organisations-list"),
]
