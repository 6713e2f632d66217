from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """Onboarding plans, local offers and welcome packs."""

    name = "onboarding"
    verbose_name = _("Onboarding plans")
