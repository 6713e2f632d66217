"""How outcomes' rows read on the case timeline (cases.timeline): the invitation, the
reminder and the answer, with a short summary of the answer under it. The timeline shows
them to whoever sees the case (the usual visibility rule)."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from cases.models import CaseEvent
from cases.timeline import Description, Names, choice_label, event_ids
from outcomes.models import Answer, ChildPlace, Living, MovedReason, MovedTo, Theme, Work


class CheckInDescriber:
    KINDS = ("outcomes.checkin.invited", "outcomes.checkin.reminded", "outcomes.checkin.answered")

    def references(self, event: CaseEvent) -> Iterable[tuple[str, Any]]:
        return []

    def load(self, events: list[CaseEvent]) -> dict[int, Answer]:
        ids = event_ids(
            *(e.data.get("checkin") for e in events if e.kind == "outcomes.checkin.answered")
        )
        return {a.checkin_id: a for a in Answer.objects.filter(checkin_id__in=ids)} if ids else {}

    def describe(self, event: CaseEvent, loaded: dict[int, Answer], names: Names) -> Description:
        months = event.data.get("months", "?")
        if event.kind == "outcomes.checkin.invited":
            return Description(
                text=_("Settling-in questionnaire (%(months)s months) e-mailed to the newcomer")
                % {"months": months}
            )
        if event.kind == "outcomes.checkin.reminded":
            return Description(
                text=_("Reminder of the settling-in questionnaire (%(months)s months) e-mailed")
                % {"months": months}
            )
        answer = loaded.get(event.data.get("checkin"))
        if event.data.get("via") == Answer.Via.PHONE:
            text = _("Settling-in questionnaire (%(months)s months) answered by phone")
        else:
            text = _("The newcomer answered the settling-in questionnaire (%(months)s months)")
        return Description(
            text=text % {"months": months},
            by_newcomer=event.data.get("via") == Answer.Via.PORTAL,
            body=answer_summary(answer) if answer is not None else "",
        )


def answer_summary(answer: Answer) -> str:
    """The answer in a few lines, in the reader's language."""
    lines = [choice_label(Living, answer.living)]
    if answer.living == Living.AWAY:
        lines.append(
            f"{choice_label(MovedTo, answer.moved_to)}: "
            f"{choice_label(MovedReason, answer.moved_reason) if answer.moved_reason else '—'}"
        )
        if answer.moved_reason_text:
            lines.append(answer.moved_reason_text)
    lines.append(
        _("Settled: %(settled)s of 5. Would recommend: %(recommend)s of 10.")
        % {"settled": answer.settled, "recommend": answer.recommend}
    )
    work = choice_label(Work, answer.work_self)
    if answer.work_partner:
        work += " · " + _("Partner: %(work)s") % {"work": choice_label(Work, answer.work_partner)}
    lines.append(work)
    if (
        answer.kindergarten != ChildPlace.NOT_APPLICABLE
        or answer.school != ChildPlace.NOT_APPLICABLE
    ):
        lines.append(
            _("Kindergarten: %(k)s. School: %(s)s.")
            % {
                "k": choice_label(ChildPlace, answer.kindergarten),
                "s": choice_label(ChildPlace, answer.school),
            }
        )
    if answer.helped or answer.helped_text:
        helped = ", ".join(choice_label(Theme, code) for code in answer.helped)
        lines.append(
            _("Helped most: %(what)s")
            % {"what": " ".join(filter(None, [helped, answer.helped_text]))}
        )
    if answer.missing or answer.missing_text:
        missing = ", ".join(choice_label(Theme, code) for code in answer.missing)
        lines.append(
            _("Was missing: %(what)s")
            % {"what": " ".join(filter(None, [missing, answer.missing_text]))}
        )
    if not answer.contact_again:
        lines.append(_("Does not want to be contacted again."))
    return "\n".join(lines)


def _themes(codes: list[str], text: str) -> str:
    labels = ", ".join(choice_label(Theme, code) for code in codes)
    return " ".join(part for part in (labels, text) if part)
