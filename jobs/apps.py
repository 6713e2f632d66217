from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Employers' recruitment needs, matching them with newcomers' and partners'
    occupations, and suggestions to employers. Layer 6, beside reminders and outcomes."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("Jobs")

    def ready(self) -> None:
        # What jobs adds to the apps below it (docs/architecture.md).
        from audit.history import history_track
        from cases.registries import CasePagePart, case_page_parts
        from cases.timeline import timeline_describers
        from config.personal_data import personal_data_units
        from jobs.models import RecruitmentNeed
        from jobs.parts import needs_part_context
        from jobs.personal_data import JobsPersonalData
        from jobs.timeline import SuggestionDescriber

        describer = SuggestionDescriber()
        for kind in SuggestionDescriber.KINDS:
            timeline_describers.register(kind, describer)
        case_page_parts.register(
            "jobs.needs",
            CasePagePart(
                slot="side",
                order=45,
                template="jobs/_case_needs.html",
                context=needs_part_context,
            ),
        )
        personal_data_units.register("jobs", JobsPersonalData())
        # A need is the employer's data, no newcomer's: its changes go on the history
        # (its suggestions are rows of their own, not fields of the need).
        history_track(RecruitmentNeed, exclude_fields=["suggestions"])
