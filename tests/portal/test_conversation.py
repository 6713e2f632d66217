"""The newcomer's page: the conversation with the team, the next three dates at the top,
contacts with phone and e-mail, and a pinned, flat number of queries."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.services import note_add
from contacts.models import Organisation
from conversations.models import CaseMessage
from conversations.services import message_send
from onboarding.models import LocalOffer, OfferDate
from portal.services import newcomer_message_send

from .conftest import TODAY


def _at(day: int, hour: int) -> datetime:
    return timezone.make_aware(datetime(2026, 11, day, hour, 0))


def _incoming(case, body: str, when: datetime, *, known: bool = True) -> CaseMessage:
    return CaseMessage.objects.create(
        case=case,
        direction=CaseMessage.Direction.INCOMING,
        message_id=f"<{body.replace(' ', '.')}@mail.example>",
        sender=case.newcomer.email if known else "someone@else.example",
        sender_known=known,
        body=body,
        created_at=when,
    )


def _page(client, path: str) -> str:
    with time_machine.travel(TODAY, tick=False):
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_portal_conversation_in_order_and_only_what_was_sent_to_them(
    client, world, portal, django_capture_on_commit_callbacks
):
    with time_machine.travel(_at(20, 9), tick=False):
        newcomer_message_send(newcomer=portal.newcomer, body="When can we see a flat?")
    with (
        time_machine.travel(_at(21, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message_send(case=world.case, body="Tuesday at noon suits us.", actor=world.owner)
    _incoming(world.case, "Tuesday is fine, thank you", _at(22, 8))
    _incoming(world.case, "A stranger writes", _at(22, 9), known=False)
    with time_machine.travel(_at(23, 11), tick=False):
        note_add(
            case=world.case,
            body="Internal: check the deposit",
            visibility="team",
            actor=world.owner,
        )
        # Queued, not yet sent (its task runs only after the commit that is not executed).
        message_send(case=world.case, body="Still in the outbox", actor=world.owner)

    html = _page(client, f"/en/my/{portal.secret}/")
    section = html.split('id="conversation"')[1].split("</section>")[0]
    order = ["When can we see a flat?", "Tuesday at noon suits us.", "Tuesday is fine, thank you"]
    positions = [section.index(body) for body in order]
    assert positions == sorted(positions)
    assert section.count("The team") == 1 and section.count("You</strong>") == 2
    for hidden in ("A stranger writes", "Internal: check the deposit", "Still in the outbox"):
        assert hidden not in html


@pytest.mark.django_db
def test_portal_page_next_three_dates_at_the_top_in_the_locale_format(client, world, portal):
    offer = LocalOffer.objects.create(name="Tilflytterkvelden", kind="event")
    OfferDate.objects.create(offer=offer, date=TODAY - timedelta(days=1))  # past: not shown
    OfferDate.objects.create(offer=offer, date=date(2026, 12, 3))
    html = _page(client, f"/pl/my/{portal.secret}/")
    top = html.split('id="coming-up"')[1].split("</section>")[0]
    assert html.index('id="coming-up"') < html.index('id="next-steps"')
    assert top.count("<li>") == 3
    # The offer first (3 December), then the two earliest open steps, in Polish dates.
    assert top.index("3 grudnia 2026") < top.index("Tilflytterkvelden")
    assert "26 listopada" not in top
    steps = sorted(
        (s for s in portal.plan.steps.all() if s.status == "open" and s.due_date >= TODAY),
        key=lambda s: (s.due_date, s.position, s.pk),
    )
    assert 'datetime="2026-12-03"' in top
    for step in steps[:2]:
        assert f'datetime="{step.due_date:%Y-%m-%d}"' in top
    for step in steps[3:]:
        if step.due_date > steps[1].due_date:
            assert f'datetime="{step.due_date:%Y-%m-%d}"' not in top


@pytest.mark.django_db
def test_portal_contacts_with_phone_email_address_and_opening_hours(client, world, portal):
    Organisation.objects.filter(pk=world.kommune.pk).update(
        email="tilflytt@narvik.example",
        phone="+47 76 00 10 00",
        address="Kongens gate 51\n8514 Narvik",
        opening_hours_texts={"en": "Monday to Friday, 08:00-15:30", "pl": "pon.-pt. 8:00-15:30"},
        descriptions={"en": "The newcomer team.", "nb": "Tilflytterteamet."},
    )
    html = _page(client, f"/en/my/{portal.secret}/")
    contacts = html.split('id="contacts"')[1].split("</section>")[0]
    assert 'href="tel:+4776001000"' in contacts
    assert 'href="mailto:tilflytt@narvik.example"' in contacts
    assert "Kongens gate 51<br>8514 Narvik" in contacts
    assert "Monday to Friday, 08:00-15:30" in contacts
    assert "The newcomer team." in contacts
    # In the reader's language, else by the fallback rule (English, then bokmål).
    polish = _page(client, f"/pl/my/{portal.secret}/").split('id="contacts"')[1]
    assert "pon.-pt. 8:00-15:30" in polish and "Monday" not in polish
    assert "The newcomer team." in polish


# The page's queries: the link, the case, the household, the steps, the consents, the plan,
# the household again (offers_for_newcomer), the offers and their dates, the messages from
# the page and the e-mails.
PAGE_QUERIES = 12  # with the open check-ins (outcomes)


@pytest.mark.django_db
def test_portal_page_queries_pinned_and_flat_in_messages_offers_and_dates(
    client, world, portal, django_assert_num_queries, django_capture_on_commit_callbacks
):
    path = f"/en/my/{portal.secret}/"
    offer = LocalOffer.objects.create(name="Club", kind="leisure")
    OfferDate.objects.create(offer=offer, date=date(2026, 12, 1))
    _page(client, path)  # the link's first use records when it was used
    with django_assert_num_queries(PAGE_QUERIES):
        _page(client, path)
    for n in range(6):
        with time_machine.travel(_at(20, 9 + n), tick=False):
            newcomer_message_send(newcomer=portal.newcomer, body=f"Question {n}")
            with django_capture_on_commit_callbacks(execute=True):
                message_send(case=world.case, body=f"Answer {n}", actor=world.owner)
        _incoming(world.case, f"Thanks {n}", _at(21, 9 + n))
        offer = LocalOffer.objects.create(name=f"Club {n}", kind="leisure")
        OfferDate.objects.create(offer=offer, date=date(2026, 12, 1 + n))
    with django_assert_num_queries(PAGE_QUERIES):
        html = _page(client, path)
    assert "Answer 5" in html and "Thanks 5" in html and "Question 5" in html
