"""The cases API against every persona (see tests/conftest.py): allowed, 404, 403."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, FollowUp, Note
from cases.services import note_add
from tests import factories as f

MANAGE, READ, NONE = "manage", "read", "none"
ACCESS = {"coordinator": MANAGE, "owner": MANAGE, "reader": READ, "outsider": NONE, "nobody": NONE}


def _expected(persona, ok, needs_manage):
    if ACCESS[persona] == NONE:
        return 404
    if needs_manage and ACCESS[persona] == READ:
        return 403
    return ok


def _actions(world):
    """Each write with a valid body: (method, url name, url args, body, success, manage)."""
    case = world.case
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    followup = f.make_followup(case=case, assignee=world.owner, due_date=timezone.localdate())
    pk = [case.pk]
    return [
        ("post", "api:cases-assign", pk, {"owner": world.coordinator.pk}, 200, True),
        ("post", "api:cases-status", pk, {"status": "waiting"}, 200, True),
        ("post", "api:cases-share", pk, {"organisation": world.skole.pk}, 200, True),
        ("post", "api:cases-unshare", pk, {"organisation": world.skole.pk}, 200, True),
        ("patch", "api:cases-update", pk, {"priority": "high"}, 200, True),
        (
            "post",
            "api:followups-add",
            pk,
            {"title": "Ring", "assignee": world.owner.pk, "due_date": tomorrow},
            201,
            True,
        ),
        ("post", "api:notes-add", pk, {"body": "Hello", "visibility": "team"}, 201, False),
        ("post", "api:followups-complete", [case.pk, followup.pk], None, 200, True),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
@pytest.mark.parametrize(
    "name", ["api:cases-detail", "api:cases-timeline", "api:notes-list", "api:followups-list"]
)
def test_cases_api_reads_follow_visibility(world, api, persona, name):
    response = api.as_(getattr(world, persona)).get(reverse(name, args=[world.case.pk]))
    assert response.status_code == _expected(persona, 200, needs_manage=False)
    if response.status_code == 404:
        assert world.newcomer.name.encode() not in response.content
        assert set(response.json()) == {"message", "code", "errors"}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
def test_cases_api_newcomer_only_through_a_visible_case(world, api, persona):
    response = api.as_(getattr(world, persona)).get(
        reverse("api:newcomers-detail", args=[world.newcomer.pk])
    )
    assert response.status_code == _expected(persona, 200, needs_manage=False)
    if response.status_code == 200:
        body = response.json()
        assert body["name"] == world.newcomer.name
        assert [c["reference"] for c in body["cases"]] == [world.case.reference]
        assert {c["scope"] for c in body["consents"]} == {"municipality", "school"}


@pytest.mark.django_db
def test_cases_api_newcomer_lists_household_and_only_visible_cases(world, api):
    from contacts.services import household_add_members

    household_add_members(
        newcomer=world.newcomer, partner_occupation="Elektriker", children_birth_years=[2018]
    )
    world.newcomer.household.filter(relation="partner").update(occupation_code_id="7411")
    type(world.newcomer).objects.filter(pk=world.newcomer.pk).update(occupation_code_id="2223")
    hidden = f.make_case(newcomer=world.newcomer)  # nobody's: the reader cannot see it
    body = api.as_(world.reader).get(reverse("api:newcomers-detail", args=[world.newcomer.pk]))
    body = body.json()
    assert sorted((m["relation"], m["birth_year"]) for m in body["household"]) == [
        ("child", 2018),
        ("partner", None),
    ]
    assert body["occupation_code"] == "2223"
    partner = next(m for m in body["household"] if m["relation"] == "partner")
    assert (partner["occupation"], partner["occupation_code"]) == ("Elektriker", "7411")
    assert hidden.reference not in [c["reference"] for c in body["cases"]]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
def test_cases_api_list_shows_only_visible_cases(world, api, persona):
    response = api.as_(getattr(world, persona)).get(reverse("api:cases-list"))
    assert response.status_code == 200
    references = [row["reference"] for row in response.json()["results"]]
    assert (world.case.reference in references) is (ACCESS[persona] != NONE)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", list(ACCESS))
def test_cases_api_every_action(world, api, persona):
    client = api.as_(getattr(world, persona))
    for method, name, args, body, success, needs_manage in _actions(world):
        response = getattr(client, method)(reverse(name, args=args), body)
        expected = _expected(persona, success, needs_manage)
        assert response.status_code == expected, (name, persona, response.content)


@pytest.mark.django_db
def test_cases_api_reader_completes_own_followup_but_not_others(world, api):
    mine = f.make_followup(case=world.case, assignee=world.reader, due_date=timezone.localdate())
    theirs = f.make_followup(case=world.case, assignee=world.owner, due_date=timezone.localdate())
    client = api.as_(world.reader)
    url = "api:followups-complete"
    response = client.post(reverse(url, args=[world.case.pk, mine.pk]))
    assert response.status_code == 200
    assert response.json()["done_by"]["id"] == world.reader.pk
    assert client.post(reverse(url, args=[world.case.pk, theirs.pk])).status_code == 403
    theirs.refresh_from_db()
    assert theirs.done_at is None


@pytest.mark.django_db
def test_cases_api_followup_of_another_case_is_404(world, api):
    other = f.make_followup(case=f.make_case(), assignee=world.owner, due_date=timezone.localdate())
    url = reverse("api:followups-complete", args=[world.case.pk, other.pk])
    assert api.as_(world.coordinator).post(url).status_code == 404


@pytest.mark.django_db
def test_cases_api_actions_refuse_get(world, api):
    client = api.as_(world.coordinator)
    for name in ("api:cases-assign", "api:cases-status", "api:notes-add", "api:cases-update"):
        response = client.get(reverse(name, args=[world.case.pk]))
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"


@pytest.mark.django_db
def test_cases_api_anonymous_gets_401_with_challenge(client, world):
    response = client.get(reverse("api:cases-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_cases_api_session_writes_need_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    response = client.post(
        reverse("api:cases-status", args=[world.case.pk]),
        json.dumps({"status": "waiting"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.NEW


@pytest.mark.django_db
def test_cases_api_confidential_notes_only_for_authors_organisation(world, api):
    secret = note_add(case=world.case, body="Private", visibility="confidential", actor=world.owner)
    team = note_add(case=world.case, body="Called", visibility="team", actor=world.owner)
    for persona, expected in (("coordinator", {secret.pk, team.pk}), ("reader", {team.pk})):
        client = api.as_(getattr(world, persona))
        notes = client.get(reverse("api:notes-list", args=[world.case.pk])).json()["results"]
        assert {n["id"] for n in notes} == expected
        timeline = client.get(reverse("api:cases-timeline", args=[world.case.pk])).json()
        shown = {e["note"]["id"] for e in timeline["results"] if e["note"]}
        assert shown == expected
        assert (b"Private" in json.dumps(timeline).encode()) is (secret.pk in expected)


@pytest.mark.django_db
def test_cases_api_note_add_confidential_and_blank(world, api):
    client = api.as_(world.reader)
    url = reverse("api:notes-add", args=[world.case.pk])
    response = client.post(url, {"body": "  Met them ", "visibility": "confidential"})
    assert response.status_code == 201
    assert response.json()["body"] == "Met them"
    assert response.json()["organisation"]["id"] == world.skole.pk
    response = client.post(url, {"body": "   ", "visibility": "team"})
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    assert Note.objects.count() == 1


@pytest.mark.django_db
def test_cases_api_status_close_needs_reason(world, api):
    client = api.as_(world.owner)
    url = reverse("api:cases-status", args=[world.case.pk])
    response = client.post(url, {"status": "closed"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["closing_reason"]
    response = client.post(url, {"status": "closed", "closing_reason": "answered"})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert response.json()["closing_reason"] == "answered"


@pytest.mark.django_db
def test_cases_api_share_outside_consent_is_a_field_error(world, api):
    response = api.as_(world.owner).post(
        reverse("api:cases-share", args=[world.case.pk]), {"organisation": world.nav.pk}
    )
    assert response.status_code == 400
    assert "organisation" in response.json()["errors"]
    assert not world.case.shared_with.filter(pk=world.nav.pk).exists()


@pytest.mark.django_db
def test_cases_api_assign_and_unassign(world, api):
    client = api.as_(world.coordinator)
    url = reverse("api:cases-assign", args=[world.case.pk])
    assert client.post(url, {}).status_code == 400  # owner must be given, null for nobody
    response = client.post(url, {"owner": None})
    assert response.status_code == 200
    assert response.json()["owner"] is None
    response = client.post(url, {"owner": world.outsider.pk})  # NAV: no consent
    assert response.status_code == 400
    assert "owner" in response.json()["errors"]


@pytest.mark.django_db
def test_cases_api_update_is_all_or_nothing(world, api):
    client = api.as_(world.owner)
    url = reverse("api:cases-update", args=[world.case.pk])
    response = client.patch(url, {"priority": "urgent", "responsible_organisation": world.nav.pk})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["responsible_organisation"]
    world.case.refresh_from_db()
    assert world.case.priority == "normal"
    response = client.patch(url, {"priority": "urgent", "responsible_organisation": None})
    assert response.status_code == 200
    assert response.json()["priority"] == "urgent"
    assert response.json()["responsible_organisation"] is None
    assert client.patch(url, {}).status_code == 200
    assert client.patch(url, {"priority": "whenever"}).status_code == 400


@pytest.mark.django_db
def test_cases_api_followup_add_records_it(world, api):
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = api.as_(world.owner).post(
        reverse("api:followups-add", args=[world.case.pk]),
        {"title": "Send school info", "assignee": world.reader.pk, "due_date": due},
    )
    assert response.status_code == 201
    assert response.json()["assignee"]["id"] == world.reader.pk
    assert FollowUp.objects.get().title == "Send school info"
    assert CaseEvent.objects.filter(kind="cases.followup.added").count() == 1
    mine = api.as_(world.reader).get(reverse("api:followups-mine")).json()["results"]
    assert [row["title"] for row in mine] == ["Send school info"]


@pytest.mark.django_db
def test_cases_api_create_records_enquiry_for_staff_only(world, api):
    body = {
        "channel": "phone",
        "name": "Per Hansen",
        "preferred_language": "nb",
        "target_group": "returning",
        "consent": True,
        "share_scopes": ["municipality"],
        "children_birth_years": [2019],
    }
    url = reverse("api:cases-create")
    assert api.as_(world.nobody).post(url, body).status_code == 403
    response = api.as_(world.reader).post(url, body)
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.channel == "phone"
    assert case.newcomer.household.get().birth_year == 2019
    assert api.as_(world.reader).post(url, {**body, "channel": "form"}).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[1, 2]",
        '"text"',
        "null",
        json.dumps({"status": ["waiting"]}),
        json.dumps({"status": {"a": 1}}),
        json.dumps({"status": 12}),
        json.dumps({"status": "closed", "closing_reason": True}),
    ],
)
def test_cases_api_bad_bodies_are_400_with_the_error_shape(world, api, body):
    response = api.as_(world.owner).post(reverse("api:cases-status", args=[world.case.pk]), body)
    assert response.status_code == 400
    assert set(response.json()) == {"message", "code", "errors"}
    world.case.refresh_from_db()
    assert world.case.status == Case.Status.NEW


@pytest.mark.django_db
@pytest.mark.parametrize("value", [10**30, -1, 0, "abc", 1.5, None, [1]])
def test_cases_api_bad_ids_never_crash(world, api, value):
    client = api.as_(world.coordinator)
    response = client.post(
        reverse("api:cases-share", args=[world.case.pk]), {"organisation": value}
    )
    assert response.status_code == 400
    response = client.post(
        reverse("api:followups-add", args=[world.case.pk]),
        {"title": "x", "assignee": value, "due_date": "2030-01-01"},
    )
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["cases/99999999999999999999999/", "newcomers/9223372036854775807/"]
)
def test_cases_api_huge_ids_in_urls_are_404(world, api, path):
    assert api.as_(world.coordinator).get("/api/v1/" + path).status_code == 404


@pytest.mark.django_db
def test_cases_api_form_encoded_body_is_415(world, api):
    response = api.as_(world.owner).raw.post(
        reverse("api:cases-status", args=[world.case.pk]), {"status": "waiting"}
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.django_db
def test_cases_api_list_uses_the_screens_filters_and_pages_stably(world, api):
    cases = [f.make_case(organisation=world.kommune) for _ in range(5)]
    client = api.as_(world.coordinator)
    url = reverse("api:cases-list")
    assert client.get(url, q=world.case.reference).json()["count"] == 1
    assert client.get(url, status="bogus").status_code == 400
    assert client.get(url, page=99).status_code == 404
    assert client.get(url, page="x").status_code == 404
    seen = []
    for page in (1, 2, 3):
        seen += [r["id"] for r in client.get(url, page_size=2, page=page).json()["results"]]
    assert sorted(seen) == sorted([world.case.pk, *(c.pk for c in cases)])
    by_reference = client.get(url, ordering="reference").json()["results"]
    assert [r["reference"] for r in by_reference] == sorted(r["reference"] for r in by_reference)


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["", "created", "reference", "name", "response_due"])
def test_cases_api_list_rows_keep_the_order_of_the_pages_keys(world, api, ordering):
    # The rows are read by the page's keys (cases.selectors.case_rows_for_api), which
    # the database returns in no particular order: they are put back in the list's.
    for _ in range(6):
        f.make_case(organisation=world.kommune)
    client = api.as_(world.coordinator)
    url = reverse("api:cases-list")
    seen = []
    for page in (1, 2, 3, 4):
        seen += client.get(url, ordering=ordering, page_size=2, page=page).json()["results"]
    expected = {
        "": ("-created_at", "-pk"),
        "created": ("created_at", "-pk"),
        "reference": ("reference", "-pk"),
        "name": ("newcomer__name", "-pk"),
        "response_due": ("first_response_due", "-pk"),
    }[ordering]
    assert [row["id"] for row in seen] == list(
        Case.objects.order_by(*expected).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_cases_api_count_stops_at_the_cap(world, api, monkeypatch):
    # As on the list screen: counting every case grew with the table (131 ms of a
    # coordinator's request at a million cases); above the cap the count says so.
    import config.pagination

    for _ in range(3):
        f.make_case(organisation=world.kommune)
    client = api.as_(world.coordinator)
    url = reverse("api:cases-list")
    body = client.get(url).json()
    assert (body["count"], body["count_capped"]) == (4, False)
    monkeypatch.setattr(config.pagination, "COUNT_CAP", 2)
    body = client.get(url, page_size=1).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (2, True, 1)
    # The pages go on past the cap: following `next` reaches every case, once.
    seen = []
    while True:
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        body = client.get(body["next"]).json()
        assert body["count_capped"] and body["previous"]
    assert sorted(seen) == sorted(Case.objects.values_list("pk", flat=True))
    assert client.get(url, page_size=1, page=5).status_code == 404
    assert client.get(url, page_size=1, page=0).status_code == 404
    # Found in review: an absurd page number overflowed the OFFSET (a 500).
    assert client.get(url, page=99999999999999999999).status_code == 404
    narrowed = client.get(url, q=world.case.reference).json()
    assert (narrowed["count"], narrowed["count_capped"]) == (1, False)


@pytest.mark.django_db
def test_cases_api_topics_and_organisations(world, api):
    client = api.as_(world.reader)
    organisations = client.get(reverse("api:organisations-list")).json()["results"]
    assert [o["name"] for o in organisations] == ["NAV Narvik", "Narvik kommune", "Narvik skole"]
    topics = client.get(reverse("api:topics-list"), HTTP_ACCEPT_LANGUAGE="en").json()
    assert topics["count"] > 0


@pytest.mark.django_db
def test_case_list_api_row_has_every_field_it_documents(world, client):
    """The list reads only the columns it returns (cases.selectors.case_rows_for_api):
    each of them is still there, with its value."""
    f.make_followup(
        case=world.case, assignee=world.owner, due_date=timezone.localdate() - timedelta(1)
    )
    client.force_login(world.coordinator)
    rows = client.get(reverse("api:cases-list")).json()["results"]
    row = next(row for row in rows if row["id"] == world.case.pk)
    case = world.case
    assert row["reference"] == case.reference
    assert (row["status"], row["priority"], row["channel"]) == (
        case.status,
        case.priority,
        case.channel,
    )
    assert row["newcomer"] == {"id": case.newcomer_id, "name": case.newcomer.name}
    owner = case.owner
    assert row["owner"] == (
        {"id": owner.pk, "name": owner.get_full_name() or owner.get_username()} if owner else None
    )
    assert row["responsible_organisation"] == {
        "id": case.responsible_organisation_id,
        "name": case.responsible_organisation.name,
    }
    assert {topic["slug"] for topic in row["topics"]} == set(
        case.topics.values_list("slug", flat=True)
    )
    assert row["has_overdue"] is True
    assert row["created_at"]
