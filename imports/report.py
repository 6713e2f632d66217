"""What one import did, row by row: the dry run's and the real run's report."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# The report keeps this many rows to show; the counts cover every row.
REPORT_ROWS = 500


class Outcome:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class RowResult:
    number: int
    outcome: str
    name: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    dry_run: bool
    what: str = "newcomers"  # or "offers"
    counts: Counter[str] = field(default_factory=Counter)
    rows: list[RowResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the whole file was refused

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def add(self, result: RowResult) -> None:
        self.counts[result.outcome] += 1
        if len(self.rows) < REPORT_ROWS:
            self.rows.append(result)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "what": self.what,
            "counts": dict(self.counts),
            "total": self.total,
            "rows": [vars(r) for r in self.rows],
            "problems": self.problems,
        }
