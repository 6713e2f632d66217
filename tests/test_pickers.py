"""The forms' pickers keep their rows between requests (config.pickers) and follow every
change of the team at once: organisations, memberships, users, topics, municipalities.

The rule: what a picker offers is what the database holds, in the reader's language,
whatever was kept. Checked on the case list (the filter and bulk forms) after each kind of
change, through the services and through plain saves (the admin's path), and over random
sequences of changes, renders and languages (Hypothesis)."""

import time
from unittest import mock

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.db import connection, transaction
from django.db.models.signals import post_migrate
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from accounts.services import user_deactivate
from cases.models import Topic
from config import pickers
from contacts.models import Membership, Municipality, Organisation
from contacts.organisations import membership_remove, membership_set
from tests import factories as f
from tests import pages
from tests.budget import examples

pytestmark = pytest.mark.django_db

_PICKERS = ("id_topic", "id_organisation", "id_owner", "id_municipality", "bulk_organisation")


def _options(page: str) -> dict[str, list[tuple[str, str]]]:
    """Each picker of the case list by its id: its options (value, label), the empty one
    left out."""
    return {select_id: pages.select_options(page, select_id) for select_id in _PICKERS}


def _list_pickers(client) -> dict[str, list[tuple[str, str]]]:
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    return _options(response.content.decode())


def _fresh(client) -> dict[str, list[tuple[str, str]]]:
    """The same pickers read straight from the database: the page drawn with a cache that
    keeps nothing, the kept rows left as they are."""
    with mock.patch.object(pickers, "cache", DummyCache("pickers-fresh", {})):
        return _list_pickers(client)


# The pickers' own statements: their rows, in full (a join or a prefetch of the same
# tables elsewhere on the page reads other columns first).
_PICKER_READS = (
    'SELECT "cases_topic"."id"',
    'SELECT "contacts_organisation"."id"',
    'SELECT "contacts_municipality"."id"',
    'SELECT "contacts_membership"."id"',
)


def _picker_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("cases:list"))
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(_PICKER_READS))


def _rename_organisation(world):
    world.skole.name = "Narvik videregående skole"
    world.skole.save()


def _deactivate_organisation(world):
    world.nav.is_active = False
    world.nav.save()


def _add_municipality(world):
    Municipality.objects.create(name="Testkommune", number="9853")


def _rename_topic(world):
    topic = Topic.objects.order_by("pk").first()
    topic.name_nb, topic.name_en = "Bolig og leie", "Housing and renting"
    topic.save()


def _remove_membership(world):
    membership = Membership.objects.get(user=world.owner)
    membership_remove(membership=membership, actor=world.coordinator)


def _add_membership(world):
    membership_set(
        user=world.nobody,
        organisation=world.kommune,
        role=Membership.Role.MEMBER,
        actor=world.coordinator,
    )


def _deactivate_user(world):
    user_deactivate(user=world.outsider, actor=world.coordinator)


def _rename_user(world):
    # What a single sign-on does with the provider's names (accounts.services).
    world.reader.first_name, world.reader.last_name = "Hilde", "Johnsen"
    world.reader.save()


@pytest.mark.parametrize(
    "change",
    [
        _rename_organisation,
        _deactivate_organisation,
        _add_municipality,
        _rename_topic,
        _remove_membership,
        _add_membership,
        _deactivate_user,
        _rename_user,
    ],
)
def test_pickers_show_a_change_of_the_team_at_once(world, login, change):
    client = login(world.coordinator)
    before = _list_pickers(client)
    assert _picker_queries(client) == 0  # kept from the first page
    change(world)
    after = _list_pickers(client)
    assert after != before
    assert after == _fresh(client)


def test_pickers_are_kept_in_each_language(world, login):
    topic = Topic.objects.order_by("pk").first()
    topic.name_nb, topic.name_en = "Skole", "School"
    topic.save()
    client = login(world.coordinator)
    with translation.override("nb"):
        norwegian = dict(_list_pickers(client)["id_topic"])
    english = dict(_options(client.get("/en" + reverse("cases:list")).content.decode())["id_topic"])
    assert norwegian[str(topic.pk)] == "Skole"
    assert english[str(topic.pk)] == "School"
    with translation.override("nb"):
        assert dict(_list_pickers(client)["id_topic"])[str(topic.pk)] == "Skole"


def test_a_sign_in_keeps_the_pickers(world, login):
    client = login(world.coordinator)
    _list_pickers(client)
    client.force_login(world.coordinator)  # saves last_login only
    assert _picker_queries(client) == 0


def test_a_change_not_yet_committed_is_read_again_once_it_commits(
    world, django_capture_on_commit_callbacks
):
    """A request drawing a picker between the change and its commit reads the old rows;
    the commit forgets them again."""
    read = []

    def organisations() -> list[str]:
        return pickers.picker_rows(
            "test.organisations",
            lambda: read.append(1) or list(Organisation.objects.values_list("name", flat=True)),
        )

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        world.nav.name = "NAV Ofoten"
        world.nav.save()  # forgets now
        kept_too_early = ["Narvik kommune", "Narvik skole", "NAV Narvik"]
        pickers.picker_rows("test.organisations", lambda: kept_too_early)
        assert pickers.picker_rows("test.organisations", list) == kept_too_early
    assert "NAV Ofoten" in organisations()
    assert read == [1]


def test_a_change_that_bypasses_the_orm_is_not_followed_but_never_accepted(world, login):
    """An SQL UPDATE sends no signal: the kept picker still offers the organisation until
    it expires (pickers.KEPT_SECONDS), but the form checks the database and refuses it."""
    school = f.make_organisation(name="Narvik barneskole", kind=Organisation.Kind.SCHOOL)
    client = login(world.coordinator)
    _list_pickers(client)
    Organisation.objects.filter(pk=school.pk).update(is_active=False)
    offered = dict(_list_pickers(client)["bulk_organisation"])
    assert str(school.pk) in offered  # kept: the bound is KEPT_SECONDS

    def share() -> None:
        client.post(
            reverse("cases:bulk"),
            {"cases": [world.case.pk], "action": "share", "organisation": school.pk},
        )

    share()
    assert not world.case.shared_with.filter(pk=school.pk).exists()
    # The same request once the school is active again: the consent covers schools.
    Organisation.objects.filter(pk=school.pk).update(is_active=True)
    share()
    assert world.case.shared_with.filter(pk=school.pk).exists()


def test_pickers_are_read_when_the_cache_is_unreachable(world, login, caplog):
    class Unreachable(DummyCache):
        def get_many(self, *args, **kwargs):
            raise ConnectionError("cache unreachable")

        def set(self, *args, **kwargs):
            raise ConnectionError("cache unreachable")

    client = login(world.coordinator)
    with mock.patch.object(pickers, "cache", Unreachable("down", {})):
        page = _list_pickers(client)
        assert caplog.text.count("the cache could not be read") == 1  # then left alone
        world.skole.name = "Narvik videregående skole"
        world.skole.save()  # forgetting is skipped too, and the change is still shown
        changed = _list_pickers(client)
    assert page["id_organisation"] and page["id_owner"]
    assert (str(world.skole.pk), "Narvik videregående skole") in changed["id_organisation"]
    assert caplog.text.count("the cache could not be") == 1
    # Once the pause is over, the cache is used again.
    pickers.pickers_pause_end()
    _list_pickers(client)
    assert _picker_queries(client) == 0


def test_a_forget_skipped_during_a_pause_is_paid_when_it_ends(world, login, monkeypatch):
    """A change made while this process leaves a failed cache alone: once the pause ends
    by itself, the pickers show it (rather than the rows kept before, for KEPT_SECONDS)."""
    client = login(world.coordinator)
    _list_pickers(client)
    pickers._cache_failed("reached, in this test")  # a failure: the pause begins
    world.skole.name = "Narvik videregående skole"
    world.skole.save()  # its forget is skipped, and owed
    now = time.monotonic()
    monkeypatch.setattr(pickers.time, "monotonic", lambda: now + pickers.PAUSE_SECONDS + 1)
    assert (str(world.skole.pk), "Narvik videregående skole") in _list_pickers(client)[
        "id_organisation"
    ]
    assert _picker_queries(client) == 0  # the cache is used again


def test_a_failing_database_is_not_taken_for_a_failing_cache(caplog):
    def read():
        raise RuntimeError("the database is down")

    with pytest.raises(RuntimeError):
        pickers.picker_rows("test.failing", read)
    assert "the cache could not be" not in caplog.text
    assert not pickers._cache_paused()


def test_a_lost_generation_makes_everything_kept_stale(world, login):
    """The generation evicted or flushed after a change: rows kept before it must not come
    back as current."""
    client = login(world.coordinator)
    _list_pickers(client)
    world.skole.name = "Narvik videregående skole"
    world.skole.save()
    cache.delete(pickers.GENERATION_KEY)
    assert (str(world.skole.pk), "Narvik videregående skole") in _list_pickers(client)[
        "id_organisation"
    ]
    assert _picker_queries(client) == 0  # kept again, under the new generation


class TeamChanges(RuleBasedStateMachine):
    """Random changes of the team, pages drawn in random languages between them; after each
    step the kept pickers show what the database holds. Each example runs in a savepoint
    rolled back at its end, and starts with nothing kept (a rollback sends no signal)."""

    def __init__(self, world, client) -> None:
        super().__init__()
        self.world, self.client = world, client
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        cache.clear()
        self.numbers = iter(range(10**6))

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _member(self, who: str):
        user = getattr(self.world, who)
        user.refresh_from_db()
        return user

    @rule(language=st.sampled_from(["nb", "en", "uk"]))
    def draw(self, language):
        with translation.override(language):
            _list_pickers(self.client)

    @rule(which=st.sampled_from(["kommune", "skole", "nav"]))
    def rename_organisation(self, which):
        organisation = Organisation.objects.get(pk=getattr(self.world, which).pk)
        organisation.name = f"{which} {next(self.numbers)}"
        organisation.save()

    @rule(which=st.sampled_from(["skole", "nav"]), active=st.booleans())
    def organisation_active(self, which, active):
        organisation = Organisation.objects.get(pk=getattr(self.world, which).pk)
        organisation.is_active = active
        organisation.save()

    @rule(
        who=st.sampled_from(["owner", "reader", "outsider", "nobody"]),
        where=st.sampled_from(["kommune", "skole", "nav"]),
    )
    def join(self, who, where):
        Membership.objects.get_or_create(
            user=self._member(who), organisation=getattr(self.world, where)
        )

    @rule(who=st.sampled_from(["owner", "reader", "outsider", "nobody"]))
    def leave(self, who):
        membership = Membership.objects.filter(user=self._member(who)).first()
        if membership is not None:
            membership.delete()

    @rule(who=st.sampled_from(["owner", "reader", "outsider"]), active=st.booleans())
    def user_active(self, who, active):
        user = self._member(who)
        user.is_active = active
        user.save()

    @rule(who=st.sampled_from(["owner", "reader", "outsider"]))
    def rename_user(self, who):
        user = self._member(who)
        user.first_name = f"Navn{next(self.numbers)}"
        user.save()

    @rule(language=st.sampled_from(["nb", "en"]))
    def rename_topic(self, language):
        topic = Topic.objects.order_by("pk").first()
        setattr(topic, f"name_{language}", f"Tema {next(self.numbers)}")
        topic.save()

    @rule()
    def add_municipality(self):
        number = next(self.numbers)
        Municipality.objects.create(name=f"Kommune {number}", number=str(9000 + number))

    @invariant()
    def pickers_show_the_database(self):
        for language in ("nb", "en"):
            with translation.override(language):
                assert _list_pickers(self.client) == _fresh(self.client)


def test_pickers_follow_random_changes_of_the_team(world, login):
    client = login(world.coordinator)
    run_state_machine_as_test(
        lambda: TeamChanges(world, client),
        settings=hypothesis_settings(
            max_examples=examples(sqlite=40, postgres=20, laptop=25),
            stateful_step_count=12,
            deadline=None,
            database=None,
            report_multiple_bugs=False,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_a_migrate_forgets_the_pickers(world, login):
    """Data migrations save through historical models, which send no post_save."""
    client = login(world.coordinator)
    _list_pickers(client)
    generation = cache.get(pickers.GENERATION_KEY)
    contacts = apps.get_app_config("contacts")
    post_migrate.send(
        sender=contacts,
        app_config=contacts,
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )
    assert cache.get(pickers.GENERATION_KEY) not in (None, generation)
