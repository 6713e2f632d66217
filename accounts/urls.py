from django.urls import path

from accounts import oidc, people_views, sign_in_views, views

app_name = "accounts"

urlpatterns = [
    # Before django.contrib.auth's URLs (config/urls.py): this login page wins.
    path("login/", sign_in_views.sign_in, name="login"),
    path("sign-out/", sign_in_views.sign_out, name="sign-out"),
    path("oidc/callback/", oidc.ProviderCallbackView.as_view(), name="oidc-callback"),
    path("oidc/<slug:name>/", oidc.ProviderStartView.as_view(), name="oidc-start"),
    path("refused/", sign_in_views.sign_in_refused, name="sign-in-refused"),
    path("waiting/", sign_in_views.sign_in_waiting, name="sign-in-waiting"),
    path("people/", sign_in_views.people_list, name="people"),
    path("people/invite/", people_views.person_invite, name="person-invite"),
    path("people/<int:pk>/", people_views.person_detail, name="person"),
    path(
        "people/<int:pk>/memberships/<int:membership_pk>/delete/",
        people_views.membership_delete,
        name="membership-delete",
    ),
    path("people/<int:pk>/deactivate/", sign_in_views.person_deactivate, name="person-deactivate"),
    path("two-factor/", views.two_factor_setup, name="two-factor-setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two-factor-verify"),
]
