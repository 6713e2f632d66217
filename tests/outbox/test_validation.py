"""email_queue still validates every field its caller passes (a759b09 excluded from
full_clean only the fields _email_row sets itself, outbox.services._SET_HERE): a bad
header, address, kind or language raises ValidationError on that field and saves
nothing. Malformed attachments are in test_services.py."""

import pytest
from django.core.exceptions import ValidationError

from outbox.models import ALLOWED_HEADERS, OutboundEmail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("headers", {"headers": {"Reply-To": "team@example.org\r\nBcc: all@example.org"}}),
        ("headers", {"headers": {"References": "<a@example.org>\nX-Evil: 1"}}),
        ("headers", {"headers": {"Bcc": "all@example.org"}}),
        ("to", {"to": "not an address"}),
        ("to", {"to": "anna@example.org\r\nBcc: all@example.org"}),
        ("kind", {"kind": "cases." + "x" * 95}),  # 101 characters
        ("language", {"language": "nb-NO-extra"}),  # 11 characters
    ],
)
def test_email_queue_rejects_a_bad_field_and_saves_nothing(queue, field, overrides):
    with pytest.raises(ValidationError) as raised:
        queue(**overrides)
    assert field in raised.value.message_dict
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_email_queue_accepts_the_limits_and_every_allowed_header(queue):
    # The other side of each refusal above: the longest kind and language fit, and each
    # allowed header passes (Auto-Submitted is the outbox's own, set for automatic mail).
    headers = {name: "<a@example.org>" for name in ALLOWED_HEADERS - {"Auto-Submitted"}}
    email, _callbacks = queue(
        kind="cases." + "x" * 94, language="nb-NO-xyz0", headers=headers, automatic=False
    )
    email.refresh_from_db()
    assert (len(email.kind), len(email.language)) == (100, 10)
    assert email.headers == headers
    assert email.status == OutboundEmail.Status.PENDING
