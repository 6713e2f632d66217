"""Stored files on an S3-compatible object store (moto's server on loopback, tests/s3.py):
the settings choose it only with S3_BUCKET, each kind of stored file goes there and back
through Django's storage API, and nothing is readable without the app's access checks."""

import urllib.error
import urllib.request

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from onboarding.models import WelcomePack
from onboarding.services import welcome_pack_request
from privacy.services import newcomer_erase
from tests.conversations.builders import attachment, incoming
from tests.s3 import bucket_keys, s3_storage_options

pytestmark = pytest.mark.s3


def test_storage_settings_use_s3_only_with_a_bucket(s3_backend):
    options = s3_backend["OPTIONS"]
    assert s3_backend["BACKEND"] == "storages.backends.s3.S3Storage"
    # Private: no ACL on upload (the bucket's own applies), signed short-lived URLs only,
    # and an existing name is never overwritten.
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 60
    assert options["file_overwrite"] is False
    assert options["addressing_style"] == "path"
    local = s3_storage_options("", "")
    assert local == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_storage_s3_objects_are_private_and_urls_are_signed_and_short_lived(s3_storage):
    name = default_storage.save("conversations/letter", ContentFile(b"%PDF-1.4 private"))
    assert bucket_keys(s3_storage.client, s3_storage.bucket) == [name]
    status, _ = _get(f"{s3_storage.endpoint}/{s3_storage.bucket}/{name}")
    assert status == 403
    signed = default_storage.url(name)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=60" in signed
    assert _get(signed) == (200, b"%PDF-1.4 private")
    # A second file of the same name gets a name of its own.
    other = default_storage.save("conversations/letter", ContentFile(b"another"))
    assert other != name
    with default_storage.open(name) as handle:
        assert handle.read() == b"%PDF-1.4 private"


@pytest.mark.django_db
def test_storage_s3_attachment_streams_through_the_view_with_its_access_check(
    world, login, s3_storage
):
    path = default_storage.save("conversations/abc123", ContentFile(b"%PDF-1.4 letter"))
    item = attachment(message=incoming(case=world.case), path=path, size=15)
    url = reverse("conversations:attachment", args=[world.case.pk, item.pk])
    response = login(world.reader).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 letter"
    assert login(world.outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_storage_s3_welcome_pack_is_stored_sent_and_erased(
    world, s3_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        welcome_pack_request(case=world.case, actor=world.owner)
    pack = WelcomePack.objects.get(case=world.case)
    assert pack.status == WelcomePack.Status.QUEUED
    assert bucket_keys(s3_storage.client, s3_storage.bucket) == [pack.file.name]
    stored = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=pack.file.name)
    content = stored["Body"].read()
    assert content.startswith(b"%PDF")
    # The outbox read the attachment back from the bucket for the e-mail.
    [sent] = mail.outbox
    [(_filename, attached, mimetype)] = sent.attachments
    assert (attached, mimetype) == (content, "application/pdf")
    # Erasure deletes the stored pack from the bucket once it commits.
    with django_capture_on_commit_callbacks(execute=True):
        newcomer_erase(newcomer=world.newcomer, actor=world.coordinator, reason="asked")
    assert bucket_keys(s3_storage.client, s3_storage.bucket) == []
