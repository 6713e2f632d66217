"""Response headers on every page, private caching, and `check --deploy` in production."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def _pages(world):
    return {
        "intake": ("/intake/", None),
        "intake-en": ("/en/intake/", None),
        "login": (reverse("login"), None),
        "accessibility": ("/accessibility/", None),
        "not-found": ("/cases/no-such-page/", None),
        "mine": (reverse("cases:mine"), world.owner),
        "list": (reverse("cases:list"), world.owner),
        "detail": (reverse("cases:detail", args=[world.case.pk]), world.owner),
        "dashboard": (reverse("reports:dashboard"), world.coordinator),
        "tokens": (reverse("contacts:tokens"), world.owner),
        "two-factor": (reverse("accounts:two-factor-setup"), world.owner),
        "forbidden": (reverse("cases:detail", args=[world.case.pk]), world.outsider),
    }


@pytest.mark.django_db
def test_headers_on_every_html_page(client, world):
    for name, (url, user) in _pages(world).items():
        client.logout()
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), name
        policy = _csp(response)
        assert policy["default-src"] == "'self'", name
        assert policy["script-src"] == "'self'", name
        assert policy["style-src"] == "'self'", name
        assert policy["frame-ancestors"] == "'none'", name
        assert "unsafe-inline" not in response["Content-Security-Policy"], name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert response["X-Frame-Options"] == "DENY", name
        assert "no-store" in response["Cache-Control"], name


@pytest.mark.django_db
def test_headers_no_store_on_the_receipt_and_the_api(client, world):
    session = client.session
    session["intake_reference"] = "NR-2026-0001"
    session.save()
    receipt = client.get(reverse("intake:received"))
    assert receipt.status_code == 200
    assert "no-store" in receipt["Cache-Control"]
    client.force_login(world.owner)
    api = client.get(reverse("api:cases-detail", args=[world.case.pk]))
    assert api.status_code == 200
    assert "no-store" in api["Cache-Control"]
    assert "private" in api["Cache-Control"]


@pytest.mark.django_db
def test_headers_static_files_keep_their_cache(client):
    response = client.get("/static/js/tilflytt.js")
    b"".join(response.streaming_content)  # read to the end, which closes the file
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.django_db
def test_headers_api_docs_page_loosens_styles_only_there(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    policy = _csp(response)
    assert policy["script-src"] == "'self'"
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["frame-ancestors"] == "'none'"
    html = response.content.decode()
    # Every script is a file from this site (the start script is the split view's ?script).
    assert "<script>" not in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert len(scripts) == 3 and all(src.startswith("/") for src in scripts)
    start = client.get(scripts[-1])
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")


def test_headers_templates_have_no_inline_scripts_or_styles():
    """What lets the policy forbid inline code: no <script> without src, no <style>, no
    style= or on*= attributes in any web page template (e-mails are not web pages)."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "emails" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)", r"<style", r"\sstyle=", r"\son[a-z]+="):
            if re.search(pattern, text):
                offenders.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert offenders == []


def test_headers_cookie_and_https_settings_in_production():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECURE_SSL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="tilflytt.example",
    )
    code = (
        "from django.conf import settings as s; import django; django.setup(); "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT, "
        "s.TWO_FACTOR_REQUIRED)"
    )
    result = subprocess.run(  # noqa: S603  # our own interpreter and a fixed command
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "Lax", "True", "True", "True"]


def test_headers_check_deploy_is_clean_with_production_settings():
    # Not the test process's own switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    skip = ("DEBUG", "SECURE_SSL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="tilflytt.example",
        CACHE_URL="redis://127.0.0.1:6379/9",  # only named: the checks do not connect
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
