from datetime import time

import pytest
import time_machine
from django.urls import reverse

from cases.models import Case
from contacts.models import Newcomer
from reminders.models import Reminder, ReminderPreference
from reminders.services import reminders_sweep
from tests import factories as f
from tests.cases.test_intake import _valid
from tests.reminders.conftest import at

URL = "reminders:preferences"


def test_preference_edit_shows_defaults(world, login):
    response = login(world.owner).get(reverse(URL))
    assert response.status_code == 200
    assert b'value="07:30"' in response.content


def test_preference_edit_saves(world, login):
    response = login(world.owner).post(
        reverse(URL), {"digest": "on", "digest_time": "06:45", "skip_days_off": "on"}
    )
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(user=world.owner)
    assert preference.digest_time == time(6, 45)
    assert preference.immediate is False
    assert preference.skip_days_off is True


def test_preference_edit_invalid_time_is_400(world, login):
    response = login(world.owner).post(reverse(URL), {"digest_time": "25:99"})
    assert response.status_code == 400
    assert not ReminderPreference.objects.exists()


def test_preference_edit_wrong_method(world, login):
    assert login(world.owner).put(reverse(URL)).status_code == 405


def test_preference_edit_without_membership_is_403(world, login):
    # A user in no organisation (the "read-only"/no-access persona) has no reminders.
    assert login(world.nobody).get(reverse(URL)).status_code == 403


def test_preference_edit_needs_login(client, db):
    assert client.get(reverse(URL)).status_code == 302


def test_preference_edit_is_only_ever_ones_own(world, login):
    """There is no id in the URL: another organisation's (or person's) settings cannot be
    reached at all, so there is no 404 case; a POST changes only the poster's row."""
    ReminderPreference.objects.create(user=world.outsider, digest=False)
    login(world.owner).post(reverse(URL), {"immediate": "on", "digest_time": "08:00"})
    assert ReminderPreference.objects.get(user=world.outsider).digest is False


def test_base_links_to_reminders(world, login):
    response = login(world.owner).get(reverse("cases:mine"))
    assert reverse(URL).encode() in response.content


@pytest.mark.django_db
def test_case_detail_shows_last_reminded(world, login):
    world.owner.email = "owner@example.org"
    world.owner.save()
    Case.objects.update(first_response_due=None)
    day = world.case.created_at.date()
    f.make_followup(case=world.case, assignee=world.owner, due_date=day)
    with time_machine.travel(at(day, 9, 0), tick=False):
        reminders_sweep()
    assert Reminder.objects.filter(status="sent", followup__isnull=False).exists()
    response = login(world.owner).get(reverse("cases:detail", args=[world.case.pk]))
    assert "Sist påminnet".encode() in response.content or b"Last reminded" in response.content


def test_case_list_filters_response_overdue(world, login):
    overdue = at(world.case.created_at.date(), 0)
    Case.objects.filter(pk=world.case.pk).update(first_response_due=overdue)
    late = world.case
    on_time = f.make_case(organisation=world.kommune)
    response = login(world.coordinator).get(reverse("cases:list"), {"response_overdue": "true"})
    assert late.reference.encode() in response.content
    assert on_time.reference.encode() not in response.content


def test_case_list_sorts_by_response_due(world, login):
    response = login(world.coordinator).get(reverse("cases:list"), {"ordering": "response_due"})
    assert response.status_code == 200


def test_intake_records_reminders_consent(client, db):
    response = client.post(reverse("intake:form"), _valid(reminders_wanted="on"))
    assert response.status_code == 302
    assert Newcomer.objects.get(email="olena.k@example.org").reminders_consent_at is not None


def test_intake_without_reminders_consent(client, db):
    response = client.post(reverse("intake:form"), _valid())
    assert response.status_code == 302
    assert Newcomer.objects.get(email="olena.k@example.org").reminders_consent_at is None


def test_api_case_list_filters_response_overdue(world, client):
    overdue = at(world.case.created_at.date(), 0)
    Case.objects.filter(pk=world.case.pk).update(first_response_due=overdue)
    on_time = f.make_case(organisation=world.kommune)
    client.force_login(world.coordinator)
    response = client.get(reverse("api:cases-list"), {"response_overdue": "true"})
    assert response.status_code == 200
    references = [row["reference"] for row in response.json()["results"]]
    assert world.case.reference in references
    assert on_time.reference not in references
