from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Moving in from spreadsheets: newcomers and their cases from CSV and XLSX files,
    through the same services as the intake. Stores nothing of its own but the uploaded
    file, for the length of one import."""

    name = "imports"
    verbose_name = _("Spreadsheet import")

    def ready(self) -> None:
        # What the import adds to the apps below it (docs/architecture.md).
        from cases.registries import CasePagePart, case_page_parts
        from cases.timeline import SentenceDescriber
        from imports.parts import consent_part_context

        case_page_parts.register(
            "imports.consent",
            CasePagePart(
                slot="side",
                order=5,
                template="imports/_consent_to_confirm.html",
                context=consent_part_context,
            ),
        )
        SentenceDescriber(
            {
                "imports.case.imported": _("Imported from a spreadsheet; consent to be confirmed"),
                "imports.consent.confirmed": _("Imported consent confirmed"),
            }
        ).register()
