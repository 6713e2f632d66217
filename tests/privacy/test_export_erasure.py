"""Right of access (export as JSON and PDF) and erasure (the shredder)."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from audit.models import AccessLogEntry
from cases import services as case_services
from cases.models import Case, CaseEvent, NewcomerMessage, Note
from contacts.models import HouseholdMember, Newcomer
from outbox.models import OutboundEmail
from portal.services import newcomer_message_send
from privacy.models import DataRequest
from privacy.services import ERASED_NAME, newcomer_erase, newcomer_export
from tests import factories as f


@pytest.fixture
def rich(world):
    """The world's newcomer with a household, a confidential note and a sent receipt."""
    HouseholdMember.objects.create(
        newcomer=world.newcomer, relation="partner", name="Piotr Kowalski", birth_year=1990
    )
    case_services.note_add(
        case=world.case,
        body="Anna called about kindergarten",
        visibility="confidential",
        actor=world.owner,
    )
    OutboundEmail.objects.create(
        kind="cases.intake_receipt",
        to="anna@example.org",
        subject="Enquiry NR-2026-0001",
        body_text="Dear Anna Kowalska",
        language="en",
        message_id="<x@test>",
        case_id=world.case.pk,
    )
    return world


def _export(client, newcomer, kind):
    response = client.get(reverse(f"privacy:export-{kind}", args=[newcomer.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content


@pytest.mark.django_db
def test_export_json_holds_everything_and_logs_once(rich, login):
    client = login(rich.coordinator)
    page = client.get(reverse("privacy:newcomer", args=[rich.newcomer.pk]))
    assert page.status_code == 200
    data = json.loads(_export(client, rich.newcomer, "json"))
    assert data["newcomer"]["email"] == "anna@example.org"
    assert data["household"][0]["name"] == "Piotr Kowalski"
    assert {c["scope"] for c in data["consents"]} == {"municipality", "school"}
    (case,) = data["cases"]
    # Every note, confidential ones too: the export is for the data subject.
    assert [n["body"] for n in case["notes"]] == ["Anna called about kindergarten"]
    assert "cases.case.opened" in [e["kind"] for e in case["events"]]
    assert data["emails"][0]["to"] == "anna@example.org"
    assert [(r["action"], r["object"]) for r in data["access_log"]] == [
        ("open", "newcomer"),
        ("export", "newcomer"),
    ]
    assert AccessLogEntry.objects.filter(action="export").count() == 1


@pytest.mark.django_db
def test_export_pdf_is_readable_and_logged(rich, login):
    content = _export(login(rich.coordinator), rich.newcomer, "pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Anna Kowalska" in text and "Piotr Kowalski" in text
    assert AccessLogEntry.objects.filter(action="pdf").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["owner", "reader", "outsider", "nobody"])
def test_export_only_for_coordinators(world, login, persona):
    client = login(getattr(world, persona))
    for name in ("privacy:newcomer", "privacy:export-json", "privacy:export-pdf", "privacy:erase"):
        assert client.get(reverse(name, args=[world.newcomer.pk])).status_code == 403
    assert not AccessLogEntry.objects.exists()


@pytest.mark.django_db
def test_export_wrong_method(world, login):
    url = reverse("privacy:export-json", args=[world.newcomer.pk])
    assert login(world.coordinator).post(url).status_code == 405


@pytest.mark.django_db
def test_erase_needs_confirmation_and_reason(rich, login):
    client = login(rich.coordinator)
    url = reverse("privacy:erase", args=[rich.newcomer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Asked by e-mail"})
    assert response.status_code == 400
    assert client.post(url, {"confirm": "on", "reason": " "}).status_code == 400
    rich.newcomer.refresh_from_db()
    assert rich.newcomer.erased_at is None


@pytest.mark.django_db
def test_erase_masks_identifiers_keeps_events_and_returns_the_export(rich, login):
    client = login(rich.coordinator)
    events_before = CaseEvent.objects.filter(case=rich.case).count()
    response = client.post(
        reverse("privacy:erase", args=[rich.newcomer.pk]),
        {"confirm": "on", "reason": "Asked by e-mail"},
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    exported = json.loads(archive.read(f"newcomer-{rich.newcomer.pk}.json"))
    assert exported["newcomer"]["name"] == "Anna Kowalska"
    assert archive.read(f"newcomer-{rich.newcomer.pk}.pdf").startswith(b"%PDF")

    newcomer = Newcomer.objects.get(pk=rich.newcomer.pk)
    assert (newcomer.name, newcomer.email, newcomer.phone) == (ERASED_NAME, "", "")
    assert newcomer.erased_at is not None
    assert list(newcomer.household.values_list("name", flat=True)) == [""]
    assert "Anna" not in Note.objects.get().body
    assert "jobs" not in Case.objects.get(pk=rich.case.pk).message
    email = OutboundEmail.objects.get()
    assert "anna" not in (email.to + email.subject + email.body_text + email.body_html).lower()
    events = CaseEvent.objects.filter(case=rich.case)
    assert events.count() == events_before + 1
    assert events.filter(kind="contacts.newcomer.erased", actor=rich.coordinator).exists()
    request = DataRequest.objects.get()
    assert (request.kind, request.reason, request.handled_by) == (
        "erasure",
        "Asked by e-mail",
        rich.coordinator,
    )
    assert request.done_at is not None
    assert AccessLogEntry.objects.filter(action="erase").count() == 1
    # The case page still opens, and shows the erasure on the timeline.
    with translation.override("en"):
        url = reverse("cases:detail", args=[rich.case.pk])
    page = client.get(url).content.decode()
    assert "Anna" not in page
    assert "personal data erased" in page


@pytest.mark.django_db
def test_erase_twice_changes_nothing(rich):
    newcomer_erase(newcomer=rich.newcomer, actor=rich.coordinator, reason="first")
    erased_at = Newcomer.objects.get(pk=rich.newcomer.pk).erased_at
    newcomer_erase(newcomer=rich.newcomer, actor=rich.coordinator, reason="second")
    assert Newcomer.objects.get(pk=rich.newcomer.pk).erased_at == erased_at
    assert DataRequest.objects.get().reason == "first"
    assert CaseEvent.objects.filter(kind="contacts.newcomer.erased").count() == 1


@pytest.mark.django_db
def test_erase_fails_pending_emails_instead_of_sending_them(rich):
    pending = OutboundEmail.objects.get()
    assert pending.status == "pending"
    newcomer_erase(newcomer=rich.newcomer, actor=rich.coordinator, reason="asked")
    pending.refresh_from_db()
    assert (pending.status, pending.last_error) == ("failed", "erased")


@pytest.mark.django_db
def test_erase_deletes_stored_welcome_packs_after_commit(
    rich, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from onboarding.models import WelcomePack

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    pack = WelcomePack(
        case=rich.case,
        language="pl",
        recipient="anna@example.org",
        created_by=rich.owner,
        status="queued",
    )
    pack.file.save("pack.pdf", ContentFile(b"%PDF Anna"), save=True)
    path = tmp_path / pack.file.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer_erase(newcomer=rich.newcomer, actor=rich.coordinator, reason="asked")
    pack.refresh_from_db()
    assert (pack.file.name, pack.recipient) == ("", "erased@erased.invalid")
    assert not path.exists()


@pytest.mark.django_db
def test_export_unknown_newcomer_is_404(world, login):
    client = login(world.coordinator)
    for name in ("privacy:newcomer", "privacy:export-json", "privacy:erase"):
        assert client.get(reverse(name, args=[world.newcomer.pk + 999])).status_code == 404


@pytest.mark.django_db
def test_newcomers_own_messages_are_exported_and_erased(world):
    """What a newcomer writes from their own page (cases.NewcomerMessage) is in their copy,
    and masked on erasure; another newcomer's message stays word for word."""
    newcomer_message_send(newcomer=world.newcomer, body="Anna here: we arrive on 3 May.")
    other = f.make_case(newcomer=f.make_newcomer(name="Ola Nordmann"), organisation=world.kommune)
    newcomer_message_send(newcomer=other.newcomer, body="Ola here: call me after four.")

    data = newcomer_export(newcomer=world.newcomer, actor=world.coordinator)
    (case,) = data["cases"]
    assert [m["text"] for m in case["messages_from_newcomer"]] == ["Anna here: we arrive on 3 May."]
    assert "Ola here" not in json.dumps(data)

    newcomer_erase(newcomer=world.newcomer, actor=world.coordinator, reason="Asked by phone")
    bodies = dict(NewcomerMessage.objects.values_list("case_id", "body"))
    assert bodies == {world.case.pk: "[erased]", other.pk: "Ola here: call me after four."}
