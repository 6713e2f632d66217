"""The test world: three organisations and personas who manage a case, can only read it,
or cannot see it at all.

- `kommune` (municipality) is responsible for `case`; `owner` is a member there and owns it.
- `skole` (school) has the case shared with it: `reader` can see it but not manage it.
- `nav` (NAV): the newcomer did not consent to NAV; `outsider` sees nothing.
- `coordinator` is a coordinator in `kommune` and sees every case.
- `nobody` is a logged-in user with no membership.
"""

import os
import shutil
from types import SimpleNamespace

import pytest
from django.db import connection

from contacts.models import Consent, Membership, Organisation
from tests import factories as f

# Real-worker fixtures (smtp, broker, workers) for the integration tests; the S3 emulator.
pytest_plugins = ["tests.integration", "tests.s3"]


def _redis_reachable() -> bool:
    import redis

    from tests.integration import REDIS_URL

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _dovecot_installed() -> bool:
    """As tests/conversations/conftest.py finds it (DOVECOT overrides; /usr/sbin may not be
    on PATH)."""
    path = os.environ.get("DOVECOT") or shutil.which("dovecot") or "/usr/sbin/dovecot"
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _moto_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("moto") is not None


def _stack_missing() -> str:
    """What the multi-process run lacks on this machine besides PostgreSQL, or ''."""
    from tests.browser.conftest import CHROMIUM

    missing = []
    if not _redis_reachable():
        missing.append("Redis (TEST_REDIS_URL)")
    if not _moto_installed():
        missing.append("moto[server] (the dev extras)")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"chromium at {CHROMIUM}")
    return ", ".join(missing)


def pytest_collection_modifyitems(config, items):
    """Tests that need a real service.

    - `postgres`: run when DATABASE_URL points at PostgreSQL (CI's second pass); on SQLite
      they are skipped with a reason. A missing server then fails the database set-up.
    - `redis`: run when Redis answers; with CI=true a missing Redis fails them instead of
      skipping, so CI cannot pass without really using it.
    - `imap`: run when dovecot is installed (the `dovecot` fixture starts its own); with
      CI=true they run anyway and the fixture fails them when it is missing.
    - `s3`: run against moto's S3 server on loopback (tests/s3.py); without moto (the dev
      extras) they are skipped, but with CI=true they run and fail.
    - `stack`: the multi-process run (tests/multiprocess/) needs all of them and chromium.
      Like `postgres`, it runs only when DATABASE_URL points at PostgreSQL (CI's second
      pass; the SQLite pass skips it even with CI=true). There, with CI=true, a missing
      Redis, moto or chromium fails it; on a laptop it is skipped with the reason.
    """
    uses_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    in_ci = os.environ.get("CI", "").lower() == "true"
    redis_ok = None
    stack_missing = None
    for item in items:
        if "postgres" in item.keywords and not uses_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (CI's PostgreSQL pass)"))
        if "redis" in item.keywords and not in_ci:
            if redis_ok is None:
                redis_ok = _redis_reachable()
            if not redis_ok:
                item.add_marker(pytest.mark.skip(reason="needs Redis (TEST_REDIS_URL)"))
        if "imap" in item.keywords and not in_ci and not _dovecot_installed():
            item.add_marker(
                pytest.mark.skip(
                    reason="needs dovecot (apt-get install dovecot-imapd dovecot-lmtpd)"
                )
            )
        if "s3" in item.keywords and not in_ci and not _moto_installed():
            item.add_marker(pytest.mark.skip(reason="needs moto[server] (the dev extras)"))
        if "stack" in item.keywords:
            if not uses_postgres:
                reason = "the stack run needs PostgreSQL (CI's PostgreSQL pass)"
                item.add_marker(pytest.mark.skip(reason=reason))
            elif not in_ci:
                if stack_missing is None:
                    stack_missing = _stack_missing()
                if stack_missing:
                    reason = f"the stack run needs {stack_missing}"
                    item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def world(db):
    kommune = f.make_organisation(name="Narvik kommune", kind=Organisation.Kind.MUNICIPALITY)
    skole = f.make_organisation(name="Narvik skole", kind=Organisation.Kind.SCHOOL)
    nav = f.make_organisation(name="NAV Narvik", kind=Organisation.Kind.NAV)
    coordinator = f.make_user(
        username="coordinator", organisation=kommune, role=Membership.Role.COORDINATOR
    )
    owner = f.make_user(username="owner", organisation=kommune)
    reader = f.make_user(username="reader", organisation=skole)
    outsider = f.make_user(username="outsider", organisation=nav)
    nobody = f.make_user(username="nobody")
    newcomer = f.make_newcomer(
        name="Anna Kowalska",
        email="anna@example.org",
        scopes=(Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL),
    )
    case = f.make_case(newcomer=newcomer, organisation=kommune, owner=owner, shared_with=(skole,))
    return SimpleNamespace(
        kommune=kommune,
        skole=skole,
        nav=nav,
        coordinator=coordinator,
        owner=owner,
        reader=reader,
        outsider=outsider,
        nobody=nobody,
        newcomer=newcomer,
        case=case,
    )


@pytest.fixture
def analysed():
    """tests.plans.analyse for the test, and after it the empty tables it may have filled
    analysed again: ANALYZE outlives the test's rollback, and a case count above the list's
    cap would read the estimate it left (tests/cases/test_count_estimate.py)."""
    from cases.models import Case, FollowUp
    from onboarding.models import PlanStep
    from tests.plans import analyse

    yield analyse
    PlanStep.objects.all().delete()
    FollowUp.objects.all().delete()
    Case.objects.all().delete()
    analyse("onboarding_planstep", "cases_followup", "cases_case")


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def default_language():
    """Requests leave their language active in the test thread; start each test in bokmål
    so reverse() gives unprefixed URLs whatever ran before."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def jinja2_kept_texts():
    """config.jinja2 keeps translated sentences and formatted days per process; a test that
    swaps the catalogue (monkeypatched gettext) must neither see nor leave them."""
    from config.jinja2 import kept_texts_forget

    kept_texts_forget()
    yield
    kept_texts_forget()


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache outlives a test (the dashboard's figures, rate-limit counters), and user
    ids and frozen dates repeat from test to test: start each test with nothing kept."""
    from django.core.cache import cache

    from config.pickers import pickers_pause_end

    cache.clear()
    pickers_pause_end()
    yield
    cache.clear()
    pickers_pause_end()
