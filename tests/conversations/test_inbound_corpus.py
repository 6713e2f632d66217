"""conversations.inbound over the hand-written collection of real-world shapes of mail
(mailcorpus): each sample must be read as its kind, tied back to our e-mail, trimmed and
decoded as it says. bench/inbound.py reports the same checks as rates."""

import pytest

from conversations.inbound import inbound_parse
from tests.conversations.mailcorpus import judge, samples

SAMPLES = samples()


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_inbound_corpus_sample_is_read_as_expected(sample):
    parsed = inbound_parse(sample.raw)
    checks = judge(sample, parsed)
    assert [name for name, ok in checks.items() if not ok] == [], (parsed.kind, parsed.text)


def test_inbound_corpus_names_are_unique():
    assert len({s.name for s in SAMPLES}) == len(SAMPLES)
