"""A newcomer's data in jobs (config.personal_data): the suggestions of their cases to
employers. Erasure cuts each suggestion's link to the case and keeps the row, whose codes
(the occupation code, who fitted, the outcome) the dashboard counts as matched and placed.
The needs themselves hold no newcomer's data (jobs.models.RecruitmentNeed)."""

from config.personal_data import Export, Subject, iso
from jobs.models import NeedSuggestion


class JobsPersonalData:
    # After cases (20), before contacts (90), which masks the newcomer's record last: the
    # links to the cases are cut while the subject still names them.
    order = 36

    def export(self, subject: Subject) -> Export:
        per_case: dict[int, dict[str, object]] = {}
        rows = NeedSuggestion.objects.filter(case_id__in=subject.case_ids).select_related(
            "need__employer", "need__occupation"
        )
        for row in rows.order_by("created_at", "pk"):
            section = per_case.setdefault(row.case_id or 0, {"suggested_to_employers": []})
            section["suggested_to_employers"].append(  # type: ignore[attr-defined]
                {
                    "employer": row.need.employer.name,
                    "need_occupation_code": row.need.occupation_id,
                    "person": row.person,
                    "occupation_code": row.occupation_id,
                    "suggested_at": iso(row.created_at),
                    "outcome": row.outcome,
                    "outcome_at": iso(row.outcome_at),
                }
            )
        return Export(per_case=per_case)

    def erase(self, subject: Subject) -> None:
        """Idempotent: a second run finds no suggestion linked to the cases."""
        NeedSuggestion.objects.filter(case_id__in=subject.case_ids).update(case=None)
