"""Reading an Authentication-Results header (RFC 8601) for one thing: did the sender's
domain pass DMARC. conversations.inbound.sender_authenticated decides which header to
trust (the topmost, added by our own receiving server); this module only parses it.
"""

import re

# RFC 8601 after comments are removed: one "name=value" property or result. The name runs
# to the FIRST "=", and an unquoted value to whitespace or ";", "=" included: values such
# as smtp.mailfrom=prvs=0123abcd=anna@example.org (BATV), SRS0=…= and header.b=a1b2= are
# common, and must not make the header unreadable.
_AR_PAIR = re.compile(r'\s*([^\s=;"]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;"]+)')
_AR_DMARC = re.compile(r"\s*dmarc\s*[=/]", re.IGNORECASE)


def authentication_results_dmarc_pass(value: str, *, domain: str) -> bool:
    """Whether one Authentication-Results header value (RFC 8601) says dmarc=pass for
    header.from `domain` (case-insensitive). Every dmarc result in it must parse and pass
    for that domain; no dmarc result, or an unbalanced comment or quote, is False. Other
    results that do not parse are skipped: only the dmarc one is read.

    Accepts a value with an authserv-id ("mx.example.org; dmarc=pass header.from=x") and
    Microsoft 365's without one ("spf=pass (...) smtp.mailfrom=x;dmarc=pass action=none
    header.from=x;compauth=pass reason=100"). Hand-written: authres (the parser on PyPI)
    has had no release since 2019, and authheaders adds DKIM and DNS verification we do
    not want; this is the one question we ask.
    """
    text = _without_comments(value)
    if text is None:
        return False
    dmarc: list[list[tuple[str, str]]] = []
    for segment in _ar_segments(text):
        if not _AR_DMARC.match(segment):
            continue  # the authserv-id, another method's result: not ours to read
        pairs = _pairs(segment)
        if pairs is None:
            return False
        dmarc.append(pairs)
    expected = domain.strip().lower().rstrip(".")
    return bool(expected) and bool(dmarc) and all(_dmarc_pass(r, expected) for r in dmarc)


def _dmarc_pass(pairs: list[tuple[str, str]], domain: str) -> bool:
    header_from = [v for k, v in pairs[1:] if k == "header.from"]
    return pairs[0][1] == "pass" and len(header_from) == 1 and header_from[0].rstrip(".") == domain


def _ar_segments(text: str) -> list[str]:
    """The value split at each ";" outside a quoted-string."""
    segments: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            segments.append("".join(current))
            current = []
            continue
        current.append(char)
    segments.append("".join(current))
    return segments


def _pairs(segment: str) -> list[tuple[str, str]] | None:
    """The segment's "name=value" properties (names and values lowercased, quotes
    removed), or None when anything else is left in it. Scanned one property at a time: a
    single regex over the whole value could backtrack for ages on a long crafted header."""
    pairs, pos = [], 0
    while match := _AR_PAIR.match(segment, pos):
        name, raw = match.groups()
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        pairs.append((name.lower(), raw.strip().lower()))
        pos = match.end()
    return pairs if pairs and not segment[pos:].strip() else None


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
