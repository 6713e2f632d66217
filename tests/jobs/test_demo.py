from demo.jobs import NURSE_EMAIL, jobs_seed
from demo.people import organisations_seed, users_seed
from jobs.matching import candidates_for_need
from jobs.models import RecruitmentNeed


def test_demo_need_fits_the_nurses_partner(db):
    orgs = organisations_seed()
    users = users_seed(orgs=orgs, password="pw-for-the-demo-test")
    assert jobs_seed(orgs=orgs, users=users) == 1
    assert jobs_seed(orgs=orgs, users=users) == 0  # a second run adds nothing
    need = RecruitmentNeed.objects.get(employer__name="Narvik Næringsforening")
    assert need.occupation_id == "7411"
    [candidate] = candidates_for_need(need=need, user=users["koordinator"])
    assert candidate.newcomer.email == NURSE_EMAIL
    assert (candidate.person, candidate.fit, candidate.visible) == ("partner", "exact", True)
    [hidden] = candidates_for_need(need=need, user=users["naering"])
    assert not hidden.visible
