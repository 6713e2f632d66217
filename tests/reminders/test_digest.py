"""The staff digest as the sweep sends it, read from plain values (reminders.selectors,
DigestLine): each line's Norwegian date, title, case reference and case link in both
parts, lines in due-date order, links for cases newly given or unowned, and a query
count that does not grow with the number of lines."""

from datetime import date, timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cases import services as case_services
from cases.links import case_page_link
from cases.models import Case
from onboarding.models import PlanStep
from outbox.models import OutboundEmail
from reminders.selectors import digest_for_user
from reminders.services import reminders_sweep
from tests import factories as f
from tests.reminders.conftest import at, make_step

WED = date(2026, 6, 10)
DIGEST_TIME = at(WED, 7, 30)  # reminders.services.planning.DEFAULT_DIGEST_TIME


def sweep_digest(user):
    with time_machine.travel(DIGEST_TIME, tick=False):
        reminders_sweep()
    # staff_emails gave the address in the database only: `user` still has none.
    return OutboundEmail.objects.get(kind="reminders.digest", to=f"{user.username}@example.org")


def link(case):
    with translation.override("nb"):
        return case_page_link(case.pk)


def nb_short(day):
    return day.strftime("%d.%m.%Y")  # bokmål's SHORT_DATE_FORMAT, "d.m.Y"


def step(*, case, due_date, assignee, nb, en):
    made = make_step(case=case, due_date=due_date, assignee=assignee)
    PlanStep.objects.filter(pk=made.pk).update(titles={"nb": nb, "en": en})
    return made


def test_digest_lines_show_date_title_reference_and_link_in_due_order(staff_emails):
    w = staff_emails
    Case.objects.update(first_response_due=None)
    other = f.make_case(organisation=w.kommune, owner=w.owner)
    # Created in the opposite order to their due dates, on two cases each.
    f.make_followup(case=w.case, assignee=w.owner, due_date=WED, title="Send brev")
    f.make_followup(
        case=other, assignee=w.owner, due_date=WED - timedelta(days=2), title="Ring tolken"
    )
    step(
        case=other,
        due_date=WED - timedelta(days=1),
        assignee=w.owner,
        nb="Meld flytting",
        en="Report the move",
    )
    step(
        case=w.case,
        due_date=WED - timedelta(days=3),
        assignee=w.owner,
        nb="Søk skattekort",
        en="Apply for a tax card",
    )
    digest = sweep_digest(w.owner)
    lines = [  # (date, title, case), in the order the e-mail must list them
        (WED - timedelta(days=2), "Ring tolken", other),
        (WED, "Send brev", w.case),
        (WED - timedelta(days=3), "Søk skattekort", w.case),
        (WED - timedelta(days=1), "Meld flytting", other),
    ]
    text_lines = [
        f"- {nb_short(due)} {title} ({case.reference}) {link(case)}" for due, title, case in lines
    ]
    html_lines = [
        f'<li>{nb_short(due)} <a href="{link(case)}">{title} ({case.reference})</a></li>'
        for due, title, case in lines
    ]
    for expected, body in ((text_lines, digest.body_text), (html_lines, digest.body_html)):
        positions = [body.find(line) for line in expected]
        assert -1 not in positions, (expected, body)
        assert positions[:2] == sorted(positions[:2])  # follow-ups, soonest due first
        assert positions[2:] == sorted(positions[2:])  # plan steps, soonest due first
    assert "Report the move" not in digest.body_text + digest.body_html
    assert nb_short(WED) in digest.subject


def test_digest_links_cases_newly_given_and_new_without_owner(staff_emails):
    # tests/reminders/test_sweep.py checks their references are there; these are the links.
    w = staff_emails
    Case.objects.update(first_response_due=None)
    with time_machine.travel(at(WED, 6, 0), tick=False):
        unowned = f.make_case(organisation=w.kommune)
        given = f.make_case(organisation=w.kommune)
        case_services.case_assign_owner(case=given, owner=w.owner, actor=w.coordinator)
    digest = sweep_digest(w.owner)
    for case in (unowned, given):
        assert f"- {case.reference} {link(case)}\n" in digest.body_text
        assert f'<li><a href="{link(case)}">{case.reference}</a></li>' in digest.body_html
    text = digest.body_text
    assert text.index(f"- {given.reference} ") < text.index(f"- {unowned.reference} ")


def test_digest_for_user_queries_do_not_grow_with_its_lines(staff_emails):
    w = staff_emails
    other = f.make_case(organisation=w.kommune, owner=w.owner)

    def add(n, start):
        for i in range(start, start + n):
            case = (w.case, other)[i % 2]
            due = WED - timedelta(days=i % 5)
            f.make_followup(case=case, assignee=w.owner, due_date=due, title=f"Oppgave {i}")
            step(case=case, due_date=due, assignee=w.owner, nb=f"Steg {i}", en=f"Step {i}")

    def digest_and_queries():
        with CaptureQueriesContext(connection) as queries:
            digest = digest_for_user(user=w.owner, now=DIGEST_TIME)
        return digest, len(queries.captured_queries)

    digest_and_queries()  # whatever is read once per process, read before counting
    add(1, 0)
    few, few_queries = digest_and_queries()
    assert (len(few.followups), len(few.steps)) == (1, 1)
    add(9, 1)
    many, many_queries = digest_and_queries()
    assert many_queries == few_queries
    assert {line.title for line in many.followups} == {f"Oppgave {i}" for i in range(10)}
    assert {line.title for line in many.steps} == {f"Steg {i}" for i in range(10)}
    by_reference = {w.case.reference: link(w.case), other.reference: link(other)}
    for line in many.followups + many.steps:
        assert line.link == by_reference[line.reference]
        assert line.due_date is not None and line.due_date <= WED
