"""The case page lists the case's e-mails and their status (no addresses)."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from outbox.models import OutboundEmail


@pytest.mark.django_db
def test_case_page_lists_the_cases_emails_with_status(login, world, queue):
    sent, _ = queue()
    waiting, _ = queue(kind="onboarding.welcome_pack")
    OutboundEmail.objects.filter(pk=sent.pk).update(
        status="sent", attempts=1, sent_at=timezone.now()
    )
    OutboundEmail.objects.filter(pk=waiting.pk).update(attempts=2, last_error="OSError: x")
    with translation.override("en"):
        url = reverse("cases:detail", args=[world.case.pk])
    response = login(world.reader).get(url)
    assert response.status_code == 200
    assert [e.pk for e in response.context["emails"]] == [waiting.pk, sent.pk]
    content = response.content.decode()
    section = content[content.index('id="emails-heading"') :]
    section = section[: section.index("</section>")]
    assert "Receipt for the enquiry" in section
    assert "Sent" in section
    assert "Welcome pack" in section
    assert "Waiting to be sent" in section
    assert "2 failed attempts" in section
    assert world.newcomer.email not in section
    assert "OSError" not in section


@pytest.mark.django_db
def test_case_page_without_emails_says_so(login, world):
    response = login(world.owner).get(reverse("cases:detail", args=[world.case.pk]))
    assert response.status_code == 200
    assert response.context["emails"] == []
