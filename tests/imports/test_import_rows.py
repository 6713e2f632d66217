"""The import service: what each row becomes, re-runs, and every kind of bad file."""

import pytest
from django.core.exceptions import ValidationError

from cases import services as case_services
from cases.models import Case, CaseEvent
from contacts.models import Consent, Newcomer
from imports.services import import_file_run
from tests.imports.helpers import csv_bytes, opener, with_cached_value, xlsx_bytes

MAPPING = {
    "name": "Navn",
    "email": "E-post",
    "phone": "Telefon",
    "municipality": "Kommune",
    "planned_move_date": "Flyttedato",
    "children_birth_years": "Barn",
    "message": "Notat",
}
ROWS = [
    ["Ola Nordmann", "ola@example.no", "912 34 567", "Narvik", "1.3.2027", "2019, 2021", "Ringt"],
    ["Kari Østby", "", "+47 40 00 00 01", "", "", "", ""],
]


def run(content, *, world, kind="csv", encoding="utf-8", mapping=MAPPING, dry_run=False):
    return import_file_run(
        open_file=opener(content),
        kind=kind,
        encoding=encoding,
        mapping=mapping,
        actor=world.coordinator,
        dry_run=dry_run,
    )


def test_import_creates_newcomers_and_cases_through_the_services(world):
    report = run(csv_bytes(ROWS), world=world)
    assert report.problems == []
    assert dict(report.counts) == {"created": 2}
    ola = Newcomer.objects.get(email="ola@example.no")
    assert ola.phone == "+4791234567"
    assert ola.municipality.name == "Narvik"
    assert str(ola.planned_move_date) == "2027-03-01"
    assert sorted(ola.household.values_list("birth_year", flat=True)) == [2019, 2021]
    case = Case.objects.get(newcomer=ola)
    assert case.channel == Case.Channel.IMPORT
    assert case.reference.startswith("NR-")
    assert case.message == "Ringt"
    kinds = sorted(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["cases.case.opened", "imports.case.imported"]
    assert CaseEvent.objects.get(case=case, kind="imports.case.imported").data == {"row": 2}


def test_import_rerun_creates_nothing_twice(world):
    content = csv_bytes(ROWS)
    run(content, world=world)
    before = (Newcomer.objects.count(), Case.objects.count(), CaseEvent.objects.count())
    report = run(content, world=world)
    assert dict(report.counts) == {"unchanged": 2}
    assert (Newcomer.objects.count(), Case.objects.count(), CaseEvent.objects.count()) == before


def test_import_matches_on_normalised_phone_and_fills_only_empty_fields(world):
    run(csv_bytes([ROWS[1]]), world=world)
    kari = Newcomer.objects.get(phone="+4740000001")
    row = ["Someone Else", "", "40000001", "Narvik", "", "2020", ""]
    report = run(csv_bytes([row]), world=world)
    assert dict(report.counts) == {"updated": 1}
    kari.refresh_from_db()
    assert kari.name == "Kari Østby"  # never overwritten
    assert kari.municipality.name == "Narvik"  # was empty: filled in
    assert list(kari.household.values_list("birth_year", flat=True)) == [2020]
    event = CaseEvent.objects.get(kind="contacts.newcomer.updated")
    assert event.data == {"fields": ["municipality"]}


def test_import_matches_on_case_reference(world):
    mapping = {"name": "Navn", "reference": "Sak", "phone": "Telefon"}
    content = xlsx_bytes(
        [["Anna", world.case.reference, "98765432"]], header=["Navn", "Sak", "Telefon"]
    )
    report = run(content, world=world, kind="xlsx", encoding="", mapping=mapping)
    assert dict(report.counts) == {"updated": 1}
    world.newcomer.refresh_from_db()
    assert world.newcomer.phone == "+4798765432"
    unknown = xlsx_bytes([["Anna", "NR-1999-0001", ""]], header=["Navn", "Sak", "Telefon"])
    report = run(unknown, world=world, kind="xlsx", encoding="", mapping=mapping)
    assert report.rows[0].outcome == "refused"
    assert "NR-1999-0001" in report.rows[0].reasons[0]


def test_import_dry_run_writes_nothing_and_says_the_same(world):
    before = (Newcomer.objects.count(), Case.objects.count(), CaseEvent.objects.count())
    dry = run(csv_bytes(ROWS), world=world, dry_run=True)
    assert dict(dry.counts) == {"created": 2}
    assert (Newcomer.objects.count(), Case.objects.count(), CaseEvent.objects.count()) == before
    real = run(csv_bytes(ROWS), world=world)
    assert [(r.number, r.outcome) for r in real.rows] == [(r.number, r.outcome) for r in dry.rows]


def test_imported_consent_refuses_sharing_until_confirmed(world):
    from imports.services import consent_confirm_imported

    run(csv_bytes(ROWS), world=world)
    ola = Newcomer.objects.get(email="ola@example.no")
    case = Case.objects.get(newcomer=ola)
    assert ola.consent_to_confirm_since is not None
    assert not Consent.objects.filter(newcomer=ola).exists()
    with pytest.raises(ValidationError, match="not yet confirmed"):
        case_services.case_share(case=case, organisation=world.kommune, actor=world.coordinator)
    with pytest.raises(ValidationError, match="not yet confirmed"):
        case_services.case_assign_owner(case=case, owner=world.owner, actor=world.coordinator)
    consent_confirm_imported(
        newcomer=ola, scopes=[Consent.Scope.MUNICIPALITY], actor=world.coordinator
    )
    ola.refresh_from_db()
    assert ola.consent_to_confirm_since is None
    case = Case.objects.get(pk=case.pk)
    case_services.case_share(case=case, organisation=world.kommune, actor=world.coordinator)
    with pytest.raises(ValidationError):  # only what was confirmed
        case_services.case_share(case=case, organisation=world.skole, actor=world.coordinator)
    assert CaseEvent.objects.filter(case=case, kind="imports.consent.confirmed").exists()


# --- Bad files ---------------------------------------------------------------------------


def test_import_bad_row_is_refused_with_reasons_and_nothing_of_it_written(world):
    rows = [
        ROWS[0],
        ["Per", "not-an-address", "", "", "", "", ""],
        ["Liv", "liv@example.no", "", "Atlantis", "31.2.2027", "", ""],
    ]
    report = run(csv_bytes(rows), world=world)
    assert dict(report.counts) == {"created": 1, "refused": 2}
    assert "not an e-mail address" in report.rows[1].reasons[0]
    assert any("Atlantis" in r for r in report.rows[2].reasons)
    assert any("31.2.2027" in r for r in report.rows[2].reasons)
    assert not Newcomer.objects.filter(name__in=["Per", "Liv"]).exists()


def test_import_duplicate_rows_in_the_file_are_refused(world):
    rows = [
        ROWS[0],
        ["Ola N.", "OLA@example.no", "", "", "", "", ""],
        ["Ola", "", "91234567", "", "", "", ""],
    ]
    report = run(csv_bytes(rows), world=world)
    assert [r.outcome for r in report.rows] == ["created", "refused", "refused"]
    assert report.rows[1].reasons == ["The same person as row 2."]
    assert report.rows[2].reasons == ["The same person as row 2."]
    assert Newcomer.objects.filter(email="ola@example.no").count() == 1


@pytest.mark.parametrize("text", ["1.3.2027", "01.03.2027", "1.3.27", "2027-03-01"])
def test_import_reads_norwegian_dates(world, text):
    row = ["Ola", "ola@example.no", "", "", text, "", ""]
    run(csv_bytes([row]), world=world)
    assert str(Newcomer.objects.get(email="ola@example.no").planned_move_date) == "2027-03-01"


def test_import_missing_required_columns_refuses_the_file(world):
    report = run(csv_bytes(ROWS), world=world, mapping={"email": "E-post"})
    assert report.problems == ["Required column missing: choose the column with the name."]
    report = run(csv_bytes(ROWS), world=world, mapping={"name": "Navn"})
    assert "e-mail, the phone or the case reference" in report.problems[0]
    report = run(csv_bytes(ROWS), world=world, mapping={"name": "Name", "email": "E-post"})
    assert report.problems == ["The file has no column called “Name”."]
    assert report.total == 0
    assert not Newcomer.objects.filter(email="ola@example.no").exists()


def test_import_formula_cells_take_the_saved_value_or_refuse_the_row(world):
    header = ["Navn", "E-post", "Telefon"]
    content = xlsx_bytes(
        [["Ola", "ola@example.no", '="9123"&"4567"'], ["Kari", "kari@example.no", "=1+1"]],
        header=header,
    )
    content = with_cached_value(content, "C2", "91234567")
    mapping = {"name": "Navn", "email": "E-post", "phone": "Telefon"}
    report = run(content, world=world, kind="xlsx", encoding="", mapping=mapping)
    assert [r.outcome for r in report.rows] == ["created", "refused"]
    assert "Telefon holds a formula; its saved value was taken." in report.rows[0].reasons
    assert "formula without a saved value" in report.rows[1].reasons[0]
    assert Newcomer.objects.get(email="ola@example.no").phone == "+4791234567"
    assert not Newcomer.objects.filter(email="kari@example.no").exists()


def test_import_xlsx_reads_dates_and_numbers_as_excel_stores_them(world):
    import datetime

    content = xlsx_bytes(
        [["Ola", "ola@example.no", 91234567, "Narvik", datetime.datetime(2027, 3, 1), 2019, ""]]
    )
    report = run(content, world=world, kind="xlsx", encoding="")
    assert dict(report.counts) == {"created": 1}
    ola = Newcomer.objects.get(email="ola@example.no")
    assert (ola.phone, str(ola.planned_move_date)) == ("+4791234567", "2027-03-01")
