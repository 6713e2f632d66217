"""Saved views of the case list (cases.saved_views): saved under a name, shown as tabs with
the current one marked, shared with an organisation by coordinators only, renamed and
deleted by their owner only."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import SavedView
from cases.saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_query_from_string,
    saved_view_rename,
    saved_view_share,
    saved_views_for_user,
)


def test_saved_view_query_is_canonical():
    assert saved_view_query_from_string("status=new&page=3&q=&overdue=true") == (
        "overdue=true&status=new"
    )
    assert saved_view_query_from_string("a=1&b=2") == saved_view_query_from_string("b=2&a=1")


def test_saved_view_save_from_the_list_shows_a_current_tab(world, login):
    client = login(world.owner)
    response = client.post(
        reverse("cases:view-create"), {"name": "Nye", "query": "status=new&page=2"}
    )
    view = SavedView.objects.get(owner=world.owner)
    assert (view.name, view.query) == ("Nye", "status=new")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list") + "?status=new"
    page = client.get(response["Location"]).content.decode()
    assert 'href="/cases/?status=new" aria-current="page">Nye' in page
    # Another list: the tab is there, not current; "All cases" current on the bare list.
    page = client.get(reverse("cases:list")).content.decode()
    assert 'href="/cases/?status=new">Nye' in page
    assert 'href="/cases/" aria-current="page"' in page


def test_saved_view_name_taken_is_refused_with_a_message(world, login):
    saved_view_create(owner=world.owner, name="Mine", query="owner=2")
    client = login(world.owner)
    response = client.post(
        reverse("cases:view-create"), {"name": "mine", "query": "status=new"}, follow=True
    )
    assert SavedView.objects.count() == 1
    assert "Du har allerede en visning med dette navnet." in response.content.decode()


def test_saved_view_shared_by_a_coordinator_shows_to_the_organisations_members(world):
    view = saved_view_create(owner=world.coordinator, name="Skolesaker", query="topic=1")
    assert list(saved_views_for_user(user=world.reader)) == []
    saved_view_share(view=view, organisation=world.skole, actor=world.coordinator)
    assert list(saved_views_for_user(user=world.reader)) == [view]
    assert list(saved_views_for_user(user=world.owner)) == []  # the kommune's member


def test_saved_view_share_is_for_coordinators_only(world):
    view = saved_view_create(owner=world.owner, name="Mine", query="owner=2")
    with pytest.raises(ValidationError):
        saved_view_share(view=view, organisation=world.kommune, actor=world.owner)


def test_saved_view_only_its_owner_renames_or_deletes(world, login):
    view = saved_view_create(owner=world.coordinator, name="Alle nye", query="status=new")
    saved_view_share(view=view, organisation=world.kommune, actor=world.coordinator)
    with pytest.raises(PermissionDenied):
        saved_view_rename(view=view, name="Mine nå", actor=world.owner)
    with pytest.raises(PermissionDenied):
        saved_view_delete(view=view, actor=world.owner)
    # Through the pages, another person's view is a 404.
    client = login(world.owner)
    assert client.post(reverse("cases:view-delete", args=[view.pk])).status_code == 404
    assert (
        client.post(reverse("cases:view-rename", args=[view.pk]), {"name": "x"}).status_code == 404
    )


def test_saved_view_manage_page_renames_shares_and_deletes(world, login):
    view = saved_view_create(owner=world.coordinator, name="Alle nye", query="status=new")
    client = login(world.coordinator)
    page = client.get(reverse("cases:views"))
    assert page.status_code == 200 and "Alle nye" in page.content.decode()
    client.post(reverse("cases:view-rename", args=[view.pk]), {"name": "Nye saker"})
    client.post(reverse("cases:view-share", args=[view.pk]), {"organisation": world.skole.pk})
    view.refresh_from_db()
    assert (view.name, view.organisation) == ("Nye saker", world.skole)
    response = client.post(reverse("cases:view-delete", args=[view.pk]))
    assert response.status_code == 302 and not SavedView.objects.exists()


def test_saved_view_pages_refuse_get_for_writes(world, login):
    client = login(world.owner)
    assert client.get(reverse("cases:view-create")).status_code == 405


def test_saved_view_keeps_no_search_text(world):
    """A search may name a newcomer, and a view outlives their erasure."""
    view = saved_view_create(owner=world.owner, name="Mine", query="q=Kowalska&status=open")
    assert view.query == "status=open"
    with pytest.raises(ValidationError):
        saved_view_create(owner=world.owner, name="Search", query="q=Kowalska&in_notes=true")
