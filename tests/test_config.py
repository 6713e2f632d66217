import pytest
from django.core.exceptions import ImproperlyConfigured

from config import settings as project_settings


@pytest.mark.django_db
def test_healthz_reports_database_and_eager_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "eager",
        "mailbox": "not configured",  # no IMAP_HOST (tests/conversations/test_mailbox_status.py)
    }


def test_livez_answers_without_asking_the_database_or_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # down, and not asked
    response = client.get("/livez")  # no django_db: a database query would fail the test
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert client.post("/livez").status_code == 405


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker_as_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from config.celery import app

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = None
    assert response.status_code == 503
    assert response.json()["broker"] == "error"
    assert response.json()["database"] == "ok"


def test_env_bool_rejects_a_typo(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured):
        project_settings.env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "Yes")
    assert project_settings.env_bool("SOME_FLAG", False) is True


def test_env_int_rejects_words(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured):
        project_settings.env_int("SOME_NUMBER", 1)


def test_env_str_reads_a_secret_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    assert project_settings.env_str("SOME_SECRET") == "from-a-file"


def test_env_file_works_for_every_type(monkeypatch, tmp_path):
    for name, content in (("PORT", "2525\n"), ("HOSTS", "a.example, b.example"), ("ON", "yes")):
        (tmp_path / name).write_text(content)
        monkeypatch.setenv(f"SOME_{name}_FILE", str(tmp_path / name))
    assert project_settings.env_int("SOME_PORT", 587) == 2525
    assert project_settings.env_list("SOME_HOSTS", []) == ["a.example", "b.example"]
    assert project_settings.env_bool("SOME_ON", False) is True
    monkeypatch.setenv("SOME_MISSING_FILE", str(tmp_path / "nowhere"))
    with pytest.raises(ImproperlyConfigured, match="SOME_MISSING_FILE"):
        project_settings.env_int("SOME_MISSING", 1)


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_settings_time_zone_and_languages():
    assert project_settings.TIME_ZONE == "Europe/Oslo"
    assert project_settings.LANGUAGE_CODE == "nb"
    assert [code for code, _ in project_settings.LANGUAGES][:2] == ["nb", "en"]


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_with_a_real_redis_broker(client, settings):
    from config.celery import app
    from tests.integration import REDIS_URL

    settings.CELERY_BROKER_URL = REDIS_URL
    app.conf.broker_url = REDIS_URL
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = None
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_every_admin_add_form_renders_its_widgets(admin_client):
    """Form widgets render with Jinja2 (config/forms.py); the admin's own widgets (related
    links, date pickers, filtered selects) exist only as Django templates and must still
    be found."""
    from django.contrib import admin
    from django.urls import reverse

    opened = 0
    pages = []
    for model in admin.site._registry:
        meta = model._meta
        response = admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        if response.status_code == 403:  # read-only in admin (the outbox, the logs)
            continue
        assert response.status_code == 200, meta.label
        opened += 1
        assert b"<form" in response.content
        pages.append(response.content.decode())
    assert opened >= 10
    # The related-object wrapper and the admin's date widget come from the admin's templates.
    assert any('class="related-widget-wrapper"' in page for page in pages)
    assert any('class="vDateField"' in page for page in pages)


@pytest.mark.django_db
def test_form_help_text_marked_safe_stays_html_and_the_rest_is_escaped(world, client):
    """Fields render with Jinja2 (config/forms.py). The password rules are an HTML list that
    Django marks safe behind a lazy string; a label or help text from data is escaped."""
    from django import forms
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(world.owner.pk))
    token = default_token_generator.make_token(world.owner)
    start = client.get(reverse("password_reset_confirm", args=[uid, token]))
    page = client.get(start["Location"]).content.decode()
    assert '<div class="helptext" id="id_new_password1_helptext"><ul><li>' in page
    assert "&lt;ul&gt;" not in page

    class Hostile(forms.Form):
        name = forms.CharField(label="<b>Name</b>", help_text="<i>from data</i>")

    html = str(Hostile()["name"].as_field_group())
    assert "&lt;b&gt;Name&lt;/b&gt;" in html and "&lt;i&gt;from data&lt;/i&gt;" in html
    assert "<b>" not in html and "<i>" not in html


def test_redis_cache_gives_up_on_a_silent_host_within_its_timeout():
    """A cache host that accepts connections but never answers (or drops packets) costs a
    request about a second (config.settings.CACHE_REDIS_OPTIONS), not minutes."""
    import socket
    import threading
    import time

    from django.core.cache.backends.redis import RedisCache

    with socket.socket() as silent:  # listens, never answers: the kernel accepts for it
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        cache = RedisCache(
            f"redis://127.0.0.1:{port}/0", {"OPTIONS": project_settings.CACHE_REDIS_OPTIONS}
        )
        outcome = []

        def read() -> None:
            try:
                cache.get("dashboard:any")
            except Exception as exc:  # the timeout we expect
                outcome.append(exc)

        reader = threading.Thread(target=read, daemon=True)  # a hang fails, not blocks
        started = time.monotonic()
        reader.start()
        reader.join(timeout=5)
        assert not reader.is_alive(), "the cache read waited for a silent host"
        assert time.monotonic() - started < 3
        assert outcome and "timeout" in type(outcome[0]).__name__.lower()


@pytest.mark.django_db
def test_database_connections_get_the_vendor_options():
    # SQLite: a busy timeout and secure_delete (erased text is zeroed in freed pages).
    # PostgreSQL: no JIT compilation (it cost "My work" 41 of 66 ms at a million cases);
    # options given in DATABASE_URL win there.
    from django.db import connection

    from config.env import database_options

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA secure_delete")
            assert cursor.fetchone()[0] == 1
        else:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == "0"
    postgres = {"ENGINE": "django.db.backends.postgresql"}
    assert database_options(postgres) == {
        "options": "-c jit=off -c max_parallel_workers_per_gather=0"
    }
    assert database_options({**postgres, "OPTIONS": {"options": "-c jit=on"}}) == {
        "options": "-c jit=on"
    }
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "OPTIONS": {"timeout": 1}}
    assert database_options(sqlite)["timeout"] == 20
