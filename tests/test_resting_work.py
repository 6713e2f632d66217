"""A closed case's open work rests (cases.selectors.case_work_rests), as every screen shows it:
"My work", the case list's "Overdue" marks and filters, the API's `has_overdue`, the
dashboard's overdue figures and the case page. Reopening the case brings it all back.
The reminders' side: tests/reminders/test_resting_work.py; over random actions:
tests/test_resting_work_stateful.py."""

from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from cases.models import Case, FollowUp
from cases.selectors import case_overdue_q
from cases.services import case_change_status, followup_add
from onboarding.models import OnboardingPlan, PlanStep, TemplateStep
from onboarding.pdf import render_welcome_pack
from onboarding.services import step_add
from tests import factories as f
from tests import pages
from tests.handoff import next_followup_due_violations
from tests.reminders.conftest import make_step


@pytest.fixture
def overdue(world):
    """Two cases of the owner's, each with an overdue follow-up and an overdue plan step;
    the first then closed."""
    yesterday = timezone.localdate() - timedelta(days=1)
    closed = world.case
    still_open = f.make_case(newcomer=world.newcomer, organisation=world.kommune, owner=world.owner)
    for case, name in ((closed, "closed"), (still_open, "open")):
        f.make_followup(case=case, assignee=world.owner, due_date=yesterday, title=f"Call {name}")
        make_step(case=case, due_date=yesterday, assignee=world.owner, title=f"Step {name}")
    case_change_status(
        case=closed, status=Case.Status.CLOSED, closing_reason="answered", actor=world.owner
    )
    world.closed, world.still_open = closed, still_open
    return world


def en(name, *args, query=""):
    with translation.override("en"):
        return reverse(name, args=args) + (f"?{query}" if query else "")


def test_my_work_leaves_out_a_closed_case_work_until_it_is_reopened(overdue, login):
    client = login(overdue.owner)
    page = client.get(en("cases:mine")).content.decode()
    assert "Call open" in page and "Step open" in page
    assert "Call closed" not in page and "Step closed" not in page
    case_change_status(case=overdue.closed, status=Case.Status.OPEN, actor=overdue.owner)
    page = client.get(en("cases:mine")).content.decode()
    assert "Call closed" in page and "Step closed" in page


def test_case_list_marks_and_filters_no_closed_case_as_overdue(overdue, login):
    client = login(overdue.coordinator)
    for flag in ("overdue", "steps_overdue"):
        listed = pages.case_list_ids(client.get(en("cases:list", query=f"{flag}=true")))
        assert listed == [overdue.still_open.pk], flag
    rows = pages.case_list_rows(client.get(en("cases:list")))
    assert {row.pk: row.overdue for row in rows} == {
        overdue.closed.pk: False,
        overdue.still_open.pk: True,
    }


def test_api_calls_nothing_of_a_closed_case_overdue(overdue, client):
    client.force_login(overdue.coordinator)
    body = client.get(reverse("api:cases-list")).json()
    flags = {row["id"]: row["has_overdue"] for row in body["results"]}
    assert flags == {overdue.closed.pk: False, overdue.still_open.pk: True}
    for case, late in ((overdue.closed, False), (overdue.still_open, True)):
        plan = client.get(reverse("api:plans-detail", args=[case.pk])).json()
        assert [step["is_overdue"] for step in plan["steps"]] == [late]


def test_dashboard_counts_what_its_links_list(overdue, login):
    """The overdue figures leave the closed case out, and each figure's link lists the
    cases it counts."""
    client = login(overdue.coordinator)
    response = client.get(en("reports:dashboard", query="period=last_month"))
    data = response.context["data"]
    assert (data.overdue.followups, data.overdue.cases) == (1, 1)
    assert (data.onboarding.overdue_steps, data.onboarding.overdue_cases) == (1, 1)
    for url in (response.context["overdue_url"], response.context["steps_overdue_url"]):
        assert pages.case_list_ids(client.get(url)) == [overdue.still_open.pk]


def test_case_page_says_the_work_rests_and_marks_nothing_overdue(overdue, login):
    client = login(overdue.owner)
    closed = client.get(en("cases:detail", overdue.closed.pk)).content.decode()
    assert "This case is closed. Its open follow-ups and plan steps rest" in closed
    assert 'class="badge overdue"' not in closed and "is-overdue" not in closed
    still_open = client.get(en("cases:detail", overdue.still_open.pk)).content.decode()
    assert "This case is closed" not in still_open
    assert still_open.count('<span class="badge overdue">Overdue</span>') == 2


def test_work_added_through_a_case_read_before_it_closed_rests(world):
    """The page read the case open; it closed before the follow-up or step was saved. The
    services lock and read the case again, so the new work rests with the others."""
    plan = f.make_plan(case=world.case, actor=world.coordinator)
    stale_case = Case.objects.get(pk=world.case.pk)
    stale_plan = OnboardingPlan.objects.select_related("case").get(pk=plan.pk)
    case_change_status(
        case=world.case, status=Case.Status.CLOSED, closing_reason="answered", actor=world.owner
    )
    followup = followup_add(
        case=stale_case,
        title="Call back",
        assignee=world.owner,
        due_date=timezone.localdate(),
        actor=world.coordinator,
    )
    step = step_add(
        plan=stale_plan,
        title="Visit",
        due_date=timezone.localdate(),
        doer=TemplateStep.Doer.TEAM,
        actor=world.coordinator,
    )
    assert (followup.rests, step.rests) == (True, True)


def test_welcome_pack_leaves_out_a_closed_case_open_steps(overdue):
    """The pack the newcomer downloads from their page prints the plan as their page shows
    it: no resting step as to do."""

    def printed(case) -> str:
        content = render_welcome_pack(case=case, language="en")
        return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)

    assert "Step closed" not in printed(overdue.closed)
    assert "Step open" in printed(overdue.still_open)
    case_change_status(case=overdue.closed, status=Case.Status.OPEN, actor=overdue.owner)
    assert "Step closed" in printed(overdue.closed)


def test_sync_resting_work_sets_right_what_was_written_around_the_services(overdue):
    """As the previous release's code would leave it while an upgrade rolls out: a case
    closed and one reopened without `rests` following."""
    Case.objects.filter(pk=overdue.still_open.pk).update(
        status=Case.Status.CLOSED, closing_reason="answered", closed_at=timezone.now()
    )
    Case.objects.filter(pk=overdue.closed.pk).update(
        status=Case.Status.OPEN, closing_reason="", closed_at=None
    )
    out = StringIO()
    call_command("sync_resting_work", stdout=out)
    assert out.getvalue().splitlines()[0] == "Set 4 follow-ups and plan steps right."
    for model, path in ((FollowUp, "case__status"), (PlanStep, "plan__case__status")):
        flags = model.objects.values_list("rests", path)
        assert all(rests == (status == Case.Status.CLOSED) for rests, status in flags)
    out = StringIO()
    call_command("sync_resting_work", stdout=out)
    assert out.getvalue().splitlines()[0] == "Set 0 follow-ups and plan steps right."


def test_sync_resting_work_sets_right_next_followup_dates_written_around_the_services(world):
    """As the previous release's code would leave them: a follow-up added, one completed and
    a date left behind, none through the services that keep the case's next follow-up
    date (cases.followup_due)."""
    today = timezone.localdate()
    added = f.make_case(organisation=world.kommune)
    completed = f.make_case(organisation=world.kommune)
    stale = f.make_case(organisation=world.kommune)
    kept = f.make_case(organisation=world.kommune)
    f.make_followup(case=completed, assignee=world.owner, due_date=today - timedelta(days=3))
    f.make_followup(case=kept, assignee=world.owner, due_date=today - timedelta(days=1))
    FollowUp.objects.create(
        case=added,
        title="Ring",
        assignee=world.owner,
        due_date=today - timedelta(days=2),
        created_by=world.owner,
    )
    FollowUp.objects.filter(case=completed).update(done_at=timezone.now())
    Case.objects.filter(pk=stale.pk).update(next_followup_due=today - timedelta(days=9))
    overdue = Case.objects.filter(case_overdue_q(today=today))
    assert set(overdue.values_list("pk", flat=True)) == {completed.pk, stale.pk, kept.pk}
    out = StringIO()
    call_command("sync_resting_work", stdout=out)
    assert out.getvalue().splitlines()[1] == "Set the next follow-up date of 3 cases right."
    assert set(overdue.values_list("pk", flat=True)) == {added.pk, kept.pk}
    assert next_followup_due_violations() == []
    out = StringIO()
    call_command("sync_resting_work", stdout=out)
    assert out.getvalue().splitlines()[1] == "Set the next follow-up date of 0 cases right."
