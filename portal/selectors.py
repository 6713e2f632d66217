"""Reads for the newcomer's own page. Every read starts from the newcomer a link resolved to,
so another newcomer's data cannot be reached by changing an id."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case as Conditional
from django.db.models import Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404

from cases.models import Case, NewcomerMessage
from contacts.models import Consent, HouseholdMember, Newcomer, Organisation
from contacts.selectors import staff_display_name
from conversations.models import CaseMessage
from conversations.selectors import message_list_for_newcomer
from onboarding.models import LocalOffer, OnboardingPlan, PlanStep, TemplateStep
from onboarding.selectors import steps_for_newcomer

# The page shows this many of the newest messages both ways, oldest of them first.
CONVERSATION_LENGTH = 30
NEXT_DATES = 3


@dataclass
class PortalOverview:
    newcomer: Newcomer
    case: Case | None
    household: list[HouseholdMember]
    my_steps: list[PlanStep] = field(default_factory=list)  # theirs, still to do
    team_steps: list[PlanStep] = field(default_factory=list)  # the team's, still to do
    done_steps: list[PlanStep] = field(default_factory=list)
    consents: list[Consent] = field(default_factory=list)
    organisation: Organisation | None = None
    owner_name: str = ""
    move_date: object = None
    # The other organisations doing steps for them, each once, for "who helps you".
    helpers: list[Organisation] = field(default_factory=list)


def portal_case(*, newcomer: Newcomer) -> Case | None:
    """The case the page is about: the newest with an onboarding plan, else the newest still
    open, else the newest. Messages from the page go to it."""
    has_plan = Exists(OnboardingPlan.objects.filter(case_id=OuterRef("pk")))
    return (
        Case.objects.filter(newcomer=newcomer)
        .select_related("owner", "responsible_organisation")
        .annotate(
            has_plan=has_plan,
            is_open=Conditional(
                When(~Q(status=Case.Status.CLOSED), then=Value(1)), default=Value(0)
            ),
        )
        .order_by("-has_plan", "-is_open", "-created_at", "-pk")
        .first()
    )


def portal_steps(*, newcomer: Newcomer) -> QuerySet[PlanStep]:
    """The steps of every plan on the newcomer's cases, skipped ones left out (a skip reason
    is the team's own business), and the open steps of closed cases, whose work rests
    (cases.selectors.case_work_rests): nobody is doing them, and no date of theirs is coming
    up."""
    steps = PlanStep.objects.filter(plan__case__newcomer=newcomer).exclude(
        status=PlanStep.Status.SKIPPED
    )
    return (
        steps_for_newcomer(steps)
        .select_related("organisation", "depends_on", "member", "template_step")
        .order_by("due_date", "position", "pk")
    )


def portal_overview(*, newcomer: Newcomer) -> PortalOverview:
    case = portal_case(newcomer=newcomer)
    overview = PortalOverview(
        newcomer=newcomer, case=case, household=list(newcomer.household.all())
    )
    for step in portal_steps(newcomer=newcomer):
        if step.status == PlanStep.Status.DONE:
            overview.done_steps.append(step)
        elif step.doer == TemplateStep.Doer.NEWCOMER:
            overview.my_steps.append(step)
        else:
            overview.team_steps.append(step)
            if step.organisation and step.organisation not in overview.helpers:
                overview.helpers.append(step.organisation)
    overview.consents = list(newcomer.consents.filter(withdrawn_at=None).order_by("scope"))
    if case is not None:
        overview.organisation = case.responsible_organisation
        if overview.organisation in overview.helpers:
            overview.helpers.remove(overview.organisation)
        if case.owner is not None:
            overview.owner_name = staff_display_name(case.owner)
        plan = OnboardingPlan.objects.filter(case=case).first()
        overview.move_date = plan.move_date if plan else None
    return overview


@dataclass(frozen=True)
class ConversationEntry:
    """One message on the newcomer's page: `from_team` or theirs, `by_email` or from the
    page, and when it was sent."""

    at: datetime
    body: str
    from_team: bool
    by_email: bool


def portal_conversation(*, newcomer: Newcomer) -> list[ConversationEntry]:
    """The conversation with the team, oldest first: what they wrote from this page and by
    e-mail, and the team's e-mails actually sent to them. Internal notes, e-mails still
    queued or failed, and mail from other senders are not part of it. Two queries."""
    entries = [
        ConversationEntry(at=m.created_at, body=m.body, from_team=False, by_email=False)
        for m in NewcomerMessage.objects.filter(case__newcomer=newcomer)
        .only("body", "created_at")
        .order_by("-created_at", "-pk")[:CONVERSATION_LENGTH]
    ]
    for message in message_list_for_newcomer(newcomer_id=newcomer.pk, limit=CONVERSATION_LENGTH):
        outgoing = message.direction == CaseMessage.Direction.OUTGOING
        sent = message.email.sent_at if outgoing and message.email else None
        entries.append(
            ConversationEntry(
                at=sent or message.created_at,
                body=message.body,
                from_team=outgoing,
                by_email=True,
            )
        )
    entries.sort(key=lambda entry: entry.at)
    return entries[-CONVERSATION_LENGTH:]


@dataclass(frozen=True)
class DateEntry:
    day: date
    title: str
    kind: str  # "step" (theirs), "team" (the team's step) or "offer"


def portal_next_dates(
    *, overview: PortalOverview, offers: list[LocalOffer], today: date
) -> list[DateEntry]:
    """The next three dates from today on: the due dates of open steps (theirs and the
    team's) and the dates of the offers that suit them (offers_for_newcomer's
    `upcoming_dates`), soonest first. No query of its own."""
    entries = [
        DateEntry(day=step.due_date, title=step.title, kind="step")
        for step in overview.my_steps
        if step.due_date >= today
    ]
    entries += [
        DateEntry(day=step.due_date, title=step.title, kind="team")
        for step in overview.team_steps
        if step.due_date >= today
    ]
    entries += [
        DateEntry(day=when.date, title=offer.name, kind="offer")
        for offer in offers
        for when in getattr(offer, "upcoming_dates", [])
        if when.date >= today
    ]
    return sorted(entries, key=lambda entry: entry.day)[:NEXT_DATES]


def portal_step_for_newcomer(*, newcomer: Newcomer, pk: int) -> PlanStep:
    """One of the newcomer's own steps (doer: the newcomer) on one of their plans; any other
    step, another newcomer's included, is a 404."""
    try:
        return PlanStep.objects.select_related("plan__case", "depends_on").get(
            pk=pk, plan__case__newcomer=newcomer, doer=TemplateStep.Doer.NEWCOMER
        )
    except (PlanStep.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
