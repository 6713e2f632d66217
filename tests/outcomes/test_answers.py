"""Answers: on the newcomer's page in their language, by phone (marked as such), once; on
the timeline; "what was missing" on the unmet-needs list; "no more contact" stops mail."""

from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.models import CaseEvent
from contacts.models import HouseholdMember, Newcomer
from contacts.services import newcomer_link_issue
from outcomes.models import Answer, CheckIn, CheckInOptOut, UnmetNeed
from outcomes.selectors import checkin_invite_refusal
from outcomes.services import checkin_answer_record, checkins_sweep
from tests.outcomes.conftest import answers
from tests.reminders.conftest import at

APRIL_15 = date(2026, 4, 15)
POST = {
    "living": "yes",
    "settled": "4",
    "recommend": "9",
    "work_self": "in_field",
    "work_partner": "seeking",
    "kindergarten": "waiting",
    "school": "yes",
    "missing": ["kindergarten", "partner_work"],
    "missing_text": "Вечірні курси",
    "contact_again": "no",
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def invited(moved):
    """Anna (with a partner and a child) was invited to her 3-month check-in."""
    HouseholdMember.objects.create(newcomer=moved.newcomer, relation="partner")
    HouseholdMember.objects.create(newcomer=moved.newcomer, relation="child", birth_year=2022)
    with time_machine.travel(at(APRIL_15, 10, 0), tick=False):
        checkins_sweep()
    moved.checkin = CheckIn.objects.get(months=3)
    Newcomer.objects.filter(pk=moved.newcomer.pk).update(preferred_language="uk")
    path = newcomer_link_issue(newcomer=moved.newcomer, actor=None)
    moved.secret = path.rstrip("/").rsplit("/", 1)[1]
    return moved


def _url(w, name="portal:checkin", language="uk"):
    from django.utils import translation

    with translation.override(language):
        kwargs = {"secret": w.secret}
        if name == "portal:checkin":
            kwargs["checkin_pk"] = w.checkin.pk
        return reverse(name, kwargs=kwargs)


def test_portal_page_offers_the_questionnaire(invited, client):
    with time_machine.travel(at(APRIL_15, 12, 0), tick=False):
        page = client.get(_url(invited, "portal:page")).content.decode()
    assert 'id="checkin"' in page
    assert _url(invited) in page


def test_portal_questionnaire_in_ukrainian_with_fieldsets(invited, client):
    with time_machine.travel(at(APRIL_15, 12, 0), tick=False):
        response = client.get(_url(invited))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="uk"' in page
    assert page.count("<fieldset") >= 10  # groups, and each radio or checkbox group
    assert 'name="work_partner"' in page and 'name="kindergarten"' in page


def test_portal_answer_recorded_once_on_timeline_and_needs(invited, client):
    with time_machine.travel(at(APRIL_15, 12, 0), tick=False):
        response = client.post(_url(invited), POST)
        assert response.status_code == 302
        again = client.post(_url(invited), POST)
    assert again.status_code == 404  # answered: no longer open
    answer = Answer.objects.get()
    assert (answer.via, answer.recorded_by, answer.settled, answer.recommend) == (
        "portal",
        None,
        4,
        9,
    )
    assert answer.missing_text == "Вечірні курси"
    assert sorted(UnmetNeed.objects.values_list("theme", flat=True)) == [
        "",
        "kindergarten",
        "partner_work",
    ]
    event = CaseEvent.objects.get(kind="outcomes.checkin.answered")
    assert event.data == {"checkin": invited.checkin.pk, "months": 3, "via": "portal"}
    # "May we contact you again?" no: no more invitations.
    assert CheckInOptOut.objects.filter(newcomer=invited.newcomer).exists()
    assert checkin_invite_refusal(newcomer=invited.newcomer) == "opted_out"


def test_portal_answer_errors_are_translated(invited, client):
    with time_machine.travel(at(APRIL_15, 12, 0), tick=False):
        response = client.post(_url(invited), {**POST, "living": "away", "settled": ""})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"moved_to", "settled"}


def test_portal_wrong_newcomer_checkin_is_404(invited, client):
    other = Newcomer.objects.create(name="B", email="b@example.org")
    path = newcomer_link_issue(newcomer=other, actor=None)
    with time_machine.travel(at(APRIL_15, 12, 0), tick=False):
        response = client.get(path + f"checkin/{invited.checkin.pk}/")
    assert response.status_code == 404


def test_portal_stop_questionnaires(invited, client):
    with time_machine.travel(at(APRIL_15, 12, 0), tick=False):
        response = client.post(_url(invited, "portal:checkin-stop"))
    assert response.status_code == 302
    assert checkin_invite_refusal(newcomer=invited.newcomer) == "opted_out"


def test_phone_answer_by_staff_marked_as_such(invited, login):
    url = reverse("outcomes:phone-answer", args=[invited.case.pk, invited.checkin.pk])
    client = login(invited.owner)
    with time_machine.travel(at(APRIL_15, 12, 0), tick=False):
        assert client.get(url).status_code == 200
        response = client.post(url, {**POST, "contact_again": "yes"})
    assert response.status_code == 302
    answer = Answer.objects.get()
    assert (answer.via, answer.recorded_by) == ("phone", invited.owner)
    with time_machine.travel(at(APRIL_15, 12, 0), tick=False):
        page = client.get(reverse("cases:detail", args=[invited.case.pk])).content.decode()
    assert "answered by phone" in page or "besvart på telefon" in page


@pytest.mark.parametrize(
    ("persona", "status"), [("reader", 403), ("outsider", 404), ("nobody", 404)]
)
def test_phone_answer_access(invited, login, persona, status):
    url = reverse("outcomes:phone-answer", args=[invited.case.pk, invited.checkin.pk])
    with time_machine.travel(at(APRIL_15, 12, 0), tick=False):
        response = login(getattr(invited, persona)).post(url, POST)
    assert response.status_code == status
    assert not Answer.objects.exists()


def test_answer_twice_refused(invited):
    checkin_answer_record(checkin=invited.checkin, answers=answers())
    with pytest.raises(ValidationError):
        checkin_answer_record(checkin=invited.checkin, answers=answers())


def test_needs_list_for_coordinators_only_and_tagging(invited, login):
    checkin_answer_record(checkin=invited.checkin, answers=answers())
    need = UnmetNeed.objects.filter(theme="transport").get()
    assert login(invited.owner).get(reverse("outcomes:needs")).status_code == 403
    client = login(invited.coordinator)
    page = client.get(reverse("outcomes:needs")).content.decode()
    assert "A bus on Sundays" in page
    response = client.post(reverse("outcomes:need-tag", args=[need.pk]), {"tag": "known"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.tag, need.reviewed_by) == ("known", invited.coordinator)
    assert client.get(reverse("outcomes:need-tag", args=[need.pk])).status_code == 405


def test_answer_moved_away_marks_the_later_checkins(invited):
    later = CheckIn.objects.create(
        newcomer=invited.newcomer,
        case=invited.case,
        months=6,
        move_date=invited.checkin.move_date,
        due_date=date(2026, 7, 15),
        due_at=at(date(2026, 7, 15), 10, 0),
    )
    checkin_answer_record(
        checkin=invited.checkin, answers=answers(living="away", moved_to="abroad")
    )
    later.refresh_from_db()
    assert later.left_before
    # And a check-in planned later for the same newcomer starts marked.
    with time_machine.travel(at(date(2027, 1, 15), 10, 0), tick=False):
        checkins_sweep()
    assert CheckIn.objects.get(months=12).left_before
