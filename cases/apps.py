from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Enquiries")

    def ready(self) -> None:
        # What cases adds to the apps below it (docs/architecture.md).
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from cases.models import Topic
        from cases.personal_data import CasesPersonalData, CasesSearchIndex
        from cases.search import sqlite_functions_add
        from cases.search_fts import fts_after_migrate
        from cases.timeline import CasesDescriber, timeline_describers
        from config.personal_data import personal_data_units
        from config.pickers import pickers_follow
        from outbox.kinds import email_kinds

        describer = CasesDescriber()
        for kind in describer.KINDS:
            timeline_describers.register(kind, describer)
        email_kinds.register("cases.intake_receipt", _("Receipt for the enquiry"))
        personal_data_units.register("cases", CasesPersonalData())
        personal_data_units.register("cases.search", CasesSearchIndex())
        # The search's name folding on SQLite (cases.search); PostgreSQL has it in SQL.
        connection_created.connect(sqlite_functions_add, dispatch_uid="cases.search.fold")
        # The FTS5 table's triggers again after every migrate (cases.search_fts), SQLite only.
        post_migrate.connect(fts_after_migrate, sender=self, dispatch_uid="cases.search_fts")
        # The topics that forms and filters offer (config.pickers).
        pickers_follow(Topic)
