from django.urls import path

from onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("<int:pk>/plan/new/", views.plan_start, name="plan-start"),
    path("<int:pk>/plan/move-date/", views.plan_move_date, name="plan-move-date"),
    path("<int:pk>/plan/steps/", views.step_add, name="step-add"),
    path("<int:pk>/plan/steps/<int:step_pk>/done/", views.step_done, name="step-done"),
    path("<int:pk>/plan/steps/<int:step_pk>/skip/", views.step_skip, name="step-skip"),
    path("<int:pk>/plan/steps/<int:step_pk>/reopen/", views.step_reopen, name="step-reopen"),
    path("<int:pk>/plan/steps/<int:step_pk>/reassign/", views.step_reassign, name="step-reassign"),
    path("<int:pk>/welcome-pack.pdf", views.welcome_pack_preview, name="welcome-pack-preview"),
    path("<int:pk>/welcome-pack/send/", views.welcome_pack_send, name="welcome-pack-send"),
]
