"""A coordinator moves the team's spreadsheet in: upload, columns, dry run, run, then
confirms one newcomer's imported consent on their case. axe-clean on every page."""

import pytest
from playwright.sync_api import Page, expect

from contacts.models import Newcomer
from tests.browser.test_staff_journeys import _log_in
from tests.imports.helpers import xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_import_journey_upload_mapping_dry_run_run(
    live_server, page: Page, world, check_page, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    sheet = tmp_path / "nykommere.xlsx"
    sheet.write_bytes(
        xlsx_bytes(
            [
                [
                    "Olena Kovalenko",
                    "olena@example.org",
                    "+47 912 34 567",
                    "Narvik",
                    "1.3.2027",
                    "2019",
                    "Ringte i mai",
                ],
                ["Piotr Nowak", "", "40 00 00 01", "", "", "", ""],
                ["Olena K.", "OLENA@example.org", "", "", "", "", ""],
                ["Ukjent", "x@example.org", "", "", "31.2.2027", "", ""],
            ]
        )
    )
    base = live_server.url
    _log_in(page, base, "coordinator", check_page)
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import newcomers from a spreadsheet")
    check_page(page)
    page.get_by_label("Spreadsheet").set_input_files(str(sheet))
    page.get_by_role("button", name="Upload and choose columns").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose the columns")
    check_page(page)
    # Guessed from the Norwegian headers; the notes column is chosen by hand.
    expect(page.get_by_label("E-mail")).to_have_value("E-post")
    page.get_by_label("Notes for the case").select_option("Notat")
    screenshot(page, "import-columns", full_page=True)
    page.get_by_role("button", name="Dry run: show what would happen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Dry run: what the import would do")
    check_page(page)
    expect(page.get_by_text("The same person as row 2.")).to_be_visible()
    expect(page.get_by_text("“31.2.2027” is not a date", exact=False)).to_be_visible()
    screenshot(page, "import-dry-run", full_page=True)
    assert not Newcomer.objects.filter(email="olena@example.org").exists()
    page.get_by_role("button", name="Import now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import done")
    check_page(page)
    olena = Newcomer.objects.get(email="olena@example.org")
    assert olena.consent_to_confirm_since is not None

    # The case shows the note, and the coordinator confirms after asking Olena.
    case = olena.cases.get()
    page.goto(f"{base}/en/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="Consent to be confirmed")).to_be_visible()
    check_page(page)
    page.get_by_label("Municipal services").check()
    page.get_by_role("button", name="Confirm consent").click()
    expect(page.get_by_text("The consent is confirmed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Consent to be confirmed")).to_have_count(0)
    check_page(page)
