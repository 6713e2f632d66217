import json

import pytest
from django.core.cache import cache

from contacts.services import api_token_create
from jobs.models import RecruitmentNeed


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def _bearer(user):
    _token, secret = api_token_create(user=user, name="Næringsforeningens verktøy")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _send(client, method, url, body, auth):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **auth)


def test_api_needs_create_read_update_close_with_a_token(jobs, client):
    auth = _bearer(jobs.boss)
    body = {
        "employer": jobs.firm.pk,
        "occupation": "7412",
        "positions": 3,
        "municipality": jobs.narvik.pk,
        "norwegian_level": "a2",
        "deadline": "2027-02-01",
        "contact_name": "Per Hansen",
        "contact_email": "per@elektro.example",
    }
    created = _send(client, "post", "/api/v1/needs/create/", body, auth)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["occupation"]["code"] == "7412" and data["state"] == "open"
    url = f"/api/v1/needs/{data['id']}/"
    assert client.get(url, **auth).json()["positions"] == 3
    updated = _send(client, "patch", f"{url}update/", {"positions": 5}, auth)
    assert updated.status_code == 200 and updated.json()["positions"] == 5
    assert updated.json()["deadline"] == "2027-02-01"  # fields left out stay
    closed = _send(client, "post", f"{url}close/", {"state": "filled"}, auth)
    assert closed.status_code == 200 and closed.json()["state"] == "filled"
    again = _send(client, "patch", f"{url}update/", {"positions": 1}, auth)
    assert again.status_code == 400


def test_api_needs_only_the_own_employer(jobs, client):
    auth = _bearer(jobs.rival_boss)
    listed = client.get("/api/v1/needs/", **auth)
    assert listed.status_code == 200 and listed.json()["results"] == []
    assert client.get(f"/api/v1/needs/{jobs.need.pk}/", **auth).status_code == 404
    closed = _send(
        client, "post", f"/api/v1/needs/{jobs.need.pk}/close/", {"state": "filled"}, auth
    )
    assert closed.status_code == 404
    body = {
        "employer": jobs.firm.pk,
        "occupation": "7411",
        "municipality": jobs.narvik.pk,
        "contact_name": "X",
    }
    refused = _send(client, "post", "/api/v1/needs/create/", body, auth)
    assert refused.status_code == 400 and "employer" in refused.json()["errors"]
    assert RecruitmentNeed.objects.count() == 1


def test_api_needs_list_filters_and_refuses_non_employers(jobs, client):
    auth = _bearer(jobs.coordinator)
    rows = client.get("/api/v1/needs/", {"state": "open"}, **auth).json()["results"]
    assert [r["id"] for r in rows] == [jobs.need.pk]
    assert client.get("/api/v1/needs/", {"state": "filled"}, **auth).json()["results"] == []
    assert client.get("/api/v1/needs/", **_bearer(jobs.world.owner)).status_code == 403
    assert client.delete(f"/api/v1/needs/{jobs.need.pk}/", **auth).status_code == 405


def test_api_schema_lists_the_needs(client, db):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/needs/{id}/close/" in schema["paths"]
    assert "/api/v1/needs/create/" in schema["paths"]


def test_api_need_create_with_only_the_required_fields(jobs, client):
    """positions and norwegian_level are optional in the schema: absent, the defaults."""
    auth = _bearer(jobs.boss)
    body = {
        "employer": jobs.firm.pk,
        "occupation": "7412",
        "municipality": jobs.narvik.pk,
        "contact_name": "Per Hansen",
    }
    created = _send(client, "post", "/api/v1/needs/create/", body, auth)
    assert created.status_code == 201, created.content
    assert created.json()["positions"] == 1
    assert created.json()["norwegian_level"] == "none"
    need = RecruitmentNeed.objects.get(pk=created.json()["id"])
    assert (need.positions, need.norwegian_level) == (1, "none")
