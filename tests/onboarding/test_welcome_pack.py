from datetime import date
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from contacts.models import HouseholdMember, Municipality, Newcomer
from onboarding import services
from onboarding.models import LocalOffer, OnboardingTemplate
from onboarding.pdf import render_welcome_pack

MOVE = date(2027, 4, 1)


@pytest.fixture
def household(world):
    narvik = Municipality.objects.get(name="Narvik")
    Newcomer.objects.filter(pk=world.newcomer.pk).update(
        name="Łucja Wiśniewska",
        municipality=narvik,
        locality=narvik.localities.get(name="Bjerkvik"),
        interests="skiing, choir",
        target_group="eu_worker",
    )
    world.newcomer.refresh_from_db()
    HouseholdMember.objects.create(newcomer=world.newcomer, relation="child", birth_year=2023)
    LocalOffer.objects.create(
        name="Bjerkvik barnehage",
        kind="kindergarten",
        age_min=1,
        age_max=5,
        municipality=narvik,
        description_en="A kindergarten by the fjord.",
        description_nb="En barnehage ved fjorden.",
        descriptions={"en": "A kindergarten by the fjord.", "nb": "En barnehage ved fjorden."},
    )
    LocalOffer.objects.create(name="Narvik skiklubb", kind="association", interests="ski, skiing")
    LocalOffer.objects.create(name="Ungdomsklubben", kind="leisure", age_min=13, age_max=18)
    LocalOffer.objects.create(name="Sjakklubben", kind="association", interests="chess")
    LocalOffer.objects.create(
        name="Evenes bygdelag",
        kind="association",
        municipality=Municipality.objects.get(name="Evenes"),
    )
    with time_machine.travel(date(2026, 11, 27), tick=False):
        services.plan_start(
            case=world.case,
            template=OnboardingTemplate.objects.get(slug="moving-to-the-region"),
            move_date=MOVE,
            from_abroad=True,
            eu_eea=True,
            long_stay=True,
            importing_car=False,
            actor=world.owner,
        )
    return world.newcomer


def _text(content: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "step", "date_text"),
    [
        (
            "en",
            "Welcome to Bjerkvik, Łucja Wiśniewska!",
            "ID check and moving notice",
            "09/04/2027",  # en-GB: day first
        ),
        (
            "nb",
            "Velkommen til Bjerkvik, Łucja Wiśniewska!",
            "ID-kontroll og flyttemelding",
            "09.04.2027",
        ),
    ],
)
def test_welcome_pack_is_about_their_household_in_their_language(
    world, household, language, heading, step, date_text
):
    text, reader = _text(render_welcome_pack(case=world.case, language=language))
    flat = " ".join(text.split())
    assert heading in flat
    assert step in flat
    assert date_text in flat  # the ID check, 8 days after the move, formatted per language
    assert world.case.reference in flat
    # Only the offers that suit them: the kindergarten (child of 4), the ski club (interest).
    assert "Bjerkvik barnehage" in flat and "Narvik skiklubb" in flat
    for other in ("Ungdomsklubben", "Sjakklubben", "Evenes bygdelag"):
        assert other not in flat
    assert reader.metadata.title
    assert reader.metadata.author
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSans" in name for name in fonts)


@pytest.mark.django_db
def test_welcome_pack_renders_ukrainian_letters(world, household):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(name="Олена Ґудзь-Їжак")
    world.case.refresh_from_db()
    text, _ = _text(render_welcome_pack(case=world.case, language="en"))
    assert "Олена Ґудзь-Їжак" in text


@pytest.mark.django_db
def test_welcome_pack_preview_downloads_for_readers_but_not_outsiders(world, household, login):
    url = reverse("onboarding:welcome-pack-preview", args=[world.case.pk])
    response = login(world.reader).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert login(world.outsider).get(url).status_code == 404


@pytest.mark.django_db
def test_welcome_pack_send_queues_one_email_with_the_pdf(
    world, household, login, django_capture_on_commit_callbacks, settings, tmp_path
):
    from django.core import mail

    from onboarding.models import WelcomePack
    from onboarding.services import welcome_pack_deliver
    from outbox.models import OutboundEmail

    settings.MEDIA_ROOT = tmp_path
    client = login(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("onboarding:welcome-pack-send", args=[world.case.pk]))
    assert response.status_code == 302
    pack = WelcomePack.objects.get()
    assert pack.status == WelcomePack.Status.QUEUED
    assert pack.file.name and (tmp_path / pack.file.name).exists()
    email = OutboundEmail.objects.get(kind="onboarding.welcome_pack")
    assert email.case_id == world.case.pk
    assert email.attachments[0]["path"] == pack.file.name
    assert world.case.reference in email.subject
    assert world.newcomer.name not in email.subject
    sent = [m for m in mail.outbox if m.to == [world.newcomer.email]]
    assert len(sent) == 1
    filename, content, mimetype = sent[0].attachments[0]
    assert filename == "velkomstpakke.pdf"  # the newcomer reads bokmål
    assert mimetype == "application/pdf" and content[:4] == b"%PDF"
    # A redelivered task finds the pack queued and does nothing.
    assert welcome_pack_deliver(pack_id=pack.pk) is False
    assert OutboundEmail.objects.filter(kind="onboarding.welcome_pack").count() == 1
    assert world.case.events.filter(kind="onboarding.welcome_pack.sent").count() == 1


@pytest.mark.django_db
def test_welcome_pack_send_refused_without_email(world, household, login):
    from onboarding.models import WelcomePack

    Newcomer.objects.filter(pk=world.newcomer.pk).update(email="")
    response = login(world.owner).post(
        reverse("onboarding:welcome-pack-send", args=[world.case.pk]), follow=True
    )
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert not WelcomePack.objects.exists()
