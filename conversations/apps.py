from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    """E-mail conversations with the newcomer, threaded on the case: messages staff write
    (sent through the outbox) and replies read from the team's mailbox over IMAP."""

    name = "conversations"
    verbose_name = _("Conversations")
