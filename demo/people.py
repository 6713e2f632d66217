"""The demo's organisations and staff logins (demo.texts names them). Found by name and
username, so a second run creates nothing; the logins' password is reset on every run."""

from typing import Any

from django.contrib.auth import get_user_model

from contacts.models import Membership, Organisation
from demo.texts import ORGANISATIONS, USERS

# Contact details for the welcome pack's letterhead and the newcomer's page: demo values
# (the addresses are the agencies' real streets; phones and e-mail addresses are made up).
ORGANISATION_DETAILS: dict[str, dict[str, str]] = {
    "kommune": {
        "email": "tilflytter@narvik.example",
        "phone": "+47 76 00 10 00",
        "address": "Kongens gate 51\n8514 Narvik",
    },
    "skole": {
        "email": "post@narvik-vgs.example",
        "phone": "+47 76 00 20 00",
        "address": "Skoleveien 2\n8515 Narvik",
    },
    "nav": {
        "email": "nav.narvik@nav.example",
        "phone": "+47 55 55 33 33",
        "address": "Kongens gate 39\n8514 Narvik",
    },
    "naering": {"email": "post@naering.example", "phone": "+47 76 00 30 00"},
    "frivillig": {
        "email": "post@frivillig.example",
        "phone": "+47 76 00 40 00",
        "address": "Kongens gate 44\n8514 Narvik",
    },
}


def _hours(until_thursday: bool, opens: str, closes: str) -> dict[str, str]:
    """Weekday opening hours as each language writes them ("08:00" given; bokmål writes
    "08.00", Polish drops the leading zero, Arabic says "from … until …" so the times
    keep their order right to left)."""
    nb_days, en_days, pl_days, uk_days, ar_days = (
        ("Mandag–torsdag", "Monday to Thursday", "Od poniedziałku do czwartku",
         "З понеділка по четвер", "من الاثنين إلى الخميس")
        if until_thursday
        else ("Mandag–fredag", "Monday to Friday", "Od poniedziałku do piątku",
              "З понеділка по п'ятницю", "من الاثنين إلى الجمعة")
    )  # fmt: skip
    return {
        "nb": f"{nb_days} kl. {opens.replace(':', '.')}–{closes.replace(':', '.')}",
        "en": f"{en_days}, {opens}–{closes}",
        "pl": f"{pl_days}, {opens.removeprefix('0')}–{closes.removeprefix('0')}",
        "uk": f"{uk_days}, {opens}–{closes}",
        "ar": f"{ar_days}، من الساعة {opens} حتى {closes}",
    }


# Texts the newcomer reads, by language (config.texts.text_for).
ORGANISATION_TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "kommune": {
        "opening_hours_texts": _hours(False, "08:00", "15:30"),
        "descriptions": {
            "nb": "Kommunens tilflytterteam: det første stedet å spørre om bolig, barnehage, "
            "skole, helsetjenester og det å finne seg til rette.",
            "en": "The municipality's newcomer team: the first place to ask about housing, "
            "kindergarten, school, health services and settling in.",
            "pl": "Zespół gminy ds. nowych mieszkańców: tu najpierw warto pytać o mieszkanie, "
            "przedszkole, szkołę, opiekę zdrowotną i o to, jak się tu urządzić.",
            "uk": "Команда комуни для новоприбулих: сюди варто звертатися насамперед щодо "
            "житла, дитячого садка, школи, медичних послуг і облаштування на новому місці.",
            "ar": "فريق البلدية لاستقبال القادمين الجدد: أول جهة تسألون فيها عن السكن "
            "ورياض الأطفال والمدرسة والخدمات الصحية والاستقرار في المنطقة.",
        },
    },
    "skole": {
        "opening_hours_texts": _hours(False, "08:00", "15:00"),
        "descriptions": {
            "nb": "Videregående skole i Narvik. Ta kontakt om skoleplass, bytte av skole og "
            "skolestart for ungdom mellom 16 og 19 år.",
            "en": "The upper secondary school in Narvik. Get in touch about a school place, "
            "changing schools and starting school for young people aged 16 to 19.",
            "pl": "Szkoła średnia w Narwiku. Można się z nią kontaktować w sprawie miejsca w "
            "szkole, zmiany szkoły i rozpoczęcia nauki przez młodzież w wieku 16–19 lat.",
            "uk": "Старша середня школа в Нарвіку. Звертайтеся щодо місця в школі, переведення "
            "з іншої школи та початку навчання для молоді віком від 16 до 19 років.",
            "ar": "المدرسة الثانوية في نارفيك. تواصلوا معها بشأن الحصول على مقعد دراسي أو "
            "الانتقال من مدرسة أخرى أو بدء الدراسة للشباب بين 16 و19 عامًا.",
        },
    },
    "nav": {
        "opening_hours_texts": _hours(False, "09:00", "14:00"),
        "descriptions": {
            "nb": "Arbeids- og velferdsforvaltningen: registrering som arbeidssøker, hjelp til "
            "å finne arbeid, og ytelser som barnetrygd.",
            "en": "The Norwegian Labour and Welfare Administration: registering as a job "
            "seeker, help to find work, and benefits such as child benefit.",
            "pl": "Norweski urząd pracy i opieki społecznej: rejestracja jako osoba szukająca "
            "pracy, pomoc w znalezieniu pracy i świadczenia, np. zasiłek na dzieci.",
            "uk": "Норвезька служба праці та соціального забезпечення: реєстрація як "
            "шукача роботи, допомога в пошуку роботи та виплати, зокрема допомога на дітей.",
            "ar": "الهيئة النرويجية للعمل والرعاية الاجتماعية: التسجيل كباحث عن عمل، "
            "والمساعدة في إيجاد عمل، والإعانات مثل إعانة الأطفال.",
        },
    },
    "naering": {
        "descriptions": {
            "nb": "Foreningen for næringslivet i Narvik. Den setter tilflyttere og partnerne "
            "deres i kontakt med arbeidsgivere i regionen.",
            "en": "Narvik's business association. It puts newcomers and their partners in "
            "touch with employers in the region.",
            "pl": "Stowarzyszenie przedsiębiorców z Narwiku. Pomaga nowym mieszkańcom i ich "
            "partnerom nawiązać kontakt z pracodawcami w regionie.",
            "uk": "Асоціація підприємців Нарвіка. Допомагає новоприбулим та їхнім партнерам "
            "зв'язатися з роботодавцями в регіоні.",
            "ar": "رابطة الأعمال في نارفيك. تساعد القادمين الجدد وشركاءهم على التواصل مع "
            "أصحاب العمل في المنطقة.",
        },
    },
    "frivillig": {
        "opening_hours_texts": _hours(True, "10:00", "15:00"),
        "descriptions": {
            "nb": "Frivilligsentralen: språkkafé, møteplasser, fritidsaktiviteter og hjelp "
            "fra frivillige. Alle er velkomne, og det er gratis.",
            "en": "The volunteer centre: language café, meeting places, leisure activities "
            "and help from volunteers. Everyone is welcome, free of charge.",
            "pl": "Centrum wolontariatu: kawiarenka językowa, miejsca spotkań, zajęcia w "
            "czasie wolnym i pomoc wolontariuszy. Wszyscy są mile widziani, udział jest "
            "bezpłatny.",
            "uk": "Волонтерський центр: мовне кафе, місця зустрічей, дозвілля та допомога "
            "волонтерів. Тут раді всім, участь безкоштовна.",
            "ar": "مركز العمل التطوعي: مقهى لممارسة اللغة، وأماكن للقاء، وأنشطة ترفيهية، "
            "ومساعدة من المتطوعين. الجميع مرحَّب بهم، والمشاركة مجانية.",
        },
    },
}


def organisations_seed() -> dict[str, Organisation]:
    """The region's agencies, by their key in ORGANISATIONS, with their contact details
    filled where still empty, and each text where it is empty in every language (a second
    run changes nothing the team edited: demo wording never sits beside the team's)."""
    orgs = {}
    for key, (name, kind) in ORGANISATIONS.items():
        org = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        changes: dict[str, Any] = {
            f: v for f, v in ORGANISATION_DETAILS.get(key, {}).items() if not getattr(org, f)
        }
        for f, texts in ORGANISATION_TEXTS.get(key, {}).items():
            if not any((getattr(org, f) or {}).values()):
                changes[f] = texts
        if changes:
            Organisation.objects.filter(pk=org.pk).update(**changes)
            org.refresh_from_db()
        orgs[key] = org
    return orgs


def users_seed(*, orgs: dict[str, Organisation], password: str) -> dict[str, Any]:
    """The five staff logins with their memberships, by username."""
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


# The superuser: the Django admin (/admin/) and every screen; no membership.
SUPERUSER = ("admin", "Ada", "Admin")


def superuser_seed(*, password: str) -> Any:
    username, first, last = SUPERUSER
    user, _created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": "ada.admin@example.org"},
    )
    user.set_password(password)
    user.is_active = user.is_staff = user.is_superuser = True
    user.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
    return user


def logins_table(*, orgs: dict[str, Organisation], password: str) -> list[str]:
    """The logins as the lines of a plain-text table, with a header row."""
    rows = [("username", "role", "organisation", "password")]
    rows += [
        (username, role, orgs[org_key].name, password)
        for username, (_first, _last, org_key, role) in USERS.items()
    ]
    rows.append((SUPERUSER[0], "superuser (Django admin: /admin/)", "-", password))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
