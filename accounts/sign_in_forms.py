"""The login page's password form. (Beside accounts/forms.py rather than in it, so that
the two-factor forms there and this one change independently.)"""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from accounts.selectors import password_sign_in_allowed


class PasswordSignInForm(AuthenticationForm):
    """Refuses people whose organisation has switched Tilflytt passwords off: they sign in
    with the organisation's own account. Checked only once the password is right, as
    Django checks an inactive account, so it tells a stranger nothing."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not password_sign_in_allowed(user=user):
            raise forms.ValidationError(
                _(
                    "Your organisation signs in with its own account, not a Tilflytt "
                    "password. Use its button on this page."
                ),
                code="password_sign_in_off",
            )
