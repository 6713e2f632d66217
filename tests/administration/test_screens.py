"""The coordinators' administration screens: each edits through its app's service, texts
per language side by side with what is missing, and every change on the history with who
made it."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases.models import Topic
from contacts.models import Organisation
from contacts.organisations import organisation_save
from onboarding.models import LocalOffer, OnboardingTemplate, TemplateStep

LIST_PAGES = [
    "administration:index",
    "administration:organisation-list",
    "administration:template-list",
    "administration:offer-list",
    "administration:topic-list",
    "administration:organisation-create",
    "administration:template-create",
    "administration:offer-create",
    "administration:topic-create",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_screens_open_for_coordinators_and_refuse_members(world, client, name):
    client.force_login(world.coordinator)
    assert client.get(reverse(name)).status_code == 200
    client.force_login(world.owner)
    assert client.get(reverse(name)).status_code == 403


def test_screens_wrong_method(world, login):
    client = login(world.coordinator)
    assert client.post(reverse("administration:offer-list")).status_code == 405
    template = OnboardingTemplate.objects.create(names={"nb": "Mal"}, slug="mal")
    step = TemplateStep.objects.create(
        template=template, key="a", titles={"nb": "A"}, doer="team", anchor="move_date"
    )
    url = reverse("administration:step-delete", args=[template.pk, step.pk])
    assert client.get(url).status_code == 405


def test_organisation_edit_saves_contact_details_and_shows_who_changed_them(world, login):
    client = login(world.coordinator)
    url = reverse("administration:organisation-edit", args=[world.kommune.pk])
    response = client.post(
        url,
        {
            "name": "Narvik kommune",
            "kind": "municipality",
            "email": "post@narvik.kommune.no",
            "phone": "76 91 50 00",
            "address": "Kongens gate 51, Narvik",
            "opening_hours_texts_en": " Mon-Fri 08-15 ",
            "opening_hours_texts_pl": "pon.-pt. 8-15",
            "opening_hours_texts_ar": "",
            "descriptions_nb": "Kommunens tilflytterteam.",
            "password_sign_in": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    world.kommune.refresh_from_db()
    assert world.kommune.address == "Kongens gate 51, Narvik"
    # Per language, trimmed, an empty language dropped: it reads by the fallback rule.
    assert world.kommune.opening_hours_texts == {"en": "Mon-Fri 08-15", "pl": "pon.-pt. 8-15"}
    assert world.kommune.descriptions == {"nb": "Kommunens tilflytterteam."}
    entry = LogEntry.objects.get_for_object(world.kommune).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == world.coordinator
    assert "opening_hours_texts" in entry.changes_dict
    page = client.get(url).content.decode()
    assert "Change history" in page or "Endringshistorikk" in page
    assert "pon.-pt. 8-15" in page and "coordinator" in page
    # Side by side: one input per language, each marked with its language and direction.
    assert 'name="opening_hours_texts_ar"' in page and 'name="descriptions_uk"' in page
    assert 'lang="ar" dir="rtl"' in page
    # What each language lacks: Ukrainian has neither text, Polish only lacks a description.
    missing = page.split('id="missing-heading"')[1].split("</section>")[0]
    assert "Українська" in missing and "Polski" in missing
    assert "English" in missing  # the description is in bokmål only
    listing = client.get(reverse("administration:organisation-list")).content.decode()
    row = listing.split("Narvik kommune</a>")[1].split("</tr>")[0]
    assert "Українська" in row and "Norsk bokmål" in row  # bokmål lacks the opening hours


def test_organisation_name_must_be_unique(world, login):
    client = login(world.coordinator)
    response = client.post(
        reverse("administration:organisation-create"),
        {"name": "NAV Narvik", "kind": "nav", "is_active": "on"},
    )
    assert response.status_code == 400
    assert Organisation.objects.filter(name="NAV Narvik").count() == 1


def test_template_and_steps_edit_texts_per_language_and_list_what_is_missing(world, login):
    client = login(world.coordinator)
    response = client.post(
        reverse("administration:template-create"),
        {
            "names_nb": "Arbeidsinnvandrer",
            "names_en": "Labour migrant",
            "slug": "labour",
            "position": "1",
            "is_active": "on",
            "target_groups": ["eu_worker"],
        },
    )
    assert response.status_code == 302
    template = OnboardingTemplate.objects.get(slug="labour")
    assert template.names == {"nb": "Arbeidsinnvandrer", "en": "Labour migrant"}
    assert template.name_nb == "Arbeidsinnvandrer"  # the older column follows
    response = client.post(
        reverse("administration:step-create", args=[template.pk]),
        {
            "titles_nb": "Registrer deg hos UDI",
            "titles_pl": "Zarejestruj się w UDI",
            "guidances_nb": "Innen tre måneder.",
            "key": "udi",
            "position": "1",
            "doer": "newcomer",
            "anchor": "move_date",
            "offset_days": "90",
            "per_member": "household",
            "requires_from_abroad": "yes",
            "requires_eu_eea": "yes",
            "requires_long_stay": "any",
            "source_url": "udi.no/eu",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    step = template.steps.get()
    assert step.titles == {"nb": "Registrer deg hos UDI", "pl": "Zarejestruj się w UDI"}
    assert step.source_url == "https://udi.no/eu"
    assert step.requires_eu_eea == "yes" and step.offset_days == 90
    page = client.get(reverse("administration:template-edit", args=[template.pk]))
    body = page.content.decode()
    assert 'lang="pl"' in body  # each input is marked with its language
    assert "Українська" in body  # Ukrainian lacks every text: listed as missing
    step_entry = LogEntry.objects.get_for_object(step).get()
    assert step_entry.actor == world.coordinator
    assert step_entry.additional_data == {"owner": template.pk}
    assert "Registrer deg hos UDI" in body.split('id="history-heading"')[1]  # on its history


def test_step_needs_a_title_and_waits_only_for_a_step_of_its_template(world, login):
    client = login(world.coordinator)
    template = OnboardingTemplate.objects.create(names={"nb": "Mal"}, slug="mal")
    other = OnboardingTemplate.objects.create(names={"nb": "Annen"}, slug="annen")
    foreign = TemplateStep.objects.create(
        template=other, key="x", titles={"nb": "X"}, doer="team", anchor="move_date"
    )
    data = {
        "key": "a",
        "position": "1",
        "doer": "team",
        "anchor": "move_date",
        "offset_days": "0",
        "per_member": "household",
        "requires_from_abroad": "any",
        "requires_eu_eea": "any",
        "requires_long_stay": "any",
    }
    url = reverse("administration:step-create", args=[template.pk])
    assert client.post(url, data).status_code == 400  # no title in any language
    response = client.post(url, {**data, "titles_en": "A", "depends_on": foreign.pk})
    assert response.status_code == 400
    assert not template.steps.exists()


def test_offer_edit_with_dates_and_households_it_suits(world, login):
    client = login(world.coordinator)
    response = client.post(
        reverse("administration:offer-create"),
        {
            "name": "Vinterfestival",
            "kind": "event",
            "descriptions_nb": "Festival i sentrum.",
            "descriptions_en": "A festival in town.",
            "contact": "festival@example.org",
            "address": "Torget, Narvik",
            "starts_on": "2027-03-01",
            "ends_on": "2027-03-07",
            "age_min": "6",
            "age_max": "12",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    offer = LocalOffer.objects.get(name="Vinterfestival")
    assert (offer.starts_on, offer.ends_on) == (date(2027, 3, 1), date(2027, 3, 7))
    assert offer.descriptions == {"nb": "Festival i sentrum.", "en": "A festival in town."}
    assert offer.description_en == "A festival in town."
    bad = client.post(
        reverse("administration:offer-edit", args=[offer.pk]),
        {"name": "Vinterfestival", "kind": "event", "starts_on": "2027-03-07",
         "ends_on": "2027-03-01", "is_active": "on"},
    )  # fmt: skip
    assert bad.status_code == 400
    offer.refresh_from_db()
    assert offer.ends_on == date(2027, 3, 7)


def test_topic_edit_keeps_bokmal_and_english_in_their_columns(world, login):
    client = login(world.coordinator)
    response = client.post(
        reverse("administration:topic-create"),
        {"slug": "fishing", "position": "9", "names_nb": "Fiske", "names_en": "Fishing",
         "names_uk": "Риболовля"},
    )  # fmt: skip
    assert response.status_code == 302
    topic = Topic.objects.get(slug="fishing")
    assert (topic.name_nb, topic.name_en, topic.names) == ("Fiske", "Fishing", {"uk": "Риболовля"})
    missing_en = client.post(
        reverse("administration:topic-edit", args=[topic.pk]),
        {"slug": "fishing", "position": "9", "names_nb": "Fiske"},
    )
    assert missing_en.status_code == 400


def test_reply_template_page_shows_its_history(world, login):
    client = login(world.coordinator)
    client.post(
        reverse("conversations:template-create"),
        {"name": "Velkommen", "language": "nb", "body": "Hei {first_name}!", "is_active": "on"},
    )
    from conversations.models import ReplyTemplate

    template = ReplyTemplate.objects.get(name="Velkommen")
    page = client.get(reverse("conversations:template-edit", args=[template.pk]))
    assert LogEntry.objects.get_for_object(template).get().actor == world.coordinator
    assert "history-heading" in page.content.decode()


def test_history_leaves_out_no_newcomer_data(world):
    """Only the administered models are tracked: none holds a newcomer's data."""
    from auditlog.registry import auditlog

    tracked = {model._meta.label for model in auditlog.get_models()}
    assert tracked == {
        "contacts.Organisation",
        "contacts.Membership",
        "auth.User",
        "onboarding.OnboardingTemplate",
        "onboarding.TemplateStep",
        "onboarding.LocalOffer",
        "conversations.ReplyTemplate",
        "cases.Topic",
        # An employer's recruitment need: its contact is the employer's own person.
        "jobs.RecruitmentNeed",
    }


def test_organisation_description_is_limited_on_the_screen_and_in_the_service(world, login):
    limit = Organisation.DESCRIPTION_MAX_LENGTH
    client = login(world.coordinator)
    data = {"name": "Narvik kommune", "kind": "municipality", "is_active": "on"}
    response = client.post(
        reverse("administration:organisation-edit", args=[world.kommune.pk]),
        {**data, "descriptions_en": "x" * (limit + 1)},
    )
    assert response.status_code == 400
    assert f'maxlength="{limit}"' in response.content.decode()
    world.kommune.refresh_from_db()
    assert world.kommune.descriptions == {}
    fields = {"name": "Narvik kommune", "kind": "municipality", "email": "", "phone": ""}
    fields |= {"address": "", "opening_hours": {}, "password_sign_in": True, "is_active": True}
    with translation.override("nb"), pytest.raises(ValidationError) as raised:
        organisation_save(
            organisation=world.kommune,
            descriptions={"nb": "Kort.", "ar": "ب" * (limit + 1)},
            actor=world.coordinator,
            **fields,
        )
    [message] = raised.value.message_dict["descriptions"]
    assert f"{limit}" in message and "ar" in message and "tegn" in message  # in bokmål
    saved = organisation_save(
        organisation=world.kommune,
        descriptions={"en": "x" * limit},
        actor=world.coordinator,
        **fields,
    )
    assert saved.descriptions == {"en": "x" * limit}
