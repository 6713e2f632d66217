"""The uploaded file, kept in the file storage only for the length of one import.

It is stored under a generated name (never the uploader's file name), tied to the
session, and deleted after the real run, on cancel, when the same person uploads another
file, or by `manage.py imports_prune` once older than a session can live.
"""

import uuid
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils import timezone

from imports.reading import FileProblem, csv_rows, encoding_detect, file_kind, xlsx_rows

SESSION_KEY = "imports.upload"
REPORT_KEY = "imports.report"
FOLDER = "imports"


def upload_store(
    request: HttpRequest, upload: UploadedFile, *, what: str = "newcomers"
) -> dict[str, Any]:
    """Stores the file, reads its header, and remembers both in the session. Raises
    FileProblem (and keeps nothing) when the file cannot be read."""
    head = upload.read(8)
    upload.seek(0)
    kind = file_kind(upload.name or "", head)
    name = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}.{kind}", upload)
    try:
        encoding = ""
        if kind == "csv":
            with default_storage.open(name, "rb") as stream:
                encoding = encoding_detect(stream)
        headers = headers_read(name=name, kind=kind, encoding=encoding)
    except FileProblem:
        default_storage.delete(name)
        raise
    upload_forget(request)
    state = {"file": name, "kind": kind, "encoding": encoding, "headers": headers, "what": what}
    request.session[SESSION_KEY] = state
    return state


def headers_read(*, name: str, kind: str, encoding: str) -> list[str]:
    streams: list[IO[bytes]] = [default_storage.open(name, "rb")]
    try:
        if kind == "xlsx":
            streams.append(default_storage.open(name, "rb"))
            headers, _rows = xlsx_rows(streams[0], streams[1])
        else:
            headers, _rows = csv_rows(streams[0], encoding)
    finally:
        for stream in streams:
            stream.close()
    return headers


def upload_state(request: HttpRequest) -> dict[str, Any] | None:
    state = request.session.get(SESSION_KEY)
    if state and default_storage.exists(state["file"]):
        return dict(state)
    return None


def upload_opener(state: dict[str, Any]) -> Any:
    return lambda: default_storage.open(state["file"], "rb")


def upload_forget(request: HttpRequest) -> None:
    """Deletes the session's file, if any, and forgets it."""
    state = request.session.pop(SESSION_KEY, None)
    if state and default_storage.exists(state["file"]):
        default_storage.delete(state["file"])


def uploads_prune() -> int:
    """Deletes stored uploads older than a session can live; returns how many."""
    if not default_storage.exists(FOLDER):
        return 0
    cutoff = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    _dirs, files = default_storage.listdir(FOLDER)
    deleted = 0
    for filename in files:
        name = f"{FOLDER}/{filename}"
        if default_storage.get_modified_time(name) < cutoff:
            default_storage.delete(name)
            deleted += 1
    return deleted
