from django.contrib.auth import views as auth_views
from django.urls import include, path

from tests.oidc_provider import views

urlpatterns = [
    path("openid/", include("oidc_provider.urls", namespace="oidc_provider")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    # Test control: what an IT department does in its directory.
    path("test/users/<str:username>/", views.user_change, name="user-change"),
]
