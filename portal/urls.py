"""The newcomer's own page, under the language prefix (/my/, /en/my/, /pl/my/, /uk/my/)."""

from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.link_request, name="request"),
    path("sent/", views.link_request_sent, name="request-sent"),
    path("<str:secret>/", views.page, name="page"),
    path("<str:secret>/welcome-pack/", views.welcome_pack, name="welcome-pack"),
    path("<str:secret>/welcome-pack.pdf", views.welcome_pack_pdf, name="welcome-pack-pdf"),
    path("<str:secret>/steps/<int:step_pk>/done/", views.step_done, name="step-done"),
    path("<str:secret>/steps/<int:step_pk>/undo/", views.step_undo, name="step-undo"),
    path("<str:secret>/message/", views.message_send, name="message"),
    path("<str:secret>/details/", views.details_update, name="details"),
    path("<str:secret>/reminders/", views.reminders_set, name="reminders"),
    path("<str:secret>/checkin/<int:checkin_pk>/", views.checkin_answer, name="checkin"),
    path("<str:secret>/checkin/stop/", views.checkin_stop, name="checkin-stop"),
    path(
        "<str:secret>/consents/<str:scope>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
]
