"""Two workers on one e-mail at the same moment: the claim lets exactly one send it."""

import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, connections

from outbox.models import OutboundEmail
from outbox.services import email_send_one

WORKERS = 2
ROUNDS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, available_apps=["outbox"])
def test_email_send_one_two_threads_send_once(queue_without_case):
    assert connection.vendor == "postgresql"
    with mock.patch("outbox.tasks.outbox_send.delay"):  # autocommit: it would run at once
        emails = [queue_without_case() for _ in range(ROUNDS)]
    assert mail.outbox == []
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def send(email_id: int, start: threading.Barrier) -> None:
        try:
            start.wait()
            sent = email_send_one(email_id=email_id)
            with lock:
                results.append((email_id, sent))
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    for email in emails:
        start = threading.Barrier(WORKERS)
        threads = [threading.Thread(target=send, args=(email.pk, start)) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert errors == []
    for email in emails:
        assert sorted(sent for pk, sent in results if pk == email.pk) == [False, True]
    assert len(mail.outbox) == ROUNDS
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        e.message_id for e in emails
    )
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {("sent", 1)}
