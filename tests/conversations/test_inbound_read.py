# ruff: noqa: RUF001 (Ukrainian and Polish mail text)
"""The pieces under conversations.inbound that issue 20 added or changed: charset labels,
raw 8-bit headers, mended header blocks, HTML to text in one pass, and trimming of
bottom-posted replies, signatures and our own attributions."""

import pytest

from conversations.inbound import inbound_parse
from conversations.mimeread import codec_for, decode_text, header_block_repaired
from conversations.trim import HTML_MAX_CHARS, html_texts, reply_trim


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("iso-8859-1", "cp1252"),
        ("US-ASCII", "cp1252"),
        ('"gb2312"', "gb18030"),
        ("GBK", "gb18030"),
        ("ks_c_5601-1987", "cp949"),
        ("shift_jis", "cp932"),
        ("utf-8", "utf-8"),
        ("iso-8859-2", "iso8859-2"),
        ("base64", "utf-8"),
        ("no-such-charset", "utf-8"),
        (None, "utf-8"),
    ],
)
def test_codec_for_reads_labels_as_browsers_do(label, codec):
    assert codec_for(label) == codec


def test_decode_text_reads_utf8_under_a_wrong_label():
    assert decode_text("Zażółć".encode(), "iso-2022-jp") == "Zażółć"
    assert decode_text("Smart “quotes” €".encode("cp1252"), "iso-8859-1") == "Smart “quotes” €"


def test_header_block_repaired_leaves_a_good_mail_as_it_is():
    raw = b"From: a@example.org\r\nSubject: x\r\n y\r\n\r\nbody\r\nnot: a header\r\n"
    assert header_block_repaired(raw) is raw
    # Without an empty line the first text line may be the body: left alone.
    bare = b"Subject: x\r\nHello there\r\n"
    assert header_block_repaired(bare) is bare


def test_header_block_repaired_mends_a_fold_and_drops_a_banner():
    raw = b"Relay banner\r\nSubject: a\r\nb\r\nFrom: c@example.org\r\n\r\nbody\r\n"
    assert header_block_repaired(raw) == (
        b"Subject: a\r\n b\r\nFrom: c@example.org\r\n\r\nbody\r\n"
    )


def test_inbound_parse_raw_8bit_header_in_the_body_charset():
    raw = (
        "From: Łukasz <l@example.pl>\r\nSubject: Zażółć\r\nMessage-ID: <r8@example.pl>\r\n"
        "Content-Type: text/plain; charset=iso-8859-2\r\n\r\nCześć\r\n"
    ).encode("iso-8859-2")
    parsed = inbound_parse(raw)
    assert (parsed.subject, parsed.sender_name, parsed.text) == ("Zażółć", "Łukasz", "Cześć")


def test_html_texts_one_parse_gives_both_texts():
    html = (
        "<div>Takk!</div><blockquote>Gammel tekst</blockquote>"
        "<p>Line one\nstill line one</p><pre>a\n b</pre>"
    )
    full, reply = html_texts(html)
    assert reply == "Takk!\nLine one still line one\n\na\nb"
    assert "Gammel tekst" in full and "Gammel tekst" not in reply


def test_html_texts_reads_at_most_the_cap():
    html = "<p>Start</p>" + "x" * HTML_MAX_CHARS + "<p>END</p>"
    full, _reply = html_texts(html)
    assert full.startswith("Start") and "END" not in full


def test_html_texts_outlook_history_from_its_marker_on():
    html = '<p>Ja.</p><hr><div id="divRplyFwdMsg"><b>Fra:</b> X</div><p>Gammel</p>'
    assert html_texts(html)[1] == "Ja."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Bottom-posted: the answer under the quote is kept.
        ("Hi,\n\nOn Fri, 27 Nov 2026 at 09:30, Kari <k@x.no> wrote:\n> Q?\n\nA.", "Hi,\n\nA."),
        # An attribution of our own mail, quoted or not, with "På" or "W dniu".
        (
            "Ja.\n\nPå fre. 27. nov. 2026 kl. 09:30 skrev Team <team@t.example>:\nGammel",
            "Ja.",
        ),
        ("Tak.\n\nW dniu 27.11.2026 o 09:30, Team <team@t.example> napisał:\nStara", "Tak."),
        # Signatures only at the end.
        ("Ok.\n\nWysłane z iPhone'a", "Ok."),
        ("Sent from my phone, sorry for typos.\nThe lease is attached.", None),
        # Polish and Ukrainian Outlook header blocks.
        ("Ok.\n\nOd: Team <team@t.example>\nWysłano: piątek\nDo: A\nTemat: B\n\nOld", "Ok."),
        ("Так.\n\nВід: Team <team@t.example>\nНадіслано: п’ятниця\nКому: A\nТема: B", "Так."),
    ],
)
def test_reply_trim_issue_20_shapes(text, expected):
    assert reply_trim(text, ours=("team@t.example",)) == (text if expected is None else expected)


def test_reply_trim_an_attribution_of_someone_else_needs_a_quote():
    text = "Ja.\n\nDen 3. mars kl. 10:00 skrev Kari <kari@example.org>:\nVi kommer i mars."
    assert reply_trim(text, ours=("team@t.example",)) == text
