"""Authorisation audit: every URL pattern and API route, taken from the resolver, against
the role matrix, so that a new route cannot be forgotten.

- Each route name must be in exactly one group below; an unknown one fails the test with
  its name (decide its group when you add it).
- Anonymous: public routes answer; every other route redirects to the login (pages) or
  answers 401/403 (API); routes behind a newcomer's personal link answer 404 to a wrong link.
- A persona without access: another organisation's member gets 404/403 on the world's case
  and its newcomer; someone with no membership gets 403/404 on team-wide pages.
- Every state-changing route refuses a POST without a CSRF token on a logged-in session.
- No GET changes data: the row count of every model is the same after a coordinator has
  opened every route.
"""

from collections.abc import Iterator
from datetime import date

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contacts.models import Consent
from contacts.services import api_token_create
from tests import factories as f


def _walk(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, list[str]]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or f"<unnamed {entry.pattern}>"
            full = f"{namespace}:{name}" if namespace else name
            yield full, list(entry.pattern.regex.groupindex)


def routes() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, params in _walk(get_resolver()):
        found.setdefault(name, params)
    return found


# --- The role matrix ------------------------------------------------------------------------

# Anyone may use these.
PUBLIC = {
    "home",
    "healthz",
    "livez",
    "set_language",
    "accessibility",
    "intake:form",
    "intake:received",
    "api:intake",
    # The OpenAPI contract and its docs page describe the API; they hold no data.
    "api-schema",
    "api-docs",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "privacy:notice",
    "portal:request",
    "portal:request-sent",
    "admin:login",
    # Sign-in: the login page, the provider's way in and back, a refusal, logging out.
    "accounts:login",
    "accounts:sign-out",
    "accounts:oidc-start",
    "accounts:oidc-callback",
    "accounts:sign-in-refused",
}
# The newcomer's own page: the secret in the URL is the credential; a wrong one is a 404.
SECRET_LINK = {
    "portal:page",
    "portal:welcome-pack",
    "portal:welcome-pack-pdf",
    "portal:step-done",
    "portal:step-undo",
    "portal:message",
    "portal:details",
    "portal:reminders",
    "portal:consent-withdraw",
    "portal:checkin",
    "portal:checkin-stop",
}
# A logged-in person's own account: open to anyone logged in, about themselves only.
OWN_ACCOUNT = {
    "password_change",
    "password_change_done",
    "accounts:two-factor-setup",
    "accounts:two-factor-verify",
    "accounts:sign-in-waiting",
}
# Team-wide pages and lists: someone with no membership gets 403/404 or a page without the
# world's case.
TEAM = {
    # Recruitment needs: coordinators and employers' members; others 403, and another
    # employer's need (here: none with the case's id) 404.
    "jobs:list",
    "jobs:create",
    "jobs:detail",
    "jobs:edit",
    "jobs:close",
    "jobs:suggest",
    "jobs:outcome",
    "api:needs-list",
    "api:needs-create",
    "api:needs-detail",
    "api:needs-update",
    "api:needs-close",
    "cases:list",
    "cases:mine",
    "cases:create",
    # Saved views are their owner's (another's answers 404); bulk actions check each case.
    "cases:views",
    "cases:view-create",
    "cases:view-rename",
    "cases:view-share",
    "cases:view-delete",
    "cases:bulk",
    "cases:bulk-done",
    "contacts:tokens",
    "contacts:token-create",
    "contacts:token-revoke",
    "reports:dashboard",
    "reports:export",
    "reports:report-pdf",
    # Occupations without a code: over the visible cases; coding a text everywhere is for
    # coordinators only (others 403).
    "reports:occupations-unmapped",
    "reports:occupations-unmapped-code",
    # The occupation classification (public reference data) for the pickers: any signed-in
    # user, no personal data in or out.
    "occupations:search",
    "reminders:preferences",
    "privacy:access-log",
    "privacy:requests",
    "privacy:request-complete",
    "api:cases-list",
    "api:cases-create",
    "api:followups-mine",
    "api:topics-list",
    "api:organisations-list",
    "conversations:template-list",
    "conversations:template-create",
    "conversations:template-edit",
    "accounts:people",
    "accounts:person-deactivate",
    "accounts:person-invite",
    "accounts:person",
    "accounts:membership-delete",
    # The administration screens: coordinators only (others 403).
    "administration:index",
    "administration:organisation-list",
    "administration:organisation-create",
    "administration:organisation-edit",
    "administration:template-list",
    "administration:template-create",
    "administration:template-edit",
    "administration:step-create",
    "administration:step-edit",
    "administration:step-delete",
    "administration:offer-list",
    "administration:offer-create",
    "administration:offer-edit",
    "administration:topic-list",
    "administration:topic-create",
    "administration:topic-edit",
    "imports:offers",
    # Coordinators only (others 403).
    "imports:upload",
    "imports:mapping",
    "imports:preview",
    "imports:run",
    "imports:done",
    "imports:cancel",
    "outcomes:needs",
    "outcomes:need-tag",
}
# The world's case or its newcomer: another organisation's member gets 404 (or 403).
CASE = {
    "cases:detail",
    "cases:newcomer-edit",
    "cases:household-member-edit",
    "cases:handle",
    "cases:take",
    "cases:assign",
    "cases:set-organisation",
    "cases:share",
    "cases:unshare",
    "cases:status",
    "cases:priority",
    "cases:note-add",
    "cases:followup-add",
    "cases:followup-complete",
    "cases:consent-withdraw",
    "onboarding:plan-start",
    "onboarding:plan-move-date",
    "onboarding:step-add",
    "onboarding:step-done",
    "onboarding:step-skip",
    "onboarding:step-reopen",
    "onboarding:step-reassign",
    "onboarding:welcome-pack-preview",
    "onboarding:welcome-pack-send",
    "portal-staff:link-send",
    "portal-staff:link-revoke",
    "privacy:newcomer",
    "privacy:export-json",
    "privacy:export-pdf",
    "privacy:erase",
    "privacy:request-create",
    "api:cases-detail",
    "api:cases-update",
    "api:cases-assign",
    "api:cases-take",
    "api:steps-reassign",
    "api:cases-status",
    "api:cases-share",
    "api:cases-unshare",
    "api:notes-list",
    "api:notes-add",
    "api:followups-list",
    "api:followups-add",
    "api:followups-complete",
    "api:cases-timeline",
    "api:newcomers-detail",
    "api:plans-detail",
    "api:steps-list",
    "api:steps-complete",
    "api:steps-skip",
    "api:welcome-packs-list",
    "api:welcome-packs-send",
    "api:welcome-packs-download",
    "conversations:send",
    "conversations:attachment",
    "conversations:newcomer-confirm",
    "imports:consent-confirm",
    "api:messages-list",
    "api:messages-send",
    "outcomes:phone-answer",
}
# Routes whose `pk` is the newcomer's, not the case's.
NEWCOMER_PK = {
    "api:newcomers-detail",
    "privacy:newcomer",
    "privacy:export-json",
    "privacy:export-pdf",
    "privacy:erase",
    "privacy:request-create",
}
# Rows that a GET writes by design: the privacy access log records who opened what.
GET_MAY_WRITE = {"audit.accesslogentry"}


def _group(name: str) -> str | None:
    for label, names in [
        ("public", PUBLIC),
        ("secret", SECRET_LINK),
        ("own", OWN_ACCOUNT),
        ("team", TEAM),
        ("case", CASE),
    ]:
        if name in names:
            return label
    if name.startswith("admin:"):
        return "admin"  # every admin page needs is_staff (admin_view)
    return None


def test_audit_every_route_is_in_the_matrix():
    names = routes()
    unknown = sorted(name for name in names if _group(name) is None)
    assert unknown == [], f"Routes not in the audit's role matrix: {unknown}"
    stale = sorted((PUBLIC | SECRET_LINK | OWN_ACCOUNT | TEAM | CASE) - set(names))
    assert stale == [], f"Routes in the matrix that no longer exist: {stale}"
    assert len(names) > 100  # API and admin routes included


@pytest.fixture
def urls(world):
    """Every route's URL, its parameters filled from the world."""
    followup = f.make_followup(case=world.case, assignee=world.owner, due_date=date(2030, 1, 1))
    token, _secret = api_token_create(user=world.owner, name="Audit")
    values = {
        "pk": world.case.pk,
        "followup_pk": followup.pk,
        "step_pk": 1,
        "template_pk": 1,
        "membership_pk": 1,
        "member_pk": 1,
        "checkin_pk": 1,
        "suggestion_pk": 1,
        "attachment_pk": 1,
        "scope": Consent.Scope.MUNICIPALITY,
        "table": "topics",
        "secret": "not-a-real-link",
        "uidb64": "MQ",
        "token": "set-password",
        "app_label": "auth",
        "object_id": str(world.owner.pk),
        "content_type_id": "1",
        "id": str(world.owner.pk),
        "url": "no-such-admin-page/",
        "name": "no-such-provider",
    }
    built = {}
    for name, params in routes().items():
        kwargs = {param: values[param] for param in params}
        if name in NEWCOMER_PK:
            kwargs["pk"] = world.newcomer.pk
        elif name == "contacts:token-revoke":
            kwargs["pk"] = token.pk
        if name.startswith("admin:<unnamed"):
            built[name] = "/admin/" + values["url"]
        else:
            built[name] = reverse(name, kwargs=kwargs)
    return built


def _call(client: Client, url: str, *, get_only: bool = False):
    """GET, or the route's write method when it refuses GET (POST, else PATCH)."""
    response = client.get(url)
    if response.status_code == 405 and not get_only:
        response = client.post(url)
        if response.status_code == 405:
            response = client.patch(url)
    return response


def _is_login_redirect(response, admin: bool = False) -> bool:
    login = "/admin/login/" if admin else reverse("login")
    return response.status_code == 302 and response["Location"].startswith(login)


def test_audit_anonymous_is_sent_to_the_login_or_refused(urls):
    client = Client()
    wrong = []
    for name, url in sorted(urls.items()):
        group = _group(name)
        response = _call(client, url)
        code = response.status_code
        if group == "public":
            ok = code < 500
        elif group == "secret":
            ok = code == 404
        elif group == "admin":
            ok = _is_login_redirect(response, admin=True) or (
                name == "admin:logout" and code in (302, 405)  # to the admin's start page
            )
        elif name.startswith("api:"):
            ok = code in (401, 403)
        else:
            ok = _is_login_redirect(response)
        if not ok:
            wrong.append(f"{name} {url} -> {code}")
    assert wrong == []


def test_audit_personas_without_access_are_refused(world, urls):
    outsider, nobody = Client(), Client()
    outsider.force_login(world.outsider)
    nobody.force_login(world.nobody)
    secrets = [world.case.reference, world.newcomer.name, world.newcomer.email]
    wrong = []
    for name, url in sorted(urls.items()):
        group = _group(name)
        if group == "case":
            response = _call(outsider, url)
            if response.status_code not in (403, 404):
                wrong.append(f"outsider {name} {url} -> {response.status_code}")
        elif group == "team":
            response = _call(nobody, url)
            body = response.content.decode(errors="replace")
            if response.status_code not in (403, 404) and any(s in body for s in secrets):
                wrong.append(f"nobody {name} {url} -> {response.status_code} shows the case")
            if response.status_code >= 500:
                wrong.append(f"nobody {name} {url} -> {response.status_code}")
        elif group == "admin" and name not in ("admin:login", "admin:logout"):
            response = _call(nobody, url)
            if not _is_login_redirect(response, admin=True):
                wrong.append(f"nobody {name} {url} -> {response.status_code}")
    assert wrong == []


def test_audit_every_write_without_a_csrf_token_is_refused(world, urls):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.coordinator)
    accepted = []
    for name, url in sorted(urls.items()):
        if name == "api:intake":
            continue  # JSON for other sites: no session, no cookie (CORS, see docs/api.md)
        # The API parses JSON only (a form body would be refused with 415 first).
        body = {"data": "{}", "content_type": "application/json"} if "/api/" in url else {}
        for method in (client.post, client.patch):
            response = method(url, **body)
            if response.status_code not in (403, 405):
                accepted.append(f"{method.__name__.upper()} {name} {url} -> {response.status_code}")
    assert accepted == [], "\n".join(accepted)


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in GET_MAY_WRITE
    }


def test_audit_no_get_changes_data(world, urls):
    client = Client()
    client.force_login(world.coordinator)
    before = _row_counts()
    for _name, url in sorted(urls.items()):
        response = client.get(url)
        if response.streaming:
            # Read to the end: the test client then closes the file without closing the
            # database connection (response.close() would, through request_finished).
            b"".join(response.streaming_content)
    after = _row_counts()
    changed = {
        label: (before[label], after[label]) for label in before if before[label] != after[label]
    }
    assert changed == {}
