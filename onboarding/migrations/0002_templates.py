"""Two starting templates from the agencies' published steps (see the team's domain notes).

Each step keeps its official source. `checked_on` stays empty: the team confirms each fact
against its source and records the date in admin before relying on it.
"""

from django.db import migrations

SKATT = "https://www.skatteetaten.no/en/person/foreign/are-you-intending-to-move-to-norway/"
UDI = "https://www.udi.no/en/want-to-apply/work-immigration/registration-for-eueea-citizens/"
HELSENORGE = "https://www.helsenorge.no/en/fastlege/"
NARVIK = "https://www.narvik.kommune.no/"
NAV = "https://www.nav.no/"
TOLL = "https://www.toll.no/en/"
VEGVESEN = "https://www.vegvesen.no/en/driving-licence/"
IMDI = "https://www.imdi.no/en/"

# key, doer, per member, anchor, offset, extra fields, titles and guidance (nb, en), source
STEPS = [
    dict(key="welcome-talk", doer="team", responsible_kind="municipality", anchor="move_date",
         offset_days=14,
         title_nb="Velkomstsamtale med tilflytterkoordinatoren",
         title_en="Welcome talk with the newcomer coordinator",
         guidance_nb="Vi går gjennom planen sammen og svarer på spørsmål.",
         guidance_en="We go through the plan together and answer your questions.",
         source_url=NARVIK),
    dict(key="housing", doer="team", responsible_kind="municipality", anchor="move_date",
         offset_days=-30,
         title_nb="Bolig: leie, depositum og bostøtte", title_en="Housing: renting, deposit and housing allowance",
         guidance_nb="Et depositum er høyst seks måneders leie og skal stå på en sperret konto i leietakerens navn. Kommunen gir råd om bostøtte og startlån.",
         guidance_en="A rental deposit is at most six months' rent and must be in a blocked account in the tenant's name. The municipality advises on housing allowance and start-up loans.",
         source_url=NARVIK),
    dict(key="eu-registration", doer="newcomer", per_member="adult", anchor="move_date",
         offset_days=90, requires_from_abroad="yes", requires_eu_eea="yes",
         title_nb="Registrer deg hos politiet (EU/EØS-registrering)",
         title_en="Register with the police (EU/EEA registration)",
         guidance_nb="EU/EØS-borgere kan begynne å jobbe med en gang, men må registrere seg innen tre måneder etter ankomst.",
         guidance_en="EU/EEA citizens may start work at once but must register within three months of arrival.",
         source_url=UDI),
    dict(key="id-check", doer="newcomer", per_member="adult", anchor="move_date", offset_days=8,
         requires_from_abroad="yes", requires_long_stay="yes",
         title_nb="ID-kontroll og flyttemelding på skattekontoret",
         title_en="ID check and moving notice at the tax office",
         guidance_nb="Skal du bo her i seks måneder eller mer, melder du flytting ved oppmøte på et skattekontor med ID-kontroll innen åtte dager (skjema RF-1401). Hele husstanden møter. Fødselsnummeret kommer etter 3–5 uker.",
         guidance_en="If you stay six months or more, report the move in person at a tax office that does ID checks within eight days (form RF-1401). The whole household attends. The national ID number takes 3–5 weeks.",
         source_url=SKATT),
    dict(key="d-number", doer="newcomer", per_member="adult", anchor="move_date", offset_days=-7,
         requires_from_abroad="yes", requires_long_stay="no",
         title_nb="Søk skattekort og D-nummer (med ID-kontroll)",
         title_en="Apply for a tax card and D number (with an ID check)",
         guidance_nb="Ved kortere opphold får du D-nummer gjennom søknaden om skattekort, også med ID-kontroll.",
         guidance_en="For shorter stays you get a D number through the tax card application, also with an ID check.",
         source_url=SKATT),
    dict(key="tax-card", doer="newcomer", anchor="move_date", offset_days=-7,
         requires_from_abroad="yes", target_groups=["eu_worker", "non_eu_worker"],
         title_nb="Søk skattekort (RF-1209)", title_en="Apply for a tax deduction card (RF-1209)",
         guidance_nb="Skattekortet er normalt klart innen fem virkedager, og arbeidsgiveren henter det selv.",
         guidance_en="The tax card is normally ready within five working days; your employer fetches it.",
         source_url=SKATT),
    dict(key="moving-notice", doer="newcomer", anchor="move_date", offset_days=8,
         requires_from_abroad="no",
         title_nb="Meld flytting til Folkeregisteret", title_en="Report your move to the National Registry",
         guidance_nb="Meld flytting på nett innen åtte dager. Folkeregisteret sier ikke fra til Posten, så husk ettersending.",
         guidance_en="Report the move online within eight days. The registry does not tell the postal service, so arrange mail forwarding.",
         source_url=SKATT),
    dict(key="bank", doer="newcomer", per_member="adult", anchor="after_step", offset_days=7,
         requires_from_abroad="yes", depends_on="id-check",
         title_nb="Bankkonto og BankID", title_en="Bank account and BankID",
         guidance_nb="Banken trenger fødselsnummer eller D-nummer. BankID krever fødselsnummer.",
         guidance_en="A bank needs a national ID number or D number; BankID needs a national ID number.",
         source_url=SKATT),
    dict(key="gp", doer="newcomer", anchor="after_step", offset_days=35, depends_on="id-check",
         title_nb="Velg fastlege", title_en="Choose a GP (fastlege)",
         guidance_nb="Alle som er registrert bosatt i kommunen har rett til fastlege. Velg på helsenorge.no; byttet gjelder fra den 1. i neste måned.",
         guidance_en="Everyone registered as living in the municipality has a right to a GP. Choose on helsenorge.no; a change takes effect on the 1st of the next month.",
         source_url=HELSENORGE),
    dict(key="kindergarten", doer="newcomer", per_member="child", anchor="fixed_yearly",
         fixed_month=3, fixed_day=1, child_age_min=1, child_age_max=5, responsible_kind="municipality",
         title_nb="Søk barnehageplass (hovedopptak 1. mars)",
         title_en="Apply for a kindergarten place (main admission 1 March)",
         guidance_nb="Narvik har felles opptak for alle barnehager med frist 1. mars; du kan søke hele året. Har dere ikke fødselsnummer ennå, kontakt barnehagekontoret. Barnehageåret starter i august.",
         guidance_en="Narvik has one joint admission for all kindergartens with a 1 March deadline; you can apply all year. Without a national ID number yet, contact the kindergarten office. The kindergarten year starts in August.",
         source_url=NARVIK),
    dict(key="school-start", doer="newcomer", per_member="child", anchor="child_age", child_age=6,
         fixed_month=1, fixed_day=15, offset_days=30, child_age_min=3, child_age_max=5,
         responsible_kind="municipality",
         title_nb="Skolestart: kontakt skolekontoret", title_en="School start: contact the school office",
         guidance_nb="Barn begynner på skolen det året de fyller seks. Skolekontoret forteller når innskrivingen er; vi har satt en dato tidlig det året.",
         guidance_en="Children start school in the calendar year they turn six. The school office tells you when enrolment is; we have set a date early that year.",
         source_url=NARVIK),
    dict(key="school", doer="newcomer", per_member="child", anchor="move_date", offset_days=30,
         child_age_min=6, child_age_max=15, responsible_kind="school",
         title_nb="Skoleplass", title_en="School place",
         guidance_nb="Et barn fra utlandet har rett til skoleplass når det er sannsynlig at det blir her mer enn tre måneder, senest innen en måned.",
         guidance_en="A child from abroad has the right to a school place when a stay over three months is likely, within one month at the latest.",
         source_url=NARVIK),
    dict(key="sfo", doer="newcomer", per_member="child", anchor="move_date", offset_days=30,
         child_age_min=6, child_age_max=9, responsible_kind="school",
         title_nb="SFO (skolefritidsordning)", title_en="After-school care (SFO)",
         guidance_nb="SFO er for 1.–4. trinn. Søk sammen med skoleplassen.",
         guidance_en="SFO covers grades 1–4. Apply together with the school place.",
         source_url=NARVIK),
    dict(key="nav-jobseeker", doer="newcomer", anchor="move_date", offset_days=0,
         requires_partner_job_seeking=True, responsible_kind="nav",
         title_nb="Partner: registrer deg som arbeidssøker hos NAV",
         title_en="Partner: register as a job seeker with NAV",
         guidance_nb="Alle med lovlig opphold kan registrere seg som arbeidssøker på nav.no med elektronisk ID, eller på NAV-kontoret.",
         guidance_en="Anyone residing legally can register as a job seeker on nav.no with an electronic ID, or at the local NAV office.",
         source_url=NAV),
    dict(key="employer-network", doer="team", anchor="move_date", offset_days=14,
         requires_partner_job_seeking=True, responsible_kind="employer",
         title_nb="Partner: introduksjon til arbeidsgivernettverket",
         title_en="Partner: introduction to the employer network",
         guidance_nb="Vi setter partneren i kontakt med lokale arbeidsgivere som rekrutterer.",
         guidance_en="We put the partner in touch with local employers who are recruiting.",
         source_url=""),
    dict(key="norwegian", doer="newcomer", anchor="move_date", offset_days=30,
         requires_from_abroad="yes",
         title_nb="Norskopplæring", title_en="Norwegian language training",
         guidance_nb="Rettigheter og plikter avhenger av oppholdsgrunnlaget: flyktninger har rett og plikt (gratis), arbeidsinnvandrere utenfor EU/EØS har plikt til 300 timer for egen regning, EU/EØS- og nordiske borgere kan ta betalte kurs.",
         guidance_en="Rights and duties depend on your basis of residence: refugees have a right and duty (free), non-EU/EEA labour migrants a duty of 300 hours at their own cost, EU/EEA and Nordic citizens can take paid courses.",
         source_url=IMDI),
    dict(key="car", doer="newcomer", anchor="move_date", offset_days=30, requires_car_import=True,
         title_nb="Bil: fortolling og omregistrering", title_en="Car: customs clearance and re-registration",
         guidance_nb="En innført bil kan bruke utenlandske skilter i inntil 30 dager etter fortolling.",
         guidance_en="An imported car may use foreign plates for up to 30 days after customs clearance.",
         source_url=TOLL),
    dict(key="licence", doer="newcomer", per_member="adult", anchor="move_date", offset_days=90,
         requires_from_abroad="yes", requires_eu_eea="no",
         title_nb="Bytt førerkort", title_en="Exchange your driving licence",
         guidance_nb="Førerkort fra land utenfor EU/EØS gjelder i tre måneder etter at du har tatt opphold her, og må så byttes.",
         guidance_en="A driving licence from outside the EU/EEA is valid for three months after you take up residence, and must then be exchanged.",
         source_url=VEGVESEN),
    dict(key="leisure", doer="team", responsible_kind="municipality", anchor="move_date",
         offset_days=45,
         title_nb="Fritid: lag, foreninger og fritidsmessen", title_en="Leisure: clubs, associations and the leisure fair",
         guidance_nb="Lag og foreninger rekrutterer på den årlige fritidsmessen som tilflytterkoordinatoren og frivilligsentralen arrangerer.",
         guidance_en="Clubs and associations recruit at the yearly leisure fair run by the newcomer coordinator and the volunteer centre.",
         source_url=NARVIK),
]

TEMPLATES = [
    dict(slug="moving-to-the-region", name_nb="Flytting til regionen", name_en="Moving to the region",
         target_groups=[], position=0, steps=[s["key"] for s in STEPS]),
    dict(slug="returning-local", name_nb="Tilbakeflytter", name_en="Returning local",
         target_groups=["returning"], position=1,
         steps=["welcome-talk", "housing", "moving-notice", "gp", "kindergarten", "school-start",
                "school", "sfo", "nav-jobseeker", "employer-network", "leisure"]),
]


def load(apps, schema_editor):
    Template = apps.get_model("onboarding", "OnboardingTemplate")
    Step = apps.get_model("onboarding", "TemplateStep")
    by_key = {s["key"]: s for s in STEPS}
    for spec in TEMPLATES:
        keys = spec.pop("steps")
        template, _ = Template.objects.get_or_create(slug=spec["slug"], defaults=spec)
        created = {}
        for position, key in enumerate(keys):
            fields = dict(by_key[key])
            fields.pop("depends_on", None)
            step, _ = Step.objects.get_or_create(
                template=template, key=key, defaults={**fields, "position": position * 10}
            )
            created[key] = step
        for key in keys:
            depends_on = by_key[key].get("depends_on")
            if depends_on and depends_on in created:
                Step.objects.filter(pk=created[key].pk).update(depends_on=created[depends_on])
        spec["steps"] = keys


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
