"""The handoff rule's invariants (cases.assignment), checked over the whole database: the
stateful test (tests/cases/test_handoff_stateful.py) runs them after every step, the
demo test once after seed_demo. Each returns readable lines, empty when all hold."""

from datetime import date

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone

from cases.assignment import case_organisation_ids, user_sees_case
from cases.models import Case, FollowUp, Note
from cases.paging import case_list_for_paging
from cases.selectors import (
    case_can_take,
    case_list_visible,
    case_rows_for_screen,
    case_timeline_visible,
    case_triage_queue,
    get_case_for_user,
    my_followups_open,
    note_list_visible,
)
from contacts.models import Membership
from contacts.selectors import staff_access
from onboarding.models import PlanStep, TemplateStep
from onboarding.selectors import my_plan_steps_open


def _staff():
    return list(
        get_user_model().objects.filter(is_active=True, memberships__isnull=False).distinct()
    )


def handoff_violations(*, users=None, case_ids=None) -> list[str]:
    """`users`: the staff to check (default: every active member; pass the same objects
    each time to keep their cached access). `case_ids`: the cases whose detail, notes and
    timeline are opened for each of them (default: all); the list side covers all cases."""
    problems: list[str] = []
    users = _staff() if users is None else users
    by_pk = {user.pk: user for user in users}
    visible = {u.pk: set(case_list_visible(user=u).values_list("pk", flat=True)) for u in users}
    members: dict[int, set[int]] = {}
    for user_id, org_id in Membership.objects.values_list("user_id", "organisation_id"):
        members.setdefault(org_id, set()).add(user_id)
    followups_of: dict[int, set[int]] = {}
    steps_of: dict[int, set[int]] = {}

    def my_followups(who: int) -> set[int]:
        if who not in followups_of:
            followups_of[who] = set(my_followups_open(user=by_pk[who]).values_list("pk", flat=True))
        return followups_of[who]

    def my_steps(who: int) -> set[int]:
        if who not in steps_of:
            steps_of[who] = set(my_plan_steps_open(user=by_pk[who]).values_list("pk", flat=True))
        return steps_of[who]

    cases_by_pk: dict[int, Case] = {}

    def rests_on_the_rule(who: int, case_id: int) -> bool:
        """Whether the holder sees the case through their role, ownership, or an
        organisation responsible for or shared with it (shares follow the consent), not
        merely because they hold the work (case_list_visible counts that too)."""
        if case_id not in cases_by_pk:
            cases_by_pk[case_id] = Case.objects.get(pk=case_id)
        case = cases_by_pk[case_id]
        user = by_pk.get(who) or get_user_model().objects.get(pk=who)
        return user_sees_case(
            user=user, case=case, organisation_ids=case_organisation_ids(case=case)
        )

    # 1. Whoever holds open work can open the case through the organisation, share and
    # consent rule, and finds the work in "My work" while the case is open; a closed
    # case's open work rests, in nobody's "My work" (cases.selectors.case_work_rests).
    closed = set(Case.objects.filter(status=Case.Status.CLOSED).values_list("pk", flat=True))
    for followup in FollowUp.objects.filter(done_at=None):
        who = followup.assignee_id
        if followup.case_id not in visible.get(who, set()):
            problems.append(f"follow-up {followup.pk}: assignee {who} cannot open the case")
        if not rests_on_the_rule(who, followup.case_id):
            problems.append(
                f"follow-up {followup.pk}: assignee {who} sees case {followup.case_id} only "
                "because they hold it"
            )
        if who in by_pk and (followup.pk in my_followups(who)) == (followup.case_id in closed):
            problems.append(
                f"follow-up {followup.pk}: in My work of assignee {who} is "
                f"{followup.pk in my_followups(who)}, case closed is {followup.case_id in closed}"
            )
    steps = PlanStep.objects.filter(status=PlanStep.Status.OPEN, doer=TemplateStep.Doer.TEAM)
    for step in steps.select_related("plan"):
        case_id = step.plan.case_id
        if step.organisation_id is None and step.assignee_id is None:
            problems.append(f"step {step.pk}: open team step of case {case_id} held by nobody")
        holders = (
            {step.assignee_id}
            if step.assignee_id is not None
            else members.get(step.organisation_id, set())
        )
        for who in holders:
            if who not in by_pk:
                continue
            if case_id not in visible[who] or not rests_on_the_rule(who, case_id):
                problems.append(f"step {step.pk}: {who} holds it but cannot open case {case_id}")
            if (step.pk in my_steps(who)) == (case_id in closed):
                problems.append(
                    f"step {step.pk}: in My work of {who} is {step.pk in my_steps(who)}, "
                    f"case closed is {case_id in closed}"
                )

    # 1a. Every follow-up and plan step carries whether its case is closed (`rests`, which
    # the open-work queries read instead of the case: cases.selectors.case_work_rests).
    for model, path in ((FollowUp, "case__status"), (PlanStep, "plan__case__status")):
        for pk, rests, status in model.objects.values_list("pk", "rests", path):
            if rests != (status == Case.Status.CLOSED):
                problems.append(f"{model.__name__} {pk}: rests {rests} on a {status} case")

    # 2. Nobody is labelled with an organisation they do not belong to.
    for case in Case.objects.exclude(owner=None).exclude(responsible_organisation=None):
        if case.owner_id not in members.get(case.responsible_organisation_id, set()):
            problems.append(
                f"case {case.pk}: owner {case.owner_id} is not in organisation "
                f"{case.responsible_organisation_id}"
            )
    for step in PlanStep.objects.exclude(assignee=None).exclude(organisation=None):
        if step.status == PlanStep.Status.OPEN and step.assignee_id not in members.get(
            step.organisation_id, set()
        ):
            problems.append(
                f"step {step.pk}: assignee {step.assignee_id} is not in {step.organisation_id}"
            )

    # 3. List and detail agree for every persona; 4. no confidential note leaks; 5. "My
    # work" offers to take only what the user may take.
    confidential = set(
        Note.objects.filter(visibility=Note.Visibility.CONFIDENTIAL).values_list(
            "case_id", flat=True
        )
    )
    today = timezone.localdate()
    for user in users:
        orgs = staff_access(user).organisation_ids
        # The case list as its view builds it (no filter chosen), not only the selector.
        listed = set(case_rows_for_screen(user=user, today=today).values_list("pk", flat=True))
        if listed != visible[user.pk]:
            problems.append(f"case list and case_list_visible disagree for {user.pk}")
        # The lists' and the API's cases, read from the branches of the member's reach
        # when each is small (cases.paging.REACH_SMALL), else through the rule.
        paged = set(case_list_for_paging(user=user).values_list("pk", flat=True))
        if paged != visible[user.pk]:
            problems.append(
                f"case_list_for_paging gives {user.pk} {sorted(paged - visible[user.pk])} and"
                f" leaves out {sorted(visible[user.pk] - paged)}"
            )
        # 5. "My work" offers "Take this case" on each new enquiry it lists: the user may
        # take every one of them, and none they may take is left out.
        triage = set(case_triage_queue(user=user).values_list("pk", flat=True))
        unowned = Case.objects.filter(
            pk__in=visible[user.pk], status=Case.Status.NEW, owner=None
        ).only("owner_id", "responsible_organisation_id")
        takeable = {case.pk for case in unowned if case_can_take(user=user, case=case)}
        if triage != takeable:
            problems.append(
                f"My work of {user.pk} offers to take {sorted(triage - takeable)} and leaves"
                f" out {sorted(takeable - triage)}"
            )
        cases = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=case_ids)
        for case in cases:
            try:
                get_case_for_user(user=user, pk=case.pk)
                opened = True
            except Http404:
                opened = False
            if opened != (case.pk in listed):
                problems.append(f"case {case.pk}: list and detail disagree for {user.pk}")
            if not opened:
                continue
            if case.pk not in confidential:
                continue  # no confidential note to leak (saves two queries a persona)
            notes = note_list_visible(user=user, case=case).filter(
                visibility=Note.Visibility.CONFIDENTIAL
            )
            timeline_notes = case_timeline_visible(user=user, case=case).filter(
                note__visibility=Note.Visibility.CONFIDENTIAL
            )
            leaked = [n.pk for n in notes if n.organisation_id not in orgs] + [
                e.note_id for e in timeline_notes if e.note.organisation_id not in orgs
            ]
            if leaked:
                problems.append(f"case {case.pk}: confidential notes {leaked} shown to {user.pk}")
    return problems + next_followup_due_violations()


def next_followup_due_violations() -> list[str]:
    """Every case's kept next follow-up date (cases.followup_due) is the earliest due date
    of its open follow-ups, worked out here from the rows; none without one."""
    earliest: dict[int, date] = {}
    for case_id, due in FollowUp.objects.filter(done_at=None).values_list("case_id", "due_date"):
        earliest[case_id] = min(due, earliest.get(case_id, due))
    return [
        f"case {pk}: next follow-up due {kept}, its open follow-ups say {earliest.get(pk)}"
        for pk, kept in Case.objects.values_list("pk", "next_followup_due")
        if kept != earliest.get(pk)
    ]
