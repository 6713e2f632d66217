"""The mailbox poll's status row (conversations.models.MailboxStatus): what each poll records
(against a real dovecot, marked `imap`), and what coordinators see on "My work"."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

from conversations.mailbox import MailboxError, mailbox_poll
from conversations.models import MailboxStatus
from conversations.selectors import mailbox_status_for_notice
from tests.conversations.conftest import UTF8_PASSWORD
from tests.conversations.test_mailbox import FLAGGED, mail, mid

imap = pytest.mark.imap
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
NOT_READ = "The team mailbox has not been read since"
WAITING = "e-mails in the team mailbox wait for a person (flagged)"
# The notice's frame (conversations/_mailbox_notice.html): "My work" is rendered with Jinja2,
# which sends no template_rendered signal, so the page is read from its HTML.
MAILBOX_NOTICE = '<div class="notice" role="status">'


def _status() -> MailboxStatus:
    return MailboxStatus.objects.get(folder=django_settings.IMAP_FOLDER)


# --- What the poll records ----------------------------------------------------------------


@imap
@pytest.mark.django_db
def test_mailbox_status_records_a_success_and_the_flagged_unseen_mails(dovecot, inbound):
    for n in (1, 2, 3):
        dovecot.append(mail(n))
    inbound.failing["<m2@example.org>"] = ValueError("not a mail we can read")
    # A mail a person flagged and then read does not wait: only unseen and flagged counts.
    with dovecot.imap() as conn:
        conn.uid("STORE", "3", "+FLAGS", r"(\Flagged \Seen)")

    with time_machine.travel(T0, tick=False):
        mailbox_poll()

    assert FLAGGED in dovecot.flags()[mid(2)]
    status = _status()
    assert (status.last_attempt_at, status.last_success_at) == (T0, T0)
    assert status.waiting_for_a_person == 1
    assert status.last_error == ""


@imap
@pytest.mark.django_db
def test_mailbox_status_records_a_refused_login_without_the_password(dovecot, settings):
    with time_machine.travel(T0, tick=False):
        mailbox_poll()
    settings.IMAP_PASSWORD = UTF8_PASSWORD  # another mailbox's: wrong for this user

    with time_machine.travel(T0 + timedelta(minutes=5), tick=False), pytest.raises(MailboxError):
        mailbox_poll()

    status = _status()
    assert status.last_attempt_at == T0 + timedelta(minutes=5)
    assert status.last_success_at == T0  # the last one that worked
    assert status.last_error.startswith("MailboxError at ")
    assert status.last_error.endswith(": IMAP login refused (AUTHENTICATIONFAILED)")
    assert status.error_class == "MailboxError"
    for piece in (UTF8_PASSWORD, UTF8_PASSWORD[:6], settings.IMAP_USER):
        assert piece not in status.last_error

    settings.IMAP_PASSWORD = dovecot.password
    mailbox_poll()
    assert _status().last_error == ""  # cleared by the next success


@imap
@pytest.mark.django_db
def test_mailbox_status_records_an_unknown_folder(dovecot, settings):
    settings.IMAP_FOLDER = "Moved away"
    with pytest.raises(MailboxError):
        mailbox_poll()
    assert _status().last_error.endswith(": IMAP SELECT answered NO")
    assert _status().last_success_at is None


@imap
@pytest.mark.django_db
def test_mailbox_status_dry_run_records_nothing(dovecot, inbound):
    dovecot.append(mail(1))
    assert mailbox_poll(dry_run=True).seen == 1
    assert not MailboxStatus.objects.exists()


@imap
@pytest.mark.django_db
def test_mailbox_status_failing_to_record_does_not_break_the_poll(
    dovecot, inbound, monkeypatch, caplog
):
    def broken(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(MailboxStatus.objects, "update_or_create", broken)
    dovecot.append(mail(1))

    assert mailbox_poll().processed == 1
    assert "mailbox status not recorded (OperationalError" in caplog.text
    assert dovecot.flags() == {mid(1): {b"\\Seen"}}


# --- The notice on "My work" --------------------------------------------------------------


def _english(client, name="cases:mine"):
    with translation.override("en"):
        url = reverse(name)
    return client.get(url)


@pytest.fixture
def broken_mailbox(settings, db):
    settings.IMAP_HOST = "imap.example.org"
    return MailboxStatus.objects.create(
        folder=settings.IMAP_FOLDER,
        last_attempt_at=T0 + timedelta(hours=1),
        last_success_at=T0,
        last_error="MailboxError at conversations/mailbox.py:1: IMAP login refused",
        waiting_for_a_person=2,
    )


def test_mailbox_notice_is_shown_to_a_coordinator(world, login, broken_mailbox):
    with time_machine.travel(T0 + timedelta(hours=1)):
        page = _english(login(world.coordinator)).content.decode()
    assert MAILBOX_NOTICE in page
    assert NOT_READ in page
    assert "MailboxError" in page
    assert "IMAP login refused" not in page  # the class only; the rest is in the admin
    assert f"2 {WAITING}: open the mailbox, handle them, then remove the flag." in page


def test_mailbox_notice_is_not_shown_to_a_member(world, login, broken_mailbox):
    with time_machine.travel(T0 + timedelta(hours=1)):
        response = _english(login(world.owner))
    assert MAILBOX_NOTICE not in response.content.decode()
    assert NOT_READ not in response.content.decode()


def test_mailbox_notice_is_not_shown_without_imap_host(world, login, broken_mailbox, settings):
    settings.IMAP_HOST = None
    response = _english(login(world.coordinator))
    assert MAILBOX_NOTICE not in response.content.decode()
    assert NOT_READ not in response.content.decode()
    assert WAITING not in response.content.decode()


def test_mailbox_notice_when_the_mailbox_was_never_read(world, login, settings):
    settings.IMAP_HOST = "imap.example.org"
    page = _english(login(world.coordinator)).content.decode()
    assert "The team mailbox has not been read yet." in page


@pytest.mark.django_db
def test_mailbox_notice_is_stale_after_15_minutes(settings):
    settings.IMAP_HOST = "imap.example.org"
    MailboxStatus.objects.create(folder=settings.IMAP_FOLDER, last_success_at=T0)

    assert mailbox_status_for_notice(now=T0 + timedelta(minutes=15)) is None
    notice = mailbox_status_for_notice(now=T0 + timedelta(minutes=15, seconds=1))
    assert notice is not None and notice.stale and notice.waiting == 0


def test_mailbox_notice_on_the_page_follows_the_clock(world, login, settings):
    settings.IMAP_HOST = "imap.example.org"
    MailboxStatus.objects.create(folder=settings.IMAP_FOLDER, last_success_at=T0)
    client = login(world.coordinator)
    with time_machine.travel(T0 + timedelta(minutes=14)):
        assert NOT_READ not in _english(client).content.decode()
    with time_machine.travel(T0 + timedelta(minutes=16)):
        assert NOT_READ in _english(client).content.decode()


@pytest.mark.django_db
def test_mailbox_notice_waiting_mail_alone_when_the_poll_is_fresh(settings):
    settings.IMAP_HOST = "imap.example.org"
    MailboxStatus.objects.create(
        folder=settings.IMAP_FOLDER, last_success_at=T0, waiting_for_a_person=1
    )
    notice = mailbox_status_for_notice(now=T0 + timedelta(minutes=1))
    assert notice is not None and not notice.stale and notice.waiting == 1


def test_mailbox_notice_adds_one_query_for_a_coordinator_and_none_for_a_member(
    world, login, broken_mailbox, settings
):
    def count(user, imap_host):
        settings.IMAP_HOST = imap_host
        client = login(user)
        client.get(reverse("cases:mine"))  # warm: session, language
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("cases:mine")).status_code == 200
        return len(ctx.captured_queries)

    assert count(world.coordinator, "imap.example.org") == count(world.coordinator, None) + 1
    assert count(world.owner, "imap.example.org") == count(world.owner, None)


def test_mailbox_notice_strings_are_translatable():
    """The notice's strings go through the catalogue (nothing added to locale/ here)."""
    template = (
        Path(django_settings.BASE_DIR) / "templates" / "conversations" / "_mailbox_notice.html"
    )
    marked = templatize(template.read_text())
    for msgid in (
        "The team mailbox has not been read since %(time)s.",
        "The team mailbox has not been read yet.",
        "Last error: %(error)s.",
        "One e-mail in the team mailbox waits for a person (flagged): open the mailbox, "
        "handle it, then remove the flag.",
        "%(count)s e-mails in the team mailbox wait for a person (flagged): open the "
        "mailbox, handle them, then remove the flag.",
    ):
        assert msgid in marked, msgid


# --- /healthz -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_the_mailbox_without_failing_on_it(client, settings):
    settings.IMAP_HOST = "imap.example.org"
    with time_machine.travel(T0, tick=False):
        assert client.get("/healthz").json()["mailbox"] == "stale"  # never read
        MailboxStatus.objects.create(folder=settings.IMAP_FOLDER, last_success_at=T0)
        response = client.get("/healthz")
        assert (response.status_code, response.json()["mailbox"]) == (200, "ok")
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "mailbox": "stale",
    }
