"""How onboarding's timeline rows read (cases.timeline.timeline_describers)."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import CaseEvent
from cases.timeline import Description, Names, day_display, event_ids
from onboarding.models import PlanStep


class OnboardingDescriber:
    KINDS = (
        "onboarding.plan.started",
        "onboarding.plan.rescheduled",
        "onboarding.step.completed",
        "onboarding.step.skipped",
        "onboarding.step.reopened",
        "onboarding.step.added",
        "onboarding.step.reassigned",
        "onboarding.welcome_pack.sent",
    )

    def references(self, event: CaseEvent) -> Iterable[tuple[str, Any]]:
        if event.kind == "onboarding.step.reassigned":
            return [
                ("user", event.data.get("assignee")),
                ("organisation", event.data.get("organisation")),
            ]
        return []

    def load(self, events: list[CaseEvent]) -> dict[int, str]:
        """The steps' titles (in the active language), in one query."""
        ids = event_ids(
            *(e.data.get("step") for e in events if e.kind.startswith("onboarding.step."))
        )
        if not ids:
            return {}
        return {step.pk: step.title for step in PlanStep.objects.filter(pk__in=ids)}

    def describe(self, event: CaseEvent, loaded: dict[int, str], names: Names) -> Description:
        data = event.data
        step = loaded.get(data.get("step"), "—")
        kind = event.kind
        if kind == "onboarding.plan.started":
            count = data.get("steps", 0)
            text = ngettext(
                "Onboarding plan started with %(n)s step",
                "Onboarding plan started with %(n)s steps",
                count,
            ) % {"n": count}
        elif kind == "onboarding.plan.rescheduled":
            moved = data.get("moved", 0)
            text = ngettext(
                "Move date changed to %(date)s; %(n)s open step moved",
                "Move date changed to %(date)s; %(n)s open steps moved",
                moved,
            ) % {"date": day_display(data.get("to")), "n": moved}
        elif kind == "onboarding.step.completed":
            if data.get("by_newcomer"):
                text = _("Step “%(title)s” done by the newcomer") % {"title": step}
            else:
                text = _("Step “%(title)s” done") % {"title": step}
        elif kind == "onboarding.step.skipped":
            text = _("Step “%(title)s” skipped") % {"title": step}
        elif kind == "onboarding.step.reopened":
            if data.get("by_newcomer"):
                text = _("Step “%(title)s” reopened by the newcomer") % {"title": step}
            else:
                text = _("Step “%(title)s” reopened") % {"title": step}
        elif kind == "onboarding.step.added":
            text = _("Step “%(title)s” added") % {"title": step}
        elif kind == "onboarding.step.reassigned":
            who = (
                names.users.get(data.get("assignee"))
                or names.organisations.get(data.get("organisation"))
                or _("nobody")
            )
            if data.get("returned"):
                text = _(
                    "Step “%(title)s” went back to %(name)s: whoever had it no longer sees the case"
                ) % {"title": step, "name": who}
            else:
                text = _("Step “%(title)s” given to %(name)s") % {"title": step, "name": who}
        elif kind == "onboarding.welcome_pack.sent":
            text = _("Welcome pack e-mailed to the newcomer")
        else:
            text = kind
        return Description(text=text)
