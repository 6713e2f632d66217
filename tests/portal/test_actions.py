"""What the newcomer does on their own page, and how each action lands on the case timeline.
Every action is a CSRF-protected, rate-limited POST scoped to the link's newcomer."""

from datetime import date

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from cases.models import CaseEvent, NewcomerMessage
from cases.timeline import timeline_entries
from contacts.models import Consent, Newcomer
from contacts.services import newcomer_link_issue
from onboarding.models import OnboardingTemplate, PlanStep
from onboarding.services import plan_start, step_skip
from outbox.models import OutboundEmail
from tests import factories as f

from .conftest import TODAY


def _own_open_step(portal) -> PlanStep:
    return portal.plan.steps.filter(doer="newcomer", depends_on=None, status="open").first()


def _last_event(case) -> CaseEvent:
    return case.events.order_by("-created_at", "-pk").first()


def _text(event: CaseEvent) -> str:
    return timeline_entries([event])[0].text


@pytest.mark.django_db
def test_portal_action_mark_own_step_done(client, world, portal):
    step = _own_open_step(portal)
    response = client.post(f"/en/my/{portal.secret}/steps/{step.pk}/done/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/my/{portal.secret}/#next-steps"
    assert response["Cache-Control"] == "no-store"
    step.refresh_from_db()
    assert step.status == PlanStep.Status.DONE and step.done_by is None
    event = _last_event(world.case)
    assert (event.kind, event.actor, event.data) == (
        "onboarding.step.completed",
        None,
        {"step": step.pk, "by_newcomer": True},
    )
    with translation.override("en"):
        assert _text(event) == f"Step “{step.title_en}” done by the newcomer"
        assert timeline_entries([event])[0].actor_name == "The newcomer"
    page = client.get(f"/en/my/{portal.secret}/").content.decode()
    assert "Well done! The step is marked as done." in page


@pytest.mark.django_db
def test_portal_action_undo_mark_as_done(client, world, portal):
    step = _own_open_step(portal)
    client.post(f"/en/my/{portal.secret}/steps/{step.pk}/done/")
    page = client.get(f"/en/my/{portal.secret}/").content.decode()
    assert f'action="/en/my/{portal.secret}/steps/{step.pk}/undo/"' in page
    assert client.get(f"/en/my/{portal.secret}/steps/{step.pk}/undo/").status_code == 405
    response = client.post(f"/en/my/{portal.secret}/steps/{step.pk}/undo/")
    assert response["Location"] == f"/en/my/{portal.secret}/#next-steps"
    step.refresh_from_db()
    assert step.status == PlanStep.Status.OPEN and step.done_at is None
    event = _last_event(world.case)
    assert (event.kind, event.actor, event.data) == (
        "onboarding.step.reopened",
        None,
        {"step": step.pk, "by_newcomer": True},
    )
    with translation.override("en"):
        assert _text(event) == f"Step “{step.title_en}” reopened by the newcomer"
    assert (
        "The step is back on your list." in client.get(f"/en/my/{portal.secret}/").content.decode()
    )
    # Undoing again changes nothing and says so.
    client.post(f"/en/my/{portal.secret}/steps/{step.pk}/undo/")
    assert _last_event(world.case).pk == event.pk


@pytest.mark.django_db
def test_portal_action_undo_cannot_reopen_a_step_the_team_skipped(client, world, portal):
    step = _own_open_step(portal)
    step_skip(step=step, reason="Not needed", actor=world.owner)
    page = client.get(f"/en/my/{portal.secret}/").content.decode()
    assert f"/steps/{step.pk}/undo/" not in page
    client.post(f"/en/my/{portal.secret}/steps/{step.pk}/undo/")
    step.refresh_from_db()
    assert step.status == PlanStep.Status.SKIPPED
    other = f.make_newcomer(email="other@example.org")
    other_secret = newcomer_link_issue(newcomer=other, actor=None).rstrip("/").rsplit("/")[-1]
    assert client.post(f"/en/my/{other_secret}/steps/{step.pk}/undo/").status_code == 404


@pytest.mark.django_db
def test_portal_action_waiting_step_cannot_be_done_first(client, world, portal):
    waiting = portal.plan.steps.filter(doer="newcomer", depends_on__isnull=False).first()
    response = client.post(f"/my/{portal.secret}/steps/{waiting.pk}/done/", follow=True)
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == PlanStep.Status.OPEN


@pytest.mark.django_db
def test_portal_action_team_step_or_another_newcomers_step_is_404(client, world, portal):
    team_step = portal.plan.steps.filter(doer="team").first()
    other = f.make_newcomer(email="other@example.org")
    other_case = f.make_case(newcomer=other, organisation=world.kommune, owner=world.owner)
    with time_machine.travel(TODAY, tick=False):
        other_plan = plan_start(
            case=other_case,
            template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
            move_date=date(2027, 4, 1),
            from_abroad=True,
            eu_eea=True,
            long_stay=True,
            importing_car=False,
            actor=world.owner,
        )
    other_step = other_plan.steps.filter(doer="newcomer", depends_on=None).first()
    for step_pk in (team_step.pk, other_step.pk, 999999):
        response = client.post(f"/my/{portal.secret}/steps/{step_pk}/done/")
        assert response.status_code == 404
        assert response["Cache-Control"] == "no-store"
    assert not PlanStep.objects.filter(pk__in=[team_step.pk, other_step.pk], status="done")
    # And the other newcomer's own link cannot reach Anna's step either.
    other_secret = newcomer_link_issue(newcomer=other, actor=None).rstrip("/").rsplit("/")[-1]
    mine = _own_open_step(portal)
    assert client.post(f"/my/{other_secret}/steps/{mine.pk}/done/").status_code == 404
    mine.refresh_from_db()
    assert mine.status == "open"


@pytest.mark.django_db
def test_portal_action_send_a_message(client, world, portal):
    world.owner.email = "owner@narvik.kommune.no"
    world.owner.save()
    response = client.post(
        f"/en/my/{portal.secret}/message/", {"body": "  Can we visit the school in March?  "}
    )
    assert response.status_code == 302
    message = NewcomerMessage.objects.get()
    assert message.case == world.case
    assert message.body == "Can we visit the school in March?"
    event = _last_event(world.case)
    assert (event.kind, event.actor, event.data) == (
        "contacts.newcomer.message",
        None,
        {"message": message.pk},
    )
    with translation.override("en"):
        entry = timeline_entries([event])[0]
    assert entry.text == "Message from the newcomer"
    assert entry.body == message.body
    notice = OutboundEmail.objects.get(kind="contacts.newcomer_message")
    assert notice.to == "owner@narvik.kommune.no"
    assert world.case.reference in notice.subject and "Anna" not in notice.subject
    assert "school in March" not in notice.body_text  # the text stays in Tilflytt
    assert f"/cases/{world.case.pk}/" in notice.body_text
    # In staff's language, as the notice is, not the English the newcomer wrote in.
    assert f"/en/cases/{world.case.pk}/" not in notice.body_text
    # Staff read it on the case page's timeline.
    client.force_login(world.owner)
    case_page = client.get(f"/en/cases/{world.case.pk}/").content.decode()
    assert "Can we visit the school in March?" in case_page


@pytest.mark.django_db
def test_portal_action_message_without_owner_goes_to_the_organisation(client, world, portal):
    type(world.case).objects.filter(pk=world.case.pk).update(owner=None)
    world.kommune.email = "post@narvik.kommune.no"
    world.kommune.save()
    client.post(f"/my/{portal.secret}/message/", {"body": "Hello"})
    assert OutboundEmail.objects.get(kind="contacts.newcomer_message").to == (
        "post@narvik.kommune.no"
    )


@pytest.mark.django_db
def test_portal_action_empty_message_is_refused(client, world, portal):
    response = client.post(f"/en/my/{portal.secret}/message/", {"body": "   "})
    assert response.status_code == 400
    assert response["Cache-Control"] == "no-store"
    assert 'href="#id_body"' in response.content.decode()
    assert not NewcomerMessage.objects.exists()


@pytest.mark.django_db
def test_portal_action_move_date_moves_the_plan(client, world, portal):
    step = portal.plan.steps.filter(doer="newcomer", anchor="move_date").first()
    old_due = step.due_date
    with time_machine.travel(TODAY, tick=False):
        response = client.post(
            f"/en/my/{portal.secret}/details/",
            {
                "planned_move_date": "2027-05-01",
                "phone": "+48 600 100 200",
                "preferred_language": "en",
            },
        )
    assert response.status_code == 302
    newcomer = Newcomer.objects.get(pk=portal.newcomer.pk)
    assert newcomer.planned_move_date == date(2027, 5, 1)
    assert newcomer.phone == "+48 600 100 200"
    portal.plan.refresh_from_db()
    assert portal.plan.move_date == date(2027, 5, 1)
    step.refresh_from_db()
    assert (step.due_date - old_due).days == 30
    rescheduled = world.case.events.get(kind="onboarding.plan.rescheduled")
    assert rescheduled.actor is None
    assert rescheduled.data["to"] == "2027-05-01"
    updated = world.case.events.get(kind="contacts.newcomer.updated")
    assert updated.actor is None
    assert updated.data == {
        "fields": ["planned_move_date", "phone", "preferred_language"],
        "by_newcomer": True,
    }
    with translation.override("en"):
        assert _text(updated) == "The newcomer updated their details"


@pytest.mark.django_db
def test_portal_action_language_change_follows_to_the_new_language(client, world, portal):
    response = client.post(
        f"/en/my/{portal.secret}/details/",
        {"planned_move_date": "2027-04-01", "phone": "", "preferred_language": "uk"},
    )
    assert response["Location"] == f"/uk/my/{portal.secret}/#details"
    assert Newcomer.objects.get(pk=portal.newcomer.pk).preferred_language == "uk"


@pytest.mark.django_db
def test_portal_action_details_invalid_date(client, world, portal):
    response = client.post(
        f"/en/my/{portal.secret}/details/",
        {"planned_move_date": "soon", "preferred_language": "en"},
    )
    assert response.status_code == 400
    assert 'href="#id_planned_move_date"' in response.content.decode()


@pytest.mark.django_db
def test_portal_action_turn_reminders_off_and_on(client, world, portal):
    Newcomer.objects.filter(pk=portal.newcomer.pk).update(
        reminders_consent_at=world.case.created_at
    )
    page = client.get(f"/en/my/{portal.secret}/").content.decode()
    assert "Turn reminders off" in page
    client.post(f"/en/my/{portal.secret}/reminders/", {"reminders": "off"})
    assert Newcomer.objects.get(pk=portal.newcomer.pk).reminders_consent_at is None
    event = _last_event(world.case)
    assert event.data == {"fields": ["reminders_consent_at"], "by_newcomer": True}
    assert "Remind me by e-mail" in client.get(f"/en/my/{portal.secret}/").content.decode()
    client.post(f"/en/my/{portal.secret}/reminders/", {"reminders": "on"})
    assert Newcomer.objects.get(pk=portal.newcomer.pk).reminders_consent_at is not None


@pytest.mark.django_db
def test_portal_action_withdraw_consent_removes_sharing_at_once(client, world, portal):
    assert world.case.shared_with.filter(pk=world.skole.pk).exists()
    response = client.post(f"/en/my/{portal.secret}/consents/school/withdraw/")
    assert response.status_code == 302
    assert not Consent.objects.filter(newcomer=portal.newcomer, scope="school", withdrawn_at=None)
    assert not world.case.shared_with.filter(pk=world.skole.pk).exists()
    kinds = set(world.case.events.filter(actor=None).values_list("kind", flat=True))
    assert {"contacts.consent.withdrawn", "cases.case.unshared"} <= kinds
    assert client.post(f"/en/my/{portal.secret}/consents/everything/withdraw/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "suffix", ["steps/1/done/", "message/", "details/", "reminders/", "consents/school/withdraw/"]
)
def test_portal_action_wrong_link_and_wrong_method(client, portal, suffix):
    assert client.post(f"/my/{'x' * 43}/{suffix}", {"body": "hi"}).status_code == 404
    response = client.get(f"/my/{portal.secret}/{suffix}")
    assert response.status_code == 405
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_portal_action_needs_the_csrf_token(world, portal):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/my/{portal.secret}/message/", {"body": "Hello"})
    assert response.status_code == 403
    assert not NewcomerMessage.objects.exists()


@pytest.mark.django_db
def test_portal_action_is_rate_limited_per_ip(client, world, portal, settings):
    settings.NEWCOMER_PAGE_RATE_LIMIT = "3/h"
    for n in range(3):
        assert client.post(f"/my/{portal.secret}/message/", {"body": f"#{n}"}).status_code == 302
    refused = client.post(f"/my/{portal.secret}/message/", {"body": "#4"})
    assert refused.status_code == 429
    assert refused["Cache-Control"] == "no-store"
    assert NewcomerMessage.objects.count() == 3
