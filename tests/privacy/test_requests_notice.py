"""Data requests against the one-month deadline, the privacy notice and consent versions."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases.models import Topic
from contacts.models import Consent, Newcomer
from contacts.services import CONSENT_TEXT_VERSION
from privacy.models import DataRequest
from privacy.services import add_months, data_request_create

OSLO = ZoneInfo("Europe/Oslo")


def test_add_months_clamps_to_the_month_end():
    assert add_months(datetime(2026, 1, 31, 9, tzinfo=OSLO), 1) == datetime(
        2026, 2, 28, 9, tzinfo=OSLO
    )
    assert add_months(datetime(2026, 3, 15, tzinfo=OSLO), -24) == datetime(2024, 3, 15, tzinfo=OSLO)


@pytest.mark.django_db
def test_data_request_due_one_month_after_receipt_and_overdue_listed(world, login, time_machine):
    time_machine.move_to(datetime(2026, 5, 10, 12, tzinfo=OSLO), tick=False)
    client = login(world.coordinator)
    response = client.post(
        reverse("privacy:request-create", args=[world.newcomer.pk]),
        {"kind": "access", "received_at": "2026-04-01T09:00", "reason": ""},
    )
    assert response.status_code == 302
    late = DataRequest.objects.get()
    assert late.due_at == datetime(2026, 5, 1, 9, tzinfo=OSLO)
    data_request_create(newcomer=world.newcomer, kind="erasure", actor=world.coordinator)
    listing = client.get(reverse("privacy:requests"))
    assert listing.status_code == 200
    assert listing.context["overdue_count"] == 1
    assert next(iter(listing.context["page"])).pk == late.pk
    client.post(reverse("privacy:request-complete", args=[late.pk]))
    late.refresh_from_db()
    assert late.done_at is not None and late.handled_by == world.coordinator
    assert client.get(reverse("privacy:requests")).context["overdue_count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["owner", "reader", "nobody"])
def test_data_requests_only_for_coordinators(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("privacy:requests")).status_code == 403
    url = reverse("privacy:request-create", args=[world.newcomer.pk])
    assert (
        client.post(url, {"kind": "access", "received_at": "2026-04-01T09:00"}).status_code == 403
    )
    assert client.get(url).status_code == 405


@pytest.mark.django_db
def test_privacy_notice_names_the_controller_and_version(client, settings):
    settings.PRIVACY_CONTROLLER_NAME = "Evenes kommune"
    settings.PRIVACY_CONTACT_EMAIL = "personvern@example.no"
    settings.RETENTION_MONTHS = 18
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "Evenes kommune" in page
    assert "personvern@example.no" in page
    assert CONSENT_TEXT_VERSION in page
    assert "18 months" in page or "18 måneder" in page
    assert client.post(reverse("privacy:notice")).status_code == 405


@pytest.mark.django_db
def test_privacy_notice_linked_from_the_intake_fieldset_and_footer(client):
    page = client.get(reverse("intake:form")).content.decode()
    assert page.count(f'href="{reverse("privacy:notice")}"') == 2


@pytest.mark.django_db
def test_consent_to_processing_and_to_each_share_stored_separately_with_versions(client):
    Topic.objects.get_or_create(slug="jobs", defaults={"name_nb": "Jobb", "name_en": "Jobs"})
    response = client.post(
        reverse("intake:form"),
        {
            "name": "Ola Nordmann",
            "email": "ola@example.org",
            "preferred_language": "nb",
            "target_group": "returning",
            "message": "Hei",
            "consent": "on",
            "share_scopes": ["nav"],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    newcomer = Newcomer.objects.get(email="ola@example.org")
    assert newcomer.consent_given_at is not None
    assert newcomer.consent_text_version == CONSENT_TEXT_VERSION
    rows = list(Consent.objects.filter(newcomer=newcomer).values_list("scope", "text_version"))
    assert rows == [("nav", CONSENT_TEXT_VERSION)]
