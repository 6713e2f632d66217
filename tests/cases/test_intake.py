import pytest
from django.core import mail
from django.urls import reverse

from cases.models import Case, CaseEvent, Topic
from contacts.models import Consent, HouseholdMember, Municipality, Newcomer
from outbox.models import OutboundEmail


def _valid(**overrides):
    narvik = Municipality.objects.get(name="Narvik")
    data = {
        "name": "  Olena   Kovalenko ",
        "email": "Olena.K@Example.org",
        "phone": "+47 400 00 000",
        "preferred_language": "en",
        "municipality": narvik.pk,
        "locality": narvik.localities.get(name="Bjerkvik").pk,
        "planned_move_date": "",
        "target_group": Newcomer.TargetGroup.FAMILY,
        "occupation": "Nurse",
        "has_partner": "on",
        "partner_needs_work": "on",
        "partner_occupation": "Welder",
        "children_birth_years": "2016, 2020",
        "interests": "Skiing, choir",
        "topics": [Topic.objects.get(slug="kindergarten").pk, Topic.objects.get(slug="jobs").pk],
        "message": "We are moving in spring. Where do we apply for kindergarten?",
        "heard_via": Newcomer.HeardVia.EMPLOYER,
        "consent": "on",
        "share_scopes": [Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL],
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _stored_counts():
    return (
        Newcomer.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
        HouseholdMember.objects.count(),
        Consent.objects.count(),
    )


@pytest.mark.django_db
def test_intake_get_renders_form_in_bokmal_and_english(client):
    response = client.get("/intake/")
    assert response.status_code == 200
    assert response.context["form"].initial["preferred_language"] == "nb"
    assert b'lang="nb"' in response.content
    response = client.get("/en/intake/")
    assert response.status_code == 200
    assert b'lang="en"' in response.content
    assert b"Contact the newcomer team" in response.content


@pytest.mark.django_db
def test_intake_success_stores_everything_and_sends_receipt_in_their_language(
    client, django_capture_on_commit_callbacks
):
    # The receipt is queued for after the commit; run what the commit would run.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/intake/", _valid())
    assert response.status_code == 302
    assert response["Location"] == "/en/intake/received/"

    newcomer = Newcomer.objects.get()
    assert newcomer.name == "Olena Kovalenko"
    assert newcomer.email == "olena.k@example.org"
    assert newcomer.locality.name == "Bjerkvik"
    assert newcomer.partner_needs_work is True
    assert newcomer.consent_given_at is not None
    assert newcomer.consent_text_version
    assert sorted(newcomer.household.values_list("relation", "birth_year")) == [
        ("child", 2016),
        ("child", 2020),
        ("partner", None),
    ]
    assert set(newcomer.consents.values_list("scope", flat=True)) == {"municipality", "school"}
    case = Case.objects.get()
    assert case.channel == Case.Channel.FORM
    assert case.status == Case.Status.NEW
    assert set(case.topics.values_list("slug", flat=True)) == {"kindergarten", "jobs"}
    assert case.events.filter(kind="cases.case.opened").count() == 1

    receipt = client.get(response["Location"])
    assert case.reference.encode() in receipt.content

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olena.k@example.org"]
    assert case.reference in message.subject
    assert "We have received your enquiry" in message.subject
    assert "Olena" not in message.subject  # no personal data in subjects
    assert case.reference in message.body
    email = OutboundEmail.objects.get(case_id=case.pk)
    assert email.kind == "cases.intake_receipt"
    assert email.status == OutboundEmail.Status.SENT
    assert email.language == "en"
    assert message.extra_headers["Message-ID"] == email.message_id


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"email": ""}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"message": "x" * 5001}, "message"),
        ({"name": "x" * 201}, "name"),
        ({"website": "http://spam.example"}, "website"),
        ({"consent": None}, "consent"),
        ({"children_birth_years": "2016, twenty"}, "children_birth_years"),
        ({"children_birth_years": "1950"}, "children_birth_years"),
        ({"planned_move_date": "2099-01-01"}, "planned_move_date"),
        ({"planned_move_date": "31.02.2027"}, "planned_move_date"),
        ({"target_group": "martians"}, "target_group"),
        ({"share_scopes": ["everyone"]}, "share_scopes"),
        ({"topics": ["999999"]}, "topics"),
    ],
)
def test_intake_bad_input_stores_nothing_and_explains(client, overrides, field):
    before = _stored_counts()
    response = client.post("/en/intake/", _valid(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert _stored_counts() == before
    assert len(mail.outbox) == 0
    content = response.content.decode()
    assert 'id="error-summary"' in content
    if field != "website":
        # The error is tied to its field for assistive technology.
        assert f'id="id_{field}_error"' in content


@pytest.mark.django_db
def test_intake_error_messages_are_translated_to_bokmal(client):
    response = client.post("/intake/", _valid(consent=None))
    assert response.status_code == 200
    assert "Vi kan bare behandle henvendelsen din hvis du samtykker." in response.content.decode()


@pytest.mark.django_db
def test_intake_locality_must_belong_to_the_municipality(client):
    evenes = Municipality.objects.get(name="Evenes")
    response = client.post("/en/intake/", _valid(municipality=evenes.pk))
    assert "locality" in response.context["form"].errors
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_intake_matches_newcomer_on_email_case_insensitively(client):
    client.post("/en/intake/", _valid())
    client.post(
        "/en/intake/",
        _valid(email="OLENA.K@EXAMPLE.ORG", name="Somebody Else", children_birth_years="2016"),
    )
    assert Newcomer.objects.count() == 1
    newcomer = Newcomer.objects.get()
    assert newcomer.cases.count() == 2
    # A stranger who knows the address cannot overwrite the record.
    assert newcomer.name == "Olena Kovalenko"
    # The same child is not added twice.
    assert newcomer.household.filter(relation="child").count() == 2


@pytest.mark.django_db
def test_intake_later_enquiry_adds_consent_but_never_withdraws(client):
    client.post("/en/intake/", _valid(share_scopes=[Consent.Scope.MUNICIPALITY]))
    client.post("/en/intake/", _valid(share_scopes=[Consent.Scope.NAV]))
    active = set(Consent.objects.filter(withdrawn_at=None).values_list("scope", flat=True))
    assert active == {"municipality", "nav"}


@pytest.mark.django_db
def test_intake_rate_limit_answers_429_with_a_readable_page(client, settings):
    settings.INTAKE_RATE_LIMIT = "2/h"
    for _ in range(2):
        assert client.post("/en/intake/", _valid(email=f"a{_}@example.org")).status_code == 302
    response = client.post("/en/intake/", _valid(email="third@example.org"))
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert Case.objects.count() == 2
    # Reading the form is never limited.
    assert client.get("/en/intake/").status_code == 200


@pytest.mark.django_db
def test_intake_received_without_a_submission_goes_back_to_the_form(client):
    response = client.get(reverse("intake:received"))
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:form")


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_intake_wrong_method_is_refused(client, method):
    assert getattr(client, method)("/en/intake/").status_code == 405
