"""Strict helpers that read the environment for config/settings.py: each reads NAME, or
the content of the file named by NAME_FILE (container and Kubernetes secrets are mounted as
files), and a typo raises ImproperlyConfigured instead of passing silently."""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, overload

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


# The embedded default's connections: a busy timeout, or concurrent writers fail at once
# with "database is locked"; secure_delete, so that erased text is overwritten with zeros in
# the file's freed pages rather than left readable there.
SQLITE_OPTIONS = {"timeout": 20, "init_command": "PRAGMA secure_delete = ON"}
# PostgreSQL's: JIT compilation and parallel workers off. Both start on a plan's estimated
# cost, which grows with the tables although these pages read a few thousand rows. At a
# million cases compiling took 41 of the 66 ms of "My work"'s main query, and two workers
# made its walk of overdue cases 5.2 ms instead of 0.4 (docs/benchmarks.md). The dashboard's
# figures and the occupation counts take workers back for their transaction
# (reports.selectors.scope.figures_planner).
# A DATABASE_URL that names its own `options` keeps them.
POSTGRES_OPTIONS = {"options": "-c jit=off -c max_parallel_workers_per_gather=0"}


def database_options(database: Mapping[str, Any]) -> dict[str, Any]:
    """The connection options for DATABASES["default"]: the URL's, over our defaults."""
    given = database.get("OPTIONS", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return {**given, **SQLITE_OPTIONS}
    if database["ENGINE"] == "django.db.backends.postgresql":
        return {**POSTGRES_OPTIONS, **given}
    return given


def _env_raw(name: str) -> str | None:
    """NAME's value, or the content of the file named by NAME_FILE (container and
    Kubernetes secrets are mounted as files). Every helper below reads through this, so
    `<NAME>_FILE` works for every setting, whatever its type."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE names a file that cannot be read") from exc
    return os.environ.get(name)


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    """A string from NAME, or from the file named by NAME_FILE."""
    raw = _env_raw(name)
    return default if raw is None else raw


def env_bool(name: str, default: bool) -> bool:
    raw = _env_raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = _env_raw(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = _env_raw(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_oidc_providers() -> list[dict[str, object]]:
    """The OpenID Connect providers named in OIDC_PROVIDERS, each from its
    OIDC_<NAME>_* variables (config/settings.py says which)."""
    providers: list[dict[str, object]] = []
    for name in env_list("OIDC_PROVIDERS", []):
        prefix = "OIDC_" + name.upper().replace("-", "_")
        providers.append(
            {
                "name": name,
                "label": env_str(f"{prefix}_LABEL", name),
                "issuer": env_str(f"{prefix}_ISSUER", ""),
                "client_id": env_str(f"{prefix}_CLIENT_ID", ""),
                "client_secret": env_str(f"{prefix}_CLIENT_SECRET", ""),
                "domains": env_list(f"{prefix}_DOMAINS", []),
                "tenant_id": env_str(f"{prefix}_TENANT_ID", ""),
                "roles_claim": env_str(f"{prefix}_ROLES_CLAIM", "roles"),
                "memberships": env_str(f"{prefix}_MEMBERSHIPS", ""),
                "scopes": env_str(f"{prefix}_SCOPES", "openid email profile"),
            }
        )
    return providers


def template_engines(directory: Path, context_processors: list[str]) -> list[dict[str, object]]:
    """Django's template language for most pages (templates/, each app's templates/), and
    Jinja2 for the most-read staff pages (templates/jinja2/, config/jinja2.py), which
    their views ask for by name: `render(..., using="jinja2")`."""
    return [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [directory],
            "APP_DIRS": True,
            "OPTIONS": {"context_processors": context_processors},
        },
        {
            "BACKEND": "django.template.backends.jinja2.Jinja2",
            "NAME": "jinja2",
            "DIRS": [directory / "jinja2"],
            "APP_DIRS": False,
            "OPTIONS": {
                "environment": "config.jinja2.environment",
                "context_processors": [*context_processors, "config.jinja2.csrf_once"],
            },
        },
    ]
