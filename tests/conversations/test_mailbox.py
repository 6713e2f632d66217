"""The mailbox poll: against a real dovecot (marked `imap`), and its pieces without one
(connection security, OAuth2/XOAUTH2, the task, the command, .env.example)."""

import imaplib
import re
import smtplib
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from io import StringIO
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from conversations import mailbox
from conversations.mailbox import MailboxError, mailbox_poll
from conversations.models import InboundEmail
from conversations.tasks import conversations_poll
from tests.conversations.conftest import OAuth2Server

imap = pytest.mark.imap
SEEN = b"\\Seen"
FLAGGED = b"\\Flagged"


def mail(n: int, *, sender: str = "olena@example.org") -> bytes:
    message = EmailMessage()
    message["From"] = f"Olena Kovalenko <{sender}>"
    message["To"] = "team@tilflytt.test"
    message["Subject"] = f"Spørsmål om barnehage {n}"
    message["Message-ID"] = f"<m{n}@example.org>"
    message["Date"] = "Fri, 27 Nov 2026 10:00:00 +0100"
    message.set_content(f"Hei, dette er melding {n}.\n")
    return bytes(message)


def mid(n: int) -> bytes:
    return f"<m{n}@example.org>".encode()


# --- Against dovecot ----------------------------------------------------------------------


@imap
@pytest.mark.django_db
def test_mailbox_poll_processes_each_mail_once_and_marks_it_seen(dovecot, inbound):
    dovecot.append(mail(1))
    with smtplib.LMTP(dovecot.host, dovecot.lmtp_port, timeout=30) as lmtp:
        lmtp.sendmail("olena@example.org", [dovecot.user], mail(2))

    first = mailbox_poll()
    second = mailbox_poll()

    assert (first.seen, first.processed, first.duplicates, first.failed) == (2, 2, 0, 0)
    assert (second.seen, second.processed) == (0, 0)
    assert inbound.calls == ["<m1@example.org>", "<m2@example.org>"]
    assert InboundEmail.objects.count() == 2
    assert dovecot.flags() == {mid(1): {SEEN}, mid(2): {SEEN}}


@imap
@pytest.mark.django_db
def test_mailbox_poll_leaves_a_mail_unseen_after_a_transient_error_and_goes_on(
    dovecot, inbound, caplog
):
    for n in (1, 2, 3):
        dovecot.append(mail(n))
    inbound.failing["<m2@example.org>"] = OperationalError("database is locked")

    first = mailbox_poll()

    assert (first.seen, first.processed, first.failed) == (3, 2, 1)
    assert dovecot.flags() == {mid(1): {SEEN}, mid(2): set(), mid(3): {SEEN}}
    assert "uid 2 not processed (OperationalError at " in caplog.text
    # No personal data in the log: neither the address nor the subject nor the text.
    assert "olena" not in caplog.text.lower()
    assert "barnehage" not in caplog.text
    assert "locked" not in caplog.text

    inbound.failing.clear()
    second = mailbox_poll()

    assert (second.seen, second.processed, second.failed) == (1, 1, 0)
    assert dovecot.flags()[mid(2)] == {SEEN}
    assert InboundEmail.objects.count() == 3


@imap
@pytest.mark.django_db
def test_mailbox_poll_flags_a_mail_that_breaks_processing_and_stops_trying_it(
    dovecot, inbound, caplog
):
    dovecot.append(mail(1))
    dovecot.append(mail(2))
    inbound.failing["<m1@example.org>"] = ValueError("cannot read olena@example.org")

    first = mailbox_poll()
    second = mailbox_poll()

    assert (first.seen, first.processed, first.failed) == (2, 1, 1)
    assert dovecot.flags() == {mid(1): {FLAGGED}, mid(2): {SEEN}}
    assert "flagged and left unseen" in caplog.text
    assert "olena" not in caplog.text.lower()
    # Given up on: the next poll does not fetch it again.
    assert second.seen == 0
    assert inbound.calls == ["<m1@example.org>", "<m2@example.org>"]

    # A person fixed the cause and removed the flag: processed by the next poll.
    inbound.failing.clear()
    with dovecot.imap() as conn:
        conn.uid("STORE", "1", "-FLAGS", r"(\Flagged)")
    third = mailbox_poll()

    assert (third.seen, third.processed) == (1, 1)
    assert dovecot.flags()[mid(1)] == {SEEN}


@imap
@pytest.mark.django_db
def test_mailbox_poll_time_limit_is_not_blamed_on_the_mail(dovecot, inbound):
    dovecot.append(mail(1))
    inbound.failing["<m1@example.org>"] = SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        mailbox_poll()

    assert dovecot.flags() == {mid(1): set()}  # neither seen nor flagged: read next time


@imap
@pytest.mark.django_db
def test_mailbox_poll_crash_after_commit_before_seen_gives_a_duplicate_not_a_double(
    dovecot, inbound, monkeypatch
):
    """The poll dies after inbound_process committed, before STORE \\Seen (here: the
    connection drops at the STORE)."""
    dovecot.append(mail(1))
    real_uid = imaplib.IMAP4.uid
    stores = []

    def uid(self, command, *args):
        if command == "STORE" and not stores:
            stores.append(args)
            raise imaplib.IMAP4.abort("connection dropped (simulated)")
        return real_uid(self, command, *args)

    monkeypatch.setattr(imaplib.IMAP4, "uid", uid)

    with pytest.raises(imaplib.IMAP4.abort):
        mailbox_poll()

    assert InboundEmail.objects.count() == 1
    assert dovecot.flags() == {mid(1): set()}  # committed, but still unseen

    again = mailbox_poll()

    assert (again.seen, again.processed, again.duplicates) == (1, 0, 1)
    assert inbound.results == [True, False]
    assert InboundEmail.objects.count() == 1
    assert dovecot.flags() == {mid(1): {SEEN}}


@imap
@pytest.mark.django_db
def test_mailbox_poll_reads_a_batch_oldest_first(dovecot, inbound, settings):
    for n in (1, 2, 3):
        dovecot.append(mail(n))
    settings.IMAP_POLL_BATCH = 2

    first = mailbox_poll()
    assert first.processed == 2
    assert inbound.calls == ["<m1@example.org>", "<m2@example.org>"]
    assert dovecot.flags()[mid(3)] == set()

    assert mailbox_poll(limit=1).processed == 1
    assert mailbox_poll().seen == 0


@imap
@pytest.mark.django_db
def test_mailbox_poll_dry_run_changes_nothing(dovecot, inbound):
    dovecot.append(mail(1))
    dovecot.append(mail(2))

    result = mailbox_poll(dry_run=True)
    out = StringIO()
    call_command("poll_mailbox", "--dry-run", "--limit", "1", stdout=out)

    assert (result.seen, result.processed, result.failed) == (2, 0, 0)
    assert out.getvalue().strip() == "Would process 1 unseen mails."
    assert inbound.calls == []
    assert InboundEmail.objects.count() == 0
    assert dovecot.flags() == {mid(1): set(), mid(2): set()}


@imap
@pytest.mark.django_db
def test_poll_mailbox_command_reports_counts(dovecot, inbound):
    dovecot.append(mail(1))
    dovecot.append(mail(2))
    out = StringIO()

    call_command("poll_mailbox", "--limit", "1", stdout=out)

    assert out.getvalue().strip() == "Read 1: processed 1, duplicates 0, failed 0."
    assert dovecot.flags() == {mid(1): {SEEN}, mid(2): set()}


@imap
@pytest.mark.django_db
def test_conversations_poll_task_polls_the_mailbox(dovecot, inbound):
    dovecot.append(mail(1))

    conversations_poll.apply().get()

    assert dovecot.flags() == {mid(1): {SEEN}}


@imap
def test_mailbox_connect_keeps_a_timeout_on_the_socket(dovecot):
    conn = mailbox.mailbox_connect()
    try:
        assert conn.sock.gettimeout() == mailbox.TIMEOUT
    finally:
        conn.logout()


@imap
def test_mailbox_poll_wrong_password_is_an_error(dovecot, settings):
    settings.IMAP_PASSWORD = "wrong"
    with pytest.raises(imaplib.IMAP4.error):
        mailbox_poll()


@imap
@pytest.mark.django_db
def test_mailbox_poll_logs_in_with_xoauth2_and_a_client_credentials_token(
    dovecot, oauth2, inbound, settings
):
    """dovecot checks the token with the OAuth2 server (introspection), as Microsoft 365
    checks its own."""
    settings.IMAP_OAUTH2_TOKEN_URL = oauth2.token_url
    settings.IMAP_OAUTH2_CLIENT_ID = "client-id"
    settings.IMAP_OAUTH2_CLIENT_SECRET = "client-secret-value"
    settings.IMAP_PASSWORD = ""
    dovecot.append(mail(1))

    assert mailbox_poll().processed == 1
    assert oauth2.introspected == [oauth2.issued]


@imap
def test_mailbox_poll_refused_token_is_an_error(dovecot, oauth2, settings):
    settings.IMAP_OAUTH2_TOKEN_URL = oauth2.token_url
    oauth2.valid = "another-token"
    with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
        mailbox_poll()


# --- Without a server ---------------------------------------------------------------------


class FakeIMAP:
    """Stands in for imaplib's classes: records how it was made and what it was asked."""

    made: list["FakeIMAP"] = []

    def __init__(self, host, port, *, ssl_context=None, timeout=None):
        self.kind = type(self).__name__
        self.host, self.port, self.timeout = host, port, timeout
        self.ssl_context = ssl_context
        self.starttls_context = None
        self.authenticated = None
        FakeIMAP.made.append(self)

    def starttls(self, ssl_context=None):
        self.starttls_context = ssl_context

    def authenticate(self, mechanism, authobject):
        self.authenticated = (mechanism, authobject(b""), authobject(b'{"status":"401"}'))


class FakeIMAP4_SSL(FakeIMAP):
    pass


@pytest.fixture
def fake_imap(monkeypatch, settings) -> Iterator[type[FakeIMAP]]:
    FakeIMAP.made = []
    monkeypatch.setattr(imaplib, "IMAP4", FakeIMAP)
    monkeypatch.setattr(imaplib, "IMAP4_SSL", FakeIMAP4_SSL)
    settings.IMAP_HOST = "imap.example.org"
    yield FakeIMAP


def _verifies(context: ssl.SSLContext) -> bool:
    return context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_mailbox_connect_ssl_uses_imap4_ssl_with_the_default_context(fake_imap, settings):
    settings.IMAP_SECURITY, settings.IMAP_PORT = "ssl", 993
    conn = mailbox.mailbox_connect()
    assert (conn.kind, conn.host, conn.port) == ("FakeIMAP4_SSL", "imap.example.org", 993)
    assert _verifies(conn.ssl_context)
    assert conn.timeout == mailbox.TIMEOUT


def test_mailbox_connect_starttls_upgrades_before_login(fake_imap, settings):
    settings.IMAP_SECURITY, settings.IMAP_PORT = "starttls", 143
    conn = mailbox.mailbox_connect()
    assert (conn.kind, conn.port, conn.timeout) == ("FakeIMAP", 143, mailbox.TIMEOUT)
    assert _verifies(conn.starttls_context)


def test_mailbox_connect_none_only_to_loopback(fake_imap, settings):
    settings.IMAP_SECURITY, settings.IMAP_PORT = "none", 143
    with pytest.raises(ImproperlyConfigured, match="loopback"):
        mailbox.mailbox_connect()
    assert fake_imap.made == []

    settings.IMAP_HOST = "127.0.0.1"
    conn = mailbox.mailbox_connect()
    assert (conn.kind, conn.starttls_context) == ("FakeIMAP", None)


def test_xoauth2_string_is_the_sasl_initial_response():
    assert mailbox.xoauth2_string(user="team@example.org", token="ya29.t0k") == (
        b"user=team@example.org\x01auth=Bearer ya29.t0k\x01\x01"
    )


@pytest.fixture
def token_endpoint(oauth2, settings) -> OAuth2Server:
    settings.IMAP_OAUTH2_TOKEN_URL = oauth2.token_url
    settings.IMAP_OAUTH2_CLIENT_ID = "client-id"
    settings.IMAP_OAUTH2_CLIENT_SECRET = "client-secret-value"
    settings.IMAP_OAUTH2_SCOPE = "https://outlook.office365.com/.default"
    settings.IMAP_USER = "team@example.org"
    return oauth2


def test_oauth2_token_fetch_posts_the_client_credentials_form(token_endpoint):
    assert mailbox.oauth2_token_fetch() == token_endpoint.issued
    [(headers, form)] = token_endpoint.posted
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": ["client-id"],
        "client_secret": ["client-secret-value"],
        "scope": ["https://outlook.office365.com/.default"],
    }


def test_mailbox_login_authenticates_with_xoauth2_and_the_fetched_token(
    token_endpoint, fake_imap, settings
):
    settings.IMAP_SECURITY = "ssl"
    conn = mailbox.mailbox_connect()
    mailbox.mailbox_login(conn)
    mechanism, first, second = conn.authenticated
    assert mechanism == "XOAUTH2"
    assert first == f"user=team@example.org\x01auth=Bearer {token_endpoint.issued}\x01\x01".encode()
    assert second == b""  # a refused token's error challenge gets the empty answer


def test_oauth2_token_fetch_errors_name_the_problem_not_the_secret(token_endpoint):
    token_endpoint.token_reply = (
        401,
        {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid secret."},
    )
    with pytest.raises(MailboxError) as raised:
        mailbox.oauth2_token_fetch()
    assert str(raised.value) == (
        "OAuth2 token endpoint answered 401: invalid_client AADSTS7000215: Invalid secret."
    )
    assert "client-secret-value" not in str(raised.value)

    token_endpoint.token_reply = (200, {"token_type": "Bearer"})
    with pytest.raises(MailboxError, match="without an access_token"):
        mailbox.oauth2_token_fetch()


def test_oauth2_token_fetch_unreachable_endpoint(token_endpoint, settings):
    settings.IMAP_OAUTH2_TOKEN_URL = "http://127.0.0.1:9/token"  # discard: nothing listens
    with pytest.raises(MailboxError, match="not usable: URLError"):
        mailbox.oauth2_token_fetch()


def test_oauth2_token_fetch_refuses_plain_http_beyond_loopback(settings):
    settings.IMAP_OAUTH2_TOKEN_URL = "http://login.example.org/token"
    with pytest.raises(ImproperlyConfigured, match="https"):
        mailbox.oauth2_token_fetch()


def test_conversations_poll_does_nothing_without_imap_host(settings, monkeypatch):
    settings.IMAP_HOST = None

    def poll(**kwargs):
        raise AssertionError("polled without IMAP_HOST")

    monkeypatch.setattr("conversations.tasks.mailbox_poll", poll)
    assert conversations_poll.apply().get() is None


def test_poll_mailbox_command_without_imap_host(settings):
    settings.IMAP_HOST = None
    with pytest.raises(CommandError, match="IMAP_HOST is not set"):
        call_command("poll_mailbox")


def test_poll_mailbox_command_refuses_a_limit_below_one():
    with pytest.raises(CommandError, match="at least 1"):
        call_command("poll_mailbox", "--limit", "0")


def test_env_example_lists_every_conversations_variable():
    base = Path(django_settings.BASE_DIR)
    source = (base / "config" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\("((?:IMAP|CONVERSATIONS)_\w+)"', source))
    listed = set(re.findall(r"^#? ?(\w+)=", (base / ".env.example").read_text(), re.M))
    assert read, "no IMAP_/CONVERSATIONS_ variables found in settings"
    assert read - listed == set()
