import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases.models import CaseEvent
from jobs import services
from jobs.matching import needs_for_case
from jobs.models import NeedSuggestion, RecruitmentNeed
from tests.jobs.conftest import occupation


def _form(jobs, **overrides):
    data = {
        "employer": jobs.firm.pk,
        "occupation": "7411",
        "positions": "2",
        "municipality": jobs.narvik.pk,
        "locality": "",
        "norwegian_level": "b1",
        "starts_on": "2027-05-01",
        "deadline": "2027-04-01",
        "contact_name": "Per Hansen",
        "contact_phone": "",
        "contact_email": "per@elektro.example",
    }
    data.update(overrides)
    return data


def test_need_list_for_employers_and_coordinators(jobs, login, client):
    page = login(jobs.boss).get(reverse("jobs:list"))
    assert page.status_code == 200
    assert "Narvik Elektro" in page.content.decode()
    assert reverse("jobs:list") in page.content.decode()  # the navigation links it
    login(jobs.world.owner)  # a municipality's member
    assert client.get(reverse("jobs:list")).status_code == 403
    assert client.post(reverse("jobs:list")).status_code == 405


def test_need_list_filters(jobs, login):
    client = login(jobs.coordinator)
    page = client.get(reverse("jobs:list"), {"group": occupation("2").pk})
    assert "Elektro" not in page.content.decode()
    page = client.get(reverse("jobs:list"), {"group": occupation("7").pk, "state": "open"})
    assert "Narvik Elektro" in page.content.decode()


def test_need_list_only_the_own_employer(jobs, login):
    page = login(jobs.rival_boss).get(reverse("jobs:list"))
    assert "Per Hansen" not in page.content.decode()
    assert "Narvik Elektro" not in page.content.decode()


def test_need_create_page(jobs, login):
    client = login(jobs.boss)
    assert client.get(reverse("jobs:create")).status_code == 200
    response = client.post(reverse("jobs:create"), _form(jobs))
    need = RecruitmentNeed.objects.latest("pk")
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[need.pk])
    assert need.norwegian_level == "b1" and need.created_by == jobs.boss
    bad = client.post(reverse("jobs:create"), _form(jobs, employer=jobs.rival.pk))
    assert bad.status_code == 400


def test_need_detail_edit_close_other_employer_404(jobs, login):
    client = login(jobs.rival_boss)
    assert client.get(reverse("jobs:detail", args=[jobs.need.pk])).status_code == 404
    assert client.get(reverse("jobs:edit", args=[jobs.need.pk])).status_code == 404
    response = client.post(reverse("jobs:close", args=[jobs.need.pk]), {"state": "filled"})
    assert response.status_code == 404


def test_need_edit_and_close(jobs, login):
    client = login(jobs.boss)
    assert client.get(reverse("jobs:edit", args=[jobs.need.pk])).status_code == 200
    response = client.post(reverse("jobs:edit", args=[jobs.need.pk]), _form(jobs, positions="4"))
    assert response.status_code == 302
    assert RecruitmentNeed.objects.get(pk=jobs.need.pk).positions == 4
    assert client.get(reverse("jobs:close", args=[jobs.need.pk])).status_code == 405
    client.post(reverse("jobs:close", args=[jobs.need.pk]), {"state": "withdrawn"})
    assert RecruitmentNeed.objects.get(pk=jobs.need.pk).state == "withdrawn"


def test_need_detail_shows_the_partner_without_a_name_to_the_employer(jobs, login):
    page = login(jobs.boss).get(reverse("jobs:detail", args=[jobs.need.pk])).content.decode()
    assert "En tilflytters partner" in page  # "A newcomer's partner"
    assert "Maria Santos" not in page and jobs.case.reference not in page
    assert "Foreslå for arbeidsgiveren" not in page


def test_need_detail_names_the_case_to_the_coordinator(jobs, login):
    page = login(jobs.coordinator).get(reverse("jobs:detail", args=[jobs.need.pk]))
    body = page.content.decode()
    assert "Maria Santos" in body and jobs.case.reference in body
    assert "Foreslå for arbeidsgiveren" in body


def test_suggest_from_the_need_page(jobs, login, client):
    login(jobs.coordinator)
    url = reverse("jobs:suggest", args=[jobs.need.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"case": jobs.case.pk, "person": "partner"})
    assert response.status_code == 302
    assert NeedSuggestion.objects.filter(need=jobs.need, case=jobs.case).exists()
    # The employer now sees who it is, and the case.
    login(jobs.boss)
    page = client.get(reverse("jobs:detail", args=[jobs.need.pk])).content.decode()
    assert "Maria Santos" in page
    assert client.get(reverse("cases:detail", args=[jobs.case.pk])).status_code == 200


def test_suggest_refused_shows_the_reason(jobs, login):
    client = login(jobs.coordinator)
    url = reverse("jobs:suggest", args=[jobs.need.pk])
    response = client.post(url, {"case": jobs.case.pk, "person": "newcomer"}, follow=True)
    assert "passer ikke lenger" in response.content.decode()
    assert not NeedSuggestion.objects.exists()


def test_suggest_needs_to_manage_the_case(jobs, login):
    """The employer cannot suggest (share) a case it does not see: 404."""
    client = login(jobs.boss)
    url = reverse("jobs:suggest", args=[jobs.need.pk])
    assert client.post(url, {"case": jobs.case.pk, "person": "partner"}).status_code == 404
    assert not NeedSuggestion.objects.exists()


def test_case_page_lists_the_needs_and_suggests(jobs, login):
    client = login(jobs.coordinator)
    page = client.get(reverse("cases:detail", args=[jobs.case.pk])).content.decode()
    assert "Rekrutteringsbehov som passer" in page and "Passer for partneren" in page
    response = client.post(
        reverse("jobs:suggest", args=[jobs.need.pk]),
        {"case": jobs.case.pk, "person": "partner", "back": "case"},
    )
    assert response.url == reverse("cases:detail", args=[jobs.case.pk])
    page = client.get(reverse("cases:detail", args=[jobs.case.pk])).content.decode()
    assert CaseEvent.objects.filter(kind="jobs.need.suggested").count() == 1
    assert "til behovet: Elektrikere" in page


def test_outcome_from_the_need_page(jobs, login):
    client = login(jobs.coordinator)
    client.post(
        reverse("jobs:suggest", args=[jobs.need.pk]), {"case": jobs.case.pk, "person": "partner"}
    )
    suggestion = NeedSuggestion.objects.get()
    login(jobs.boss)
    response = client.post(
        reverse("jobs:outcome", args=[jobs.need.pk, suggestion.pk]), {"outcome": "placed"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.outcome == "placed"


@pytest.mark.parametrize("n", [1, 10])
def test_need_pages_queries_are_flat(jobs, login, n, django_assert_max_num_queries):
    from tests.jobs.test_matching import _many

    _many(jobs, n)
    client = login(jobs.coordinator)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("jobs:detail", args=[jobs.need.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("jobs:list")).status_code == 200


def test_case_page_lists_only_the_readers_employers_needs(jobs, login):
    """A member of employer A who sees a case shared with A never sees employer B's needs."""
    from cases.assignment import case_share

    rival_need = services.need_create(
        employer=jobs.rival,
        occupation=occupation("222"),
        municipality=jobs.narvik,
        contact_name="Kari Rival",
        actor=jobs.coordinator,
    )
    case_share(case=jobs.case, organisation=jobs.firm, actor=jobs.coordinator)
    page = login(jobs.boss).get(reverse("cases:detail", args=[jobs.case.pk])).content.decode()
    assert "Narvik Elektro" in page
    assert "Ofoten Kraft" not in page
    assert reverse("jobs:detail", args=[rival_need.pk]) not in page
    fits = needs_for_case(case=jobs.case, user=jobs.boss)
    assert [x.need.pk for x in fits] == [jobs.need.pk]
    coordinator_fits = needs_for_case(case=jobs.case, user=jobs.coordinator)
    assert {x.need.pk for x in coordinator_fits} == {jobs.need.pk, rival_need.pk}


def test_after_consent_withdrawal_the_employer_no_longer_sees_the_case(jobs, login):
    """The share ends with the consent: no reference on the need's page, no outcome."""
    from cases import services as case_services
    from contacts.models import Consent

    services.need_suggest(need=jobs.need, case=jobs.case, person="partner", actor=jobs.coordinator)
    suggestion = NeedSuggestion.objects.get()
    client = login(jobs.boss)
    page = client.get(reverse("jobs:detail", args=[jobs.need.pk])).content.decode()
    assert jobs.case.reference in page
    case_services.consent_withdraw(
        newcomer=jobs.nurse, scope=Consent.Scope.EMPLOYER, actor=jobs.coordinator
    )
    page = client.get(reverse("jobs:detail", args=[jobs.need.pk])).content.decode()
    assert jobs.case.reference not in page
    assert reverse("cases:detail", args=[jobs.case.pk]) not in page
    assert "En tilflytter" in page
    events = CaseEvent.objects.filter(case=jobs.case).count()
    response = client.post(
        reverse("jobs:outcome", args=[jobs.need.pk, suggestion.pk]), {"outcome": "placed"}
    )
    assert response.status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.outcome == ""
    assert CaseEvent.objects.filter(case=jobs.case).count() == events
    with pytest.raises(PermissionDenied):
        services.suggestion_outcome_record(
            suggestion=suggestion, outcome="declined", actor=jobs.boss
        )


def test_an_occupation_without_a_norwegian_title_shows_the_english_one(jobs, login):
    """About 195 groups have no title_nb: the pages use Occupation.title, never blank."""
    from jobs.figures import job_figures

    jobs.need.occupation.title_nb = ""
    jobs.need.occupation.title_en = "Electricians (en)"
    jobs.need.occupation.save()
    services.need_suggest(need=jobs.need, case=jobs.case, person="partner", actor=jobs.coordinator)
    sub_major = occupation("74")
    sub_major.title_nb, sub_major.title_en = "", "Electrical trades (en)"
    sub_major.save()
    client = login(jobs.coordinator)
    detail = client.get(reverse("jobs:detail", args=[jobs.need.pk])).content.decode()
    assert "<title>Electricians (en)" in detail, detail[:400]
    assert "7411 Electricians (en)</h1>" in detail
    assert "7411 Electricians (en)</a>" in client.get(reverse("jobs:list")).content.decode()
    other = _second_need_for_case_page(jobs)
    case_page = client.get(reverse("cases:detail", args=[jobs.case.pk])).content.decode()
    assert f'{reverse("jobs:detail", args=[other.pk])}">Electricians (en)</a>' in case_page
    form = client.get(reverse("jobs:edit", args=[jobs.need.pk])).content.decode()
    assert 'value="7411 Electricians (en)"' in form
    titles = {row.code: row.title for row in job_figures().by_sub_major}
    assert titles["74"] == "Electrical trades (en)"


def _second_need_for_case_page(jobs):
    return services.need_create(
        employer=jobs.firm,
        occupation=jobs.need.occupation,
        municipality=jobs.narvik,
        contact_name="Per",
        actor=jobs.boss,
    )


def test_need_page_buttons_name_whom_they_act_on_in_the_readers_language(jobs, login):
    client = login(jobs.coordinator)
    page = client.get(reverse("jobs:detail", args=[jobs.need.pk])).content.decode()
    hidden = f'<span class="visually-hidden"> ({jobs.case.reference}, Partneren)</span>'
    assert hidden in page
    assert ", partner)" not in page
    services.need_suggest(need=jobs.need, case=jobs.case, person="partner", actor=jobs.coordinator)
    page = client.get(reverse("jobs:detail", args=[jobs.need.pk])).content.decode()
    assert page.count(hidden) == 2  # Placed and Not placed


def test_need_form_occupation_is_the_code_picker(jobs, login):
    """Not a select of ~570 codes: the datalist picker, which takes a code or "code title"."""
    client = login(jobs.boss)
    form = client.get(reverse("jobs:create")).content.decode()
    assert "data-occupation-search" in form
    assert '<option value="7411"' not in form
    response = client.post(reverse("jobs:create"), _form(jobs, occupation="7412 Elektromekanikere"))
    assert response.status_code == 302
    assert RecruitmentNeed.objects.filter(occupation_id="7412").exists()
