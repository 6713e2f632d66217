"""Outbox fixtures: stored files in a temporary MEDIA_ROOT, a small PDF, and ways to queue
the intake receipt without running its task.

Transactional tests here use `django_db(transaction=True, available_apps=["outbox"])` and
queue with `queue_without_case`: their teardown then empties the outbox table only, and
the reference data that migrations loaded (municipalities, topics, templates) stays for the
transactional tests that run after them.
"""

import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from reportlab.pdfgen import canvas

from outbox.services import email_queue


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def pdf_bytes():
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Velkommen til Narvik")
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def stored_pdf(pdf_bytes):
    path = default_storage.save("outbox-tests/welcome.pdf", ContentFile(pdf_bytes))
    return {"filename": "welcome-pack.pdf", "mimetype": "application/pdf", "path": path}


# What the intake receipt's templates read, without rows in other apps.
STANDALONE_CONTEXT = {
    "case": SimpleNamespace(reference="NR-2026-0042"),
    "newcomer": SimpleNamespace(name="Anna Kowalska"),
}


@pytest.fixture
def queue_without_case():
    """queue_without_case(**overrides) -> email: for transactional tests (see above); in
    autocommit the task is enqueued at once."""

    def _queue(**overrides):
        kwargs = {
            "kind": "cases.intake_receipt",
            "to": "anna@example.org",
            "template": "intake_receipt",
            "language": "en",
            "context": STANDALONE_CONTEXT,
        }
        kwargs.update(overrides)
        return email_queue(**kwargs)

    return _queue


@pytest.fixture
def queue(world, django_capture_on_commit_callbacks):
    """queue(**overrides) -> (email, callbacks): the world's receipt, saved and not sent."""

    def _queue(**overrides):
        kwargs = {
            "kind": "cases.intake_receipt",
            "to": world.newcomer.email,
            "template": "intake_receipt",
            "language": "en",
            "context": {"case": world.case, "newcomer": world.newcomer},
            "case_id": world.case.pk,
        }
        kwargs.update(overrides)
        with django_capture_on_commit_callbacks() as callbacks:
            email = email_queue(**kwargs)
        return email, callbacks

    return _queue
