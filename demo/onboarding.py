"""The demo's onboarding: the region's local offers for welcome packs, and a plan started
for some of the new demo households."""

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.services import case_newcomer_update
from cases.workingtime import local_at
from contacts.models import Municipality, Newcomer
from demo.offers import LOCAL_OFFERS, OFFER_DETAILS, OFFER_TEXTS_AR, OFFER_TEXTS_PL_UK
from demo.texts import SEED
from onboarding.models import LocalOffer, OfferDate, OnboardingPlan, PlanStep
from onboarding.services import plan_start, step_complete, template_suggest


def local_offers_seed() -> None:
    """The offers in demo.offers, found by name, with their contact details and next dates
    (counted from today, so the demo always has dates ahead)."""
    places = {m.name: m for m in Municipality.objects.all()}
    today = timezone.localdate()
    for name, kind, town, locality, ages, words, text_nb, text_en in LOCAL_OFFERS:
        municipality = places.get(town)
        text_pl, text_uk = OFFER_TEXTS_PL_UK.get(name, ("", ""))
        descriptions = {
            "nb": text_nb,
            "en": text_en,
            "pl": text_pl,
            "uk": text_uk,
            "ar": OFFER_TEXTS_AR.get(name, ""),
        }
        details = dict(OFFER_DETAILS.get(name, {}))
        days = details.pop("days", ())
        offer, _created = LocalOffer.objects.get_or_create(
            name=name,
            defaults={
                **details,
                "kind": kind,
                "municipality": municipality,
                "locality": municipality.localities.filter(name=locality).first()
                if municipality and locality
                else None,
                "age_min": ages[0] if ages else None,
                "age_max": ages[1] if ages else None,
                "interests": words,
                "partner_job_seekers": kind == "employer",
                "descriptions": {code: text for code, text in descriptions.items() if text},
                "description_nb": text_nb,
                "description_en": text_en,
            },
        )
        for day in days:  # type: ignore[attr-defined]
            OfferDate.objects.get_or_create(offer=offer, date=today + timedelta(days=day))


def onboarding_plans_seed(*, newcomers: list[Newcomer], coordinator: Any) -> int:
    """Every third new demo household whose latest case is still open decides to move,
    some weeks or months after its enquiry: its status and move date are set and a plan
    started from the suggested template a few days after the enquiry. The steps already due
    are mostly done, each at a realistic time (most before their due date, some late), so
    the dashboard shows a believable on-time share and plans started in earlier periods."""
    rng = random.Random(SEED + 1)
    now = timezone.now()
    today = timezone.localdate(now)
    started = 0
    for index, newcomer in enumerate(sorted(newcomers, key=lambda n: n.email)):
        case = newcomer.cases.order_by("-created_at").first()
        if index % 3 or case is None or case.status == Case.Status.CLOSED:
            continue
        opened = timezone.localdate(case.created_at)
        move_date = opened + timedelta(days=rng.randint(20, 150))
        arrived = move_date <= today
        case_newcomer_update(
            case=case,
            changes={
                "lifecycle": Newcomer.Lifecycle.ARRIVED if arrived else Newcomer.Lifecycle.PLANNING,
                "planned_move_date": move_date,
                "moved_at": move_date if arrived else None,
            },
            actor=coordinator,
        )
        template = template_suggest(newcomer=newcomer)
        if template is None or hasattr(case, "plan"):
            continue
        plan = plan_start(
            case=case,
            template=template,
            move_date=move_date,
            from_abroad=newcomer.target_group not in ("returning", "student", "other"),
            eu_eea=newcomer.target_group in ("eu_worker", "partner"),
            long_stay=rng.random() < 0.85,
            importing_car=rng.random() < 0.3,
            actor=coordinator,
        )
        # An hour back at the latest, so its steps can be done after it and before now.
        plan_started = min(
            case.created_at + timedelta(days=rng.randint(1, 10)), now - timedelta(hours=1)
        )
        OnboardingPlan.objects.filter(pk=plan.pk).update(started_at=plan_started)
        _backdate(case, "onboarding.plan.started", plan_started, since=now)
        for step in plan.steps.filter(due_date__lt=today).order_by("due_date"):
            step.refresh_from_db()
            depends_on = step.depends_on
            waiting = depends_on is not None and depends_on.status == PlanStep.Status.OPEN
            if waiting or rng.random() >= 0.8:
                continue
            step_complete(step=step, actor=coordinator)
            done_at = _done_at(rng, step, plan_started, now)
            PlanStep.objects.filter(pk=step.pk).update(done_at=done_at)
            CaseEvent.objects.filter(
                case=case, kind="onboarding.step.completed", data__step=step.pk
            ).update(created_at=done_at)
        started += 1
    return started


def _done_at(rng: random.Random, step: PlanStep, plan_started: datetime, now: datetime) -> datetime:
    """Three in four on time (up to ten days before the due date), the rest one to three
    weeks late; never before the plan or the step it waits for, never in the future."""
    if rng.random() < 0.75:
        day = step.due_date - timedelta(days=rng.randint(0, 10))
    else:
        day = step.due_date + timedelta(days=rng.randint(1, 21))
    at = local_at(day, time(rng.randint(8, 15), rng.randint(0, 59)))
    earliest = plan_started
    if step.depends_on is not None and step.depends_on.done_at is not None:
        earliest = max(earliest, step.depends_on.done_at)
    return min(max(at, earliest), now - timedelta(minutes=5))


def _backdate(case: Case, kind: str, at: datetime, *, since: datetime) -> None:
    CaseEvent.objects.filter(case=case, kind=kind, created_at__gte=since).update(created_at=at)
