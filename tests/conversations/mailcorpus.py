# ruff: noqa: E501, RUF001 (mail as servers write it: long lines, typographic dashes and quotes)
"""A collection of incoming mail written for this project, in the shapes real mail servers and
clients send: bounces (qmail, exim, sendmail, Postfix, Exchange, Gmail, Yahoo, Domino),
auto-replies, and replies from Outlook, Gmail, Apple Mail, Thunderbird and Yahoo in bokmål,
nynorsk, English, Polish, Ukrainian, Swedish and German, some with broken headers and
legacy charsets. Every message is hand-written; names, hosts and ids are made up.

Each Sample says what conversations.inbound must make of it. The tests
(test_inbound_corpus.py) assert each one; bench/inbound.py measures the rates over all.

The team's own mail in these samples is "Tilflytterteamet" at the DEFAULT_FROM_EMAIL
address, and the e-mail that bounced has the Message-ID OURS.
"""

from dataclasses import dataclass, field
from email.header import Header
from email.utils import parseaddr

from django.conf import settings

OURS = "<20261127083000.4711.a1b2c3@tilflytt.example>"
TO = "anna.kowalska@example.pl"


@dataclass(frozen=True)
class Sample:
    name: str
    group: str  # "bounce", "auto_reply", "human" (a person's mail), "charset"
    raw: bytes
    kind: str  # what inbound_parse must call it
    # A bounce: the Message-ID it must be tied to (None: the report names none), the
    # recipient it must name as failed (None: none), and whether it is a failure at all
    # (a delay warning is not).
    bounced_id: str | None = None
    failed: str | None = None
    fails: bool = True
    # A person's mail: text the reply must keep, and quoted history it must not.
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    # Headers as they must read.
    subject: str | None = None
    sender: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _ours() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _mail(text: str, *, charset: str = "utf-8") -> bytes:
    """The message as sent: LF line ends made CRLF, encoded in `charset`."""
    return text.strip("\n").replace("\n", "\r\n").encode(charset) + b"\r\n"


def _word(text: str, charset: str = "utf-8") -> str:
    """An RFC 2047 encoded-word, as clients write non-ASCII headers."""
    return Header(text, charset).encode()


def _original_headers() -> str:
    """The headers of the e-mail we sent, as a report returns them."""
    return f"""Return-Path: <{_ours()}>
Received: from app.tilflytt.example (app.tilflytt.example [192.0.2.10])
	by smtp.tilflytt.example (Postfix) with ESMTPS id 4Z9xQk0C2Rz1
	for <{TO}>; Fri, 27 Nov 2026 09:30:00 +0100 (CET)
From: Tilflytterteamet <{_ours()}>
To: {TO}
Subject: Din henvendelse NR-2026-0042
Date: Fri, 27 Nov 2026 09:30:00 +0100
Message-ID: {OURS}
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit"""


# --- Bounces ------------------------------------------------------------------------------


def _bounces() -> list[Sample]:
    original = _original_headers()
    return [
        Sample(
            "postfix-dsn",
            "bounce",
            _mail(f"""Return-Path: <>
Delivered-To: team@tilflytt.example
Received: by smtp.tilflytt.example (Postfix) id 4Z9xQk3Lmnz2; Fri, 27 Nov 2026 09:30:04 +0100
Date: Fri, 27 Nov 2026 09:30:04 +0100 (CET)
From: MAILER-DAEMON@smtp.tilflytt.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {_ours()}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4Z9xQk3Lmnz2.1764232204/smtp.tilflytt.example"
Message-Id: <20261127083004.4Z9xQk3Lmnz2@smtp.tilflytt.example>

This is a MIME-encapsulated message.

--4Z9xQk3Lmnz2.1764232204/smtp.tilflytt.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host smtp.tilflytt.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<{TO}>: host mx.example.pl[198.51.100.7] said: 550 5.1.1
    <{TO}>: Recipient address rejected: User unknown (in reply to RCPT TO
    command)

--4Z9xQk3Lmnz2.1764232204/smtp.tilflytt.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; smtp.tilflytt.example
X-Postfix-Queue-ID: 4Z9xQk0C2Rz1
Arrival-Date: Fri, 27 Nov 2026 09:30:00 +0100 (CET)

Final-Recipient: rfc822; {TO}
Original-Recipient: rfc822;{TO}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.pl
Diagnostic-Code: smtp; 550 5.1.1 <{TO}>: Recipient address rejected: User unknown

--4Z9xQk3Lmnz2.1764232204/smtp.tilflytt.example
Content-Description: Undelivered Message
Content-Type: message/rfc822

{original}

Hei Anna, takk for henvendelsen.

--4Z9xQk3Lmnz2.1764232204/smtp.tilflytt.example--
"""),
            kind="bounce",
            bounced_id=OURS,
            failed=TO,
        ),
        Sample(
            "exim-plain",
            "bounce",
            _mail(f"""Return-path: <>
Envelope-to: {_ours()}
Received: from Debian-exim by mail.example.pl with local (Exim 4.98)
	id 1vQxYz-000Abc-7K
	for {_ours()}; Fri, 27 Nov 2026 09:30:05 +0100
X-Failed-Recipients: {TO}
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mail.example.pl>
To: {_ours()}
Content-Type: text/plain; charset=us-ascii
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1vQxYz-000Abc-7K@mail.example.pl>
Date: Fri, 27 Nov 2026 09:30:05 +0100

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {TO}
    mailbox is full: retry timeout exceeded

------ This is a copy of the message, including all the headers. ------

{original}

Hei Anna, takk for henvendelsen.
"""),
            kind="bounce",
            bounced_id=OURS,
            failed=TO,
        ),
        Sample(
            "exim-relay-returnpath",
            "bounce",
            _mail(f"""Return-Path: <MAILER-DAEMON@relay.example.net>
From: Mail Delivery System <noreply@relay.example.net>
To: {_ours()}
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1vQxZa-000Def-2L@relay.example.net>
Date: Fri, 27 Nov 2026 09:31:00 +0100
Content-Type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {TO}
    host mx.example.pl [198.51.100.7]
    SMTP error from remote mail server after RCPT TO:<{TO}>:
    550 5.1.1 User unknown

------ This is a copy of the message's headers. ------

{original}
"""),
            kind="bounce",
            bounced_id=OURS,
            failed=TO,
        ),
        Sample(
            "exim-delay-warning",
            "bounce",
            _mail(f"""Return-path: <>
X-Failed-Recipients: {TO}
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mail.example.pl>
To: {_ours()}
Subject: Warning: message 1vQxYz-000Abc-7K delayed 24 hours
Message-Id: <E1vRaaa-000Ghi-9M@mail.example.pl>
Date: Sat, 28 Nov 2026 09:30:05 +0100
Content-Type: text/plain; charset=us-ascii

This message was created automatically by mail delivery software.
A message that you sent has not yet been delivered to one or more of its
recipients after more than 24 hours on the queue on mail.example.pl.

The message identifier is:     1vQxYz-000Abc-7K
The subject of the message is: Din henvendelse NR-2026-0042
The date of the message is:    Fri, 27 Nov 2026 09:30:00 +0100

The address to which the message has not yet been delivered is:

  {TO}
    Delay reason: mailbox is full

No action is required on your part. Delivery attempts will continue for
some time, and this warning may be repeated at intervals if the message
remains undelivered. Eventually the mail delivery software will give up,
and when that happens, the message will be returned to you.
"""),
            kind="bounce",
            fails=False,
        ),
        Sample(
            "qmail",
            "bounce",
            _mail(f"""Return-Path: <>
Date: 27 Nov 2026 08:30:06 -0000
From: MAILER-DAEMON@mx1.example.com.ua
To: {_ours()}
Subject: failure notice
Message-ID: <20261127083006.19233.qmail@mx1.example.com.ua>

Hi. This is the qmail-send program at mx1.example.com.ua.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<oksana.petrenko@example.com.ua>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

{original.replace(TO, "oksana.petrenko@example.com.ua")}

Vi har mottatt henvendelsen din.
"""),
            kind="bounce",
            bounced_id=OURS,
            failed="oksana.petrenko@example.com.ua",
        ),
        Sample(
            "sendmail-plain-no-address",
            "bounce",
            _mail(f"""From: Mail Delivery Subsystem <MAILER-DAEMON>
To: <{_ours()}>
Date: Fri, 27 Nov 2026 09:30:07 +0100
Message-Id: <202611270830.4AR8U7xK012345@mail.example.no>
Subject: Returned mail: see transcript for details

The original message was received at Fri, 27 Nov 2026 09:30:00 +0100
from smtp.tilflytt.example [192.0.2.11]

   ----- The following addresses had permanent fatal errors -----
<{TO}>
    (reason: 550 5.1.1 <{TO}>... User unknown)

   ----- Transcript of session follows -----
... while talking to mx.example.pl.:
>>> RCPT To:<{TO}>
<<< 550 5.1.1 <{TO}>... User unknown
550 5.1.1 <{TO}>... User unknown

   ----- Original message follows -----

{original}

Hei Anna, takk for henvendelsen.
"""),
            kind="bounce",
            bounced_id=OURS,
            failed=TO,
        ),
        Sample(
            "sendmail-dsn-headers",
            "bounce",
            _mail(f"""Return-Path: <>
From: Mail Delivery Subsystem <MAILER-DAEMON@mail.example.no>
To: <{_ours()}>
Date: Fri, 27 Nov 2026 09:30:08 +0100
Message-Id: <202611270830.4AR8U8aB012399@mail.example.no>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4AR8U8aB012399.1764232208/mail.example.no"
Subject: Returned mail: see transcript for details
Auto-Submitted: auto-generated (failure)

This is a MIME-encapsulated message

--4AR8U8aB012399.1764232208/mail.example.no

The original message was received at Fri, 27 Nov 2026 09:30:00 +0100

   ----- The following addresses had permanent fatal errors -----
<{TO}>
    (reason: 550 5.1.1 User unknown)

--4AR8U8aB012399.1764232208/mail.example.no
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.no
Received-From-MTA: DNS; smtp.tilflytt.example
Arrival-Date: Fri, 27 Nov 2026 09:30:00 +0100

Final-Recipient: RFC822; {TO}
Action: failed
Status: 5.1.1
Remote-MTA: DNS; mx.example.pl
Diagnostic-Code: SMTP; 550 5.1.1 User unknown
Last-Attempt-Date: Fri, 27 Nov 2026 09:30:08 +0100

--4AR8U8aB012399.1764232208/mail.example.no
Content-Type: text/rfc822-headers

{original}

--4AR8U8aB012399.1764232208/mail.example.no--
"""),
            kind="bounce",
            bounced_id=OURS,
            failed=TO,
        ),
        Sample(
            "gmail-dsn",
            "bounce",
            _mail(f"""Return-Path: <>
From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: {_ours()}
Auto-Submitted: auto-replied
Subject: Delivery Status Notification (Failure)
References: {OURS}
In-Reply-To: {OURS}
X-Failed-Recipients: ola.nordmann.1990@gmail.com
Message-ID: <6748a1b2.050a0220.3c1f9.0abc.GMR@mx.google.com>
Date: Fri, 27 Nov 2026 00:30:09 -0800 (PST)
MIME-Version: 1.0
Content-Type: multipart/report; boundary="000000000000c0ffee0123456789"; report-type=delivery-status

--000000000000c0ffee0123456789
Content-Type: text/plain; charset="UTF-8"

Address not found

Your message wasn't delivered to ola.nordmann.1990@gmail.com because the address couldn't be found, or is unable to receive mail.

The response from the remote server was:
550 5.1.1 The email account that you tried to reach does not exist.

--000000000000c0ffee0123456789
Content-Type: message/delivery-status

Reporting-MTA: dns; googlemail.com
Received-From-MTA: dns; smtp.tilflytt.example
Arrival-Date: Fri, 27 Nov 2026 00:30:08 -0800 (PST)

Final-Recipient: rfc822; ola.nordmann.1990@gmail.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; gmail-smtp-in.l.google.com. (2a00:1450:400f:c00::1b, the server for the domain gmail.com.)
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does not exist.
Last-Attempt-Date: Fri, 27 Nov 2026 00:30:09 -0800 (PST)

--000000000000c0ffee0123456789
Content-Type: message/rfc822

{original.replace(TO, "ola.nordmann.1990@gmail.com")}

Hei Ola.

--000000000000c0ffee0123456789--
"""),
            kind="bounce",
            bounced_id=OURS,
            failed="ola.nordmann.1990@gmail.com",
        ),
        Sample(
            "exchange-online-ndr-en",
            "bounce",
            _mail(f"""From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@kommune.example.no>
To: {_ours()}
Date: Fri, 27 Nov 2026 08:30:10 +0000
Content-Type: multipart/report; report-type=delivery-status;
	boundary="f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b"
MIME-Version: 1.0
Message-ID: <f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b@AM0PR07MB1234.eurprd07.prod.outlook.com>
In-Reply-To: {OURS}
References: {OURS}
Subject: Undeliverable: Din henvendelse NR-2026-0042
Auto-Submitted: auto-replied
X-MS-Exchange-Message-Is-Ndr:

--f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b
Content-Type: text/plain; charset="us-ascii"

Delivery has failed to these recipients or groups:

kari.hansen@kommune.example.no
The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.

Diagnostic information for administrators:

Generating server: AM0PR07MB1234.eurprd07.prod.outlook.com

kari.hansen@kommune.example.no
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

--f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b
Content-Type: message/delivery-status

Reporting-MTA: dns;AM0PR07MB1234.eurprd07.prod.outlook.com
Received-From-MTA: dns;smtp.tilflytt.example
Arrival-Date: Fri, 27 Nov 2026 08:30:09 +0000

Final-Recipient: rfc822;kari.hansen@kommune.example.no
Action: failed
Status: 5.1.10
Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup

--f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b
Content-Type: message/rfc822

{original.replace(TO, "kari.hansen@kommune.example.no")}

Hei Kari.

--f1e2d3c4-b5a6-4798-8a9b-0c1d2e3f4a5b--
"""),
            kind="bounce",
            bounced_id=OURS,
            failed="kari.hansen@kommune.example.no",
        ),
        Sample(
            "exchange-ndr-nb-rewrapped",
            "bounce",
            _mail(f"""From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@kommune.example.no>
To: {_ours()}
Date: Fri, 27 Nov 2026 08:30:11 +0000
Subject: {_word("Kan ikke leveres: Din henvendelse NR-2026-0042")}
Message-ID: <a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c6d@HE1PR07MB5678.eurprd07.prod.outlook.com>
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="rewrap-7c6d"

--rewrap-7c6d
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Levering til disse mottakerne eller gruppene mislyktes:

per.olsen@kommune.example.no
Finner ikke e-postadressen du skrev inn. Kontroller mottakerens e-postadresse, og prøv å sende meldingen på nytt.

Diagnoseinformasjon for administratorer:

Genererende server: HE1PR07MB5678.eurprd07.prod.outlook.com

per.olsen@kommune.example.no
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

Opprinnelige meldingshoder:

{original.replace(TO, "per.olsen@kommune.example.no")}

--rewrap-7c6d--
"""),
            kind="bounce",
            bounced_id=OURS,
            failed="per.olsen@kommune.example.no",
        ),
        Sample(
            "exchange-ndr-pl",
            "bounce",
            _mail(f"""From: Microsoft Outlook <postmaster@firma.example.pl>
To: {_ours()}
Date: Fri, 27 Nov 2026 08:30:12 +0000
Subject: {_word("Niedostarczalne: Din henvendelse NR-2026-0042")}
Message-ID: <b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e@VI1PR02MB9012.eurprd02.prod.outlook.com>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="ndr-pl-4d5e"

--ndr-pl-4d5e
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Nie można dostarczyć wiadomości do tych adresatów lub grup:

{TO}
Nie znaleziono wprowadzonego adresu e-mail. Sprawdź adres e-mail adresata i spróbuj ponownie wysłać wiadomość.

--ndr-pl-4d5e
Content-Type: text/rfc822-headers

{original}

--ndr-pl-4d5e--
"""),
            kind="bounce",
            bounced_id=OURS,
            failed=TO,
        ),
        Sample(
            "exchange-ndr-uk",
            "bounce",
            _mail(f"""From: {_word("Поштова система")} <postmaster@example.com.ua>
To: {_ours()}
Date: Fri, 27 Nov 2026 08:30:13 +0000
Subject: {_word("Не доставлено: Din henvendelse NR-2026-0042")}
Message-ID: <c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f@exch01.example.com.ua>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="ndr-uk-5e6f"

--ndr-uk-5e6f
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Не вдалося доставити повідомлення цим одержувачам або групам:

oksana.petrenko@example.com.ua
Не вдалося знайти введену адресу електронної пошти.

--ndr-uk-5e6f
Content-Type: message/rfc822

{original.replace(TO, "oksana.petrenko@example.com.ua")}

Hei Oksana.

--ndr-uk-5e6f--
"""),
            kind="bounce",
            bounced_id=OURS,
            failed="oksana.petrenko@example.com.ua",
        ),
        Sample(
            "exchange-2003-plain-display-name-only",
            "bounce",
            _mail(f"""From: System Administrator
To: {_ours()}
Subject: Undeliverable: Din henvendelse NR-2026-0042
Date: Fri, 27 Nov 2026 09:30:14 +0100
Message-ID: <D1E2F3A4B5C6D7E8@exch2003.example.no>
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-8859-1"

Your message did not reach some or all of the intended recipients.

      Subject:	Din henvendelse NR-2026-0042
      Sent:	27.11.2026 09:30

The following recipient(s) cannot be reached:

      {TO} on 27.11.2026 09:30
            The e-mail account does not exist at the organization this message was sent to.  Check the e-mail address, or contact the recipient directly to find out the correct address.
            <exch2003.example.no #5.1.1>
"""),
            kind="bounce",
            failed=TO,
        ),
        Sample(
            "mailer-daemon-empty-address",
            "bounce",
            _mail(f"""From: MAILER-DAEMON <>
To: {_ours()}
Subject: Undelivered Mail Returned to Sender
Date: Fri, 27 Nov 2026 09:30:15 +0100
Message-ID: <20261127083015.ABCDEF@mx.example.se>
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.se.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{TO}>: host mx.example.pl[198.51.100.7] said: 550 5.1.1 User unknown

------ Original message headers ------

{original}
"""),
            kind="bounce",
            bounced_id=OURS,
            failed=TO,
        ),
        Sample(
            "domino-delivery-failure",
            "bounce",
            _mail(f"""From: Postmaster/Narvik/KOMMUNE
To: {_ours()}
Subject: DELIVERY FAILURE: User per.olsen ({TO}) not listed in Domino Directory
Date: Fri, 27 Nov 2026 09:30:16 +0100
Message-ID: <OF0A1B2C3D.4E5F6A7B-ONC1258A00.00123456@example.no>
Content-Type: text/plain; charset=us-ascii

Your message

  Subject: Din henvendelse NR-2026-0042

was not delivered to:

  {TO}

because:

  User per.olsen ({TO}) not listed in Domino Directory
"""),
            kind="bounce",
            failed=TO,
        ),
        Sample(
            "yahoo-failure-notice",
            "bounce",
            _mail(f"""Return-Path: <>
From: MAILER-DAEMON@yahoo.com
To: {_ours()}
Subject: Failure Notice
Date: Fri, 27 Nov 2026 08:30:17 +0000
Message-ID: <1764232217.12345.yahoo@mta1001.mail.example.yahoo.com>

Sorry, we were unable to deliver your message to the following address.

<anna_k1987@yahoo.com>:
554: delivery error: dd This user doesn't have a yahoo.com account (anna_k1987@yahoo.com) [0] - mta1001.mail.ne1.yahoo.com

--- Below this line is a copy of the message.

{original.replace(TO, "anna_k1987@yahoo.com")}

Hei Anna.
"""),
            kind="bounce",
            bounced_id=OURS,
            failed="anna_k1987@yahoo.com",
        ),
        Sample(
            "postfix-delay-dsn",
            "bounce",
            _mail(f"""Return-Path: <>
From: MAILER-DAEMON@smtp.tilflytt.example (Mail Delivery System)
Subject: Delayed Mail (still being retried)
To: {_ours()}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="DLY.1"
Message-Id: <20261128083004.DLY@smtp.tilflytt.example>
Date: Sat, 28 Nov 2026 09:30:04 +0100

--DLY.1
Content-Type: text/plain; charset=us-ascii

This is the mail system at host smtp.tilflytt.example.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

--DLY.1
Content-Type: message/delivery-status

Reporting-MTA: dns; smtp.tilflytt.example

Final-Recipient: rfc822; {TO}
Action: delayed
Status: 4.4.1
Will-Retry-Until: Tue, 1 Dec 2026 09:30:00 +0100

--DLY.1
Content-Type: text/rfc822-headers

{original}

--DLY.1--
"""),
            kind="bounce",
            fails=False,
        ),
    ]


# --- Auto-replies -------------------------------------------------------------------------


def _auto(name: str, subject: str, headers: str = "", body: str = "Jeg er borte.") -> Sample:
    raw = _mail(f"""From: Kari Hansen <kari.hansen@kommune.example.no>
To: {_ours()}
Subject: {_word(subject) if not subject.isascii() else subject}
Date: Fri, 27 Nov 2026 09:31:00 +0100
Message-ID: <auto-{name}@mail.example.no>
In-Reply-To: {OURS}
{headers}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
""")
    return Sample(name, "auto_reply", raw, kind="auto_reply")


def _auto_replies() -> list[Sample]:
    return [
        _auto(
            "exchange-oof-en",
            "Automatic reply: Din henvendelse NR-2026-0042",
            "Auto-Submitted: auto-generated\nX-MS-Exchange-Inbox-Rules-Loop: kari.hansen@kommune.example.no\n",
            "I am out of the office until 7 December.",
        ),
        _auto(
            "exchange-oof-nb",
            "Automatisk svar: Din henvendelse NR-2026-0042",
            "X-Auto-Response-Suppress: All\n",
        ),
        _auto(
            "outlook-oof-pl",
            "Automatyczna odpowiedź: Din henvendelse NR-2026-0042",
            "X-Auto-Response-Suppress: All\nThread-Topic: Din henvendelse\n",
            "Jestem na urlopie do 7 grudnia.",
        ),
        _auto(
            "outlook-oof-uk",
            "Автоматична відповідь: Din henvendelse NR-2026-0042",
            "Thread-Topic: Din henvendelse\n",
            "Я у відпустці до 7 грудня.",
        ),
        _auto(
            "gmail-vacation",
            "Re: Din henvendelse NR-2026-0042",
            "Auto-Submitted: auto-replied\n",
            "Takk for e-posten. Jeg er på ferie.",
        ),
        _auto(
            "sieve-vacation", "Auto: Din henvendelse", "Auto-Submitted: auto-replied (vacation)\n"
        ),
        _auto("yahoo-autoreply", "Re: Din henvendelse", "X-Autoreply: yes\n"),
        _auto("cpanel-autorespond", "Borte", "X-Autorespond: Borte\nPrecedence: auto_reply\n"),
        _auto("autogenerated-reply", "Re: Din henvendelse", "X-Autogenerated: Reply\n"),
        _auto("oof-subject-nb-fraver", "Fravær: Din henvendelse NR-2026-0042"),
        _auto("oof-subject-nb-ikke-til-stede", "Ikke til stede: Din henvendelse"),
        _auto("oof-subject-nn", "Automatisk svar: Fråverande til 7. desember"),
        _auto("oof-subject-pl", "Poza biurem: Din henvendelse", body="Jestem poza biurem."),
        _auto("oof-subject-uk", "Поза офісом: Din henvendelse", body="Я поза офісом."),
        _auto("oof-subject-sv", "Frånvaro: Din henvendelse", body="Jag är borta."),
        _auto("oof-subject-de", "Abwesenheitsnotiz: Din henvendelse", body="Ich bin nicht da."),
        _auto("oof-subject-en", "Out of Office: Din henvendelse", body="Away."),
        _auto("precedence-junk", "Vacation", "Precedence: junk\n"),
        Sample(
            "read-receipt",
            "auto_reply",
            _mail(f"""From: Anna Kowalska <{TO}>
To: {_ours()}
Subject: {_word("Przeczytano: Din henvendelse NR-2026-0042")}
Date: Fri, 27 Nov 2026 09:45:00 +0100
Message-ID: <mdn-1@mail.example.pl>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="MDN"

--MDN
Content-Type: text/plain; charset=utf-8

Wiadomość została wyświetlona.

--MDN
Content-Type: message/disposition-notification

Reporting-UA: mail.example.pl
Final-Recipient: rfc822;{TO}
Original-Message-ID: {OURS}
Disposition: manual-action/MDN-sent-manually; displayed

--MDN--
"""),
            kind="auto_reply",
        ),
    ]


# --- People's mail ------------------------------------------------------------------------


def _reply(
    name: str,
    body: str,
    *,
    keep: tuple[str, ...],
    drop: tuple[str, ...] = (),
    headers: str = "",
    subject: str = "Re: Din henvendelse NR-2026-0042",
    charset: str = "utf-8",
    html: bool = False,
    sender: str = f"Anna Kowalska <{TO}>",
) -> Sample:
    raw = _mail(
        f"""From: {sender}
To: {_ours()}
Subject: {_word(subject) if not subject.isascii() else subject}
Date: Fri, 27 Nov 2026 10:02:00 +0100
Message-ID: <human-{name}@mail.example.pl>
In-Reply-To: {OURS}
References: {OURS}
{headers}MIME-Version: 1.0
Content-Type: text/{"html" if html else "plain"}; charset={charset}
Content-Transfer-Encoding: 8bit

{body}
""",
        charset=charset,
    )
    return Sample(name, "human", raw, kind="reply", keep=keep, drop=drop)


_QUOTED = "> Hei Anna, takk for henvendelsen.\n> Kan du sende oss leiekontrakten?\n>\n> Hilsen\n> Tilflytterteamet"
_HISTORY = "Kan du sende oss leiekontrakten?"


def _humans() -> list[Sample]:
    ours = _ours()
    outlook_html = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style>p.MsoNormal {{margin:0cm;}}</style></head>
<body lang="NO-BOK">
<div class="WordSection1">
<p class="MsoNormal">{own}</p>
<p class="MsoNormal">&nbsp;</p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">
<p class="MsoNormal"><b><span lang="{lang}">{f}</span></b><span lang="{lang}"> Tilflytterteamet
&lt;{ours}&gt;
<br>
<b>{s}</b> {date}<br>
<b>{t}</b> Anna Kowalska
&lt;{to}&gt;<br>
<b>{subj}</b> Din henvendelse
NR-2026-0042<o:p></o:p></span></p>
</div>
<p class="MsoNormal">Hei Anna, takk for henvendelsen. Kan du sende oss
leiekontrakten?</p>
</div></body></html>"""
    return [
        _reply(
            "gmail-en-top",
            f"I have attached the lease now.\n\nOn Fri, 27 Nov 2026 at 09:30, Tilflytterteamet <{ours}> wrote:\n\n{_QUOTED}",
            keep=("I have attached the lease now.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "gmail-nb-top",
            f"Her er leiekontrakten.\n\nfre. 27. nov. 2026 kl. 09:30 skrev Tilflytterteamet <{ours}>:\n\n{_QUOTED}",
            keep=("Her er leiekontrakten.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "gmail-nn-top",
            f"Her er leigekontrakten.\n\nfre. 27. nov. 2026 kl. 09:30 skreiv Tilflytterteamet <{ours}>:\n\n{_QUOTED}",
            keep=("Her er leigekontrakten.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "gmail-pl-top",
            f"Przesyłam umowę najmu.\n\npt., 27 lis 2026 o 09:30 Tilflytterteamet <{ours}> napisał(a):\n\n{_QUOTED}",
            keep=("Przesyłam umowę najmu.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "gmail-uk-top",
            f"Надсилаю договір оренди.\n\nпт, 27 лист. 2026 р. о 09:30 Tilflytterteamet <{ours}> пише:\n\n{_QUOTED}",
            keep=("Надсилаю договір оренди.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "gmail-sv-top",
            f"Här är hyresavtalet.\n\nDen fre 27 nov. 2026 kl 09:30 skrev Tilflytterteamet <{ours}>:\n\n{_QUOTED}",
            keep=("Här är hyresavtalet.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "gmail-en-bottom",
            f"Hi,\n\nOn Fri, 27 Nov 2026 at 09:30, Tilflytterteamet <{ours}> wrote:\n{_QUOTED}\n\nYes, the lease is attached. I will bring the original on Monday.\n\nAnna",
            keep=("Hi,", "Yes, the lease is attached. I will bring the original on Monday."),
            drop=(_HISTORY,),
        ),
        _reply(
            "thunderbird-nb-bottom",
            f"Den 27.11.2026 09:30, skrev Tilflytterteamet:\n{_QUOTED}\n\nJa, jeg sender den i dag.\n\nMvh Anna",
            keep=("Ja, jeg sender den i dag.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "thunderbird-pl-interleaved",
            "W dniu 27.11.2026 o 09:30, Tilflytterteamet pisze:\n> Kan du sende oss leiekontrakten?\n\nTak, w załączniku.\n\n> Når flytter du?\n\nW marcu.",
            keep=("Tak, w załączniku.", "W marcu."),
            drop=(_HISTORY,),
        ),
        _reply(
            "thunderbird-pl-top",
            "Umowa w załączniku.\n\nW dniu 27.11.2026 o 09:30, Tilflytterteamet pisze:\n" + _QUOTED,
            keep=("Umowa w załączniku.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "outlook-mobile-nb-unquoted",
            f"Her kommer kontrakten.\n\nPå fre. 27. nov. 2026 kl. 09:30 skrev Tilflytterteamet <{ours}>:\nHei Anna, takk for henvendelsen.\nKan du sende oss leiekontrakten?\n\nHilsen\nTilflytterteamet",
            keep=("Her kommer kontrakten.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "gmail-pl-old-unquoted",
            f"Dziękuję.\n\nW dniu 27 listopada 2026 09:30 użytkownik Tilflytterteamet <{ours}> napisał:\nHei Anna, takk for henvendelsen.\nKan du sende oss leiekontrakten?",
            keep=("Dziękuję.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "apple-en-top",
            f"Attached.\n\nSent from my iPhone\n\n> On 27 Nov 2026, at 09:30, Tilflytterteamet <{ours}> wrote:\n>\n{_QUOTED}",
            keep=("Attached.",),
            drop=(_HISTORY, "Sent from my iPhone"),
        ),
        _reply(
            "sent-from-my-in-a-sentence",
            "Hei,\nSent from my old address the form never arrived.\nCan you send it to this one?\n\nAnna",
            keep=(
                "Sent from my old address the form never arrived.",
                "Can you send it to this one?",
            ),
        ),
        _reply(
            "sendt-fra-min-in-a-sentence",
            "Hei,\nsendt fra min arbeidsgiver kom det et brev i går.\nHva betyr det?",
            keep=("sendt fra min arbeidsgiver kom det et brev i går.", "Hva betyr det?"),
        ),
        _reply(
            "iphone-pl-signature",
            "Przesyłam zdjęcie paszportu.\n\nWysłane z iPhone'a",
            keep=("Przesyłam zdjęcie paszportu.",),
            drop=("Wysłane z iPhone",),
        ),
        _reply(
            "iphone-uk-signature",
            "Надсилаю фото паспорта.\n\nНадіслано з iPhone",
            keep=("Надсилаю фото паспорта.",),
            drop=("Надіслано з iPhone",),
        ),
        _reply(
            "outlook-nb-plain",
            f"Se vedlegg.\n\n________________________________\nFra: Tilflytterteamet <{ours}>\nSendt: fredag 27. november 2026 09:30\nTil: Anna Kowalska <{TO}>\nEmne: Din henvendelse NR-2026-0042\n\nHei Anna, takk for henvendelsen.\nKan du sende oss leiekontrakten?",
            keep=("Se vedlegg.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "outlook-pl-plain",
            f"W załączniku umowa.\n\nOd: Tilflytterteamet <{ours}>\nWysłano: piątek, 27 listopada 2026 09:30\nDo: Anna Kowalska <{TO}>\nTemat: Din henvendelse NR-2026-0042\n\nHei Anna, takk for henvendelsen.\nKan du sende oss leiekontrakten?",
            keep=("W załączniku umowa.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "outlook-uk-plain",
            f"Договір у вкладенні.\n\nВід: Tilflytterteamet <{ours}>\nНадіслано: п’ятниця, 27 листопада 2026 р. 09:30\nКому: Оксана Петренко <{TO}>\nТема: Din henvendelse NR-2026-0042\n\nHei, takk for henvendelsen.\nKan du sende oss leiekontrakten?",
            keep=("Договір у вкладенні.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "outlook-sv-plain",
            f"Se bilaga.\n\nFrån: Tilflytterteamet <{ours}>\nSkickat: den 27 november 2026 09:30\nTill: Anna <{TO}>\nÄmne: Din henvendelse\n\nKan du sende oss leiekontrakten?",
            keep=("Se bilaga.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "outlook-nn-name-only",
            "Sjå vedlegg.\n\nFrå: Tilflytterteamet\nSendt: fredag 27. november 2026 09:30\nTil: Anna Kowalska\nEmne: Din henvendelse\n\nKan du sende oss leiekontrakten?",
            keep=("Sjå vedlegg.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "outlook-de-plain",
            f"Anbei der Vertrag.\n\nVon: Tilflytterteamet <{ours}>\nGesendet: Freitag, 27. November 2026 09:30\nAn: Anna <{TO}>\nBetreff: Din henvendelse\n\nKan du sende oss leiekontrakten?",
            keep=("Anbei der Vertrag.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "outlook-html-nb-split",
            outlook_html.format(
                own="Her er kontrakten.",
                lang="NO-BOK",
                f="Fra:",
                s="Sendt:",
                t="Til:",
                subj="Emne:",
                date="fredag 27. november 2026\n09:30",
                ours=ours,
                to=TO,
            ),
            keep=("Her er kontrakten.",),
            drop=(_HISTORY,),
            html=True,
        ),
        _reply(
            "outlook-html-pl-split",
            outlook_html.format(
                own="Umowa w załączniku.",
                lang="PL",
                f="Od:",
                s="Wysłano:",
                t="Do:",
                subj="Temat:",
                date="piątek, 27 listopada\n2026 09:30",
                ours=ours,
                to=TO,
            ),
            keep=("Umowa w załączniku.",),
            drop=(_HISTORY,),
            html=True,
        ),
        _reply(
            "outlook-html-uk-split",
            outlook_html.format(
                own="Договір у вкладенні.",
                lang="UK",
                f="Від:",
                s="Надіслано:",
                t="Кому:",
                subj="Тема:",
                date="27 листопада 2026\nр. 09:30",
                ours=ours,
                to=TO,
            ),
            keep=("Договір у вкладенні.",),
            drop=(_HISTORY,),
            html=True,
        ),
        _reply(
            "apple-html-blockquote",
            f'<html><body><div dir="auto">Takk, jeg kommer på mandag.</div><div><br><blockquote type="cite">27. nov. 2026 kl. 09:30 skrev Tilflytterteamet &lt;{ours}&gt;:<br><br></blockquote></div><blockquote type="cite"><div>Hei Anna, takk for henvendelsen. Kan du sende oss leiekontrakten?</div></blockquote></body></html>',
            keep=("Takk, jeg kommer på mandag.",),
            drop=(_HISTORY,),
            html=True,
        ),
        _reply(
            "yahoo-html",
            f'<html><body><div class="ydp3f5e2b1yahoo-style-wrap"><div>Jeg har sendt kontrakten.</div></div><div id="yahoo_quoted_1234567890" class="yahoo_quoted"><div style="font-family:Helvetica">På fredag 27. november 2026, 09:30:00 CET, skrev Tilflytterteamet &lt;{ours}&gt;:</div><div><br></div><div>Hei Anna, takk for henvendelsen. Kan du sende oss leiekontrakten?</div></div></body></html>',
            keep=("Jeg har sendt kontrakten.",),
            drop=(_HISTORY,),
            html=True,
        ),
        _reply(
            "yahoo-plain-en",
            f"Lease attached.\n\n   On Friday, 27 November 2026 at 09:30:00 CET, Tilflytterteamet <{ours}> wrote:\n\n Hei Anna, takk for henvendelsen.\nKan du sende oss leiekontrakten?",
            keep=("Lease attached.",),
            drop=(_HISTORY,),
        ),
        _reply(
            "outlook-en-to-distribution-list",
            "Hello, I am Anna's employer. She starts with us on 1 March.\n\nBest regards\nPer",
            keep=("Hello, I am Anna's employer. She starts with us on 1 March.",),
            headers="X-Auto-Response-Suppress: All\nX-MS-Has-Attach:\nThread-Topic: Anna Kowalska\n",
        ),
        _reply(
            "outlook-nb-to-distribution-list",
            "Hei, jeg er Annas arbeidsgiver. Hun begynner hos oss 1. mars.",
            keep=("Hei, jeg er Annas arbeidsgiver. Hun begynner hos oss 1. mars.",),
            headers="X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply\n",
        ),
        _reply(
            "own-words-before-quote-kept",
            "Hei.\nDen 3. mars kl. 10:00 skrev jeg til NAV:\nJeg har ikke fått svar.",
            keep=("Den 3. mars kl. 10:00 skrev jeg til NAV:", "Jeg har ikke fått svar."),
        ),
    ]


# --- Headers and charsets -----------------------------------------------------------------


def _charsets() -> list[Sample]:
    ours = _ours()
    return [
        Sample(
            "raw-8bit-utf8-headers",
            "charset",
            f"""From: Åse Sørensen <ase@example.no>
To: {ours}
Subject: Spørsmål om bolig på Ankenes
Date: Fri, 27 Nov 2026 10:00:00 +0100
Message-ID: <raw8-utf8@example.no>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hei, hvor søker jeg?
""".replace("\n", "\r\n").encode(),
            kind="reply",
            subject="Spørsmål om bolig på Ankenes",
            sender="ase@example.no",
            extra={"sender_name": "Åse Sørensen"},
            keep=("Hei, hvor søker jeg?",),
        ),
        Sample(
            "raw-8bit-latin2-headers",
            "charset",
            f"""From: Łukasz Żółć <lukasz@example.pl>
To: {ours}
Subject: Pytanie o mieszkanie w Narwiku
Date: Fri, 27 Nov 2026 10:00:00 +0100
Message-ID: <raw8-latin2@example.pl>
Content-Type: text/plain; charset=iso-8859-2
Content-Transfer-Encoding: 8bit

Dzień dobry, szukam mieszkania.
""".replace("\n", "\r\n").encode("iso-8859-2"),
            kind="reply",
            subject="Pytanie o mieszkanie w Narwiku",
            extra={"sender_name": "Łukasz Żółć"},
            keep=("Dzień dobry, szukam mieszkania.",),
        ),
        Sample(
            "raw-8bit-cp1251-headers",
            "charset",
            f"""From: Олена Коваль <olena@example.com.ua>
To: {ours}
Subject: Питання про житло
Date: Fri, 27 Nov 2026 10:00:00 +0100
Message-ID: <raw8-cp1251@example.com.ua>
Content-Type: text/plain; charset=windows-1251
Content-Transfer-Encoding: 8bit

Доброго дня, шукаю житло.
""".replace("\n", "\r\n").encode("cp1251"),
            kind="reply",
            subject="Питання про житло",
            extra={"sender_name": "Олена Коваль"},
            keep=("Доброго дня, шукаю житло.",),
        ),
        Sample(
            "gb2312-label-gbk-text",
            "charset",
            f"""From: Li Wei <li.wei@example.cn>
To: {ours}
Subject: =?gb2312?B?{__import__("base64").b64encode("住房问题".encode("gbk")).decode()}?=
Date: Fri, 27 Nov 2026 10:00:00 +0100
Message-ID: <gbk-1@example.cn>
Content-Type: text/plain; charset=gb2312
Content-Transfer-Encoding: 8bit

""".replace("\n", "\r\n").encode()
            + "我的名字是朱镕基，我想问一下住房。\r\n".encode("gbk"),
            kind="reply",
            subject="住房问题",
            keep=("我的名字是朱镕基，我想问一下住房。",),
        ),
        Sample(
            "latin1-label-cp1252-text",
            "charset",
            f"""From: Anna <anna@example.de>
To: {ours}
Subject: =?iso-8859-1?Q?Miete_=80_500_=96_Frage?=
Date: Fri, 27 Nov 2026 10:00:00 +0100
Message-ID: <cp1252-1@example.de>
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit

""".replace("\n", "\r\n").encode()
            + "Die Miete ist 500 € – „warm“, stimmt das?\r\n".encode("cp1252"),
            kind="reply",
            subject="Miete € 500 – Frage",
            keep=("Die Miete ist 500 € – „warm“, stimmt das?",),
        ),
        Sample(
            "header-continuation-not-indented",
            "charset",
            _mail(f"""Message-ID: <broken-fold-1@example.no>
Subject: Spørsmål om
leiekontrakt og depositum
From: Ola Nordmann <ola@example.no>
To: {ours}
Date: Fri, 27 Nov 2026 10:00:00 +0100
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hei, må jeg betale depositum?
"""),
            kind="reply",
            subject="Spørsmål om leiekontrakt og depositum",
            sender="ola@example.no",
            keep=("Hei, må jeg betale depositum?",),
        ),
        Sample(
            "text-line-before-headers",
            "charset",
            _mail(f"""Forwarded by MailGate 2.1
From: Ola Nordmann <ola@example.no>
To: {ours}
Subject: Bolig i Narvik
Date: Fri, 27 Nov 2026 10:00:00 +0100
Message-ID: <broken-top-1@example.no>
Content-Type: text/plain; charset=utf-8

Hei, finnes det ledige leiligheter?
"""),
            kind="reply",
            subject="Bolig i Narvik",
            sender="ola@example.no",
            keep=("Hei, finnes det ledige leiligheter?",),
        ),
        Sample(
            "ks-c-5601-label",
            "charset",
            f"""From: Kim <kim@example.kr>
To: {ours}
Subject: housing
Date: Fri, 27 Nov 2026 10:00:00 +0100
Message-ID: <kr-1@example.kr>
Content-Type: text/plain; charset=ks_c_5601-1987
Content-Transfer-Encoding: 8bit

""".replace("\n", "\r\n").encode()
            + "안녕하세요, 집을 찾고 있어요.\r\n".encode("cp949"),
            kind="reply",
            keep=("안녕하세요, 집을 찾고 있어요.",),
        ),
    ]


def samples() -> list[Sample]:
    """Every sample (reads settings: call inside a test or after django.setup())."""
    return [*_bounces(), *_auto_replies(), *_humans(), *_charsets()]


def judge(sample: Sample, parsed) -> dict[str, bool]:
    """What inbound_parse got right about `sample`: one entry per thing the sample expects
    (the tests assert all are True; bench/inbound.py counts them)."""
    result = {"kind": parsed.kind == sample.kind}
    if sample.group == "bounce":
        named = {address for block in parsed.bounce_failures for address in block}
        result["fails"] = bool(parsed.bounce_failures) == sample.fails
        if sample.bounced_id:
            result["tied_by_id"] = parsed.bounced_message_id == sample.bounced_id
        if sample.failed:
            result["names_recipient"] = sample.failed in named
    if sample.keep:
        result["keeps_own_text"] = all(text in parsed.text for text in sample.keep)
    if sample.drop:
        result["drops_history"] = not any(text in parsed.text for text in sample.drop)
    if sample.subject is not None:
        result["subject"] = parsed.subject == sample.subject
    if sample.sender is not None:
        result["sender"] = parsed.sender == sample.sender
    for name, value in sample.extra.items():
        result[name] = getattr(parsed, name) == value
    return result
