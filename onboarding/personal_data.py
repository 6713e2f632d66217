"""A newcomer's data in onboarding (config.personal_data): plan steps and welcome packs."""

from django.core.files.storage import default_storage
from django.db import transaction

from config.personal_data import ERASED_EMAIL, ERASED_TEXT, Export, Subject, files_delete, iso
from config.texts import text_for
from onboarding.models import PlanStep, WelcomePack
from onboarding.services import step_titles_for


class OnboardingPersonalData:
    order = 30

    def export(self, subject: Subject) -> Export:
        export = Export(
            per_case={pk: {"plan_steps": [], "welcome_packs": []} for pk in subject.case_ids}
        )
        steps = PlanStep.objects.filter(plan__case_id__in=subject.case_ids).select_related("plan")
        for step in steps.order_by("due_date", "position", "pk"):
            export.per_case[step.plan.case_id]["plan_steps"].append(
                {
                    "title": step.title_en,
                    "title_nb": step.title_nb,
                    "guidance": step.guidance_en,
                    "guidance_nb": step.guidance_nb,
                    "titles": step.titles,
                    "guidances": step.guidances,
                    "source_url": step.source_url,
                    "due_date": iso(step.due_date),
                    "status": step.status,
                    "skip_reason": step.skip_reason,
                }
            )
        for pack in WelcomePack.objects.filter(case_id__in=subject.case_ids).order_by(
            "created_at", "pk"
        ):
            export.per_case[pack.case_id]["welcome_packs"].append(
                {
                    "language": pack.language,
                    "recipient": pack.recipient,
                    "status": pack.status,
                    "created_at": iso(pack.created_at),
                    "sent_at": iso(pack.queued_at),
                }
            )
        return export

    def erase(self, subject: Subject) -> None:
        steps = PlanStep.objects.filter(plan__case_id__in=subject.case_ids)
        # Skip reasons are staff's free text and may name the person; so may the title and
        # guidance of a step staff added by hand. A step from a template gets its texts
        # again from the template (a child's birth year at most), whatever it holds now.
        steps.exclude(skip_reason="").update(skip_reason=ERASED_TEXT)
        steps.filter(template_step=None).update(
            titles={},
            guidances={},
            title_nb=ERASED_TEXT,
            title_en=ERASED_TEXT,
            guidance_nb="",
            guidance_en="",
            source_url="",
        )
        from_template = steps.exclude(template_step=None).select_related("template_step", "member")
        for step in from_template:
            template = step.template_step
            if template is None:  # excluded above; the type cannot say so
                continue
            step.titles = step_titles_for(template, step.member)
            step.guidances = dict(template.guidances)
            step.title_nb, step.title_en = text_for(step.titles, "nb"), text_for(step.titles, "en")
            step.guidance_nb = text_for(template.guidances, "nb")
            step.guidance_en = text_for(template.guidances, "en")
            step.source_url = template.source_url
            step.save(
                update_fields=[
                    *("titles", "guidances", "title_nb", "title_en"),
                    *("guidance_nb", "guidance_en", "source_url"),
                ]
            )
        packs = WelcomePack.objects.filter(case_id__in=subject.case_ids)
        # The stored PDFs go once the masking has committed (a rollback keeps them).
        files = list(packs.exclude(file="").values_list("file", flat=True))
        transaction.on_commit(lambda: files_delete(default_storage, files))
        packs.filter(status=WelcomePack.Status.PENDING).update(status=WelcomePack.Status.SKIPPED)
        packs.update(recipient=ERASED_EMAIL, file="")
