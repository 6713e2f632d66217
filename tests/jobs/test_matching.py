from datetime import date

import pytest
from django.utils import timezone

from cases.models import Case
from contacts.models import Consent, Newcomer
from jobs import matching, services
from jobs.matching import EXACT, RELATED, candidates_for_need, code_fit, needs_for_case
from tests import factories as f
from tests.jobs.conftest import coded_household, occupation

EMPLOYERS = (Consent.Scope.EMPLOYER,)


@pytest.mark.parametrize(
    ("need", "code", "fit"),
    [
        ("7411", "7411", EXACT),
        ("7411", "7412", RELATED),  # same minor group, other unit
        ("7411", "741", RELATED),  # the person coded only to the minor group
        ("741", "7411", RELATED),  # the need coded only to the minor group
        ("741", "741", RELATED),
        ("7411", "7421", None),  # another minor group
        ("7411", "74", None),  # a sub-major group is too coarse
        ("7411", None, None),
    ],
)
def test_code_fit(need, code, fit):
    assert code_fit(need, code) == fit


def test_matching_finds_the_partner_who_fits(jobs):
    found = candidates_for_need(need=jobs.need, user=jobs.coordinator)
    assert [(c.case.pk, c.person, c.fit) for c in found] == [(jobs.case.pk, "partner", EXACT)]
    assert found[0].visible  # a coordinator sees every case


def test_matching_related_fits_come_after_exact(jobs):
    other = coded_household(code="7412", municipality=jobs.narvik, scopes=EMPLOYERS)
    other_case = f.make_case(newcomer=other)
    found = candidates_for_need(need=jobs.need, user=jobs.coordinator)
    assert [(c.case.pk, c.person, c.fit) for c in found] == [
        (jobs.case.pk, "partner", EXACT),
        (other_case.pk, "newcomer", RELATED),
    ]


def test_matching_needs_the_consent_to_employers(jobs):
    Consent.objects.filter(newcomer=jobs.nurse, scope=Consent.Scope.EMPLOYER).update(
        withdrawn_at=timezone.now()
    )
    assert candidates_for_need(need=jobs.need, user=jobs.coordinator) == []
    assert needs_for_case(case=jobs.case, user=jobs.coordinator) == []


def test_matching_without_consent_never_lists_the_person(jobs):
    other = coded_household(
        code="7411", municipality=jobs.narvik, scopes=(Consent.Scope.MUNICIPALITY,)
    )
    f.make_case(newcomer=other)
    assert {c.newcomer.pk for c in candidates_for_need(need=jobs.need, user=jobs.coordinator)} == {
        jobs.nurse.pk
    }


def test_matching_skips_unconfirmed_imports_erased_gone_and_closed(jobs):
    def fits():
        return candidates_for_need(need=jobs.need, user=jobs.coordinator)

    Newcomer.objects.filter(pk=jobs.nurse.pk).update(consent_to_confirm_since=timezone.now())
    assert fits() == []
    Newcomer.objects.filter(pk=jobs.nurse.pk).update(
        consent_to_confirm_since=None, lifecycle=Newcomer.Lifecycle.LEFT
    )
    assert fits() == []
    Newcomer.objects.filter(pk=jobs.nurse.pk).update(lifecycle=Newcomer.Lifecycle.PLANNING)
    Case.objects.filter(pk=jobs.case.pk).update(
        status=Case.Status.CLOSED, closed_at=timezone.now(), closing_reason="answered"
    )
    assert fits() == []
    Case.objects.filter(pk=jobs.case.pk).update(
        status=Case.Status.OPEN, closed_at=None, closing_reason=""
    )
    assert len(fits()) == 1


def test_matching_needs_the_place(jobs):
    Newcomer.objects.filter(pk=jobs.nurse.pk).update(municipality=jobs.other)
    assert candidates_for_need(need=jobs.need, user=jobs.coordinator) == []
    assert needs_for_case(case=jobs.case, user=jobs.coordinator) == []


def test_matching_hides_who_it_is_from_the_employer_until_shared(jobs):
    found = candidates_for_need(need=jobs.need, user=jobs.boss)
    assert len(found) == 1 and not found[0].visible
    services.need_suggest(need=jobs.need, case=jobs.case, person="partner", actor=jobs.coordinator)
    found = candidates_for_need(need=jobs.need, user=jobs.boss)
    assert found[0].visible and found[0].suggested


def test_needs_for_case_lists_open_needs_that_fit(jobs):
    chef_need = services.need_create(
        employer=jobs.rival,
        occupation=occupation("5120"),
        municipality=jobs.narvik,
        contact_name="Kari",
        actor=jobs.coordinator,
    )
    nurse_need = services.need_create(
        employer=jobs.rival,
        occupation=occupation("222"),
        municipality=jobs.narvik,
        contact_name="Kari",
        actor=jobs.coordinator,
    )
    fits = needs_for_case(case=jobs.case, user=jobs.coordinator)
    assert [(x.need.pk, x.person, x.fit) for x in fits] == [
        (jobs.need.pk, "partner", EXACT),
        (nurse_need.pk, "newcomer", RELATED),
    ]
    assert chef_need.pk not in {x.need.pk for x in fits}
    services.need_close(need=jobs.need, state="filled", actor=jobs.boss)
    assert [x.need.pk for x in needs_for_case(case=jobs.case, user=jobs.coordinator)] == [
        nurse_need.pk
    ]


def _many(jobs, n):
    for i in range(n):
        newcomer = coded_household(
            code="7412" if i % 2 else "2221",
            partner_code="7411" if i % 2 == 0 else "",
            municipality=jobs.narvik,
            scopes=EMPLOYERS,
            planned_move_date=date(2027, 1, 1 + i % 27),
        )
        f.make_case(newcomer=newcomer)


@pytest.mark.parametrize("n", [2, 20])
def test_matching_queries_are_flat(jobs, n, django_assert_max_num_queries):
    _many(jobs, n)
    for user in (jobs.coordinator, jobs.boss):
        # Five, and the reader's memberships (contacts.selectors.staff_access), once.
        with django_assert_max_num_queries(6):
            found = candidates_for_need(need=jobs.need, user=user)
        assert len(found) == n + 1
    with django_assert_max_num_queries(4):
        needs_for_case(case=jobs.case, user=jobs.coordinator)


def test_fitting_code_is_the_same_rule(jobs):
    assert matching.fitting_code(need=jobs.need, case=jobs.case, person="partner") == "7411"
    assert matching.fitting_code(need=jobs.need, case=jobs.case, person="newcomer") is None


def test_exact_fits_come_before_the_cap_and_truncated_is_from_the_query(jobs, monkeypatch):
    """Newer related fits must not push the (older) exact fit past the cap."""
    monkeypatch.setattr(matching, "CANDIDATE_LIMIT", 2)
    for _ in range(2):
        newcomer = coded_household(code="7412", municipality=jobs.narvik, scopes=EMPLOYERS)
        f.make_case(newcomer=newcomer)
    found = candidates_for_need(need=jobs.need, user=jobs.coordinator)
    assert found[0].case == jobs.case and found[0].fit == EXACT
    assert len(found) == 2 and found.truncated
    Case.objects.filter(newcomer=newcomer).update(status="closed", closed_at=timezone.now())
    found = candidates_for_need(need=jobs.need, user=jobs.coordinator)
    assert len(found) == 2 and not found.truncated


def test_an_inactive_employers_needs_are_not_matched_suggested_or_counted(jobs):
    from django.core.exceptions import ValidationError

    from jobs.figures import job_figures

    demand = job_figures().total.demand
    jobs.firm.is_active = False
    jobs.firm.save()
    jobs.need.refresh_from_db()
    assert candidates_for_need(need=jobs.need, user=jobs.coordinator) == []
    assert needs_for_case(case=jobs.case, user=jobs.coordinator) == []
    with pytest.raises(ValidationError):
        services.need_suggest(
            need=jobs.need, case=jobs.case, person="partner", actor=jobs.coordinator
        )
    assert job_figures().total.demand == demand - jobs.need.positions
