"""Who signed in through which OpenID Connect provider (the link from a provider's account
to a Tilflytt user), and how they proved it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignInIdentity(models.Model):
    """A provider's account (`provider`, `subject` = the id token's `sub`) linked to a user.

    The link, not the e-mail address, finds the user at the next sign-in: an address can
    be renamed or reused, the provider's subject cannot."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_identities"
    )
    provider = models.CharField(_("sign-in service"), max_length=40)
    subject = models.CharField(_("account at the sign-in service"), max_length=255)
    # The `amr` claim of the last sign-in (e.g. ["mfa", "pwd"]), where the provider sends
    # it: how the provider checked the person, shown to coordinators.
    amr = models.JSONField(_("sign-in methods"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in identity")
        verbose_name_plural = _("sign-in identities")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="accounts_signinidentity_unique_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"
