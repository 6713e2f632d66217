"""The rows of the pickers (organisations, topics, municipalities, staff), kept in the
shared cache between requests.

Every staff page with a form draws pickers, and reading their rows was the largest part
of drawing its forms: the case list's six took a sixth of its time, for a few dozen rows
that change when someone edits the team (docs/benchmarks.md). A picker that declares a
name (`ModelChoiceField(kept_as=...)`, config.forms) is read once per language and kept
as plain (value, label) pairs, never model instances, so a release that changes a model
reads a kept picker no differently.

Whoever changes what a picker lists calls `pickers_forget()`: the apps that own those
rows do it on every save and delete of them (their AppConfig.ready()), so the screens,
the admin, the API and single sign-on are all covered. `PICKER_CACHE_SECONDS` bounds what
a write that bypasses the ORM's save (a queryset's update()) can leave behind.
Validation never reads the kept rows: a form checks the posted value against the database.
"""

import logging
from collections.abc import Callable
from typing import Any
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

logger = logging.getLogger(__name__)

# At most this long, in seconds, whatever happens to the rows.
KEPT_SECONDS = 300
# Every kept picker is stored with the generation it was read under; a new generation
# makes them all stale at once, whichever names the processes know.
GENERATION_KEY = "pickers:generation"
_FIRST_GENERATION = "0"

Rows = list[Any]


def picker_rows(name: str, read: Callable[[], Rows]) -> Rows:
    """The rows of the picker `name` in the active language: kept ones if they were read
    under the current generation, else `read()`, kept for `KEPT_SECONDS`. One round trip
    to the cache when they are kept."""
    key = f"pickers:{name}:{translation.get_language() or ''}"
    try:
        kept = cache.get_many([GENERATION_KEY, key])
    except Exception:  # any backend's failure: read them, keep nothing
        logger.warning("pickers: the cache could not be read", exc_info=True)
        return read()
    generation = kept.get(GENERATION_KEY, _FIRST_GENERATION)
    stored = kept.get(key)
    if stored is not None and stored[0] == generation:
        return stored[1]
    rows = read()
    try:
        cache.set(key, (generation, rows), KEPT_SECONDS)
    except Exception:  # as above
        logger.warning("pickers: the cache could not be written", exc_info=True)
    return rows


def _generation_new() -> None:
    try:
        cache.set(GENERATION_KEY, uuid4().hex, None)
    except Exception:  # what was kept is unreachable too, and expires within KEPT_SECONDS
        logger.warning("pickers: the cache could not be told to forget", exc_info=True)


def pickers_forget() -> None:
    """Every kept picker is read again. Now, and once more when the transaction commits:
    a request that read the old rows between the two (the change not yet committed) would
    otherwise keep them under the new generation."""
    _generation_new()
    transaction.on_commit(_generation_new)


# A sign-in saves the user's last_login, which no picker shows.
_NOT_SHOWN = frozenset({"last_login"})


def pickers_forget_on_change(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A receiver for post_save and post_delete of the rows that pickers list."""
    if update_fields is not None and set(update_fields) <= _NOT_SHOWN:
        return
    pickers_forget()


def pickers_follow(*models: Any) -> None:
    """Forget the kept pickers whenever a row of `models` is saved or deleted. Receivers,
    not calls in the services: the admin's forms and inlines, single sign-on and the
    services all save these rows, and a missed path would show a stale picker."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        uid = f"config.pickers.{model._meta.label}"
        post_save.connect(pickers_forget_on_change, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(pickers_forget_on_change, sender=model, dispatch_uid=f"{uid}.delete")
