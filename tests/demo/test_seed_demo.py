"""seed_demo: the demo world `make run` loads, built through the services."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cases.models import Case, CaseEvent, FollowUp, Note
from contacts.models import (
    CONSENT_SCOPE_FOR_KIND,
    Consent,
    HouseholdMember,
    Membership,
    Newcomer,
    Organisation,
)
from conversations.models import CaseMessage, InboundEmail, ReplyTemplate
from onboarding.models import PlanStep
from tests.handoff import handoff_violations

DEMO_PASSWORD = "tilflytt-demo-2026"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--newcomers", "10", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    models = [
        Organisation,
        get_user_model(),
        Membership,
        Newcomer,
        HouseholdMember,
        Consent,
        Case,
        CaseEvent,
        Note,
        FollowUp,
    ]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_seed_demo_creates_the_five_logins_and_a_superuser(debug, settings):
    # `make run HOST=127.0.0.1:8100` sets SITE_URL to match; the login address follows it.
    settings.SITE_URL = "http://127.0.0.1:8100"
    out = seed()

    memberships = {
        m.user.username: (m.role, m.organisation.kind)
        for m in Membership.objects.select_related("user", "organisation")
    }
    assert memberships == {
        "koordinator": (Membership.Role.COORDINATOR, Organisation.Kind.MUNICIPALITY),
        "kommune": (Membership.Role.MEMBER, Organisation.Kind.MUNICIPALITY),
        "skole": (Membership.Role.MEMBER, Organisation.Kind.SCHOOL),
        "nav": (Membership.Role.MEMBER, Organisation.Kind.NAV),
        "naering": (Membership.Role.MEMBER, Organisation.Kind.EMPLOYER),
    }
    for user in get_user_model().objects.all():
        assert user.check_password(DEMO_PASSWORD)
        assert user.first_name and user.last_name and user.email
        assert user.username in out
    assert "http://127.0.0.1:8100/accounts/login/" in out
    superuser = get_user_model().objects.get(username="admin")
    assert superuser.is_superuser and superuser.is_staff
    assert "superuser" in out
    assert set(Organisation.objects.values_list("kind", flat=True)) == {
        "municipality",
        "school",
        "nav",
        "employer",
        "association",
    }


@pytest.mark.django_db
def test_seed_demo_resets_the_password_of_an_existing_login(debug):
    get_user_model().objects.create_user(username="koordinator", password="something-else")

    out = seed("--password", "another-demo-password")

    users = get_user_model().objects.filter(username="koordinator")
    assert users.count() == 1
    assert users.get().check_password("another-demo-password")
    assert "another-demo-password" in out


@pytest.mark.django_db
def test_seed_demo_second_run_creates_nothing(debug):
    seed()
    first = counts()
    # The ten asked for, and the one who wrote from an unknown address.
    assert first["Newcomer"] == 11 and first["Case"] >= 11

    out = seed()

    assert counts() == first
    assert "0 newcomers and 0 cases created" in out


@pytest.mark.django_db
def test_seed_demo_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        seed()
    assert not get_user_model().objects.exists()
    assert not Newcomer.objects.exists()

    seed("--force")
    assert Newcomer.objects.count() == 11


@pytest.mark.django_db
def test_seed_demo_every_case_has_its_opened_event(debug):
    seed()

    cases = Case.objects.all()
    assert cases.exists()
    for case in cases:
        opened = case.events.filter(kind="cases.case.opened")
        assert opened.count() == 1
        assert opened.get().created_at == case.created_at


@pytest.mark.django_db
def test_seed_demo_shares_only_where_consent_covers_it(debug):
    seed()

    shares = 0
    for case in Case.objects.prefetch_related("shared_with"):
        scopes = set(
            Consent.objects.filter(newcomer=case.newcomer, withdrawn_at=None).values_list(
                "scope", flat=True
            )
        )
        for organisation in case.shared_with.all():
            assert CONSENT_SCOPE_FOR_KIND.get(organisation.kind) in scopes
            shares += 1
        if case.responsible_organisation:
            assert CONSENT_SCOPE_FOR_KIND.get(case.responsible_organisation.kind) in scopes
    assert shares > 0  # the check above is not vacuous
    assert not Case.objects.filter(shared_with__kind=Organisation.Kind.ASSOCIATION).exists()


@pytest.mark.django_db
def test_seed_demo_spreads_the_history_over_the_past(debug):
    seed()
    now = timezone.now()

    for case in Case.objects.prefetch_related("events", "notes", "followups"):
        assert now - timedelta(days=560) < case.created_at < now
        assert case.reference.rsplit("-", 2)[1] == str(timezone.localtime(case.created_at).year)
        times = [e.created_at for e in case.events.all()]
        assert case.created_at == min(times) and max(times) < now
        if case.status == Case.Status.CLOSED:
            assert case.closed_at == max(times)
        if case.first_response_at:
            assert case.first_response_at >= case.created_at
        for note in case.notes.all():
            assert case.created_at <= note.created_at < now
        for followup in case.followups.all():
            assert case.created_at <= followup.created_at
            assert followup.due_date >= timezone.localtime(followup.created_at).date()
            assert followup.done_at is None or followup.created_at <= followup.done_at < now
    assert Case.objects.filter(created_at__lt=now - timedelta(days=90)).exists()


@pytest.mark.django_db
def test_seed_demo_sends_no_mail(debug, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        seed("--newcomers", "40")

    assert callbacks  # the outbox tasks of the demo conversations ran, and sent nothing
    assert CaseMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_seed_demo_conversations_go_out_and_come_back_trimmed(debug):
    seed("--newcomers", "40")

    templates = ReplyTemplate.objects.filter(is_active=True)
    assert set(templates.values_list("language", flat=True)) == {"nb", "en", "pl", "uk", "ar"}
    sent = CaseMessage.objects.filter(direction=CaseMessage.Direction.OUTGOING)
    received = CaseMessage.objects.filter(direction=CaseMessage.Direction.INCOMING).exclude(
        case__newcomer__is_unverified=True
    )
    assert sent.exists()
    assert set(sent.values_list("case", flat=True)) == set(received.values_list("case", flat=True))
    for message in received:
        # The answer only: the quoted message below it was trimmed away.
        assert "> " not in message.body and "wrote:" not in message.body
        assert message.sender == message.case.newcomer.email
        assert message.inbound.outcome == InboundEmail.Outcome.ATTACHED
    for message in sent:
        assert message.email.language == message.case.newcomer.preferred_language
        assert message.case.newcomer.name.split()[0] in message.body  # filled template

    out = seed("--newcomers", "40")
    assert "0 e-mail conversations" in out
    assert CaseMessage.objects.count() == sent.count() + received.count() + 1


@pytest.mark.django_db
def test_seed_demo_mail_from_an_unknown_address_opens_a_case_for_an_unverified_newcomer(debug):
    seed()

    newcomer = Newcomer.objects.get(email="olena.kovalenko@example.net")
    assert newcomer.is_unverified
    case = newcomer.cases.get()
    assert case.channel == Case.Channel.EMAIL
    assert "nurse" in case.message
    assert case.messages.get().direction == CaseMessage.Direction.INCOMING

    seed()
    assert Newcomer.objects.filter(email="olena.kovalenko@example.net").count() == 1


@pytest.mark.django_db
def test_seed_demo_keeps_the_handoff_rule(debug):
    """No demo case breaks the handoff rule (cases.assignment, tests/handoff.py): every
    holder of open work can open the case and finds it in "My work", every owner and step
    assignee is in the organisation they are shown with."""
    seed()
    assert PlanStep.objects.exclude(organisation=None).exists()  # not vacuous
    assert Case.objects.exclude(owner=None).exclude(responsible_organisation=None).exists()
    assert handoff_violations() == []


@pytest.mark.django_db
def test_seed_demo_codes_occupations_and_has_a_nurse_whose_partner_is_an_electrician(debug):
    out = seed()
    assert "occupations coded" in out
    coded = Newcomer.objects.exclude(occupation_code=None)
    assert coded.exists()
    for newcomer in coded.exclude(occupation_code="2223"):
        # Mapped only where the text names the code's occupation: never a guess.
        assert newcomer.occupation
    nurse = Newcomer.objects.get(occupation_code="2223", household__occupation_code="7411")
    partner = nurse.household.get(relation="partner")
    assert partner.occupation in ("elektriker", "electrician")
    assert nurse.partner_needs_work
    before = counts()
    seed()  # a second run finds the same household so, and adds nothing
    assert counts() == before
    assert (
        Newcomer.objects.filter(occupation_code="2223", household__occupation_code="7411").count()
        == 1
    )
