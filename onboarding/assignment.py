"""Who does a plan step (cases.assignment applied to onboarding): giving a step to an
organisation's queue or a person, and what goes back when they lose sight of the case."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.assignment import (
    case_organisation_ids,
    case_work_open_to,
    user_belongs_to,
    user_sees_case,
    user_work_organisation,
    work_return_person,
)
from cases.models import Case
from cases.services import case_event_record
from contacts.models import Organisation
from contacts.selectors import staff_display_name
from onboarding.models import PlanStep, TemplateStep


@transaction.atomic
def step_reassign(
    *,
    step: PlanStep,
    organisation: Organisation | None,
    assignee: User | None,
    actor: User,
) -> PlanStep:
    """Gives the step to an organisation's queue, or to a person (cases.assignment): a
    person without an organisation given works for the one they work on the case for; a
    person and an organisation must go together (rule 2). Whoever cannot see the case yet
    gets it shared with their organisation, or the change is refused (rule 1)."""
    case = step.plan.case
    if assignee is not None and organisation is None:
        organisation = user_work_organisation(case=case, user=assignee)
    if step.doer == TemplateStep.Doer.TEAM and organisation is None and assignee is None:
        raise ValidationError(
            {
                "organisation": _(
                    "A step for the team needs an organisation or a person: choose who does it."
                )
            }
        )
    if (
        assignee is not None
        and organisation is not None
        and not user_belongs_to(user=assignee, organisation_id=organisation.pk)
    ):
        raise ValidationError(
            {
                "assignee": _(
                    "%(person)s is not a member of %(organisation)s: choose someone from it, "
                    "or leave the step in its queue."
                )
                % {"person": staff_display_name(assignee), "organisation": organisation.name}
            }
        )
    case_work_open_to(case=case, actor=actor, field="organisation", organisation=organisation)
    case_work_open_to(case=case, actor=actor, field="assignee", user=assignee)
    if (step.organisation_id, step.assignee_id) == (
        organisation.pk if organisation else None,
        assignee.pk if assignee else None,
    ):
        return step
    step.organisation = organisation
    step.assignee = assignee
    step.save(update_fields=["organisation", "assignee"])
    case_event_record(
        case=case,
        kind="onboarding.step.reassigned",
        actor=actor,
        data={
            "step": step.pk,
            "organisation": organisation.pk if organisation else None,
            "assignee": assignee.pk if assignee else None,
        },
    )
    return step


def step_holder(*, case: Case, organisation: Organisation | None) -> User | None:
    """Who a new team step goes to: the owner when they are in its organisation, else its
    queue (None); with no organisation at all, whoever follow-ups go back to (a
    coordinator), so that the step is never held by nobody."""
    if organisation is None:
        return work_return_person(case=case)
    owner = case.owner
    if owner is not None and user_belongs_to(user=owner, organisation_id=organisation.pk):
        return owner
    return None


def step_work_holders(case: Case) -> list[tuple[int | None, int | None]]:
    """(organisation id, assignee id) of the case's open team steps
    (cases.registries.case_work_holders)."""
    return list(
        PlanStep.objects.filter(
            plan__case=case, status=PlanStep.Status.OPEN, doer=TemplateStep.Doer.TEAM
        ).values_list("organisation_id", "assignee_id")
    )


@transaction.atomic
def steps_return(case: Case, actor: User | None) -> int:
    """Open steps whose organisation or assignee no longer sees the case go back to the
    responsible organisation: its queue, or its owner when they are in it (rule 3 of
    cases.assignment; cases.registries.case_work_return_hooks). Returns how many moved."""
    ids = case_organisation_ids(case=case)
    organisation = case.responsible_organisation
    owner = case.owner
    moved = 0
    steps = PlanStep.objects.filter(plan__case=case, status=PlanStep.Status.OPEN)
    for step in steps.select_related("assignee"):
        organisation_ok = step.organisation_id is None or step.organisation_id in ids
        assignee_ok = step.assignee is None or (
            user_sees_case(user=step.assignee, case=case, organisation_ids=ids)
            and (
                step.organisation_id is None
                or user_belongs_to(user=step.assignee, organisation_id=step.organisation_id)
            )
        )
        if organisation_ok and assignee_ok:
            continue
        for_team = step.doer == TemplateStep.Doer.TEAM or step.assignee_id is not None
        step.organisation = organisation if step.organisation_id is not None or for_team else None
        step.assignee = (
            owner
            if for_team
            and owner is not None
            and (
                organisation is None or user_belongs_to(user=owner, organisation_id=organisation.pk)
            )
            else None
        )
        if for_team and step.organisation_id is None and step.assignee_id is None:
            # No responsible organisation to queue it in: like a follow-up, someone who
            # may hold it takes it (a coordinator), never nobody.
            step.assignee = work_return_person(case=case)
        step.save(update_fields=["organisation", "assignee"])
        case_event_record(
            case=case,
            kind="onboarding.step.reassigned",
            actor=actor,
            data={
                "step": step.pk,
                "organisation": step.organisation_id,
                "assignee": step.assignee_id,
                "returned": True,
            },
        )
        moved += 1
    return moved


def steps_rest(cases: QuerySet[Case], rests: bool) -> int:
    """The plan steps of `cases` rest, or no longer (cases.registries.case_rest_hooks)."""
    steps = PlanStep.objects.filter(plan__case__in=cases).exclude(rests=rests)
    return steps.update(rests=rests)
