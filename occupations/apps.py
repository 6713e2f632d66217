from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OccupationsConfig(AppConfig):
    """The occupation classification (ISCO-08 and its Norwegian version STYRK-08): reference
    data every app may code against. It holds no personal data and knows no other app."""

    name = "occupations"
    verbose_name = _("Occupations")
