"""conversations.inbound: reading one raw mail, without the database."""

import hashlib
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from conversations.authresults import authentication_results_dmarc_pass
from conversations.inbound import TEXT_MAX_CHARS, inbound_parse
from conversations.trim import reply_trim


def make_raw(
    *,
    body: str | None = "Hello",
    html: str | None = None,
    sender: str = "Anna Kowalska <Anna@Example.org>",
    subject: str = "Re: Your enquiry",
    message_id: str | None = "<reply-1@mail.example.org>",
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "team@tilflytt.example"
    msg["Subject"] = subject
    msg["Date"] = "Fri, 27 Nov 2026 09:30:00 +0100"
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    if body is not None:
        msg.set_content(body)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    return msg.as_bytes()


def test_inbound_parse_headers():
    raw = make_raw(
        headers={
            "In-Reply-To": "<out-2@tilflytt.example>",
            "References": "<out-1@tilflytt.example> <out-2@tilflytt.example>",
        }
    )
    parsed = inbound_parse(raw)
    assert parsed.message_id == "<reply-1@mail.example.org>"
    assert parsed.in_reply_to == "<out-2@tilflytt.example>"
    assert parsed.references == ["<out-1@tilflytt.example>", "<out-2@tilflytt.example>"]
    assert parsed.sender == "anna@example.org"
    assert parsed.sender_name == "Anna Kowalska"
    assert parsed.subject == "Re: Your enquiry"
    assert parsed.date == datetime(2026, 11, 27, 8, 30, tzinfo=UTC)
    assert parsed.text == "Hello"
    assert parsed.kind == "reply"
    assert parsed.attachments == []


def test_inbound_parse_missing_message_id_is_stable():
    raw = make_raw(message_id=None)
    parsed = inbound_parse(raw)
    assert parsed.message_id == f"<{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"
    assert inbound_parse(raw).message_id == parsed.message_id


def test_inbound_parse_bare_message_id_is_bracketed():
    assert inbound_parse(make_raw(message_id="abc@example.org")).message_id == ("<abc@example.org>")


def test_inbound_parse_bad_date_and_unknown_charset():
    raw = (
        b"From: x@example.org\r\nSubject: Hi\r\nDate: not a date\r\nMessage-ID: <c@x>\r\n"
        b"Content-Type: text/plain; charset=x-unknown-8\r\n\r\nHei p\xe5 deg\r\n"
    )
    parsed = inbound_parse(raw)
    assert parsed.date is None
    assert parsed.text == "Hei p\ufffd deg"


def test_inbound_parse_latin1_body():
    raw = (
        b"From: x@example.org\r\nMessage-ID: <l@x>\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nHei p=E5 deg, bl=E5b=E6r\r\n"
    )
    assert inbound_parse(raw).text == "Hei på deg, blåbær"


def test_inbound_parse_caps_text():
    parsed = inbound_parse(make_raw(body="x" * (TEXT_MAX_CHARS + 500)))
    assert len(parsed.text) == TEXT_MAX_CHARS


# --- Trimming -----------------------------------------------------------------------------


def test_reply_trim_gmail():
    text = (
        "Thanks, that works for us.\n\n"
        "On Tue, 3 Nov 2026 at 10:00, Tilflytterteamet <tilflytt@example.org>\n"
        "wrote:\n\n> Could you send the form?\n> Best regards\n"
    )
    assert reply_trim(text) == "Thanks, that works for us."


def test_reply_trim_gmail_single_line():
    text = "Yes please.\n\nOn Tue, Nov 3, 2026 at 10:00 AM Kari <kari@example.org> wrote:\n> Hi"
    assert reply_trim(text) == "Yes please."


def test_reply_trim_outlook_header_block():
    text = (
        "We arrive on 1 March.\n\n"
        "________________________________\n"
        "From: Tilflytterteamet <tilflytt@example.org>\n"
        "Sent: Tuesday, November 3, 2026 10:00\n"
        "To: Anna <anna@example.org>\n"
        "Subject: Your enquiry\n\nOld text"
    )
    assert reply_trim(text) == "We arrive on 1 March."


def test_reply_trim_outlook_original_message():
    text = "See below.\n-----Original Message-----\nFrom: x\nOld text"
    assert reply_trim(text) == "See below."


def test_reply_trim_norwegian():
    assert reply_trim(
        "Takk for svar!\n\nDen 3. nov. 2026 kl. 10:00 skrev Tilflytterteamet <t@example.org>:\n"
        "> Hei"
    ) == ("Takk for svar!")
    assert reply_trim(
        "Det passer fint.\n\ntir. 3. nov. 2026 kl. 10:15 skrev Kari Nordmann <k@example.org>:\n"
        "> Hei"
    ) == ("Det passer fint.")
    assert (
        reply_trim(
            "Hei igjen.\n\nFra: Tilflytterteamet <t@example.org>\nSendt: tirsdag 3. november\n"
            "Til: Anna\nEmne: Din henvendelse\n\nGammel tekst"
        )
        == "Hei igjen."
    )
    assert reply_trim("Ja.\n-----Opprinnelig melding-----\nFra: x\nGammel") == "Ja."


def test_reply_trim_signatures():
    assert reply_trim("Sounds good.\n\n-- \nAnna Kowalska\n+47 900 00 000") == "Sounds good."
    assert reply_trim("Fint.\n\nSendt fra min iPhone\n\n> Hei") == "Fint."
    assert reply_trim("Fine.\n\nSent from my iPhone") == "Fine."


def test_reply_trim_keeps_inline_answers_and_lists():
    text = "> Do you have children?\nYes, two.\n- one is 4\n- one is 7\nThanks for asking!\nBye"
    assert reply_trim(text) == "Yes, two.\n- one is 4\n- one is 7\nThanks for asking!\nBye"


def test_reply_trim_keeps_own_sentences_that_look_like_history():
    text = "On Monday my employer wrote:\nyou start in March.\nDen 3. mars skrev jeg under:\nok"
    assert reply_trim(text) == text
    text = "On the 3rd at 10:00 we met.\nMy boss wrote:\nwelcome"
    assert reply_trim(text) == text


def test_reply_trim_all_quoted_keeps_everything():
    assert reply_trim("> only a quote") == "> only a quote"


def test_inbound_parse_html_only_is_safe_text():
    html = (
        "<html><head><style>p { color: red }</style><title>T</title></head><body>"
        "<script>alert('x')</script><p>Hei <b>team</b>,</p><p>vi kommer&nbsp;i mars &amp; "
        "april.<br>Hilsen Anna</p><!-- a comment -->"
        '<div class="gmail_quote"><div class="gmail_attr">On Tue ... wrote:</div>'
        "<blockquote>Old question</blockquote></div>"
        "<blockquote>Another quote</blockquote></body></html>"
    )
    parsed = inbound_parse(make_raw(body=None, html=html))
    assert parsed.text == "Hei team,\n\nvi kommer i mars & april.\nHilsen Anna"
    for leftover in ("<", "alert", "color", "Old question", "Another quote", "comment"):
        assert leftover not in parsed.text


def test_inbound_parse_html_outlook_history():
    html = (
        "<div>Ja, takk.</div><hr><div id='divRplyFwdMsg'><b>Fra:</b> Team<br>"
        "<b>Sendt:</b> i går</div><div>Old message</div>"
    )
    assert inbound_parse(make_raw(body=None, html=html)).text == "Ja, takk."


def test_inbound_parse_html_outlook_history_after_a_wrapper():
    html = (
        "<div><p>Svar her.</p><div id='appendonsend'></div></div>"
        "<div><b>From:</b> Team</div><div>Old message</div>"
    )
    assert inbound_parse(make_raw(body=None, html=html)).text == "Svar her."


def test_inbound_parse_prefers_plain_text():
    parsed = inbound_parse(make_raw(body="Plain answer", html="<p>HTML answer</p>"))
    assert parsed.text == "Plain answer"
    assert parsed.attachments == []


def test_inbound_parse_attachments():
    msg = EmailMessage()
    msg["From"] = "anna@example.org"
    msg["Message-ID"] = "<att@x>"
    msg.set_content("See attached")
    msg.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="../a.pdf")
    msg.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="photo.png")
    parsed = inbound_parse(msg.as_bytes())
    assert parsed.text == "See attached"
    assert [(a.filename, a.content_type, a.content) for a in parsed.attachments] == [
        ("a.pdf", "application/pdf", b"%PDF-1.4 ..."),
        ("photo.png", "image/png", b"\x89PNG"),
    ]


# --- Kind ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "subject"),
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: Your enquiry"),
        ({"X-Autoreply": "yes"}, "Re: Your enquiry"),
        ({"X-Autorespond": "1"}, "Re: Your enquiry"),
        ({"Precedence": "bulk"}, "Re: Your enquiry"),
        ({"Precedence": "auto_reply"}, "Re: Your enquiry"),
        ({"List-Id": "<news.example.org>"}, "Newsletter"),
        ({"List-Unsubscribe": "<mailto:u@example.org>"}, "Newsletter"),
        ({"X-Autogenerated": "Reply"}, "Re: Your enquiry"),
        ({"X-Precedence": "auto_reply"}, "Re: Your enquiry"),
        ({}, "Automatic reply: Your enquiry"),
        ({}, "Out of Office: Your enquiry"),
        ({}, "Autosvar: Din henvendelse"),
        ({}, "Fraværende: Din henvendelse"),
        ({}, "Abwesend: Ihre Anfrage"),
        ({}, "Fravær: Din henvendelse"),
        ({}, "Automatyczna odpowiedź: Twoje zgłoszenie"),
        ({}, "Poza biurem: Twoje zgłoszenie"),
        ({}, "Автоматична відповідь: Ваше звернення"),
        ({}, "Поза офісом: Ваше звернення"),
        ({}, "Frånvaro: Ditt ärende"),
    ],
)
def test_inbound_parse_auto_reply(headers, subject):
    assert inbound_parse(make_raw(headers=headers, subject=subject)).kind == "auto_reply"


@pytest.mark.parametrize("value", ["All", "DR, OOF", "DR, RN, NRN, OOF, AutoReply"])
def test_inbound_parse_auto_response_suppress_is_a_persons_mail(value):
    """Exchange sets it on people's mail to distribution lists: it says nothing about
    whether the mail itself is automatic."""
    raw = make_raw(headers={"X-Auto-Response-Suppress": value})
    assert inbound_parse(raw).kind == "reply"


def test_inbound_parse_auto_submitted_no_is_a_reply():
    assert inbound_parse(make_raw(headers={"Auto-Submitted": "no"})).kind == "reply"


DSN = b"""\
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
To: team@tilflytt.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <20261127093000.1A2B3C@mx.example.org>
Date: Fri, 27 Nov 2026 09:30:00 +0100 (CET)
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="1A2B3C.1764232200/mx.example.org"

This is a MIME-encapsulated message.

--1A2B3C.1764232200/mx.example.org
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<gone@example.org>: host mx.example.org said: 550 5.1.1 User unknown

--1A2B3C.1764232200/mx.example.org
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org
Arrival-Date: Fri, 27 Nov 2026 09:29:58 +0100 (CET)

Final-Recipient: rfc822; gone@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--1A2B3C.1764232200/mx.example.org
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Tilflytterteamet <tilflytt@example.org>
To: gone@example.org
Subject: Your enquiry NR-2026-0001

--1A2B3C.1764232200/mx.example.org--
""".replace(b"\n", b"\r\n")


def test_inbound_parse_bounce_dsn():
    # The DSN alone, without the headers that also give it away.
    raw = DSN.replace(b"Return-Path: <>\r\n", b"").replace(b"MAILER-DAEMON", b"notify")
    assert inbound_parse(raw).kind == "bounce"
    assert inbound_parse(DSN).kind == "bounce"


@pytest.mark.parametrize(
    ("sender", "headers"),
    [
        ("anna@example.org", {"X-Failed-Recipients": "gone@example.org"}),
        ("postmaster@example.org", {}),
        ("anna@example.org", {"Return-Path": "<>"}),
    ],
)
def test_inbound_parse_bounce_headers(sender, headers):
    assert inbound_parse(make_raw(sender=sender, headers=headers)).kind == "bounce"


def test_inbound_parse_loop(settings):
    settings.CONVERSATIONS_ADDRESS = "Team <Team@Tilflytt.example>"
    settings.DEFAULT_FROM_EMAIL = "Tilflytterteamet <noreply@tilflytt.example>"
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "tilflytt.example"
    assert inbound_parse(make_raw(sender="team@tilflytt.example")).kind == "loop"
    assert inbound_parse(make_raw(sender="NoReply@tilflytt.example")).kind == "loop"
    assert inbound_parse(make_raw(message_id="<123.456@tilflytt.example>")).kind == "loop"
    assert inbound_parse(make_raw()).kind == "reply"
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "127.0.0.1"
    assert inbound_parse(make_raw(message_id="<1.2@127.0.0.1>")).kind == "reply"


# --- Robustness (review items 1, 6, 7, 12) ------------------------------------------------


def test_inbound_parse_message_id_with_encoded_crlf_is_not_trusted():
    # Raw bytes: EmailMessage would decode the encoded-words when the test sets them.
    raw = (
        b"From: x@example.org\r\nMessage-ID: =?utf-8?q?x=0D=0AX-Evil:1?=@b.no\r\n"
        b"In-Reply-To: <=?utf-8?q?y=0D=0AX-Evil:2?=@b.no>\r\n"
        b"References: =?utf-8?q?<z=0D=0AX-Evil:3@b.no>?=\r\nSubject: Hi\r\n\r\nHei\r\n"
    )
    parsed = inbound_parse(raw)
    # Read undecoded: the encoded-word stays as it came, without CR LF in it.
    assert parsed.message_id == "<=?utf-8?q?x=0D=0AX-Evil:1?=@b.no>"
    assert parsed.in_reply_to == "<=?utf-8?q?y=0D=0AX-Evil:2?=@b.no>"
    assert parsed.references == ["<z=0D=0AX-Evil:3@b.no>"]  # the literal text, harmless
    for value in (parsed.message_id, parsed.in_reply_to, *parsed.references):
        assert "\r" not in value and "\n" not in value


@pytest.mark.parametrize(
    "header",
    [
        b"Message-ID: <x\r\n X-Evil:1@b.no>",  # folded inside the brackets
        b"Message-ID: <no-at-sign>",
        b"Message-ID: <" + b"a" * 250 + b"@b.no>",
        b"Message-ID: <a\xc3\xa5@b.no>",
    ],
)
def test_inbound_parse_invalid_message_id_falls_back_to_the_hash(header):
    raw = b"From: x@example.org\r\n" + header + b"\r\nSubject: Hi\r\n\r\nHei\r\n"
    assert inbound_parse(raw).message_id == f"<{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"


def test_inbound_parse_references_skip_invalid_ids():
    raw = (
        b"From: x@example.org\r\nMessage-ID: <r@x>\r\n"
        b"References: <a@tilflytt.example> <bad id@x> <no-at> <b@tilflytt.example>\r\n\r\nHei\r\n"
    )
    assert inbound_parse(raw).references == ["<a@tilflytt.example>", "<b@tilflytt.example>"]


@pytest.mark.parametrize("charset", ["base64", "hex", "rot13", "zlib", "idna", "x-unknown"])
def test_inbound_parse_non_text_charset_is_read_as_utf8(charset):
    raw = (
        b"From: x@example.org\r\nMessage-ID: <cs@x>\r\n"
        b"Content-Type: text/plain; charset=" + charset.encode() + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\nHei p\xc3\xa5 deg, bl\xe5\r\n"
    )
    assert inbound_parse(raw).text == "Hei på deg, bl\ufffd"


def test_inbound_parse_strips_nul_characters():
    raw = (
        b"From: =?utf-8?q?Anna=00_K?= <anna@example.org>\r\nMessage-ID: <nul@x>\r\n"
        b"Subject: =?utf-8?q?Hei=00der?=\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nHei=00 p=C3=A5 deg\r\n"
        b"--b\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename*=utf-8''brev%00.pdf\r\n\r\n%PDF-1.4\r\n"
        b"--b--\r\n"
    )
    parsed = inbound_parse(raw)
    assert parsed.text == "Hei på deg"
    assert parsed.full_text == "Hei på deg"
    assert parsed.subject == "Heider"
    assert parsed.sender_name == "Anna K"
    assert [a.filename for a in parsed.attachments] == ["brev.pdf"]


@pytest.mark.parametrize(
    "text",
    [
        # The finding's three examples: the newcomer's own text, not quoted history.
        "Hei! Vi flytter i mars.\nFra: Kraków\nTil: Narvik\nVi er to voksne og to barn.",
        "Hei,\n--\nVi er tre personer og trenger bolig.",
        "Hei.\nDen 3. mars kl. 10:00 skrev jeg til NAV:\nJeg har ikke fått svar.",
        # A From: line with an address but no Sent/Date line, not after a blank line.
        "Kontakt:\nFra: kari@example.org\nTil: NAV\nEmne: bolig",
    ],
)
def test_reply_trim_keeps_the_newcomers_own_text(text):
    assert reply_trim(text) == text
    assert inbound_parse(make_raw(body=text)).text == text


def test_reply_trim_wrote_line_without_address_needs_a_quote_after_it():
    text = "Ja.\n\nDen 03.11.2026 kl. 10:00, skrev Kari Nordmann:\n> Hei"
    assert reply_trim(text) == "Ja."


def test_reply_trim_outlook_block_needs_a_blank_line_or_separator():
    block = "From: Team <t@example.org>\nSent: Tuesday\nTo: Anna\n\nOld text"
    assert reply_trim("We come.\n\n" + block) == "We come."
    assert reply_trim("We come.\n" + block).startswith("We come.\nFrom: Team")


def test_inbound_parse_keeps_the_whole_text():
    body = "Takk!\n\n-- \nAnna\n\nOn Tue, 3 Nov 2026 at 10:00, Team <t@x> wrote:\n> Hei"
    parsed = inbound_parse(make_raw(body=body))
    assert parsed.text == "Takk!"
    assert parsed.full_text == body


def test_inbound_parse_html_keeps_the_whole_text():
    html = "<p>Ja, takk.</p><blockquote>Old question</blockquote>"
    parsed = inbound_parse(make_raw(body=None, html=html))
    assert parsed.text == "Ja, takk."
    assert "Old question" in parsed.full_text


def test_inbound_parse_bounce_finds_the_original_message_id():
    headers = DSN.replace(
        b"To: gone@example.org\r\n",
        b"To: gone@example.org\r\nMessage-ID: <out-7@tilflytt.example>\r\n",
    )
    assert inbound_parse(headers).bounced_message_id == "<out-7@tilflytt.example>"
    assert inbound_parse(DSN).bounced_message_id is None
    returned = DSN.replace(b"Content-Type: text/rfc822-headers", b"Content-Type: message/rfc822")
    returned = returned.replace(
        b"To: gone@example.org\r\n",
        b"To: gone@example.org\r\nMessage-ID: <out-8@tilflytt.example>\r\n",
    ).replace(b"NR-2026-0001\r\n", b"NR-2026-0001\r\n\r\nHei Anna\r\n")
    assert inbound_parse(returned).bounced_message_id == "<out-8@tilflytt.example>"


# --- Sender authentication (CONVERSATIONS_SENDER_CHECK) ------------------------------------

M365_PASS = (
    "spf=pass (sender IP is 40.107.22.1) smtp.mailfrom=example.org; dkim=pass (signature "
    "was verified) header.d=example.org;dmarc=pass action=none header.from=example.org;"
    "compauth=pass reason=100"
)
SERVER_PASS = (
    "mx.tilflytt.example; dkim=pass header.d=example.org header.s=s1 header.b=AbC0; "
    "spf=pass (mx.tilflytt.example: domain of anna@example.org designates 192.0.2.1 as "
    "permitted sender; x=y) smtp.mailfrom=anna@example.org; "
    "dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=Example.ORG"
)


def on_top(raw: bytes, value: str) -> bytes:
    """The raw mail with an Authentication-Results header put above all others, as the
    receiving server does."""
    return f"Authentication-Results: {value}\n".encode() + raw


@pytest.fixture
def dmarc(settings):
    settings.CONVERSATIONS_SENDER_CHECK = "dmarc"


@pytest.mark.parametrize("value", [M365_PASS, SERVER_PASS], ids=["m365", "authserv-id"])
def test_inbound_parse_sender_authenticated_by_dmarc_pass(dmarc, value):
    # The From address is Anna@Example.org: the domain is compared case-insensitively.
    assert inbound_parse(on_top(make_raw(), value)).sender_authenticated is True


@pytest.mark.parametrize(
    "value",
    [
        M365_PASS.replace("header.from=example.org", "header.from=example.org.evil.example"),
        SERVER_PASS.replace("header.from=Example.ORG", "header.from=evil.example"),
        "mx.tilflytt.example; dmarc=pass",  # no header.from
        M365_PASS.replace("dmarc=pass", "dmarc=fail"),
        M365_PASS.replace("dmarc=pass", "dmarc=none"),
        SERVER_PASS.replace("dmarc=pass", "dmarc=temperror"),
        SERVER_PASS.replace("dmarc=pass", "dmarc=bestguesspass"),
        "mx.tilflytt.example; none",
        "mx.tilflytt.example; dkim=pass header.d=example.org",  # no dmarc result at all
        SERVER_PASS + " (unclosed comment",
        SERVER_PASS.replace("header.from=", 'header.from="'),  # unclosed quote
        "mx.tilflytt.example; dmarc=pass header.from=example.org garbage",
        "",
    ],
)
def test_inbound_parse_sender_not_authenticated(dmarc, value):
    raw = on_top(make_raw(), value) if value else make_raw()
    assert inbound_parse(raw).sender_authenticated is False


def test_inbound_parse_sender_reads_only_the_topmost_authentication_results(dmarc):
    """The sender can write Authentication-Results headers too; only the one our server
    put on top counts."""
    forged = make_raw(headers={"Authentication-Results": SERVER_PASS})
    assert inbound_parse(forged).sender_authenticated is True  # alone, it would pass
    failing = "mx.tilflytt.example; dmarc=fail (p=REJECT) header.from=example.org"
    assert inbound_parse(on_top(forged, failing)).sender_authenticated is False
    no_dmarc = "mx.tilflytt.example; spf=none smtp.mailfrom=example.org"
    assert inbound_parse(on_top(forged, no_dmarc)).sender_authenticated is False
    passing = make_raw(headers={"Authentication-Results": failing})
    assert inbound_parse(on_top(passing, M365_PASS)).sender_authenticated is True


@pytest.mark.parametrize("sender", ["anna@example.org, eve@evil.example", "Eve <eve@evil.example>"])
def test_inbound_parse_sender_not_authenticated_for_another_or_a_second_address(dmarc, sender):
    assert inbound_parse(on_top(make_raw(sender=sender), M365_PASS)).sender_authenticated is False


def test_inbound_parse_sender_not_authenticated_with_two_from_headers(dmarc):
    raw = make_raw(sender="eve@evil.example")
    raw = raw.replace(b"From: eve@evil.example", b"From: anna@example.org\nFrom: eve@evil.example")
    assert inbound_parse(on_top(raw, M365_PASS)).sender_authenticated is False


def test_inbound_parse_sender_check_off_checks_nothing(settings):
    settings.CONVERSATIONS_SENDER_CHECK = "off"
    for raw in (make_raw(), on_top(make_raw(), M365_PASS), on_top(make_raw(), "x; dmarc=fail")):
        assert inbound_parse(raw).sender_authenticated is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('mx.example.net 1; dmarc/1=pass header.from="example.org";', True),
        (
            "mx.example.net; DMARC = Pass (nested (comment; dmarc=fail)) header.from=example.org.",
            True,
        ),
        ('mx.example.net; dmarc=pass reason="a; b=c" header.from=example.org', True),
        ("dmarc=pass header.from=example.org; dmarc=fail header.from=example.org", False),
        ("dmarc=pass header.from=example.org header.from=evil.example", False),
        ("mx.example.net; dmarc=pass header.from=example.org)", False),
        ("mx.example.net; dmarc=pass header.from==example.org", False),
        ("mx.example.net; dmarc=pass header.from=sub.example.org", False),
        ("mx.example.net (" + "(" * 5000, False),
    ],
)
def test_authentication_results_dmarc_pass(value, expected):
    assert authentication_results_dmarc_pass(value, domain="Example.org") is expected


@pytest.mark.parametrize(
    "value",
    [
        # BATV in smtp.mailfrom (Microsoft 365 passes it through as it came).
        M365_PASS.replace(
            "smtp.mailfrom=example.org", "smtp.mailfrom=prvs=0123abcd=anna@example.org"
        ),
        # SRS from a forwarder, and a DKIM signature ending in "=".
        SERVER_PASS.replace(
            "smtp.mailfrom=anna@example.org",
            "smtp.mailfrom=SRS0=HHH=TT=example.org=anna@fwd.example",
        ).replace("header.b=AbC0", "header.b=a1b2="),
        # Another method's result that does not parse at all is skipped.
        "mx.tilflytt.example; arc=pass (i=1) oda=1 junk; dmarc=pass header.from=example.org",
    ],
    ids=["batv", "srs-and-signature", "junk-segment"],
)
def test_authentication_results_dmarc_pass_with_equals_in_other_values(value):
    assert authentication_results_dmarc_pass(value, domain="example.org") is True


@pytest.mark.parametrize(
    "value",
    [
        "mx.tilflytt.example; dmarc=pass header.from=example.org=evil.example",
        "mx.tilflytt.example; spf=pass smtp.mailfrom=a=b@x; "
        "dmarc=pass header.from=example.org junk",
        "mx.tilflytt.example; spf=pass smtp.mailfrom=prvs=1=anna@example.org; dmarc=fail "
        "header.from=example.org",
    ],
)
def test_authentication_results_dmarc_result_itself_must_parse_and_pass(value):
    assert authentication_results_dmarc_pass(value, domain="example.org") is False


def test_inbound_parse_sender_authenticated_with_batv_mailfrom(dmarc):
    value = (
        "spf=pass (sender IP is 1.2.3.4) smtp.mailfrom=prvs=0123abcd=anna@example.org; "
        "dkim=pass (signature was verified) header.d=example.org;dmarc=pass action=none "
        "header.from=example.org;compauth=pass reason=100"
    )
    assert inbound_parse(on_top(make_raw(), value)).sender_authenticated is True


# --- Attachments that cannot be read -----------------------------------------------------


def test_inbound_parse_skips_a_broken_attachment_part():
    msg = EmailMessage()
    msg["From"] = "anna@example.org"
    msg["To"] = "team@tilflytt.example"
    msg["Subject"] = "Kontrakt"
    msg["Message-ID"] = "<broken-1@example.org>"
    msg.set_content("Her er den.")
    msg.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="a.pdf")
    msg.add_attachment(b"%PDF-1.4 y", maintype="application", subtype="pdf", filename="b.pdf")
    raw = msg.as_bytes().replace(b'filename="a.pdf"', b"filename*=utf\x00-8''a.pdf", 1)
    parsed = inbound_parse(raw)
    assert parsed.text == "Her er den."
    assert [a.filename for a in parsed.attachments] == ["b.pdf"]
    assert parsed.attachments_unreadable == 1


# --- Delivery reports: which recipients failed -------------------------------------------


def test_inbound_parse_bounce_failures_of_a_failed_dsn():
    assert inbound_parse(DSN).bounce_failures == (("gone@example.org",),)


@pytest.mark.parametrize("action", ["delayed", "delivered", "relayed", "expanded"])
def test_inbound_parse_bounce_failures_none_for_other_actions(action):
    raw = DSN.replace(b"Action: failed", b"Action: " + action.encode())
    parsed = inbound_parse(raw)
    assert (parsed.kind, parsed.bounce_failures) == ("bounce", ())


def test_inbound_parse_bounce_failures_reads_every_block():
    raw = DSN.replace(
        b"Final-Recipient: rfc822; gone@example.org\r\nAction: failed",
        b"Final-Recipient: rfc822; late@example.org\r\nAction: delayed\r\n\r\n"
        b"Original-Recipient: RFC822;<Anna@Example.org>\r\n"
        b"Final-Recipient: rfc822; anna@mail.example.org\r\nAction: Failed",
    )
    assert inbound_parse(raw).bounce_failures == (("anna@mail.example.org", "anna@example.org"),)


# --- Trimming: attribution lines -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # An address in the attribution line is not enough: nothing quoted follows.
        "Ja.\n\nOn Tue, 3 Nov 2026 at 10:00, Kari <kari@example.org> wrote:\nVi kommer i mars.",
        "Ja.\n\nDen 3. mars kl. 10:00 skrev Kari <kari@example.org>:\nVi kommer i mars.",
        "Tak.\n\nwt., 3 lis 2026 o 10:00 Kari <k@example.org> napisał(a):\nPrzyjedziemy w marcu.",
    ],
)
def test_reply_trim_wrote_line_needs_quotes_or_a_header_block_after_it(text):
    assert reply_trim(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tak.\n\nwt., 3 lis 2026 o 10:00 Kari <k@example.org> napisał(a):\n> Cześć", "Tak."),
        ("Tak.\n\nW dniu 3.11.2026 o 10:00, Kari Nowak napisał:\n\n> Cześć", "Tak."),
        ("Tak.\n\nW dniu 3.11.2026 o 10:00, Kari Nowak napisała:\n> Cześć", "Tak."),
        ("Так.\n\nвт, 3 лист. 2026 \u043e 10:00 Kari <k@example.org> пише:\n> Привіт", "Так."),
        ("Так.\n\n03.11.2026 10:00, Kari Nowak написав(ла):\n> Привіт", "Так."),
        (
            "Ja.\n\nDen 3. nov. 2026 kl. 10:00 skrev Kari <k@example.org>:\n\n"
            "From: Kari <k@example.org>\nSent: Tuesday\nTo: Anna\nSubject: X\n\nOld",
            "Ja.",
        ),
    ],
)
def test_reply_trim_attribution_lines_followed_by_history(text, expected):
    assert reply_trim(text) == expected


def test_reply_trim_outlook_block_with_only_a_name():
    text = (
        "Vi kommer.\n\nFra: Kari Nordmann\nSendt: tirsdag 3. november 2026 10:00\n"
        "Til: Anna\nEmne: Din henvendelse\n\nGammel tekst"
    )
    assert reply_trim(text) == "Vi kommer."
    # Without all three of Sendt, Til and Emne it is the newcomer's own text.
    own = "Vi kommer.\n\nFra: Kraków\nTil: Narvik\nEmne: bolig\nVi er fire."
    assert reply_trim(own) == own


def test_inbound_parse_survives_a_nul_in_a_mime_parameter():
    """The standard library's parser itself raises on this Content-Type."""
    raw = (
        b"From: anna@example.org\r\nSubject: x\r\nMessage-ID: <nul-1@example.org>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        b"--XX\r\nContent-Type: text/plain\r\n\r\nHei\r\n"
        b"--XX\r\nContent-Type: application/pdf; name*=ut\x00''f%C3%A6.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n"
    )
    parsed = inbound_parse(raw)
    assert (parsed.message_id, parsed.text) == ("<nul-1@example.org>", "Hei")
