from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Backup, restore and verification (`manage.py backup`, `restore`, `backup_verify`)
    and the beat lock (`manage.py run_beat`). It has no models and imports no other app."""

    name = "operations"
    verbose_name = _("Operations")
