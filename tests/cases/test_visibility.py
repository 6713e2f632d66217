"""Who sees what: every staff URL against every persona (see tests/conftest.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Note
from cases.selectors import case_list_visible
from cases.services import note_add
from tests import factories as f

MANAGE = "manage"  # may change the case
READ = "read"  # may see it, add notes, complete own follow-ups
NONE = "none"  # must get 404

ACCESS = {
    "coordinator": MANAGE,
    "owner": MANAGE,
    "reader": READ,
    "outsider": NONE,
    "nobody": NONE,
}


def _posts(world):
    """Each case action with a valid body."""
    case = world.case
    followup = f.make_followup(
        case=case, assignee=world.owner, due_date=timezone.localdate() + timedelta(days=1)
    )
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    return [
        ("cases:assign", {"owner": world.coordinator.pk}, True),
        ("cases:set-organisation", {"organisation": world.kommune.pk}, True),
        ("cases:share", {"organisation": world.skole.pk}, True),
        ("cases:unshare", {"organisation": world.nav.pk}, True),
        ("cases:status", {"status": "waiting"}, True),
        ("cases:priority", {"priority": "high"}, True),
        (
            "cases:followup-add",
            {"title": "Ring", "assignee": world.owner.pk, "due_date": tomorrow},
            True,
        ),
        ("cases:note-add", {"body": "Hello", "visibility": "team"}, False),
        (
            "cases:newcomer-edit",
            {
                "name": "Anna K.",
                "email": "anna@example.org",
                "preferred_language": "en",
                "lifecycle": "planning",
                "target_group": "family",
            },
            True,
        ),
        ("cases:followup-complete", {"_followup": followup.pk}, True),
        ("cases:consent-withdraw", {"_scope": "school"}, True),
    ]


def _url(name, case, body):
    if name == "cases:followup-complete":
        return reverse(name, args=[case.pk, body.pop("_followup")])
    if name == "cases:consent-withdraw":
        return reverse(name, args=[case.pk, body.pop("_scope")])
    return reverse(name, args=[case.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
def test_visibility_case_detail(world, login, persona):
    client = login(getattr(world, persona))
    response = client.get(reverse("cases:detail", args=[world.case.pk]))
    expected = 404 if ACCESS[persona] == NONE else 200
    assert response.status_code == expected
    if expected == 404:
        assert world.newcomer.name.encode() not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
def test_visibility_case_list_and_my_work(world, login, persona):
    client = login(getattr(world, persona))
    listing = client.get(reverse("cases:list"))
    assert listing.status_code == 200
    shown = world.case.reference.encode() in listing.content
    assert shown is (ACCESS[persona] != NONE)
    assert client.get(reverse("cases:list") + f"?q={world.case.reference}").status_code == 200
    assert client.get(reverse("cases:mine")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
def test_visibility_every_case_action(world, login, persona):
    client = login(getattr(world, persona))
    for name, body, needs_manage in _posts(world):
        url = _url(name, world.case, body)
        response = client.post(url, body)
        if ACCESS[persona] == NONE:
            expected = {404}
        elif needs_manage and ACCESS[persona] == READ:
            expected = {403}
        else:
            expected = {302}
        assert response.status_code in expected, (name, persona, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "cases:assign",
        "cases:set-organisation",
        "cases:share",
        "cases:status",
        "cases:note-add",
        "cases:followup-add",
    ],
)
def test_visibility_actions_refuse_get(world, login, name):
    client = login(world.coordinator)
    assert client.get(reverse(name, args=[world.case.pk])).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/cases/", "/cases/mine/", "/cases/new/", "/cases/1/"],
)
def test_visibility_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_visibility_record_enquiry_needs_a_membership(world, login):
    assert login(world.nobody).get(reverse("cases:create")).status_code == 403
    assert login(world.reader).get(reverse("cases:create")).status_code == 200


@pytest.mark.django_db
def test_visibility_member_sees_case_through_owner_followup_share_or_organisation(world):
    other = f.make_case(newcomer=world.newcomer)
    assert other not in case_list_visible(user=world.outsider)
    assert other not in case_list_visible(user=world.reader)
    assert other in case_list_visible(user=world.coordinator)

    other.shared_with.add(world.skole)
    assert other in case_list_visible(user=world.reader)
    other.shared_with.clear()

    f.make_followup(case=other, assignee=world.reader, due_date=timezone.localdate())
    assert other in case_list_visible(user=world.reader)

    Case.objects.filter(pk=other.pk).update(owner=world.outsider)
    assert other in case_list_visible(user=world.outsider)

    Case.objects.filter(pk=other.pk).update(responsible_organisation=world.kommune)
    assert other in case_list_visible(user=world.owner)
    # No duplicates when several rules match at once.
    assert list(case_list_visible(user=world.reader)).count(world.case) == 1


@pytest.mark.django_db
def test_visibility_confidential_note_only_for_the_authors_organisation(world, login):
    secret = note_add(
        case=world.case,
        body="Family situation: private details",
        visibility=Note.Visibility.CONFIDENTIAL,
        actor=world.owner,
    )
    team = note_add(
        case=world.case, body="Called, will send info", visibility="team", actor=world.owner
    )
    url = reverse("cases:detail", args=[world.case.pk])

    for persona in ("owner", "coordinator"):  # same organisation as the author
        content = login(getattr(world, persona)).get(url).content.decode()
        assert secret.body in content
        assert team.body in content

    # A member of a school the case is shared with sees team notes only.
    content = login(world.reader).get(url).content.decode()
    assert team.body in content
    assert secret.body not in content
    assert "Confidential note" not in content


@pytest.mark.django_db
def test_visibility_coordinator_of_another_organisation_does_not_see_confidential_notes(
    world, login
):
    from contacts.models import Membership

    nav_coordinator = f.make_user(organisation=world.nav, role=Membership.Role.COORDINATOR)
    note_add(
        case=world.case, body="Only kommune may read", visibility="confidential", actor=world.owner
    )
    response = login(nav_coordinator).get(reverse("cases:detail", args=[world.case.pk]))
    assert response.status_code == 200
    assert b"Only kommune may read" not in response.content


@pytest.mark.django_db
def test_visibility_reader_may_complete_own_followup_but_not_others(world, login):
    mine = f.make_followup(case=world.case, assignee=world.reader, due_date=timezone.localdate())
    theirs = f.make_followup(case=world.case, assignee=world.owner, due_date=timezone.localdate())
    client = login(world.reader)
    url = "cases:followup-complete"
    assert client.post(reverse(url, args=[world.case.pk, mine.pk])).status_code == 302
    assert client.post(reverse(url, args=[world.case.pk, theirs.pk])).status_code == 403
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.done_at is not None
    assert theirs.done_at is None


@pytest.mark.django_db
def test_visibility_followup_of_another_case_is_404(world, login):
    other_case = f.make_case()
    followup = f.make_followup(case=other_case, assignee=world.owner, due_date=timezone.localdate())
    client = login(world.owner)
    response = client.post(reverse("cases:followup-complete", args=[world.case.pk, followup.pk]))
    assert response.status_code == 404
