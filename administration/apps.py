from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationConfig(AppConfig):
    """Coordinators' screens for what the team keeps: organisations, people and their
    memberships, onboarding templates and steps, local offers and events, reply templates
    and topics. The screens call the owning apps' services; this app stores nothing.
    It also decides which models are on the change history (audit.history), and gives the
    third-party apps of the Django admin their Norwegian and English names."""

    name = "administration"
    verbose_name = _("Administration")

    def ready(self) -> None:
        from django.contrib.auth.models import User

        from administration.admin_names import admin_names_translate
        from audit.history import history_track
        from cases.models import Topic
        from contacts.models import Membership, Organisation
        from conversations.models import ReplyTemplate
        from onboarding.models import LocalOffer, OnboardingTemplate, TemplateStep

        # Only what coordinators administer, none of it a newcomer's data: the history
        # then never has to be erased with a newcomer. The older bokmål and English text
        # columns are copies of the texts, left out.
        history_track(Organisation)
        history_track(Membership, owner_field="user")
        history_track(
            User,
            include_fields=["first_name", "last_name", "email", "is_active", "is_superuser"],
        )
        history_track(OnboardingTemplate, exclude_fields=["name_nb", "name_en"])
        history_track(
            TemplateStep,
            owner_field="template",
            exclude_fields=["title_nb", "title_en", "guidance_nb", "guidance_en"],
        )
        history_track(LocalOffer, exclude_fields=["description_nb", "description_en"])
        history_track(ReplyTemplate, exclude_fields=["updated_at", "updated_by"])
        history_track(Topic)
        admin_names_translate()
