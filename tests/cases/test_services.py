from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import Case, CaseEvent, FollowUp
from contacts.models import Consent, Organisation
from tests import factories as f


@pytest.mark.django_db
def test_case_reference_counts_per_year_in_oslo_time(settings):
    settings.CASE_REFERENCE_PREFIX = "NR"
    newcomer = f.make_newcomer()
    # 23:30 on 31 December in Oslo is still 2026 there, though 22:30 UTC.
    with time_machine.travel("2026-12-31 22:30:00+00:00", tick=False):
        first = services.case_open(newcomer=newcomer, channel="phone")
        second = services.case_open(newcomer=newcomer, channel="phone")
    with time_machine.travel("2026-12-31 23:30:00+00:00", tick=False):
        new_year = services.case_open(newcomer=newcomer, channel="phone")
    assert (first.reference, second.reference) == ("NR-2026-0001", "NR-2026-0002")
    assert new_year.reference == "NR-2027-0001"


@pytest.mark.django_db
def test_case_change_status_follows_the_allowed_flow(world):
    case = world.case
    services.case_change_status(case=case, status="open", actor=world.owner)
    assert case.first_response_at is not None
    first_response = case.first_response_at

    with pytest.raises(ValidationError) as closing:
        services.case_change_status(case=case, status="closed", actor=world.owner)
    assert "closing_reason" in closing.value.message_dict

    services.case_change_status(
        case=case, status="closed", closing_reason="answered", actor=world.owner
    )
    case.refresh_from_db()
    assert case.closed_at is not None and case.closing_reason == "answered"

    with pytest.raises(ValidationError):
        services.case_change_status(case=case, status="waiting", actor=world.owner)

    services.case_change_status(case=case, status="open", actor=world.owner)
    case.refresh_from_db()
    assert case.closed_at is None and case.closing_reason == ""
    assert case.first_response_at == first_response  # only the first counts
    kinds = list(
        case.events.filter(kind="cases.case.status_changed")
        .order_by("pk")
        .values_list("data", flat=True)
    )
    assert [(d["from"], d["to"]) for d in kinds] == [
        ("new", "open"),
        ("open", "closed"),
        ("closed", "open"),
    ]
    assert all(e.actor_id == world.owner.pk for e in case.events.exclude(kind="cases.case.opened"))


@pytest.mark.django_db
def test_case_assign_owner_opens_a_new_case_and_records_it(world):
    case = f.make_case(newcomer=world.newcomer)
    services.case_assign_owner(case=case, owner=world.owner, actor=world.coordinator)
    case.refresh_from_db()
    assert case.owner == world.owner
    assert case.status == Case.Status.OPEN
    assert case.first_response_at is not None
    event = case.events.get(kind="cases.case.owner_changed")
    assert event.data == {"from": None, "to": world.owner.pk}
    assert event.actor == world.coordinator
    # Assigning the same person again writes nothing.
    services.case_assign_owner(case=case, owner=world.owner, actor=world.coordinator)
    assert case.events.filter(kind="cases.case.owner_changed").count() == 1


@pytest.mark.django_db
def test_case_share_refused_without_consent_for_that_kind_of_organisation(world):
    with pytest.raises(ValidationError) as refused:
        services.case_share(case=world.case, organisation=world.nav, actor=world.coordinator)
    assert "NAV Narvik" in str(refused.value)
    assert not world.case.shared_with.filter(pk=world.nav.pk).exists()
    with pytest.raises(ValidationError):
        services.case_set_organisation(
            case=world.case, organisation=world.nav, actor=world.coordinator
        )
    association = f.make_organisation(kind=Organisation.Kind.ASSOCIATION)
    with pytest.raises(ValidationError):
        services.case_share(case=world.case, organisation=association, actor=world.coordinator)
    # Nor may a NAV member become owner or assignee, which would also reveal the case.
    with pytest.raises(ValidationError):
        services.case_assign_owner(case=world.case, owner=world.outsider, actor=world.coordinator)
    with pytest.raises(ValidationError):
        services.followup_add(
            case=world.case,
            title="Check",
            assignee=world.outsider,
            due_date=timezone.localdate(),
            actor=world.coordinator,
        )
    assert not world.case.events.filter(kind="cases.case.shared").exists()


@pytest.mark.django_db
def test_case_share_allowed_with_consent_and_recorded(world):
    from contacts.services import consent_record

    consent_record(newcomer=world.newcomer, scopes=[Consent.Scope.NAV])
    services.case_share(case=world.case, organisation=world.nav, actor=world.coordinator)
    assert world.case.shared_with.filter(pk=world.nav.pk).exists()
    event = world.case.events.get(kind="cases.case.shared")
    assert event.data == {"organisation": world.nav.pk}


@pytest.mark.django_db
def test_consent_withdraw_removes_what_it_allowed_at_once(world):
    reader_case = world.case  # shared with the school, reader holds a follow-up
    followup = f.make_followup(
        case=reader_case, assignee=world.reader, due_date=timezone.localdate()
    )
    school_owned = f.make_case(
        newcomer=world.newcomer, organisation=world.skole, owner=world.reader
    )

    withdrawn = services.consent_withdraw(
        newcomer=world.newcomer, scope=Consent.Scope.SCHOOL, actor=world.coordinator
    )
    assert withdrawn == 1
    assert not reader_case.shared_with.exists()
    school_owned.refresh_from_db()
    assert school_owned.responsible_organisation is None
    assert school_owned.owner is None
    # The reader's follow-up is not closed but goes back to the responsible organisation:
    # its owner (cases.assignment, rule 3), on the timeline.
    followup.refresh_from_db()
    assert followup.done_at is None
    assert followup.assignee == world.owner
    assert reader_case.events.filter(kind="cases.followup.returned", followup=followup).exists()
    from cases.selectors import case_list_visible

    assert not case_list_visible(user=world.reader).filter(newcomer=world.newcomer).exists()
    assert reader_case.events.filter(kind="contacts.consent.withdrawn").count() == 1
    assert reader_case.events.filter(kind="cases.case.unshared").count() == 1
    # Withdrawing again changes nothing.
    assert (
        services.consent_withdraw(
            newcomer=world.newcomer, scope=Consent.Scope.SCHOOL, actor=world.coordinator
        )
        == 0
    )
    assert Consent.objects.get(newcomer=world.newcomer, scope="school").withdrawn_at is not None


@pytest.mark.django_db
def test_followup_complete_is_idempotent(world):
    followup = services.followup_add(
        case=world.case,
        title="Send kindergarten info",
        assignee=world.owner,
        due_date=timezone.localdate() + timedelta(days=3),
        actor=world.owner,
    )
    services.followup_complete(followup=followup, actor=world.owner)
    first_done = FollowUp.objects.get(pk=followup.pk).done_at
    services.followup_complete(followup=followup, actor=world.coordinator)
    followup.refresh_from_db()
    assert followup.done_at == first_done
    assert followup.done_by == world.owner
    assert world.case.events.filter(kind="cases.followup.completed").count() == 1


@pytest.mark.django_db
def test_followup_is_overdue_only_when_open_and_past_due(world):
    today = timezone.localdate()
    followup = f.make_followup(case=world.case, assignee=world.owner, due_date=today - timedelta(1))
    assert followup.is_overdue(today)
    assert not followup.is_overdue(today - timedelta(days=1))
    followup.done_at = timezone.now()
    assert not followup.is_overdue(today)


@pytest.mark.django_db
def test_every_change_writes_one_timeline_entry_with_actor_and_ids_only(world):
    from contacts.services import consent_record

    consent_record(newcomer=world.newcomer, scopes=[Consent.Scope.NAV])
    case, actor = world.case, world.coordinator
    steps = [
        (
            "cases.case.status_changed",
            lambda: services.case_change_status(case=case, status="waiting", actor=actor),
        ),
        (
            "cases.case.owner_changed",
            lambda: services.case_assign_owner(case=case, owner=world.coordinator, actor=actor),
        ),
        (
            # The owner (a coordinator of the municipality) is not in NAV: handing the case
            # to NAV puts it in NAV's queue (cases.assignment, rule 2).
            ["cases.case.owner_changed", "cases.case.organisation_changed"],
            lambda: services.case_set_organisation(case=case, organisation=world.nav, actor=actor),
        ),
        (
            "cases.case.shared",
            lambda: services.case_share(case=case, organisation=world.nav, actor=actor),
        ),
        (
            "cases.case.unshared",
            lambda: services.case_unshare(case=case, organisation=world.nav, actor=actor),
        ),
        (
            "cases.case.priority_changed",
            lambda: services.case_set_priority(case=case, priority="urgent", actor=actor),
        ),
        (
            "cases.note.added",
            lambda: services.note_add(case=case, body="Rang", visibility="team", actor=actor),
        ),
        (
            "cases.followup.added",
            lambda: services.followup_add(
                case=case,
                title="Mail",
                assignee=world.coordinator,
                due_date=timezone.localdate(),
                actor=actor,
            ),
        ),
    ]
    for kinds, action in steps:
        before = CaseEvent.objects.count()
        action()
        new = CaseEvent.objects.order_by("-pk")[: CaseEvent.objects.count() - before]
        expected = kinds if isinstance(kinds, list) else [kinds]
        assert [e.kind for e in new] == expected, kinds
        assert new[0].actor == actor
        flat = str(new[0].data)
        assert world.newcomer.name not in flat and world.newcomer.email not in flat
    followup = FollowUp.objects.get(title="Mail")
    services.followup_complete(followup=followup, actor=actor)
    assert case.events.filter(kind="cases.followup.completed", followup=followup).count() == 1


@pytest.mark.django_db
def test_case_open_received_earlier_takes_that_time_and_year(world):
    received = timezone.now().replace(year=2025, month=6, day=2)
    case = services.case_open(newcomer=world.newcomer, channel="email", received_at=received)
    assert case.reference.startswith("NR-2025-")
    assert case.created_at == received
    assert case.events.get(kind="cases.case.opened").created_at == received
    with pytest.raises(ValidationError):
        services.case_open(
            newcomer=world.newcomer,
            channel="email",
            received_at=timezone.now() + timedelta(hours=1),
        )
