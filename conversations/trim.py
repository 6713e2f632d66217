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
# A "wrote:" line is an attribution only when it holds an address or a time. It starts the
# history when quoted (">") lines or an Outlook-style header block follow it, or when it
# names the team itself (our address or name: what follows is our own mail, quoted or
# not). A newcomer's own "Den 3. mars kl. 10:00 skrev jeg til NAV:" followed by their own
# text is not taken for one.
_WROTE = [
    # Gmail, Apple Mail, Thunderbird, Yahoo: "On Tue, 3 Nov 2026 at 10:00, Kari <k@x> wrote:"
    re.compile(r"^On\b.{4,300}\bwrote:$", re.IGNORECASE),
    # Bokmål, nynorsk, Danish and Swedish: "Den 3. nov. 2026 kl. 10:00 skrev Kari <k@x>:",
    # Gmail: "tir. 3. nov. 2026 kl. 10:15 skrev Kari <k@x>:", Outlook mobile and Yahoo:
    # "På fre. 27. nov. 2026 kl. 09:30 skrev …:", nynorsk "… skreiv Kari <k@x>:"
    re.compile(
        r"^(den|på|man|tir|ons|tor|fre|lør|søn|mån|tis|\d).{4,300}\b(skreiv|skrev)\b.{0,300}:$",
        re.IGNORECASE,
    ),
    re.compile(r"^Am\b.{4,300}\bschrieb\b.{0,300}:$", re.IGNORECASE),
    # Polish: "wt., 3 lis 2026 o 10:00 Kari <k@x> napisał(a):", Thunderbird "W dniu
    # 27.11.2026 o 09:30, Kari pisze:"
    re.compile(r"^.{4,300}\b(napisał(\(a\)|a)?|pisze):$", re.IGNORECASE),
    # Ukrainian (Gmail, Thunderbird): "… Kari <k@x> пише:", "… написав(ла):"
    re.compile(r"^.{4,300}\b(пише|написав(\(ла\))?|написала):$", re.IGNORECASE),
]
_TIME = re.compile(r"\d{1,2}[:.]\d{2}")
_ORIGINAL_MESSAGE = re.compile(
    # Outlook and others: "-----Original Message-----", "-----Opprinnelig melding-----"
    r"^-{2,}\s*(original message|opprinnelig melding|oprindelig meddelelse"
    r"|ursprüngliche nachricht|forwarded message|videresendt melding|oryginalna wiadomość"
    r"|ursprungligt meddelande|вихідне повідомлення|пересланий лист)\s*-{2,}$",
    re.IGNORECASE,
)
# Outlook's separator line above its header block.
_SEPARATOR = re.compile(r"^_{10,}$")
# Outlook's header block: after a separator or a blank line, "From: name <address>"
# followed within a few lines by "Sent: …" (or Date), in English, bokmål, nynorsk, Danish,
# Swedish, German, Polish or Ukrainian. The address and the date line are both required:
# "Fra: Kraków\nTil: Narvik" in a newcomer's own text is not a header block. Outlook
# writes only the name when the sender is in the address book ("Fra: Kari Nordmann"):
# then "Sendt:", "Til:" and "Emne:" must all follow.
_FROM = r"from|fra|frå|från|von|od|від"
_HEADER_FROM = re.compile(rf"^\**({_FROM})\s*:\**\s*\S.*@", re.IGNORECASE)
_HEADER_FROM_NAME = re.compile(rf"^\**({_FROM})\s*:\**\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\**(sent|date|sendt|dato|skickat|datum|gesendet|wysłano|wysłany|data|надіслано"
    r"|дата)\s*:",
    re.IGNORECASE,
)
_HEADER_TO = re.compile(r"^\**(to|til|till|an|do|кому)\s*:", re.IGNORECASE)
_HEADER_SUBJECT = re.compile(r"^\**(subject|emne|ämne|betreff|temat|тема)\s*:", re.IGNORECASE)
# The signature: only RFC 3676's exact "-- " line ("--" alone is often a dash in the
# text), and phones' and Outlook's one-line footers, when nothing of the newcomer's
# follows them ("Sent from my old address the form never arrived." is a sentence).
_SIGNATURE = "-- "
_SENT_FROM = re.compile(
    r"^(sent from my|sendt fra min|sent from outlook|sendt fra outlook|get outlook for"
    r"|hent outlook for|sent from mail for windows|sendt fra e-post for windows"
    r"|skickat från min|von meinem|wysłane z|wysłano z|надіслано з|відправлено з)\b.{0,60}$",
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


def _attribution(text: str, ours: tuple[str, ...]) -> bool:
    """A "wrote:" line that names an address or a time ("On Monday my landlord wrote:"
    does not), or the team itself."""
    if not any(p.match(text) for p in _WROTE):
        return False
    names_us = any(name in text.lower() for name in ours)
    return names_us or "@" in text or bool(_TIME.search(text))


def _quote_follows(lines: list[str], after: int) -> bool:
    nxt = _next_line(lines, after)
    return nxt is not None and lines[nxt].lstrip().startswith(">")


def _wrote_line(text: str, lines: list[str], after: int, ours: tuple[str, ...]) -> bool:
    """An attribution that starts the history: quoted lines or a header block follow it,
    or it names the team (our mail follows, quoted or not)."""
    if not _attribution(text, ours):
        return False
    nxt = _next_line(lines, after)
    return nxt is not None and (
        lines[nxt].lstrip().startswith(">")
        or _header_block(lines, nxt)
        or any(name in text.lower() for name in ours)
    )


def _signature_ends(lines: list[str], index: int, ours: tuple[str, ...]) -> bool:
    """A phone's "Sent from my …" line with nothing of the newcomer's after it: only
    blank lines, quoted lines or the history."""
    nxt = _next_line(lines, index + 1)
    return nxt is None or lines[nxt].lstrip().startswith(">") or _history_starts(lines, nxt, ours)


def _history_starts(lines: list[str], index: int, ours: tuple[str, ...]) -> bool:
    line = lines[index]
    stripped = line.strip()
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    previous = lines[index - 1].strip() if index > 0 else ""
    return (
        _wrote_line(stripped, lines, index + 1, ours)
        # a "wrote:" line that the client wrapped in two (not a sentence of the reply)
        or (
            bool(following)
            and not stripped.endswith((".", "!", "?"))
            and _wrote_line(f"{stripped} {following}", lines, index + 2, ours)
        )
        or bool(_ORIGINAL_MESSAGE.match(stripped))
        or bool(_SEPARATOR.match(stripped))
        or line.rstrip("\r") == _SIGNATURE
        or (bool(_SENT_FROM.match(stripped)) and _signature_ends(lines, index, ours))
        or (
            (index == 0 or not previous or bool(_SEPARATOR.match(previous)))
            and _header_block(lines, index)
        )
    )


def _quote_attribution(lines: list[str], index: int, ours: tuple[str, ...]) -> int:
    """How many lines (1, or 2 when wrapped) an attribution at `index` takes that only
    introduces ">" quoted lines, not naming the team: the quote is dropped line by line and
    what follows it is kept (a bottom-posted or interleaved answer). 0: none."""
    stripped = lines[index].strip()
    if _attribution(stripped, ours) and _quote_follows(lines, index + 1):
        return 1
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    joined = f"{stripped} {following}"
    if following and _attribution(joined, ours) and _quote_follows(lines, index + 2):
        return 2
    return 0


def reply_trim(text: str, *, ours: tuple[str, ...] = ()) -> str:
    """The newcomer's own part of a plain-text reply, wherever it sits: above the quote
    (top-posted), below it (bottom-posted) or between quoted lines (interleaved).

    ">" quoted lines are dropped, and so is an attribution line that only introduces them.
    Everything from the first line where unquoted history starts (an Outlook header block,
    "-----Original Message-----", an attribution naming the team in `ours`, lowercased
    addresses and names) or the signature is dropped. If that leaves nothing (a mail that
    is all quotes), the whole text is kept rather than losing what was sent. The whole text
    is kept as well (ParsedEmail.full_text), so a wrong cut loses nothing.

    Hand-written rather than a library: mail-parser-reply (the maintained option) has no
    Norwegian, and it treats any line starting with "Thanks" or "- " as the start of a
    signature, which would drop the rest of a newcomer's question.
    """
    ours = tuple(name.lower() for name in ours if name)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    skip = 0
    for index, line in enumerate(lines):
        if skip:
            skip -= 1
            continue
        if line.strip().startswith(">"):
            continue
        skip = _quote_attribution(lines, index, ours)
        if skip:
            skip -= 1
            continue
        if _history_starts(lines, index, ours):
            break
        kept.append(line.rstrip())
    result = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return result or text.strip()
