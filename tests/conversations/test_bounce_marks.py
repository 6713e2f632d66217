"""What a bounce leaves behind: the newcomer's address marked as failing (shown on the
case page and in the composer, cleared by a new address or a mail from it), and, for a
bounce tied to none of our e-mails, a count for coordinators on "My work"."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases.services import case_newcomer_update
from contacts.models import Newcomer
from conversations.models import InboundEmail, MailboxStatus
from conversations.receive import inbound_process
from conversations.selectors import mailbox_status_for_notice
from outbox.models import OutboundEmail
from tests.conversations.test_receive import (
    DMARC_FAIL,
    DMARC_PASS,
    _corpus,
    _dsn_for,
    _sent_email,
    authenticated,
    make_raw,
    media,  # noqa: F401 (autouse: the site's addresses and a media folder of its own)
)

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
FAILING = "E-mails to this address bounced on"


def _failing_since(newcomer: Newcomer) -> datetime | None:
    newcomer.refresh_from_db(fields=["email_failing_since"])
    return newcomer.email_failing_since


def _bounce(world, *, to="anna@example.org", message_id="<msg-1@tilflytt.example>"):
    """Our e-mail to `to`, and a delivery report (a Message-ID of its own) that it failed."""
    email = _sent_email(world.case, to=to, message_id=message_id)
    report_id = b"r" + str(InboundEmail.objects.count()).encode() + b"@mx"
    raw = _dsn_for(email.message_id, to=to.encode()).replace(b"1A2B3C@mx", report_id)
    assert inbound_process(raw=raw).created
    return email


# --- The newcomer's address marked as failing ---------------------------------------------


def test_bounce_marks_the_newcomers_address_as_failing_from_its_first_failure(world):
    with time_machine.travel(T0, tick=False):
        _bounce(world)
    # When the report says it was written (its Date, when sane), else when it was read.
    report = InboundEmail.objects.get()
    assert report.received_at is not None
    assert _failing_since(world.newcomer) == report.received_at

    # A later bounce of another e-mail keeps the first failure's time.
    first = T0 - timedelta(days=3)
    Newcomer.objects.filter(pk=world.newcomer.pk).update(email_failing_since=first)
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        email = _bounce(world, message_id="<msg-2@tilflytt.example>")
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert _failing_since(world.newcomer) == first


def test_bounce_tied_by_recipient_marks_the_address(world):
    """A bounce that names no Message-ID of ours, only our recipient."""
    from tests.conversations.mailcorpus import TO

    Newcomer.objects.filter(pk=world.newcomer.pk).update(email=TO)
    _sent_email(world.case, to=TO)
    inbound = inbound_process(raw=_corpus("exchange-2003-plain-display-name-only")).inbound
    assert inbound.case == world.case
    assert _failing_since(world.newcomer) is not None


def test_bounce_of_an_old_address_marks_nothing(world):
    """Our e-mail went to the address the newcomer had then; they have another now."""
    email = _bounce(world, to="old@example.org")
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert _failing_since(world.newcomer) is None


def test_bounce_of_a_staff_notice_marks_no_newcomer(world):
    _bounce(world, to="owner@kommune.example")
    assert _failing_since(world.newcomer) is None


@pytest.mark.parametrize("action", ["delayed", "delivered"])
def test_delay_or_delivery_report_marks_nothing(world, action):
    email = _sent_email(world.case)
    raw = _dsn_for(email.message_id).replace(b"Action: failed", b"Action: " + action.encode())
    inbound_process(raw=raw)
    assert _failing_since(world.newcomer) is None


def test_unrecognised_bounce_marks_no_newcomer(world):
    inbound_process(raw=_corpus("mailer-daemon-empty-address"))
    assert not Newcomer.objects.exclude(email_failing_since=None).exists()


def test_reply_from_the_address_clears_the_mark(world):
    _bounce(world)
    inbound_process(raw=make_raw(sender="Anna <ANNA@example.org>"))
    assert _failing_since(world.newcomer) is None


@pytest.fixture
def dmarc(settings):
    settings.CONVERSATIONS_SENDER_CHECK = "dmarc"


def test_reply_our_server_vouched_for_clears_the_mark(world, dmarc):
    _bounce(world)
    inbound_process(raw=authenticated(make_raw(), DMARC_PASS))
    assert _failing_since(world.newcomer) is None


def test_reply_with_an_unverified_sender_keeps_the_mark(world, dmarc):
    """Anybody can write a From line: it proves nothing about the address."""
    _bounce(world)
    inbound_process(raw=authenticated(make_raw(), DMARC_FAIL))
    assert _failing_since(world.newcomer) is not None


def test_reply_from_another_address_keeps_the_mark(world):
    _bounce(world)
    inbound_process(raw=make_raw(sender="Partner <partner@example.org>"))
    assert _failing_since(world.newcomer) is not None


def test_staff_changing_the_address_clears_the_mark(world):
    _bounce(world)
    case_newcomer_update(case=world.case, changes={"phone": "+47 900 00 000"}, actor=world.owner)
    assert _failing_since(world.newcomer) is not None  # another field: the address still fails

    case_newcomer_update(case=world.case, changes={"email": "anna@new.example"}, actor=world.owner)
    assert _failing_since(world.newcomer) is None


def test_erasure_clears_the_mark_and_the_copy_has_it(world):
    from privacy.services import newcomer_erase, newcomer_export

    _bounce(world)
    newcomer = Newcomer.objects.get(pk=world.newcomer.pk)
    exported = newcomer_export(newcomer=newcomer, actor=world.coordinator)
    failing = newcomer.email_failing_since
    assert failing is not None
    assert exported["newcomer"]["email_failing_since"] == failing.isoformat()

    newcomer_erase(newcomer=newcomer, actor=world.coordinator, reason="Asked")
    assert _failing_since(world.newcomer) is None


# --- Shown on the case page, in the composer and in the API --------------------------------


def _case_page(client, world) -> str:
    with translation.override("en"):
        url = reverse("cases:detail", args=[world.case.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_case_page_shows_the_failing_address_on_the_card_and_in_the_composer(world, login):
    client = login(world.owner)
    assert FAILING not in _case_page(client, world)

    Newcomer.objects.filter(pk=world.newcomer.pk).update(
        email_failing_since=datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    )
    page = _case_page(client, world)
    assert page.count(f"{FAILING} 20/11/2026: check the address.") == 2
    composer = page[page.index('id="composer"') :]
    assert f"{FAILING} 20/11/2026" in composer
    assert reverse("cases:newcomer-edit", args=[world.case.pk]) in composer


def test_case_page_shows_the_failing_address_to_a_reader_without_the_composer(world, login):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(email_failing_since=T0)
    page = _case_page(login(world.reader), world)
    assert page.count(FAILING) == 1
    assert 'id="composer"' not in page


def test_case_page_says_it_in_bokmal(world, login):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(email_failing_since=T0)
    with translation.override("nb"):
        url = reverse("cases:detail", args=[world.case.pk])
    page = login(world.owner).get(url).content.decode()
    assert "E-poster til denne adressen kom i retur" in page


def test_case_page_queries_do_not_change_with_the_mark(world, login):
    client = login(world.owner)
    _case_page(client, world)  # warm: session, language

    def count():
        with CaptureQueriesContext(connection) as ctx:
            _case_page(client, world)
        return len(ctx.captured_queries)

    before = count()
    Newcomer.objects.filter(pk=world.newcomer.pk).update(email_failing_since=T0)
    assert count() == before


@pytest.mark.django_db
def test_api_newcomer_detail_has_the_mark(world, client):
    client.force_login(world.owner)
    url = reverse("api:newcomers-detail", args=[world.newcomer.pk])
    assert client.get(url).json()["email_failing_since"] is None
    Newcomer.objects.filter(pk=world.newcomer.pk).update(email_failing_since=T0)
    assert client.get(url).json()["email_failing_since"] == "2026-11-27T10:00:00+01:00"


# --- Unrecognised bounces counted for coordinators on "My work" ----------------------------

UNMATCHED = "delivery failures (bounces) matched none of our e-mails"


def _unmatched(n: int, *, at: datetime, case=None) -> None:
    for i in range(n):
        InboundEmail.objects.create(
            message_id=f"<bounce-{at:%j%H%M}-{i}@mx.example>",
            outcome=InboundEmail.Outcome.BOUNCE,
            case=case,
            processed_at=at,
        )


@pytest.fixture
def fresh_mailbox(settings, db):
    """A mailbox read a minute ago with nothing waiting: no notice of its own."""
    settings.IMAP_HOST = "imap.example.org"
    return MailboxStatus.objects.create(folder=settings.IMAP_FOLDER, last_success_at=T0)


def test_unmatched_bounces_counted_over_the_last_seven_days(world, fresh_mailbox):
    now = T0 + timedelta(minutes=1)
    assert mailbox_status_for_notice(now=now) is None

    _unmatched(2, at=T0 - timedelta(days=6, hours=23))
    _unmatched(1, at=T0 - timedelta(days=7, hours=1))  # too old
    _unmatched(1, at=T0, case=world.case)  # tied to our e-mail
    InboundEmail.objects.create(
        message_id="<auto@mx.example>", outcome=InboundEmail.Outcome.AUTO_REPLY, processed_at=T0
    )
    notice = mailbox_status_for_notice(now=now)
    assert notice is not None
    assert (notice.stale, notice.waiting, notice.unmatched_bounces) == (False, 0, 2)


def test_unmatched_bounces_counted_when_the_mailbox_was_never_read(settings, db):
    settings.IMAP_HOST = "imap.example.org"
    _unmatched(1, at=T0)
    notice = mailbox_status_for_notice(now=T0 + timedelta(minutes=1))
    assert notice is not None and notice.stale and notice.unmatched_bounces == 1


def test_unrecognised_bounce_from_the_mailbox_is_counted(world, fresh_mailbox):
    """End to end: a bounce about nothing we sent opens no case and is counted."""
    with time_machine.travel(T0, tick=False):
        inbound_process(raw=_corpus("mailer-daemon-empty-address"))
    notice = mailbox_status_for_notice(now=T0 + timedelta(minutes=1))
    assert notice is not None and notice.unmatched_bounces == 1


def _my_work(client) -> str:
    with translation.override("en"):
        url = reverse("cases:mine")
    return client.get(url).content.decode()


def test_my_work_shows_unmatched_bounces_to_a_coordinator(world, login, fresh_mailbox):
    _unmatched(3, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=1)):
        page = _my_work(login(world.coordinator))
    assert f"In the last 7 days, 3 {UNMATCHED}: they opened no case and marked nothing." in page
    assert "has not been read" not in page
    assert "admin/conversations/inboundemail/" not in page  # not an admin user


def test_my_work_links_an_admin_user_to_the_list(world, login, fresh_mailbox):
    _unmatched(1, at=T0)
    world.coordinator.is_staff = True
    world.coordinator.save()
    with time_machine.travel(T0 + timedelta(minutes=1)):
        page = _my_work(login(world.coordinator))
    assert "one delivery failure (bounce) matched none of our e-mails" in page
    assert "/admin/conversations/inboundemail/?outcome__exact=bounce&amp;case__isempty=1" in page


def test_my_work_does_not_show_unmatched_bounces_to_a_member(world, login, fresh_mailbox):
    _unmatched(3, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=1)):
        page = _my_work(login(world.owner))
    assert UNMATCHED not in page


def test_my_work_query_count_stays_flat_with_unmatched_bounces(world, login, fresh_mailbox):
    """The count is read in the status row's query: "My work" has the queries it had."""

    def count():
        client = login(world.coordinator)
        client.get(reverse("cases:mine"))  # warm: session, language
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("cases:mine")).status_code == 200
        return len(ctx.captured_queries)

    with time_machine.travel(T0 + timedelta(minutes=1)):
        quiet = count()
        _unmatched(5, at=T0)
        assert count() == quiet


def test_my_work_notice_says_it_in_bokmal(world, login, fresh_mailbox):
    _unmatched(2, at=T0)
    with time_machine.travel(T0 + timedelta(minutes=1)), translation.override("nb"):
        page = login(world.coordinator).get(reverse("cases:mine")).content.decode()
    assert "De siste 7 dagene" in page
