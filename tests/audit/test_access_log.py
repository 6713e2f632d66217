"""The access log: one row per open, export, PDF and erasure; append-only; read by
coordinators per case and per user."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from audit.models import AccessLogEntry, AppendOnlyError
from cases.services import case_access_log


def _rows():
    return list(AccessLogEntry.objects.order_by("pk"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "kind", "action"),
    [
        ("cases:detail", "case", "open"),
        ("cases:newcomer-edit", "newcomer", "open"),
        ("onboarding:welcome-pack-preview", "case", "pdf"),
    ],
)
def test_access_log_one_row_per_screen_open(world, login, url_name, kind, action):
    response = login(world.owner).get(reverse(url_name, args=[world.case.pk]))
    assert response.status_code == 200
    (row,) = _rows()
    assert (row.user, row.role, row.action, row.object_type) == (
        world.owner,
        "member",
        action,
        kind,
    )
    assert row.newcomer_id == world.newcomer.pk
    assert row.object_id == (world.case.pk if kind == "case" else world.newcomer.pk)


@pytest.mark.django_db
def test_access_log_one_row_per_api_retrieve(world, client):
    client.force_login(world.reader)
    assert client.get(reverse("api:cases-detail", args=[world.case.pk])).status_code == 200
    assert client.get(reverse("api:newcomers-detail", args=[world.newcomer.pk])).status_code == 200
    rows = _rows()
    assert [(r.action, r.object_type, r.role) for r in rows] == [
        ("open", "case", "member"),
        ("open", "newcomer", "member"),
    ]


@pytest.mark.django_db
def test_access_log_nothing_for_refused_or_unchanged_pages(world, login):
    assert (
        login(world.outsider).get(reverse("cases:detail", args=[world.case.pk])).status_code == 404
    )
    login(world.owner).get(reverse("cases:list"))
    assert _rows() == []


@pytest.mark.django_db
def test_access_log_rows_hold_no_personal_values(world, login):
    login(world.coordinator).get(reverse("cases:detail", args=[world.case.pk]))
    values = AccessLogEntry.objects.values()[0]
    text = " ".join(str(v) for v in values.values())
    assert "Anna" not in text and "anna@" not in text
    assert values["role"] == "coordinator"


@pytest.mark.django_db
def test_access_log_is_append_only(world):
    case_access_log(user=world.owner, action="open", case=world.case)
    row = AccessLogEntry.objects.latest("pk")
    row.action = "export"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=row.pk).update(action="export")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()
    row.refresh_from_db()
    assert row.action == "open"


@pytest.mark.django_db
def test_access_log_admin_is_read_only(world, client):
    from django.contrib.admin.sites import site

    admin = site._registry[AccessLogEntry]
    request = type("R", (), {"user": world.coordinator})()
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request)
    assert not admin.has_delete_permission(request)


@pytest.mark.postgres
@pytest.mark.django_db
def test_access_log_database_refuses_update_and_delete(world):
    case_access_log(user=world.owner, action="open", case=world.case)
    row = AccessLogEntry.objects.latest("pk")
    for sql in (
        "UPDATE privacy_accesslogentry SET action = 'export' WHERE id = %s",
        "DELETE FROM privacy_accesslogentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AccessLogEntry.objects.filter(pk=row.pk, action="open").exists()


@pytest.mark.django_db
def test_access_log_page_per_case_and_per_user(world, login):
    login(world.owner).get(reverse("cases:detail", args=[world.case.pk]))
    login(world.reader).get(reverse("cases:detail", args=[world.case.pk]))
    client = login(world.coordinator)
    url = reverse("privacy:access-log")
    per_case = client.get(url, {"case": world.case.pk})
    assert per_case.status_code == 200
    assert {row.user for row in per_case.context["page"]} == {world.owner, world.reader}
    per_user = client.get(url, {"user": world.reader.pk})
    assert [row.user for row in per_user.context["page"]] == [world.reader]
    # The case page links to its log for coordinators.
    detail = client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert f"{url}?case={world.case.pk}" in detail


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "status"), [("owner", 403), ("reader", 403), ("nobody", 403)])
def test_access_log_page_only_for_coordinators(world, login, persona, status):
    response = login(getattr(world, persona)).get(reverse("privacy:access-log"))
    assert response.status_code == status


@pytest.mark.django_db
def test_access_log_page_wrong_method(world, login):
    assert login(world.coordinator).post(reverse("privacy:access-log")).status_code == 405
