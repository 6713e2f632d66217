"""The dashboard's figures, kept for a short while (settings.DASHBOARD_CACHE_SECONDS).

Each period figure reads the period's cases, so the page costs more as the region grows
(40 ms at 10,000 cases, about 100 ms at 100,000, up to 300 ms for a year). Most visits
repeat a view someone just opened, so the figures are kept for two minutes by default and
the page says when they were computed, with a link to recompute them. The CSV exports and
the monthly PDF are rare and must be exact: they do not use this.
"""

import hashlib
import json
import logging
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from contacts.selectors import staff_access
from reports import selectors
from reports.forms import DashboardFilters
from reports.periods import PeriodPair
from reports.selectors import Dashboard, User

logger = logging.getLogger(__name__)

# Bump when Dashboard (or a dataclass it holds) changes shape: entries are pickled, and an
# entry written by the previous release must not be read as the new one.
KEY_VERSION = "v1"


def dashboard_cache_key(
    *, user: User, periods: PeriodPair, filters: DashboardFilters, today: date
) -> str:
    """One entry per person, language and everything the figures depend on.

    - The user's id: what a member may see is decided by `case_list_visible`, and two
      people never share an entry, so nobody is shown figures computed over someone
      else's cases. Their memberships too (read once per request already), so a changed
      role or organisation takes effect at once rather than when the entry expires.
    - The language: the figures carry labels already translated by the selectors (statuses,
      stages, channels, topic names, "Nobody"), so an entry is only good in its language.
    - Today's date: "overdue now" and the running periods end today.
    """
    access = staff_access(user)
    parts = {
        "user": user.pk,
        "access": [access.sees_all, sorted(access.organisation_ids)],
        "language": get_language() or "",
        "current": [periods.current.first_day.isoformat(), periods.current.last_day.isoformat()],
        "previous": [
            periods.previous.first_day.isoformat(),
            periods.previous.last_day.isoformat(),
        ],
        "municipality": filters.municipality_id,
        "organisation": filters.organisation_id,
        "target_group": filters.target_group,
        "today": today.isoformat(),
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return f"dashboard:{KEY_VERSION}:{digest}"


def dashboard_figures_cached(
    *,
    user: User,
    periods: PeriodPair,
    filters: DashboardFilters,
    today: date,
    refresh: bool = False,
) -> tuple[Dashboard, datetime]:
    """The figures of `selectors.dashboard_figures` and the moment they were computed:
    from the cache when computed less than DASHBOARD_CACHE_SECONDS ago, else computed and
    stored. `refresh` computes and stores them whatever the cache holds; 0 seconds turns
    the cache off. Two requests missing at once both compute: harmless, the last stores."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = dashboard_cache_key(user=user, periods=periods, filters=filters, today=today)
    # The cache only saves time: when it cannot be read or written (Redis down), the
    # figures are computed as if there were none, and the failure is logged.
    if seconds > 0 and not refresh:
        try:
            cached = cache.get(key)
        except Exception:  # any backend's failure: the figures still come
            logger.warning("dashboard figures: the cache could not be read", exc_info=True)
            cached = None
        if cached is not None:
            data, computed_at = cached
            return data, computed_at
    computed_at = timezone.now()
    data = selectors.dashboard_figures(user=user, periods=periods, filters=filters, today=today)
    if seconds > 0:
        try:
            cache.set(key, (data, computed_at), timeout=seconds)
        except Exception:  # as above
            logger.warning("dashboard figures: the cache could not be written", exc_info=True)
    return data, computed_at
