from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("People and organisations")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_migrate

        from config.personal_data import personal_data_units
        from config.pickers import pickers_follow, pickers_forget_on_change
        from contacts.models import (
            HouseholdMember,
            Locality,
            Membership,
            Municipality,
            Newcomer,
            Organisation,
        )
        from contacts.occupation_tally import (
            occupation_tally_after_migrate,
            occupation_tally_fold_after_delete,
        )
        from contacts.personal_data import ContactsPersonalData

        personal_data_units.register("contacts", ContactsPersonalData())
        # The organisations, municipalities and staff that forms offer (config.pickers).
        pickers_follow(Organisation, Membership, Municipality, Locality)
        post_migrate.connect(
            pickers_forget_on_change, sender=self, dispatch_uid="config.pickers.migrate"
        )
        # The occupation tally (contacts.occupation_tally): its SQLite triggers back after
        # a migrate, its counts right after a flush, a deleted person's text folded away.
        post_migrate.connect(
            occupation_tally_after_migrate, sender=self, dispatch_uid="contacts.occupation_tally"
        )
        for model in (Newcomer, HouseholdMember):
            post_delete.connect(
                occupation_tally_fold_after_delete,
                sender=model,
                dispatch_uid=f"contacts.occupation_tally.{model.__name__}",
            )
