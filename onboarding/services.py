"""Writes for onboarding plans and welcome packs. Each change is on the case's timeline."""

import logging
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.assignment import case_organisation_ids, case_work_open_to, user_belongs_to
from cases.models import Case
from cases.selectors import case_work_rests
from cases.services import case_event_record, case_lock
from config.texts import text_for
from contacts.models import CONSENT_SCOPE_FOR_KIND, HouseholdMember, Newcomer, Organisation
from contacts.selectors import consent_scopes_active
from onboarding.assignment import step_holder
from onboarding.models import (
    OnboardingPlan,
    OnboardingTemplate,
    PlanStep,
    TemplateStep,
    WelcomePack,
)
from onboarding.pdf import render_welcome_pack
from onboarding.selectors import Household, household_of
from outbox.services import email_queue

logger = logging.getLogger(__name__)

Anchor = TemplateStep.Anchor
Req = TemplateStep.Requirement

# A pack still pending this long after its task was published lost that task: a healthy
# worker builds a pack within seconds. welcome_pack_sweep takes this many packs a run.
PACK_REQUEUE_AFTER = timedelta(minutes=2)
PACK_SWEEP_BATCH = 200


def template_suggest(*, newcomer: Newcomer) -> OnboardingTemplate | None:
    """The active template made for the newcomer's target group, else the general one."""
    templates = list(OnboardingTemplate.objects.filter(is_active=True))
    for template in templates:
        if newcomer.target_group in template.target_groups:
            return template
    return next((t for t in templates if not t.target_groups), None)


def _requirement(rule: str, value: bool) -> bool:
    return rule == Req.ANY or (rule == Req.YES) == value


def _age_on(member: HouseholdMember, day: date) -> int:
    return day.year - (member.birth_year or day.year)


def _in_range(age: int, low: int | None, high: int | None) -> bool:
    return (low is None or age >= low) and (high is None or age <= high)


def step_members(
    step: TemplateStep, *, household: Household, plan: OnboardingPlan
) -> list[HouseholdMember | None]:
    """For whom a template step applies: [] when it does not, [None] for the household (or the
    contact person), or the household members it is repeated for."""
    newcomer = household.newcomer
    if step.target_groups and newcomer.target_group not in step.target_groups:
        return []
    if not _requirement(step.requires_from_abroad, plan.from_abroad):
        return []
    if not _requirement(step.requires_eu_eea, plan.eu_eea):
        return []
    if not _requirement(step.requires_nordic, plan.nordic):
        return []
    if not _requirement(step.requires_long_stay, plan.long_stay):
        return []
    if step.requires_car_import and not plan.importing_car:
        return []
    if step.requires_partner_job_seeking and not newcomer.partner_needs_work:
        return []
    if step.per_member == TemplateStep.PerMember.ADULT:
        return [None, *([household.partner] if household.partner else [])]
    if step.per_member == TemplateStep.PerMember.PARTNER:
        return [household.partner] if household.partner else []
    has_age_rule = step.child_age_min is not None or step.child_age_max is not None
    children = [
        child
        for child in household.children
        if _in_range(_age_on(child, plan.move_date), step.child_age_min, step.child_age_max)
    ]
    if step.per_member == TemplateStep.PerMember.CHILD:
        return list(children)
    if has_age_rule and not children:
        return []
    return [None]


def due_date_for(
    *,
    anchor: str,
    offset_days: int,
    move_date: date,
    start: date,
    fixed_month: int | None = None,
    fixed_day: int | None = None,
    child_age: int | None = None,
    member: HouseholdMember | None = None,
    dependency_due: date | None = None,
) -> date:
    """One rule for every due date; a move-date change reuses it for open steps."""
    if anchor == Anchor.FIXED_YEARLY and fixed_month and fixed_day:
        candidate = date(start.year, fixed_month, fixed_day)
        return candidate if candidate >= start else date(start.year + 1, fixed_month, fixed_day)
    if anchor == Anchor.AFTER_STEP and dependency_due is not None:
        return dependency_due + timedelta(days=offset_days)
    by_move = move_date + timedelta(days=offset_days)
    if anchor == Anchor.CHILD_AGE and member is not None and member.birth_year and child_age:
        reaches = date(member.birth_year + child_age, fixed_month or 1, fixed_day or 1)
        return max(reaches, by_move)
    return by_move


def _owner_for(
    step: TemplateStep, case: Case, candidates: list[Organisation], scopes: set[str]
) -> Organisation | None:
    """The organisation behind a step: the case's own organisation or one it is shared with
    (`candidates`), if of the step's kind; else an active organisation of that kind the
    newcomer's consent covers, when it is the only one. A team step with none of these stays
    with the case's responsible organisation; a newcomer's own step then has none."""
    if step.responsible_kind:
        for organisation in candidates:
            if organisation.kind == step.responsible_kind:
                return organisation
        if CONSENT_SCOPE_FOR_KIND.get(step.responsible_kind) in scopes:
            # Shared only when exactly one active organisation of the kind exists: with
            # several, choosing one is for a person (the step stays in the queue).
            found = list(
                Organisation.objects.filter(kind=step.responsible_kind, is_active=True)[:2]
            )
            if len(found) == 1:
                candidates.append(found[0])  # later steps of this kind reuse it
                return found[0]
    return case.responsible_organisation if step.doer == TemplateStep.Doer.TEAM else None


# The older bokmål and English columns of each text field, kept for the readers not moved
# to the texts yet (staff search, admin lists, benchmarks).
TEXT_COLUMNS = {
    "names": ("name_nb", "name_en"),
    "titles": ("title_nb", "title_en"),
    "guidances": ("guidance_nb", "guidance_en"),
    "descriptions": ("description_nb", "description_en"),
}


def texts_copy_to_columns(obj: Any) -> None:
    """Sets a template's, step's or offer's older columns from its texts (not saved)."""
    for field, (column_nb, column_en) in TEXT_COLUMNS.items():
        texts = getattr(obj, field, None)
        if texts is not None:
            setattr(obj, column_nb, text_for(texts, "nb"))
            setattr(obj, column_en, text_for(texts, "en"))


def step_titles_for(step: TemplateStep, member: HouseholdMember | None) -> dict[str, str]:
    """A plan step's titles, {language: title}, from its template step, for the member it
    is repeated for (the partner, a child by birth year) or the household (None). Each
    language's suffix is written in that language."""
    titles = dict(step.titles)
    if member is None:
        return titles
    result = {}
    for language, title in titles.items():
        with translation.override(language):
            if member.relation == HouseholdMember.Relation.PARTNER:
                result[language] = _("%(title)s (partner)") % {"title": title}
            else:
                result[language] = _("%(title)s (child born %(year)s)") % {
                    "title": title,
                    "year": member.birth_year,
                }
    return result


@transaction.atomic
def plan_start(
    *,
    case: Case,
    template: OnboardingTemplate,
    move_date: date,
    from_abroad: bool,
    eu_eea: bool,
    long_stay: bool,
    importing_car: bool,
    actor: User,
    nordic: bool = False,
) -> OnboardingPlan:
    """Creates the plan and the steps that apply to this household, with owners and dates.

    Steps are created in the template's order, but one that waits for another is created
    after it, so its due date can follow the step it waits for.

    The case's row is locked first: two starts at once (a double click) run one after the
    other, and the second finds the plan and is refused, instead of both passing the check
    and one failing on the database's one-plan-per-case rule."""
    case_lock(case=case)
    if OnboardingPlan.objects.filter(case=case).exists():
        raise ValidationError({"template": _("This case already has an onboarding plan.")})
    plan = OnboardingPlan(
        case=case,
        template=template,
        move_date=move_date,
        from_abroad=from_abroad,
        eu_eea=eu_eea or nordic,
        nordic=nordic,
        long_stay=long_stay,
        importing_car=importing_car,
        started_by=actor,
    )
    plan.full_clean()
    plan.save()
    household = household_of(case.newcomer)
    scopes = consent_scopes_active(newcomer=case.newcomer)
    start = timezone.localdate()
    candidates = [
        org for org in (case.responsible_organisation, *case.shared_with.all()) if org is not None
    ]
    opened = case_organisation_ids(case=case)
    pending = list(template.steps.all())
    created: dict[tuple[int, int | None], PlanStep] = {}
    skipped_ids: set[int] = set()
    while pending:
        progressed = False
        for step in list(pending):
            waits_for = step.depends_on_id
            if (
                waits_for
                and waits_for not in skipped_ids
                and not any(key[0] == waits_for for key in created)
            ):
                continue  # its dependency has not been handled yet
            pending.remove(step)
            progressed = True
            members = step_members(step, household=household, plan=plan)
            if not members:
                skipped_ids.add(step.pk)
                continue
            for member in members:
                dependency = None
                if waits_for:
                    member_key = member.pk if member else None
                    dependency = created.get((waits_for, member_key)) or created.get(
                        (waits_for, None)
                    )
                titles = step_titles_for(step, member)
                organisation = _owner_for(step, case, candidates, scopes)
                if organisation is not None and organisation.pk not in opened:
                    # A step for an organisation that cannot see the case yet shares the
                    # case with it (cases.assignment, rule 1; _owner_for only picks one the
                    # consent covers).
                    case_work_open_to(
                        case=case, actor=actor, field="template", organisation=organisation
                    )
                    opened.add(organisation.pk)
                anchor = (
                    step.anchor
                    if dependency or step.anchor != Anchor.AFTER_STEP
                    else Anchor.MOVE_DATE
                )
                plan_step = PlanStep(
                    plan=plan,
                    template_step=step,
                    member=member,
                    position=step.position,
                    titles=titles,
                    guidances=dict(step.guidances),
                    # The older columns, for the readers not moved to the texts yet.
                    title_nb=text_for(titles, "nb"),
                    title_en=text_for(titles, "en"),
                    guidance_nb=text_for(step.guidances, "nb"),
                    guidance_en=text_for(step.guidances, "en"),
                    source_url=text_for(step.source_urls, "en") or step.source_url,
                    doer=step.doer,
                    organisation=organisation,
                    # Rule 2: the owner only for a step of an organisation they belong
                    # to, else its queue; never nobody (onboarding.assignment).
                    assignee=step_holder(case=case, organisation=organisation)
                    if step.doer == TemplateStep.Doer.TEAM
                    else None,
                    anchor=anchor,
                    offset_days=step.offset_days,
                    depends_on=dependency,
                    rests=case_work_rests(case=case),
                    due_date=due_date_for(
                        anchor=anchor,
                        offset_days=step.offset_days,
                        move_date=move_date,
                        start=start,
                        fixed_month=step.fixed_month,
                        fixed_day=step.fixed_day,
                        child_age=step.child_age,
                        member=member,
                        dependency_due=dependency.due_date if dependency else None,
                    ),
                )
                plan_step.save()
                created[(step.pk, member.pk if member else None)] = plan_step
        if not progressed:  # a dependency cycle in the template: refuse rather than loop
            raise ValidationError(
                {
                    "template": _(
                        "The template's steps wait for each other in a loop, so no plan "
                        "can be made."
                    )
                }
            )
    case_event_record(
        case=case,
        kind="onboarding.plan.started",
        actor=actor,
        data={"plan": plan.pk, "template": template.pk, "steps": len(created)},
    )
    return plan


@transaction.atomic
def plan_reschedule(*, plan: OnboardingPlan, move_date: date, actor: User | None) -> int:
    """Moves the open steps with the new move date; done and skipped steps keep their dates.
    Returns how many steps moved."""
    if move_date == plan.move_date:
        return 0
    old = plan.move_date
    plan.move_date = move_date
    plan.save(update_fields=["move_date"])
    start = timezone.localdate()
    moved = 0
    # Dependencies first (by due date), so a waiting step follows the step it waits for.
    steps = list(plan.steps.select_related("template_step", "member", "depends_on"))
    by_pk = {s.pk: s for s in steps}
    for step in sorted(steps, key=lambda s: (s.depends_on_id is not None, s.due_date)):
        if step.status != PlanStep.Status.OPEN:
            continue
        template_step = step.template_step
        dependency = by_pk.get(step.depends_on_id) if step.depends_on_id else None
        new_due = due_date_for(
            anchor=step.anchor,
            offset_days=step.offset_days,
            move_date=move_date,
            start=start,
            fixed_month=template_step.fixed_month if template_step else None,
            fixed_day=template_step.fixed_day if template_step else None,
            child_age=template_step.child_age if template_step else None,
            member=step.member,
            dependency_due=dependency.due_date if dependency else None,
        )
        if step.anchor == Anchor.FIXED_YEARLY:
            continue  # a yearly deadline does not move with the family
        if new_due != step.due_date:
            step.due_date = new_due
            step.save(update_fields=["due_date"])
            moved += 1
    case_event_record(
        case=plan.case,
        kind="onboarding.plan.rescheduled",
        actor=actor,
        data={"from": old.isoformat(), "to": move_date.isoformat(), "moved": moved},
    )
    return moved


def _close_step(step: PlanStep, *, status: str, actor: User | None, reason: str = "") -> bool:
    """Claims the open step (once) and records it; False when it was not open."""
    now = timezone.now()
    claimed = PlanStep.objects.filter(pk=step.pk, status=PlanStep.Status.OPEN).update(
        status=status, done_at=now, done_by=actor, skip_reason=reason
    )
    step.refresh_from_db()
    return bool(claimed)


@transaction.atomic
def step_complete(*, step: PlanStep, actor: User | None, by_newcomer: bool = False) -> PlanStep:
    depends_on = step.depends_on
    if depends_on is not None and depends_on.status == PlanStep.Status.OPEN:
        raise ValidationError(
            {"step": _("This step waits for “%(title)s”.") % {"title": depends_on.title}}
        )
    if _close_step(step, status=PlanStep.Status.DONE, actor=actor):
        data = {"step": step.pk}
        if by_newcomer:
            data["by_newcomer"] = True
        case_event_record(
            case=step.plan.case, kind="onboarding.step.completed", actor=actor, data=data
        )
    return step


@transaction.atomic
def step_skip(*, step: PlanStep, reason: str, actor: User) -> PlanStep:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the step is skipped.")})
    if _close_step(step, status=PlanStep.Status.SKIPPED, actor=actor, reason=reason):
        case_event_record(
            case=step.plan.case, kind="onboarding.step.skipped", actor=actor, data={"step": step.pk}
        )
    return step


@transaction.atomic
def step_reopen(*, step: PlanStep, actor: User | None, by_newcomer: bool = False) -> PlanStep:
    updated = (
        PlanStep.objects.filter(pk=step.pk)
        .exclude(status=PlanStep.Status.OPEN)
        .update(status=PlanStep.Status.OPEN, done_at=None, done_by=None, skip_reason="")
    )
    step.refresh_from_db()
    if updated:
        data: dict[str, int | bool] = {"step": step.pk}
        if by_newcomer:
            data["by_newcomer"] = True
        case_event_record(
            case=step.plan.case, kind="onboarding.step.reopened", actor=actor, data=data
        )
    return step


@transaction.atomic
def step_add(
    *,
    plan: OnboardingPlan,
    title: str,
    due_date: date,
    doer: str,
    actor: User,
    guidance: str = "",
) -> PlanStep:
    """A step of the team's own, beyond the template; the same text serves every language
    (stored under the staff member's language; the fallback rule shows it to all)."""
    # Locked and read again, so the step rests exactly when the case is closed (as
    # cases.services.followup_add).
    case_lock(case=plan.case)
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    # The responsible organisation's step: the actor's when they are in it (or it has
    # none), else its owner's when they are, else its queue (cases.assignment, rule 2).
    organisation = plan.case.responsible_organisation
    owner = plan.case.owner
    assignee = None
    if organisation is None or user_belongs_to(user=actor, organisation_id=organisation.pk):
        assignee = actor
    elif owner is not None and user_belongs_to(user=owner, organisation_id=organisation.pk):
        assignee = owner
    step = PlanStep(
        plan=plan,
        titles={language: title.strip()},
        guidances={language: guidance.strip()} if guidance.strip() else {},
        title_nb=title.strip(),
        title_en=title.strip(),
        guidance_nb=guidance.strip(),
        guidance_en=guidance.strip(),
        doer=doer,
        organisation=organisation if doer == TemplateStep.Doer.TEAM else None,
        assignee=assignee if doer == TemplateStep.Doer.TEAM else None,
        anchor=Anchor.MOVE_DATE,
        offset_days=(due_date - plan.move_date).days,
        due_date=due_date,
        position=999,
        rests=case_work_rests(case=plan.case),
    )
    step.full_clean()
    step.save()
    case_event_record(
        case=plan.case, kind="onboarding.step.added", actor=actor, data={"step": step.pk}
    )
    return step


@transaction.atomic
def welcome_pack_request(*, case: Case, actor: User) -> WelcomePack:
    """Records the request and builds and sends the pack in the background after commit
    (onboarding.tasks.welcome_pack_send calls welcome_pack_deliver)."""
    newcomer = case.newcomer
    if not newcomer.email:
        raise ValidationError({"recipient": _("The newcomer has no e-mail address.")})
    pack = WelcomePack.objects.create(
        case=case,
        language=newcomer.preferred_language,
        recipient=newcomer.email,
        created_by=actor,
    )
    _pack_enqueue_on_commit(pack.pk)
    return pack


def _pack_enqueue_on_commit(pack_id: int) -> None:
    """welcome_pack_send(pack_id) once the current transaction commits. A broker that is
    down (or, without one, a build that breaks in-process) must not turn the committed
    request into an error page: the pack stays pending, shows so on the case page, and
    welcome_pack_sweep publishes it again."""
    from onboarding.tasks import welcome_pack_send

    def enqueue() -> None:
        try:
            welcome_pack_send.delay(pack_id)
        except Exception:
            logger.exception("onboarding: welcome pack %s not queued now; the sweep will", pack_id)

    transaction.on_commit(enqueue)


def welcome_pack_sweep(*, dry_run: bool = False) -> list[int]:
    """Publishes again the task of every pack still pending PACK_REQUEUE_AFTER after its task
    was last published: the message was lost (a broker flush or outage) or its build failed.
    Runs every minute as onboarding.tasks.welcome_pack_sweep_task, and by hand as
    `manage.py send_welcome_packs [--dry-run]`. Returns the packs queued again.

    Safe beside the builder and another sweep: each pack is taken with a conditional UPDATE
    of enqueued_at, so two sweeps do not both publish it, and welcome_pack_deliver locks the
    pack and does nothing unless it is still pending, so an extra message is harmless.
    """
    now = timezone.now()
    due = WelcomePack.objects.filter(
        status=WelcomePack.Status.PENDING, enqueued_at__lte=now - PACK_REQUEUE_AFTER
    ).order_by("enqueued_at")
    found = list(due.values_list("pk", "enqueued_at")[:PACK_SWEEP_BATCH])
    if dry_run:
        return [pk for pk, _enqueued in found]
    taken = []
    for pack_id, enqueued_at in found:
        if WelcomePack.objects.filter(
            pk=pack_id, status=WelcomePack.Status.PENDING, enqueued_at=enqueued_at
        ).update(enqueued_at=now):
            taken.append(pack_id)
            _pack_enqueue_on_commit(pack_id)
    if taken:
        logger.info("onboarding: %s welcome packs queued again", len(taken))
    return taken


@transaction.atomic
def welcome_pack_deliver(*, pack_id: int) -> bool:
    """Builds the PDF, stores it and queues the e-mail, once.

    1. Lock the pack row: a redelivered task waits here and then finds it done.
    2. A pack no longer pending (queued or skipped) is left alone: idempotent.
    3. A newcomer erased or without e-mail since the request gets no pack (skipped).
    4. Render, store, queue the e-mail with the PDF attached, mark queued: all in this
       transaction, so a crash leaves the pack pending for the next try.
    """
    pack = (
        WelcomePack.objects.select_for_update()
        .select_related("case__newcomer")
        .filter(pk=pack_id)
        .first()
    )
    if pack is None or pack.status != WelcomePack.Status.PENDING:
        return False
    newcomer = pack.case.newcomer
    if not newcomer.email:
        pack.status = WelcomePack.Status.SKIPPED
        pack.save(update_fields=["status"])
        return False
    content = render_welcome_pack(case=pack.case, language=pack.language)
    pack.file.save(
        f"welcome-pack-{pack.case.reference}-{pack.pk}.pdf", ContentFile(content), save=False
    )
    email_queue(
        kind="onboarding.welcome_pack",
        to=pack.recipient,
        template="welcome_pack",
        language=pack.language,
        context={"case": pack.case, "newcomer": newcomer},
        case_id=pack.case_id,
        attachments=[
            {
                "filename": "velkomstpakke.pdf" if pack.language == "nb" else "welcome-pack.pdf",
                "mimetype": "application/pdf",
                "path": pack.file.name or "",  # named by file.save() above
            }
        ],
    )
    pack.status = WelcomePack.Status.QUEUED
    pack.queued_at = timezone.now()
    pack.save(update_fields=["file", "status", "queued_at"])
    case_event_record(
        case=pack.case,
        kind="onboarding.welcome_pack.sent",
        actor=pack.created_by,
        data={"pack": pack.pk, "language": pack.language},
    )
    return True
