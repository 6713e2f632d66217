"""API-token authentication for the REST API (kept apart from contacts.api: DRF imports
its authentication classes while rest_framework.views itself is being imported)."""

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from contacts.models import ApiToken
from contacts.selectors import api_token_find_active
from contacts.services import api_token_hash, api_token_mark_used


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer tf_…` with a token from the profile page.

    The presented secret is hashed and looked up by its hash; only hashes are stored.
    Without the header, the next authentication class (the session) is tried.
    """

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after “Bearer” and a space, with no other spaces.")
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from exc
        token = api_token_find_active(key_hash=api_token_hash(secret))
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid or was revoked."))
        api_token_mark_used(token=token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes an unauthenticated request a 401 with this header rather than a 403.
        return f'{self.keyword} realm="api"'
