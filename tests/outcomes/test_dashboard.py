"""The Outcomes section on the dashboard, in its CSV and in the monthly PDF: figures under
5 people are left out everywhere, and the page says so; members see their cases' only."""

import csv
import io
from datetime import date

from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from contacts.models import Newcomer
from tests import factories as f
from tests.outcomes.test_figures import checkin

MOVED = date(2025, 2, 10)


def _en(name, *args, query=""):
    with translation.override("en"):
        url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


def _seed(world):
    """Six answers at 12 months on the cases of the owner's organisation (five stayed),
    four on another organisation's."""
    for i in range(6):
        checkin(
            moved=MOVED,
            months=12,
            case=f.make_case(organisation=world.kommune),
            target_group="family",
            answer={"living": "away" if i == 0 else "yes", "moved_to": "oslo" if i == 0 else ""},
        )
    for _ in range(4):
        other = f.make_case(organisation=world.nav)
        checkin(moved=MOVED, months=12, case=other, target_group="eu_worker", answer={})


def test_dashboard_outcomes_section_and_suppression_note(world, login):
    _seed(world)
    page = login(world.coordinator).get(_en("reports:dashboard")).content.decode()
    assert "Outcomes: did they stay?" in page
    assert "No figure for fewer than 5 people is shown or exported" in page
    assert "90 % (60\u201398)" in page  # 9 of 10 stayed (Wilson), all newcomers
    assert 'id="chart-retention-title"' in page


def test_outcomes_csv_leaves_small_cells_empty(world, login):
    _seed(world)
    response = login(world.coordinator).get(_en("reports:export", "outcomes-retention"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_group = {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}
    assert by_group[("Target group", "Family with children", "12")] == ["6", "83.3", "43.6", "97.0"]
    # Four people: no count, no share, no interval.
    labour = str(dict(Newcomer.TargetGroup.choices)["eu_worker"])
    assert by_group[("Target group", labour, "12")] == ["", "", "", ""]


def test_outcomes_members_count_their_cases_only(world, login):
    _seed(world)
    response = login(world.owner).get(_en("reports:export", "outcomes-retention"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["All", "All newcomers", "12", "6", "83.3", "43.6", "97.0"] in rows


def test_outcomes_in_the_monthly_pdf(world, login):
    _seed(world)
    response = login(world.coordinator).get(_en("reports:report-pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Outcomes: still in the region" in text
    assert "No figure for fewer than 5" in text
    assert "Work at 12 months" in text
