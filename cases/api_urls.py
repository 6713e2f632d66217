"""The cases app's part of the REST API (config/api_urls.py mounts it in the "api"
namespace, at /api/v1/)."""

from django.urls import path

from cases import api

urlpatterns = [
    path("cases/", api.CaseListApi.as_view(), name="cases-list"),
    path("cases/create/", api.CaseCreateApi.as_view(), name="cases-create"),
    path("cases/<int:pk>/", api.CaseDetailApi.as_view(), name="cases-detail"),
    path("cases/<int:pk>/update/", api.CaseUpdateApi.as_view(), name="cases-update"),
    path("cases/<int:pk>/assign/", api.CaseAssignApi.as_view(), name="cases-assign"),
    path("cases/<int:pk>/take/", api.CaseTakeApi.as_view(), name="cases-take"),
    path("cases/<int:pk>/status/", api.CaseStatusApi.as_view(), name="cases-status"),
    path("cases/<int:pk>/share/", api.CaseShareApi.as_view(), name="cases-share"),
    path("cases/<int:pk>/unshare/", api.CaseUnshareApi.as_view(), name="cases-unshare"),
    path("cases/<int:pk>/notes/", api.NoteListApi.as_view(), name="notes-list"),
    path("cases/<int:pk>/notes/add/", api.NoteAddApi.as_view(), name="notes-add"),
    path("cases/<int:pk>/followups/", api.FollowUpListApi.as_view(), name="followups-list"),
    path("cases/<int:pk>/followups/add/", api.FollowUpAddApi.as_view(), name="followups-add"),
    path(
        "cases/<int:pk>/followups/<int:followup_pk>/complete/",
        api.FollowUpCompleteApi.as_view(),
        name="followups-complete",
    ),
    path("cases/<int:pk>/timeline/", api.CaseTimelineApi.as_view(), name="cases-timeline"),
    path("followups/mine/", api.FollowUpMineApi.as_view(), name="followups-mine"),
    path("topics/", api.TopicListApi.as_view(), name="topics-list"),
    path("intake/", api.IntakeApi.as_view(), name="intake"),
    path("newcomers/<int:pk>/", api.NewcomerDetailApi.as_view(), name="newcomers-detail"),
]
