"""The demo's settling-in check-ins: for households that moved long enough ago (those with
a plan, and those whose enquiry was closed because they moved here), the 3-, 6- and
12-month check-ins, invited on their day, about two in three answered within a
fortnight, through the same service as a real answer, then dated when they happened.
Enough answers that the dashboard's Outcomes figures are not all suppressed."""

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.workingtime import local_at
from contacts.models import Newcomer
from outcomes.models import Answer, CheckIn, Living, MovedReason, Theme, UnmetNeed, Work
from outcomes.schedule import default_months, invite_at, months_after
from outcomes.services import checkin_answer_record

RESPONSE_RATE = 0.65
HELPED_TEXTS = [
    "The newcomer coordinator helped us find a flat.",
    "Koordinatoren hjalp oss med barnehageplass.",
    "The leisure fair: we joined a choir.",
]
MISSING_TEXTS = [
    "Work for my husband in his field.",
    "Evening Norwegian courses.",
    "Buses on Sundays.",
    "Flere utleieboliger.",
]


def checkins_seed(*, newcomers: list[Any], now: datetime, seed: int) -> int:
    """Check-ins and answers for the households among `newcomers` that have moved; returns
    how many answers. Idempotent per newcomer (the unique key)."""
    rng = random.Random(seed)
    today = timezone.localdate(now)
    answered: list[int] = []
    for newcomer in sorted(newcomers, key=lambda n: n.email):
        newcomer.refresh_from_db()
        case = newcomer.cases.order_by("-created_at").first()
        if case is None:
            continue
        if newcomer.moved_at is None and case.closing_reason == Case.ClosingReason.MOVED:
            # Closed because they moved here: they did, around the time it was closed.
            closed = timezone.localdate(case.closed_at or now)
            newcomer.moved_at = closed - timedelta(days=rng.randint(0, 20))
            Newcomer.objects.filter(pk=newcomer.pk).update(
                moved_at=newcomer.moved_at, lifecycle=Newcomer.Lifecycle.SETTLED
            )
        if newcomer.moved_at is None:
            continue
        gone = False  # once moved away, later answers say so too
        for months in default_months():
            due = months_after(newcomer.moved_at, months)
            if due > today - timedelta(days=14):
                break
            invited = invite_at(due)
            checkin, created = CheckIn.objects.get_or_create(
                newcomer=newcomer,
                months=months,
                defaults={
                    "case": case,
                    "move_date": newcomer.moved_at,
                    "municipality_id": newcomer.municipality_id,
                    "target_group": newcomer.target_group,
                    "due_date": due,
                    "due_at": invited,
                    "status": CheckIn.Status.INVITED,
                    "invited_at": invited,
                    "left_before": gone,
                },
            )
            if not created or rng.random() > RESPONSE_RATE:
                continue
            gone = gone or rng.random() < 0.1
            answer = checkin_answer_record(checkin=checkin, answers=_answers(rng, gone))
            at = min(
                local_at((invited + timedelta(days=rng.randint(0, 12))).date(), _hour(rng)),
                now - timedelta(hours=1),
            )
            Answer.objects.filter(pk=answer.pk).update(answered_at=at)
            CaseEvent.objects.filter(
                case=case, kind="outcomes.checkin.answered", data__checkin=checkin.pk
            ).update(created_at=at)
            answered.append(answer.pk)
    _tag_some(rng, answered)
    return len(answered)


def _hour(rng: random.Random) -> time:
    return time(rng.randint(8, 21), rng.randint(0, 59))


def _answers(rng: random.Random, gone: bool) -> dict[str, Any]:
    living = Living.AWAY if gone else (Living.WITHIN if rng.random() < 0.1 else Living.YES)
    missing = rng.sample(Theme.values, k=rng.choice([0, 1, 1, 2]), counts=[4, 3, 2, 2, 3, 2, 1, 3])
    missing = list(dict.fromkeys(missing))
    return {
        "living": living,
        "moved_to": rng.choice(["oslo", "trondelag", "troms", "abroad"]) if gone else "",
        "moved_reason": rng.choice([MovedReason.WORK, MovedReason.PARTNER_WORK, MovedReason.FAMILY])
        if gone
        else "",
        "moved_reason_text": "",
        "settled": rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 6, 4])[0],
        "recommend": rng.choices(range(11), weights=[1, 1, 1, 1, 2, 3, 4, 6, 8, 7, 6])[0],
        "work_self": rng.choices(Work.values, weights=[8, 3, 2, 1, 1])[0],
        "work_partner": rng.choices(["", *Work.values], weights=[4, 3, 3, 4, 1, 1])[0],
        "helped": rng.sample(Theme.values, k=rng.choice([1, 1, 2])),
        "helped_text": rng.choice(HELPED_TEXTS) if rng.random() < 0.3 else "",
        "missing": missing,
        "missing_text": rng.choice(MISSING_TEXTS) if rng.random() < 0.3 else "",
        "contact_again": rng.random() < 0.9,
    }


def _tag_some(rng: random.Random, answer_ids: list[int]) -> None:
    """The older half of these answers' unmet needs already reviewed, as a team would have."""
    needs = list(
        UnmetNeed.objects.filter(answer_id__in=answer_ids).order_by("answer__answered_at", "pk")
    )
    for need in needs[: len(needs) // 2]:
        need.tag = rng.choice(UnmetNeed.Tag.values)
        need.reviewed_at = need.answer.answered_at + timedelta(days=rng.randint(2, 20))
        need.save(update_fields=["tag", "reviewed_at"])
