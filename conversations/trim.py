"""The newcomer's own words in a reply: HTML to plain text, and the quoted history,
forwarded blocks and signatures cut off. Pure functions; conversations.inbound keeps the
whole text beside the trimmed one, so a wrong cut loses nothing.
"""

import re
from html.parser import HTMLParser

# Longest HTML read, in characters: the text kept is at most 100,000 characters
# (inbound.FULL_TEXT_MAX_CHARS), and what a person wrote is at the top. Cut before
# parsing, so a 25 MB newsletter costs no more than this much.
HTML_MAX_CHARS = 1_000_000
# Read without their content: code, styling, and what is never shown.
_DROP_TAGS = frozenset(
    ["script", "style", "head", "title", "template", "noscript", "iframe", "object"]
)
# Where a quoted earlier message starts in HTML: Gmail, Apple Mail and Thunderbird quote in a
# blockquote (Gmail's inside div.gmail_quote, Thunderbird's prefix in div.moz-cite-prefix),
# Yahoo in div.yahoo_quoted (id "yahoo_quoted_<number>").
_QUOTE_CLASSES = frozenset(["gmail_quote", "gmail_attr", "moz-cite-prefix", "yahoo_quoted"])
# Outlook puts the history after its header block instead: everything from these on.
_HISTORY_FROM_IDS = frozenset(["divRplyFwdMsg", "appendonsend"])
# Elements that end a paragraph (a blank line after them) or a line.
_PARAGRAPH_TAGS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "pre", "ul", "ol", "blockquote"]
)
_LINE_TAGS = frozenset(["div", "li", "tr", "dt", "dd", "section", "article", "header", "footer"])
# Elements without content or end tag.
_VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


class _Texts(HTMLParser):
    """One pass over the markup, writing two texts at once: everything visible (`full`)
    and the same without the quoted history (`reply`). Streaming, with a stack of open
    elements: the cost grows with the size of the markup, not faster (a tree library's
    insertions did, and took 17 s for 4.5 MB). An end tag with no open element of its
    name is ignored; one that closes an outer element closes those inside it too."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.full: list[str] = []
        self.reply: list[str] = []
        self._stack: list[str] = []
        # Stack depths where dropped content, a quote and preformatted text began.
        self._drop_at: int | None = None
        self._quote_at: int | None = None
        self._pre_at: int | None = None
        self._after_marker = False
        self._ends = {id(self.full): 0, id(self.reply): 0}

    def _emit(self, text: str) -> None:
        if self._drop_at is not None:
            return
        outs = [self.full]
        if self._quote_at is None and not self._after_marker:
            outs.append(self.reply)
        for out in outs:
            out.append(text)
            # How many line ends the text now ends in (blank space between them aside).
            trailing = text.rstrip(" \t\xa0")
            ends = len(trailing) - len(trailing.rstrip("\n"))
            if trailing.strip():
                self._ends[id(out)] = ends
            else:
                self._ends[id(out)] += ends

    def _break(self, count: int) -> None:
        """At least `count` line ends at the end of each text (not one more); none at the
        start of a text."""
        if self._drop_at is not None:
            return
        outs = [self.full]
        if self._quote_at is None and not self._after_marker:
            outs.append(self.reply)
        for out in outs:
            have = self._ends[id(out)]
            if out and have < count:
                out.append("\n" * (count - have))
                self._ends[id(out)] = count

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID_TAGS:
            if tag == "br":
                self._emit("\n")
            return
        values = dict(attrs)
        element_id = values.get("id") or ""
        classes = set((values.get("class") or "").split())
        if element_id in _HISTORY_FROM_IDS and self._drop_at is None:
            self._after_marker = True
        depth = len(self._stack)
        if tag in _DROP_TAGS and self._drop_at is None:
            self._drop_at = depth
        if self._quote_at is None and (
            tag == "blockquote" or classes & _QUOTE_CLASSES or element_id.startswith("yahoo_quoted")
        ):
            self._quote_at = depth
        if tag == "pre" and self._pre_at is None:
            self._pre_at = depth
        if tag in _PARAGRAPH_TAGS or tag in _LINE_TAGS:
            self._break(1)
        self._stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._stack:
            return
        while self._stack:
            closed = self._stack.pop()
            self._closed(closed)
            if closed == tag:
                break

    def _closed(self, tag: str) -> None:
        depth = len(self._stack)
        if tag in _PARAGRAPH_TAGS:
            self._break(2)
        elif tag in _LINE_TAGS:
            self._break(1)
        if self._drop_at is not None and depth <= self._drop_at:
            self._drop_at = None
        if self._quote_at is not None and depth <= self._quote_at:
            self._quote_at = None
        if self._pre_at is not None and depth <= self._pre_at:
            self._pre_at = None

    def handle_data(self, data: str) -> None:
        # Outside <pre>, a line end in the markup is a space: lines come from elements.
        self._emit(data if self._pre_at is not None else " ".join(data.split("\n")))

    def close(self) -> None:
        super().close()
        while self._stack:
            self._closed(self._stack.pop())


def _lines(chunks: list[str]) -> str:
    lines = (" ".join(line.split()) for line in "".join(chunks).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_texts(html: str) -> tuple[str, str]:
    """The visible text of an HTML mail with and without its quoted history, from one
    parse of at most HTML_MAX_CHARS characters. Plain text (entities decoded, no markup);
    the templates that show it escape it like any text."""
    parser = _Texts()
    parser.feed(html[:HTML_MAX_CHARS])
    parser.close()
    return _lines(parser.full), _lines(parser.reply)


def html_to_text(html: str, *, keep_history: bool = False) -> str:
    """Visible text of an HTML mail, without its quoted history unless `keep_history`."""
    full, reply = html_texts(html)
    return full if keep_history else reply


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
