# ruff: noqa: RUF001, E501 (Ukrainian and Arabic text: their letters are meant; long sentences)
"""The seeded templates (0002) in Arabic, and their facts checked again (issue 18).

Facts: read against the team's domain notes and the agencies' pages named in them, on
2 December 2026 (`checked_on`); each step keeps its source link, and where the agency has
the page in more than one language, its page by language (`source_urls`).
- EU/EEA registration with the police is for EU/EEA citizens who are not Nordic; Nordic
  citizens only report the move (the tax office's ID check and moving notice). It comes
  first: the tax office's ID check for an EU/EEA citizen relies on it, so its due date is
  now before the ID check's, which waits for it.
- Kindergarten: 1 March is the application deadline (søknadsfrist), not "main admission".
- Norwegian training: the Integration Act of 2021 (integreringsloven), which ties a right
  or a duty to the kind of residence permit; no hours or costs quoted that predate it.
- BankID: no longer "national ID number only"; some banks issue it with a D number and a
  passport.
- School: a household moving from inside Norway changes school; the "child from abroad"
  rule is for those moving from abroad only (a new step for the others).
- The partner's steps are the partner's (per member: partner), addressed to them.

Two Polish guidances that read unnaturally are rewritten (POLISH). Wording in Polish,
Ukrainian and Arabic has not been read by a native speaker yet:
docs/translations.md lists it for review. A step whose English title an administrator has
changed since the seed is left alone, as in 0005.
"""

from datetime import date
from importlib import import_module

from django.db import migrations

SEED = import_module("onboarding.migrations.0002_templates")
CHECKED_ON = date(2026, 12, 2)
INTEGRATION_ACT = "https://lovdata.no/dokument/NL/lov/2020-11-06-127"
SKATT_MOVING = "https://www.skatteetaten.no/en/person/national-registry/moving/"

# Arabic for the steps whose wording stays as seeded: key: (title, guidance).
ARABIC = {
    "welcome-talk": (
        "لقاء ترحيبي مع منسّق استقبال القادمين الجدد",
        "نراجع الخطة معًا ونجيب عن أسئلتك.",
    ),
    "housing": (
        "السكن: الإيجار والتأمين وبدل السكن",
        "لا يزيد تأمين الإيجار على إيجار ستة أشهر، ويجب أن يُودَع في حساب مجمَّد باسم المستأجر. "
        "وتقدّم البلدية المشورة بشأن بدل السكن (bostøtte) وقرض البداية (startlån).",
    ),
    "id-check": (
        "التحقق من الهوية وإبلاغ الانتقال في مكتب الضرائب",
        None,
    ),
    "d-number": (
        "قدّم طلب البطاقة الضريبية ورقم D (مع التحقق من الهوية)",
        "إذا كانت إقامتك أقصر، تحصل على رقم D من خلال طلب البطاقة الضريبية، مع التحقق من الهوية أيضًا.",
    ),
    "tax-card": (
        "قدّم طلب البطاقة الضريبية (RF-1209)",
        "تكون البطاقة الضريبية جاهزة عادةً خلال خمسة أيام عمل، ويحصل عليها صاحب العمل بنفسه.",
    ),
    "moving-notice": (
        "أبلغ السجل الوطني للسكان (Folkeregisteret) بانتقالك",
        "أبلغ عن الانتقال عبر الإنترنت خلال ثمانية أيام. لا يُبلغ السجلُّ البريدَ بذلك، فاطلب تحويل بريدك إلى عنوانك الجديد.",
    ),
    "bank": ("الحساب المصرفي وBankID", None),
    "gp": (
        "اختر طبيب الأسرة (fastlege)",
        "لكل شخص مسجَّل مقيمًا في البلدية الحق في طبيب أسرة. اختره عبر helsenorge.no؛ ويسري التغيير من اليوم الأول من الشهر التالي.",
    ),
    "school-start": (
        "بداية الدراسة: تواصل مع مكتب المدارس",
        "يبدأ الأطفال الدراسة في السنة الميلادية التي يبلغون فيها السادسة. يخبرك مكتب المدارس بموعد التسجيل؛ وقد حدّدنا تاريخًا في بداية تلك السنة.",
    ),
    "school": (
        "مكان في المدرسة",
        "للطفل القادم من الخارج الحق في مكان في المدرسة إذا كان من المرجّح أن يبقى هنا أكثر من ثلاثة أشهر، في موعد أقصاه شهر واحد.",
    ),
    "sfo": (
        "رعاية ما بعد المدرسة (SFO)",
        "رعاية ما بعد المدرسة مخصّصة للصفوف من الأول إلى الرابع. قدّم الطلب مع طلب المكان في المدرسة.",
    ),
    "car": (
        "السيارة: التخليص الجمركي وإعادة التسجيل",
        "يجوز استخدام السيارة المستوردة بلوحات أجنبية لمدة أقصاها 30 يومًا بعد التخليص الجمركي.",
    ),
    "licence": (
        "استبدل رخصة القيادة",
        "رخصة القيادة الصادرة من خارج الاتحاد الأوروبي/المنطقة الاقتصادية الأوروبية صالحة لمدة ثلاثة أشهر بعد استقرارك هنا، ثم يجب استبدالها.",
    ),
    "leisure": (
        "وقت الفراغ: النوادي والجمعيات ومعرض الأنشطة",
        "تستقطب النوادي والجمعيات أعضاء جددًا في معرض الأنشطة السنوي الذي ينظّمه منسّق استقبال القادمين الجدد ومركز العمل التطوعي.",
    ),
}

# The steps whose facts or addressee changed, in every language: key: {field: {lang: text}}.
CORRECTED = {
    "eu-registration": {
        "guidances": {
            "nb": "Gjelder EU/EØS-borgere som ikke er nordiske. Du kan begynne å jobbe med en gang, men må registrere deg hos politiet innen tre måneder. Gjør det først: skattekontorets ID-kontroll bygger på registreringen.",
            "en": "For EU/EEA citizens who are not Nordic. You may start work at once but must register with the police within three months. Do it first: the tax office's ID check relies on the registration.",
            "pl": "Dotyczy obywateli UE/EOG spoza krajów nordyckich. Możesz od razu zacząć pracę, ale musisz zarejestrować się na policji w ciągu trzech miesięcy. Zrób to najpierw: kontrola tożsamości w urzędzie skarbowym opiera się na tej rejestracji.",
            "uk": "Стосується громадян ЄС/ЄЕЗ, які не є громадянами Північних країн. Ви можете одразу почати працювати, але маєте зареєструватися в поліції протягом трьох місяців. Зробіть це насамперед: перевірка особи в податковому офісі спирається на цю реєстрацію.",
            "ar": "لمواطني الاتحاد الأوروبي/المنطقة الاقتصادية الأوروبية من غير مواطني دول الشمال الأوروبي. يمكنك أن تبدأ العمل فورًا، لكن عليك التسجيل لدى الشرطة خلال ثلاثة أشهر. ابدأ بهذه الخطوة: فالتحقق من الهوية في مكتب الضرائب يعتمد على هذا التسجيل.",
        },
        "titles": {
            "ar": "سجّل لدى الشرطة (تسجيل مواطني الاتحاد الأوروبي/المنطقة الاقتصادية الأوروبية)",
        },
    },
    "id-check": {
        "guidances": {
            "nb": "Skal du bo her i seks måneder eller mer, melder du flytting ved oppmøte på et skattekontor med ID-kontroll innen åtte dager (skjema RF-1401). Hele husstanden møter. EU/EØS-borgere som ikke er nordiske, registrerer seg hos politiet først. Fødselsnummeret kommer etter 3–5 uker.",
            "en": "If you stay six months or more, report the move in person at a tax office that does ID checks within eight days (form RF-1401). The whole household attends. EU/EEA citizens who are not Nordic register with the police first. The national ID number takes 3–5 weeks.",
            "pl": "Jeśli zostajesz na sześć miesięcy lub dłużej, w ciągu ośmiu dni zgłoś przeprowadzkę osobiście w urzędzie skarbowym, który przeprowadza kontrolę tożsamości (formularz RF-1401). Przychodzi całe gospodarstwo domowe. Obywatele UE/EOG spoza krajów nordyckich najpierw rejestrują się na policji. Na norweski numer identyfikacyjny (fødselsnummer) czeka się 3–5 tygodni.",
            "uk": "Якщо ви залишаєтеся на шість місяців або довше, протягом восьми днів особисто повідомте про переїзд у податковому офісі, який перевіряє особу (форма RF-1401). Приходить уся родина. Громадяни ЄС/ЄЕЗ, які не є громадянами Північних країн, спершу реєструються в поліції. Національний ідентифікаційний номер (fødselsnummer) видають за 3–5 тижнів.",
            "ar": "إذا كنت ستقيم ستة أشهر أو أكثر، فأبلغ عن انتقالك حضوريًا خلال ثمانية أيام في مكتب ضرائب يجري التحقق من الهوية (النموذج RF-1401). تحضر الأسرة كلها. ويسجّل مواطنو الاتحاد الأوروبي/المنطقة الاقتصادية الأوروبية من غير دول الشمال الأوروبي لدى الشرطة أولًا. يصدر رقم الهوية الوطني (fødselsnummer) بعد 3 إلى 5 أسابيع.",
        },
    },
    "bank": {
        "guidances": {
            "nb": "Banken trenger fødselsnummer eller D-nummer for å åpne en konto. Mange banker gir BankID bare med fødselsnummer, men noen gir det nå også med D-nummer og pass. Spør banken din.",
            "en": "A bank needs a national ID number or a D number to open an account. Many banks issue BankID only with a national ID number, but some now also issue it with a D number and a passport. Ask your bank.",
            "pl": "Aby otworzyć konto, bank potrzebuje norweskiego numeru identyfikacyjnego lub numeru D. Wiele banków wydaje BankID tylko z numerem identyfikacyjnym, ale niektóre wydają go teraz także z numerem D i paszportem. Zapytaj w swoim banku.",
            "uk": "Щоб відкрити рахунок, банку потрібен національний ідентифікаційний номер або D-номер. Багато банків видають BankID лише з національним ідентифікаційним номером, але деякі тепер видають його також із D-номером і паспортом. Запитайте у своєму банку.",
            "ar": "يحتاج البنك إلى رقم الهوية الوطني أو رقم D لفتح حساب. كثير من البنوك لا تصدر BankID إلا برقم الهوية الوطني، لكن بعضها يصدره الآن أيضًا برقم D وجواز السفر. اسأل بنكك.",
        },
    },
    "kindergarten": {
        "titles": {
            "nb": "Søk barnehageplass (søknadsfrist 1. mars)",
            "en": "Apply for a kindergarten place (deadline 1 March)",
            "pl": "Złóż wniosek o miejsce w przedszkolu (termin: 1 marca)",
            "uk": "Подайте заяву на місце в дитячому садку (строк — 1 березня)",
            "ar": "قدّم طلب الحصول على مكان في روضة الأطفال (آخر موعد 1 مارس)",
        },
        "guidances": {
            "nb": "Narvik har felles opptak for alle barnehager med søknadsfrist 1. mars for plass fra august; du kan søke hele året. Har dere ikke fødselsnummer ennå, kontakt barnehagekontoret.",
            "en": "Narvik has one joint admission for all kindergartens; the application deadline is 1 March for a place from August, and you can apply all year. Without a national ID number yet, contact the kindergarten office.",
            "pl": "W Narviku jest jeden wspólny nabór do wszystkich przedszkoli; termin składania wniosków o miejsce od sierpnia to 1 marca, a wniosek można złożyć przez cały rok. Jeśli nie masz jeszcze norweskiego numeru identyfikacyjnego, skontaktuj się z biurem ds. przedszkoli.",
            "uk": "У Нарвіку діє один спільний набір до всіх дитячих садків; строк подання заяв на місце з серпня — 1 березня, а подати заяву можна протягом усього року. Якщо у вас ще немає національного ідентифікаційного номера, зверніться до відділу дитячих садків.",
            "ar": "في نارفيك قبول مشترك لجميع رياض الأطفال؛ وآخر موعد لتقديم الطلب هو 1 مارس للحصول على مكان ابتداءً من أغسطس، ويمكنك التقديم طوال العام. إذا لم يكن لديك رقم هوية وطني بعد، فتواصل مع مكتب رياض الأطفال.",
        },
    },
    "norwegian": {
        "guidances": {
            "nb": "Etter integreringsloven (fra 2021) avhenger rett og plikt til opplæring i norsk og samfunnskunnskap, og hvem som betaler, av oppholdstillatelsen din. Flyktninger og familien deres har rett og plikt til gratis opplæring; noen andre tillatelser fra land utenfor EU/EØS gir plikt uten rett til gratis opplæring. EU/EØS- og nordiske borgere har verken rett eller plikt, men kan ta betalte kurs. Voksenopplæringen forteller hva som gjelder for deg.",
            "en": "Under the Integration Act (from 2021), whether you have a right or a duty to training in Norwegian and social studies, and who pays, depends on your residence permit. Refugees and their families have a right and a duty to free training; some other permits from outside the EU/EEA give a duty without a right to free training. EU/EEA and Nordic citizens have neither, but can take paid courses. The adult education centre tells you what applies to you.",
            "pl": "Zgodnie z ustawą o integracji (od 2021 r.) prawo lub obowiązek nauki norweskiego i wiedzy o społeczeństwie oraz to, kto za nią płaci, zależą od Twojego zezwolenia na pobyt. Uchodźcy i ich rodziny mają prawo i obowiązek bezpłatnej nauki; niektóre inne zezwolenia dla osób spoza UE/EOG nakładają obowiązek nauki bez prawa do bezpłatnych zajęć. Obywatele UE/EOG i krajów nordyckich nie mają ani prawa, ani obowiązku, ale mogą korzystać z płatnych kursów. W centrum kształcenia dorosłych dowiesz się, co dotyczy Ciebie.",
            "uk": "Згідно із Законом про інтеграцію (з 2021 року) право чи обов'язок навчатися норвезької мови та суспільствознавства, а також те, хто за це платить, залежать від вашого дозволу на проживання. Біженці та їхні родини мають право й обов'язок на безкоштовне навчання; деякі інші дозволи для громадян країн поза ЄС/ЄЕЗ передбачають обов'язок без права на безкоштовне навчання. Громадяни ЄС/ЄЕЗ і Північних країн не мають ні права, ні обов'язку, але можуть відвідувати платні курси. У центрі освіти дорослих вам скажуть, що стосується саме вас.",
            "ar": "بموجب قانون الاندماج (منذ عام 2021)، يتوقف حقك أو واجبك في تعلّم اللغة النرويجية والدراسات الاجتماعية، ومن يدفع تكاليفه، على نوع تصريح إقامتك. للاجئين وأسرهم حق وواجب في تعلّم مجاني؛ وبعض التصاريح الأخرى لمن هم من خارج الاتحاد الأوروبي/المنطقة الاقتصادية الأوروبية تفرض واجب التعلّم من دون حق في تعلّم مجاني. أما مواطنو الاتحاد الأوروبي/المنطقة الاقتصادية الأوروبية ودول الشمال الأوروبي فليس لهم حق ولا عليهم واجب، لكن يمكنهم الالتحاق بدورات مدفوعة. يخبرك مركز تعليم الكبار بما ينطبق عليك.",
        },
        "titles": {"ar": "تعلّم اللغة النرويجية"},
    },
    "nav-jobseeker": {
        "titles": {
            "nb": "Registrer deg som arbeidssøker hos NAV",
            "en": "Register as a job seeker with NAV",
            "pl": "Zarejestruj się w NAV jako osoba szukająca pracy",
            "uk": "Зареєструйтеся в NAV як шукач роботи",
            "ar": "سجّل نفسك باحثًا عن عمل لدى NAV",
        },
        "guidances": {
            "nb": "Du kan registrere deg som arbeidssøker på nav.no med elektronisk ID, eller på NAV-kontoret. Alle med lovlig opphold kan registrere seg.",
            "en": "You can register as a job seeker on nav.no with an electronic ID, or at the local NAV office. Anyone residing legally can register.",
            "pl": "Możesz zarejestrować się jako osoba szukająca pracy na nav.no z identyfikacją elektroniczną albo w lokalnym biurze NAV. Zarejestrować się może każdy, kto przebywa legalnie.",
            "uk": "Ви можете зареєструватися як шукач роботи на nav.no з електронною ідентифікацією або в місцевому офісі NAV. Зареєструватися може кожен, хто перебуває в країні легально.",
            "ar": "يمكنك التسجيل باحثًا عن عمل عبر nav.no بهوية إلكترونية، أو في مكتب NAV المحلي. ويحق لكل من يقيم إقامة قانونية أن يسجّل.",
        },
    },
    "employer-network": {
        "titles": {
            "nb": "Introduksjon til arbeidsgivernettverket",
            "en": "Introduction to the employer network",
            "pl": "Wprowadzenie do sieci pracodawców",
            "uk": "Знайомство з мережею роботодавців",
            "ar": "التعريف بشبكة أصحاب العمل",
        },
        "guidances": {
            "nb": "Vi setter deg i kontakt med lokale arbeidsgivere som rekrutterer.",
            "en": "We put you in touch with local employers who are recruiting.",
            "pl": "Kontaktujemy Cię z lokalnymi pracodawcami, którzy szukają pracowników.",
            "uk": "Ми знайомимо вас із місцевими роботодавцями, які шукають працівників.",
            "ar": "نصلك بأصحاب عمل محليين يبحثون عن موظفين.",
        },
    },
}

# Polish that read unnaturally (issue 18's reread), replaced where 0005's wording stands:
# key: (field, 0005's text, the new text).
POLISH = [
    (
        "housing",
        "guidances",
        "Kaucja może wynosić najwyżej sześciomiesięczny czynsz i musi leżeć na zablokowanym "
        "koncie na nazwisko najemcy. Gmina doradza w sprawie dodatku mieszkaniowego "
        "(bostøtte) i kredytu na start (startlån).",
        "Kaucja może wynosić najwyżej równowartość czynszu za sześć miesięcy i musi zostać "
        "wpłacona na zablokowane konto na nazwisko najemcy. Gmina doradza w sprawie dodatku "
        "mieszkaniowego (bostøtte) i kredytu startowego (startlån).",
    ),
    (
        "sfo",
        "guidances",
        "SFO jest dla klas 1–4. Złóż wniosek razem z wnioskiem o miejsce w szkole.",
        "Świetlica szkolna (SFO) jest dla uczniów klas 1–4. Złóż wniosek razem z wnioskiem "
        "o miejsce w szkole.",
    ),
]

# The step for a school-age child moving from inside Norway (0002's "school" is for a child
# from abroad).
SCHOOL_TRANSFER = dict(
    key="school-transfer",
    doer="newcomer",
    per_member="child",
    anchor="move_date",
    offset_days=-14,
    child_age_min=6,
    child_age_max=15,
    responsible_kind="school",
    requires_from_abroad="no",
    source_url="https://www.narvik.kommune.no/",
    titles={
        "nb": "Skolebytte",
        "en": "Changing school",
        "pl": "Zmiana szkoły",
        "uk": "Зміна школи",
        "ar": "الانتقال إلى مدرسة جديدة",
    },
    guidances={
        "nb": "Si fra til skolen barnet går på nå og til skolekontoret i den nye kommunen før dere flytter; den nye skolen avtaler første skoledag.",
        "en": "Tell your child's current school and the school office in your new municipality before you move; the new school arranges the first day.",
        "pl": "Przed przeprowadzką poinformuj obecną szkołę dziecka i biuro ds. szkół w nowej gminie; nowa szkoła ustali pierwszy dzień nauki.",
        "uk": "Перед переїздом повідомте теперішню школу дитини та шкільний відділ у новій комуні; нова школа домовиться про перший день навчання.",
        "ar": "أبلغ مدرسة طفلك الحالية ومكتب المدارس في بلديتك الجديدة قبل الانتقال؛ وستحدّد المدرسة الجديدة اليوم الدراسي الأول.",
    },
)

TEMPLATE_NAMES_AR = {
    "moving-to-the-region": "الانتقال إلى المنطقة",
    "returning-local": "العودة إلى المنطقة",
}
# Where a step's source is now a more exact page, and its pages by language (the reader's
# language, then English, then bokmål; Narvik's kindergarten page stays the municipality's
# front page until the team records the exact one).
SOURCES = {"norwegian": INTEGRATION_ACT, "moving-notice": SKATT_MOVING}
SOURCES_BY_LANGUAGE = {
    "moving-notice": {
        "en": SKATT_MOVING,
        "nb": "https://www.skatteetaten.no/person/folkeregister/flytte/",
    },
    "nav-jobseeker": {
        "en": "https://www.nav.no/registrer-arbeidssoker/en",
        "nb": "https://www.nav.no/registrer-arbeidssoker",
    },
    "gp": {"en": "https://www.helsenorge.no/en/fastlege/", "nb": "https://www.helsenorge.no/fastlegen/"},
}
# The partner's steps are the partner's, and say so to them (per member: partner).
FOR_PARTNER = {"nav-jobseeker", "employer-network"}


def forwards(apps, schema_editor):
    Template = apps.get_model("onboarding", "OnboardingTemplate")
    Step = apps.get_model("onboarding", "TemplateStep")
    for template in Template.objects.filter(slug__in=TEMPLATE_NAMES_AR):
        template.names = {"ar": TEMPLATE_NAMES_AR[template.slug], **template.names}
        template.save(update_fields=["names"])
    seeded = {spec["key"]: spec["title_en"] for spec in SEED.STEPS}
    for step in Step.objects.filter(key__in=seeded):
        if step.titles.get("en", step.title_en) != seeded[step.key]:
            continue  # changed by an administrator: theirs to keep
        titles, guidances = dict(step.titles), dict(step.guidances)
        if step.key in ARABIC:
            title_ar, guidance_ar = ARABIC[step.key]
            titles.setdefault("ar", title_ar)
            if guidance_ar:
                guidances.setdefault("ar", guidance_ar)
        for key, field, old, new in POLISH:
            texts = titles if field == "titles" else guidances
            if step.key == key and texts.get("pl") == old:
                texts["pl"] = new
        corrected = CORRECTED.get(step.key, {})
        titles.update(corrected.get("titles", {}))
        guidances.update(corrected.get("guidances", {}))
        step.titles, step.guidances = titles, guidances
        step.title_nb, step.title_en = titles.get("nb", ""), titles.get("en", "")
        step.guidance_nb, step.guidance_en = guidances.get("nb", ""), guidances.get("en", "")
        step.source_url = SOURCES.get(step.key, step.source_url)
        step.source_urls = {**SOURCES_BY_LANGUAGE.get(step.key, {}), **step.source_urls}
        step.checked_on = CHECKED_ON
        if step.key == "eu-registration":
            step.requires_nordic = "no"
            step.offset_days = 5  # before the ID check (8 days), which relies on it
        if step.key in FOR_PARTNER:
            step.per_member = "partner"
        if step.key == "school":
            step.requires_from_abroad = "yes"
        step.save()
    for template in Template.objects.filter(slug__in=[t["slug"] for t in SEED.TEMPLATES]):
        steps = {step.key: step for step in Step.objects.filter(template=template)}
        registration, id_check = steps.get("eu-registration"), steps.get("id-check")
        if registration and id_check and id_check.depends_on_id is None:
            id_check.depends_on = registration
            id_check.save(update_fields=["depends_on"])
        school = steps.get("school")
        if school and "school-transfer" not in steps:
            fields = dict(SCHOOL_TRANSFER)
            Step.objects.create(
                template=template,
                position=school.position + 1,
                title_nb=fields["titles"]["nb"],
                title_en=fields["titles"]["en"],
                guidance_nb=fields["guidances"]["nb"],
                guidance_en=fields["guidances"]["en"],
                checked_on=CHECKED_ON,
                **fields,
            )


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0007_household_and_facts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
