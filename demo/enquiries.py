"""The demo's newcomers and enquiries, built from demo.plan through the services, as the
team's own work would: the newcomer, household and consents through contacts.services,
then case_open and the triage, shares, notes, follow-ups and status changes through
cases.services.

The services stamp timezone.now(); after each step its rows are moved back to the step's
planned moment with an UPDATE, so the history spreads over the last 18 months in the order
it happened. intake_submit is not used because it queues a receipt e-mail; the form
enquiries are built from the services it calls.
"""

import contextlib
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError

from cases.models import Case, CaseEvent, FollowUp, Note, Topic
from cases.services import (
    case_assign_owner,
    case_change_status,
    case_open,
    case_set_organisation,
    case_share,
    followup_add,
    followup_complete,
    note_add,
)
from contacts.models import Consent, Locality, Municipality, Newcomer, Organisation
from contacts.services import consent_record, household_add_members, newcomer_find_or_create
from demo.plan import CasePlan, NewcomerPlan, Step


def newcomers_build(
    *,
    plans: list[NewcomerPlan],
    started: datetime,
    users: dict[str, Any],
    orgs: dict[str, Organisation],
) -> tuple[list[Newcomer], int]:
    """Builds the planned newcomers not there yet (found by their demo address) with all
    their cases; a newcomer who exists is skipped together with all of their cases. Returns
    the new newcomers and how many cases they got. `started` is a moment before the first
    write: whatever the services stamp from then on is moved back to the plan's dates."""
    existing = set(
        Newcomer.objects.filter(email__in=[p.email for p in plans]).values_list("email", flat=True)
    )
    builder = Builder(started=started, users=users, orgs=orgs)
    # Oldest first, so each year's case references follow the dates.
    queue = sorted(
        (
            (c.opened_at, i, p)
            for p in plans
            if p.email not in existing
            for i, c in enumerate(p.cases)
        ),
        key=lambda item: item[0],
    )
    built: dict[str, Newcomer] = {}
    for _at, index, plan in queue:
        if index == 0:
            built[plan.email] = builder.newcomer(plan)
        builder.case(built[plan.email], plan.cases[index])
    return list(built.values()), len(queue)


class Builder:
    """Carries out a plan through the services, then moves what they stamped with
    timezone.now() back to the planned moments."""

    def __init__(self, *, started: datetime, users: dict[str, Any], orgs: dict[str, Organisation]):
        self.started = started  # whatever the services stamp is at or after this
        self.users = users
        self.orgs = orgs
        self.topics = {t.slug: t for t in Topic.objects.all()}
        self.places = {m.name: m for m in Municipality.objects.all()}
        self.localities = {
            (lo.municipality.name, lo.name): lo
            for lo in Locality.objects.select_related("municipality")
        }

    def newcomer(self, plan: NewcomerPlan) -> Newcomer:
        values = dict(plan.fields)
        municipality = values.pop("municipality")
        locality = values.pop("locality")
        newcomer, _created = newcomer_find_or_create(
            name=plan.name,
            email=plan.email,
            municipality=self.places.get(municipality),
            locality=self.localities.get((municipality, locality)),
            **values,
        )
        household_add_members(
            newcomer=newcomer,
            partner_name=plan.partner_name,
            has_partner=plan.has_partner,
            partner_occupation=str(values.get("partner_occupation", "")),
            children_birth_years=plan.children,
        )
        at = plan.cases[0].opened_at
        Newcomer.objects.filter(pk=newcomer.pk).update(created_at=at, updated_at=at)
        return newcomer

    def case(self, newcomer: Newcomer, plan: CasePlan) -> Case:
        consent_record(newcomer=newcomer, scopes=plan.scopes)
        Consent.objects.filter(newcomer=newcomer, given_at__gte=self.started).update(
            given_at=plan.opened_at
        )
        Newcomer.objects.filter(pk=newcomer.pk).update(consent_given_at=plan.opened_at)
        case = case_open(
            newcomer=newcomer,
            channel=plan.channel,
            message=plan.message,
            topics=[self.topics[s] for s in plan.topics if s in self.topics],
            priority=plan.priority,
            actor=self.users[plan.opened_by] if plan.opened_by else None,
            received_at=plan.opened_at,
        )
        self._backdate_events(case, plan.opened_at)
        followups: dict[int, FollowUp] = {}
        first_response = closed = None
        for step in plan.steps:
            responded = case.first_response_at is not None
            self._run(case, step, followups)
            self._backdate_events(case, step.at)
            if not responded and case.first_response_at is not None:
                first_response = step.at
            if case.status == Case.Status.CLOSED:
                closed = step.at
        Case.objects.filter(pk=case.pk).update(
            created_at=plan.opened_at, first_response_at=first_response, closed_at=closed
        )
        return case

    def _run(self, case: Case, step: Step, followups: dict[int, FollowUp]) -> None:
        actor, args = self.users[step.actor], step.args
        if step.action == "organisation":
            case_set_organisation(case=case, organisation=self.orgs[args["org"]], actor=actor)
        elif step.action == "owner":
            case_assign_owner(case=case, owner=self.users[args["user"]], actor=actor)
        elif step.action == "share":
            # Refused when no consent covers this kind of organisation: then not shared.
            with contextlib.suppress(ValidationError):
                case_share(case=case, organisation=self.orgs[args["org"]], actor=actor)
        elif step.action == "note":
            note = note_add(
                case=case, body=args["body"], visibility=args["visibility"], actor=actor
            )
            Note.objects.filter(pk=note.pk).update(created_at=step.at)
        elif step.action == "followup":
            followup = followup_add(
                case=case,
                title=args["title"],
                due_date=args["due"],
                assignee=self.users[args["assignee"]],
                actor=actor,
            )
            FollowUp.objects.filter(pk=followup.pk).update(created_at=step.at)
            followups[args["key"]] = followup
        elif step.action == "complete":
            followup_complete(followup=followups[args["key"]], actor=actor)
            FollowUp.objects.filter(pk=followups[args["key"]].pk).update(done_at=step.at)
        elif step.action == "status":
            case_change_status(
                case=case, status=args["status"], actor=actor, closing_reason=args.get("reason", "")
            )
        else:
            raise ValueError(step.action)

    def _backdate_events(self, case: Case, at: datetime) -> None:
        # Events already moved lie before `started`; only the step's own rows are newer.
        CaseEvent.objects.filter(case=case, created_at__gte=self.started).update(created_at=at)
