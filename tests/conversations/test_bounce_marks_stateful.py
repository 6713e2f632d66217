"""The newcomer's "address failing" mark under random sequences of real actions, across
the apps that touch it: the outbox sends, delivery reports come back (conversations),
the newcomer replies (vouched for by our mail server or not), staff change the address
(cases and contacts).

The model: the mark is set exactly when a report of a failure came for one of our e-mails
(the first report for it) sent to the address the newcomer has at that moment, and no
address change and no vouched-for mail from the address came after it.

Each example runs in a savepoint rolled back at its end, inside the test's own
transaction (the `db` fixture), as in tests/privacy/test_erasure_stateful.py.
"""

from itertools import count

from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cases.services import case_newcomer_update
from contacts.models import Newcomer
from conversations.receive import inbound_process
from outbox.models import OutboundEmail
from tests.conversations.test_receive import (
    DMARC_FAIL,
    DMARC_PASS,
    _dsn_for,
    _sent_email,
    authenticated,
    make_raw,
)

ADDRESSES = ("anna@example.org", "anna.k@example.net")


class BounceMarkMachine(RuleBasedStateMachine):
    def __init__(self, world) -> None:
        super().__init__()
        self.world = world
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._numbers = count(1)
        self.address = world.newcomer.email
        self.sent: list[tuple[str, str]] = []  # (Message-ID, to)
        self.bounced: set[str] = set()
        self.marked = False

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @rule(to_current=st.booleans())
    def send(self, to_current: bool) -> None:
        """Our e-mail to the newcomer's address, or to the one they had before."""
        to = self.address if to_current else next(a for a in ADDRESSES if a != self.address)
        message_id = f"<out-{next(self._numbers)}@tilflytt.example>"
        _sent_email(self.world.case, to=to, message_id=message_id)
        self.sent.append((message_id, to))

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def bounce(self, data) -> None:
        message_id, to = data.draw(st.sampled_from(self.sent))
        report = f"report-{next(self._numbers)}@mx".encode()
        raw = _dsn_for(message_id, to=to.encode()).replace(b"1A2B3C@mx", report)
        assert inbound_process(raw=raw).created
        if message_id not in self.bounced and to == self.address:
            self.marked = True
        self.bounced.add(message_id)

    @rule()
    def bounce_of_nothing_we_sent(self) -> None:
        report = f"report-{next(self._numbers)}@mx".encode()
        raw = _dsn_for("<not-ours@elsewhere.example>", to=self.address.encode())
        assert inbound_process(raw=raw.replace(b"1A2B3C@mx", report)).created

    @rule(vouched=st.booleans())
    def reply(self, vouched: bool) -> None:
        raw = make_raw(sender=f"Anna <{self.address}>")
        results = (DMARC_PASS if vouched else DMARC_FAIL).replace(
            "example.org", self.address.split("@")[1]
        )
        inbound_process(raw=authenticated(raw, results))
        if vouched:
            self.marked = False

    @rule()
    def staff_change_the_address(self) -> None:
        self.address = next(a for a in ADDRESSES if a != self.address)
        case_newcomer_update(
            case=self.world.case, changes={"email": self.address}, actor=self.world.owner
        )
        self.marked = False

    @rule()
    def staff_change_another_field(self) -> None:
        case_newcomer_update(
            case=self.world.case,
            changes={"phone": f"+47 900 {next(self._numbers):05d}"},
            actor=self.world.owner,
        )

    @invariant()
    def mark_follows_the_model(self) -> None:
        newcomer = Newcomer.objects.get(pk=self.world.newcomer.pk)
        assert newcomer.email == self.address
        assert (newcomer.email_failing_since is not None) is self.marked
        failed = set(
            OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).values_list(
                "message_id", flat=True
            )
        )
        assert failed == self.bounced


def test_bounce_mark_follows_the_model_under_random_actions(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://tilflytt.example"
    settings.OUTBOX_MESSAGE_ID_DOMAIN = "tilflytt.example"
    settings.CONVERSATIONS_ADDRESS = "team@tilflytt.example"
    settings.CONVERSATIONS_SENDER_CHECK = "dmarc"
    run_state_machine_as_test(
        lambda: BounceMarkMachine(world),
        settings=hypothesis_settings(
            max_examples=60,
            stateful_step_count=12,
            deadline=None,
            report_multiple_bugs=False,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
