"""The organisations' OpenID Connect providers: their settings, their discovery documents,
and what a provider's claims decide (allowed or refused, and which memberships).

`provider_claims_evaluate` is pure (no database, no network): the rules in one place, so
they are tested without a provider. The writes it leads to are
`accounts.services.identity_sign_in`.
"""

import re
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from contacts.models import Membership

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
# Membership roles, lowest first: several matching claim values give the highest.
ROLE_ORDER = [Membership.Role.MEMBER, Membership.Role.COORDINATOR, Membership.Role.ADMIN]
DISCOVERY_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    domains: tuple[str, ...] = ()
    tenant_id: str = ""
    roles_claim: str = "roles"
    # (claim value, organisation name, role); the value "*" matches every sign-in.
    memberships: tuple[tuple[str, str, str], ...] = ()
    scopes: str = "openid email profile"

    @property
    def managed_organisations(self) -> set[str]:
        """The organisations whose memberships this provider decides at each sign-in."""
        return {organisation for _value, organisation, _role in self.memberships}


@dataclass(frozen=True)
class Decision:
    """What one sign-in's claims decide. `refusal` is a code (see REFUSALS in views)."""

    refusal: str = ""
    email: str = ""
    memberships: dict[str, str] = field(default_factory=dict)  # organisation name -> role
    amr: tuple[str, ...] = ()


def _parse_memberships(name: str, raw: str) -> tuple[tuple[str, str, str], ...]:
    entries = []
    for item in (part.strip() for part in raw.split(";")):
        if not item:
            continue
        value, sep, target = item.partition("=")
        organisation, colon, role = target.rpartition(":")
        if not sep or not colon or not value.strip() or not organisation.strip():
            raise ImproperlyConfigured(
                f"OIDC_{name.upper()}_MEMBERSHIPS: {item!r} is not value=Organisation:role"
            )
        if role.strip() not in Membership.Role.values:
            raise ImproperlyConfigured(
                f"OIDC_{name.upper()}_MEMBERSHIPS: role {role.strip()!r} is not one of "
                + ", ".join(Membership.Role.values)
            )
        entries.append((value.strip(), organisation.strip(), role.strip()))
    return tuple(entries)


def provider_from_setting(raw: dict[str, object]) -> Provider:
    name = str(raw["name"])
    if not NAME_RE.match(name):
        raise ImproperlyConfigured(
            f"OIDC_PROVIDERS: {name!r} must be lower-case letters, digits and hyphens"
        )
    issuer = str(raw.get("issuer") or "").rstrip("/")
    client_id = str(raw.get("client_id") or "")
    domains = tuple(str(d).lower().lstrip("@") for d in raw.get("domains") or [])  # type: ignore[attr-defined]
    tenant_id = str(raw.get("tenant_id") or "")
    prefix = f"OIDC_{name.upper().replace('-', '_')}"
    if not issuer or not client_id:
        raise ImproperlyConfigured(f"{prefix}_ISSUER and {prefix}_CLIENT_ID are required")
    if not domains and not tenant_id:
        # Otherwise anybody with an account at a multi-tenant provider could come in.
        raise ImproperlyConfigured(f"{prefix}_DOMAINS or {prefix}_TENANT_ID is required")
    return Provider(
        name=name,
        label=str(raw.get("label") or name),
        issuer=issuer,
        client_id=client_id,
        client_secret=str(raw.get("client_secret") or ""),
        domains=domains,
        tenant_id=tenant_id,
        roles_claim=str(raw.get("roles_claim") or "roles"),
        memberships=_parse_memberships(name, str(raw.get("memberships") or "")),
        scopes=str(raw.get("scopes") or "openid email profile"),
    )


def providers_all() -> list[Provider]:
    """Every configured provider, in the order of OIDC_PROVIDERS (the sign-in page's)."""
    return [provider_from_setting(raw) for raw in settings.OIDC_PROVIDERS]


def provider_get(name: str) -> Provider | None:
    return next((p for p in providers_all() if p.name == name), None)


def provider_metadata(provider: Provider) -> dict[str, str]:
    """The provider's discovery document (endpoints), cached for an hour: a sign-in costs
    no extra round trip, and a key rotation is picked up from the JWKS URL itself."""
    key = f"oidc-discovery:{provider.issuer}"
    metadata: dict[str, str] | None = cache.get(key)
    if metadata is None:
        response = requests.get(
            f"{provider.issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        metadata = response.json()
        cache.set(key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata


def _claim_values(claims: dict[str, object], name: str) -> set[str]:
    value = claims.get(name)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    return set()


def claims_email(claims: dict[str, object]) -> str:
    """The e-mail address: `email`, else Entra ID's `preferred_username` when it is one (the
    sign-in name, in a domain verified in the tenant)."""
    for key in ("email", "preferred_username"):
        value = claims.get(key)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    return ""


def provider_claims_evaluate(*, provider: Provider, claims: dict[str, object]) -> Decision:
    """Allowed or refused, and the memberships in the organisations the provider manages.

    Refused: another tenant than TENANT_ID; no e-mail, or one outside DOMAINS (when set).
    A memberships mapping that matches nothing is not a refusal: the person signs in and
    waits for a coordinator (and loses the memberships the mapping had given)."""
    amr = tuple(sorted(_claim_values(claims, "amr")))
    if provider.tenant_id and claims.get("tid") != provider.tenant_id:
        return Decision(refusal="tenant", amr=amr)
    email = claims_email(claims)
    if provider.domains and email.rpartition("@")[2] not in provider.domains:
        return Decision(refusal="domain", email=email, amr=amr)
    values = _claim_values(claims, provider.roles_claim)
    memberships: dict[str, str] = {}
    for value, organisation, role in provider.memberships:
        if value != "*" and value not in values:
            continue
        current = memberships.get(organisation)
        if current is None or ROLE_ORDER.index(role) > ROLE_ORDER.index(current):  # type: ignore[arg-type]
            memberships[organisation] = role
    return Decision(email=email, memberships=memberships, amr=amr)
