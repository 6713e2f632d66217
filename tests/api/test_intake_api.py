"""POST /api/v1/intake/: the public form as JSON, with the form's rules."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from cases.models import Case, CaseEvent, Topic
from contacts.models import Consent, HouseholdMember, Municipality, Newcomer

URL = "/api/v1/intake/"


def _valid(**overrides):
    narvik = Municipality.objects.get(name="Narvik")
    data = {
        "name": "  Olena   Kovalenko ",
        "email": "Olena.K@Example.org",
        "phone": "+47 400 00 000",
        "preferred_language": "en",
        "municipality": narvik.pk,
        "locality": narvik.localities.get(name="Bjerkvik").pk,
        "target_group": Newcomer.TargetGroup.FAMILY,
        "occupation": "Nurse",
        "has_partner": True,
        "partner_needs_work": True,
        "partner_occupation": "Welder",
        "children_birth_years": [2016, 2020],
        "interests": "Skiing, choir",
        "topics": [Topic.objects.get(slug="kindergarten").pk, Topic.objects.get(slug="jobs").pk],
        "message": "We are moving in spring. Where do we apply for kindergarten?",
        "heard_via": Newcomer.HeardVia.PORTAL,
        "consent": True,
        "share_scopes": [Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def _post(client, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **extra)


def _stored():
    return (
        Newcomer.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
        HouseholdMember.objects.count(),
        Consent.objects.count(),
    )


@pytest.mark.django_db
def test_intake_api_success_stores_everything_and_returns_reference(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, _valid())
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert response.json() == {"reference": case.reference}
    assert case.channel == Case.Channel.FORM
    newcomer = case.newcomer
    assert newcomer.name == "Olena Kovalenko"
    assert newcomer.email == "olena.k@example.org"
    assert newcomer.consent_given_at is not None
    assert sorted(newcomer.household.values_list("relation", "birth_year")) == [
        ("child", 2016),
        ("child", 2020),
        ("partner", None),
    ]
    assert set(newcomer.consents.values_list("scope", flat=True)) == {"municipality", "school"}
    assert set(case.topics.values_list("slug", flat=True)) == {"kindergarten", "jobs"}
    assert len(mail.outbox) == 1
    assert case.reference in mail.outbox[0].subject


@pytest.mark.django_db
def test_intake_api_minimal_enquiry(client):
    body = {
        "name": "Ali",
        "email": "ali@example.org",
        "preferred_language": "nb",
        "target_group": "student",
        "consent": True,
    }
    assert _post(client, body).status_code == 201
    assert Case.objects.get().newcomer.municipality is None


@pytest.mark.django_db
def test_intake_api_is_public_even_with_a_session_and_no_csrf(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    assert _post(client, _valid()).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent": ...}, "consent"),
        ({"consent": False}, "consent"),
        ({"consent": "maybe"}, "consent"),
        ({"name": ...}, "name"),
        ({"name": ""}, "name"),
        ({"name": ["Olena"]}, "name"),
        ({"name": {"first": "Olena"}}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"email": "not-an-address"}, "email"),
        ({"email": None}, "email"),
        ({"preferred_language": "de"}, "preferred_language"),
        ({"target_group": "martian"}, "target_group"),
        ({"municipality": 10**30}, "municipality"),
        ({"municipality": 999999}, "municipality"),
        ({"municipality": "Narvik"}, "municipality"),
        ({"locality": 10**6}, "locality"),
        ({"topics": "jobs"}, "topics"),
        ({"topics": [999999]}, "topics"),
        ({"topics": [{"id": 1}]}, "topics.0"),
        ({"share_scopes": ["everyone"]}, "share_scopes.0"),
        ({"children_birth_years": [1800]}, "children_birth_years"),
        ({"children_birth_years": "2016, 2020"}, "children_birth_years"),
        ({"children_birth_years": list(range(2010, 2024))}, "children_birth_years"),
        ({"planned_move_date": "tomorrow"}, "planned_move_date"),
        ({"planned_move_date": "1999-01-01"}, "planned_move_date"),
        ({"message": "x" * 5001}, "message"),
        ({"has_partner": "perhaps"}, "has_partner"),
    ],
)
def test_intake_api_bad_input_stores_nothing(client, overrides, field):
    before = _stored()
    response = _post(client, _valid(**overrides))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"], body
    assert _stored() == before
    assert mail.outbox == []


@pytest.mark.django_db
def test_intake_api_locality_outside_municipality_is_a_field_error(client):
    tromso = Municipality.objects.exclude(name="Narvik").first()
    response = _post(client, _valid(municipality=tromso.pk))
    assert response.status_code == 400
    assert "locality" in response.json()["errors"]
    assert Case.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["", "{", "[]", '"x"', "null", "1", "\x00"])
def test_intake_api_malformed_bodies_store_nothing(client, body):
    response = _post(client, body)
    assert response.status_code == 400
    assert set(response.json()) == {"message", "code", "errors"}
    assert _stored() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_intake_api_refuses_form_encoding_and_get(client):
    assert client.post(URL, {"name": "x"}).status_code == 415
    assert client.get(URL).status_code == 405
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_intake_api_rate_limit_shared_with_the_form(client, settings):
    settings.INTAKE_RATE_LIMIT = "2/h"
    assert _post(client, _valid()).status_code == 201
    # The HTML form counts against the same limit for the same address.
    client.post(reverse("intake:form"), {"name": ""})
    response = _post(client, _valid(email="second@example.org"))
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_intake_api_anonymous_throttle(client, monkeypatch):
    from config.drf import AnonThrottle

    monkeypatch.setattr(AnonThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "9/minute"})
    codes = [_post(client, "{").status_code for _ in range(3)]
    assert codes == [400, 400, 429]
    response = _post(client, "{")
    assert "Retry-After" in response


@pytest.mark.django_db
def test_intake_api_throttle_ignores_forwarded_for(client, monkeypatch):
    from config.drf import AnonThrottle

    monkeypatch.setattr(AnonThrottle, "THROTTLE_RATES", {"anon": "1/minute", "user": "9/minute"})
    assert _post(client, "{", HTTP_X_FORWARDED_FOR="10.0.0.1").status_code == 400
    assert _post(client, "{", HTTP_X_FORWARDED_FOR="10.0.0.2").status_code == 429


@pytest.mark.django_db
def test_intake_api_cors_only_for_listed_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://portal.example.no"]
    allowed = {"HTTP_ORIGIN": "https://portal.example.no"}
    other = {"HTTP_ORIGIN": "https://evil.example.com"}
    preflight = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}

    response = client.options(URL, **allowed, **preflight)
    assert response["Access-Control-Allow-Origin"] == "https://portal.example.no"
    assert "Access-Control-Allow-Credentials" not in response
    response = _post(client, _valid(), **allowed)
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == "https://portal.example.no"

    assert "Access-Control-Allow-Origin" not in client.options(URL, **other, **preflight)
    assert "Access-Control-Allow-Origin" not in _post(client, "{", **other)
    # Only the intake: the staff API answers no cross-origin request.
    response = client.get("/api/v1/cases/", **allowed)
    assert "Access-Control-Allow-Origin" not in response
