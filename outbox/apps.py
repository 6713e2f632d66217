from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Every outgoing e-mail: a row first, then a task that sends it once."""

    name = "outbox"
    verbose_name = _("E-mail outbox")

    def ready(self) -> None:
        from config.personal_data import personal_data_units
        from outbox import checks  # noqa: F401  (registers the system checks)
        from outbox.personal_data import OutboxPersonalData

        personal_data_units.register("outbox", OutboxPersonalData())
