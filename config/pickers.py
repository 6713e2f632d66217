"""The rows of the pickers (organisations, topics, municipalities, places, staff), kept in
the shared cache between requests.

Every staff page with a form draws pickers, and reading their rows was the largest part
of drawing its forms: the case list's six took a sixth of its time, for a few dozen rows
that change when someone edits the team (docs/benchmarks.md). A picker that declares a
name (`ModelChoiceField(kept_as=...)`, config.forms) is read once per language and kept
as plain (value, label) pairs, never model instances.

The apps that own those rows forget them on every save and delete (`pickers_follow`, from
their AppConfig.ready()), so the screens, the admin, the API and single sign-on are all
covered, and every migrate forgets them too. `KEPT_SECONDS` bounds what a write that
bypasses the ORM's save (a queryset's update()) can leave behind. Validation never reads
the kept rows: a form checks the posted value against the database. The cache only saves
time: unreachable (Redis down), the pickers are read as if nothing were kept. Production
shares the cache between processes (CACHE_URL, which its checks require); the embedded
default's per-process memory serves one development server.
"""

import logging
import time
from collections.abc import Callable
from typing import Any
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import translation

logger = logging.getLogger(__name__)

# At most this long, in seconds, whatever happens to the rows.
KEPT_SECONDS = 300
# Bump when the rows kept change shape (the staff rows are tuples): a release must not read
# the previous one's entries.
KEY_VERSION = "v1"
# Every kept picker is stored with the generation it was read under; a new generation
# makes them all stale at once, whichever names the processes know. A generation the cache
# lost (evicted, flushed) is a new one: nothing kept before it counts.
GENERATION_KEY = f"pickers:{KEY_VERSION}:generation"
# After a failure, the cache is left alone this long by this process: a Redis that hangs
# would otherwise cost its timeout for every picker of every page. A forget skipped in the
# meantime is owed, and paid at this process's first use of the cache after the pause.
PAUSE_SECONDS = 30.0
_paused_until = 0.0
_forget_owed = False

Rows = list[Any]


def _cache_paused() -> bool:
    return time.monotonic() < _paused_until


def _cache_failed(what: str) -> None:
    global _paused_until
    _paused_until = time.monotonic() + PAUSE_SECONDS
    logger.warning("pickers: the cache could not be %s", what, exc_info=True)


def pickers_pause_end() -> None:
    """The cache is tried again at once (tests: one test's broken cache must not leave the
    next without one)."""
    global _paused_until, _forget_owed
    _paused_until, _forget_owed = 0.0, False


def picker_rows(name: str, read: Callable[[], Rows]) -> Rows:
    """The rows of the picker `name` in the active language: kept ones if they were read
    under the current generation, else `read()`, kept for `KEPT_SECONDS`. One round trip
    to the cache when they are kept. A failure of the database in `read()` is the
    caller's, as without the cache."""
    global _forget_owed
    if _cache_paused():
        return read()
    key = f"pickers:{KEY_VERSION}:{name}:{translation.get_language() or ''}"
    try:
        if _forget_owed:
            cache.set(GENERATION_KEY, uuid4().hex, None)
            _forget_owed = False
        kept = cache.get_many([GENERATION_KEY, key])
        generation = kept.get(GENERATION_KEY)
        if generation is None:
            # Lost (evicted, flushed) or never set: a new one, so nothing kept before it
            # counts; another process's if it sets one first.
            cache.add(GENERATION_KEY, uuid4().hex, None)
            generation = cache.get(GENERATION_KEY)
    except Exception:  # any backend's failure: the pickers are read as if nothing were kept
        _cache_failed("read")
        return read()
    stored = kept.get(key)
    if generation is not None and stored is not None and stored[0] == generation:
        return stored[1]
    rows = read()
    if generation is not None:  # a cache that keeps no generation keeps no rows either
        try:
            cache.set(key, (generation, rows), KEPT_SECONDS)
        except Exception:  # as above
            _cache_failed("written")
    return rows


def _generation_new() -> None:
    global _forget_owed
    if _cache_paused():
        _forget_owed = True
        return
    try:
        cache.set(GENERATION_KEY, uuid4().hex, None)
    except Exception:  # as above; owed until the cache answers again
        _forget_owed = True
        _cache_failed("told to forget")


def pickers_forget() -> None:
    """Every kept picker is read again. Now, and once more when the transaction commits:
    a request that read the old rows between the two (the change not yet committed) would
    otherwise keep them under the new generation."""
    _generation_new()
    transaction.on_commit(_generation_new)


# A sign-in saves the user's last_login, which no picker shows.
_NOT_SHOWN = frozenset({"last_login"})


def pickers_forget_on_change(sender: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A receiver for post_save and post_delete of the rows that pickers list, and for
    post_migrate (data migrations save through historical models, which send no
    post_save here)."""
    if update_fields is not None and set(update_fields) <= _NOT_SHOWN:
        return
    pickers_forget()


def pickers_follow(*models: Any) -> None:
    """Forget the kept pickers whenever a row of `models` is saved or deleted. Receivers,
    not calls in the services: the admin's forms and inlines, single sign-on and the
    services all save these rows, and a missed path would show a stale picker."""
    for model in models:
        uid = f"config.pickers.{model._meta.label}"
        post_save.connect(pickers_forget_on_change, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(pickers_forget_on_change, sender=model, dispatch_uid=f"{uid}.delete")
