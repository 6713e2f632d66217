from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    """Settling-in check-ins at 3, 6, 12 and 24 months, their answers, the unmet-needs list
    and the Outcomes figures (shown by reports). Layer 6, beside reminders."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "outcomes"
    verbose_name = _("Outcomes")

    def ready(self) -> None:
        # What outcomes adds to the apps below it (docs/architecture.md).
        from cases.registries import CasePagePart, case_page_parts
        from cases.timeline import timeline_describers
        from config.personal_data import personal_data_units
        from outbox.kinds import email_kinds
        from outcomes.parts import checkins_part_context
        from outcomes.personal_data import OutcomesPersonalData
        from outcomes.timeline import CheckInDescriber

        describer = CheckInDescriber()
        for kind in CheckInDescriber.KINDS:
            timeline_describers.register(kind, describer)
        case_page_parts.register(
            "outcomes.checkins",
            CasePagePart(
                slot="side",
                order=40,
                template="outcomes/_case_checkins.html",
                context=checkins_part_context,
            ),
        )
        personal_data_units.register("outcomes", OutcomesPersonalData())
        email_kinds.register("outcomes.checkin_invitation", _("Settling-in questionnaire"))
        email_kinds.register("outcomes.checkin_reminder", _("Settling-in questionnaire reminder"))
