from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for trying Tilflytt locally (`manage.py seed_demo`). No models: the top
    layer, which builds its world through every other app's services."""

    name = "demo"
    verbose_name = _("Demo data")
