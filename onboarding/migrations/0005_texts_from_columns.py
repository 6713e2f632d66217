"""Texts by language: every template, template step, plan step and local offer gets its
bokmål and English texts from the older columns (kept), and the seeded templates and steps
(0002) get Polish and Ukrainian.

The Polish and Ukrainian wording below is written with care in plain language but has not
been read by a native speaker yet: NEEDS NATIVE REVIEW (pl, uk) before the team relies on
it. They translate the seeded English as it stands; the facts themselves await the
onboarding re-check (issue 18). A step whose English title an administrator has changed
since the seed is left alone (its other languages fall back to English).
"""

from importlib import import_module

from django.db import migrations

# The seed's own module (its name starts with a digit, so it cannot be imported by name).
SEED = import_module("onboarding.migrations.0002_templates")

# key: (title pl, title uk, guidance pl, guidance uk), the English it translates is 0002's.
STEP_TEXTS = {
    "welcome-talk": (
        "Rozmowa powitalna z koordynatorem ds. nowych mieszkańców",
        "Вітальна розмова з координатором для новоприбулих",
        "Razem omawiamy plan i odpowiadamy na Twoje pytania.",
        "Ми разом переглядаємо план і відповідаємо на ваші запитання.",
    ),
    "housing": (
        "Mieszkanie: wynajem, kaucja i dodatek mieszkaniowy",
        "Житло: оренда, застава і житлова допомога",
        "Kaucja może wynosić najwyżej sześciomiesięczny czynsz i musi leżeć na zablokowanym "
        "koncie na nazwisko najemcy. Gmina doradza w sprawie dodatku mieszkaniowego "
        "(bostøtte) i kredytu na start (startlån).",
        "Застава становить не більше ніж шість місячних орендних плат і має лежати на "
        "заблокованому рахунку на ім'я орендаря. Комуна консультує щодо житлової допомоги "
        "(bostøtte) і стартової позики (startlån).",
    ),
    "eu-registration": (
        "Zarejestruj się na policji (rejestracja obywateli UE/EOG)",
        "Зареєструйтеся в поліції (реєстрація громадян ЄС/ЄЕЗ)",
        "Obywatele UE/EOG mogą od razu zacząć pracę, ale muszą się zarejestrować w ciągu "
        "trzech miesięcy od przyjazdu.",
        "Громадяни ЄС/ЄЕЗ можуть одразу почати працювати, але мають зареєструватися протягом "
        "трьох місяців після прибуття.",
    ),
    "id-check": (
        "Kontrola tożsamości i zgłoszenie przeprowadzki w urzędzie skarbowym",
        "Перевірка особи та повідомлення про переїзд у податковій службі",
        "Jeśli zostajesz na sześć miesięcy lub dłużej, w ciągu ośmiu dni zgłoś przeprowadzkę "
        "osobiście w urzędzie skarbowym, który przeprowadza kontrolę tożsamości (formularz "
        "RF-1401). Przychodzi całe gospodarstwo domowe. Na norweski numer identyfikacyjny "
        "(fødselsnummer) czeka się 3–5 tygodni.",
        "Якщо ви залишаєтеся на шість місяців або довше, протягом восьми днів особисто "
        "повідомте про переїзд у податковому офісі, який перевіряє особу (форма RF-1401). "
        "Приходить уся родина. Національний ідентифікаційний номер (fødselsnummer) видають "
        "за 3–5 тижнів.",
    ),
    "d-number": (
        "Złóż wniosek o kartę podatkową i numer D (z kontrolą tożsamości)",
        "Подайте заяву на податкову картку й D-номер (з перевіркою особи)",
        "Przy krótszym pobycie numer D dostajesz przez wniosek o kartę podatkową, również "
        "z kontrolą tożsamości.",
        "Якщо ви приїжджаєте на коротший строк, D-номер ви отримаєте через заяву на "
        "податкову картку, теж із перевіркою особи.",
    ),
    "tax-card": (
        "Złóż wniosek o kartę podatkową (RF-1209)",
        "Подайте заяву на податкову картку (RF-1209)",
        "Karta podatkowa jest zwykle gotowa w ciągu pięciu dni roboczych; pracodawca pobiera "
        "ją sam.",
        "Податкова картка зазвичай готова протягом п'яти робочих днів; роботодавець "
        "отримує її сам.",
    ),
    "moving-notice": (
        "Zgłoś przeprowadzkę do rejestru ludności (Folkeregisteret)",
        "Повідомте про переїзд до реєстру населення (Folkeregisteret)",
        "Zgłoś przeprowadzkę przez internet w ciągu ośmiu dni. Rejestr nie informuje poczty, "
        "więc zamów przekierowanie przesyłek.",
        "Повідомте про переїзд онлайн протягом восьми днів. Реєстр не повідомляє пошту, тож "
        "замовте переадресування листів.",
    ),
    "bank": (
        "Konto bankowe i BankID",
        "Банківський рахунок і BankID",
        "Bank potrzebuje norweskiego numeru identyfikacyjnego lub numeru D. BankID wymaga "
        "norweskiego numeru identyfikacyjnego.",
        "Банку потрібен національний ідентифікаційний номер або D-номер. Для BankID потрібен "
        "національний ідентифікаційний номер.",
    ),
    "gp": (
        "Wybierz lekarza rodzinnego (fastlege)",
        "Оберіть сімейного лікаря (fastlege)",
        "Każda osoba zameldowana w gminie ma prawo do lekarza rodzinnego. Wybierz go na "
        "helsenorge.no; zmiana obowiązuje od pierwszego dnia następnego miesiąca.",
        "Кожен, хто зареєстрований як мешканець комуни, має право на сімейного лікаря. "
        "Оберіть його на helsenorge.no; зміна діє з 1-го числа наступного місяця.",
    ),
    "kindergarten": (
        "Złóż wniosek o miejsce w przedszkolu (nabór główny, termin 1 marca)",
        "Подайте заяву на місце в дитячому садку (основний набір, строк 1 березня)",
        "W Narviku jest jeden wspólny nabór do wszystkich przedszkoli z terminem 1 marca; "
        "wniosek można złożyć przez cały rok. Jeśli nie masz jeszcze norweskiego numeru "
        "identyfikacyjnego, skontaktuj się z biurem ds. przedszkoli. Rok przedszkolny "
        "zaczyna się w sierpniu.",
        "У Нарвіку діє один спільний набір до всіх дитячих садків зі строком 1 березня; "
        "подати заяву можна протягом усього року. Якщо у вас ще немає національного "
        "ідентифікаційного номера, зверніться до відділу дитячих садків. Рік у дитячому "
        "садку починається в серпні.",
    ),
    "school-start": (
        "Początek nauki: skontaktuj się z biurem ds. szkół",
        "Початок навчання: зверніться до шкільного відділу",
        "Dzieci idą do szkoły w roku kalendarzowym, w którym kończą sześć lat. Biuro ds. "
        "szkół poda termin zapisów; wpisaliśmy datę na początek tego roku.",
        "Діти йдуть до школи в тому календарному році, коли їм виповнюється шість років. "
        "Шкільний відділ повідомить, коли триває запис; ми поставили дату на початок "
        "цього року.",
    ),
    "school": (
        "Miejsce w szkole",
        "Місце в школі",
        "Dziecko z zagranicy ma prawo do miejsca w szkole, jeśli prawdopodobnie zostanie tu "
        "dłużej niż trzy miesiące; dostaje je najpóźniej w ciągu miesiąca.",
        "Дитина з-за кордону має право на місце в школі, якщо вона, ймовірно, пробуде тут "
        "понад три місяці; місце надають не пізніше ніж за місяць.",
    ),
    "sfo": (
        "Świetlica szkolna (SFO)",
        "Група продовженого дня (SFO)",
        "SFO jest dla klas 1–4. Złóż wniosek razem z wnioskiem o miejsce w szkole.",
        "SFO призначена для 1–4 класів. Подайте заяву разом із заявою на місце в школі.",
    ),
    "nav-jobseeker": (
        "Partner: zarejestruj się w NAV jako osoba szukająca pracy",
        "Партнер: зареєструйтеся в NAV як шукач роботи",
        "Każda osoba przebywająca legalnie może zarejestrować się jako szukająca pracy na "
        "nav.no z identyfikacją elektroniczną albo w lokalnym biurze NAV.",
        "Кожен, хто перебуває в країні легально, може зареєструватися як шукач роботи на "
        "nav.no з електронною ідентифікацією або в місцевому офісі NAV.",
    ),
    "employer-network": (
        "Partner: wprowadzenie do sieci pracodawców",
        "Партнер: знайомство з мережею роботодавців",
        "Kontaktujemy partnera z lokalnymi pracodawcami, którzy szukają pracowników.",
        "Ми знайомимо партнера з місцевими роботодавцями, які шукають працівників.",
    ),
    "norwegian": (
        "Nauka języka norweskiego",
        "Вивчення норвезької мови",
        "Prawa i obowiązki zależą od podstawy pobytu: uchodźcy mają prawo i obowiązek nauki "
        "(bezpłatnie), migranci zarobkowi spoza UE/EOG mają obowiązek odbyć 300 godzin na "
        "własny koszt, a obywatele UE/EOG i krajów nordyckich mogą korzystać z płatnych "
        "kursów.",
        "Права та обов'язки залежать від підстави перебування: біженці мають право й "
        "обов'язок навчатися (безкоштовно), трудові мігранти з-поза ЄС/ЄЕЗ зобов'язані "
        "пройти 300 годин за власний кошт, а громадяни ЄС/ЄЕЗ і Північних країн можуть "
        "відвідувати платні курси.",
    ),
    "car": (
        "Samochód: odprawa celna i przerejestrowanie",
        "Автомобіль: митне оформлення і перереєстрація",
        "Sprowadzony samochód może jeździć na zagranicznych tablicach do 30 dni po odprawie "
        "celnej.",
        "Ввезений автомобіль може їздити з іноземними номерами до 30 днів після митного "
        "оформлення.",
    ),
    "licence": (
        "Wymień prawo jazdy",
        "Обміняйте посвідчення водія",
        "Prawo jazdy z kraju spoza UE/EOG jest ważne przez trzy miesiące od zamieszkania "
        "tutaj; potem trzeba je wymienić.",
        "Посвідчення водія з країни поза ЄС/ЄЕЗ дійсне три місяці після того, як ви тут "
        "оселилися; потім його треба обміняти.",
    ),
    "leisure": (
        "Czas wolny: kluby, stowarzyszenia i targi czasu wolnego",
        "Дозвілля: клуби, об'єднання та ярмарок дозвілля",
        "Kluby i stowarzyszenia szukają nowych członków na corocznych targach czasu wolnego, "
        "które organizują koordynator ds. nowych mieszkańców i centrum wolontariatu.",
        "Клуби та об'єднання шукають нових учасників на щорічному ярмарку дозвілля, який "
        "організовують координатор для новоприбулих і волонтерський центр.",
    ),
}

TEMPLATE_NAMES = {
    "moving-to-the-region": ("Przeprowadzka do regionu", "Переїзд до регіону"),
    "returning-local": ("Powrót do regionu", "Повернення до регіону"),
}


def _texts(nb: str, en: str) -> dict:
    return {code: text for code, text in (("nb", nb), ("en", en)) if text}


def forwards(apps, schema_editor):
    Template = apps.get_model("onboarding", "OnboardingTemplate")
    Step = apps.get_model("onboarding", "TemplateStep")
    PlanStep = apps.get_model("onboarding", "PlanStep")
    Offer = apps.get_model("onboarding", "LocalOffer")
    for template in Template.objects.all():
        template.names = {**_texts(template.name_nb, template.name_en), **template.names}
        if template.slug in TEMPLATE_NAMES:
            pl, uk = TEMPLATE_NAMES[template.slug]
            template.names = {"pl": pl, "uk": uk, **template.names}
        template.save(update_fields=["names"])
    seeded = {spec["key"]: spec["title_en"] for spec in SEED.STEPS}
    for step in Step.objects.all():
        step.titles = {**_texts(step.title_nb, step.title_en), **step.titles}
        step.guidances = {**_texts(step.guidance_nb, step.guidance_en), **step.guidances}
        if step.key in STEP_TEXTS and seeded.get(step.key) == step.title_en:
            title_pl, title_uk, guidance_pl, guidance_uk = STEP_TEXTS[step.key]
            step.titles = {"pl": title_pl, "uk": title_uk, **step.titles}
            step.guidances = {"pl": guidance_pl, "uk": guidance_uk, **step.guidances}
        step.save(update_fields=["titles", "guidances"])
    for plan_step in PlanStep.objects.all().iterator():
        plan_step.titles = {**_texts(plan_step.title_nb, plan_step.title_en), **plan_step.titles}
        plan_step.guidances = {
            **_texts(plan_step.guidance_nb, plan_step.guidance_en),
            **plan_step.guidances,
        }
        plan_step.save(update_fields=["titles", "guidances"])
    for offer in Offer.objects.all():
        offer.descriptions = {
            **_texts(offer.description_nb, offer.description_en),
            **offer.descriptions,
        }
        offer.save(update_fields=["descriptions"])


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0004_texts_by_language")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
