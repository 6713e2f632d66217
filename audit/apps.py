from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The access log: who opened, exported or erased whose data. Every app writes to it,
    so it sits in the lowest layer and knows no other app: rows hold ids and codes only."""

    name = "audit"
    verbose_name = _("Access log")
