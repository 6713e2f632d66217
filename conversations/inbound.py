"""Reading one incoming e-mail: headers, the reply's own text, attachments, and what kind
of mail it is. Pure: no database, only settings (our own addresses).

conversations.receive decides what to do with it. Everything here must survive whatever
arrives in the team's mailbox: malformed headers, unknown charsets, HTML only. A mail that
cannot be read well still gives a ParsedEmail, never an exception, because the poller would
otherwise fetch the same broken mail again on every run.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Literal

from django.conf import settings

from conversations.authresults import authentication_results_dmarc_pass
from conversations.bounces import bounce_failures, bounced_message_id, is_bounce
from conversations.mimeread import (
    MESSAGE_ID_MAX_CHARS,
    clean,
    decoded,
    header,
    header_block_repaired,
    message_id_valid,
    message_ids,
    raw_header,
)
from conversations.trim import html_texts, reply_trim

__all__ = ["MESSAGE_ID_MAX_CHARS", "ParsedEmail", "inbound_parse", "message_id_valid"]

Kind = Literal["reply", "auto_reply", "bounce", "loop"]

# Longest reply text kept; a longer one is cut (a pasted document, a runaway quote).
TEXT_MAX_CHARS = 20_000
# Longest whole text kept (with the quoted history the reply trimmed away).
FULL_TEXT_MAX_CHARS = 100_000
# References beyond this many (oldest first) are ignored: a thread is matched by its most
# recent messages, and a crafted header must not turn into a huge query.
REFERENCES_MAX = 50


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str  # as declared by the sender; privacy.files decides the real type
    content: bytes


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    in_reply_to: str | None
    references: list[str]
    subject: str
    sender: str  # lowercased address, "" when there is none
    sender_name: str
    date: datetime | None
    text: str  # the reply's own text (reply_trim)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    kind: Kind = "reply"
    # The whole text as sent, quoted history and signature included (staff can read it when
    # the trimming took too much).
    full_text: str = ""
    # A bounce: the Message-ID of the mail that could not be delivered, from the report's
    # message/rfc822 or text/rfc822-headers part, when it has one.
    bounced_message_id: str | None = None
    # A bounce: one entry per recipient block of its message/delivery-status part that says
    # "Action: failed", holding the addresses it names (Final-Recipient, Original-Recipient;
    # empty when it names none). Empty for a delay or delivery notice, or no such part.
    bounce_failures: tuple[tuple[str, ...], ...] = ()
    # Parts that could not be read as attachments (a broken header): counted as refused.
    attachments_unreadable: int = 0
    # With CONVERSATIONS_SENDER_CHECK = "dmarc": whether the From address is vouched for by
    # our own mail server's DMARC result (sender_authenticated). None: the check is off.
    sender_authenticated: bool | None = None


def inbound_parse(raw: bytes) -> ParsedEmail:
    """Reads one raw RFC 5322 message (as fetched over IMAP)."""
    raw_read = header_block_repaired(raw)
    try:
        msg = message_from_bytes(raw_read, policy=policy.default)
    except Exception:  # a NUL in a MIME parameter (RFC 2231) breaks the parser itself
        # Read again without NUL characters: a part's bytes may change, never the text.
        msg = message_from_bytes(raw_read.replace(b"\x00", b""), policy=policy.default)
    assert isinstance(msg, EmailMessage)  # noqa: S101 (policy.default makes EmailMessage)
    sender_name, sender = _sender(msg)
    message_id = message_ids(raw_header(msg, "Message-ID"))
    if not message_id:
        # Stable, so the same mail read twice is still recognised as the same one.
        message_id = [f"<{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"]
    in_reply_to = message_ids(raw_header(msg, "In-Reply-To"))
    body_parts, text, full_text = _text(msg)
    kind = _kind(msg, sender=sender, message_id=message_id[0])
    attachments, unreadable = _attachments(msg, body_parts)
    return ParsedEmail(
        message_id=message_id[0],
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=message_ids(raw_header(msg, "References"))[-REFERENCES_MAX:],
        subject=clean(" ".join(header(msg, "Subject").split()))[:998],
        sender=sender,
        sender_name=sender_name,
        date=_date(header(msg, "Date")),
        text=text,
        full_text=full_text,
        attachments=attachments,
        attachments_unreadable=unreadable,
        kind=kind,
        bounced_message_id=bounced_message_id(msg) if kind == "bounce" else None,
        bounce_failures=bounce_failures(msg) if kind == "bounce" else (),
        sender_authenticated=(
            sender_authenticated(msg, sender=sender)
            if settings.CONVERSATIONS_SENDER_CHECK == "dmarc"
            else None
        ),
    )


# --- Headers ------------------------------------------------------------------------------


def _sender(msg: Message) -> tuple[str, str]:
    value = header(msg, "From")
    addresses = getaddresses([value]) if value else []
    name, address = addresses[0] if addresses else parseaddr(value)
    address = clean(address).strip().lower()
    if "@" not in address:
        address = ""
    return clean(" ".join(name.split()))[:200], address


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        date = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # "-0000" means "time zone unknown": read as UTC.
    return date if date.tzinfo is not None else date.replace(tzinfo=UTC)


def _own_addresses() -> set[str]:
    addresses = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()}
    if settings.CONVERSATIONS_ADDRESS:
        addresses.add(parseaddr(settings.CONVERSATIONS_ADDRESS)[1].lower())
    return addresses - {""}


def _own_identities() -> tuple[str, ...]:
    """Our addresses and display names (four characters or more), by which trimming
    knows an attribution of our own mail."""
    names = {
        parseaddr(value)[0].strip()
        for value in (settings.DEFAULT_FROM_EMAIL, settings.CONVERSATIONS_ADDRESS or "")
    }
    return (*_own_addresses(), *(name for name in names if len(name) >= 4))


# --- Sender authentication ----------------------------------------------------------------


def sender_authenticated(msg: Message, *, sender: str) -> bool:
    """Whether the From address's domain passed DMARC, by the TOPMOST Authentication-Results
    header: the one our own receiving server added last. Headers below it were written by
    servers on the way, or by the sender, and prove nothing. A mail with more than one From
    address (or From header) is never authenticated: DMARC vouches for one domain.
    False on any doubt; never raises."""
    try:
        froms = [value for key, value in msg.raw_items() if key.lower() == "from"]
        if not sender or len(froms) != 1 or len(getaddresses([header(msg, "From")])) != 1:
            return False
        results = raw_header(msg, "Authentication-Results")
        return authentication_results_dmarc_pass(results, domain=sender.rsplit("@", 1)[1])
    except Exception:  # a header too broken to read is no proof of anything
        return False


# --- Kind ---------------------------------------------------------------------------------

_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|auto[- ]?response|autosvar|automatisk svar|auto:"
    r"|out of (the )?office|fraværende|fravær|ikke til stede|fråverande|frånvaro|abwesend"
    r"|abwesenheitsnotiz|automatische antwort|automatyczna odpowiedź|odpowiedź automatyczna"
    r"|poza biurem|nieobecn|автоматична відповідь|автовідповідь|поза офісом|відсутн)",
    re.IGNORECASE,
)
_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
# Present at all: an auto-responder's mark, or a mailing list's. Not
# X-Auto-Response-Suppress: Exchange sets it on people's mail to distribution lists too.
_AUTO_HEADERS = (
    "X-Autoreply",
    "X-Autorespond",
    "X-Autoresponder",
    "X-Autogenerated",
    "X-AutoReply-From",
    "X-Mail-Autoreply",
    "X-FC-MachineGenerated",
    "List-Id",
    "List-Unsubscribe",
)


def _kind(msg: Message, *, sender: str, message_id: str) -> Kind:
    """What the mail is, most specific first. A loop (our own mail coming back) and a
    bounce often also carry auto-reply headers, so they are checked before those."""
    # Our outbox's Message-IDs end in our domain: such a mail is one of ours coming back
    # (a forward rule, a copy). Not judged for a development host ("localhost", an IP
    # address), which other software uses too; conversations.receive still catches ours.
    domain = settings.OUTBOX_MESSAGE_ID_DOMAIN.lower()
    ours = "." in domain and not domain.replace(".", "").isdigit()
    if sender in _own_addresses() or (ours and message_id.lower().endswith(f"@{domain}>")):
        return "loop"
    if is_bounce(msg, sender=sender):
        return "bounce"
    auto_submitted = header(msg, "Auto-Submitted").split(";")[0].strip().lower()
    precedence = {header(msg, "Precedence").lower(), header(msg, "X-Precedence").lower()}
    if (
        (auto_submitted and auto_submitted != "no")
        or any(name in msg for name in _AUTO_HEADERS)
        or precedence & _BULK_PRECEDENCE
        or msg.get_content_type() == "multipart/report"  # read receipts and the like
        or _AUTO_SUBJECT.match(header(msg, "Subject"))
    ):
        return "auto_reply"
    return "reply"


# --- Text ---------------------------------------------------------------------------------


def _text(msg: EmailMessage) -> tuple[list[Message], str, str]:
    """The body parts used, the reply's text (the plain part trimmed, or the HTML part
    made text and trimmed when there is no plain text) and the whole text untrimmed."""
    plain, html = _body(msg, "plain"), _body(msg, "html")
    full = decoded(plain).strip() if plain is not None else ""
    ours = _own_identities()
    text = reply_trim(full, ours=ours) if full else ""
    if not text and html is not None:
        # One parse for both texts, of at most trim.HTML_MAX_CHARS.
        full, reply = html_texts(decoded(html))
        text = reply_trim(reply, ours=ours)
    parts = [part for part in (plain, html) if part is not None]
    return parts, text[:TEXT_MAX_CHARS], full[:FULL_TEXT_MAX_CHARS]


def _body(msg: EmailMessage, subtype: str) -> Message | None:
    """The body part of that subtype, or None. Looked up one subtype at a time: the search
    reads every part's Content-Disposition, and one broken attachment header must not lose
    a plain-text body found before it."""
    try:
        return msg.get_body(preferencelist=(subtype,))
    except Exception:  # a structure or header the standard library cannot read
        return None


# --- Attachments --------------------------------------------------------------------------


def _attachments(msg: Message, body_parts: list[Message]) -> tuple[list[ParsedAttachment], int]:
    """Every leaf part that is not the text we read: attachments and inline files alike,
    and how many parts were too broken to read (a Content-Disposition the standard library
    raises on). The name is only what the sender said (shown to staff, never used as a
    path)."""
    found, unreadable = [], 0
    for part in msg.walk():
        if part.is_multipart() or any(part is body for body in body_parts):
            continue
        try:
            attachment = _attachment(part)
        except Exception:  # a broken header or payload: skipped, counted as refused
            unreadable += 1
            continue
        if attachment is not None:
            found.append(attachment)
    return found, unreadable


def _attachment(part: Message) -> ParsedAttachment | None:
    disposition = part.get_content_disposition()
    filename = _filename(part)
    if part.get_content_maintype() == "text" and disposition != "attachment" and not filename:
        return None  # an alternative text body we did not use
    payload = part.get_payload(decode=True)
    return ParsedAttachment(
        filename=filename or "attachment",
        content_type=part.get_content_type(),
        content=payload if isinstance(payload, bytes) else b"",
    )


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # a broken RFC 2231 parameter
        return ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in clean(name) if ch.isprintable()).strip()[:255]
