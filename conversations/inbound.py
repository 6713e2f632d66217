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
from email import message_from_bytes, message_from_string, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Literal

from bs4 import BeautifulSoup, Comment
from django.conf import settings

Kind = Literal["reply", "auto_reply", "bounce", "loop"]

# Longest reply text kept; a longer one is cut (a pasted document, a runaway quote).
TEXT_MAX_CHARS = 20_000
# Longest whole text kept (with the quoted history the reply trimmed away).
FULL_TEXT_MAX_CHARS = 100_000
# References beyond this many (oldest first) are ignored: a thread is matched by its most
# recent messages, and a crafted header must not turn into a huge query.
REFERENCES_MAX = 50
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# RFC 5322 msg-id without obsolete forms or comments: printable ASCII except "<", ">" and
# space, one "@". Anything else (a decoded encoded-word with CR LF in it) is not trusted:
# these ids go back out in In-Reply-To and References of our own mail.
_MESSAGE_ID_STRICT = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")
MESSAGE_ID_MAX_CHARS = 255


def message_id_valid(value: str) -> bool:
    """Whether `value` is one "<left@right>" Message-ID that is safe to put in a header."""
    return len(value) <= MESSAGE_ID_MAX_CHARS and bool(_MESSAGE_ID_STRICT.fullmatch(value))


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
    # With CONVERSATIONS_SENDER_CHECK = "dmarc": whether the From address is vouched for by
    # our own mail server's DMARC result (sender_authenticated). None: the check is off.
    sender_authenticated: bool | None = None


def inbound_parse(raw: bytes) -> ParsedEmail:
    """Reads one raw RFC 5322 message (as fetched over IMAP)."""
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)  # noqa: S101 (policy.default makes EmailMessage)
    sender_name, sender = _sender(msg)
    message_id = _message_ids(_raw_header(msg, "Message-ID"))
    if not message_id:
        # Stable, so the same mail read twice is still recognised as the same one.
        message_id = [f"<{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"]
    in_reply_to = _message_ids(_raw_header(msg, "In-Reply-To"))
    body_parts, text, full_text = _text(msg)
    kind = _kind(msg, sender=sender, message_id=message_id[0])
    return ParsedEmail(
        message_id=message_id[0],
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=_message_ids(_raw_header(msg, "References"))[-REFERENCES_MAX:],
        subject=_clean(" ".join(_header(msg, "Subject").split()))[:998],
        sender=sender,
        sender_name=sender_name,
        date=_date(_header(msg, "Date")),
        text=text,
        full_text=full_text,
        attachments=_attachments(msg, body_parts),
        kind=kind,
        bounced_message_id=_bounced_message_id(msg) if kind == "bounce" else None,
        sender_authenticated=(
            sender_authenticated(msg, sender=sender)
            if settings.CONVERSATIONS_SENDER_CHECK == "dmarc"
            else None
        ),
    )


# --- Headers ------------------------------------------------------------------------------


def _header(msg: Message, name: str) -> str:
    """The header's decoded value, or "" when absent or too broken to parse."""
    try:
        value = msg.get(name)
    except Exception:  # the header parser of the standard library raises on some junk
        return ""
    return str(value).strip() if value is not None else ""


def _raw_header(msg: Message, name: str) -> str:
    """The header's value as it came, unfolded and not decoded. Message-IDs are read from
    it: policy.default would decode an encoded-word in them, CR LF included."""
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return re.sub(r"\r?\n[ \t]", " ", str(value)).strip()
    return ""


def _message_ids(value: str) -> list[str]:
    """The valid Message-IDs in a raw header, in order, as "<id>"; a bare id without
    brackets (some broken clients) is bracketed. Ids that fail message_id_valid are left
    out."""
    ids = _MESSAGE_ID.findall(value)
    if not ids and value and " " not in value and "@" in value:
        ids = [f"<{value.strip('<>')}>"]
    return [i for i in ids if message_id_valid(i)]


def _clean(value: str) -> str:
    """Without NUL characters, which PostgreSQL refuses in text."""
    return value.replace("\x00", "")


def _sender(msg: Message) -> tuple[str, str]:
    value = _header(msg, "From")
    addresses = getaddresses([value]) if value else []
    name, address = addresses[0] if addresses else parseaddr(value)
    address = _clean(address).strip().lower()
    if "@" not in address:
        address = ""
    return _clean(" ".join(name.split()))[:200], address


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


# --- Sender authentication ----------------------------------------------------------------

# RFC 8601 after comments are removed: a quoted-string, a ";" or "=", or any other run.
_AR_ITEM = r'"(?:[^"\\]|\\.)*"|[;=]|[^\s;="()]+'
_AR_TOKENS = re.compile(rf"\s*({_AR_ITEM})")


def sender_authenticated(msg: Message, *, sender: str) -> bool:
    """Whether the From address's domain passed DMARC, by the TOPMOST Authentication-Results
    header: the one our own receiving server added last. Headers below it were written by
    servers on the way, or by the sender, and prove nothing. A mail with more than one From
    address (or From header) is never authenticated: DMARC vouches for one domain.
    False on any doubt; never raises."""
    try:
        froms = [value for key, value in msg.raw_items() if key.lower() == "from"]
        if not sender or len(froms) != 1 or len(getaddresses([_header(msg, "From")])) != 1:
            return False
        results = _raw_header(msg, "Authentication-Results")
        return authentication_results_dmarc_pass(results, domain=sender.rsplit("@", 1)[1])
    except Exception:  # a header too broken to read is no proof of anything
        return False


def authentication_results_dmarc_pass(value: str, *, domain: str) -> bool:
    """Whether one Authentication-Results header value (RFC 8601) says dmarc=pass for
    header.from `domain` (case-insensitive). Every dmarc result in it must pass for that
    domain; no dmarc result, or any part that does not parse, is False.

    Accepts a value with an authserv-id ("mx.example.org; dmarc=pass header.from=x") and
    Microsoft 365's without one ("spf=pass (...) smtp.mailfrom=x;dmarc=pass action=none
    header.from=x;compauth=pass reason=100"). Hand-written: authres (the parser on PyPI)
    has had no release since 2019, and authheaders adds DKIM and DNS verification we do
    not want; this is the one question we ask.
    """
    tokens = _ar_tokens(value)
    if tokens is None:
        return False
    segments: list[list[str]] = [[]]
    for item in tokens:
        if item == ";":
            segments.append([])
        else:
            segments[-1].append(item)
    dmarc: list[list[tuple[str, str]]] = []
    for index, segment in enumerate(segments):
        if "=" not in segment:
            # The authserv-id (with its optional version) comes first; "none" means no
            # results. Anything else without "=" is not a result we can read.
            if segment and index > 0 and segment != ["none"]:
                return False
            continue
        pairs = _pairs(segment)
        if pairs is None:
            return False
        if pairs[0][0].split("/", 1)[0] == "dmarc":
            dmarc.append(pairs)
    expected = domain.strip().lower().rstrip(".")
    return bool(expected) and bool(dmarc) and all(_dmarc_pass(r, expected) for r in dmarc)


def _dmarc_pass(pairs: list[tuple[str, str]], domain: str) -> bool:
    header_from = [v for k, v in pairs[1:] if k == "header.from"]
    return pairs[0][1] == "pass" and len(header_from) == 1 and header_from[0].rstrip(".") == domain


def _ar_tokens(value: str) -> list[str] | None:
    """The value's tokens without comments, or None when something is left that is no
    token (an unbalanced quote or parenthesis). Scanned token by token: a single regex
    over the whole value could backtrack for ages on a long crafted header."""
    text = _without_comments(value)
    if text is None:
        return None
    tokens, pos = [], 0
    while match := _AR_TOKENS.match(text, pos):
        tokens.append(match.group(1))
        pos = match.end()
    return tokens if not text[pos:].strip() else None


def _pairs(tokens: list[str]) -> list[tuple[str, str]] | None:
    """ "name=value" pairs (names and values lowercased, quotes removed), or None when the
    tokens are not exactly such pairs."""
    if len(tokens) % 3:
        return None
    pairs = []
    for name, equals, raw in zip(tokens[::3], tokens[1::3], tokens[2::3], strict=True):
        if equals != "=" or "=" in (name, raw) or name.startswith('"'):
            return None
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        pairs.append((name.lower(), raw.strip().lower()))
    return pairs


def _without_comments(value: str) -> str | None:
    """The value with its (nested) comments replaced by a space, quoted-strings kept as
    they are; None when a comment or a quoted-string does not end."""
    out: list[str] = []
    depth, quoted, escaped = 0, False, False
    for char in value:
        if escaped:
            escaped = False
            if not depth:
                out.append(char)
        elif char == "\\" and (quoted or depth):
            escaped = True
            if not depth:
                out.append(char)
        elif depth:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if not depth:
                out.append(" ")
        elif quoted:
            quoted = char != '"'
            out.append(char)
        elif char == "(":
            depth = 1
        else:
            quoted = char == '"'
            out.append(char)
    return None if depth or quoted or escaped else "".join(out)


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
    replaced, without NUL characters. A charset that is unknown or not a text encoding
    (base64, hex, rot13 and zlib are codecs too, but bytes-to-bytes ones; idna raises on
    most text) is read as UTF-8."""
    try:
        payload = part.get_payload(decode=True)
        charset = part.get_content_charset() or "utf-8"
    except Exception:  # a broken Content-Type or transfer encoding
        return ""
    if not isinstance(payload, bytes):
        return ""
    try:
        info = codecs.lookup(charset)
        if not getattr(info, "_is_text_encoding", True):
            raise LookupError(charset)
        text = payload.decode(info.name, errors="replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        text = payload.decode("utf-8", errors="replace")
    return _clean(text)


def _text(msg: EmailMessage) -> tuple[list[Message], str, str]:
    """The body parts used, the reply's text (the plain part trimmed, or the HTML part
    made text and trimmed when there is no plain text) and the whole text untrimmed."""
    try:
        plain = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
    except Exception:  # a structure the standard library cannot walk
        return [], "", ""
    full = _decoded(plain).strip() if plain is not None else ""
    text = reply_trim(full) if full else ""
    if not text and html is not None:
        markup = _decoded(html)
        full = html_to_text(markup, keep_history=True)
        text = reply_trim(html_to_text(markup))
    parts = [part for part in (plain, html) if part is not None]
    return parts, text[:TEXT_MAX_CHARS], full[:FULL_TEXT_MAX_CHARS]


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


def html_to_text(html: str, *, keep_history: bool = False) -> str:
    """Visible text of an HTML mail, without its quoted history unless `keep_history`. The
    result is plain text (entities decoded, no markup); the templates that show it escape
    it like any text."""
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for selector in [] if keep_history else _HISTORY_FROM_SELECTORS:
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
    for selector in [] if keep_history else _QUOTE_SELECTORS:
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
# A "wrote:" line ends the reply only when it holds the quoted author's address, or a time
# and quoted (">") lines follow it: a newcomer's own "Den 3. mars kl. 10:00 skrev jeg til
# NAV:" followed by their own text is not taken for one.
_WROTE = [
    # Gmail, Apple Mail, Thunderbird: "On Tue, 3 Nov 2026 at 10:00, Kari <k@x> wrote:"
    re.compile(r"^On\b.{4,300}\bwrote:$", re.IGNORECASE),
    # Norwegian and Danish: "Den 3. nov. 2026 kl. 10:00 skrev Kari <k@x>:",
    # Gmail in bokmål: "tir. 3. nov. 2026 kl. 10:15 skrev Kari <k@x>:"
    re.compile(r"^(den|man|tir|ons|tor|fre|lør|søn|\d).{4,300}\bskrev\b.{0,300}:$", re.IGNORECASE),
    re.compile(r"^Am\b.{4,300}\bschrieb\b.{0,300}:$", re.IGNORECASE),
]
_TIME = re.compile(r"\d{1,2}[:.]\d{2}")
_ORIGINAL_MESSAGE = re.compile(
    # Outlook and others: "-----Original Message-----", "-----Opprinnelig melding-----"
    r"^-{2,}\s*(original message|opprinnelig melding|oprindelig meddelelse"
    r"|ursprüngliche nachricht|forwarded message|videresendt melding)\s*-{2,}$",
    re.IGNORECASE,
)
# Outlook's separator line above its header block.
_SEPARATOR = re.compile(r"^_{10,}$")
# Outlook's header block: after a separator or a blank line, "From: name <address>"
# followed within a few lines by "Sent: …" (or Date), in English, Norwegian or German.
# The address and the date line are both required: "Fra: Kraków\nTil: Narvik" in a
# newcomer's own text is not a header block.
_HEADER_FROM = re.compile(r"^\**(from|fra|von)\s*:\**\s*\S.*@", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\**(sent|date|sendt|dato|gesendet|datum)\s*:", re.IGNORECASE)
# The signature: only RFC 3676's exact "-- " line ("--" alone is often a dash in the
# text), and phones' and Outlook's one-line footers.
_SIGNATURE = "-- "
_SENT_FROM = re.compile(
    r"^(sent from my|sendt fra min|sent from outlook|sendt fra outlook|get outlook for"
    r"|hent outlook for|sent from mail for windows|sendt fra e-post for windows)\b.{0,60}$",
    re.IGNORECASE,
)


def _next_is_quote(lines: list[str], start: int) -> bool:
    """Whether the first non-blank line from `start` on is a ">" quoted one."""
    for line in lines[start:]:
        if line.strip():
            return line.lstrip().startswith(">")
    return False


def _wrote_line(text: str, lines: list[str], after: int) -> bool:
    return any(p.match(text) for p in _WROTE) and (
        "@" in text or (bool(_TIME.search(text)) and _next_is_quote(lines, after))
    )


def _history_starts(lines: list[str], index: int) -> bool:
    line = lines[index]
    stripped = line.strip()
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    previous = lines[index - 1].strip() if index > 0 else ""
    return (
        _wrote_line(stripped, lines, index + 1)
        # a "wrote:" line that the client wrapped in two (not a sentence of the reply)
        or (
            bool(following)
            and not stripped.endswith((".", "!", "?"))
            and _wrote_line(f"{stripped} {following}", lines, index + 2)
        )
        or bool(_ORIGINAL_MESSAGE.match(stripped))
        or bool(_SEPARATOR.match(stripped))
        or line.rstrip("\r") == _SIGNATURE
        or bool(_SENT_FROM.match(stripped))
        or (
            (index == 0 or not previous or bool(_SEPARATOR.match(previous)))
            and bool(_HEADER_FROM.match(stripped))
            and any(_HEADER_SENT.match(nxt.strip()) for nxt in lines[index + 1 : index + 4])
        )
    )


def reply_trim(text: str) -> str:
    """The newest part of a plain-text reply: everything from the first line where quoted
    history, a forwarded block or the signature starts is dropped, and so are ">" quoted
    lines above it (inline answers between quotes are kept). If that leaves nothing (a mail
    that is all quotes), the whole text is kept rather than losing what was sent. The whole
    text is kept as well (ParsedEmail.full_text), so a wrong cut loses nothing.

    Hand-written rather than a library: mail-parser-reply (the maintained option) has no
    Norwegian, and it treats any line starting with "Thanks" or "- " as the start of a
    signature, which would drop the rest of a newcomer's question.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _history_starts(lines, index):
            break
        if line.strip().startswith(">"):
            continue
        kept.append(line.rstrip())
    result = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return result or text.strip()


def _bounced_message_id(msg: Message) -> str | None:
    """The Message-ID of the mail a delivery report is about: from its returned copy
    (message/rfc822) or returned headers (text/rfc822-headers), if either has a valid one."""
    for part in msg.walk():
        content_type = part.get_content_type()
        value = ""
        try:
            if content_type == "message/rfc822":
                inner = part.get_payload()
                if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                    value = _raw_header(inner[0], "Message-ID")
            elif content_type == "text/rfc822-headers":
                headers = message_from_string(_decoded(part), policy=policy.compat32)
                value = _raw_header(headers, "Message-ID")
        except Exception:  # a broken report part: nothing to read in it
            value = ""
        ids = _message_ids(value)
        if ids:
            return ids[0]
    return None


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
    return "".join(ch for ch in _clean(name) if ch.isprintable()).strip()[:255]
