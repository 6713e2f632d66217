from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The coordinators' dashboard, its CSV exports and the monthly PDF report. Read-only
    but for one table: which coordinator was e-mailed which month's report."""

    name = "reports"
    verbose_name = _("Reports")
