"""Local offers and events from a spreadsheet: the same mapping, dry run and report as
newcomers; a re-run creates nothing twice; bad rows are refused with their reasons."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports.services import import_file_run
from onboarding.models import LocalOffer
from tests.imports.helpers import opener, xlsx_bytes

HEADER = ["Navn", "Type", "Beskrivelse nb", "Beskrivelse en", "Nettside", "Adresse", "Fra",
          "Til", "Kommune", "Fra alder", "Til alder"]  # fmt: skip
MAPPING = {
    "name": "Navn",
    "kind": "Type",
    "description_nb": "Beskrivelse nb",
    "description_en": "Beskrivelse en",
    "url": "Nettside",
    "address": "Adresse",
    "starts_on": "Fra",
    "ends_on": "Til",
    "municipality": "Kommune",
    "age_min": "Fra alder",
    "age_max": "Til alder",
}
ROWS = [
    ["Narvik svømmeklubb", "Forening", "Svømming for alle", "Swimming for all",
     "narvikswim.example.org", "Narvikhallen", "", "", "Narvik", "6", "16"],
    ["Vinterfestuka", "Arrangement", "Festuke i mars", "", "", "Torget", "1.3.2027",
     "7.3.2027", "Narvik", "", ""],
]  # fmt: skip


def _csv(rows, header=HEADER):
    lines = [";".join(header), *(";".join(r) for r in rows)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _run(content, *, actor, kind="csv", dry_run=False, mapping=MAPPING):
    return import_file_run(
        open_file=opener(content),
        kind=kind,
        encoding="utf-8" if kind == "csv" else "",
        mapping=mapping,
        actor=actor,
        dry_run=dry_run,
        what="offers",
    )


def test_offers_import_creates_offers_and_a_rerun_creates_nothing(world):
    report = _run(_csv(ROWS), actor=world.coordinator)
    assert report.counts == {"created": 2}, report.rows
    swim = LocalOffer.objects.get(name="Narvik svømmeklubb")
    assert swim.kind == "association" and swim.url == "https://narvikswim.example.org"
    assert swim.descriptions == {"nb": "Svømming for alle", "en": "Swimming for all"}
    assert (swim.age_min, swim.age_max, swim.municipality.name) == (6, 16, "Narvik")
    event = LocalOffer.objects.get(name="Vinterfestuka")
    assert (event.kind, event.starts_on, event.ends_on) == (
        "event",
        date(2027, 3, 1),
        date(2027, 3, 7),
    )
    again = _run(_csv(ROWS), actor=world.coordinator)
    assert again.counts == {"unchanged": 2}
    assert LocalOffer.objects.count() == 2
    changed = [[*ROWS[0][:5], "Nye Narvikhallen", *ROWS[0][6:]], ROWS[1]]
    assert _run(_csv(changed), actor=world.coordinator).counts == {"updated": 1, "unchanged": 1}
    swim.refresh_from_db()
    assert swim.address == "Nye Narvikhallen"


def test_offers_import_dry_run_writes_nothing(world):
    report = _run(_csv(ROWS), actor=world.coordinator, dry_run=True)
    assert report.counts == {"created": 2}
    assert not LocalOffer.objects.exists()


def test_offers_import_xlsx_with_excel_dates(world):
    rows = [["Skidag", "Event", "", "", "", "", date(2027, 2, 1), date(2027, 2, 1), "", "", ""]]
    report = _run(xlsx_bytes(rows, header=HEADER), actor=world.coordinator, kind="xlsx")
    assert report.counts == {"created": 1}, report.rows
    assert LocalOffer.objects.get().starts_on == date(2027, 2, 1)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["", "Forening", "", "", "", "", "", "", "", "", ""], "The name is empty."),
        (["X", "Sirkus", "", "", "", "", "", "", "", "", ""], "Unknown kind"),
        (["X", "", "", "", "", "", "31.2.2027", "", "", "", ""], "is not a date"),
        (["X", "", "", "", "", "", "5.3.2027", "1.3.2027", "", "", ""], "ends before it starts"),
        (["X", "", "", "", "", "", "", "", "Oslo", "", ""], "Unknown municipality"),
        (["X", "", "", "", "", "", "", "", "", "seks", ""], "is not an age"),
        (["X", "", "", "", "not a url", "", "", "", "", "", ""], "is not a web address"),
    ],
)
def test_offers_import_refuses_bad_rows_with_reasons(world, row, reason):
    report = _run(_csv([row]), actor=world.coordinator)
    assert report.counts == {"refused": 1}
    assert reason in " ".join(report.rows[0].reasons)
    assert not LocalOffer.objects.exists()


def test_offers_import_refuses_a_repeated_row_and_missing_columns(world):
    report = _run(_csv([ROWS[0], ROWS[0]]), actor=world.coordinator)
    assert report.counts == {"created": 1, "refused": 1}
    assert "The same offer as row 2" in " ".join(report.rows[1].reasons)
    missing = _run(_csv(ROWS), actor=world.coordinator, mapping={"kind": "Type"})
    assert missing.problems and not LocalOffer.objects.exclude(name=ROWS[0][0]).exists()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_offers_import_screens(world, login, media):
    client = login(world.coordinator)
    upload = SimpleUploadedFile("tilbud.csv", _csv(ROWS))
    assert client.post(reverse("imports:offers"), {"file": upload}).status_code == 302
    page = client.get(reverse("imports:mapping"))
    assert page.context["form"].initial["name"] == "Navn"
    assert page.context["form"].initial["municipality"] == "Kommune"
    assert client.post(reverse("imports:mapping"), MAPPING).status_code == 302
    dry = client.get(reverse("imports:preview"))
    assert "Would be created" in dry.text and "2 offers" in dry.text
    assert client.post(reverse("imports:run")).status_code == 302
    assert LocalOffer.objects.count() == 2
    assert login(world.owner).get(reverse("imports:offers")).status_code == 403
