"""Bulk actions on the case list (cases.bulk): each case checked by the same rules as on
its own page, in its own transaction; a summary page says what was done and what was
refused, and why; the POST ends in a redirect."""

from django.urls import reverse

from cases.bulk import case_bulk_apply
from cases.models import Case, CaseEvent
from contacts.models import Consent
from tests import factories as f


def test_bulk_assign_does_what_it_may_and_says_why_not_for_the_rest(world):
    mine = f.make_case(organisation=world.kommune, newcomer=world.newcomer)
    # The school's member may see this one (shared) but not manage it.
    school_view = f.make_case(
        organisation=world.nav,
        newcomer=f.make_newcomer(scopes=(Consent.Scope.NAV, Consent.Scope.SCHOOL)),
        shared_with=(world.skole,),
    )
    hidden = f.make_case(organisation=world.nav)
    outcome = case_bulk_apply(
        actor=world.reader,
        case_ids=[school_view.pk, hidden.pk],
        action="assign",
        owner=world.reader,
    )
    assert outcome.done == []
    assert outcome.refused == [
        (school_view.reference, "Du kan ikke endre denne saken."),
        (f"#{hidden.pk}", "Fant ikke denne saken."),
    ]
    outcome = case_bulk_apply(
        actor=world.owner, case_ids=[mine.pk, world.case.pk], action="assign", owner=world.owner
    )
    assert outcome.done == [mine.reference, world.case.reference] and outcome.refused == []
    assert Case.objects.get(pk=mine.pk).owner == world.owner


def test_bulk_refusal_by_a_service_rolls_back_that_case_only(world):
    open_case = f.make_case(organisation=world.kommune)
    new_case = f.make_case(organisation=world.kommune)
    Case.objects.filter(pk=open_case.pk).update(status=Case.Status.OPEN)
    events_before = CaseEvent.objects.count()
    # Closing needs a reason: refused for both. "waiting" from new and open is fine.
    outcome = case_bulk_apply(
        actor=world.coordinator,
        case_ids=[open_case.pk, new_case.pk],
        action="status",
        status="closed",
    )
    assert [ref for ref, _why in outcome.refused] == [open_case.reference, new_case.reference]
    assert "Velg hvorfor saken avsluttes." in outcome.refused[0][1]
    assert CaseEvent.objects.count() == events_before
    outcome = case_bulk_apply(
        actor=world.coordinator,
        case_ids=[open_case.pk, new_case.pk],
        action="status",
        status="waiting",
    )
    assert outcome.done == [open_case.reference, new_case.reference]


def test_bulk_share_is_refused_where_consent_does_not_cover_it(world):
    covered = f.make_case(
        organisation=world.kommune,
        newcomer=f.make_newcomer(scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.NAV)),
    )
    uncovered = f.make_case(organisation=world.kommune)
    outcome = case_bulk_apply(
        actor=world.coordinator,
        case_ids=[covered.pk, uncovered.pk],
        action="share",
        organisation=world.nav,
    )
    assert outcome.done == [covered.reference]
    assert [ref for ref, _why in outcome.refused] == [uncovered.reference]
    assert list(covered.shared_with.all()) == [world.nav]
    assert not uncovered.shared_with.exists()


def test_bulk_page_posts_then_redirects_to_the_summary(world, login):
    other = f.make_case(organisation=world.kommune)
    hidden = f.make_case(organisation=world.nav)
    client = login(world.owner)
    response = client.post(
        reverse("cases:bulk"),
        {
            "cases": [world.case.pk, other.pk, hidden.pk],
            "action": "assign",
            "owner": world.owner.pk,
            "back": "status=new",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cases:bulk-done"))
    summary = client.get(response["Location"])
    body = summary.content.decode()
    assert summary.status_code == 200
    assert world.case.reference in body and other.reference in body
    assert "Utført for 2 saker" in body
    assert f"<strong>#{hidden.pk}</strong>: Fant ikke denne saken." in body
    assert hidden.reference not in body
    assert 'href="/cases/?status=new"' in body
    assert Case.objects.get(pk=other.pk).owner == world.owner


def test_bulk_select_all_on_the_page_without_javascript(world, login):
    other = f.make_case(organisation=world.kommune)
    client = login(world.coordinator)
    client.post(
        reverse("cases:bulk"),
        {
            "all_on_page": "on",
            "page_cases": [world.case.pk, other.pk],
            "action": "status",
            "status": "waiting",
        },
    )
    assert set(Case.objects.values_list("status", flat=True)) == {"waiting"}


def test_bulk_without_cases_or_choice_changes_nothing_and_says_so(world, login):
    client = login(world.owner)
    response = client.post(reverse("cases:bulk"), {"action": "assign"}, follow=True)
    assert "Velg minst én sak." in response.content.decode()
    response = client.post(
        reverse("cases:bulk"), {"action": "assign", "cases": [world.case.pk]}, follow=True
    )
    assert "Velg den nye eieren." in response.content.decode()
    assert Case.objects.get(pk=world.case.pk).owner == world.owner
    assert client.get(reverse("cases:bulk")).status_code == 405


def test_bulk_list_has_labelled_check_boxes(world, login):
    body = login(world.owner).get(reverse("cases:list")).content.decode()
    assert 'id="bulk-all"' in body and 'for="bulk-all"' in body
    assert f'id="bulk-{world.case.pk}"' in body and f'for="bulk-{world.case.pk}"' in body
