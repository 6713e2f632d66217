"""Citizenship, asked at intake (optional): it decides the first steps in Norway (Nordic
citizens register with no police; EU/EEA citizens do, before the tax office's ID check),
preselects the plan's conditions, and goes with the newcomer's data (copy and erasure)."""

import pytest
from django.urls import reverse

from cases.models import Case
from contacts.models import Municipality, Newcomer
from privacy.services import newcomer_erase, newcomer_export
from tests.cases.test_intake import _valid


@pytest.mark.django_db
@pytest.mark.parametrize("citizenship", ["nordic", "eu_eea", "other", ""])
def test_intake_citizenship_is_optional_and_stored(client, citizenship):
    response = client.post(reverse("intake:form"), _valid(citizenship=citizenship))
    assert response.status_code == 302
    assert Newcomer.objects.get().citizenship == citizenship


@pytest.mark.django_db
def test_intake_citizenship_rejects_an_unknown_value(client):
    response = client.post(reverse("intake:form"), _valid(citizenship="martian"))
    assert response.status_code == 200
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_intake_citizenship_asked_in_arabic(client):
    html = client.get("/ar/intake/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "جنسيتك (اختياري)" in html
    assert "إحدى دول الشمال الأوروبي" in html


@pytest.mark.django_db
def test_intake_citizenship_preselects_the_plans_conditions(world, login):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(
        citizenship="nordic", municipality=Municipality.objects.get(name="Narvik")
    )
    response = login(world.owner).get(reverse("onboarding:plan-start", args=[world.case.pk]))
    form = response.context["form"]
    assert form.initial["nordic"] is True and form.initial["eu_eea"] is True


@pytest.mark.django_db
def test_intake_citizenship_is_in_the_copy_and_erased(world):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(citizenship="other")
    world.newcomer.refresh_from_db()
    export = newcomer_export(newcomer=world.newcomer, actor=world.coordinator)
    assert export["newcomer"]["citizenship"] == "other"
    newcomer_erase(newcomer=world.newcomer, actor=world.coordinator, reason="asked")
    world.newcomer.refresh_from_db()
    assert world.newcomer.citizenship == ""
