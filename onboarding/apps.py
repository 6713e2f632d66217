from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """Onboarding plans and welcome packs; filled in by the onboarding issue."""

    name = "onboarding"
    verbose_name = _("Onboarding")
