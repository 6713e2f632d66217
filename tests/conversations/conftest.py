"""Conversation fixtures: a real IMAP and LMTP server (Debian's dovecot) on loopback.

- `dovecot` starts a dovecot of its own (`dovecot -F -c <tmp>/dovecot.conf`) on free
  loopback ports (IMAP and LMTP), with the test user (and UTF8_USER, whose password has
  æøå), plaintext login (ssl = no) and a maildir in a temporary folder; it never touches
  /etc/dovecot or a system dovecot on port 143. The Django settings IMAP_* point at it
  (pytest-django's `settings`).
- `oauth2` is a token endpoint on loopback; dovecot accepts XOAUTH2 with the tokens it
  issues (it asks the same server, by RFC 7662 introspection), as Microsoft 365 would.
- `inbound` records (and can make fail) each call of conversations.receive.inbound_process.
- Without dovecot the tests that use it are skipped (the `imap` marker, tests/conftest.py);
  with CI=true a missing dovecot fails them, so CI cannot pass without really running them.
  `.ci/run` installs it (dovecot-imapd dovecot-lmtpd).
- As root (CI), the master runs as root with the packaged dovecot and dovenull users and
  the mail belongs to `nobody` (dovecot refuses uid 0 for mail). Otherwise every process
  and the mail are the current user's.
"""

import email
import imaplib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from conversations import receive
from conversations.receive import InboundResult

DOVECOT = os.environ.get("DOVECOT") or shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "team@tilflytt.test"
PASSWORD = "mailbox-test-password"
# A second mailbox whose password is not ASCII (IMAP LOGIN cannot send it; AUTHENTICATE
# PLAIN can). dovecot's PLAIN scheme compares the UTF-8 bytes.
UTF8_USER = "postkasse@tilflytt.test"
UTF8_PASSWORD = "Blåbærsyltetøy-Ærlig"
WAIT = 30  # seconds


def dovecot_installed() -> bool:
    return Path(DOVECOT).is_file() and os.access(DOVECOT, os.X_OK)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config(root: Path, *, imap_port: int, lmtp_port: int) -> tuple[str, pwd.struct_passwd]:
    if os.geteuid() == 0:
        internal, login = "dovecot", "dovenull"
        mail = pwd.getpwnam("nobody")
    else:
        mail = pwd.getpwuid(os.geteuid())
        internal = login = mail.pw_name
    return (
        f"""\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = tilflytt-test-{imap_port}
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
default_internal_user = {internal}
default_login_user = {login}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/oauth2.conf
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail.pw_uid} gid={mail.pw_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
""",
        mail,
    )


def _oauth2_config(introspection_url: str) -> str:
    """dovecot asks the OAuth2 server whether a token is active and whose it is (RFC 7662)."""
    return f"""\
introspection_mode = post
introspection_url = {introspection_url}
username_attribute = username
active_attribute = active
active_value = true
"""


def _answers(port: int) -> bool:
    """The IMAP greeting arrives (a bound port alone may not serve yet)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            return sock.recv(4).startswith(b"* OK")
    except OSError:
        return False


@dataclass
class Dovecot:
    host: str
    imap_port: int
    lmtp_port: int
    user: str
    password: str
    root: Path

    def imap(self) -> imaplib.IMAP4:
        """A logged-in connection with INBOX selected, for the tests' own checks."""
        conn = imaplib.IMAP4(self.host, self.imap_port, timeout=WAIT)
        conn.login(self.user, self.password)
        conn.select("INBOX")
        return conn

    def append(self, raw: bytes) -> None:
        """Puts a mail into INBOX, unseen."""
        with self.imap() as conn:  # logs out on leaving
            status, _ = conn.append("INBOX", None, None, raw)
        assert status == "OK"

    def flags(self) -> dict[bytes, set[bytes]]:
        """Message-ID -> flags of every mail in INBOX."""
        with self.imap() as conn:
            _, data = conn.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        found = {}
        for part in data:
            if isinstance(part, tuple):
                meta, header = part
                flags = meta.split(b"FLAGS (", 1)[1].split(b")", 1)[0].split()
                message_id = header.split(b":", 1)[1].strip()
                found[message_id] = set(flags) - {b"\\Recent"}
        return found

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


class OAuth2Handler(BaseHTTPRequestHandler):
    server: "OAuth2Server"

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        if self.path == "/token":
            self.server.posted.append((dict(self.headers), form))
            status, body = self.server.token_reply
        else:  # /introspect, asked by dovecot
            token = form.get("token", [""])[0]
            self.server.introspected.append(token)
            active = token == self.server.valid
            status, body = 200, {"active": active, **({"username": USER} if active else {})}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


class OAuth2Server(ThreadingHTTPServer):
    """A loopback stand-in for Microsoft Entra ID: /token issues `issued` for the client
    credentials (or answers `token_reply`), /introspect tells dovecot whether a token is
    `valid`. Keeps what was posted to each."""

    issued = "eyJ0.access-token"

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), OAuth2Handler)
        self.posted: list[tuple[dict[str, str], dict[str, list[str]]]] = []
        self.introspected: list[str] = []
        self.token_reply: tuple[int, object] = (
            200,
            {"access_token": self.issued, "token_type": "Bearer", "expires_in": 3599},
        )
        self.valid = self.issued

    @property
    def token_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/token"

    @property
    def introspection_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/introspect"


@pytest.fixture
def oauth2() -> Iterator[OAuth2Server]:
    server = OAuth2Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def dovecot(settings, oauth2) -> Iterator[Dovecot]:
    if not dovecot_installed():
        reason = f"dovecot not found at {DOVECOT} (apt-get install dovecot-imapd dovecot-lmtpd)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    # Not pytest's tmp_path: its parents are private to us, and the mail user (nobody) must
    # reach the maildir.
    root = Path(tempfile.mkdtemp(prefix="tilflytt-dovecot-"))
    process: subprocess.Popen[bytes] | None = None
    try:
        root.chmod(0o755)
        imap_port, lmtp_port = _free_port(), _free_port()
        config, mail_user = _config(root, imap_port=imap_port, lmtp_port=lmtp_port)
        (root / "dovecot.conf").write_text(config)
        (root / "oauth2.conf").write_text(_oauth2_config(oauth2.introspection_url))
        (root / "passwd").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}\n{UTF8_USER}:{{PLAIN}}{UTF8_PASSWORD}\n",
            encoding="utf-8",
        )
        for folder in ("mail", "home"):
            (root / folder).mkdir()
            os.chown(root / folder, mail_user.pw_uid, mail_user.pw_gid)
        process = subprocess.Popen(  # noqa: S603 (the packaged binary, our own config)
            [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = Dovecot("127.0.0.1", imap_port, lmtp_port, USER, PASSWORD, root)
        deadline = time.monotonic() + WAIT
        while not _answers(imap_port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"dovecot did not start\n--- log ---\n{server.log()}")
            time.sleep(0.05)
        settings.IMAP_HOST = server.host
        settings.IMAP_PORT = imap_port
        settings.IMAP_SECURITY = "none"
        settings.IMAP_USER = USER
        settings.IMAP_PASSWORD = PASSWORD
        settings.IMAP_FOLDER = "INBOX"
        settings.IMAP_OAUTH2_TOKEN_URL = None
        settings.CONVERSATIONS_ADDRESS = USER
        yield server
    finally:
        # The master takes its children along on SIGTERM; a hung one goes with its group.
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=WAIT)
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Inbound:
    """Records each call of conversations.receive.inbound_process during a test; a mail
    whose Message-ID is in `failing` raises that exception instead."""

    calls: list[str] = field(default_factory=list)
    results: list[bool] = field(default_factory=list)  # created, per call that returned
    failing: dict[str, BaseException] = field(default_factory=dict)


@pytest.fixture
def inbound(monkeypatch) -> Inbound:
    """Wraps conversations.receive.inbound_process as the poller calls it."""
    process = receive.inbound_process
    record = Inbound()

    def recorded(*, raw: bytes) -> InboundResult:
        message_id = str(email.message_from_bytes(raw, policy=policy.default)["Message-ID"])
        record.calls.append(message_id.strip())
        if message_id.strip() in record.failing:
            raise record.failing[message_id.strip()]
        result = process(raw=raw)
        record.results.append(result.created)
        return result

    monkeypatch.setattr(receive, "inbound_process", recorded)
    return record
