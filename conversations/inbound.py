"""Reading one incoming e-mail: headers, the reply's own text, attachments, and what kind
of mail it is. Pure: no database, only settings (our own addresses).

conversations.receive decides what to do with it. Everything here must survive whatever
arrives in the team's mailbox: malformed headers, unknown charsets, HTML only. A mail that
cannot be read well still gives a ParsedEmail, never an exception, because the poller would
otherwise fetch the same broken mail again on every run.
"""

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Literal

from bs4 import BeautifulSoup, Comment
from django.conf import settings

Kind = Literal["reply", "auto_reply", "bounce", "loop"]

# Longest reply text kept; a longer one is cut (a pasted document, a runaway quote).
TEXT_MAX_CHARS = 20_000
# References beyond this many (oldest first) are ignored: a thread is matched by its most
# recent messages, and a crafted header must not turn into a huge query.
REFERENCES_MAX = 50
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


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
    text: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    kind: Kind = "reply"


def inbound_parse(raw: bytes) -> ParsedEmail:
    """Reads one raw RFC 5322 message (as fetched over IMAP)."""
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)  # noqa: S101 (policy.default makes EmailMessage)
    sender_name, sender = _sender(msg)
    message_id = _message_ids(_header(msg, "Message-ID"))
    if not message_id or len(message_id[0]) > 255:
        # Stable, so the same mail read twice is still recognised as the same one.
        message_id = [f"<{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"]
    in_reply_to = _message_ids(_header(msg, "In-Reply-To"))
    body_parts, text = _text(msg)
    return ParsedEmail(
        message_id=message_id[0],
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=_message_ids(_header(msg, "References"))[-REFERENCES_MAX:],
        subject=" ".join(_header(msg, "Subject").split())[:998],
        sender=sender,
        sender_name=sender_name,
        date=_date(_header(msg, "Date")),
        text=text,
        attachments=_attachments(msg, body_parts),
        kind=_kind(msg, sender=sender, message_id=message_id[0]),
    )


# --- Headers ------------------------------------------------------------------------------


def _header(msg: Message, name: str) -> str:
    """The header's decoded value, or "" when absent or too broken to parse."""
    try:
        value = msg.get(name)
    except Exception:  # the header parser of the standard library raises on some junk
        return ""
    return str(value).strip() if value is not None else ""


def _message_ids(value: str) -> list[str]:
    """Message-IDs in a header, in order, as "<id>"; a bare id without brackets (some
    broken clients) is bracketed."""
    ids = _MESSAGE_ID.findall(value)
    if not ids and value and " " not in value and "@" in value:
        ids = [f"<{value.strip('<>')}>"]
    return ids


def _sender(msg: Message) -> tuple[str, str]:
    value = _header(msg, "From")
    addresses = getaddresses([value]) if value else []
    name, address = addresses[0] if addresses else parseaddr(value)
    address = address.strip().lower()
    if "@" not in address:
        address = ""
    return " ".join(name.split())[:200], address


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


# --- Kind ---------------------------------------------------------------------------------

_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|auto[- ]?response|autosvar|automatisk svar"
    r"|out of (the )?office|fraværende|ikke til stede|abwesend|abwesenheitsnotiz"
    r"|automatische antwort)\b",
    re.IGNORECASE,
)
_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}
# Present at all: an auto-responder's mark, or a mailing list's.
_AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "List-Id", "List-Unsubscribe")


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
    if (
        msg.get_content_type() == "multipart/report"
        and str(msg.get_param("report-type", "")).lower() == "delivery-status"
    ) or (
        _header(msg, "X-Failed-Recipients")
        or sender.split("@")[0] in _BOUNCE_SENDERS
        or _header(msg, "Return-Path").replace(" ", "") == "<>"
    ):
        return "bounce"
    auto_submitted = _header(msg, "Auto-Submitted").split(";")[0].strip().lower()
    suppress = {
        token.strip().lower() for token in _header(msg, "X-Auto-Response-Suppress").split(",")
    }
    if (
        (auto_submitted and auto_submitted != "no")
        or any(name in msg for name in _AUTO_HEADERS)
        or _header(msg, "Precedence").lower() in _BULK_PRECEDENCE
        or suppress & {"all", "oof"}
        or msg.get_content_type() == "multipart/report"  # read receipts and the like
        or _AUTO_SUBJECT.match(_header(msg, "Subject"))
    ):
        return "auto_reply"
    return "reply"


# --- Text ---------------------------------------------------------------------------------


def _decoded(part: Message) -> str:
    """A text part's content: transfer encoding undone, charset decoded with errors
    replaced, an unknown charset read as UTF-8."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        codecs.lookup(charset)
    except LookupError:
        charset = "utf-8"
    return payload.decode(charset, errors="replace")


def _text(msg: EmailMessage) -> tuple[list[Message], str]:
    """The body parts used, and the reply's text: the plain part trimmed, or the HTML
    part made text and trimmed when there is no plain text."""
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    text = reply_trim(_decoded(plain)) if plain is not None else ""
    if not text and html is not None:
        text = reply_trim(html_to_text(_decoded(html)))
    return [part for part in (plain, html) if part is not None], text[:TEXT_MAX_CHARS]


# Dropped with everything inside them: code, styling, and what is never shown.
_DROP_TAGS = ["script", "style", "head", "title", "template", "noscript", "iframe", "object"]
# Where a quoted earlier message starts in HTML: Gmail, Apple Mail and Thunderbird quote in a
# blockquote (Gmail's inside div.gmail_quote, Thunderbird's prefix in div.moz-cite-prefix).
_QUOTE_SELECTORS = ["blockquote", ".gmail_quote", ".gmail_attr", ".moz-cite-prefix"]
# Outlook puts the history after its header block instead, as the following siblings.
_HISTORY_FROM_SELECTORS = ["#divRplyFwdMsg", "#appendonsend"]
# Elements that end a paragraph (a blank line after them) or a line.
_PARAGRAPH_TAGS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "ul", "ol"]
_LINE_TAGS = ["div", "li", "tr"]


def html_to_text(html: str) -> str:
    """Visible text of an HTML mail, without its quoted history. The result is plain text
    (entities decoded, no markup); the templates that show it escape it like any text."""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for selector in _HISTORY_FROM_SELECTORS:
        start = soup.select_one(selector)
        if start is None:
            continue
        previous = start.find_previous_sibling()
        if previous is not None and previous.name == "hr":
            previous.decompose()
        # Everything after the marker in document order, also when the marker sits in a
        # wrapper and the history follows the wrapper.
        for node in list(start.next_elements):
            node.extract()
        start.decompose()
    for selector in _QUOTE_SELECTORS:
        for tag in soup.select(selector):
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for tag in soup.find_all(_PARAGRAPH_TAGS):
        tag.insert_after("\n\n")
    for tag in soup.find_all(_LINE_TAGS):
        tag.insert_after("\n")
    lines = (" ".join(line.split()) for line in soup.get_text().splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Where the quoted history starts in a plain-text reply. Each is a whole line.
# The "wrote:" lines must also hold a time or an address, so that a newcomer's own
# "On Monday my employer wrote:" or "Den 3. mars skrev jeg under:" is not taken for one.
_TIME_OR_ADDRESS = r"(?=.*(?:\d{1,2}[:.]\d{2}|@))"
_HISTORY_STARTS = [
    # Gmail, Apple Mail, Thunderbird: "On Tue, 3 Nov 2026 at 10:00, Kari <k@x> wrote:"
    re.compile(_TIME_OR_ADDRESS + r"^On\b.{4,300}\bwrote:$", re.IGNORECASE),
    # Norwegian and Danish: "Den 3. nov. 2026 kl. 10:00 skrev Kari <k@x>:",
    # Gmail in bokmål: "tir. 3. nov. 2026 kl. 10:00 skrev Kari <k@x>:"
    re.compile(
        _TIME_OR_ADDRESS + r"^(den|man|tir|ons|tor|fre|lør|søn|\d).{4,300}\bskrev\b.{0,300}:$",
        re.IGNORECASE,
    ),
    re.compile(_TIME_OR_ADDRESS + r"^Am\b.{4,300}\bschrieb\b.{0,300}:$", re.IGNORECASE),
    # Outlook and others: "-----Original Message-----", "-----Opprinnelig melding-----"
    re.compile(
        r"^-{2,}\s*(original message|opprinnelig melding|oprindelig meddelelse"
        r"|ursprüngliche nachricht|forwarded message|videresendt melding)\s*-{2,}$",
        re.IGNORECASE,
    ),
    # Outlook's separator line above its header block.
    re.compile(r"^_{10,}$"),
]
# Outlook's header block: "From: …" followed within a few lines by "Sent: …" (or Date,
# To, Subject), in English, Norwegian or German.
_HEADER_FROM = re.compile(r"^\**(from|fra|von)\s*:\**\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\**(sent|date|to|subject|sendt|dato|til|emne|gesendet|an|betreff)\s*:", re.IGNORECASE
)
# The signature: RFC 3676's "-- " line, and phones' and Outlook's one-line footers.
_SIGNATURE = re.compile(r"^--\s*$")
_SENT_FROM = re.compile(
    r"^(sent from my|sendt fra min|sent from outlook|sendt fra outlook|get outlook for"
    r"|hent outlook for|sent from mail for windows|sendt fra e-post for windows)\b.{0,60}$",
    re.IGNORECASE,
)


def reply_trim(text: str) -> str:
    """The newest part of a plain-text reply: everything from the first line where quoted
    history, a forwarded block or the signature starts is dropped, and so are ">" quoted
    lines above it (inline answers between quotes are kept). If that leaves nothing (a mail
    that is all quotes), the whole text is kept rather than losing what was sent.

    Hand-written rather than a library: mail-parser-reply (the maintained option) has no
    Norwegian, and it treats any line starting with "Thanks" or "- " as the start of a
    signature, which would drop the rest of a newcomer's question.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        joined = " ".join([stripped, lines[index + 1].strip()]) if index + 1 < len(lines) else ""
        if (
            any(p.match(stripped) for p in _HISTORY_STARTS)
            # a "wrote:" line that the client wrapped in two (not a sentence of the reply)
            or (
                joined
                and not stripped.endswith((".", "!", "?"))
                and any(p.match(joined) for p in _HISTORY_STARTS[:3])
            )
            or _SIGNATURE.match(stripped)
            or _SENT_FROM.match(stripped)
            or (
                _HEADER_FROM.match(stripped)
                and any(
                    _HEADER_NEXT.match(following.strip())
                    for following in lines[index + 1 : index + 4]
                )
            )
        ):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    result = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return result or text.strip()


# --- Attachments --------------------------------------------------------------------------


def _attachments(msg: Message, body_parts: list[Message]) -> list[ParsedAttachment]:
    """Every leaf part that is not the text we read: attachments and inline files alike.
    The name is only what the sender said (shown to staff, never used as a path)."""
    found = []
    for part in msg.walk():
        if part.is_multipart() or any(part is body for body in body_parts):
            continue
        disposition = part.get_content_disposition()
        filename = _filename(part)
        if part.get_content_maintype() == "text" and disposition != "attachment" and not filename:
            continue  # an alternative text body we did not use
        payload = part.get_payload(decode=True)
        found.append(
            ParsedAttachment(
                filename=filename or "attachment",
                content_type=part.get_content_type(),
                content=payload if isinstance(payload, bytes) else b"",
            )
        )
    return found


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # a broken RFC 2231 parameter
        return ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable()).strip()[:255]
