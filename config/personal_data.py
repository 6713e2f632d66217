"""Personal data, app by app: each app that stores a newcomer's data registers one unit
that can export it and erase it (in the spirit of pretix's data shredders). The privacy app
only runs the units, in one transaction, and logs; it knows no other app's models.

A unit is registered in its app's AppConfig.ready():

    personal_data_units.register("cases", CasesPersonalData())

Contract of a unit:
- `export(subject)` reads, never writes, and returns an Export: top-level sections of the
  copy (`sections`, names unique across units) and sections inside each case's entry
  (`per_case`, by case id). The "cases" section (a list of dicts with "id") is the cases
  app's.
- `erase(subject)` masks or deletes what the unit stores about the subject, inside the
  caller's transaction. It must be idempotent (a second run changes nothing more), keep
  every code the dashboard counts, and delete stored files only after commit
  (`transaction.on_commit`), so a rollback keeps them.
Units run in ascending `order`; erasure runs the same order, so a unit may rely on lower
ones having run (the newcomer's own record is masked last).
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from config.registry import Registry

logger = logging.getLogger(__name__)

# What erased text and addresses become. A reserved domain: nothing can be sent there.
ERASED_NAME = "Erased"
ERASED_TEXT = "[erased]"
ERASED_EMAIL = "erased@erased.invalid"


@dataclass(frozen=True)
class Subject:
    """Whose data: the newcomer (a contacts.Newcomer; config imports no app) and the ids of
    their cases, read once by the caller."""

    newcomer: Any
    case_ids: tuple[int, ...]
    now: datetime
    actor: Any = None  # the staff user erasing; None for the retention job
    cause: str = "request"  # "request" or "retention"


@dataclass
class Export:
    sections: dict[str, Any] = field(default_factory=dict)
    per_case: dict[int, dict[str, Any]] = field(default_factory=dict)


class PersonalDataUnit(Protocol):
    order: int

    def export(self, subject: Subject) -> Export: ...

    def erase(self, subject: Subject) -> None: ...


personal_data_units: Registry[PersonalDataUnit] = Registry("personal data units")


def units_in_order() -> list[tuple[str, PersonalDataUnit]]:
    return sorted(personal_data_units.items(), key=lambda item: item[1].order)


def iso(value: Any) -> str | None:
    """A date or time for the copy (JSON and PDF); None stays None."""
    return value.isoformat() if value is not None else None


def files_delete(storage: Any, names: Iterable[str]) -> None:
    """Deletes stored files after an erasure committed (units call it from
    transaction.on_commit). Each file on its own: one that cannot be deleted (a storage
    error) must not keep the others, nor turn the committed erasure into an error page.
    What is left is logged by count only (no names: they may say whose file it was) for an
    administrator to clean up."""
    names = list(names)
    failed = 0
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            failed += 1
    if failed:
        logger.error("privacy: %d of %d erased files could not be deleted", failed, len(names))
