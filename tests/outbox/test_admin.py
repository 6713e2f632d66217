"""The outbox in admin: readable, filterable, never edited; "retry now" queues again."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import ngettext

from outbox.models import OutboundEmail


@pytest.mark.django_db
def test_admin_lists_filters_and_shows_an_email_read_only(admin_client, queue):
    email, _ = queue()
    changelist = reverse("admin:outbox_outboundemail_changelist")
    response = admin_client.get(changelist + "?status__exact=pending&kind=cases.intake_receipt")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    detail = admin_client.get(reverse("admin:outbox_outboundemail_change", args=[email.pk]))
    assert detail.status_code == 200
    assert email.message_id.encode() in detail.content.replace(b"&lt;", b"<").replace(b"&gt;", b">")
    assert b'name="subject"' not in detail.content  # no form fields: read-only
    assert admin_client.get(reverse("admin:outbox_outboundemail_add")).status_code == 403


@pytest.mark.django_db
def test_admin_retry_now_queues_a_failed_email_again(
    admin_client, queue, django_capture_on_commit_callbacks
):
    email, _ = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed", attempts=6)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:outbox_outboundemail_changelist"),
            {"action": "retry_now", "_selected_action": [email.pk]},
            follow=True,
        )
    assert response.status_code == 200
    # In the page's language, whatever the catalogues hold.
    notice = ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", 1)
    assert [str(m) for m in response.context["messages"]] == [notice % {"count": 1}]
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_admin_retry_now_needs_the_change_permission(client, queue, world):
    from django.contrib.auth.models import Permission

    email, _ = queue()
    OutboundEmail.objects.filter(pk=email.pk).update(status="failed", attempts=6)
    world.nobody.is_staff = True
    world.nobody.save()
    world.nobody.user_permissions.add(Permission.objects.get(codename="view_outboundemail"))
    client.force_login(world.nobody)
    changelist = reverse("admin:outbox_outboundemail_changelist")
    assert b"retry_now" not in client.get(changelist).content
    client.post(changelist, {"action": "retry_now", "_selected_action": [email.pk]})
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
