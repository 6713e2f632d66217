# ruff: noqa: RUF001 (Ukrainian and Arabic text: their letters are meant)
"""The region's local offers for the demo's welcome packs: demo entries, edited in admin in
a real installation. Used by demo.onboarding; edit freely."""

# (name, kind, municipality or "", locality or "", age range or None, interest words, nb, en)
LOCAL_OFFERS = [
    (
        "Narvik frivilligsentral",
        "association",
        "Narvik",
        "",
        None,
        "",
        "Møteplass, språkkafé og frivillig arbeid for alle.",
        "A meeting place, language café and volunteering for everyone.",
    ),
    (
        "Språkkafé på biblioteket",
        "leisure",
        "Narvik",
        "Narvik",
        None,
        "language, norwegian, norsk",
        "Øv på norsk over en kopp kaffe hver onsdag.",
        "Practise Norwegian over a cup of coffee every Wednesday.",
    ),
    (
        "Narvikfjellet skiklubb",
        "association",
        "Narvik",
        "",
        None,
        "ski, skiing, friluft, outdoor",
        "Langrenn og alpint for barn og voksne.",
        "Cross-country and alpine skiing for children and adults.",
    ),
    (
        "Narvik kor",
        "association",
        "Narvik",
        "",
        None,
        "choir, kor, music, musikk, sang",
        "Blandet kor som tar imot nye sangere.",
        "A mixed choir that welcomes new singers.",
    ),
    (
        "Bjerkvik barnehage",
        "kindergarten",
        "Narvik",
        "Bjerkvik",
        (1, 5),
        "",
        "Kommunal barnehage i Bjerkvik.",
        "Municipal kindergarten in Bjerkvik.",
    ),
    (
        "Ballangen barnehage",
        "kindergarten",
        "Narvik",
        "Ballangen",
        (1, 5),
        "",
        "Kommunal barnehage i Ballangen.",
        "Municipal kindergarten in Ballangen.",
    ),
    (
        "Fritidsklubben",
        "leisure",
        "Narvik",
        "",
        (10, 17),
        "",
        "Åpen klubb for ungdom på ettermiddag og kveld.",
        "An open youth club in the afternoons and evenings.",
    ),
    (
        "Svømmeopplæring for barn",
        "leisure",
        "",
        "",
        (5, 12),
        "",
        "Kurs i svømmehallen for barn.",
        "Swimming lessons for children.",
    ),
    (
        "Boligkontoret i kommunen",
        "housing",
        "Narvik",
        "",
        None,
        "",
        "Råd om leie, bostøtte og startlån.",
        "Advice on renting, housing allowance and start-up loans.",
    ),
    (
        "Jobbnettverket for medflyttere",
        "employer",
        "",
        "",
        None,
        "",
        "Lokale arbeidsgivere møter partnere som søker jobb.",
        "Local employers meet partners who are looking for work.",
    ),
    (
        "Gratangen bygdelag",
        "association",
        "Gratangen",
        "",
        None,
        "",
        "Dugnad, fester og turer i bygda.",
        "Community work, parties and walks in the village.",
    ),
    (
        "Tilflytterkvelden",
        "event",
        "",
        "",
        None,
        "",
        "Årlig kveld for nye innbyggere med lag og foreninger.",
        "A yearly evening for new residents with clubs and associations.",
    ),
]

# Polish and Ukrainian descriptions by offer name. NEEDS NATIVE REVIEW (pl, uk): written with
# care in plain language, not yet read by a native speaker.
OFFER_TEXTS_PL_UK = {
    "Narvik frivilligsentral": (
        "Miejsce spotkań, kawiarenka językowa i wolontariat dla wszystkich.",
        "Місце зустрічей, мовне кафе і волонтерство для всіх.",
    ),
    "Språkkafé på biblioteket": (
        "Ćwicz norweski przy kawie w każdą środę.",
        "Практикуйте норвезьку за чашкою кави щосереди.",
    ),
    "Narvikfjellet skiklubb": (
        "Narciarstwo biegowe i zjazdowe dla dzieci i dorosłych.",
        "Бігові та гірські лижі для дітей і дорослих.",
    ),
    "Narvik kor": (
        "Chór mieszany, który chętnie przyjmuje nowe osoby.",
        "Мішаний хор, який радо приймає нових співаків.",
    ),
    "Bjerkvik barnehage": (
        "Gminne przedszkole w Bjerkvik.",
        "Комунальний дитячий садок у Б'єрквіку.",
    ),
    "Ballangen barnehage": (
        "Gminne przedszkole w Ballangen.",
        "Комунальний дитячий садок у Баллангені.",
    ),
    "Fritidsklubben": (
        "Otwarty klub młodzieżowy, czynny po południu i wieczorem.",
        "Відкритий молодіжний клуб, що працює вдень і ввечері.",
    ),
    "Svømmeopplæring for barn": (
        "Nauka pływania dla dzieci.",
        "Уроки плавання для дітей.",
    ),
    "Boligkontoret i kommunen": (
        "Porady dotyczące wynajmu, dodatku mieszkaniowego i kredytu startowego (startlån).",
        "Консультації щодо оренди, житлової допомоги і стартової позики.",
    ),
    "Jobbnettverket for medflyttere": (
        "Lokalni pracodawcy spotykają się z partnerami, którzy szukają pracy.",
        "Місцеві роботодавці зустрічаються з партнерами, які шукають роботу.",
    ),
    "Gratangen bygdelag": (
        "Wspólne prace, imprezy i spacery we wsi.",
        "Спільна робота, свята і прогулянки в селі.",
    ),
    "Tilflytterkvelden": (
        "Coroczny wieczór dla nowych mieszkańców z klubami i stowarzyszeniami.",
        "Щорічний вечір для нових мешканців із клубами та об'єднаннями.",
    ),
}

# Contact, address, web address and the days from today of the next dates, by offer name.
# Demo values: phones and e-mail addresses are made up.
OFFER_DETAILS: dict[str, dict[str, object]] = {
    "Narvik frivilligsentral": {
        "contact": "Kari Nilsen",
        "phone": "+47 76 00 40 00",
        "email": "post@frivillig.example",
        "address": "Kongens gate 44, 8514 Narvik",
        "url": "https://www.narvikregionen.no/frivillig",
        "days": (6, 20),
    },
    "Språkkafé på biblioteket": {
        "phone": "+47 76 00 50 00",
        "address": "Narvik bibliotek, Kongens gate 44, 8514 Narvik",
        "url": "https://www.narvikregionen.no/sprakkafe",
        "days": (1, 8, 15),
    },
    "Narvikfjellet skiklubb": {
        "contact": "Ola Hansen",
        "email": "ski@skiklubb.example",
        "url": "https://www.narvikregionen.no/ski",
        "days": (10,),
    },
    "Narvik kor": {"email": "kor@kor.example", "address": "Narvik kirke, 8514 Narvik"},
    "Bjerkvik barnehage": {
        "phone": "+47 76 00 60 00",
        "address": "Bjerkvik, 8530 Bjerkvik",
        "url": "https://www.narvik.kommune.no/barnehage",
    },
    "Ballangen barnehage": {
        "phone": "+47 76 00 61 00",
        "address": "Ballangen, 8540 Ballangen",
        "url": "https://www.narvik.kommune.no/barnehage",
    },
    "Boligkontoret i kommunen": {
        "phone": "+47 76 00 10 00",
        "address": "Kongens gate 51, 8514 Narvik",
        "url": "https://www.narvik.kommune.no/bolig",
    },
    "Tilflytterkvelden": {
        "contact": "Tilflytterteamet",
        "address": "Narvik rådhus, Kongens gate 51, 8514 Narvik",
        "url": "https://www.narvikregionen.no",
        "days": (24,),
    },
}

# Arabic descriptions by offer name. NEEDS NATIVE REVIEW (ar): docs/translations.md.
OFFER_TEXTS_AR = {
    "Narvik frivilligsentral": "مكان للقاء، ومقهى لتعلّم اللغة، وعمل تطوعي للجميع.",
    "Språkkafé på biblioteket": "تدرّب على اللغة النرويجية مع فنجان قهوة كل يوم أربعاء.",
    "Narvikfjellet skiklubb": "تزلّج على الثلج، الريفي والمنحدرات، للأطفال والكبار.",
    "Narvik kor": "جوقة مختلطة ترحّب بالأعضاء الجدد.",
    "Bjerkvik barnehage": "روضة أطفال تابعة للبلدية في بيركفيك.",
    "Ballangen barnehage": "روضة أطفال تابعة للبلدية في بالانغن.",
    "Fritidsklubben": "نادٍ مفتوح للشباب، يفتح بعد الظهر وفي المساء.",
    "Svømmeopplæring for barn": "دروس سباحة للأطفال.",
    "Boligkontoret i kommunen": "نصائح حول الإيجار وبدل السكن وقرض البداية (startlån).",
    "Jobbnettverket for medflyttere": "أصحاب عمل محليون يلتقون بشركاء الحياة الباحثين عن عمل.",
    "Gratangen bygdelag": "أعمال تطوعية مشتركة واحتفالات ونزهات في القرية.",
    "Tilflytterkvelden": "أمسية سنوية للسكان الجدد مع النوادي والجمعيات.",
}
