"""The multi-process run: two web servers, two workers and one beat against one PostgreSQL,
one Redis and the S3 emulator (tests/multiprocess/conftest.py starts them).

1. A browser journey alternating between web A and web B: a newcomer sends the intake on
   A; a coordinator signs in on B with a password and a TOTP code, takes the case, writes
   to the newcomer on A, starts a plan and sends the welcome pack on B, downloads the pack
   on A. A worker stores the pack's PDF in the bucket and mails it; every e-mail the
   journey causes arrives once (counted by Message-ID).
2. A burst of intake receipts posted to both web servers at once, with one worker killed
   (SIGKILL) while the SMTP server holds it inside a send. The other worker sends the
   rest, receives the killed worker's task again from Redis and finds nothing to do; the
   beat's outbox sweep takes back the abandoned claim and the e-mail goes out once.
   Nothing is lost and nothing is doubled.

Each test prints one line of figures (messages, duplicates, lost, seconds).
"""

import email
import email.policy
import json
import re
import time
import urllib.request
from binascii import unhexlify
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from accounts.services import two_factor_enable
from cases.models import Case, Topic
from contacts.models import Membership, Municipality, Organisation
from onboarding.models import WelcomePack
from outbox.models import OutboundEmail
from tests import factories as f
from tests.integration import drained
from tests.multiprocess.conftest import STALE, VISIBILITY
from tests.s3 import bucket_keys

pytestmark = [
    pytest.mark.stack,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, in hex
BURST = 40
NEWCOMER_EMAIL = "olena@example.org"


def _parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _received(stack, since: int = 0) -> Counter[str]:
    """Message-IDs of the messages the SMTP server accepted (from the `since`-th on)."""
    return Counter(str(_parse(raw)["Message-ID"]) for raw in stack.smtp.messages[since:])


def _exactly_once(stack, since: int, rows: list[OutboundEmail]) -> dict[str, int]:
    """Every row's message arrived once, and nothing else arrived; the figures."""
    received = _received(stack, since)
    expected = {row.message_id for row in rows}
    duplicates = sum(count - 1 for count in received.values() if count > 1)
    lost = len(expected - set(received))
    assert duplicates == 0, received.most_common(3)
    assert lost == 0, sorted(expected - set(received))
    assert set(received) == expected  # nothing the outbox does not know
    assert {row.status for row in rows} == {OutboundEmail.Status.SENT}
    # Across the whole module too: no Message-ID ever arrived twice.
    assert max(_received(stack).values(), default=1) == 1
    return {"messages": sum(received.values()), "duplicates": duplicates, "lost": lost}


def _coordinator():
    """A coordinator whose password the production hashers read (the tests' settings hash
    with MD5, which the web servers do not accept) and who has an authenticator app."""
    kommune = f.make_organisation(name="Narvik kommune", kind=Organisation.Kind.MUNICIPALITY)
    user = f.make_user(
        username="coordinator", organisation=kommune, role=Membership.Role.COORDINATOR
    )
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(f.PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    two_factor_enable(user=user, key=TOTP_KEY)
    return user


def _log_in_with_code(page: Page, base: str, check_page) -> None:
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    check_page(page)
    page.get_by_label("Code", exact=True).fill(f"{totp(unhexlify(TOTP_KEY)):06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _intake(page: Page, base: str, check_page) -> str:
    page.goto(f"{base}/en/intake/")
    check_page(page)
    page.get_by_label("Your name").fill("Olena Kovalenko")
    page.get_by_label("E-mail").fill(NEWCOMER_EMAIL)
    page.get_by_label("Which describes you best?").select_option(label="Family with children")
    page.get_by_label("Where are you thinking of moving?").select_option(label="Narvik")
    page.get_by_label("Kindergarten", exact=True).check()
    page.get_by_label("Your message").fill("Where do we apply for kindergarten?")
    page.get_by_label("I agree that the newcomer team stores").check()
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you — we have received your enquiry"
    )
    check_page(page)
    return page.locator(".reference").inner_text()


def test_stack_browser_journey_across_both_web_servers(stack, page: Page, new_context, check_page):
    started = time.monotonic()
    web_a, web_b = stack.web
    since = len(stack.smtp.messages)
    _coordinator()

    # The newcomer, in a browser of their own, on web A.
    newcomer_page = new_context().new_page()
    reference = _intake(newcomer_page, web_a, check_page)
    case = Case.objects.get(reference=reference)

    # The coordinator signs in on web B (password, then the code) and takes the case.
    _log_in_with_code(page, web_b, check_page)
    page.goto(f"{web_b}/en/cases/")
    page.get_by_label("Search").fill(reference)
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olena Kovalenko")
    check_page(page)
    # The people picker lists me first, with my organisation; one form handles the case.
    page.get_by_label("Owner").select_option(label="coordinator · Narvik kommune (me)")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_be_visible()

    # On web A (the same session: it lives in the database), a message to the newcomer.
    page.goto(f"{web_a}/en/cases/{case.pk}/")
    composer = page.locator("#composer")
    composer.get_by_label("Message to the newcomer").fill(
        "Welcome! Kindergarten: apply by 1 March."
    )
    composer.get_by_role("button", name="Send message").click()
    expect(page.locator(".messages")).to_contain_text("The message is on its way")
    check_page(page)

    # On web B, a plan and the welcome pack by e-mail (built and stored by a worker).
    page.goto(f"{web_b}/en/cases/{case.pk}/")
    page.get_by_role("link", name="Start onboarding plan").click()
    page.get_by_label("Move date (planned or actual)").fill(
        (date.today() + timedelta(days=60)).isoformat()
    )
    page.get_by_role("button", name="Start plan").click()
    expect(page.locator(".plan-steps li").first).to_be_visible()
    page.get_by_role("button", name="E-mail welcome pack to the newcomer").click()
    expect(page.locator(".messages")).to_be_visible()
    check_page(page)

    # On web A, the pack downloads through the app.
    page.goto(f"{web_a}/en/cases/{case.pk}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download welcome pack (PDF)").click()
    assert Path(download_info.value.path()).read_bytes()[:5] == b"%PDF-"

    # Three e-mails: the receipt, the message, the pack; each arrives once.
    rows = lambda: list(OutboundEmail.objects.filter(case_id=case.pk))  # noqa: E731
    stack.wait_for(
        lambda: len(rows()) == 3 and all(r.status == "sent" for r in rows()),
        "the journey's three e-mails to be sent",
    )
    stack.wait_for(lambda: drained(stack.broker), "the queue to drain")
    sent = rows()
    assert sorted(r.kind for r in sent) == [
        "cases.intake_receipt",
        "conversations.message",
        "onboarding.welcome_pack",
    ]
    figures = _exactly_once(stack, since, sent)
    for web in ("web-a", "web-b"):  # both web servers served the coordinator's session
        assert f"/en/cases/{case.pk}/" in stack.process(web).text()

    # The pack's PDF is in the bucket (the worker wrote it), and the mail carries those bytes.
    pack = WelcomePack.objects.get(case=case)
    assert pack.file.name in bucket_keys(stack.s3, stack.bucket)
    stored = stack.s3.get_object(Bucket=stack.bucket, Key=pack.file.name)["Body"].read()
    pack_mail = next(r for r in sent if r.kind == "onboarding.welcome_pack")
    message = next(
        _parse(raw)
        for raw in stack.smtp.messages[since:]
        if _parse(raw)["Message-ID"] == pack_mail.message_id
    )
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content() == stored
    assert stored[:5] == b"%PDF-"

    # The receipt's link to the newcomer's own page works (it points at web A, SITE_URL).
    receipt = next(
        _parse(raw)
        for raw in stack.smtp.messages[since:]
        if _parse(raw)["To"] == NEWCOMER_EMAIL and "/my/" in _parse(raw).as_string()
    )
    link = re.search(r"http://127\.0\.0\.1:\d+/[^\s\"<>]*my/[^\s\"<>]+", receipt.as_string())
    assert link is not None
    newcomer_page.goto(link.group(0))
    expect(newcomer_page.get_by_role("heading", level=1)).to_contain_text("Olena Kovalenko")
    check_page(newcomer_page)
    print(
        "stack journey: " + json.dumps({**figures, "seconds": round(time.monotonic() - started, 1)})
    )


def _post_intake(base: str, n: int, municipality: int, topic: int) -> int:
    body = {
        "name": f"Burst Newcomer {n}",
        "email": f"burst{n}@example.org",
        "preferred_language": "en",
        "municipality": municipality,
        "target_group": "eu_worker",
        "topics": [topic],
        "message": "When can we move?",
        "consent": True,
        "share_scopes": ["municipality"],
    }
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base}/api/v1/intake/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept-Language": "en"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        return response.status


def _pid_with_local_port(pids: list[int], port: int) -> int:
    """Which of these processes has the TCP socket bound to local `port` (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if fd.readlink().as_posix() in inodes:
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no worker has local port {port}")


def test_stack_burst_with_a_worker_killed_mid_send_arrives_exactly_once(stack, browser_name):
    """`browser_name` only keeps this test next to the journey: pytest groups the tests
    pytest-playwright parametrises by browser, and without it the stack would start twice."""
    started = time.monotonic()
    since = len(stack.smtp.messages)
    municipality = Municipality.objects.get(name="Narvik").pk
    topic = Topic.objects.get(slug="housing").pk
    assert len(stack.workers.processes) == 2

    # The first RCPT waits: whichever worker sends first is caught inside the conversation.
    stack.smtp.stall_next.set()
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(
            pool.map(lambda n: _post_intake(stack.web[n % 2], n, municipality, topic), range(BURST))
        )
    assert statuses == [201] * BURST
    # Each web server took half of the burst (gunicorn logs a request after answering it).
    posts = lambda: [  # noqa: E731
        stack.process(web).text().count('"POST /api/v1/intake/ ') for web in ("web-a", "web-b")
    ]
    stack.wait_for(lambda: posts() == [BURST // 2] * 2, "both access logs", seconds=10)
    stack.wait_for(stack.smtp.stalled.is_set, "a worker to reach RCPT")

    # SIGKILL the worker holding the stalled conversation (found by its socket).
    by_pid = {p.pid: p for p in stack.workers.processes}
    killed = by_pid[_pid_with_local_port(list(by_pid), stack.smtp.stalled_peer[1])]
    killed_at = time.monotonic()
    stack.workers.kill(killed)
    stack.smtp.release.set()
    stuck = OutboundEmail.objects.get(to=stack.smtp.stalled_rcpt)
    assert stuck.status == "sending"  # claimed by the killed worker
    survivor = next(n for n, p in enumerate(stack.workers.processes, 1) if p is not killed)

    # The survivor sends the rest; the beat's sweep (each minute) gives the stuck e-mail back
    # once its claim is older than STALE; Redis hands the survivor the killed worker's task
    # after VISIBILITY, which finds the e-mail taken and does nothing.
    rows = lambda: list(OutboundEmail.objects.all())  # noqa: E731
    stack.wait_for(
        lambda: len(rows()) == BURST and all(r.status == "sent" for r in rows()),
        "every receipt to be sent",
        seconds=60 + STALE + VISIBILITY + 20,  # beat sweeps once a minute
    )
    stack.wait_for(lambda: drained(stack.broker), "the queue to drain")
    recovered_after = time.monotonic() - killed_at
    figures = _exactly_once(stack, since, rows())
    assert figures["messages"] == BURST

    stuck.refresh_from_db()
    assert stuck.attempts == 2  # the killed attempt and the resend after the sweep
    assert [r.attempts for r in rows()].count(1) == BURST - 1
    assert "Sending due task outbox-sweep" in stack.process("beat").text()
    # The killed worker's task came back to the survivor (and was acknowledged: drained).
    killed_log = stack.workers.log(stack.workers.processes.index(killed) + 1)
    task_id = re.findall(r"outbox\.tasks\.outbox_send\[([0-9a-f-]+)\] received", killed_log)[-1]
    survivor_log = stack.workers.log(survivor)
    assert f"outbox.tasks.outbox_send[{task_id}] received" in survivor_log
    print(
        "stack burst: "
        + json.dumps(
            {
                **figures,
                "workers_killed": 1,
                "recovered_after_s": round(recovered_after, 1),
                "seconds": round(time.monotonic() - started, 1),
            }
        )
    )
