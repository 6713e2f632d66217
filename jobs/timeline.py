"""How jobs' rows read on the case timeline (cases.timeline): a suggestion to an employer
names the need (its occupation) and the employer; the outcome follows it."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.models import CaseEvent
from cases.timeline import Description, Names, event_ids
from jobs.models import NeedSuggestion, RecruitmentNeed


class SuggestionDescriber:
    KINDS = ("jobs.need.suggested", "jobs.suggestion.placed", "jobs.suggestion.declined")

    def references(self, event: CaseEvent) -> Iterable[tuple[str, Any]]:
        return [("organisation", event.data.get("organisation"))]

    def load(self, events: list[CaseEvent]) -> dict[int, RecruitmentNeed]:
        ids = event_ids(*(e.data.get("need") for e in events))
        needs = RecruitmentNeed.objects.filter(pk__in=ids).select_related("occupation", "employer")
        return {need.pk: need for need in needs} if ids else {}

    def describe(
        self, event: CaseEvent, loaded: dict[int, RecruitmentNeed], names: Names
    ) -> Description:
        need = loaded.get(event.data.get("need"))
        what = need.occupation.title(get_language() or "nb") if need else "—"
        employer = names.organisation(event.data.get("organisation"))
        who = (
            _("the partner")
            if event.data.get("person") == NeedSuggestion.Person.PARTNER
            else _("the newcomer")
        )
        values = {"who": who, "what": what, "employer": employer}
        if event.kind == "jobs.need.suggested":
            text = _("Suggested %(who)s to %(employer)s for their need: %(what)s")
        elif event.kind == "jobs.suggestion.placed":
            text = _("%(employer)s placed %(who)s (need: %(what)s)")
        else:
            text = _("%(employer)s did not place %(who)s (need: %(what)s)")
        return Description(text=text % values)
