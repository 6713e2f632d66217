"""Odd and hostile input gets a clear 4xx, never a 500, and nothing is stored on refusal:
nested JSON, digits that are not ASCII, invisible characters in names, bytes that are not
UTF-8. A Hypothesis fuzz over the intake form and the JSON intake holds the rule for text
nobody thought of."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.forms import OtpTokenForm, TotpSetupForm
from cases.models import Case, CaseEvent
from config.drf import JSON_MAX_DEPTH, json_depth
from config.text import ascii_int, free_text_clean
from contacts.models import Consent, HouseholdMember, Newcomer

INTAKE_API = "/api/v1/intake/"


def _stored():
    return (
        Newcomer.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
        HouseholdMember.objects.count(),
        Consent.objects.count(),
    )


def _form(**overrides):
    data = {
        "name": "Olena Kovalenko",
        "email": "olena@example.org",
        "preferred_language": "en",
        "target_group": Newcomer.TargetGroup.FAMILY,
        "children_birth_years": "2020",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def _json(**overrides):
    data = {
        "name": "Olena Kovalenko",
        "email": "olena@example.org",
        "preferred_language": "en",
        "target_group": Newcomer.TargetGroup.FAMILY,
        "children_birth_years": [2020],
        "consent": True,
    }
    data.update(overrides)
    return data


def _assert_error_shape(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    return body


# --- Nested JSON --------------------------------------------------------------------------


def test_json_depth_counts_brackets_outside_strings():
    assert json_depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert json_depth(b'"\\"[[["') == 0
    assert json_depth(b"[" * 5000) == JSON_MAX_DEPTH + 1  # stops counting at the limit


@pytest.mark.django_db
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_nested_json_on_the_public_intake_is_a_400_in_the_error_shape(client, opener):
    closer = "]" if opener == "[" else "}"
    body = opener * 1100 + closer * 1100  # about 2 KB of "[": a RecursionError before
    before = _stored()
    response = client.post(INTAKE_API, body, content_type="application/json")
    assert _assert_error_shape(response, 400)["code"] == "parse_error"
    assert _stored() == before


@pytest.mark.django_db
def test_nested_json_on_a_staff_endpoint_is_a_400(world, client):
    client.force_login(world.owner)
    url = reverse("api:notes-add", args=[world.case.pk])
    response = client.post(url, "[" * 3000, content_type="application/json")
    _assert_error_shape(response, 400)


@pytest.mark.django_db
def test_nested_json_within_the_limit_is_parsed_and_validated(client):
    body = json.dumps(_json(name=[[["x"]]]))
    response = client.post(INTAKE_API, body, content_type="application/json")
    assert _assert_error_shape(response, 400)["code"] == "invalid"


@pytest.mark.django_db
def test_api_server_error_uses_the_error_shape(world, client, monkeypatch):
    from cases.api import TopicListApi

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(TopicListApi, "get", broken)
    client.raise_request_exception = False
    client.force_login(world.owner)
    response = client.get(reverse("api:topics-list"))
    assert _assert_error_shape(response, 500)["code"] == "server_error"


# --- Digits -------------------------------------------------------------------------------


def test_ascii_int_reads_ascii_digits_only():
    assert ascii_int("2020") == 2020
    odd = ("²⁰²⁰", "٢٠٢٠", "\uff12\uff10\uff12\uff10", "-1", "", " 1")
    assert [ascii_int(v) for v in odd] == [None] * len(odd)


@pytest.mark.django_db
@pytest.mark.parametrize("years", ["²⁰²⁰", "٢٠١٨", "2016, \uff12\uff10\uff12\uff10"])
def test_intake_form_refuses_birth_years_in_other_digits(client, years):
    before = _stored()
    response = client.post("/en/intake/", _form(children_birth_years=years))
    assert response.status_code == 200
    assert "four digits" in response.context["form"].errors["children_birth_years"][0]
    assert _stored() == before


@pytest.mark.django_db
def test_staff_enquiry_form_refuses_superscript_birth_years(world, client):
    client.force_login(world.owner)
    data = _form(children_birth_years="²⁰²⁰", channel=Case.Channel.PHONE)
    response = client.post(reverse("cases:create"), data)
    assert response.status_code == 200
    assert "children_birth_years" in response.context["form"].errors


@pytest.mark.django_db
def test_intake_api_refuses_superscript_birth_years_as_text(client):
    response = client.post(
        INTAKE_API, json.dumps(_json(children_birth_years="²⁰²⁰")), content_type="application/json"
    )
    assert "children_birth_years" in _assert_error_shape(response, 400)["errors"]


@pytest.mark.parametrize("token", ["²⁰²⁰²⁰", "١٢٣٤٥٦", "12345\u00b9"])
def test_two_factor_forms_refuse_digits_that_are_not_ascii(token):
    verify = OtpTokenForm({"token": token})
    assert not verify.is_valid() and "0-9" in verify.errors["token"][0].replace("\u2013", "-")
    setup = TotpSetupForm({"token": token[:6]})
    assert not setup.is_valid() and "token" in setup.errors
    assert OtpTokenForm({"token": "123 456"}).is_valid()
    assert OtpTokenForm({"token": "ab12cd34"}).is_valid()


@pytest.mark.django_db
def test_two_factor_verify_with_superscript_digits_is_a_form_error(world, client, settings):
    from accounts.services import totp_key_new, two_factor_enable

    settings.TWO_FACTOR_REQUIRED = True
    two_factor_enable(user=world.owner, key=totp_key_new())
    client.force_login(world.owner)
    response = client.post(reverse("accounts:two-factor-verify"), {"token": "²⁰²⁰²⁰"})
    assert response.status_code == 400  # the page again, with the form's error
    assert "0-9" in response.context["form"].errors["token"][0].replace("\u2013", "-")


# --- Invisible characters -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    ["Anna\u202eawoK", "An\u200bna Kowalska", "\u2067Anna\u2069", "Anna\ufeff", "Anna\x07"],
)
def test_intake_refuses_names_with_invisible_characters(client, name):
    before = _stored()
    response = client.post("/en/intake/", _form(name=name))
    assert response.status_code == 200
    assert "invisible characters" in response.context["form"].errors["name"][0]
    assert _stored() == before


@pytest.mark.django_db
def test_intake_normalises_names_to_nfc_and_strips_direction_controls_from_free_text(
    client, django_capture_on_commit_callbacks
):
    decomposed = "Łucja Wis\u0301niewska"  # s + combining acute
    message = "Hello\u202e dlrow\u202c\x07 and 👨\u200d👩\u200d👧\nsecond line"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/intake/", _form(name=decomposed, message=message))
    assert response.status_code == 302
    newcomer = Newcomer.objects.get()
    assert newcomer.name == "Łucja Wiśniewska"
    case = Case.objects.get()
    assert case.message == "Hello dlrow and 👨\u200d👩\u200d👧\nsecond line"


def test_free_text_keeps_line_breaks_and_joiners():
    assert free_text_clean("a\r\n\tb\u200dc\u2066d\u2069") == "a\r\n\tb\u200dcd"


# --- Bytes that are not UTF-8 -------------------------------------------------------------


@pytest.mark.django_db
def test_form_post_with_invalid_utf8_is_a_400_that_says_so(client):
    before = _stored()
    body = (
        b"name=J%F8rgen+Hansen&email=j%40example.org&preferred_language=en"
        b"&target_group=family&consent=on"
    )
    response = client.post("/en/intake/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "UTF-8" in response.content.decode()
    assert _stored() == before


@pytest.mark.django_db
def test_query_string_with_invalid_utf8_is_a_400_in_the_api_shape(world, client):
    client.force_login(world.owner)
    response = client.get(reverse("api:cases-list") + "?q=%C3%28")
    assert _assert_error_shape(response, 400)["code"] == "invalid_encoding"
    assert client.get(reverse("api:cases-list") + "?q=%C3%A6").status_code == 200


# --- Fuzz ---------------------------------------------------------------------------------

FIELDS = ["name", "email", "phone", "children_birth_years", "occupation", "message", "interests"]
# Any text Python can hold in a form: surrogates cannot be sent as UTF-8 at all.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(FIELDS), value=TEXT, via=st.sampled_from(["form", "json"]))
def test_intake_fuzz_never_answers_5xx_and_stores_nothing_on_refusal(client, field, value, via):
    cache.clear()  # the intake's rate limit
    before = _stored()
    if via == "form":
        response = client.post("/en/intake/", _form(**{field: value}))
        refused = response.status_code != 302
    else:
        body = json.dumps(_json(**{field: value}))
        response = client.post(INTAKE_API, body, content_type="application/json")
        refused = response.status_code != 201
    assert response.status_code < 500, (field, value, response.content[:300])
    if refused:
        assert _stored() == before


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | TEXT,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
        max_leaves=20,
    ),
    field=st.sampled_from([*FIELDS, "topics", "share_scopes", "municipality", "consent"]),
)
def test_intake_api_fuzz_with_any_json_value_never_answers_5xx(client, field, value):
    cache.clear()
    before = _stored()
    body = json.dumps(_json(**{field: value}))
    response = client.post(INTAKE_API, body, content_type="application/json")
    assert response.status_code < 500, (field, value, response.content[:300])
    if response.status_code != 201:
        assert _stored() == before


# Each state-changing endpoint of a case, HTML and API, with the fields it reads.
STAFF_ENDPOINTS = [
    ("cases:newcomer-edit", "form", ["name", "email", "phone", "occupation", "interests"]),
    ("cases:assign", "form", ["owner"]),
    ("cases:status", "form", ["status", "closing_reason"]),
    ("cases:share", "form", ["organisation"]),
    ("cases:priority", "form", ["priority"]),
    ("cases:note-add", "form", ["body", "visibility"]),
    ("cases:followup-add", "form", ["title", "assignee", "due_date"]),
    ("api:cases-assign", "json", ["owner"]),
    ("api:cases-status", "json", ["status", "closing_reason"]),
    ("api:cases-share", "json", ["organisation"]),
    ("api:cases-update", "json", ["priority", "responsible_organisation"]),
    ("api:notes-add", "json", ["body", "visibility"]),
    ("api:followups-add", "json", ["title", "assignee", "due_date"]),
]
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=10,
)


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), endpoint=st.sampled_from(STAFF_ENDPOINTS))
def test_staff_endpoints_fuzz_never_answer_5xx(world, client, data, endpoint):
    name, via, fields = endpoint
    client.force_login(world.owner)
    url = reverse(name, args=[world.case.pk])
    values = data.draw(st.fixed_dictionaries({}, optional=dict.fromkeys(fields, TEXT)))
    if via == "form":
        response = client.post(url, values)
    else:
        body = data.draw(st.fixed_dictionaries({}, optional=dict.fromkeys(fields, JSON_VALUE)))
        response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code < 500, (name, values, response.content[:300])
