"""The dashboard page, its CSV exports and the monthly PDF: access, filters in the URL,
content, and a fixed number of queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from onboarding.models import OnboardingPlan, PlanStep
from tests import factories as f
from tests import pages


def en_url(name, *args, query=""):
    with translation.override("en"):
        return reverse(name, args=args) + (f"?{query}" if query else "")


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    delimiter = "," if response.wsgi_request.path.startswith("/en/") else ";"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


# --- Access ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["reports:dashboard", "reports:report-pdf"])
def test_reports_anonymous_redirected_to_login(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("name", "args"),
    [("reports:dashboard", ()), ("reports:export", ("summary",)), ("reports:report-pdf", ())],
)
def test_reports_without_membership_403(world, login, name, args):
    assert login(world.nobody).get(reverse(name, args=args)).status_code == 403


def test_report_pdf_for_members_403(world, login):
    assert login(world.owner).get(reverse("reports:report-pdf")).status_code == 403


@pytest.mark.parametrize(
    ("name", "args"),
    [("reports:dashboard", ()), ("reports:export", ("summary",)), ("reports:report-pdf", ())],
)
def test_reports_wrong_method_405(world, login, name, args):
    assert login(world.coordinator).post(reverse(name, args=args)).status_code == 405


def test_export_unknown_table_404(world, login):
    response = login(world.coordinator).get(reverse("reports:export", args=["secrets"]))
    assert response.status_code == 404


def test_dashboard_link_in_nav_for_members_only(world, login, client):
    url = reverse("reports:dashboard")
    assert url in login(world.reader).get(reverse("cases:list")).content.decode()
    client.logout()
    page = login(world.nobody).get(reverse("cases:list")).content.decode()
    assert f'href="{url}"' not in page


# --- The page ----------------------------------------------------------------------------


def test_dashboard_shows_the_figures(known, login):
    client = login(known.world.coordinator)
    response = client.get(en_url("reports:dashboard", query="period=last_month"))
    assert response.status_code == 200
    page = response.content.decode()
    data = response.context["data"]
    assert (data.enquiries.current, data.enquiries.previous) == (4, 1)
    assert "1 January 2026 \u2013 31 January 2026" in page
    assert "4 h 0 min" in page  # median
    assert "8 h 48 min" in page  # 90th percentile
    assert "/cases/?overdue=true" in page.replace("/en/cases/", "/cases/")
    assert "Sykepleier" in page
    # Five accessible charts (the Outcomes curve the fifth), each with a title.
    assert page.count('role="img"') == 5
    assert page.count("<title id=") == 5
    assert "Download PDF" in page  # coordinators get the monthly report


def test_dashboard_shows_onboarding_progress(known, login):
    client = login(known.world.coordinator)
    response = client.get(en_url("reports:dashboard", query="period=last_month"))
    page = response.content.decode()
    assert "Onboarding progress" in page
    assert "50.0 %" in page and "100.0 %" in page
    assert "2 of 4 steps due" in page
    url = response.context["steps_overdue_url"]
    assert "steps_overdue=true" in url
    # The case list is Jinja2 (no response.context): its rows are read from the HTML.
    assert set(pages.case_list_ids(client.get(url))) == {known.c2.pk, known.c3.pk}


def test_dashboard_members_slice_and_notice(known, login):
    response = login(known.world.reader).get(en_url("reports:dashboard", query="period=last_month"))
    assert response.status_code == 200
    assert response.context["data"].enquiries.current == 1
    page = response.content.decode()
    assert "These figures cover the cases you can see" in page
    assert "Download PDF" not in page


def test_dashboard_filters_in_the_url(known, login):
    client = login(known.world.coordinator)
    query = f"period=last_month&municipality={known.narvik.pk}&target_group=family"
    response = client.get(en_url("reports:dashboard", query=query))
    assert response.context["data"].enquiries.current == 2
    page = response.content.decode()
    # The CSV links carry the same filters.
    assert f"export/summary.csv?{query.replace('&', '&amp;')}" in page
    overdue = response.context["overdue_url"]
    assert f"municipality={known.narvik.pk}" in overdue


def test_dashboard_custom_period_and_invalid_choices(known, login):
    client = login(known.world.coordinator)
    query = "period=custom&from=2026-01-31&to=2026-02-01"
    data = client.get(en_url("reports:dashboard", query=query)).context["data"]
    assert (data.enquiries.current, data.enquiries.previous) == (2, 0)  # c3 and f1
    response = client.get(en_url("reports:dashboard", query="period=custom&from=2026-02-01"))
    assert response.status_code == 200
    assert response.context["form"].errors["to"]
    assert response.context["data"].periods.current.first_day.month == 2  # this month
    assert "Some choices were not valid" in response.content.decode()


# --- CSV ---------------------------------------------------------------------------------


def test_export_csv_channels_in_english(known, login):
    client = login(known.world.coordinator)
    response = client.get(en_url("reports:export", "channels", query="period=last_month"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="tilflytt-channels-2026-01-01-2026-01-31.csv"' in response["Content-Disposition"]
    )
    rows = csv_rows(response)
    assert rows[0] == ["Channel", "This period", "Previous period"]
    assert rows[1:4] == [
        ["The region's portal", "2", "0"],
        ["Social media", "1", "0"],
        ["Employer", "0", "0"],
    ]
    assert ["Friends and family", "0", "1"] in rows


def test_export_csv_summary_in_bokmal_for_excel(known, login):
    client = login(known.world.coordinator)
    response = client.get(reverse("reports:export", args=["summary"]) + "?period=last_month")
    rows = csv_rows(response)  # semicolons in bokmål
    assert len(rows[0]) == 3
    assert rows[1][1:] == ["4", "1"]  # new enquiries
    assert rows[2][1:] == ["4,0", "1,0"]  # median hours, decimal comma
    assert rows[3][1:] == ["8,8", "1,0"]  # 90th percentile hours
    assert rows[4][1:] == ["1", "0"]  # still without a response
    assert rows[5][1:] == ["5", ""]  # open cases now


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "onboarding",
            [
                ["Onboarding plans started", "1", "1"],
                ["Plan steps done", "3", "2"],
                ["Plan steps due", "4", "2"],
                ["Due steps done on time", "2", "2"],
                ["Share done on time (%)", "50.0", "100.0"],
                ["Overdue plan steps now", "2", ""],
                ["Cases with overdue plan steps now", "2", ""],
            ],
        ),
        ("status", [["New", "3"], ["Open", "1"], ["Waiting", "1"]]),
        ("occupations", [["Sykepleier", "2", "0"], ["Ingeniør", "1", "0"]]),
        ("partner-occupations", [["Lærer", "1", "0"]]),
        (
            "funnel",
            [
                ["Considering", "1", "3", "0"],
                ["Planning", "1", "2", "0"],
                ["Arrived", "1", "1", "0"],
                ["Settled", "0", "0", "1"],
                ["Left", "0", "0", "0"],
            ],
        ),
        ("owners", [["Nobody", "3", "2"], ["owner", "2", "1"]]),
    ],
)
def test_export_csv_tables(known, login, table, expected):
    client = login(known.world.coordinator)
    response = client.get(en_url("reports:export", table, query="period=last_month"))
    assert csv_rows(response)[1:] == expected


def test_export_csv_neutralises_formulas(known, login):
    f.make_case(newcomer=f.make_newcomer(occupation='=HYPERLINK("http://x")'))
    client = login(known.world.coordinator)
    rows = csv_rows(client.get(en_url("reports:export", "occupations")))
    assert ['\'=HYPERLINK("http://x")', "1", "0"] in rows


def test_export_csv_members_slice(known, login):
    response = login(known.world.reader).get(
        en_url("reports:export", "summary", query="period=last_month")
    )
    assert csv_rows(response)[1] == ["New enquiries", "1", "0"]


# --- PDF ---------------------------------------------------------------------------------


def test_report_pdf_contains_the_figures(known, login):
    client = login(known.world.coordinator)
    response = client.get(en_url("reports:report-pdf", query="month=2026-01"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="tilflytt-report-2026-01.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title.startswith("Newcomer team: monthly report")
    assert reader.metadata.author == "Tilflytt, the newcomer team's case tracker"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    # Table cells come out one per line: compare with the whitespace collapsed.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in (
        "1 January 2026 \u2013 31 January 2026",
        "New enquiries 4 1 +3",
        "Median time to first response 4 h 0 min 1 h 0 min",
        "90th percentile time to first response 8 h 48 min 1 h 0 min",
        "Sykepleier 2 0 +2",
        "Lærer 1 0 +1",
        "The region's portal 2 0 +2",
        "Narvik kommune 3 2 1",
        "Onboarding plans started 1 1 ±0",
        "Plan steps done 3 2 +1",
        "Share done on time 50.0 % 100.0 %",
        "Overdue plan steps now 2",
    ):
        assert expected in text, expected


def test_report_pdf_defaults_to_last_month_and_rejects_bad_months(known, login):
    client = login(known.world.coordinator)
    response = client.get(reverse("reports:report-pdf"))
    assert 'filename="tilflytt-report-2026-01.pdf"' in response["Content-Disposition"]
    for month in ("2026-13", "januar", "2026-03"):  # March is still to come
        bad = client.get(reverse("reports:report-pdf") + f"?month={month}")
        assert bad.status_code == 400, month


# --- Queries -----------------------------------------------------------------------------


def _grow(world, n):
    """n more cases with newcomers, topics, shares and follow-ups, spread over two months."""
    for i in range(n):
        newcomer = f.make_newcomer(
            occupation=f"Job {i % 7}",
            partner_needs_work=bool(i % 2),
            partner_occupation=f"Partner job {i % 5}",
            heard_via=("portal", "nav", "")[i % 3],
        )
        case = f.make_case(
            newcomer=newcomer,
            organisation=(world.kommune, world.skole)[i % 2],
            owner=world.owner if i % 3 else None,
            shared_with=(world.skole,),
        )
        case.topics.set([1 + i % 5, 2 + i % 3])
        f.make_followup(case=case, assignee=world.owner, due_date=_today() - timedelta(days=i % 3))
        plan = OnboardingPlan.objects.create(case=case, move_date=_today(), started_by=world.owner)
        for offset in (-2, 0, 3):
            PlanStep.objects.create(
                plan=plan,
                titles={"nb": "Steg", "en": "Step"},
                title_nb="Steg",
                title_en="Step",
                doer="team",
                anchor="move_date",
                due_date=_today() + timedelta(days=offset),
                status="done" if offset == 0 and i % 2 else "open",
                done_at=timezone.now() if offset == 0 and i % 2 else None,
            )


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _count(client, url):
    # Cold: the dashboard keeps its figures for a while, and these count the queries that
    # compute them (tests/reports/test_dashboard_cache.py counts the warm page).
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["coordinator", "owner", "reader"])
@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/",
        "/dashboard/?period=year&organisation=1&target_group=other",
        "/dashboard/export/topics.csv?period=quarter",
    ],
)
def test_dashboard_queries_do_not_grow_with_the_data(world, login, persona, url):
    client = login(getattr(world, persona))
    _grow(world, 3)
    small = _count(client, url)
    _grow(world, 30)
    large = _count(client, url)
    assert large == small, (url, small, large)
    # On PostgreSQL two of them only inside a test's transaction: the planner settings
    # read and put back (reports.selectors.scope.figures_planner).
    assert small <= 27


def test_report_pdf_queries_do_not_grow_with_the_data(world, login):
    client = login(world.coordinator)
    _grow(world, 3)
    small = _count(client, "/dashboard/report.pdf")
    _grow(world, 30)
    assert _count(client, "/dashboard/report.pdf") == small
