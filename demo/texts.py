"""The demo data's tables: the region's organisations and logins, who moves here and what
they ask. Used by demo.people and demo.plan; edit freely, the plan adapts. The offers are in
demo.offers, the e-mail texts in demo.replies."""

import random
from dataclasses import dataclass

from django.db import models

from cases.models import Case
from contacts.models import Consent, Membership, Newcomer, Organisation

# A published demo login: seed_demo refuses to run with DEBUG off (see its handle).
DEFAULT_PASSWORD = "tilflytt-demo-2026"  # noqa: S105
SEED = 2026
HISTORY_DAYS = 540  # about 18 months
Kind = Organisation.Kind
Group = Newcomer.TargetGroup
Heard = Newcomer.HeardVia
Scope = Consent.Scope
Channel = Case.Channel

ORGANISATIONS: dict[str, tuple[str, str]] = {
    "kommune": ("Narvik kommune", Kind.MUNICIPALITY),
    "skole": ("Narvik videregående skole", Kind.SCHOOL),
    "nav": ("NAV Narvik", Kind.NAV),
    "naering": ("Narvik Næringsforening", Kind.EMPLOYER),
    "frivillig": ("Narvik frivilligsentral", Kind.ASSOCIATION),
}
# username: (first name, last name, organisation key, role). Each member's username is also
# the key of their organisation, which the plan below relies on.
USERS: dict[str, tuple[str, str, str, str]] = {
    "koordinator": ("Marte", "Eriksen", "kommune", Membership.Role.COORDINATOR),
    "kommune": ("Tor", "Andreassen", "kommune", Membership.Role.MEMBER),
    "skole": ("Hilde", "Johnsen", "skole", Membership.Role.MEMBER),
    "nav": ("Stian", "Berg", "nav", Membership.Role.MEMBER),
    "naering": ("Camilla", "Lund", "naering", Membership.Role.MEMBER),
}


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(","))


def _weights(text: str, choices: type[models.TextChoices] | None = None) -> dict[str, int]:
    """'returning:45 family:25' as {"returning": 45, "family": 25}; keys checked against
    the choices, so a typo fails at import rather than as odd data."""
    weights = {key: int(value) for key, value in (pair.split(":") for pair in text.split())}
    if choices is not None and (unknown := set(weights) - set(choices.values)):
        raise ValueError(f"not in {choices.__name__}: {sorted(unknown)}")
    return weights


@dataclass(frozen=True)
class Origin:
    weight: int
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]  # "male/female" where the form differs
    nb_share: float  # how many write to us in bokmål rather than English
    groups: dict[str, int]

    def surname(self, rng: random.Random) -> tuple[str, str]:
        male, _slash, female = rng.choice(self.surnames).partition("/")
        return male, female or male


EU = _weights("eu_worker:55 family:25 partner:15 student:5", Group)
ORIGINS = (  # a rough mix of who moves to the region
    Origin(
        36,
        _names("Ingrid, Kari, Marte, Silje, Ida, Nora, Hanne, Sigrid, Tone, Maja"),
        _names("Ole, Lars, Eirik, Håkon, Sindre, Magnus, Jonas, Kristian, Tor"),
        _names(
            "Hansen, Johansen, Olsen, Nilsen, Pedersen, Strand, Eriksen, Andreassen, Karlsen, "
            "Jakobsen, Pettersen, Mikkelsen, Kristiansen, Solberg, Isaksen, Nygård"
        ),
        1.0,
        _weights("returning:45 family:25 student:15 partner:8 other:7", Group),
    ),
    Origin(
        12,
        _names("Anna, Katarzyna, Magdalena, Agnieszka, Joanna, Ewa"),
        _names("Piotr, Tomasz, Paweł, Krzysztof, Marcin, Michał"),
        _names(
            "Kowalski/Kowalska, Nowak, Wiśniewski/Wiśniewska, Wójcik, Kamiński/Kamińska, "
            "Zieliński/Zielińska"
        ),
        0.15,
        EU,
    ),
    Origin(
        5,
        _names("Rūta, Agnė, Ieva, Giedrė"),
        _names("Tomas, Mantas, Darius, Andrius"),
        _names(
            "Kazlauskas/Kazlauskienė, Petrauskas/Petrauskienė, Jankauskas/Jankauskienė, "
            "Žukauskas/Žukauskienė"
        ),
        0.1,
        EU,
    ),
    Origin(
        12,
        _names("Oksana, Olena, Iryna, Yulia, Nataliia, Kateryna"),
        _names("Andrii, Dmytro, Serhii, Oleksandr, Taras"),
        _names("Shevchenko, Kovalenko, Bondarenko, Melnyk, Tkachenko, Kravchenko, Boiko"),
        0.15,
        _weights("refugee:55 non_eu_worker:25 partner:10 family:10", Group),
    ),
    Origin(
        8,
        _names("Maria, Jocelyn, Angelica, Kristine, Rhea, Marites"),
        _names("Mark, John Paul, Jerome, Rodel"),
        _names("Santos, Reyes, Cruz, Bautista, Mendoza, Villanueva"),
        0.1,
        _weights("non_eu_worker:65 partner:20 family:15", Group),
    ),
    Origin(
        6,
        _names("Rania, Lina, Nour, Huda, Amal"),
        _names("Ahmad, Omar, Yousef, Samer, Khaled"),
        _names("Al-Hassan, Haddad, Khalil, Darwish, Al-Khatib, Ibrahim"),
        0.25,
        _weights("refugee:65 family:20 non_eu_worker:15", Group),
    ),
    Origin(
        8,
        _names("Julia, Katharina, Lena, Sophie, Miriam"),
        _names("Lukas, Felix, Jonas, Matthias, Tobias"),
        _names("Schmidt, Müller, Weber, Fischer, Becker, Wagner, Hoffmann"),
        0.2,
        EU,
    ),
    Origin(
        6,
        _names("Elin, Johanna, Emma, Frida"),
        _names("Erik, Johan, Oskar, Gustav"),
        _names("Lindqvist, Lindberg, Nyström, Sjöberg, Holmgren"),
        0.7,
        EU,
    ),
    Origin(
        4,
        _names("Priya, Anjali, Divya"),
        _names("Arjun, Rahul, Vikram"),
        _names("Nair, Menon, Sharma, Iyer"),
        0.05,
        _weights("non_eu_worker:70 partner:20 family:10", Group),
    ),
)

# (bokmål, English) pairs: a newcomer writes in their preferred language.
OCCUPATIONS = tuple(
    zip(
        _names(
            "sykepleier, sveiser, ingeniør, lærer, barnehagelærer, lege, elektriker, "
            "helsefagarbeider, tømrer, lastebilsjåfør, kokk, mekaniker, utvikler, "
            "regnskapsfører, logistikkmedarbeider"
        ),
        _names(
            "nurse, welder, engineer, teacher, kindergarten teacher, doctor, electrician, "
            "healthcare worker, carpenter, truck driver, chef, mechanic, software developer, "
            "accountant, logistics worker"
        ),
        strict=True,
    )
)
STUDENT = ("student", "student")
INTERESTS = tuple(
    zip(
        _names("friluftsliv, ski, fotball, klatring, kor, jakt og fiske, håndball, dykking"),
        _names("hiking, skiing, football, climbing, choir, hunting and fishing, handball, diving"),
        strict=True,
    )
)
# Keyed by target group: a TextChoices member is the str it stands for.
HEARD_VIA: dict[str, dict[str, int]] = {  # through which channel each group reaches the team
    Group.RETURNING: _weights("friends:40 social:25 portal:20 news:10 other:5", Heard),
    Group.FAMILY: _weights("portal:30 social:25 friends:25 employer:10 event:10", Heard),
    Group.EU_WORKER: _weights("employer:40 friends:25 portal:15 social:15 nav:5", Heard),
    Group.NON_EU_WORKER: _weights("employer:60 friends:20 portal:10 social:10", Heard),
    Group.STUDENT: _weights("school:50 social:25 event:15 portal:10", Heard),
    Group.PARTNER: _weights("employer:40 friends:25 portal:20 nav:15", Heard),
    Group.REFUGEE: _weights("nav:40 other:30 friends:20 school:10", Heard),
    Group.OTHER: _weights("portal:30 social:30 other:20 news:20", Heard),
}
TOPICS: dict[
    str, dict[str, int]
] = {  # what each group asks about (topic slugs from cases/migrations/0002_topics.py)
    Group.RETURNING: _weights(
        "jobs:5 housing:5 partner-job:3 kindergarten:3 school:2 leisure:2 business:1"
    ),
    Group.FAMILY: _weights(
        "kindergarten:5 school:5 housing:4 jobs:3 partner-job:3 health:2 leisure:2"
    ),
    Group.EU_WORKER: _weights("jobs:5 housing:4 norwegian:3 health:2 transport:2 partner-job:2"),
    Group.NON_EU_WORKER: _weights(
        "jobs:4 housing:4 norwegian:4 health:2 transport:2 partner-job:2"
    ),
    Group.STUDENT: _weights("housing:4 jobs:3 leisure:3 transport:2 other:1"),
    Group.PARTNER: _weights("jobs:6 norwegian:3 kindergarten:2 leisure:2"),
    Group.REFUGEE: _weights("norwegian:5 jobs:4 housing:3 school:3 health:2"),
    Group.OTHER: _weights("other:4 jobs:3 housing:3 business:3 leisure:2"),
}
# Who takes a topic, by organisation key; the municipality takes the rest. Jobs go to NAV
# instead of the employers for refugees and accompanying partners.
TOPIC_ORG = {"jobs": "naering", "partner-job": "nav", "business": "naering"}
TOPIC_ORG |= {"school": "skole", "leisure": "frivillig"}
ASKS = {  # what the newcomer writes, (bokmål, English)
    "jobs": (
        "Jeg er {occupation} og ser etter jobb i regionen.",
        "I am a {occupation} and I am looking for work in the region.",
    ),
    "partner-job": ("Partneren min trenger også jobb.", "My partner will need a job too."),
    "housing": (
        "Vi ser etter bolig å leie, gjerne i {place}.",
        "We are looking for somewhere to rent, preferably in {place}.",
    ),
    "kindergarten": (
        "Vi trenger barnehageplass. Hvordan fungerer opptaket?",
        "We need a kindergarten place. How does admission work?",
    ),
    "school": (
        "Vi har barn i skolealder. Hvordan får de skoleplass?",
        "We have school-age children. How do we enrol them?",
    ),
    "health": ("Hvordan får vi fastlege?", "How do we get a GP once we have moved?"),
    "norwegian": ("Finnes det norskkurs på kveldstid?", "Are there evening Norwegian courses?"),
    "leisure": (
        "Hvilke lag og foreninger finnes for voksne og barn?",
        "What clubs and activities are there for adults and children?",
    ),
    "transport": (
        "Hva gjelder for bil med utenlandske skilter og for førerkortet mitt?",
        "What are the rules for a car with foreign plates and for my driving licence?",
    ),
    "business": (
        "Jeg vurderer å starte egen bedrift. Hvem kan gi råd?",
        "I am thinking of starting a business. Who can advise me?",
    ),
    "other": (
        "Jeg har noen generelle spørsmål om å flytte hit.",
        "I have a few general questions about moving here.",
    ),
}
SUBJECTS = {  # the same topics in a staff member's summary
    "jobs": "jobb",
    "partner-job": "jobb for partneren",
    "housing": "bolig",
    "kindergarten": "barnehageplass",
    "school": "skoleplass",
    "health": "fastlege",
    "norwegian": "norskkurs",
    "leisure": "fritidstilbud",
    "transport": "bil og førerkort",
    "business": "å starte bedrift",
    "other": "generelle spørsmål",
}
TOPIC_NOTES = {
    "jobs": "Sendt lenker til ledige stillinger i regionen og tips om åpen søknad.",
    "partner-job": "Partneren ønsker jobb; avtalt møte med NAV Narvik.",
    "housing": "Sendt oversikt over utleiere og informasjon om startlån og bostøtte.",
    "kindergarten": "Forklart samordnet opptak (frist 1. mars); det går an å søke hele året.",
    "school": "Skoleplass avklart med skolekontoret; oppstart uken etter ankomst.",
    "health": "Forklart fastlegeordningen; fastlege velges på helsenorge.no.",
    "norwegian": "Sendt informasjon om norskkurs ved voksenopplæringen.",
    "leisure": "Invitert til fritidsmessen sammen med frivilligsentralen.",
    "transport": "Sendt informasjon om omregistrering av bil og bytte av førerkort.",
    "business": "Satt i kontakt med etablererveiledningen i næringsforeningen.",
    "other": "Besvart spørsmålene på telefon.",
}
GENERIC_NOTES = (
    "Ringte, ingen svar. Prøver igjen neste uke.",
    "Godt møte på rådhuset; de vurderer å flytte til sommeren.",
    "Sendt velkomstinformasjon om regionen.",
    "Fikk svar på e-post; de tar kontakt ved behov.",
)
CONFIDENTIAL_NOTES = {  # by the author's organisation
    "nav": "Registrert som arbeidssøker; videre oppfølging hos NAV.",
    "skole": "Eleven trenger særskilt norskopplæring; kartlegging er avtalt.",
    "kommune": "Opplysninger om helse gitt muntlig; ikke notert her.",
    "naering": "Arbeidsgiver vurderer ansettelse; lønnsforhold er ikke delt med teamet.",
}
FOLLOWUPS = {
    "jobs": "Sende aktuelle stillinger",
    "partner-job": "Avtale møte med NAV for partneren",
    "housing": "Sende boligtips",
    "kindergarten": "Hjelpe med barnehagesøknaden",
    "school": "Avklare skoleplass",
    "health": "Sende informasjon om fastlege",
    "norwegian": "Melde på norskkurs",
    "leisure": "Invitere til fritidsmessen",
    "transport": "Sende informasjon om bil og førerkort",
    "business": "Koble på etablererveiledning",
    "other": "Ringe tilbake",
}
CHANNELS = _weights("form:45 email:25 phone:15 event:10 referral:5", Channel)
PRIORITIES = _weights("normal:75 high:15 low:7 urgent:3", Case.Priority)
CLOSING = _weights(
    "answered:40 moved:25 no_reply:15 not_moving:12 other:5 duplicate:3", Case.ClosingReason
)
EVENTS = _names("jobbmessen i Narvik, tilflytterkvelden, fritidsmessen, karrieredagen på UiT")
REFERRERS = _names("NAV, arbeidsgiveren, flyktningtjenesten")
