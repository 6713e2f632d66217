from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case, CaseEvent
from contacts.models import Newcomer, Organisation
from tests import factories as f
from tests import pages


def _enquiry(**overrides):
    data = {
        "channel": "phone",
        "name": "Jonas Berg",
        "email": "",
        "phone": "+47 911 11 111",
        "preferred_language": "nb",
        "target_group": "returning",
        "message": "Called about housing in Ballangen.",
        "consent": "on",
        "share_scopes": ["municipality"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_case_create_records_a_phone_enquiry_without_email(world, login):
    client = login(world.owner)
    response = client.post(reverse("cases:create"), _enquiry())
    case = Case.objects.get(newcomer__name="Jonas Berg")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.channel == "phone"
    assert case.events.get(kind="cases.case.opened").actor == world.owner
    assert mail.outbox == []  # no address, no receipt


@pytest.mark.django_db
def test_case_create_reuses_the_newcomer_with_that_email(world, login):
    client = login(world.owner)
    client.post(reverse("cases:create"), _enquiry(email="ANNA@example.org", channel="event"))
    assert Newcomer.objects.filter(email="anna@example.org").count() == 1
    assert world.newcomer.cases.count() == 2


@pytest.mark.django_db
def test_case_create_without_consent_stores_nothing(world, login):
    before = Case.objects.count()
    response = login(world.owner).post(reverse("cases:create"), _enquiry(consent=None))
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert Case.objects.count() == before


@pytest.mark.django_db
def test_case_share_without_consent_shows_a_clear_error_and_changes_nothing(world, login):
    client = login(world.coordinator)
    events = CaseEvent.objects.count()
    with translation.override("en"):
        url = reverse("cases:share", args=[world.case.pk])
    assert url.startswith("/en/cases/")
    response = client.post(url, {"organisation": world.nav.pk})
    # Post/redirect/get: the refusal is shown once, on the case page, and a reload of
    # that page posts nothing again.
    assert response.status_code == 302
    assert response["Location"] == f"/en/cases/{world.case.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert page.count("consent does not cover sharing with NAV Narvik") == 1
    assert CaseEvent.objects.count() == events
    assert not world.case.shared_with.filter(pk=world.nav.pk).exists()


@pytest.mark.django_db
def test_case_status_close_needs_a_reason_on_screen(world, login):
    client = login(world.owner)
    url = reverse("cases:status", args=[world.case.pk])
    response = client.post(url, {"status": "closed"})
    assert response.status_code == 400
    assert "closing_reason" in response.context["status_form"].errors
    response = client.post(url, {"status": "closed", "closing_reason": "answered"})
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == "closed"


@pytest.mark.django_db
def test_note_add_rejects_an_empty_note(world, login):
    response = login(world.owner).post(
        reverse("cases:note-add", args=[world.case.pk]), {"body": "   ", "visibility": "team"}
    )
    assert response.status_code == 400
    assert not world.case.notes.exists()


@pytest.mark.django_db
def test_followup_done_by_a_helper_who_then_loses_access_goes_to_my_work(world, login):
    other = f.make_case(newcomer=world.newcomer)
    followup = f.make_followup(case=other, assignee=world.reader, due_date=timezone.localdate())
    response = login(world.reader).post(
        reverse("cases:followup-complete", args=[other.pk, followup.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:mine")


@pytest.mark.django_db
def test_my_work_lists_overdue_first_and_the_triage_queue(world, login):
    today = timezone.localdate()
    later = f.make_followup(
        case=world.case, assignee=world.owner, due_date=today + timedelta(5), title="Later"
    )
    overdue = f.make_followup(
        case=world.case, assignee=world.owner, due_date=today - timedelta(2), title="Late"
    )
    new_case = f.make_case(organisation=world.kommune)
    response = login(world.owner).get(reverse("cases:mine"))
    followups = pages.section(response, "followups-heading")
    assert followups.index(">Late</a>") < followups.index(">Later</a>")
    assert f"/followups/{overdue.pk}/" in followups and f"/followups/{later.pk}/" in followups
    assert new_case.pk in pages.links_to_cases(pages.section(response, "triage-heading"))
    owned = pages.rows(pages.section(response, "cases-heading"))
    assert world.case.pk in [row.pk for row in owned]


@pytest.mark.django_db
def test_my_work_offers_to_take_only_new_enquiries_the_user_may_take(world, login):
    # A new enquiry of the municipality shared with the school: the school's member sees
    # it on the case list, but taking it is the municipality's (cases.selectors.case_can_take).
    shared = f.make_case(organisation=world.kommune, shared_with=(world.skole,))
    school_own = f.make_case(organisation=world.skole)
    reader = login(world.reader)
    triage = pages.links_to_cases(
        pages.section(reader.get(reverse("cases:mine")), "triage-heading")
    )
    assert triage == [school_own.pk]
    assert shared.pk in pages.case_list_ids(reader.get(reverse("cases:list")))
    owner = login(world.owner)
    triage = pages.links_to_cases(pages.section(owner.get(reverse("cases:mine")), "triage-heading"))
    assert triage == [shared.pk]
    assert owner.post(reverse("cases:take", args=[shared.pk]), {"next": "mine"}).status_code == 302


@pytest.mark.django_db
def test_case_list_filters_search_and_paginate(world, login):
    for i in range(30):
        f.make_case(organisation=world.kommune, newcomer=f.make_newcomer(name=f"Person {i:02d}"))
    client = login(world.coordinator)
    first = client.get(reverse("cases:list"))
    assert pages.case_list_count(first) == "31 saker"  # staff pages speak bokmål by default
    assert len(pages.case_list_ids(first)) == 25
    second = client.get(reverse("cases:list") + "?page=2")
    assert len(pages.case_list_ids(second)) == 6
    assert not set(pages.case_list_ids(first)) & set(pages.case_list_ids(second))

    found = client.get(reverse("cases:list") + "?q=anna@example.org")
    assert pages.case_list_ids(found) == [world.case.pk]
    found = client.get(reverse("cases:list") + f"?q={world.case.reference}")
    assert pages.case_list_ids(found) == [world.case.pk]
    shared = client.get(reverse("cases:list") + f"?organisation={world.skole.pk}")
    assert pages.case_list_ids(shared) == [world.case.pk]
    f.make_followup(
        case=world.case, assignee=world.owner, due_date=timezone.localdate() - timedelta(1)
    )
    overdue = client.get(reverse("cases:list") + "?overdue=true")
    assert pages.case_list_ids(overdue) == [world.case.pk]
    by_name = client.get(reverse("cases:list") + "?ordering=name")
    shown = pages.case_list_ids(by_name)
    names = dict(Case.objects.filter(pk__in=shown).values_list("pk", "newcomer__name"))
    assert len(shown) == 25 and [names[pk] for pk in shown] == sorted(names.values())


@pytest.mark.django_db
def test_case_list_owner_pickers_name_people_with_their_organisations(world, login):
    """The owner filter and the bulk form's new owner offer the same people as every staff
    picker: full name and organisations, the user first as "(me)"; the filter took user
    names ("owner", "reader") before, and still filters by the person chosen."""
    world.owner.first_name, world.owner.last_name = "Tor", "Andreassen"
    world.owner.save()
    world.coordinator.first_name, world.coordinator.last_name = "Marte", "Eriksen"
    world.coordinator.save()
    client = login(world.coordinator)
    page = pages.html(client.get(reverse("cases:list")))
    for select_id in ("id_owner", "bulk_owner"):
        options = pages.select_options(page, select_id)
        assert options[0] == (str(world.coordinator.pk), "Marte Eriksen · Narvik kommune (meg)")
        assert (str(world.owner.pk), "Tor Andreassen · Narvik kommune") in options
        # Someone without a name is named by user name, with the organisation all the same.
        assert (str(world.reader.pk), "reader · Narvik skole") in options
    mine = client.get(reverse("cases:list") + f"?owner={world.owner.pk}")
    assert pages.case_list_ids(mine) == [world.case.pk]
    # Someone whose only organisation closed is offered by no picker, but a list filtered
    # by them (a saved view, a link) still says so.
    world.nav.is_active = False
    world.nav.save()
    theirs = pages.html(client.get(reverse("cases:list") + f"?owner={world.outsider.pk}"))
    assert (str(world.outsider.pk), "outsider") in pages.select_options(theirs, "id_owner")
    assert f'<option value="{world.outsider.pk}" selected>outsider</option>' in theirs


@pytest.mark.django_db
def test_case_list_rows_keep_the_lists_order_page_by_page(world, login):
    # The rows of a page are read by their keys (cases.selectors.case_rows_of_page): they
    # must come back in the list's order, the default (newest first) included, which the
    # keys' query takes from the model. Created oldest last, so pk order is not the answer.
    now = timezone.now()
    for i in range(27):
        case = f.make_case(organisation=world.kommune)
        Case.objects.filter(pk=case.pk).update(created_at=now - timedelta(hours=i))
    client = login(world.coordinator)
    shown = []
    for query in ("", "?page=2", "?status=new", "?status=new&page=2"):
        shown.append(pages.case_list_ids(client.get(reverse("cases:list") + query)))
    created = dict(Case.objects.values_list("pk", "created_at"))
    newest_first = sorted(created, key=lambda pk: (created[pk], pk), reverse=True)
    assert shown[0] + shown[1] == newest_first
    new = set(Case.objects.filter(status="new").values_list("pk", flat=True))
    assert len(new) > 25 and shown[2] + shown[3] == [pk for pk in newest_first if pk in new]
    oldest = client.get(reverse("cases:list") + "?ordering=created")
    assert pages.case_list_ids(oldest) == newest_first[::-1][:25]


@pytest.mark.django_db
def test_case_list_above_the_count_cap_says_more_than_and_pages_to_the_cap(
    world, login, monkeypatch
):
    monkeypatch.setattr("config.pagination.LIST_COUNT_CAP", 30)
    for i in range(30):
        f.make_case(organisation=world.kommune, newcomer=f.make_newcomer(name=f"Person {i:02d}"))
    client = login(world.coordinator)  # staff pages speak bokmål by default
    first = client.get(reverse("cases:list"))
    last = client.get(reverse("cases:list") + "?page=9")
    # 31 visible, counted up to 30
    assert pages.case_list_count(first).startswith("Mer enn 30 saker")
    assert "Side 1</span>" in first.content.decode()  # no "of N" that would be wrong
    assert "Side 2</span>" in last.content.decode()
    assert len(pages.case_list_ids(last)) == 5  # up to the cap, no further
    assert 'rel="next"' not in last.content.decode()
    assert "Bare de første 30 vises" in last.content.decode()
    assert "Bare de første" not in first.content.decode()

    Case.objects.filter(pk=world.case.pk).delete()  # exactly at the cap: a plain count
    exact = client.get(reverse("cases:list"))
    assert pages.case_list_count(exact) == "30 saker"
    assert "Mer enn" not in exact.content.decode()


@pytest.mark.django_db
def test_case_list_count_reads_no_further_than_the_cap(world, login, monkeypatch):
    monkeypatch.setattr("config.pagination.LIST_COUNT_CAP", 5)
    for _ in range(8):
        f.make_case(organisation=world.kommune)
    client = login(world.coordinator)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("cases:list"))
    statements = [q["sql"] for q in ctx.captured_queries if '"cases_case"' in q["sql"]]
    # One statement reads the keys of the list, at most one more than the cap, in the
    # list's order: no joins or per-row figures, no count of its own. The page's rows are
    # read by those keys.
    keys = [sql for sql in statements if sql.startswith('SELECT "cases_case"."id" AS "pk"')]
    assert keys == [
        'SELECT "cases_case"."id" AS "pk" FROM "cases_case" '
        'ORDER BY "cases_case"."created_at" DESC, 1 DESC LIMIT 6'
    ]
    assert not [sql for sql in statements if sql.startswith("SELECT COUNT(")]

    # A search counts its matches apart, in no order, and stops there too
    # (config.pagination.CappedPaginator: ordering a broad search's keys cost more).
    with CaptureQueriesContext(connection) as ctx:
        searched = client.get(reverse("cases:list") + "?q=" + world.case.newcomer.name)
    assert pages.case_list_ids(searched) == [world.case.pk]
    counts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    assert len(counts) == 1 and counts[0].endswith("LIMIT 6) subquery")


@pytest.mark.django_db
def test_case_list_invalid_filter_shows_nothing_rather_than_everything(world, login):
    response = login(world.coordinator).get(reverse("cases:list") + "?status=bogus")
    assert pages.case_list_count(response) == "0 saker"
    assert pages.case_list_ids(response) == []


@pytest.mark.django_db
def test_login_and_password_reset_send_mail(world, client):
    world.owner.email = "owner@example.org"
    world.owner.save()
    response = client.post(reverse("login"), {"username": "owner", "password": f.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:mine")
    client.post(reverse("logout"))
    response = client.post(reverse("password_reset"), {"email": "owner@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


@pytest.mark.django_db
def test_staff_pages_switch_to_english(world, login):
    client = login(world.owner)
    assert "Mitt arbeid" in client.get(reverse("cases:mine")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/cases/mine/"})
    assert response["Location"] == "/en/cases/mine/"
    assert "My work" in client.get(response["Location"]).content.decode()


def test_admin_timeline_is_read_only():
    request = RequestFactory().get("/admin/")
    model_admin = site._registry[CaseEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert Organisation in site._registry


_newcomer_body = f.newcomer_form_body


@pytest.mark.django_db
def test_newcomer_edit_records_the_lifecycle_step_without_values(world, login):
    client = login(world.owner)
    url = reverse("cases:newcomer-edit", args=[world.case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        _newcomer_body(
            world.newcomer, lifecycle="arrived", moved_at="2026-08-01", phone="+47 99 99 99 99"
        ),
    )
    assert response.status_code == 302
    world.newcomer.refresh_from_db()
    assert world.newcomer.lifecycle == "arrived"
    event = world.case.events.get(kind="contacts.newcomer.updated")
    assert sorted(event.data["fields"]) == ["lifecycle", "moved_at", "phone"]
    assert event.data["lifecycle"] == {"from": "considering", "to": "arrived"}
    assert "+47" not in str(event.data)


@pytest.mark.django_db
def test_newcomer_edit_refuses_a_taken_email_and_arrival_without_date(world, login):
    f.make_newcomer(email="taken@example.org")
    client = login(world.owner)
    url = reverse("cases:newcomer-edit", args=[world.case.pk])
    response = client.post(url, _newcomer_body(world.newcomer, email="TAKEN@example.org"))
    assert "email" in response.context["form"].errors
    response = client.post(url, _newcomer_body(world.newcomer, lifecycle="settled"))
    assert "moved_at" in response.context["form"].errors
    world.newcomer.refresh_from_db()
    assert world.newcomer.email == "anna@example.org"
    assert not world.case.events.filter(kind="contacts.newcomer.updated").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("reader", 403), ("outsider", 404)])
def test_newcomer_edit_needs_manage_rights(world, login, persona, status):
    client = login(getattr(world, persona))
    url = reverse("cases:newcomer-edit", args=[world.case.pk])
    assert client.get(url).status_code == status
    assert client.post(url, _newcomer_body(world.newcomer, name="X")).status_code == status


@pytest.mark.django_db
def test_case_detail_survives_a_timeline_row_with_unexpected_data(world, login):
    CaseEvent.objects.create(
        case=world.case, kind="cases.case.owner_changed", data={"from": "new", "to": "open"}
    )
    CaseEvent.objects.create(case=world.case, kind="cases.case.shared", data={})
    response = login(world.owner).get(reverse("cases:detail", args=[world.case.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_case_list_search_by_reference_name_and_email_prefix(world, login):
    other = f.make_case(newcomer=f.make_newcomer(name="Jonas Berg", email="jonas.berg@example.org"))
    client = login(world.coordinator)

    def found(query):
        response = client.get(reverse("cases:list"), {"q": query})
        return set(pages.case_list_ids(response))

    assert found(world.case.reference.lower()) == {world.case.pk}
    assert found("kowalska") == {world.case.pk}
    assert found("JONAS.BERG@") == {other.pk}
    assert found("jonas.berg@example.org") == {other.pk}
    assert found("nobody-here") == set()


@pytest.mark.django_db
def test_my_work_lists_owned_open_cases_overdue_first_then_oldest(world, login):
    today = timezone.localdate()
    older = f.make_case(organisation=world.kommune, owner=world.owner)
    Case.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=10))
    late = f.make_case(organisation=world.kommune, owner=world.owner)
    f.make_followup(case=late, assignee=world.owner, due_date=today - timedelta(days=1))
    done = f.make_case(organisation=world.kommune, owner=world.owner)
    Case.objects.filter(pk=done.pk).update(status="closed", closed_at=timezone.now())
    f.make_case(organisation=world.kommune, owner=world.reader)  # someone else's
    response = login(world.owner).get(reverse("cases:mine"))
    owned = pages.section(response, "cases-heading")
    rows = pages.rows(owned)
    assert [row.pk for row in rows] == [late.pk, older.pk, world.case.pk]
    assert [row.overdue for row in rows] == [True, False, False]
    assert pages.heading_count(owned) == 3


@pytest.mark.django_db
def test_case_list_marks_a_newcomer_nobody_has_verified(world, login):
    stranger = f.make_case(organisation=world.kommune)
    Newcomer.objects.filter(pk=stranger.newcomer_id).update(
        name="Unknown Writer", is_unverified=True
    )
    html = login(world.coordinator).get(reverse("cases:list")).content.decode()
    rows = {row.split("</tr>")[0] for row in html.split("<tr")[1:]}
    [flagged] = [row for row in rows if "badge overdue unverified" in row]
    assert "Unknown Writer" in flagged
    assert world.case.newcomer.name not in flagged


@pytest.mark.django_db
def test_newcomer_citizenship_shown_on_the_case_and_corrected_by_staff(world, login):
    client = login(world.owner)
    detail = reverse("cases:detail", args=[world.case.pk])
    html = " ".join(client.get(detail).content.decode().split())  # in their bokmål
    assert "<dt>Statsborgerskap</dt><dd>Ikke oppgitt</dd>" in html
    url = reverse("cases:newcomer-edit", args=[world.case.pk])
    assert 'name="citizenship"' in client.get(url).content.decode()
    response = client.post(url, _newcomer_body(world.newcomer, citizenship="eu_eea"))
    assert response.status_code == 302
    world.newcomer.refresh_from_db()
    assert world.newcomer.citizenship == "eu_eea"
    event = world.case.events.get(kind="contacts.newcomer.updated")
    assert event.data["fields"] == ["citizenship"]
    html = " ".join(client.get(detail).content.decode().split())
    assert "<dt>Statsborgerskap</dt><dd>Et annet EU/EØS-land</dd>" in html
