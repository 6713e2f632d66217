"""The mailbox poll: against a real dovecot (marked `imap`), and its pieces without one
(connection security, OAuth2/XOAUTH2, the task, the command, .env.example)."""

import imaplib
import re
import smtplib
import ssl
import traceback
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

from conversations import mailbox, receive
from conversations.mailbox import MailboxError, mailbox_poll
from conversations.models import InboundEmail
from conversations.tasks import POLL_STOP_AFTER, conversations_poll
from tests.conversations.conftest import UTF8_PASSWORD, UTF8_USER, OAuth2Server

imap = pytest.mark.imap
SEEN = b"\\Seen"
FLAGGED = b"\\Flagged"


def mail(n: int, *, sender: str = "olena@example.org", padding: int = 0) -> bytes:
    message = EmailMessage()
    message["From"] = f"Olena Kovalenko <{sender}>"
    message["To"] = "team@tilflytt.test"
    message["Subject"] = f"Spørsmål om barnehage {n}"
    message["Message-ID"] = f"<m{n}@example.org>"
    message["Date"] = "Fri, 27 Nov 2026 10:00:00 +0100"
    message.set_content(f"Hei, dette er melding {n}.\n" + "Vedlegg.\n" * padding)
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
def test_mailbox_poll_time_limit_flags_the_mail_and_the_next_poll_goes_on(dovecot, inbound, caplog):
    """Left unflagged, the oldest unseen mail would be fetched first by every poll and the
    time limit would hit it every minute: no later mail would ever be read."""
    dovecot.append(mail(1))
    dovecot.append(mail(2))
    inbound.failing["<m1@example.org>"] = SoftTimeLimitExceeded()

    with pytest.raises(SoftTimeLimitExceeded):
        mailbox_poll()

    assert dovecot.flags() == {mid(1): {FLAGGED}, mid(2): set()}
    assert "uid 1 not processed within the poll's time limit" in caplog.text
    assert "olena" not in caplog.text.lower()

    inbound.failing.clear()
    second = mailbox_poll()

    assert (second.seen, second.processed) == (1, 1)
    assert inbound.calls == ["<m1@example.org>", "<m2@example.org>"]
    assert dovecot.flags() == {mid(1): {FLAGGED}, mid(2): {SEEN}}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


@imap
@pytest.mark.django_db
def test_mailbox_poll_starts_no_mail_after_stop_after(dovecot, inbound, monkeypatch):
    """So that the mail the soft time limit hits has had the rest of the time to itself."""
    for n in (1, 2, 3):
        dovecot.append(mail(n))
    clock = Clock()
    monkeypatch.setattr(mailbox, "time", clock)
    recorded = receive.inbound_process

    def slow(*, raw):
        clock.now += 50
        return recorded(raw=raw)

    monkeypatch.setattr(receive, "inbound_process", slow)

    result = mailbox_poll(stop_after=75)  # m1 starts at 0 s, m2 at 50 s, m3 would at 100 s

    assert (result.seen, result.processed) == (2, 2)
    assert dovecot.flags() == {mid(1): {SEEN}, mid(2): {SEEN}, mid(3): set()}


@imap
@pytest.mark.django_db
def test_mailbox_poll_flags_a_mail_above_the_size_cap_without_fetching_it(
    dovecot, inbound, settings, monkeypatch, caplog
):
    dovecot.append(mail(1))
    dovecot.append(mail(2, padding=1000))  # about 9 kB
    dovecot.append(mail(3))
    settings.IMAP_MAX_MESSAGE_BYTES = 5000
    real_uid = imaplib.IMAP4.uid
    fetched = []

    def uid(self, command, *args):
        if command == "FETCH" and "BODY.PEEK[]" in args[1]:
            fetched.append(args[0])
        return real_uid(self, command, *args)

    monkeypatch.setattr(imaplib.IMAP4, "uid", uid)

    dry = mailbox_poll(dry_run=True)

    assert (dry.seen, dry.too_large) == (2, 1)
    assert dovecot.flags() == {mid(1): set(), mid(2): set(), mid(3): set()}

    fetched.clear()
    first = mailbox_poll()
    second = mailbox_poll()

    assert (first.seen, first.processed, first.too_large, first.failed) == (2, 2, 1, 0)
    assert fetched == ["1", "3"]
    assert inbound.calls == ["<m1@example.org>", "<m3@example.org>"]
    assert dovecot.flags() == {mid(1): {SEEN}, mid(2): {FLAGGED}, mid(3): {SEEN}}
    assert re.search(r"mail uid 2 is \d+ bytes, above IMAP_MAX_MESSAGE_BYTES", caplog.text)
    assert "olena" not in caplog.text.lower()
    assert "barnehage" not in caplog.text
    assert (second.seen, second.too_large) == (0, 0)  # flagged: a person's now


def test_imap_max_message_bytes_defaults_to_25_mib():
    assert django_settings.IMAP_MAX_MESSAGE_BYTES == 25 * 1024 * 1024


@imap
@pytest.mark.django_db
def test_mailbox_poll_flags_a_held_mail_for_a_person(dovecot, inbound, caplog):
    dovecot.append(mail(1))
    dovecot.append(mail(2))
    inbound.failing["<m1@example.org>"] = receive.InboundHeld("olena@example.org: 3 cases")

    first = mailbox_poll()
    second = mailbox_poll()

    assert (first.seen, first.processed, first.held, first.failed) == (2, 1, 1, 0)
    assert dovecot.flags() == {mid(1): {FLAGGED}, mid(2): {SEEN}}
    assert "mail uid 1 held for a person" in caplog.text
    assert "olena" not in caplog.text.lower()
    assert second.seen == 0


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
    assert out.getvalue().strip() == "Would process 1 unseen mails and flag 0 too large ones."
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

    assert out.getvalue().strip() == (
        "Read 1: processed 1, duplicates 0, held 0, failed 0; 0 too large, flagged."
    )
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
@pytest.mark.django_db
def test_mailbox_poll_logs_in_with_a_non_ascii_password(dovecot, inbound, settings):
    """IMAP LOGIN sends ASCII only: this needs AUTHENTICATE PLAIN (UTF-8)."""
    settings.IMAP_USER, settings.IMAP_PASSWORD = UTF8_USER, UTF8_PASSWORD
    with smtplib.LMTP(dovecot.host, dovecot.lmtp_port, timeout=30) as lmtp:
        lmtp.sendmail("olena@example.org", [UTF8_USER], mail(1))

    assert mailbox_poll().processed == 1
    assert inbound.calls == ["<m1@example.org>"]


def _traces(text: str, password: str) -> list[str]:
    """The password's 4-character pieces and its non-ASCII characters (also as the \\xe5
    escapes a UnicodeEncodeError quotes) that occur in text. A traceback's file paths are
    left out: a checkout under, say, /work/wt-merge/ holds "t-me" of "...med-fløte"."""
    text = re.sub(r'File "[^"]*"', 'File ""', text)
    pieces = {password[i : i + 4] for i in range(len(password) - 3)}
    for char in password:
        if not char.isascii():
            pieces |= {char, ascii(char)[1:-1]}
    return sorted(piece for piece in pieces if piece in text)


@imap
def test_mailbox_poll_wrong_password_is_refused_without_a_trace_of_it(dovecot, settings, caplog):
    settings.IMAP_PASSWORD = UTF8_PASSWORD  # another mailbox's: wrong for this user

    with pytest.raises(MailboxError) as raised:
        conversations_poll.apply().get()

    assert str(raised.value) == "IMAP login refused (AUTHENTICATIONFAILED)"
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    told = "".join(traceback.format_exception(raised.value)) + caplog.text
    assert _traces(told, UTF8_PASSWORD) == []


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
    with pytest.raises(MailboxError, match=r"^IMAP login refused \(AUTHENTICATIONFAILED\)$"):
        mailbox_poll()


# --- Without a server ---------------------------------------------------------------------


class FakeIMAP:
    """Stands in for imaplib's classes: records how it was made and what it was asked."""

    made: list["FakeIMAP"] = []

    capabilities = ("IMAP4REV1", "AUTH=PLAIN")
    refusal: str | None = None  # the text of a NO to AUTHENTICATE

    def __init__(self, host, port, *, ssl_context=None, timeout=None):
        self.kind = type(self).__name__
        self.host, self.port, self.timeout = host, port, timeout
        self.ssl_context = ssl_context
        self.starttls_context = None
        self.authenticated = None
        self.logged_in = None
        FakeIMAP.made.append(self)

    def starttls(self, ssl_context=None):
        self.starttls_context = ssl_context

    def authenticate(self, mechanism, authobject):
        self.authenticated = (mechanism, authobject(b""), authobject(b'{"status":"401"}'))
        if self.refusal is not None:
            raise mailbox.IMAP_ERROR(self.refusal)

    def login(self, user, password):
        self.logged_in = (user, password)


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


def test_mailbox_login_sends_the_password_utf8_encoded_with_authenticate_plain(fake_imap, settings):
    settings.IMAP_USER, settings.IMAP_PASSWORD = "team@example.org", "Rødgrøt-med-fløte-7"
    conn = mailbox.mailbox_connect()
    mailbox.mailbox_login(conn)
    assert conn.authenticated == ("PLAIN", "\0team@example.org\0Rødgrøt-med-fløte-7".encode(), b"")
    assert conn.logged_in is None


def test_mailbox_login_refusal_does_not_pass_on_the_servers_text(fake_imap, settings, monkeypatch):
    settings.IMAP_USER, settings.IMAP_PASSWORD = "team@example.org", "Rødgrøt-med-fløte-7"
    monkeypatch.setattr(
        FakeIMAP, "refusal", "[AUTHENTICATIONFAILED] Bad password Rødgrøt-med-fløte-7"
    )
    with pytest.raises(MailboxError) as raised:
        mailbox.mailbox_login(mailbox.mailbox_connect())
    assert str(raised.value) == "IMAP login refused (AUTHENTICATIONFAILED)"
    assert _traces("".join(traceback.format_exception(raised.value)), "Rødgrøt-med-fløte-7") == []


def test_mailbox_login_credentials_that_cannot_be_encoded_leave_no_trace(fake_imap, settings):
    settings.IMAP_PASSWORD = "Rødgrøt-\udcc3\udcb8-7"  # undecodable bytes in the environment
    with pytest.raises(MailboxError, match="could not be sent") as raised:
        mailbox.mailbox_login(mailbox.mailbox_connect())
    told = "".join(traceback.format_exception(raised.value))
    assert _traces(told, "Rødgrøt-\udcc3\udcb8-7") == []


def test_mailbox_login_without_auth_plain_uses_login_for_ascii_only(
    fake_imap, settings, monkeypatch
):
    monkeypatch.setattr(FakeIMAP, "capabilities", ("IMAP4REV1",))
    settings.IMAP_USER, settings.IMAP_PASSWORD = "team@example.org", "ascii-only-2026"
    conn = mailbox.mailbox_connect()
    mailbox.mailbox_login(conn)
    assert conn.logged_in == ("team@example.org", "ascii-only-2026")

    settings.IMAP_PASSWORD = "Rødgrøt-med-fløte-7"
    conn = mailbox.mailbox_connect()
    with pytest.raises(MailboxError, match="no AUTHENTICATE PLAIN") as raised:
        mailbox.mailbox_login(conn)
    assert conn.logged_in is None
    assert _traces(str(raised.value), "Rødgrøt-med-fløte-7") == []


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


def test_conversations_poll_task_stops_taking_mail_before_its_soft_time_limit(
    settings, monkeypatch
):
    settings.IMAP_HOST = "imap.example.org"
    called = []
    monkeypatch.setattr("conversations.tasks.mailbox_poll", lambda **kw: called.append(kw))
    conversations_poll.apply().get()
    assert called == [{"stop_after": POLL_STOP_AFTER}]
    assert 0 < POLL_STOP_AFTER < conversations_poll.soft_time_limit


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
