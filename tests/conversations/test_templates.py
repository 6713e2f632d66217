"""Reply templates: placeholders checked when saved and filled from the case in the
template's language; the pages are for coordinators, the templates for every member."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from contacts.models import Newcomer
from conversations.models import ReplyTemplate
from conversations.services import reply_template_fill, reply_template_save
from tests.conversations.builders import reply_template

pytestmark = pytest.mark.django_db


def _save(world, **kwargs):
    data = {"name": "Welcome", "language": "en", "body": "Hi {first_name}", "is_active": True}
    return reply_template_save(actor=world.coordinator, **{**data, **kwargs})


def test_templates_save_creates_and_changes(world):
    template = _save(world)
    assert template.updated_by == world.coordinator
    changed = _save(world, template=template, body="Hello {name}", is_active=False)
    assert changed.pk == template.pk
    assert ReplyTemplate.objects.get().body == "Hello {name}"
    assert not ReplyTemplate.objects.get().is_active


def test_templates_save_refuses_unknown_placeholders_listing_the_allowed(world):
    with pytest.raises(ValidationError) as exc:
        _save(world, body="Hi {firstname}, case {reference}, {name.__class__} {}")
    [message] = exc.value.message_dict["body"]
    assert "{firstname}" in message and "{name.__class__}" in message and "{}" in message
    for allowed in ("{first_name}", "{name}", "{reference}", "{owner_name}", "{move_date}"):
        assert allowed in message
    assert not ReplyTemplate.objects.exists()


def test_templates_save_allows_text_with_lone_braces(world):
    assert _save(world, body="Price: { about 200 kr } and a smile :-{").pk


@pytest.mark.parametrize("persona", ["owner", "reader", "nobody"])
def test_templates_save_is_for_coordinators(world, persona):
    with pytest.raises(PermissionDenied):
        reply_template_save(
            name="X", language="en", body="Hi", is_active=True, actor=getattr(world, persona)
        )


def test_templates_fill_uses_the_case_in_the_templates_language(world):
    Newcomer.objects.filter(pk=world.newcomer.pk).update(planned_move_date=date(2027, 5, 1))
    world.owner.first_name, world.owner.last_name = "Ola", "Nordmann"
    world.owner.save()
    world.case.refresh_from_db()
    body = "{first_name} / {name} / {reference} / {owner_name} / {move_date} / {team}"
    en = reply_template_fill(template=reply_template(body=body), case=world.case)
    assert en == (
        f"Anna / Anna Kowalska / {world.case.reference} / Ola Nordmann / 1 May 2027 / "
        "The newcomer team"
    )
    nb = reply_template_fill(
        template=reply_template(name="Velkommen", language="nb", body="{move_date}"),
        case=world.case,
    )
    assert nb == "1. mai 2027"


def test_templates_fill_never_raises(world):
    Case.objects.filter(pk=world.case.pk).update(owner=None)
    Newcomer.objects.filter(pk=world.newcomer.pk).update(erased_at=timezone.now())
    world.case.refresh_from_db()
    template = reply_template(body="Hi {first_name}{owner_name}{move_date} {unknown} { x")
    assert reply_template_fill(template=template, case=world.case) == "Hi  {unknown} { x"


# --- Pages --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "reader", "outsider", "nobody"])
@pytest.mark.parametrize("name", ["template-list", "template-create", "template-edit"])
def test_templates_pages_are_for_coordinators(world, login, persona, name):
    template = reply_template()
    args = [template.pk] if name == "template-edit" else []
    client = login(getattr(world, persona))
    url = reverse(f"conversations:{name}", args=args)
    assert client.get(url).status_code == 403
    if name != "template-list":
        assert client.post(url, {"name": "X", "language": "en", "body": "Hi"}).status_code == 403
    assert ReplyTemplate.objects.get().name == "Welcome"


def test_templates_pages_list_create_and_deactivate(world, login):
    client = login(world.coordinator)
    response = client.post(
        reverse("conversations:template-create"),
        {
            "name": "Kindergarten",
            "language": "pl",
            "body": "Dzień dobry {first_name}",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    template = ReplyTemplate.objects.get()
    assert template.language == "pl" and template.is_active
    listing = client.get(reverse("conversations:template-list"))
    assert "Kindergarten" in listing.content.decode()
    edit = reverse("conversations:template-edit", args=[template.pk])
    assert "Dzień dobry" in client.get(edit).content.decode()
    # Unchecking "In use" deactivates; nothing is deleted.
    client.post(edit, {"name": "Kindergarten", "language": "pl", "body": "Dzień dobry"})
    template.refresh_from_db()
    assert not template.is_active
    assert client.get(reverse("conversations:template-list")).status_code == 200


def test_templates_page_shows_the_placeholder_error_on_the_field(world, login):
    client = login(world.coordinator)
    response = client.post(
        reverse("conversations:template-create"),
        {"name": "Bad", "language": "en", "body": "Hi {firstname}", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "{firstname}" in response.context["form"].errors["body"][0]
    assert not ReplyTemplate.objects.exists()


def test_templates_wrong_method(world, login):
    client = login(world.coordinator)
    assert client.post(reverse("conversations:template-list")).status_code == 405


def test_templates_nav_link_for_coordinators_only(world, login):
    url = reverse("conversations:template-list")
    assert url in login(world.coordinator).get(reverse("cases:mine")).content.decode()
    assert url not in login(world.owner).get(reverse("cases:mine")).content.decode()
