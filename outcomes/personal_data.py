"""A newcomer's data in outcomes (config.personal_data): their check-ins and answers.

Erasure keeps the figures as anonymous aggregates (docs/outcomes.md): each check-in loses
its links to the newcomer and the case, its move date becomes the first day of its quarter
(the cohort), and the answer's free texts are blanked. What stays is codes and numbers:
months, cohort, municipality, target group, status, and the answer's choices and scores.
"""

from datetime import time
from typing import Any

from django.utils import timezone

from cases.workingtime import local_at
from config.personal_data import Export, Subject, iso
from outcomes.models import Answer, CheckIn, CheckInOptOut
from outcomes.schedule import quarter_start


class OutcomesPersonalData:
    # Before cases (which masks the newcomer's record last): the links are cut first.
    order = 35

    def export(self, subject: Subject) -> Export:
        rows: list[dict[str, Any]] = []
        checkins = CheckIn.objects.filter(newcomer_id=subject.newcomer.pk).select_related("answer")
        for checkin in checkins.order_by("months"):
            answer: Answer | None = getattr(checkin, "answer", None)
            rows.append(
                {
                    "months": checkin.months,
                    "due_date": iso(checkin.due_date),
                    "status": checkin.status,
                    "invited_at": iso(checkin.invited_at),
                    "reminded_at": iso(checkin.reminded_at),
                    "answer": None
                    if answer is None
                    else {
                        "answered_at": iso(answer.answered_at),
                        "via": answer.via,
                        "living": answer.living,
                        "moved_to": answer.moved_to,
                        "moved_reason": answer.moved_reason,
                        "moved_reason_text": answer.moved_reason_text,
                        "settled": answer.settled,
                        "recommend": answer.recommend,
                        "work_self": answer.work_self,
                        "work_partner": answer.work_partner,
                        "kindergarten": answer.kindergarten,
                        "school": answer.school,
                        "helped": answer.helped,
                        "helped_text": answer.helped_text,
                        "missing": answer.missing,
                        "missing_text": answer.missing_text,
                        "contact_again": answer.contact_again,
                    },
                }
            )
        opt_out = CheckInOptOut.objects.filter(newcomer_id=subject.newcomer.pk).first()
        return Export(
            sections={
                "settling_in_checkins": rows,
                "settling_in_no_more_contact_since": iso(opt_out.created_at) if opt_out else None,
            }
        )

    def erase(self, subject: Subject) -> None:
        """Idempotent: a second run finds no rows linked to the newcomer."""
        checkins = CheckIn.objects.filter(newcomer_id=subject.newcomer.pk)
        # Pending rows go: nobody will be asked any more, and they were never counted.
        checkins.filter(status=CheckIn.Status.PENDING).delete()
        for checkin in checkins.select_related("answer"):
            # Dates become the first day of their quarter: with the months, an exact due
            # date would give the exact move date back.
            checkin.move_date = quarter_start(checkin.move_date)
            checkin.due_date = quarter_start(checkin.due_date)
            checkin.due_at = _quarter_moment(checkin.due_at)
            checkin.invited_at = _quarter_moment(checkin.invited_at)
            checkin.reminded_at = _quarter_moment(checkin.reminded_at)
            checkin.newcomer, checkin.case, checkin.last_error = None, None, ""
            checkin.save()
            answer: Answer | None = getattr(checkin, "answer", None)
            if answer is not None:
                answer.answered_at = _quarter_moment(answer.answered_at)
                answer.moved_reason_text = answer.helped_text = answer.missing_text = ""
                answer.save()
        # The opt-out means something only with the newcomer; it goes with the record.
        CheckInOptOut.objects.filter(newcomer_id=subject.newcomer.pk).delete()


def _quarter_moment(value: Any) -> Any:
    if value is None:
        return None
    local = timezone.localtime(value)
    return local_at(quarter_start(local.date()), time(12, 0))
