"""Completeness of the right of access and of erasure: every text a newcomer's rows can hold.

The walker finds, among all concrete models (`django.apps.apps.get_models()`), those whose
rows belong to one newcomer, and how to select them:

- forward ForeignKey and OneToOne chains that end at `contacts.Newcomer` (a chain through
  `cases.Case` ends there too, through its `newcomer` key). Self-references are ignored. A
  model with several chains (a plan step reaches the newcomer through its plan's case and
  through its household member) belongs to the newcomer through any of them.
- a convention for the low layers, which may not import `contacts` or `cases` and so hold
  no foreign key to them (the access log today, the outbox soon): a plain integer column
  named `case_id` holds the id of a case, and one named `newcomer_id` the id of a newcomer.
  Name such a column differently and this test no longer sees the model.

On each such model, every field that can hold text is checked: CharField and its
subclasses (EmailField, URLField, SlugField), TextField, FileField and JSONField. A field
with `choices` holds a code from a fixed list, not anything a person wrote or said, and is
excused without an entry below.

For each remaining field a unique sentinel is written into the first newcomer's rows; it
must then be in `newcomer_export()` unless NOT_EXPORTED excuses the field, and gone from
those rows after `newcomer_erase()` unless NOT_ERASED does (a deleted row counts as
erased). A second newcomer, built the same way, must come through the first one's erasure
unchanged. A new model or field with personal text therefore fails here until the owning
app exports and erases it, or an entry below says why it need not.
"""

import io
import json
import uuid
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from cases.models import Case
from cases.services import (
    case_assign_owner,
    case_set_organisation,
    followup_add,
    intake_submit,
    note_add,
)
from contacts.models import Consent, Membership, Newcomer, Organisation
from contacts.portal.services import newcomer_message_send
from contacts.services import household_add_members
from conversations.receive import inbound_process
from conversations.services import message_send
from onboarding.models import OnboardingTemplate, TemplateStep
from onboarding.services import (
    plan_start,
    step_add,
    step_skip,
    welcome_pack_deliver,
    welcome_pack_request,
)
from privacy.models import AccessLogEntry, DataRequest
from privacy.services import access_log_record, data_request_create, newcomer_erase, newcomer_export
from reminders.models import Reminder
from tests import factories as f

# "app_label.Model.field": why the field need not be in the export.
NOT_EXPORTED = {
    "contacts.NewcomerLink.token_hash": (
        "the SHA-256 hash of the personal link's secret: the secret itself is not stored, and "
        "the hash tells nobody anything"
    ),
    "onboarding.PlanStep.title_nb": (
        "the template's bokmål title, or, for a step added by hand, the same text as title_en "
        "(onboarding.services.step_add), which is exported"
    ),
    "onboarding.PlanStep.guidance_nb": (
        "the template's bokmål guidance, or, for a step added by hand, the same text as "
        "guidance_en (step_add)"
    ),
    "onboarding.PlanStep.source_url": (
        "the official source's address, copied from the template step (plan_start); step_add "
        "sets none"
    ),
    "onboarding.WelcomePack.file": (
        "a storage name made of the case reference and the pack's id (welcome_pack_deliver); "
        "the PDF shows the plan, whose steps are exported"
    ),
    "conversations.CaseMessage.message_id": (
        "the mail's Message-ID, a technical id that threads replies"
    ),
    "conversations.CaseMessageAttachment.mimetype": (
        "one of three fixed types (privacy.files: PDF, JPEG, PNG); the file name is exported"
    ),
    "conversations.CaseMessageAttachment.path": (
        "a generated storage name (conversations/<uuid>.<ext>, receive._attachments_store)"
    ),
    "conversations.InboundEmail.message_id": (
        "the mail's Message-ID, kept so that the same mail is processed once"
    ),
    "outbox.OutboundEmail.body_html": (
        "the HTML rendering of the same message as body_text, which is exported"
    ),
    "outbox.OutboundEmail.language": (
        "the language code the e-mail was rendered in; the newcomer's preferred language is "
        "exported with their record"
    ),
    "outbox.OutboundEmail.message_id": "a Message-ID generated by the outbox (make_msgid)",
    "outbox.OutboundEmail.attachments": (
        "file names and storage paths of the files sent: the welcome pack, whose name is fixed "
        "per language and whose path is the case reference and the pack's id"
    ),
    "outbox.OutboundEmail.headers": (
        "In-Reply-To and References (Message-IDs), Reply-To (the team's mailbox) and Auto-Submitted"
    ),
    "outbox.OutboundEmail.last_error": (
        "the exception's class and message with addresses masked (outbox.services._describe)"
    ),
    "reminders.Reminder.item": "what the reminder is about as a key of ids, e.g. step:7",
    "reminders.Reminder.recipient": "who gets the reminder as a key of ids, e.g. newcomer:9",
    "reminders.Reminder.last_error": (
        "the exception's class and message when sending failed "
        "(reminders.services.reminder_handle_one)"
    ),
}

# "app_label.Model.field": why erasure may leave the field as it is.
NOT_ERASED = {
    **{
        key: NOT_EXPORTED[key]
        for key in (
            "contacts.NewcomerLink.token_hash",
            "onboarding.PlanStep.source_url",
            "conversations.CaseMessage.message_id",
            "conversations.InboundEmail.message_id",
            "outbox.OutboundEmail.language",
            "outbox.OutboundEmail.message_id",
            "outbox.OutboundEmail.headers",
            "outbox.OutboundEmail.last_error",
            "reminders.Reminder.item",
            "reminders.Reminder.recipient",
            "reminders.Reminder.last_error",
        )
    },
    "contacts.Newcomer.consent_text_version": (
        "the version code of the consent text they agreed to (e.g. 2026-11)"
    ),
    "contacts.Consent.text_version": "the version code of the consent text (e.g. 2026-11)",
    "cases.Case.reference": (
        "the case reference (e.g. NR-2026-0042), a year and a counter; the case row stays for "
        "the timeline and the dashboard"
    ),
    "cases.CaseEvent.kind": "the event's dotted kind, a code (e.g. cases.note.added)",
    "cases.CaseEvent.data": (
        "ids and codes only, never names or addresses (CaseEvent's docstring; every "
        "case_event_record call)"
    ),
    "onboarding.WelcomePack.language": "the language code the pack was made in",
    "outbox.OutboundEmail.kind": "the e-mail's dotted kind, a code (e.g. cases.intake_receipt)",
    "privacy.AccessLogEntry.role": (
        "the reader's reach at the time (system, superuser, coordinator, member or none), in "
        "an append-only log"
    ),
    "privacy.DataRequest.reason": (
        "staff's reason for the request, kept as the record that it was handled; "
        "newcomer_erase writes the erasure's own reason there"
    ),
}

# Models the walker reaches that never hold a row belonging to a newcomer.
MODELS_WITHOUT_ROWS = {
    "reports.MonthlyReportDelivery": (
        "reached through its e-mail's case, but reports.services.monthly_report_deliver "
        "queues the coordinator's report with no case"
    ),
}

# Models whose rows cannot be changed (privacy.models.AccessLogEntry: append-only, also by
# a trigger on PostgreSQL): the sentinel goes into a new row copied from one of theirs.
APPEND_ONLY = {"privacy.AccessLogEntry"}

TEXT_FIELDS = (models.CharField, models.TextField, models.FileField, models.JSONField)
PRIVATE_ID_COLUMNS = ("case_id", "newcomer_id")


# --- The walker ---------------------------------------------------------------------------


def _routes(model: type[models.Model], seen: frozenset) -> list[str]:
    """ORM lookups from `model` to the newcomer along forward FK/OneToOne chains; "" is the
    newcomer itself."""
    if model is Newcomer:
        return [""]
    routes = []
    for field in model._meta.get_fields():
        if not (field.concrete and field.is_relation and (field.many_to_one or field.one_to_one)):
            continue
        target = field.related_model
        if target is model or target in seen:
            continue
        for rest in _routes(target, seen | {model}):
            routes.append(f"{field.name}__{rest}" if rest else field.name)
    return routes


@dataclass(frozen=True)
class Owned:
    """A model whose rows may belong to a newcomer, and how to find them."""

    model: type[models.Model]
    routes: tuple[str, ...]
    id_columns: tuple[str, ...]  # plain integer `case_id` / `newcomer_id` columns

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows(self, newcomer: Newcomer) -> models.QuerySet:
        match = Q()
        for route in self.routes:
            match |= Q(**{route: newcomer}) if route else Q(pk=newcomer.pk)
        for column in self.id_columns:
            if column == "newcomer_id":
                match |= Q(newcomer_id=newcomer.pk)
            else:
                case_ids = list(Case.objects.filter(newcomer=newcomer).values_list("pk", flat=True))
                match |= Q(**{f"{column}__in": case_ids})
        # By primary key: several routes may reach one row, and an update needs no join.
        pks = set(self.model._base_manager.filter(match).values_list("pk", flat=True))
        return self.model._default_manager.filter(pk__in=pks)

    def text_fields(self) -> list[models.Field]:
        return [
            field
            for field in self.model._meta.concrete_fields
            if isinstance(field, TEXT_FIELDS) and not field.choices
        ]


def _walk() -> list[Owned]:
    found = []
    for model in apps.get_models():
        if model._meta.abstract or model._meta.proxy:
            continue
        id_columns = tuple(
            field.name
            for field in model._meta.concrete_fields
            if field.name in PRIVATE_ID_COLUMNS
            and not field.is_relation
            and isinstance(field, models.IntegerField)
        )
        routes = tuple(_routes(model, frozenset()))
        if routes or id_columns:
            found.append(Owned(model=model, routes=routes, id_columns=id_columns))
    return sorted(found, key=lambda owned: owned.label)


# Django is set up by pytest-django before collection: the walk parametrises the tests.
OWNED = _walk()
WITH_ROWS = [owned for owned in OWNED if owned.label not in MODELS_WITHOUT_ROWS]
FIELDS = [(owned, field) for owned in WITH_ROWS for field in owned.text_fields()]


def _key(owned: Owned, field: models.Field) -> str:
    return f"{owned.label}.{field.name}"


def _params(excused: dict[str, str]) -> list[Any]:
    return [
        pytest.param(owned, field, id=_key(owned, field))
        for owned, field in FIELDS
        if _key(owned, field) not in excused
    ]


# --- The fixture: two newcomers with a row in every walked model --------------------------


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def _person(world: SimpleNamespace, template: OnboardingTemplate, *, name: str) -> Newcomer:
    """A newcomer with data in every app, written through the services where there is one."""
    first = name.split()[0].lower()
    case = intake_submit(
        name=name,
        email=f"{first}@example.org",
        phone="+47 900 00 000",
        preferred_language="en",
        municipality=None,
        locality=None,
        planned_move_date=date(2026, 8, 1),
        target_group=Newcomer.TargetGroup.FAMILY,
        occupation=f"{name}'s trade",
        has_partner=False,  # the partner comes next, with a name
        partner_needs_work=False,
        partner_occupation="Nurse",
        children_birth_years=[2019],
        interests="Skiing",
        topics=[],
        message=f"{name} asks about kindergartens.",
        heard_via=Newcomer.HeardVia.FRIENDS,
        share_scopes=[Consent.Scope.MUNICIPALITY, Consent.Scope.SCHOOL],
    )
    newcomer = case.newcomer
    household_add_members(newcomer=newcomer, partner_name=f"Partner of {name}")
    case_set_organisation(case=case, organisation=world.kommune, actor=world.coordinator)
    case_assign_owner(case=case, owner=world.owner, actor=world.coordinator)
    note_add(case=case, body=f"{name} called.", visibility="team", actor=world.owner)
    note_add(case=case, body=f"{name} is worried.", visibility="confidential", actor=world.owner)
    followup_add(
        case=case,
        title=f"Call {name} back",
        assignee=world.owner,
        due_date=date(2026, 9, 1),
        actor=world.owner,
    )
    newcomer_message_send(newcomer=newcomer, body=f"Hello from {name}, my own words.")
    plan = plan_start(
        case=case,
        template=template,
        move_date=date(2026, 8, 1),
        from_abroad=True,
        eu_eea=True,
        long_stay=True,
        importing_car=False,
        actor=world.owner,
    )
    step = step_add(
        plan=plan,
        title=f"Find a flat for {name}",
        due_date=date(2026, 8, 15),
        doer=TemplateStep.Doer.TEAM,
        actor=world.owner,
    )
    step_skip(step=step, reason=f"{name} found one", actor=world.owner)
    pack = welcome_pack_request(case=case, actor=world.owner)
    welcome_pack_deliver(pack_id=pack.pk)
    sent = message_send(case=case, body=f"Dear {name}, send us a paper.", actor=world.owner)
    reply = EmailMessage()
    reply["From"] = f"{name} <{newcomer.email}>"
    reply["Subject"] = f"Re: {case.reference}"
    reply["Message-ID"] = f"<reply-{first}@example.org>"
    reply["In-Reply-To"] = sent.message_id
    reply.set_content(f"Here it is, {name}.")
    reply.add_attachment(_png(), maintype="image", subtype="png", filename=f"{first}.png")
    inbound_process(raw=reply.as_bytes())
    Reminder.objects.create(
        kind=Reminder.Kind.NEWCOMER_DEADLINE,
        item=f"step:{step.pk}",
        recipient=f"newcomer:{newcomer.pk}",
        day=date(2026, 8, 14),
        step=step,
        case=case,
        newcomer=newcomer,
        due_at=timezone.now(),
        last_error="SMTPException: 451",
    )
    data_request_create(
        newcomer=newcomer,
        kind=DataRequest.Kind.ACCESS,
        actor=world.coordinator,
        reason="Asked at the front desk",
    )
    access_log_record(user=world.coordinator, action=AccessLogEntry.Action.OPEN, obj=case)
    newcomer.refresh_from_db()
    return newcomer


def _world() -> SimpleNamespace:
    """Staff as in tests/conftest.py's `world`, which is per test: this data is per module."""
    kommune = f.make_organisation(name="Narvik kommune", kind=Organisation.Kind.MUNICIPALITY)
    world = SimpleNamespace(
        kommune=kommune,
        coordinator=f.make_user(
            username="coordinator", organisation=kommune, role=Membership.Role.COORDINATOR
        ),
        owner=f.make_user(username="owner", organisation=kommune),
    )
    template = OnboardingTemplate.objects.create(name_nb="Familie", name_en="Family", slug="fam")
    TemplateStep.objects.create(
        template=template,
        key="tax",
        title_nb="Skattekort",
        title_en="Tax card",
        guidance_nb="Søk om skattekort.",
        guidance_en="Apply for a tax card.",
        doer=TemplateStep.Doer.NEWCOMER,
        anchor=TemplateStep.Anchor.MOVE_DATE,
        offset_days=7,
        source_url="https://www.skatteetaten.no/",
    )
    world.first = _person(world, template, name="Olena Shevchenko")
    world.second = _person(world, template, name="Jonas Berg")
    return world


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker, tmp_path_factory):
    """`first` (erased in the tests) and `second` (who must come through untouched), each
    with at least one row in every walked model.

    Built once for the module, about half a second of services, inside a transaction left
    open until the module ends; each test's own transaction (the `db` fixture) is a
    savepoint within it, rolled back after the test, so every test starts from this data.
    """
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _fresh(newcomer: Newcomer) -> Newcomer:
    """The newcomer as stored now: export and erasure read the instance they are given."""
    return Newcomer.objects.get(pk=newcomer.pk)


# --- Sentinels ----------------------------------------------------------------------------


def _candidates(field: models.Field, text: str) -> list[Any]:
    if isinstance(field, models.JSONField):
        return [
            {"note": text},
            [{"filename": f"{text}.pdf", "mimetype": "application/pdf", "path": f"x/{text}.pdf"}],
            {"In-Reply-To": f"<{text}@example.org>"},
        ]
    if isinstance(field, models.FileField):
        return [f"x/{text}.pdf"]
    if isinstance(field, models.EmailField):
        return [f"{text}@example.org"]
    if isinstance(field, models.URLField):
        return [f"https://example.org/{text}"]
    if isinstance(field, models.TextField):
        return [f"Words with {text} in them"]
    return [text]


def _sentinel_value(field: models.Field, text: str) -> Any:
    """A value holding `text` that the field's own validators (type, length) accept."""
    for value in _candidates(field, text):
        try:
            field.run_validators(value)
        except ValidationError:
            continue
        return value
    raise AssertionError(f"No valid sentinel for {field}: add a shape to _candidates.")


def _sentinel_write(owned: Owned, field: models.Field, newcomer: Newcomer) -> str:
    """Writes a fresh sentinel into `field` on the newcomer's rows and returns it.

    Row by row, with the row's number appended, so that unique fields stay unique; a row
    whose check constraint refuses text there (a skip reason on a step not skipped) keeps
    its value, as long as one row takes it.
    """
    sentinel = "zq" + uuid.uuid4().hex[:6]  # short: some code fields hold 10 characters
    rows = owned.rows(newcomer).order_by("pk")
    assert rows.exists(), f"{owned.label}: no row for the newcomer in the fixture"
    if owned.label in APPEND_ONLY:
        row = rows.first()
        row.pk = None
        row._state.adding = True
        setattr(row, field.attname, _sentinel_value(field, sentinel))
        row.save()
        return sentinel
    written = 0
    for index, pk in enumerate(rows.values_list("pk", flat=True)):
        value = _sentinel_value(field, f"{sentinel}{index}")
        try:
            with transaction.atomic():
                owned.model._default_manager.filter(pk=pk).update(**{field.attname: value})
        except IntegrityError:
            continue
        written += 1
    assert written, f"{owned.label}: every row refused a value in {field.name}"
    return sentinel


def _export_text(newcomer: Newcomer, actor: Any) -> str:
    data = newcomer_export(newcomer=_fresh(newcomer), actor=actor)
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


def _snapshot(newcomer: Newcomer) -> dict[tuple[str, Any], dict[str, Any]]:
    """Every text value of every row of the newcomer, by model and primary key."""
    return {
        (owned.label, row["pk"]): row
        for owned in WITH_ROWS
        for row in owned.rows(newcomer).values("pk", *(f.attname for f in owned.text_fields()))
    }


# --- The tests ----------------------------------------------------------------------------


def test_completeness_walker_finds_the_known_models():
    """A guard on the walker itself: if it stopped following chains or id columns, every
    other test here would pass with nothing checked."""
    labels = {owned.label for owned in OWNED}
    assert {
        "contacts.Newcomer",
        "cases.NewcomerMessage",
        "onboarding.PlanStep",
        "conversations.CaseMessageAttachment",
        "privacy.AccessLogEntry",
    } <= labels
    assert "contacts.Organisation" not in labels
    plan_step = next(owned for owned in OWNED if owned.label == "onboarding.PlanStep")
    assert {"plan__case__newcomer", "member__newcomer"} <= set(plan_step.routes)


@pytest.mark.parametrize(
    ("excused", "name"),
    [(NOT_EXPORTED, "NOT_EXPORTED"), (NOT_ERASED, "NOT_ERASED")],
    ids=["NOT_EXPORTED", "NOT_ERASED"],
)
def test_completeness_excuses_name_walked_text_fields(excused, name):
    """An entry for a field that no longer exists, has choices, or is on a model the walker
    no longer reaches is stale: remove it."""
    checked = {_key(owned, field) for owned, field in FIELDS}
    stale = sorted(key for key in excused if key not in checked)
    assert not stale, f"{name} has entries for no walked text field: {stale}"
    assert all(reason.strip() for reason in excused.values())


def test_completeness_models_without_rows_are_walked():
    labels = {owned.label for owned in OWNED}
    stale = sorted(label for label in MODELS_WITHOUT_ROWS if label not in labels)
    assert not stale, f"MODELS_WITHOUT_ROWS names models the walker does not reach: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("owned", [pytest.param(o, id=o.label) for o in WITH_ROWS])
def test_completeness_fixture_has_rows(people, owned):
    """A model with no row in the fixture would pass every test below unchecked."""
    for who in (people.first, people.second):
        assert owned.rows(who).exists(), (
            f"{owned.label} has no row for {who.name}: add one to _person() in this file "
            "(or, if the model can never hold a newcomer's rows, list it in "
            "MODELS_WITHOUT_ROWS with the reason)."
        )


@pytest.mark.django_db
@pytest.mark.parametrize(("owned", "field"), _params(NOT_EXPORTED))
def test_completeness_field_is_exported(people, owned, field):
    sentinel = _sentinel_write(owned, field, people.first)
    assert sentinel in _export_text(people.first, people.coordinator), (
        f"{_key(owned, field)} is not in newcomer_export(): export it, or list it in "
        "NOT_EXPORTED with the reason."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("owned", "field"), _params(NOT_ERASED))
def test_completeness_field_is_erased(people, owned, field):
    sentinel = _sentinel_write(owned, field, people.first)
    second_before = _snapshot(people.second)
    newcomer_erase(newcomer=_fresh(people.first), actor=people.coordinator, reason="Asked by phone")
    left = [
        value
        for value in owned.rows(people.first).values_list(field.attname, flat=True)
        if sentinel in str(value)
    ]
    assert not left, (
        f"{_key(owned, field)} still holds the value after newcomer_erase(): mask it, or list "
        "it in NOT_ERASED with the reason."
    )
    assert _snapshot(people.second) == second_before


@pytest.mark.django_db
def test_completeness_erasing_one_keeps_the_other(people):
    """The second newcomer's own words are still there, word for word."""
    message = people.second.cases.get().newcomer_messages.get()
    newcomer_erase(newcomer=_fresh(people.first), actor=people.coordinator, reason="Asked by phone")
    second = _fresh(people.second)
    assert (second.name, second.email) == ("Jonas Berg", "jonas@example.org")
    assert [m.name for m in second.household.all()] == ["", "Partner of Jonas Berg"]
    assert second.erased_at is None
    message.refresh_from_db()
    assert message.body == "Hello from Jonas Berg, my own words."
