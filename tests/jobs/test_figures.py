"""Known answers for the dashboard's Jobs section."""

import re

from django.urls import reverse

from contacts.models import Consent, Newcomer
from jobs import services
from jobs.figures import job_figures
from tests import factories as f
from tests.jobs.conftest import coded_household, occupation


def _world(jobs):
    """Supply: the nurse (2221) and her partner (7411) from the fixture, plus a chef (5120)
    whose partner is an electrician (7412), a second chef who left (not counted), and an
    uncoded newcomer. Demand: the fixture's need for 2 electricians, 3 chefs, and a filled
    need (not counted)."""
    chef = coded_household(
        code="5120",
        partner_code="7412",
        municipality=jobs.narvik,
        scopes=(Consent.Scope.EMPLOYER,),
    )
    f.make_case(newcomer=chef)
    coded_household(
        code="5120",
        municipality=jobs.narvik,
        scopes=(Consent.Scope.EMPLOYER,),
        lifecycle=Newcomer.Lifecycle.LEFT,
    )
    coded_household(municipality=jobs.narvik, scopes=(Consent.Scope.EMPLOYER,))
    services.need_create(
        employer=jobs.firm,
        occupation=occupation("5120"),
        municipality=jobs.narvik,
        positions=3,
        contact_name="Per",
        actor=jobs.boss,
    )
    filled = services.need_create(
        employer=jobs.firm,
        occupation=occupation("2221"),
        municipality=jobs.narvik,
        positions=7,
        contact_name="Per",
        actor=jobs.boss,
    )
    services.need_close(need=filled, state="filled", actor=jobs.boss)
    first = services.need_suggest(
        need=jobs.need, case=jobs.case, person="partner", actor=jobs.coordinator
    )
    services.suggestion_outcome_record(suggestion=first, outcome="placed", actor=jobs.boss)
    chef_case = chef.cases.get()
    second = services.need_suggest(
        need=jobs.need, case=chef_case, person="partner", actor=jobs.coordinator
    )
    services.suggestion_outcome_record(suggestion=second, outcome="declined", actor=jobs.boss)


def test_job_figures_known_answers(jobs, django_assert_max_num_queries):
    _world(jobs)
    with django_assert_max_num_queries(2):
        figures = job_figures()
    rows = {
        r.code: (r.newcomers, r.partners, r.demand, r.matched, r.placed)
        for r in figures.by_sub_major
    }
    assert rows == {
        "22": (1, 0, 0, 0, 0),
        "51": (1, 0, 3, 0, 0),
        "74": (0, 2, 2, 2, 1),
    }
    majors = {r.code: (r.supply, r.demand, r.matched, r.placed) for r in figures.by_major}
    assert majors == {"2": (1, 0, 0, 0), "5": (1, 3, 0, 0), "7": (2, 2, 2, 1)}
    total = figures.total
    assert (total.supply, total.demand, total.matched, total.placed) == (4, 5, 2, 1)
    assert figures.partners_in_work == 1
    assert all(row.title for row in figures.by_major + figures.by_sub_major)


def test_partners_in_work_counts_people_not_suggestions(jobs):
    """The same partner placed through two needs is one partner in work."""
    _world(jobs)
    second_need = services.need_create(
        employer=jobs.firm,
        occupation=occupation("741"),
        municipality=jobs.narvik,
        contact_name="Per",
        actor=jobs.boss,
    )
    again = services.need_suggest(
        need=second_need, case=jobs.case, person="partner", actor=jobs.coordinator
    )
    services.suggestion_outcome_record(suggestion=again, outcome="placed", actor=jobs.boss)
    figures = job_figures()
    assert figures.total.placed == 2  # two placements
    assert figures.partners_in_work == 1  # one person


def test_dashboard_shows_the_jobs_section_to_coordinators(jobs, login, client):
    _world(jobs)
    page = login(jobs.coordinator).get(reverse("reports:dashboard")).content.decode()
    assert 'id="jobs-heading"' in page and "Partnere i arbeid" in page
    csv = client.get(reverse("reports:export", args=["jobs"])).content.decode()
    # Titles are the data migration's (bokmål where verified, else English).
    assert re.search(r"\r\n74;[^;]+;0;2;2;2;2;1\r\n", csv)
    assert "Alle grupper;;2;2;4;5;2;1" in csv
    login(jobs.world.owner)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'id="jobs-heading"' not in page
