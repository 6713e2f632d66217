"""Occupation codes in the demo: what map_occupations codes from the demo's free text, and
one household the employers' journeys rely on, a nurse whose partner is an electrician."""

from cases.models import Case
from contacts.models import Consent, HouseholdMember, Newcomer
from contacts.occupation_mapping import MappingResult, map_free_text
from contacts.services import consent_record

NURSE_CODE, ELECTRICIAN_CODE = "2223", "7411"


def demo_nurse_with_electrician() -> Newcomer | None:
    """One demo household with a case still open where the newcomer is a nurse and the
    partner an electrician looking for work: the first (by e-mail) nurse with a partner
    whose consent covers employers, else the first nurse with a partner, else the first
    newcomer with a partner (made a nurse). Idempotent: a second run picks and sets the
    same household."""
    # Only households with a case still open: matching leaves closed cases out.
    with_partner = (
        Newcomer.objects.filter(
            email__startswith="demo-",
            erased_at=None,
            household__relation=HouseholdMember.Relation.PARTNER,
            cases__status__in=[Case.Status.NEW, Case.Status.OPEN, Case.Status.WAITING],
        )
        .distinct()
        .order_by("email")
    )
    employers = with_partner.filter(
        consents__scope=Consent.Scope.EMPLOYER, consents__withdrawn_at=None
    )
    nurses = ["sykepleier", "nurse"]
    chosen = (
        employers.filter(occupation__in=nurses).first()
        or with_partner.filter(occupation__in=nurses).first()
        or employers.first()
        or with_partner.first()
    )
    if chosen is None:
        return None
    nb = chosen.preferred_language == "nb"
    Newcomer.objects.filter(pk=chosen.pk).update(
        occupation=chosen.occupation if chosen.occupation in nurses else nurses[0 if nb else 1],
        occupation_code=NURSE_CODE,
        partner_needs_work=True,
        partner_occupation="elektriker" if nb else "electrician",
    )
    partner = chosen.household.filter(relation=HouseholdMember.Relation.PARTNER).order_by("pk")
    HouseholdMember.objects.filter(pk=partner[0].pk).update(
        occupation="elektriker" if nb else "electrician", occupation_code=ELECTRICIAN_CODE
    )
    # The journey needs the household's consent to sharing with employers.
    if not chosen.consents.filter(scope=Consent.Scope.EMPLOYER, withdrawn_at=None).exists():
        consent_record(newcomer=chosen, scopes=[Consent.Scope.EMPLOYER])
    chosen.refresh_from_db()
    return chosen


def demo_occupations_code() -> MappingResult:
    """Codes the demo's occupations as a team would on its first day: the mapping, then the
    one household coded by hand."""
    result = map_free_text()
    demo_nurse_with_electrician()
    return result
