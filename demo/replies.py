"""What the demo's e-mail conversations say: the team's reply templates, the demo
newcomers' answers, and one mail from an unknown address. Used by demo.conversations; edit
freely. Some texts are Ukrainian or Arabic (ruff's RUF001 is off for this module alone)."""

# Reply templates the team keeps: (name, language, text). Placeholders are filled from the
# case when a template is picked on the case page.
REPLY_TEMPLATES: list[tuple[str, str, str]] = [
    (
        "Takk for henvendelsen",
        "nb",
        "Hei {first_name},\n\ntakk for at du tok kontakt med tilflytterteamet. Jeg er din "
        "kontaktperson og ser på spørsmålene dine nå. Du hører fra meg innen et par "
        "arbeidsdager.",
    ),
    (
        "Thanks for your enquiry",
        "en",
        "Hello {first_name},\n\nthank you for contacting the newcomer team. I am your contact "
        "person and I am looking at your questions now. You will hear from me within a couple "
        "of working days.",
    ),
    (
        "Dziękujemy za zapytanie",
        "pl",
        "Dzień dobry {first_name},\n\ndziękujemy za kontakt z zespołem dla nowych "
        "mieszkańców. Jestem Twoją osobą kontaktową i odpowiem w ciągu kilku dni "
        "roboczych.",
    ),
    (
        "Дякуємо за звернення",
        "uk",
        "Вітаємо, {first_name}!\n\nДякуємо, що звернулися до команди підтримки новоприбулих. "
        "Я ваша контактна особа і відповім протягом кількох робочих днів.",
    ),
    (
        "Barnehageplass",
        "nb",
        "Hei {first_name},\n\nsøknadsfristen for barnehageplass fra august er 1. mars. Du søker "
        "på kommunens nettsider; si fra om du vil ha hjelp. Flyttedatoen vi har for dere er "
        "{move_date}.",
    ),
    (
        "Kindergarten place",
        "en",
        "Hello {first_name},\n\nthe deadline to apply for a kindergarten place from August is "
        "1 March. You apply on the municipality's website; tell me if you would like help. "
        "The move date we have for you is {move_date}.",
    ),
    (
        "شكرًا على طلبك",
        "ar",
        "مرحبًا {first_name}،\n\nشكرًا لتواصلك مع فريق استقبال القادمين الجدد. أنا الشخص "
        "المسؤول عن التواصل معك، وسأردّ عليك خلال بضعة أيام عمل.",
    ),
    (
        "Miejsce w przedszkolu",
        "pl",
        "Dzień dobry {first_name},\n\ntermin składania wniosków o miejsce w przedszkolu od "
        "sierpnia to 1 marca. Wniosek składa się na stronie gminy; daj mi znać, jeśli "
        "potrzebujesz pomocy. Data przeprowadzki, którą mamy zapisaną: {move_date}.",
    ),
    (
        "Місце в дитячому садку",
        "uk",
        "Вітаємо, {first_name}!\n\nСтрок подання заяв на місце в дитячому садку з серпня — "
        "1 березня. Заяву подають на сайті комуни; напишіть, якщо потрібна допомога. "
        "Дата переїзду, яку ми маємо для вас: {move_date}.",
    ),
    (
        "مكان في روضة الأطفال",
        "ar",
        "مرحبًا {first_name}،\n\nآخر موعد لتقديم طلب الحصول على مكان في روضة الأطفال "
        "ابتداءً من أغسطس هو 1 مارس. يُقدَّم الطلب عبر موقع البلدية؛ أخبرني إذا احتجت إلى "
        "مساعدة. تاريخ الانتقال المسجّل لدينا: {move_date}.",
    ),
]
# What the demo newcomers answer: the reply read from the mailbox is trimmed, so the quoted
# history below the answer does not reach the case.
DEMO_REPLIES: dict[str, str] = {
    "nb": "Tusen takk! Vi gleder oss. Kan dere også si noe om fritidstilbud for barn?",
    "en": "Thank you! We look forward to it. Can you also tell us about activities for children?",
    "pl": "Dziękuję bardzo! Czy mogą Państwo też powiedzieć coś o zajęciach dla dzieci?",
    "uk": "Щиро дякую! Чи можете також розповісти про гуртки для дітей?",
    "ar": "شكرًا جزيلًا! هل يمكنكم أيضًا إخبارنا عن الأنشطة المتاحة للأطفال؟",
}
# An e-mail to the team's address from somebody nobody knew: it opens a case for an
# unverified newcomer, as the mailbox poll would. (name, address, subject, text)
DEMO_UNKNOWN_SENDER = (
    "Olena Kovalenko",
    "olena.kovalenko@example.net",
    "Jobs for nurses in Narvik?",
    "Hello,\n\nI am a nurse from Kharkiv and live in Bodø now. My husband is an electrician. "
    "Are there jobs for us in Narvik, and how do we find a flat?\n\nThank you,\nOlena",
)
