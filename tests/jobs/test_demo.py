from contacts.models import Consent, HouseholdMember, Municipality
from demo.jobs import jobs_seed
from demo.people import organisations_seed, users_seed
from jobs.matching import candidates_for_need
from jobs.models import RecruitmentNeed
from tests import factories as f


def test_demo_need_fits_the_nurses_partner(db):
    """demo.occupations makes one demo household a nurse with an electrician partner; the
    demo's need is for an electrician where she plans to live."""
    orgs = organisations_seed()
    users = users_seed(orgs=orgs, password="pw-for-the-demo-test")
    nurse = f.make_newcomer(
        email="demo-0001@example.org",
        scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.EMPLOYER),
        municipality=Municipality.objects.get(name="Narvik"),
        occupation="sykepleier",
    )
    HouseholdMember.objects.create(newcomer=nurse, relation="partner", name="Partner")
    f.make_case(newcomer=nurse, organisation=orgs["kommune"])
    assert jobs_seed(orgs=orgs, users=users) == 1
    assert jobs_seed(orgs=orgs, users=users) == 0  # a second run adds nothing
    need = RecruitmentNeed.objects.get(employer__name="Narvik Næringsforening")
    assert need.occupation_id == "7411" and need.municipality.name == "Narvik"
    [candidate] = candidates_for_need(need=need, user=users["koordinator"])
    assert candidate.newcomer == nurse
    assert (candidate.person, candidate.fit, candidate.visible) == ("partner", "exact", True)
    [hidden] = candidates_for_need(need=need, user=users["naering"])
    assert not hidden.visible
