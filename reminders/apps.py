from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        # What reminders adds to the apps below it (docs/architecture.md).
        from cases.registries import case_page_decorators
        from cases.timeline import SentenceDescriber
        from outbox.kinds import email_kinds
        from reminders.selectors import case_page_last_reminded

        case_page_decorators.register("reminders.last_reminded", case_page_last_reminded)
        SentenceDescriber(
            {"reminders.response.breached": _("First-response target missed")}
        ).register()
        for kind, label in (
            ("reminders.followup_due", _("Follow-up due today")),
            ("reminders.followup_overdue", _("Follow-up overdue")),
            ("reminders.step_due", _("Plan step due today")),
            ("reminders.step_overdue", _("Plan step overdue")),
            ("reminders.response_warning", _("First response due soon")),
            ("reminders.response_breach", _("First response target missed")),
            ("reminders.newcomer_deadline", _("Deadline reminder to the newcomer")),
        ):
            email_kinds.register(kind, label)
