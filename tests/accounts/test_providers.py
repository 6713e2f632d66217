"""The providers' settings and the rules their claims go through, and the just-in-time
account they lead to (accounts.providers, accounts.services.identity_sign_in)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

from accounts.models import SignInIdentity
from accounts.providers import provider_claims_evaluate, provider_from_setting
from accounts.services import identity_sign_in
from contacts.models import Membership
from tests import factories as f

RAW = {
    "name": "narvik",
    "label": "Narvik kommune",
    "issuer": "https://login.example.org/tenant/v2.0/",
    "client_id": "client",
    "client_secret": "secret",
    "domains": ["Narvik.Kommune.no"],
    "tenant_id": "tenant",
    "roles_claim": "roles",
    "memberships": (
        "Tilflytt.Member=Narvik kommune:member; Tilflytt.Lead=Narvik kommune:coordinator;"
        "*=Narvik skole:member"
    ),
}
CLAIMS = {
    "sub": "abc",
    "tid": "tenant",
    "email": "Kari@narvik.kommune.no",
    "given_name": "Kari",
    "family_name": "Nordmann",
    "roles": ["Tilflytt.Member", "Tilflytt.Lead"],
    "amr": ["pwd", "mfa"],
}


def test_provider_from_setting_normalises():
    provider = provider_from_setting(RAW)
    assert provider.issuer == "https://login.example.org/tenant/v2.0"
    assert provider.domains == ("narvik.kommune.no",)
    assert provider.memberships == (
        ("Tilflytt.Member", "Narvik kommune", "member"),
        ("Tilflytt.Lead", "Narvik kommune", "coordinator"),
        ("*", "Narvik skole", "member"),
    )
    assert provider.managed_organisations == {"Narvik kommune", "Narvik skole"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "Narvik Kommune"}, "lower-case"),
        ({"issuer": ""}, "_ISSUER"),
        ({"domains": [], "tenant_id": ""}, "_DOMAINS or"),
        ({"memberships": "Tilflytt.Member=Narvik kommune"}, "not value=Organisation:role"),
        ({"memberships": "x=Narvik kommune:boss"}, "role 'boss'"),
    ],
)
def test_provider_from_setting_refuses_bad_settings(change, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        provider_from_setting({**RAW, **change})


def test_provider_claims_evaluate_highest_role_and_wildcard():
    decision = provider_claims_evaluate(provider=provider_from_setting(RAW), claims=CLAIMS)
    assert decision.refusal == ""
    assert decision.email == "kari@narvik.kommune.no"
    assert decision.memberships == {"Narvik kommune": "coordinator", "Narvik skole": "member"}
    assert decision.amr == ("mfa", "pwd")


@pytest.mark.parametrize(
    ("claims", "refusal"),
    [
        ({**CLAIMS, "tid": "other"}, "tenant"),
        ({**CLAIMS, "email": "kari@example.org"}, "domain"),
        ({key: value for key, value in CLAIMS.items() if key != "email"}, "domain"),
    ],
)
def test_provider_claims_evaluate_refuses(claims, refusal):
    decision = provider_claims_evaluate(provider=provider_from_setting(RAW), claims=claims)
    assert decision.refusal == refusal
    assert decision.memberships == {}


def test_provider_claims_evaluate_entra_preferred_username_and_single_role():
    claims = {**CLAIMS, "roles": "Tilflytt.Member", "amr": "pwd"}
    del claims["email"]
    claims["preferred_username"] = "kari@narvik.kommune.no"
    decision = provider_claims_evaluate(provider=provider_from_setting(RAW), claims=claims)
    assert decision.email == "kari@narvik.kommune.no"
    assert decision.memberships["Narvik kommune"] == "member"
    assert decision.amr == ("pwd",)


def _sign_in(claims):
    provider = provider_from_setting(RAW)
    decision = provider_claims_evaluate(provider=provider, claims=claims)
    return identity_sign_in(provider=provider, claims=claims, decision=decision)


def test_identity_sign_in_creates_then_finds_and_syncs(world):
    kari = _sign_in(CLAIMS)
    assert kari.username == "kari@narvik.kommune.no"
    assert not kari.has_usable_password()
    roles = dict(Membership.objects.filter(user=kari).values_list("organisation__name", "role"))
    assert roles == {"Narvik kommune": "coordinator", "Narvik skole": "member"}
    # A coordinator gave her NAV by hand: not the provider's to take away.
    Membership.objects.create(user=kari, organisation=world.nav)
    # Removed from the lead group, e-mail renamed: same user (by subject), role lowered.
    again = _sign_in({**CLAIMS, "roles": ["Tilflytt.Member"], "email": "k.n@narvik.kommune.no"})
    assert again.pk == kari.pk
    roles = dict(Membership.objects.filter(user=kari).values_list("organisation__name", "role"))
    assert roles == {"Narvik kommune": "member", "Narvik skole": "member", "NAV Narvik": "member"}
    # Removed from every group: only the hand-given membership is left (* still matches).
    _sign_in({**CLAIMS, "roles": []})
    names = set(Membership.objects.filter(user=kari).values_list("organisation__name", flat=True))
    assert names == {"Narvik skole", "NAV Narvik"}
    identity = SignInIdentity.objects.get(user=kari)
    assert identity.amr == ["mfa", "pwd"]
    assert identity.last_sign_in_at is not None


def test_identity_sign_in_links_existing_user_in_the_domain(world):
    existing = f.make_user(username="kari", email="kari@narvik.kommune.no")
    assert _sign_in(CLAIMS).pk == existing.pk
    assert get_user_model().objects.filter(email__iexact="kari@narvik.kommune.no").count() == 1


def test_identity_sign_in_never_links_outside_the_domains(world):
    raw = {**RAW, "domains": [], "tenant_id": "tenant"}
    provider = provider_from_setting(raw)
    existing = f.make_user(username="kari", email="kari@narvik.kommune.no")
    decision = provider_claims_evaluate(provider=provider, claims=CLAIMS)
    user = identity_sign_in(provider=provider, claims=CLAIMS, decision=decision)
    assert user.pk != existing.pk
