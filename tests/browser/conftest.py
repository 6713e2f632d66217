"""Real-browser journeys: pytest-playwright driving Debian's chromium against the live server.

- No browser download: Playwright launches /usr/bin/chromium (CHROMIUM to override). `.ci/run`
  installs it from Debian's packages when it is missing.
- Without chromium these tests are skipped with the reason; with CI=true a missing chromium
  fails them, so CI cannot pass without really running them.
- The live server runs in a thread of this process; Playwright's sync API runs an event loop
  in the test thread, so Django's ORM there needs DJANGO_ALLOW_ASYNC_UNSAFE.
- axe-core (bundled in axe-playwright-python) runs on every page a journey visits: no
  violation tagged WCAG 2.0/2.1 A or AA is allowed.
"""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Headless and quiet: without the background-networking flags chromium keeps trying to
# reach the network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every run writes its screenshots to test-results/ (git-ignored); with
# UPDATE_SCREENSHOTS=1 they replace those docs/guide.md shows, in docs/screenshots/.
# References and dates change each run, so writing docs/ always would leave every checkout modified.
_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = (
    _ROOT / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS") == "1"
    else _ROOT / "test-results" / "screenshots"
)


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _migrated_data_snapshot(django_db_setup, django_db_blocker):
    """The data migrations' rows (topics, municipalities, plan templates), as Django
    serialized them when it made the test database (the journeys are marked
    serialized_rollback for that). Taken here, before Playwright starts: see below."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _migrated_data(_migrated_data_snapshot, transactional_db):
    """Puts the migrated data back before each journey.

    Django restores it itself for serialized_rollback tests, from an attribute of the
    connection. But once Playwright's sync API runs, the test thread has a running event
    loop, and Django then keeps a separate connection object for it (asgiref's Local):
    one that lacks the attribute when the database was made before Playwright started.
    So, once: empty the tables, load the snapshot and give the connection the attribute;
    Django does it for the following journeys.
    """
    from django.core.management import call_command
    from django.db import connection

    if _migrated_data_snapshot and not hasattr(connection, "_test_serialized_contents"):
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(_migrated_data_snapshot)
        connection._test_serialized_contents = _migrated_data_snapshot


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        reason = f"chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Tests inject axe-core; a Content-Security-Policy must not stop that.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def check_page(axe):
    """Asserts the current page has no WCAG A/AA violation axe can find; returns its URL."""

    def check(page) -> str:
        results = axe.run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        violations = results.response["violations"]
        report = [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(node["target"][0] for node in v["nodes"][:5])
            for v in violations
        ]
        assert report == [], f"axe on {page.url}:\n" + "\n".join(report)
        return page.url

    return check


@pytest.fixture
def screenshot():
    def take(page, name: str, *, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
