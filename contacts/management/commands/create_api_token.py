"""Creates an API token for a staff member and prints its secret (CI's schemathesis run)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from contacts.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token for a staff member and print only its secret (shown once). "
        "Refuses to run with DEBUG off unless --force: a secret in a terminal or CI log is a "
        "development convenience; staff make their own tokens at /accounts/tokens/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True, help="an active staff member")
        parser.add_argument("--name", required=True, help="the token's name, e.g. ci")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args: Any, username: str, name: str, force: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "create_api_token prints a secret and refuses to run with DEBUG off. Use "
                "--force if you mean it."
            )
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        try:
            _token, secret = api_token_create(user=user, name=name)
        except PermissionDenied as exc:
            raise CommandError(f"{username!r} has no membership, so cannot have a token.") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(secret)
