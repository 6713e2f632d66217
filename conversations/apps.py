from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    """E-mail conversations with the newcomer, threaded on the case: messages staff write
    (sent through the outbox) and replies read from the team's mailbox over IMAP."""

    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        # What conversations adds to the apps below it (docs/architecture.md).
        from cases.registries import CasePagePart, MyWorkPart, case_page_parts, my_work_parts
        from cases.timeline import timeline_describers
        from config.health import health_reports
        from config.personal_data import personal_data_units
        from conversations import parts, selectors
        from conversations.personal_data import ConversationsPersonalData
        from conversations.timeline import ConversationDescriber
        from outbox.kinds import email_kinds

        case_page_parts.register(
            "conversations.composer",
            CasePagePart(
                slot="main_after_followups",
                order=10,
                template="conversations/_composer.html",
                context=parts.composer_context,
            ),
        )
        my_work_parts.register(
            "conversations.mailbox",
            MyWorkPart(
                slot="top",
                order=10,
                template="conversations/_mailbox_notice.html",
                context=parts.mailbox_part_context,
            ),
        )
        health_reports.register("mailbox", lambda now: selectors.mailbox_health(now=now))
        describer = ConversationDescriber()
        for kind in describer.KINDS:
            timeline_describers.register(kind, describer)
        email_kinds.register("conversations.message", _("Message to the newcomer"))
        email_kinds.register("conversations.reply_notice", _("Notice of a new e-mail on the case"))
        personal_data_units.register("conversations", ConversationsPersonalData())
