"""The newcomer's own words in a reply: HTML to plain text (BeautifulSoup, scripts and
styles dropped) and the quoted history, forwarded blocks and signatures cut off. Pure
functions; conversations.inbound keeps the whole text beside the trimmed one, so a wrong
cut loses nothing.
"""

import re

from bs4 import BeautifulSoup, Comment

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
        for element in list(start.next_elements):
            element.extract()
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
# A "wrote:" line ends the reply only when it holds an address or a time, and quoted (">")
# lines or an Outlook-style header block follow it: a newcomer's own "Den 3. mars kl. 10:00
# skrev jeg til NAV:" followed by their own text is not taken for one.
_WROTE = [
    # Gmail, Apple Mail, Thunderbird: "On Tue, 3 Nov 2026 at 10:00, Kari <k@x> wrote:"
    re.compile(r"^On\b.{4,300}\bwrote:$", re.IGNORECASE),
    # Norwegian and Danish: "Den 3. nov. 2026 kl. 10:00 skrev Kari <k@x>:",
    # Gmail in bokmål: "tir. 3. nov. 2026 kl. 10:15 skrev Kari <k@x>:"
    re.compile(r"^(den|man|tir|ons|tor|fre|lør|søn|\d).{4,300}\bskrev\b.{0,300}:$", re.IGNORECASE),
    re.compile(r"^Am\b.{4,300}\bschrieb\b.{0,300}:$", re.IGNORECASE),
    # Polish: "wt., 3 lis 2026 o 10:00 Kari <k@x> napisał(a):"
    re.compile(r"^.{4,300}\bnapisał(\(a\)|a)?:$", re.IGNORECASE),
    # Ukrainian (Gmail, Thunderbird): "… Kari <k@x> пише:", "… написав(ла):"
    re.compile(r"^.{4,300}\b(пише|написав(\(ла\))?|написала):$", re.IGNORECASE),
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
# newcomer's own text is not a header block. Outlook writes only the name when the sender
# is in the address book ("Fra: Kari Nordmann"): then "Sendt:", "Til:" and "Emne:" must
# all follow.
_HEADER_FROM = re.compile(r"^\**(from|fra|von)\s*:\**\s*\S.*@", re.IGNORECASE)
_HEADER_FROM_NAME = re.compile(r"^\**(from|fra|von)\s*:\**\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\**(sent|date|sendt|dato|gesendet|datum)\s*:", re.IGNORECASE)
_HEADER_TO = re.compile(r"^\**(to|til|an)\s*:", re.IGNORECASE)
_HEADER_SUBJECT = re.compile(r"^\**(subject|emne|betreff)\s*:", re.IGNORECASE)
# The signature: only RFC 3676's exact "-- " line ("--" alone is often a dash in the
# text), and phones' and Outlook's one-line footers.
_SIGNATURE = "-- "
_SENT_FROM = re.compile(
    r"^(sent from my|sendt fra min|sent from outlook|sendt fra outlook|get outlook for"
    r"|hent outlook for|sent from mail for windows|sendt fra e-post for windows)\b.{0,60}$",
    re.IGNORECASE,
)


def _next_line(lines: list[str], start: int) -> int | None:
    """The index of the first non-blank line from `start` on."""
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


def _header_block(lines: list[str], index: int) -> bool:
    """Whether an Outlook-style header block starts at lines[index]."""
    line = lines[index].strip()
    following = [nxt.strip() for nxt in lines[index + 1 : index + 6]]
    if _HEADER_FROM.match(line) and any(_HEADER_SENT.match(nxt) for nxt in following[:3]):
        return True
    return bool(_HEADER_FROM_NAME.match(line)) and all(
        any(pattern.match(nxt) for nxt in following)
        for pattern in (_HEADER_SENT, _HEADER_TO, _HEADER_SUBJECT)
    )


def _wrote_line(text: str, lines: list[str], after: int) -> bool:
    """An attribution line: it names the quoted author's address or a time ("On Monday my
    landlord wrote:" does not), and quoted lines or a header block follow it."""
    if not any(p.match(text) for p in _WROTE) or not ("@" in text or _TIME.search(text)):
        return False
    nxt = _next_line(lines, after)
    return nxt is not None and (lines[nxt].lstrip().startswith(">") or _header_block(lines, nxt))


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
            and _header_block(lines, index)
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
