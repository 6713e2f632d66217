"""Delivery failure reports ("bounces") in the many shapes mail servers send them: RFC 3464
reports (Postfix, sendmail, Exchange, Gmail), plain-text ones (qmail, exim, old sendmail,
Yahoo, Domino, old Exchange), and reports rewrapped by a gateway. Pure: no database.

Whether a mail is a bounce is decided by our own rules on headers and subject (is_bounce).
Who failed comes from the report's delivery-status part, else from flufl.bounce (detectors
built on real bounce collections), else from the returned original's To. Which of our
e-mails it is about comes from the returned original's Message-ID, as a MIME part or
quoted in the text, else the report's In-Reply-To (no VERP: our envelope sender is one
fixed address). conversations.receive ties it to our e-mail, falling back to the failed
recipient.
"""

import logging
import re
from email import message_from_string, policy
from email.message import Message
from email.utils import getaddresses, parseaddr

from flufl.bounce import all_failures

from conversations.mimeread import decoded, header, message_ids, raw_header

logger = logging.getLogger(__name__)
# flufl.bounce logs one INFO line per detector it tries, for every bounce: not worth keeping.
logging.getLogger("flufl.bounce").setLevel(logging.WARNING)

# Names in From (address local part, or a name with no address) of servers' reports.
_DAEMON = re.compile(r"^(mailer-daemon|postmaster|mail delivery (system|subsystem))\b", re.I)
# Report subjects, in the languages of the servers that send them. Anchored: a person's
# "Re: Undeliverable: …" is a reply about a bounce, not one.
_SUBJECT = re.compile(
    r"^\s*(undeliver(able|ed)\b|mail delivery failed|delivery status notification \((failure|delay)"
    r"|failure notice|returned mail\b|delivery failure|delivery has failed|mail system error"
    r"|message not delivered|non remis|unzustellbar|nicht zustellbar|kan ikke leveres"
    r"|ikke levert|levering mislyktes|olevererbart|kunde inte levereras|ej levererat"
    r"|niedostarczalne|nie można dostarczyć|niedostarczona|не доставлено|недоставлено"
    r"|не вдалося доставити|warning: message .* delayed|delayed mail)",
    re.IGNORECASE,
)
# A report that only warns: delivery is still being tried.
_DELAY = re.compile(
    r"\b(delayed|will (be )?retr(y|ied)|still being retried|has not yet been delivered"
    r"|warning only|no action is required|forsinket|opóźnion|затрим)",
    re.IGNORECASE,
)
# Headers some servers put on their reports.
_NDR_HEADERS = ("X-Failed-Recipients", "X-MS-Exchange-Message-Is-Ndr")
# A line of a quoted original's headers, in a plain-text report.
_QUOTED_ID = re.compile(r"^[ \t>]*message-id:[ \t]*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)
_QUOTED_TO = re.compile(r"^[ \t>]*to:[ \t]*(.+)$", re.IGNORECASE | re.MULTILINE)
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# How much of a report's text is read for a quoted original (it sits near the top).
_TEXT_MAX_CHARS = 200_000


def is_bounce(msg: Message, *, sender: str) -> bool:
    """A delivery report: an RFC 3464 report; a header only reports carry; a report
    sender (MAILER-DAEMON, postmaster, "Mail Delivery System", also without an address)
    in From or Return-Path, or an empty Return-Path; or, from an automatic sender or one
    without an address, a report subject. Looping mail is judged before this."""
    if (
        msg.get_content_type() == "multipart/report"
        and str(msg.get_param("report-type", "")).lower() == "delivery-status"
    ):
        return True
    if any(name in msg for name in _NDR_HEADERS):
        return True
    from_value = header(msg, "From")
    name, address = parseaddr(from_value)
    return_path = header(msg, "Return-Path").replace(" ", "")
    if (
        _DAEMON.match(sender.split("@")[0])
        or (not sender and _DAEMON.match(name or from_value))
        or return_path == "<>"
        or _DAEMON.match(return_path.strip("<>").split("@")[0])
    ):
        return True
    automatic = header(msg, "Auto-Submitted").split(";")[0].strip().lower() not in ("", "no")
    subject = header(msg, "Subject")
    return bool(_SUBJECT.match(subject)) and (automatic or not sender or "@" not in address)


def bounced_message_id(msg: Message) -> str | None:
    """The Message-ID of the mail a report is about: from its returned copy
    (message/rfc822) or returned headers (text/rfc822-headers), else a "Message-ID:" line
    of the original quoted in its text, else the report's own In-Reply-To."""
    texts = []
    for part in msg.walk():
        content_type = part.get_content_type()
        value = ""
        try:
            if content_type == "message/rfc822":
                inner = part.get_payload()
                if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                    value = raw_header(inner[0], "Message-ID")
            elif content_type == "text/rfc822-headers":
                headers = message_from_string(decoded(part), policy=policy.compat32)
                value = raw_header(headers, "Message-ID")
            elif content_type == "text/plain":
                texts.append(part)
        except Exception:  # a broken report part: nothing to read in it
            value = ""
        ids = message_ids(value)
        if ids:
            return ids[0]
    for part in texts:
        for found in _QUOTED_ID.finditer(decoded(part)[:_TEXT_MAX_CHARS]):
            ids = message_ids(found[1])
            if ids:
                return ids[0]
    ids = message_ids(raw_header(msg, "In-Reply-To"))
    return ids[0] if ids else None


def bounce_failures(msg: Message) -> tuple[tuple[str, ...], ...]:
    """Who could not be reached, one entry per failed recipient holding the addresses
    that name it (lowercased; empty when the report names none). Empty when the report
    is no failure (a delay warning; a delivered, relayed or expanded notice).

    1. A message/delivery-status part (RFC 3464) decides: its blocks that say
       "Action: failed".
    2. A report that reads as a delay warning is no failure.
    3. flufl.bounce's detectors: their permanent failures; temporary ones only are none.
    4. Else a failure, naming X-Failed-Recipients or the returned original's To.
    """
    reports = [p for p in msg.walk() if p.get_content_type() == "message/delivery-status"]
    if reports:
        return tuple(block for part in reports for block in _failed_blocks(part))
    text = "\n".join(
        decoded(p)[:_TEXT_MAX_CHARS] for p in msg.walk() if p.get_content_type() == "text/plain"
    )
    if _DELAY.search(header(msg, "Subject")) or _DELAY.search(text[:3000]):
        return ()
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # a detector that trips on this mail: go on without it
        logger.warning("conversations: flufl.bounce could not read a bounce")
        temporary, permanent = frozenset(), frozenset()
    if permanent:
        return tuple(sorted((_address(a.decode("ascii", "replace")),) for a in permanent))
    if temporary:
        return ()
    named = [a for _n, a in getaddresses([header(msg, "X-Failed-Recipients")]) if "@" in a]
    if not named:
        named = _original_recipients(msg, text)
    if not named:
        # The addresses the report's text names (old Exchange: "anna@… on 27.11.2026"),
        # but not the report's own From and To: receive matches them only against the
        # recipients of our own sent mail.
        own = {a.lower() for _n, a in getaddresses([header(msg, "From"), header(msg, "To")])}
        named = [a for a in _ADDRESS.findall(text[:5000]) if a.lower() not in own]
    return tuple((_address(a),) for a in dict.fromkeys(named)) or ((),)


def _original_recipients(msg: Message, text: str) -> list[str]:
    """The To addresses of the returned original: its MIME part, else its quoted headers."""
    for part in msg.walk():
        try:
            if part.get_content_type() == "message/rfc822":
                inner = part.get_payload()
                if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                    return [a for _n, a in getaddresses([header(inner[0], "To")]) if "@" in a]
            if part.get_content_type() == "text/rfc822-headers":
                headers = message_from_string(decoded(part), policy=policy.default)
                return [a for _n, a in getaddresses([header(headers, "To")]) if "@" in a]
        except Exception:  # a broken part: nothing to read in it
            logger.debug("conversations: unreadable part in a bounce")
    found = _QUOTED_TO.search(text)
    return [a for _n, a in getaddresses([found[1]]) if "@" in a] if found else []


def _failed_blocks(part: Message) -> list[tuple[str, ...]]:
    try:
        blocks = part.get_payload()
        failed = []
        for block in blocks if isinstance(blocks, list) else []:
            if not isinstance(block, Message):
                continue
            if header(block, "Action").split("(")[0].strip().lower() != "failed":
                continue
            names = (header(block, "Final-Recipient"), header(block, "Original-Recipient"))
            failed.append(tuple(_dsn_address(n) for n in names if _dsn_address(n)))
    except Exception:  # a broken report part: nothing to read in it
        return []
    return failed


def _dsn_address(value: str) -> str:
    """ "rfc822; Anna@Example.org" as "anna@example.org" (another address type is kept
    whole, so it matches no address of ours)."""
    value = value.replace("\x00", "").strip()
    if value.lower().startswith("rfc822;"):
        value = value[len("rfc822;") :]
    return _address(value)


def _address(value: str) -> str:
    return value.strip().strip("<>").strip().lower()
