from django.urls import path

from cases import list_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("mine/", views.case_mine, name="mine"),
    path("new/", views.case_create, name="create"),
    path("views/", list_views.saved_view_manage, name="views"),
    path("views/new/", list_views.saved_view_create, name="view-create"),
    path("views/<int:pk>/rename/", list_views.saved_view_rename, name="view-rename"),
    path("views/<int:pk>/share/", list_views.saved_view_share, name="view-share"),
    path("views/<int:pk>/delete/", list_views.saved_view_delete, name="view-delete"),
    path("bulk/", list_views.case_bulk, name="bulk"),
    path("bulk/done/", list_views.case_bulk_done, name="bulk-done"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/newcomer/", views.newcomer_edit, name="newcomer-edit"),
    path(
        "<int:pk>/household/<int:member_pk>/",
        views.household_member_edit,
        name="household-member-edit",
    ),
    path("<int:pk>/handle/", views.case_handle, name="handle"),
    path("<int:pk>/take/", views.case_take, name="take"),
    path("<int:pk>/owner/", views.case_assign, name="assign"),
    path("<int:pk>/organisation/", views.case_set_organisation, name="set-organisation"),
    path("<int:pk>/share/", views.case_share, name="share"),
    path("<int:pk>/unshare/", views.case_unshare, name="unshare"),
    path("<int:pk>/status/", views.case_change_status, name="status"),
    path("<int:pk>/priority/", views.case_set_priority, name="priority"),
    path("<int:pk>/notes/", views.note_add, name="note-add"),
    path("<int:pk>/followups/", views.followup_add, name="followup-add"),
    path(
        "<int:pk>/followups/<int:followup_pk>/done/",
        views.followup_complete,
        name="followup-complete",
    ),
    path(
        "<int:pk>/consents/<str:scope>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
]
