"""Reading the parts of a mail as they really come: headers with raw 8-bit bytes, header
blocks broken mid-way, charset labels that name a smaller charset than the text uses.
Pure helpers for conversations.inbound and conversations.bounces; none raises on junk.
"""

import codecs
import re
from email import policy
from email.header import decode_header
from email.message import Message

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
# RFC 5322 msg-id without obsolete forms or comments: printable ASCII except "<", ">" and
# space, one "@". Anything else (a decoded encoded-word with CR LF in it) is not trusted:
# these ids go back out in In-Reply-To and References of our own mail.
_MESSAGE_ID_STRICT = re.compile(r"<[!-;=?-~]+@[!-;=?-~]+>")
MESSAGE_ID_MAX_CHARS = 255

# Charset labels read as browsers read them (the WHATWG Encoding Standard's labels): mail
# clients label text by the smaller charset and write the larger one, e.g. "iso-8859-1"
# on windows-1252 text with curly quotes and "€", "gb2312" on GBK text. Only the labels
# whose meaning differs from Python's codec of the same name are listed.
_WHATWG_LABELS = {
    **dict.fromkeys(
        [
            "ansi_x3.4-1968",
            "ascii",
            "cp819",
            "csisolatin1",
            "ibm819",
            "iso-8859-1",
            "iso-ir-100",
            "iso8859-1",
            "iso88591",
            "iso_8859-1",
            "iso_8859-1:1987",
            "l1",
            "latin1",
            "us-ascii",
            "x-cp1252",
        ],
        "windows-1252",
    ),
    **dict.fromkeys(
        [
            "csisolatin5",
            "iso-8859-9",
            "iso-ir-148",
            "iso8859-9",
            "iso88599",
            "iso_8859-9",
            "l5",
            "latin5",
        ],
        "windows-1254",
    ),
    **dict.fromkeys(
        ["dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620"], "windows-874"
    ),
    **dict.fromkeys(
        [
            "chinese",
            "csgb2312",
            "csiso58gb231280",
            "gb2312",
            "gb_2312",
            "gb_2312-80",
            "gbk",
            "iso-ir-58",
            "x-gbk",
        ],
        "gb18030",
    ),
    **dict.fromkeys(
        [
            "cseuckr",
            "csksc56011987",
            "euc-kr",
            "iso-ir-149",
            "korean",
            "ks_c_5601-1987",
            "ks_c_5601-1989",
            "ksc5601",
            "ksc_5601",
            "windows-949",
        ],
        "cp949",
    ),
    **dict.fromkeys(
        [
            "csshiftjis",
            "ms932",
            "ms_kanji",
            "shift-jis",
            "shift_jis",
            "sjis",
            "windows-31j",
            "x-sjis",
        ],
        "cp932",
    ),
    **dict.fromkeys(["big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"], "big5hkscs"),
    **dict.fromkeys(["iso-8859-8-i", "csiso88598i", "logical"], "iso-8859-8"),
    **dict.fromkeys(["koi8-ru"], "koi8-u"),
}


def message_id_valid(value: str) -> bool:
    """Whether `value` is one "<left@right>" Message-ID that is safe to put in a header."""
    return len(value) <= MESSAGE_ID_MAX_CHARS and bool(_MESSAGE_ID_STRICT.fullmatch(value))


def message_ids(value: str) -> list[str]:
    """The valid Message-IDs in a raw header, in order, as "<id>"; a bare id without
    brackets (some broken clients) is bracketed. Ids that fail message_id_valid are left
    out."""
    ids = _MESSAGE_ID.findall(value)
    if not ids and value and " " not in value and "@" in value:
        ids = [f"<{value.strip('<>')}>"]
    return [i for i in ids if message_id_valid(i)]


def clean(value: str) -> str:
    """Without NUL characters, which PostgreSQL refuses in text."""
    return value.replace("\x00", "")


def codec_for(label: str | None) -> str:
    """The Python codec for a charset label, read as browsers do; "utf-8" for a label that
    is unknown or not a text encoding (base64, hex, rot13 and zlib are codecs too, but
    bytes-to-bytes ones)."""
    label = (label or "").strip().strip("\"'").lower()
    label = _WHATWG_LABELS.get(label, label or "utf-8")
    try:
        info = codecs.lookup(label)
    except LookupError:
        return "utf-8"
    return info.name if getattr(info, "_is_text_encoding", True) else "utf-8"


def decode_text(payload: bytes, label: str | None) -> str:
    """Bytes in the labelled charset (as browsers read the label). Bytes that are not
    valid in it but are valid UTF-8 (a wrong label) are read as UTF-8; else errors are
    replaced."""
    codec = codec_for(label)
    try:
        return payload.decode(codec)
    except (UnicodeError, LookupError, ValueError, TypeError):
        pass
    try:
        return payload.decode("utf-8")
    except UnicodeError:
        pass
    try:
        return payload.decode(codec, errors="replace")
    except (UnicodeError, LookupError, ValueError, TypeError):
        return payload.decode("utf-8", errors="replace")


def decoded(part: Message) -> str:
    """A text part's content: transfer encoding undone, charset decoded (decode_text),
    without NUL characters."""
    try:
        payload = part.get_payload(decode=True)
        charset = part.get_content_charset()
    except Exception:  # a broken Content-Type or transfer encoding
        return ""
    if not isinstance(payload, bytes):
        return ""
    return clean(decode_text(payload, charset))


# --- Headers ------------------------------------------------------------------------------


def _body_charset(msg: Message) -> str | None:
    """The charset of the mail's first text part: raw 8-bit header bytes are usually in
    it (the sender's client wrote both)."""
    try:
        for part in msg.walk():
            if part.get_content_maintype() == "text" and part.get_content_charset():
                return part.get_content_charset()
    except Exception:  # a broken structure: no charset to go by
        return None
    return None


def header(msg: Message, name: str) -> str:
    """The header's decoded value, or "" when absent or too broken to parse. Raw 8-bit
    bytes in it (against RFC 5322, common in old clients and spam filters) are read as
    UTF-8, else in the charset of the mail's body, else as windows-1252."""
    try:
        value = msg.get(name)
    except Exception:  # the header parser of the standard library raises on some junk
        return ""
    if value is None:
        return ""
    raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if isinstance(raw, str) and "=?" in raw and re.search("[\x80-\x9f\ufffd]", str(value)):
        # An encoded-word whose label names a smaller charset than its text (C1 control
        # characters from "iso-8859-1" on windows-1252 text): read the labels as
        # browsers do.
        value = _encoded_words(raw)
    elif isinstance(raw, str) and re.search("[\udc80-\udcff]", raw):
        data = raw.encode("ascii", "surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeError:
            text = decode_text(data, _body_charset(msg) or "windows-1252")
        try:
            value = policy.default.header_factory(name, text)
        except Exception:  # unreadable as that header: the text as it is
            value = text
    return str(value).strip()


def _encoded_words(raw: str) -> str:
    try:
        chunks = decode_header(re.sub(r"\r?\n[ \t]", " ", raw))
    except Exception:  # an encoded-word too broken to split: as it came
        return raw
    return "".join(
        decode_text(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in chunks
    )


def raw_header(msg: Message, name: str) -> str:
    """The header's value as it came, unfolded and not decoded. Message-IDs are read from
    it: policy.default would decode an encoded-word in them, CR LF included."""
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return re.sub(r"\r?\n[ \t]", " ", str(value)).strip()
    return ""


_FIELD = re.compile(rb"^[!-9;-~]+[ \t]*:")


def header_block_repaired(raw: bytes) -> bytes:
    """The raw mail with a broken header block mended, or unchanged when it is not broken.

    The standard library ends the headers at the first line that is not a header, so a
    folded line without its indentation (a gateway that rewrapped "Subject:") or a text
    line before the headers (a relay's banner) leaves From and Subject in the body. Here,
    within the block before the first empty line: lines before the first header are
    dropped, and a line that is neither a header nor indented, with headers after it, is
    indented (read as a continuation of the header above it). A mail without an empty line
    is left as it is: there the first text line may really be the body.
    """
    end = re.search(rb"\r?\n\r?\n", raw)
    if end is None:
        return raw
    lines = raw[: end.start()].split(b"\n")
    first = next((i for i, line in enumerate(lines) if _FIELD.match(line)), None)
    if first is None:
        return raw
    broken = first > 0 and not lines[0].startswith(b"From ")
    mended = lines[first:] if broken else lines
    fixed = []
    for line in mended:
        if line[:1] in (b" ", b"\t") or _FIELD.match(line) or line.startswith(b"From "):
            fixed.append(line)
        else:
            broken = True
            fixed.append(b" " + line)
    if not broken:
        return raw
    return b"\n".join(fixed) + raw[end.start() :]
