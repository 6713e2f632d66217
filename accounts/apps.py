from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Staff sign-in security: session timeouts, two-factor authentication, lockout page,
    private caching of personal pages and ending a deactivated user's sessions."""

    name = "accounts"
    verbose_name = _("Sign-in and sessions")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in

        from accounts.sessions import session_stamp_login
        from config.pickers import pickers_follow
        from outbox.kinds import email_kinds

        email_kinds.register("accounts.invite", _("Invitation to Tilflytt"))

        # Staff pickers show users' names and leave out deactivated ones (config.pickers).
        pickers_follow(get_user_model())

        # Not domain flow either: django.contrib.auth.login() is the single door every login
        # passes (the form, the admin, the test client's force_login) and this signal is its
        # only hook. It stamps when the session began, so the timeout middleware never has
        # to write the session on a first request.
        user_logged_in.connect(session_stamp_login, dispatch_uid="accounts.session_stamp")
