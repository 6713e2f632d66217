from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The newcomer's own page, reached by a personal link instead of a login: their plan,
    contacts, welcome pack and messages to the team. It combines the apps below it and
    stores nothing of its own."""

    name = "portal"
    verbose_name = _("Newcomer's page")

    def ready(self) -> None:
        # What the portal adds to the apps below it (docs/architecture.md).
        from cases.registries import CasePagePart, case_page_parts
        from cases.timeline import SentenceDescriber
        from outbox.kinds import email_kinds
        from portal.parts import link_part_context

        case_page_parts.register(
            "portal.link",
            CasePagePart(
                slot="side",
                order=10,
                template="portal/_newcomer_link.html",
                context=link_part_context,
            ),
        )
        SentenceDescriber(
            {
                "contacts.newcomer_link.issued": _("Personal link e-mailed to the newcomer"),
                "contacts.newcomer_link.requested": _(
                    "The newcomer asked for a new personal link; the old link works until "
                    "the new one is opened"
                ),
                "contacts.newcomer_link.revoked": _("Personal link revoked"),
            }
        ).register()
        email_kinds.register("contacts.newcomer_link", _("Link to the newcomer's own page"))
        email_kinds.register("contacts.newcomer_message", _("Notice of the newcomer's message"))
