"""Demo data for trying Tilflytt locally: the region's agencies, five staff logins and a
couple of hundred newcomers whose enquiries have a believable history.

`make run` calls this before every `runserver`, so it must be idempotent:
- organisations and users are found by name and username; existing demo users get their
  password reset, so the logins printed at the end always work;
- newcomers are found by their demo address (demo-0001@example.org); a newcomer who exists
  is skipped together with all of their cases;
- the plan comes from random.Random(2026) and is drawn before anything is written, with
  the same number of draws whatever the date, so newcomer 17 is the same person with the
  same history (relative to today) on every run.

Everything goes through the services, as the team's own work would: the newcomer, household
and consents through contacts.services, then case_open and the triage, shares, notes,
follow-ups and status changes through cases.services. The services stamp timezone.now();
after each step its rows are moved back to the step's planned moment with an UPDATE, so the
history spreads over the last 18 months in the order it happened. intake_submit is not used
because it queues a receipt e-mail; the form enquiries are built from the services it calls.
"""

import contextlib
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent, FollowUp, Note, Topic
from cases.services import (
    case_assign_owner,
    case_change_status,
    case_newcomer_update,
    case_open,
    case_set_organisation,
    case_share,
    followup_add,
    followup_complete,
    note_add,
)
from contacts.models import (
    CONSENT_SCOPE_FOR_KIND,
    Consent,
    Locality,
    Membership,
    Municipality,
    Newcomer,
    Organisation,
)
from contacts.services import consent_record, household_add_members, newcomer_find_or_create
from conversations.models import ReplyTemplate
from conversations.receive import inbound_process
from conversations.services import message_send, reply_template_fill, reply_template_save
from demo.texts import (
    ASKS,
    CHANNELS,
    CLOSING,
    CONFIDENTIAL_NOTES,
    DEFAULT_PASSWORD,
    DEMO_REPLIES,
    DEMO_UNKNOWN_SENDER,
    EVENTS,
    FOLLOWUPS,
    GENERIC_NOTES,
    HEARD_VIA,
    HISTORY_DAYS,
    INTERESTS,
    LOCAL_OFFERS,
    OCCUPATIONS,
    ORGANISATIONS,
    ORIGINS,
    PRIORITIES,
    REFERRERS,
    REPLY_TEMPLATES,
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
from onboarding.models import LocalOffer, PlanStep
from onboarding.services import plan_start, step_complete, template_suggest
from outbox.models import OutboundEmail


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
    picked = []
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

        scopes = [Scope.MUNICIPALITY] if rng.random() < 0.95 else []
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
            message = {
                Channel.PHONE: f"Ringte og spurte om {subjects}.",
                Channel.EVENT: f"Snakket med oss på {rng.choice(EVENTS)}; spurte om {subjects}.",
                Channel.REFERRAL: f"Henvist fra {rng.choice(REFERRERS)}; trenger hjelp med "
                f"{subjects}.",
            }[channel]
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
        owner = "koordinator"
        if responsible and rng.random() < 0.7:
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


class Builder:
    """Carries out a plan through the services, then moves what they stamped with
    timezone.now() back to the planned moments."""

    def __init__(self, *, started: datetime, users: dict[str, Any], orgs: dict[str, Organisation]):
        self.started = started  # whatever the services stamp is at or after this
        self.users = users
        self.orgs = orgs
        self.topics = {t.slug: t for t in Topic.objects.all()}
        self.places = {m.name: m for m in Municipality.objects.all()}
        self.localities = {
            (lo.municipality.name, lo.name): lo
            for lo in Locality.objects.select_related("municipality")
        }

    def newcomer(self, plan: NewcomerPlan) -> Newcomer:
        values = dict(plan.fields)
        municipality = values.pop("municipality")
        locality = values.pop("locality")
        newcomer, _created = newcomer_find_or_create(
            name=plan.name,
            email=plan.email,
            municipality=self.places.get(municipality),
            locality=self.localities.get((municipality, locality)),
            **values,
        )
        household_add_members(
            newcomer=newcomer,
            partner_name=plan.partner_name,
            has_partner=plan.has_partner,
            children_birth_years=plan.children,
        )
        at = plan.cases[0].opened_at
        Newcomer.objects.filter(pk=newcomer.pk).update(created_at=at, updated_at=at)
        return newcomer

    def case(self, newcomer: Newcomer, plan: CasePlan) -> Case:
        consent_record(newcomer=newcomer, scopes=plan.scopes)
        Consent.objects.filter(newcomer=newcomer, given_at__gte=self.started).update(
            given_at=plan.opened_at
        )
        Newcomer.objects.filter(pk=newcomer.pk).update(consent_given_at=plan.opened_at)
        case = case_open(
            newcomer=newcomer,
            channel=plan.channel,
            message=plan.message,
            topics=[self.topics[s] for s in plan.topics if s in self.topics],
            priority=plan.priority,
            actor=self.users[plan.opened_by] if plan.opened_by else None,
            received_at=plan.opened_at,
        )
        self._backdate_events(case, plan.opened_at)
        followups: dict[int, FollowUp] = {}
        first_response = closed = None
        for step in plan.steps:
            responded = case.first_response_at is not None
            self._run(case, step, followups)
            self._backdate_events(case, step.at)
            if not responded and case.first_response_at is not None:
                first_response = step.at
            if case.status == Case.Status.CLOSED:
                closed = step.at
        Case.objects.filter(pk=case.pk).update(
            created_at=plan.opened_at, first_response_at=first_response, closed_at=closed
        )
        return case

    def _run(self, case: Case, step: Step, followups: dict[int, FollowUp]) -> None:
        actor, args = self.users[step.actor], step.args
        if step.action == "organisation":
            case_set_organisation(case=case, organisation=self.orgs[args["org"]], actor=actor)
        elif step.action == "owner":
            case_assign_owner(case=case, owner=self.users[args["user"]], actor=actor)
        elif step.action == "share":
            # Refused when no consent covers this kind of organisation: then not shared.
            with contextlib.suppress(ValidationError):
                case_share(case=case, organisation=self.orgs[args["org"]], actor=actor)
        elif step.action == "note":
            note = note_add(
                case=case, body=args["body"], visibility=args["visibility"], actor=actor
            )
            Note.objects.filter(pk=note.pk).update(created_at=step.at)
        elif step.action == "followup":
            followup = followup_add(
                case=case,
                title=args["title"],
                due_date=args["due"],
                assignee=self.users[args["assignee"]],
                actor=actor,
            )
            FollowUp.objects.filter(pk=followup.pk).update(created_at=step.at)
            followups[args["key"]] = followup
        elif step.action == "complete":
            followup_complete(followup=followups[args["key"]], actor=actor)
            FollowUp.objects.filter(pk=followups[args["key"]].pk).update(done_at=step.at)
        elif step.action == "status":
            case_change_status(
                case=case, status=args["status"], actor=actor, closing_reason=args.get("reason", "")
            )
        else:
            raise ValueError(step.action)

    def _backdate_events(self, case: Case, at: datetime) -> None:
        # Events already moved lie before `started`; only the step's own rows are newer.
        CaseEvent.objects.filter(case=case, created_at__gte=self.started).update(created_at=at)


def _seed_offers() -> None:
    places = {m.name: m for m in Municipality.objects.all()}
    for name, kind, town, locality, ages, words, text_nb, text_en in LOCAL_OFFERS:
        municipality = places.get(town)
        LocalOffer.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "municipality": municipality,
                "locality": municipality.localities.filter(name=locality).first()
                if municipality and locality
                else None,
                "age_min": ages[0] if ages else None,
                "age_max": ages[1] if ages else None,
                "interests": words,
                "partner_job_seekers": kind == "employer",
                "description_nb": text_nb,
                "description_en": text_en,
            },
        )


def _seed_onboarding(newcomers: list[Newcomer], coordinator: Any) -> int:
    """Every third new demo household whose latest case is still open decides to move: its
    status and move date are set and a plan started from the suggested template, with the
    steps already due mostly done. Dated today, as a coordinator catching up would."""
    rng = random.Random(SEED + 1)
    today = timezone.localdate()
    started = 0
    for index, newcomer in enumerate(sorted(newcomers, key=lambda n: n.email)):
        case = newcomer.cases.order_by("-created_at").first()
        if index % 3 or case is None or case.status == Case.Status.CLOSED:
            continue
        move_date = today + timedelta(days=rng.randint(-60, 120))
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
        for step in plan.steps.filter(due_date__lt=today).order_by("due_date"):
            step.refresh_from_db()
            waiting = step.depends_on_id and step.depends_on.status == PlanStep.Status.OPEN
            if not waiting and rng.random() < 0.75:
                step_complete(step=step, actor=coordinator)
        started += 1
    return started


def _seed_reply_templates(coordinator: Any) -> None:
    for name, language, body in REPLY_TEMPLATES:
        if not ReplyTemplate.objects.filter(name=name, language=language).exists():
            reply_template_save(
                name=name, language=language, body=body, is_active=True, actor=coordinator
            )


def _seed_conversations(newcomers: list[Newcomer]) -> int:
    """A few new demo newcomers with an open, owned case get a message from their owner
    (a reply template, through the outbox) and answer it by e-mail, read as the mailbox
    poll would: the answer quotes the message, which the trimming leaves out. Each
    conversation is one transaction, after the cases have committed."""
    started = 0
    for newcomer in sorted(newcomers, key=lambda n: n.email):
        if started == 6:
            break
        case = (
            newcomer.cases.filter(status=Case.Status.OPEN, owner__isnull=False)
            .select_related("owner", "newcomer")
            .first()
        )
        # The first demo template of the newcomer's language: the "thank you" one.
        names = [
            name for name, language, _ in REPLY_TEMPLATES if language == newcomer.preferred_language
        ]
        template = ReplyTemplate.objects.filter(
            language=newcomer.preferred_language, name__in=names[:1], is_active=True
        ).first()
        if case is None or template is None or not newcomer.email:
            continue
        with transaction.atomic():
            started += _seed_conversation(case=case, template=template)
    return started


def _seed_conversation(*, case: Case, template: ReplyTemplate) -> int:
    newcomer = case.newcomer
    sent = message_send(
        case=case, body=reply_template_fill(template=template, case=case), actor=case.owner
    )
    reply = EmailMessage()
    reply["From"] = f"{newcomer.name} <{newcomer.email}>"
    reply["To"] = settings.CONVERSATIONS_ADDRESS or settings.DEFAULT_FROM_EMAIL
    reply["Subject"] = f"Re: {sent.email.subject}"
    reply["Message-ID"] = make_msgid(domain="example.org")
    reply["In-Reply-To"] = sent.message_id
    reply["References"] = sent.message_id
    quoted = "\n".join(f"> {line}" for line in sent.body.splitlines())
    reply.set_content(
        f"{DEMO_REPLIES[newcomer.preferred_language]}\n\n"
        f"On {timezone.localtime():%a, %d %b %Y at %H:%M}, {settings.DEFAULT_FROM_EMAIL} "
        f"wrote:\n{quoted}\n"
    )
    inbound_process(raw=reply.as_bytes())
    # The demo addresses are made up: nothing goes out. The message and the owner's notice
    # are recorded as sent, so the outbox task that runs after commit finds nothing to claim.
    now = timezone.now()
    OutboundEmail.objects.filter(case=case, status=OutboundEmail.Status.PENDING).update(
        status=OutboundEmail.Status.SENT, attempts=1, claimed_at=now, sent_at=now
    )
    return 1


def _seed_unknown_sender() -> int:
    """One e-mail from an address nobody knew: a new case for an unverified newcomer."""
    name, address, subject, text = DEMO_UNKNOWN_SENDER
    if Newcomer.objects.filter(email=address).exists():
        return 0
    mail = EmailMessage()
    mail["From"] = f"{name} <{address}>"
    mail["To"] = settings.CONVERSATIONS_ADDRESS or settings.DEFAULT_FROM_EMAIL
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="example.net")
    mail.set_content(text)
    with transaction.atomic():
        case = inbound_process(raw=mail.as_bytes()).inbound.case
        now = timezone.now()
        OutboundEmail.objects.filter(case=case, status=OutboundEmail.Status.PENDING).update(
            status=OutboundEmail.Status.SENT, attempts=1, claimed_at=now, sent_at=now
        )
    return 1


class Command(BaseCommand):
    help = "Loads demo organisations, logins and newcomers with case histories (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="password for the demo logins (default: %(default)s)",
        )
        parser.add_argument(
            "--force", action="store_true", help="run even with DEBUG off (the logins are public)"
        )
        parser.add_argument(
            "--newcomers",
            type=int,
            default=200,
            help="how many demo newcomers (default: %(default)s)",
        )

    def handle(
        self, *args: Any, password: str, force: bool, newcomers: int, **options: Any
    ) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates logins with a published password and refuses to run with "
                "DEBUG off. Use --force if this really is a demo installation."
            )
        if newcomers < 0:
            raise CommandError("--newcomers cannot be negative.")
        started = timezone.now()
        region = {
            m.name: [lo.name for lo in m.localities.all()]
            for m in Municipality.objects.prefetch_related("localities")
        }
        planner = Planner(rng=random.Random(SEED), now=started, region=region)
        plans = [planner.newcomer(number) for number in range(1, newcomers + 1)]

        with transaction.atomic():
            orgs = self._organisations()
            users = self._users(orgs, password)
            existing = set(
                Newcomer.objects.filter(email__in=[p.email for p in plans]).values_list(
                    "email", flat=True
                )
            )
            todo = [p for p in plans if p.email not in existing]
            builder = Builder(started=started, users=users, orgs=orgs)
            # Oldest first, so each year's case references follow the dates.
            queue = sorted(
                ((c.opened_at, i, p) for p in todo for i, c in enumerate(p.cases)),
                key=lambda item: item[0],
            )
            built: dict[str, Newcomer] = {}
            for _at, index, plan in queue:
                if index == 0:
                    built[plan.email] = builder.newcomer(plan)
                builder.case(built[plan.email], plan.cases[index])
            _seed_offers()
            plans_started = _seed_onboarding(list(built.values()), users["koordinator"])
            _seed_reply_templates(users["koordinator"])
        # After the cases have committed: each conversation is its own action, as the
        # mailbox poll would process the answers one by one.
        conversations = _seed_conversations(list(built.values())) + _seed_unknown_sender()

        self.stdout.write(
            f"Demo data: {len(todo)} newcomers and {len(queue)} cases created; "
            f"{len(plans) - len(todo)} demo newcomers were already there; "
            f"{plans_started} onboarding plans started; {conversations} e-mail "
            "conversations.\n"
        )
        self._print_logins(orgs, password)

    def _organisations(self) -> dict[str, Organisation]:
        return {
            key: Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
            for key, (name, kind) in ORGANISATIONS.items()
        }

    def _users(self, orgs: dict[str, Organisation], password: str) -> dict[str, Any]:
        users = {}
        for username, (first, last, org_key, role) in USERS.items():
            user, _created = get_user_model().objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{first}.{last}@example.org".lower(),
                },
            )
            # Reset on every run, so the printed logins always work.
            user.set_password(password)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
            membership, _created = Membership.objects.get_or_create(
                user=user, organisation=orgs[org_key], defaults={"role": role}
            )
            if membership.role != role:
                membership.role = role
                membership.save(update_fields=["role"])
            users[username] = user
        return users

    def _print_logins(self, orgs: dict[str, Organisation], password: str) -> None:
        rows = [("username", "role", "organisation", "password")]
        rows += [
            (username, role, orgs[org_key].name, password)
            for username, (_first, _last, org_key, role) in USERS.items()
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            self.stdout.write(
                "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
        login_url = f"http://127.0.0.1:8000{reverse('login')}"
        self.stdout.write(self.style.SUCCESS(f"Log in at {login_url}"))
