"""The demo's plan: who the newcomers are and what happens to each of their enquiries,
drawn before the database is touched.

Every random choice comes from one random.Random, and the number of draws is the same
whatever the date: the plan depends only on the seed, today's date and the region's
reference data, never on what exists, so newcomer 17 is the same person with the same
history (relative to today) on every run. demo.enquiries carries the plan out.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from cases.models import Case, Note
from contacts.models import CONSENT_SCOPE_FOR_KIND, Municipality
from demo.texts import (
    ASKS,
    CHANNELS,
    CLOSING,
    CONFIDENTIAL_NOTES,
    EVENTS,
    FOLLOWUPS,
    GENERIC_NOTES,
    HEARD_VIA,
    HISTORY_DAYS,
    INTERESTS,
    OCCUPATIONS,
    ORGANISATIONS,
    ORIGINS,
    PRIORITIES,
    REFERRERS,
    SEED,
    STUDENT,
    SUBJECTS,
    TOPIC_NOTES,
    TOPIC_ORG,
    TOPICS,
    USERS,
    Channel,
    Group,
    Scope,
)


@dataclass
class Step:
    """One thing a staff member does to a case, at a planned moment."""

    at: datetime
    action: str  # organisation, owner, share, note, followup, complete or status
    actor: str  # username
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class CasePlan:
    opened_at: datetime
    channel: str
    topics: list[str]
    message: str
    priority: str
    opened_by: str | None
    scopes: list[str]  # consents recorded with this enquiry
    steps: list[Step]


@dataclass
class NewcomerPlan:
    email: str
    name: str
    fields: dict[str, Any]  # for newcomer_find_or_create; place names resolved on build
    partner_name: str
    has_partner: bool
    children: list[int]
    cases: list[CasePlan]


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _some(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    left = dict(weights)
    picked: list[str] = []
    while left and len(picked) < k:
        picked.append(_weighted(rng, left))
        del left[picked[-1]]
    return picked


def _office_hours(at: datetime) -> datetime:
    """The same moment, or the next working hour (Monday to Friday, 08 to 16)."""
    if at.hour >= 16:
        at = (at + timedelta(days=1)).replace(hour=8)
    elif at.hour < 8:
        at = at.replace(hour=8)
    while at.weekday() >= 5:
        at = (at + timedelta(days=1)).replace(hour=8)
    return at


def _covered(org_key: str, scopes: list[str]) -> bool:
    return CONSENT_SCOPE_FOR_KIND.get(ORGANISATIONS[org_key][1]) in scopes


class Planner:
    """Draws every random choice before the database is touched: the plan depends only on
    the seed, today's date and the region's reference data, never on what exists."""

    def __init__(self, *, rng: random.Random, now: datetime, region: dict[str, list[str]]):
        self.rng = rng
        self.now = timezone.localtime(now)
        self.region = region

    def newcomer(self, number: int) -> NewcomerPlan:
        rng = self.rng
        origin = rng.choices(ORIGINS, weights=[o.weight for o in ORIGINS])[0]
        female = rng.random() < 0.5
        his, hers = origin.surname(rng)
        name = f"{rng.choice(origin.female if female else origin.male)} {hers if female else his}"
        group = _weighted(rng, origin.groups)
        nb = rng.random() < origin.nb_share
        lang = 0 if nb else 1

        has_partner = group in (Group.FAMILY, Group.PARTNER) or rng.random() < 0.45
        partner_name = ""
        if has_partner and rng.random() < 0.5:
            partner_first = rng.choice(origin.male if female else origin.female)
            partner_name = f"{partner_first} {his if female else hers}"
        children: list[int] = []
        if group == Group.FAMILY or (has_partner and rng.random() < 0.4):
            year = self.now.year
            children = sorted(year - rng.randint(0, 15) for _ in range(rng.randint(1, 3)))
        occupation = STUDENT if group == Group.STUDENT else rng.choice(OCCUPATIONS)
        partner_needs_work = has_partner and rng.random() < 0.45
        partner_occupation = rng.choice(OCCUPATIONS)[lang] if partner_needs_work else ""

        municipality = _weighted(
            rng,
            {m: {"Narvik": 82, "Evenes": 8, "Gratangen": 5}.get(m, 3) for m in self.region}
            | {"": 5},
        )
        locality = ""
        if municipality and self.region[municipality] and rng.random() < 0.85:
            weights = {"Narvik": 55, "Bjerkvik": 12, "Ballangen": 10, "Håkvik": 8}
            locality = _weighted(rng, {n: weights.get(n, 6) for n in self.region[municipality]})
        place = locality or municipality or "Narvik"

        weights = dict(TOPICS[group])
        if not children:
            weights.pop("kindergarten", None)
            weights.pop("school", None)
        if not has_partner:
            weights.pop("partner-job", None)
        topics = _some(rng, weights, rng.choice((1, 1, 2, 2, 3)))
        partner_needs_work = partner_needs_work or "partner-job" in topics

        scopes: list[str] = [Scope.MUNICIPALITY] if rng.random() < 0.95 else []
        if rng.random() < (0.75 if children else 0.1):
            scopes.append(Scope.SCHOOL)
        nav_likely = group in (Group.REFUGEE, Group.PARTNER) or partner_needs_work
        if rng.random() < (0.6 if nav_likely else 0.3):
            scopes.append(Scope.NAV)
        workers = (Group.EU_WORKER, Group.NON_EU_WORKER, Group.PARTNER, Group.RETURNING)
        if rng.random() < (0.6 if group in workers else 0.25):
            scopes.append(Scope.EMPLOYER)

        planned_move = None
        opened_at = self._opened_at()
        if group != Group.REFUGEE and rng.random() < 0.6:
            planned_move = opened_at.date() + timedelta(days=rng.randint(30, 240))
        interests = ", ".join(i[lang] for i in rng.sample(INTERESTS, rng.randint(0, 2)))
        fields = {
            "preferred_language": "nb" if nb else "en",
            "municipality": municipality,
            "locality": locality,
            "planned_move_date": planned_move,
            "target_group": group,
            "occupation": occupation[lang],
            "partner_needs_work": partner_needs_work,
            "partner_occupation": partner_occupation,
            "interests": interests,
            "heard_via": _weighted(rng, HEARD_VIA[group]),
        }
        occupation_text = occupation[lang]
        cases = [self.case(opened_at, topics, scopes, nb, occupation_text, place, group)]
        # Some come back with a new question. Drawn for everyone, kept for a few: the draws
        # must not depend on today's date, or every later newcomer would change with it.
        again = opened_at + timedelta(days=rng.randint(45, 300))
        more = {t: w for t, w in weights.items() if t not in topics} or {"other": 1}
        extra = [s for s in (Scope.NAV, Scope.EMPLOYER) if rng.random() < 0.3]
        scopes = sorted(set(scopes) | set(extra))
        second = self.case(again, _some(rng, more, 1), scopes, nb, occupation_text, place, group)
        if rng.random() < 0.15 and again < self.now - timedelta(days=1):
            cases.append(second)
        return NewcomerPlan(
            email=f"demo-{number:04d}@example.org",
            name=name,
            fields=fields,
            partner_name=partner_name,
            has_partner=has_partner,
            children=children,
            cases=cases,
        )

    def _opened_at(self) -> datetime:
        rng = self.rng
        days_ago = int(HISTORY_DAYS * rng.random() ** 1.5)  # more of them lately
        hour, minute = rng.randint(7, 22), rng.randint(0, 59)
        day = self.now.date() - timedelta(days=days_ago)
        at = datetime.combine(day, time(hour, minute), tzinfo=self.now.tzinfo)
        return at if at < self.now else at - timedelta(days=1)

    def case(
        self,
        opened_at: datetime,
        topics: list[str],
        scopes: list[str],
        nb: bool,
        occupation: str,
        place: str,
        group: str,
    ) -> CasePlan:
        rng = self.rng
        channel = _weighted(rng, CHANNELS)
        if channel in (Channel.FORM, Channel.EMAIL):  # in the newcomer's own words
            hello = "Hei!" if nb else "Hello!"
            if group == Group.RETURNING:
                hello = f"Hei! Jeg vokste opp i {place} og vurderer å flytte hjem igjen."
            asks = [
                ASKS[t][0 if nb else 1].format(occupation=occupation, place=place) for t in topics
            ]
            message = " ".join([hello, *asks])
        else:  # a staff member's summary
            *first, last = [SUBJECTS[t] for t in topics]
            subjects = f"{', '.join(first)} og {last}" if first else last
            summaries: dict[str, str] = {
                Channel.PHONE: f"Ringte og spurte om {subjects}.",
                Channel.EVENT: f"Snakket med oss på {rng.choice(EVENTS)}; spurte om {subjects}.",
                Channel.REFERRAL: f"Henvist fra {rng.choice(REFERRERS)}; trenger hjelp med "
                f"{subjects}.",
            }
            message = summaries[channel]
        opened_by = None
        if channel != Channel.FORM:
            # Staff register the mail, call, meeting or referral, in office hours.
            opened_at = _office_hours(opened_at)
            if opened_at >= self.now:
                opened_at = _office_hours(opened_at - timedelta(days=3))
            opened_by = rng.choice(
                ("nav", "naering") if channel == Channel.REFERRAL else ("koordinator", "kommune")
            )
        priority = _weighted(rng, PRIORITIES)
        steps = self._history(opened_at, topics, scopes, group)
        cutoff = self.now - timedelta(minutes=1)
        return CasePlan(
            opened_at=opened_at,
            channel=channel,
            topics=topics,
            message=message,
            priority=priority,
            opened_by=opened_by,
            scopes=scopes,
            # What lies in the future has not happened yet: recent cases stop early.
            steps=[s for s in sorted(steps, key=lambda s: s.at) if s.at < cutoff],
        )

    def _history(
        self, opened_at: datetime, topics: list[str], scopes: list[str], group: str
    ) -> list[Step]:
        rng = self.rng
        orgs = [
            "nav"
            if t == "jobs" and group in (Group.REFUGEE, Group.PARTNER)
            else TOPIC_ORG.get(t, "kommune")
            for t in topics
        ]
        responsible = next((o for o in orgs if o != "frivillig" and _covered(o, scopes)), None)
        if responsible is None and _covered("kommune", scopes):
            responsible = "kommune"
        # The owner belongs to the responsible organisation (cases.assignment): the
        # coordinator (in the municipality) owns only the municipality's cases.
        owner = "koordinator"
        if responsible and (rng.random() < 0.7 or responsible != "kommune"):
            owner = responsible
        # Triage: the coordinator gives the case an organisation and an owner.
        # Usually within two days, in busy weeks up to two: the inbox keeps a few new ones.
        delay = rng.randint(30, 60 * 48) if rng.random() < 0.65 else rng.randint(2, 14) * 60 * 24
        t = _office_hours(opened_at + timedelta(minutes=delay))
        steps = []
        if responsible:
            steps.append(Step(t, "organisation", "koordinator", {"org": responsible}))
        steps.append(Step(t + timedelta(minutes=2), "owner", "koordinator", {"user": owner}))
        # Shares follow the topics; those without consent (and the volunteer centre, which
        # no consent covers) are refused by case_share and skipped.
        sees = {"koordinator", owner} | ({responsible} if responsible else set())
        for org in dict.fromkeys(orgs):
            if org != responsible:
                t += timedelta(minutes=rng.randint(5, 90))
                steps.append(Step(t, "share", rng.choice(("koordinator", owner)), {"org": org}))
                if _covered(org, scopes):
                    sees.add(org)  # each member's username is their organisation's key
        people = sorted(sees)

        followups: dict[int, datetime | None] = {}  # key: planned completion
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            t = _office_hours(t + timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 5)))
            author = rng.choice([owner, owner, *people])
            confidential = rng.random() < {"nav": 0.6, "skole": 0.4}.get(author, 0.08)
            if confidential:
                body = CONFIDENTIAL_NOTES[USERS[author][2]]
            elif rng.random() < 0.6:
                body = TOPIC_NOTES[rng.choice(topics)]
            else:
                body = rng.choice(GENERIC_NOTES)
            visibility = Note.Visibility.CONFIDENTIAL if confidential else Note.Visibility.TEAM
            steps.append(Step(t, "note", author, {"body": body, "visibility": visibility}))
            if rng.random() < 0.5:
                key = len(followups)
                due = (t + timedelta(days=rng.randint(3, 21))).date()
                assignee = rng.choice([owner, owner, *people])
                title = FOLLOWUPS[rng.choice(topics)]
                args = {"key": key, "title": title, "assignee": assignee, "due": due}
                steps.append(Step(t + timedelta(minutes=5), "followup", owner, args))
                done = None
                if rng.random() < 0.75:  # the rest are forgotten: overdue unless closed
                    due_at = datetime.combine(due, time(9, 30), tzinfo=t.tzinfo)
                    done = _office_hours(
                        max(t + timedelta(hours=2), due_at + timedelta(days=rng.randint(-3, 4)))
                    )
                    steps.append(Step(done, "complete", assignee, {"key": key}))
                followups[key] = done
            if rng.random() < 0.2:
                t += timedelta(hours=1)
                steps.append(Step(t, "status", owner, {"status": Case.Status.WAITING}))
                if rng.random() < 0.6:  # they answered
                    t = _office_hours(t + timedelta(days=rng.randint(2, 20)))
                    steps.append(Step(t, "status", owner, {"status": Case.Status.OPEN}))

        # Most older cases are closed by now; a recent one often is not yet.
        if rng.random() < (0.9 if opened_at < self.now - timedelta(days=120) else 0.6):
            last = max(s.at for s in steps)
            closed = _office_hours(last + timedelta(days=rng.randint(1, 45), hours=1))
            for key, done in followups.items():
                if done is None or done >= closed:
                    steps = [
                        s for s in steps if not (s.action == "complete" and s.args["key"] == key)
                    ]
                    steps.append(
                        Step(closed - timedelta(minutes=10), "complete", owner, {"key": key})
                    )
            reason = _weighted(rng, CLOSING)
            steps.append(
                Step(closed, "status", owner, {"status": Case.Status.CLOSED, "reason": reason})
            )
        return steps


def plans_draw(*, now: datetime, count: int) -> list[NewcomerPlan]:
    """The plans of demo newcomers 1 to `count`, from the fixed seed."""
    region = {
        m.name: [lo.name for lo in m.localities.all()]
        for m in Municipality.objects.prefetch_related("localities")
    }
    planner = Planner(rng=random.Random(SEED), now=now, region=region)
    return [planner.newcomer(number) for number in range(1, count + 1)]
