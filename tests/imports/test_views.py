"""The import screens: upload, columns, dry run, run; who may use them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case
from contacts.models import Newcomer
from tests.imports.helpers import csv_bytes, xlsx_bytes

ROWS = [
    ["Ola Nordmann", "ola@example.no", "912 34 567", "Narvik", "1.3.2027", "2019", ""],
    ["Kari Østby", "kari@example.no", "", "", "", "", ""],
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(client, content, name="liste.csv"):
    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, content)})


def test_import_journey_upload_columns_dry_run_run(world, login, media):
    client = login(world.coordinator)
    response = _upload(client, csv_bytes(ROWS, encoding="cp1252"))
    assert response.status_code == 302
    stored = list((media / "imports").iterdir())
    assert len(stored) == 1 and stored[0].name != "liste.csv"

    page = client.get(reverse("imports:mapping"))
    assert "Windows-1252" in page.text
    assert page.context["form"].initial["email"] == "E-post"  # guessed from the header
    data = {"name": "Navn", "email": "E-post", "phone": "Telefon", "municipality": "Kommune",
            "planned_move_date": "Flyttedato", "children_birth_years": "Barn"}  # fmt: skip
    assert client.post(reverse("imports:mapping"), data).status_code == 302

    dry = client.get(reverse("imports:preview"))
    assert dry.status_code == 200
    assert "Would be created" in dry.text and "Kari Østby" in dry.text
    assert not Newcomer.objects.filter(email="ola@example.no").exists()

    response = client.post(reverse("imports:run"))
    assert response.status_code == 302
    assert Newcomer.objects.filter(email__in=["ola@example.no", "kari@example.no"]).count() == 2
    assert Case.objects.filter(channel=Case.Channel.IMPORT).count() == 2
    assert list((media / "imports").iterdir()) == []  # the file is gone after the run
    done = client.get(response.url)
    assert "Import done" in done.text
    # The case page shows the note, with the form that confirms the consent.
    case = Case.objects.get(newcomer__email="ola@example.no")
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert "Consent to be confirmed" in page.text
    response = client.post(
        reverse("imports:consent-confirm", args=[case.pk]), {"scopes": ["municipality"]}
    )
    assert response.status_code == 302
    assert Newcomer.objects.get(pk=case.newcomer_id).consent_to_confirm_since is None
    assert "Consent to be confirmed" not in client.get(reverse("cases:detail", args=[case.pk])).text


def test_import_mapping_requires_the_name_and_a_key(world, login):
    client = login(world.coordinator)
    _upload(client, csv_bytes(ROWS))
    response = client.post(reverse("imports:mapping"), {"email": "E-post", "phone": "E-post"})
    assert response.status_code == 200
    assert "choose the column with the name" in response.text
    assert "already chosen for another field" in response.text


def test_import_bad_file_is_refused_with_a_clear_message(world, login, media):
    client = login(world.coordinator)
    response = _upload(client, "Navn;E-post\r\nÅse;a@example.no\r\n".encode("utf-16"))
    assert response.status_code == 200
    assert "UTF-16" in response.text
    response = _upload(client, b"Navn;E-post\r\n", name="liste.xlsx")
    assert "not an Excel workbook" in response.text
    assert not (media / "imports").exists() or list((media / "imports").iterdir()) == []


def test_import_screens_in_norwegian(world, login):
    client = login(world.coordinator)
    response = client.get("/import/")
    assert "Importer nykommere fra et regneark" in response.text


def test_import_is_for_coordinators_only(world, login):
    for user in (world.owner, world.reader, world.nobody):
        client = login(user)
        assert client.get(reverse("imports:upload")).status_code == 403
        assert _upload(client, xlsx_bytes([])).status_code == 403
        assert client.post(reverse("imports:run")).status_code == 403


def test_import_wrong_methods(world, login):
    client = login(world.coordinator)
    assert client.get(reverse("imports:run")).status_code == 405
    assert client.post(reverse("imports:preview")).status_code == 405
    assert client.get(reverse("imports:consent-confirm", args=[world.case.pk])).status_code == 405


def test_consent_confirm_other_organisation_404_read_only_403(world, login):
    url = reverse("imports:consent-confirm", args=[world.case.pk])
    assert login(world.outsider).post(url, {"scopes": []}).status_code == 404
    assert login(world.reader).post(url, {"scopes": []}).status_code == 403


def test_import_mapping_page_query_count(world, login, django_assert_num_queries):
    client = login(world.coordinator)
    _upload(client, csv_bytes(ROWS))
    # session, user, memberships (staff access)
    with django_assert_num_queries(3):
        client.get(reverse("imports:mapping"))


def test_imports_prune_deletes_only_uploads_older_than_a_session(world, login, media, settings):
    import io
    import os
    import time

    from django.core.management import call_command

    client = login(world.coordinator)
    _upload(client, csv_bytes(ROWS))
    old = media / "imports" / "0123.csv"
    old.write_bytes(b"Navn\r\n")
    stale = time.time() - settings.SESSION_COOKIE_AGE - 60
    os.utime(old, (stale, stale))
    out = io.StringIO()
    call_command("imports_prune", stdout=out)
    assert out.getvalue() == "1 file(s) deleted\n"
    remaining = list((media / "imports").iterdir())
    assert len(remaining) == 1 and remaining[0].name != "0123.csv"
