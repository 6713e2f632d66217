"""Reads the team's mailbox over IMAP and hands each new mail to conversations.receive.

The beat task conversations_poll (every minute) and `manage.py poll_mailbox` (cron) both
call mailbox_poll. The mailbox itself is the queue: a mail is "to do" while it is unseen,
and it becomes seen only after its processing has committed. So the mailbox (or
IMAP_FOLDER) must be Tilflytt's alone: see mailbox_poll.
"""

import contextlib
import imaplib
import ipaddress
import json
import logging
import re
import ssl
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from conversations import receive
from conversations.models import MailboxStatus

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

# Seconds any one socket operation (connect, each IMAP command, the token request) may take.
# imaplib keeps the connect timeout on its socket, so it covers every later command too.
TIMEOUT = 30

# What the unseen mail is searched with: a mail the poller gave up on is flagged (see
# mailbox_poll) and no longer matches.
SEARCH = ("UNSEEN", "UNFLAGGED")
# What waits for a person: mail the poller flagged (held, too large, broken) and left unseen.
WAITING = ("UNSEEN", "FLAGGED")

# Failures of the moment, not of the mail: the database went away or is locked (SQLite),
# the disk or the network failed. Such a mail is simply tried again by the next poll.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, OSError)

# imaplib's exceptions, as they are at import (tests stand in for the IMAP4 class).
IMAP_ERROR, IMAP_ABORT = imaplib.IMAP4.error, imaplib.IMAP4.abort

# One line of a UID FETCH (RFC822.SIZE) answer: b'3 (UID 7 RFC822.SIZE 4211)', in either order.
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
# The response code of a refused login, e.g. [AUTHENTICATIONFAILED] (RFC 5530): it names
# the problem; the text after it is the server's own and is not passed on.
_RESPONSE_CODE = re.compile(r"\[([A-Z][A-Z0-9-]*)\]")


class MailboxError(Exception):
    """The mailbox cannot be read: settings, the token endpoint or the server refused."""


@dataclass
class PollResult:
    seen: int = 0  # mails fetched (with PEEK) by this poll
    processed: int = 0  # new mails processed and marked seen
    duplicates: int = 0  # processed before (the Message-ID is known), now marked seen
    held: int = 0  # receive.InboundHeld: waits for a person, flagged, left unseen
    too_large: int = 0  # above IMAP_MAX_MESSAGE_BYTES: not fetched, flagged
    failed: int = 0  # processing raised: left unseen (flagged when given up on)


def mailbox_poll(
    *, limit: int | None = None, dry_run: bool = False, stop_after: float | None = None
) -> PollResult:
    """Reads up to `limit` (default IMAP_POLL_BATCH) unseen mails, oldest first.

    The mailbox (or IMAP_FOLDER) must be Tilflytt's own. A mail is work to do while it is
    unseen and unflagged: a mail a person opens in a mail client first is marked seen there
    and is never processed, and one a person flags is skipped. Where people must read the
    same mail, have a server rule copy (or redirect) the newcomers' replies into a folder
    only Tilflytt reads, and set IMAP_FOLDER to it.

    Exactly once, with no lock: the unique Message-ID in the database decides, IMAP's \\Seen
    only saves work.

    1. UID SEARCH UNSEEN UNFLAGGED, then UID FETCH (RFC822.SIZE) for the batch: a mail above
       IMAP_MAX_MESSAGE_BYTES is not fetched but flagged (\\Flagged), for a person, and
       counted as too_large. Then for each other uid UID FETCH (BODY.PEEK[]): PEEK, so that
       reading a mail does not mark it seen.
    2. receive.inbound_process(raw=...) runs its own transaction and has committed when it
       returns; a Message-ID it has seen before is a no-op reported as created=False. So this
       must be called outside any transaction (autocommit), as the task and command do.
    3. Only then UID STORE +FLAGS (\\Seen). A crash (or a lost connection) between 2 and 3
       leaves the mail unseen: the next poll reads it again, 2 reports a duplicate and 3
       marks it seen. Two polls at once end the same way. Nothing is lost, nothing doubled.

    A mail inbound_process holds for a person (receive.InboundHeld, raised with nothing
    committed, e.g. an unknown sender past the day's new-case limit) is flagged and left
    unseen, and counted as held: it shows in the mailbox as unread and flagged.

    One bad mail does not stop the others. When processing raises, the mail stays unseen,
    counts as failed and is logged by uid and exception class only (an exception's text may
    quote an address or a subject). Then:

    - a transient error (TRANSIENT_ERRORS) leaves it as it is: the next poll tries again;
    - any other error is taken to be about this mail (a parse failure, a value the database
      refuses), and trying again every minute would only repeat it. The mail is flagged
      (\\Flagged) and the search above skips it from then on: unread and flagged in the
      mailbox, it shows a person which mail needs handling by hand, and removing the flag
      (after a fix) has it processed by the next poll. A system flag rather than a keyword of
      our own, and no failure counter: Microsoft 365 does not keep custom IMAP keywords, and
      a deterministic error would not pass on a second try anyway.
    - the task's soft time limit (SoftTimeLimitExceeded) while a mail is processed: that
      mail is flagged before the exception goes on, so the next poll goes on with later
      mail instead of dying on the same one every minute. `stop_after` (seconds) makes the
      poll start no new mail once that much time has passed, so that the mail the limit
      hits has had the rest of the time to itself and is not blamed for the batch before it.

    IMAP errors (the connection dropped, the server said NO) end the poll with the
    exception: what was committed is committed, the rest waits for the next poll.

    The folder's MailboxStatus row (what "My work" and /healthz show) gets the start time,
    then either the time of success with the number of unseen flagged mails (one more UID
    SEARCH UNSEEN FLAGGED, at the end) or the error (_describe: no exception text but a
    MailboxError's own). Each is a small write of its own outside the per-mail transactions,
    and one that fails is logged and does not break the poll (_status_record).

    dry_run: the folder is opened read-only (EXAMINE) and the mails are fetched with PEEK and
    counted as seen (too large ones counted as too_large); nothing is processed, marked,
    flagged or recorded.
    """
    if not settings.IMAP_HOST:
        raise ImproperlyConfigured("IMAP_HOST is not set: there is no mailbox to poll.")
    if dry_run:
        result, _waiting = _poll(limit=limit, dry_run=True, stop_after=stop_after)
        return result
    folder = settings.IMAP_FOLDER
    _status_record(folder, last_attempt_at=timezone.now())
    try:
        result, waiting = _poll(limit=limit, dry_run=False, stop_after=stop_after)
    except Exception as exc:
        _status_record(folder, last_error=_describe(exc))
        raise
    _status_record(
        folder, last_success_at=timezone.now(), last_error="", waiting_for_a_person=waiting
    )
    return result


def _poll(*, limit: int | None, dry_run: bool, stop_after: float | None) -> tuple[PollResult, int]:
    """mailbox_poll's work; also the number of mails waiting for a person (0 in a dry run)."""
    started = time.monotonic()
    batch = limit if limit is not None else settings.IMAP_POLL_BATCH
    result = PollResult()
    waiting = 0
    conn = mailbox_connect()
    try:
        mailbox_login(conn)
        _check(conn.select(_quoted(settings.IMAP_FOLDER), readonly=dry_run), "SELECT")
        data = _check(conn.uid("SEARCH", *SEARCH), "SEARCH")
        uids = sorted(int(uid) for uid in (data[0] or b"").split())[:batch]
        sizes = _sizes(conn, uids)
        for uid in uids:
            if stop_after is not None and time.monotonic() - started > stop_after:
                break  # the next poll takes the rest
            size = sizes.get(uid)
            if size is None:  # expunged since the search
                continue
            if size > settings.IMAP_MAX_MESSAGE_BYTES:
                result.too_large += 1
                logger.error(
                    "conversations: mail uid %s is %s bytes, above IMAP_MAX_MESSAGE_BYTES: "
                    "not fetched; flagged for a person",
                    uid,
                    size,
                )
                if not dry_run:
                    _flag(conn, uid)
                continue
            raw = _fetch(conn, uid)
            if raw is None:  # expunged since the size fetch
                continue
            result.seen += 1
            if not dry_run:
                _process_one(conn, uid, raw, result)
        if not dry_run:
            # For the status row: what this and earlier polls flagged and nobody has
            # handled yet (a person handles a mail and removes its flag, or marks it read).
            data = _check(conn.uid("SEARCH", *WAITING), "SEARCH")
            waiting = len((data[0] or b"").split())
    finally:
        _logout(conn)
    if result.seen or result.too_large:
        logger.info(
            "conversations: mailbox poll%s: %s seen, %s processed, %s duplicates, %s held, "
            "%s too large, %s failed",
            " (dry run)" if dry_run else "",
            result.seen,
            result.processed,
            result.duplicates,
            result.held,
            result.too_large,
            result.failed,
        )
    return result, waiting


def _status_record(folder: str, **fields: object) -> None:
    """Writes the folder's MailboxStatus row (created on the first poll), in a small
    transaction of its own, outside the per-mail ones (inbound_process has committed or
    rolled back by then). Inside a caller's transaction it is a savepoint, so a failed write
    leaves that transaction usable. The status is for people to look at: failing to write it
    (the database is down, which the poll will then fail on too) is logged and must never
    break the poll. Two polls at once: the last write wins, and both describe the same box."""
    try:
        with transaction.atomic():
            MailboxStatus.objects.update_or_create(folder=folder, defaults=fields)
    except Exception as exc:
        logger.warning("conversations: mailbox status not recorded (%s)", _where(exc))


def _describe(exc: BaseException) -> str:
    """A failed poll, for MailboxStatus.last_error: _where's class and line, and for
    MailboxError its text too (written by this module to hold no password, token, address
    or server text). Other exceptions' text may quote anything, so it is left out."""
    described = _where(exc)
    if isinstance(exc, MailboxError):
        described = f"{described}: {exc}"
    return described[: MailboxStatus._meta.get_field("last_error").max_length]


def _process_one(conn: imaplib.IMAP4, uid: int, raw: bytes, result: PollResult) -> None:
    try:
        outcome = receive.inbound_process(raw=raw)
    except SoftTimeLimitExceeded:
        # The task's time ran out on this mail (mailbox_poll's stop_after gave it the rest
        # of the time to itself). Unflagged, it would be the oldest unseen mail again and
        # every poll would die on it. inbound_process rolled back, or (if the limit hit
        # after its commit) a person's unflagging gives a duplicate: nothing is doubled.
        logger.error(
            "conversations: mail uid %s not processed within the poll's time limit; "
            "flagged and left unseen, not tried again until the flag is removed",
            uid,
        )
        try:
            _flag(conn, uid)
        except (IMAP_ERROR, OSError) as exc:
            logger.error("conversations: mail uid %s could not be flagged (%s)", uid, _where(exc))
        raise
    except receive.InboundHeld:
        # Nothing was committed: the mail waits for a person, flagged and unseen. The log
        # has the uid only; the person reads the reason in the mail itself.
        result.held += 1
        logger.warning("conversations: mail uid %s held for a person; flagged and left unseen", uid)
        _flag(conn, uid)
        return
    except TRANSIENT_ERRORS as exc:
        result.failed += 1
        logger.warning(
            "conversations: mail uid %s not processed (%s); left unseen for the next poll",
            uid,
            _where(exc),
        )
        return
    except Exception as exc:
        result.failed += 1
        logger.error(
            "conversations: mail uid %s not processed (%s); flagged and left unseen, not "
            "tried again until the flag is removed",
            uid,
            _where(exc),
        )
        _flag(conn, uid)
        return
    # Committed: from here on a crash only makes the next poll see a duplicate.
    _check(conn.uid("STORE", str(uid), "+FLAGS", r"(\Seen)"), "STORE")
    if outcome.created:
        result.processed += 1
    else:
        result.duplicates += 1


def _flag(conn: imaplib.IMAP4, uid: int) -> None:
    _check(conn.uid("STORE", str(uid), "+FLAGS", r"(\Flagged)"), "STORE")


def _where(exc: BaseException) -> str:
    """The exception's class and the line that raised it, never its text (personal data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    last = frames[-1]
    return f"{type(exc).__name__} at {last.filename}:{last.lineno}"


def _fetch(conn: imaplib.IMAP4, uid: int) -> bytes | None:
    data = _check(conn.uid("FETCH", str(uid), "(BODY.PEEK[])"), "FETCH")
    for part in data:
        # [(b'1 (UID 1 BODY[] {342}', b'<the message>'), b')']
        if isinstance(part, tuple) and len(part) == 2:
            return bytes(part[1])
    return None


def _sizes(conn: imaplib.IMAP4, uids: list[int]) -> dict[int, int]:
    """uid -> RFC822.SIZE for the batch, in one command; a uid expunged meanwhile is absent.
    Lines without both items (an unsolicited FETCH of another session's flag change) are
    skipped."""
    if not uids:
        return {}
    data = _check(conn.uid("FETCH", ",".join(map(str, uids)), "(RFC822.SIZE)"), "FETCH")
    sizes: dict[int, int] = {}
    for part in data:
        line = part[0] if isinstance(part, tuple) else part
        if not isinstance(line, bytes):
            continue
        uid, size = _UID.search(line), _SIZE.search(line)
        if uid and size:
            sizes[int(uid[1])] = int(size[1])
    return sizes


def _check(response: tuple[str, list[_T]], command: str) -> list[_T]:
    status, data = response
    if status != "OK":
        raise MailboxError(f"IMAP {command} answered {status}")
    return data


def _quoted(folder: str) -> str:
    """imaplib sends arguments as they are: quote the folder name (spaces, quotes)."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _logout(conn: imaplib.IMAP4) -> None:
    # A connection that is gone already: the server drops the session itself.
    with contextlib.suppress(IMAP_ERROR, OSError):
        conn.logout()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def mailbox_connect() -> imaplib.IMAP4:
    """A connection per IMAP_SECURITY: ssl (IMAP4_SSL), starttls (STARTTLS before login),
    both with the default context (certificate and host name checked); none only to a
    loopback address, since the password would cross the network in clear."""
    host, port, security = settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_SECURITY
    if host is None:  # mailbox_poll refuses to start without it; a direct call too
        raise ImproperlyConfigured("IMAP_HOST is not set: there is no mailbox to connect to.")
    if security == "ssl":
        return imaplib.IMAP4_SSL(
            host, port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
        )
    if security == "none" and not _is_loopback(host):
        raise ImproperlyConfigured(
            "IMAP_SECURITY=none is only allowed to a loopback address: use ssl or starttls."
        )
    conn = imaplib.IMAP4(host, port, timeout=TIMEOUT)
    if security == "starttls":
        try:
            conn.starttls(ssl_context=ssl.create_default_context())
        except BaseException:
            _logout(conn)
            raise
    return conn


def mailbox_login(conn: imaplib.IMAP4) -> None:
    """IMAP_USER and IMAP_PASSWORD, or, when IMAP_OAUTH2_TOKEN_URL is set, a fresh OAuth2
    token with AUTHENTICATE XOAUTH2 (Microsoft 365 accepts nothing else).

    The password goes by AUTHENTICATE PLAIN (RFC 4616), which carries it in UTF-8: imaplib's
    LOGIN sends ASCII only, and a password with æ, ø or å raised a UnicodeEncodeError quoting
    the character and its position. IMAP4rev1 servers must offer PLAIN (over TLS);
    LOGIN is the fallback for one that does not, for ASCII credentials only.

    A refused login is MailboxError("IMAP login refused (<response code>)"), raised `from
    None`: neither its text nor the exception chain holds the password or a part of it.
    """
    user = settings.IMAP_USER or ""
    try:
        if settings.IMAP_OAUTH2_TOKEN_URL:
            token = oauth2_token_fetch()
            conn.authenticate("XOAUTH2", xoauth2_responder(user=user, token=token))
        elif "AUTH=PLAIN" in conn.capabilities:
            conn.authenticate(
                "PLAIN", plain_responder(user=user, password=settings.IMAP_PASSWORD or "")
            )
        elif user.isascii() and (settings.IMAP_PASSWORD or "").isascii():
            conn.login(user, settings.IMAP_PASSWORD)
        else:
            raise MailboxError(
                "IMAP login impossible: the server offers no AUTHENTICATE PLAIN, and LOGIN "
                "takes ASCII only (IMAP_USER or IMAP_PASSWORD is not)"
            )
    except IMAP_ABORT as exc:
        raise MailboxError(f"IMAP connection lost during login ({type(exc).__name__})") from None
    except IMAP_ERROR as exc:
        code = _RESPONSE_CODE.search(str(exc))
        raise MailboxError("IMAP login refused" + (f" ({code[1]})" if code else "")) from None
    except UnicodeError:  # a lone surrogate (undecodable bytes in the environment) is quoted
        raise MailboxError("IMAP login failed: the credentials could not be sent") from None


def _responder(first: bytes) -> Callable[[bytes], bytes]:
    """imaplib's authobject: `first` to the first challenge. A refused login may get a
    second challenge (XOAUTH2: a JSON error) that takes an empty answer; the server then
    says NO, which imaplib raises."""
    answers = iter([first])

    def respond(challenge: bytes) -> bytes:
        return next(answers, b"")

    return respond


def plain_responder(*, user: str, password: str) -> Callable[[bytes], bytes]:
    """SASL PLAIN (RFC 4616): no authorisation identity, then user and password, UTF-8."""
    return _responder(f"\0{user}\0{password}".encode())


def xoauth2_string(*, user: str, token: str) -> bytes:
    """The SASL XOAUTH2 initial response (imaplib base64-encodes it)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01".encode()


def xoauth2_responder(*, user: str, token: str) -> Callable[[bytes], bytes]:
    """imaplib's authobject for XOAUTH2 (a refused token gets the empty second answer)."""
    return _responder(xoauth2_string(user=user, token=token))


def oauth2_token_fetch() -> str:
    """An access token by the OAuth2 client-credentials grant (RFC 6749 4.4), form-posted
    to IMAP_OAUTH2_TOKEN_URL. One per poll: a poll a minute is far below the token
    endpoint's limits, and nothing has to keep a secret between polls. The token never goes
    into a log line or an exception."""
    url = settings.IMAP_OAUTH2_TOKEN_URL or ""
    parts = urllib.parse.urlsplit(url)
    if not (
        parts.scheme == "https" or (parts.scheme == "http" and _is_loopback(parts.hostname or ""))
    ):
        raise ImproperlyConfigured("IMAP_OAUTH2_TOKEN_URL must be an https:// address.")
    form = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": settings.IMAP_OAUTH2_CLIENT_ID,
            "client_secret": settings.IMAP_OAUTH2_CLIENT_SECRET,
            "scope": settings.IMAP_OAUTH2_SCOPE,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=form,
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
    )
    try:
        # The scheme is checked above: https, or http to loopback (tests).
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310  # nosec B310
            payload = json.load(response)
    except urllib.error.HTTPError as exc:
        raise MailboxError(
            f"OAuth2 token endpoint answered {exc.code}: {_oauth2_error(exc)}"
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise MailboxError(f"OAuth2 token endpoint not usable: {type(exc).__name__}") from None
    token = payload.get("access_token") if isinstance(payload, dict) else None
    if not isinstance(token, str) or not token:
        raise MailboxError("OAuth2 token endpoint answered without an access_token")
    return token


def _oauth2_error(exc: urllib.error.HTTPError) -> str:
    """The RFC 6749 error code (invalid_client, invalid_scope...) and its description, as
    the endpoint says them: they name the set-up problem, and hold no secret."""
    try:
        body = json.loads(exc.read() or b"{}")
    except (ValueError, OSError):
        body = {}
    if not isinstance(body, dict):
        body = {}
    error = str(body.get("error") or "no error code")
    description = str(body.get("error_description") or "").split("\n")[0][:300]
    return f"{error} {description}".strip()
