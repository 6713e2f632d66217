from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """Onboarding plans from templates, local offers and welcome packs, built on cases."""

    name = "onboarding"
    verbose_name = _("Onboarding")

    def ready(self) -> None:
        # What onboarding adds to the apps below it (docs/architecture.md).
        from cases.filters import case_list_filter_add
        from cases.registries import (
            CaseListColumn,
            CaseListFilter,
            CasePagePart,
            MyWorkPart,
            case_list_columns,
            case_page_parts,
            case_rest_hooks,
            case_work_holders,
            case_work_return_hooks,
            move_date_hooks,
            my_work_parts,
        )
        from cases.timeline import timeline_describers
        from config.personal_data import personal_data_units
        from onboarding import assignment, parts
        from onboarding.personal_data import OnboardingPersonalData
        from onboarding.timeline import OnboardingDescriber
        from outbox.kinds import email_kinds

        case_page_parts.register(
            "onboarding.plan",
            CasePagePart(
                slot="main",
                order=10,
                template="onboarding/_plan.html",
                context=parts.plan_part_context,
            ),
        )
        my_work_parts.register(
            "onboarding.steps",
            MyWorkPart(
                slot="after-followups",
                order=10,
                template="onboarding/_my_steps.html",
                context=parts.my_steps_part_context,
            ),
        )
        case_list_columns.register(
            "onboarding.progress",
            CaseListColumn(
                header=_("Plan"),
                template="onboarding/_progress.html",
                annotations=parts.progress_annotations,
            ),
        )
        case_list_filter_add(
            "steps_overdue",
            CaseListFilter(
                label=_("Only with overdue plan steps"),
                name=_("Overdue plan steps"),
                apply=parts.cases_with_overdue_steps,
            ),
        )
        move_date_hooks.register("onboarding.plans", parts.plans_follow_move_date)
        case_rest_hooks.register("onboarding.steps", assignment.steps_rest)
        case_work_holders.register("onboarding.steps", assignment.step_work_holders)
        case_work_return_hooks.register("onboarding.steps", assignment.steps_return)
        describer = OnboardingDescriber()
        for kind in describer.KINDS:
            timeline_describers.register(kind, describer)
        email_kinds.register("onboarding.welcome_pack", _("Welcome pack"))
        personal_data_units.register("onboarding", OnboardingPersonalData())
