"""Extra lines of the health check (/healthz) that apps add (config.registry): each is
reported, never failing the check, and only asked while the database answers."""

from collections.abc import Callable
from datetime import datetime

from config.registry import Registry

# name -> function(now) returning a short state such as "ok", "stale" or "not_configured".
health_reports: Registry[Callable[[datetime], str]] = Registry("health reports")
