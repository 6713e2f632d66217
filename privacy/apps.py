from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The privacy notice, data requests, and the orchestration of every app's export and
    erasure (config.personal_data), on request and by retention."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # What privacy adds to the apps below it (docs/architecture.md).
        from cases.timeline import SentenceDescriber
        from config.personal_data import personal_data_units
        from privacy.personal_data import PrivacyPersonalData

        SentenceDescriber(
            {"contacts.newcomer.erased": _("Newcomer's personal data erased")}
        ).register()
        personal_data_units.register("privacy", PrivacyPersonalData())
