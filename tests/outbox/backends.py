"""Mail backends for outbox tests: a server that is down, one that refuses the recipient,
and one that lets a test act while the message is "on the wire"."""

import smtplib
from collections.abc import Callable

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down: every send raises as smtplib does."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the recipient, quoting the address in its reply."""

    def send_messages(self, email_messages):
        address = email_messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused(
            {address: (550, f"5.1.1 <{address}>: Recipient address rejected".encode())}
        )


class BrokenBackend(BaseEmailBackend):
    """Not the server: a bug in our own code."""

    def send_messages(self, email_messages):
        raise ValueError("a bug")


class HookBackend(LocmemBackend):
    """locmem, running `during_send` first: what happens elsewhere while SMTP talks."""

    during_send: Callable[[], None] | None = None

    def send_messages(self, email_messages):
        if HookBackend.during_send is not None:
            HookBackend.during_send()
        return super().send_messages(email_messages)
