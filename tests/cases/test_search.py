"""The case search finds each form of what people type (cases.search): references whole or
in part, phone numbers in any format, names with or without diacritics, e-mail addresses,
and note text behind its filter, confidential notes only for those who may read them."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case
from cases.search import case_search, text_fold
from cases.selectors import case_list_visible
from contacts.services import newcomer_update
from tests import factories as f
from tests import pages


def _found(user, text: str, *, in_notes: bool = False) -> set[str]:
    cases = case_search(case_list_visible(user=user), text=text, user=user, in_notes=in_notes)
    return set(cases.values_list("reference", flat=True))


@pytest.fixture
def people(world):
    """Cases for a Norwegian, a Polish and a Spanish name, with phones written three ways."""
    sorensen = f.make_case(
        organisation=world.kommune,
        newcomer=f.make_newcomer(name="Åse Sørensen", phone="+47 912 34 567"),
    )
    walesa = f.make_case(
        organisation=world.kommune,
        newcomer=f.make_newcomer(name="Łucja Wałęsa", phone="0048 601 234 567"),
    )
    jose = f.make_case(
        organisation=world.kommune,
        newcomer=f.make_newcomer(name="José Núñez", email="jose.nunez@example.es", phone=""),
    )
    return sorensen, walesa, jose


def test_text_fold_strips_accents_and_maps_nordic_and_polish_letters():
    assert text_fold("Åse Sørensen") == "ASE SORENSEN"
    assert text_fold("Łucja Wałęsa") == "LUCJA WALESA"
    assert text_fold("Ærlig José") == "AERLIG JOSE"


def test_search_full_reference_matches_that_case_only(world, people):
    sorensen, *_ = people
    assert _found(world.coordinator, sorensen.reference.lower()) == {sorensen.reference}


def test_search_number_alone_or_with_year_finds_the_reference(world, people):
    sorensen, walesa, _jose = people
    _prefix, year, number = sorensen.reference.split("-")
    assert _found(world.coordinator, number) == {sorensen.reference}
    assert _found(world.coordinator, str(int(number))) == {sorensen.reference}  # "3" is 0003
    assert _found(world.coordinator, "00" + number) == {sorensen.reference}  # any zeros
    assert _found(world.coordinator, f"{year}-{number}") == {sorensen.reference}
    assert _found(world.coordinator, f"{year}-{int(number)}") == {sorensen.reference}
    assert _found(world.coordinator, f"{int(year) - 1}-{number}") == set()
    # A number is the end of the reference, never any digits inside it.
    assert walesa.reference not in _found(world.coordinator, number)


@pytest.mark.parametrize(
    "typed", ["+47 912 34 567", "91234567", "912 34 567", "0047 91234567", "+47-912-34-567"]
)
def test_search_phone_in_any_format(world, people, typed):
    sorensen, *_ = people
    assert _found(world.coordinator, typed) == {sorensen.reference}


def test_search_foreign_phone_with_its_country_code(world, people):
    _sorensen, walesa, _jose = people
    assert _found(world.coordinator, "+48 601-234-567") == {walesa.reference}
    assert _found(world.coordinator, "601 234 567") == set()  # without +48 it is Norwegian


def test_search_phone_follows_a_changed_number(world, people):
    sorensen, *_ = people
    newcomer = sorensen.newcomer
    newcomer_update(newcomer=newcomer, changes={"phone": "(+47) 48 00 11 22"})
    assert _found(world.coordinator, "48001122") == {sorensen.reference}
    assert _found(world.coordinator, "91234567") == set()


@pytest.mark.parametrize(
    ("typed", "index"),
    [
        ("Sørensen", 0),
        ("sorensen", 0),
        ("ase sor", 0),
        ("Walesa", 1),
        ("wałęsa", 1),
        ("Lucja", 1),
        ("jose nunez", 2),
        ("NÚÑEZ", 2),
    ],
)
def test_search_names_with_or_without_diacritics(world, people, typed, index):
    assert _found(world.coordinator, typed) == {people[index].reference}


@pytest.mark.postgres
@pytest.mark.parametrize("typed", ["sorensen", "Sørensen", "wałęsa", "nunez"])
def test_search_names_use_unaccent_on_postgresql(world, people, typed, django_assert_num_queries):
    """On PostgreSQL the folding is the unaccent extension (cases/migrations/0012)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT tilflytt_fold('Åse Sørensen Wałęsa Núñez')")
        assert cursor.fetchone()[0] == text_fold("Åse Sørensen Wałęsa Núñez")
    assert len(_found(world.coordinator, typed)) == 1


def test_search_email_address_whole_or_its_beginning(world, people):
    *_, jose = people
    assert _found(world.coordinator, "jose.nunez@example.es") == {jose.reference}
    assert _found(world.coordinator, "JOSE.NUNEZ@") == {jose.reference}
    assert _found(world.coordinator, "jose.nu") == {jose.reference}


def test_search_in_notes_only_with_the_filter(world, people):
    sorensen, *_ = people
    services.note_add(
        case=sorensen, body="Wants a flat near the harbour", visibility="team", actor=world.owner
    )
    assert _found(world.coordinator, "harbour") == set()
    assert _found(world.coordinator, "HARBOUR", in_notes=True) == {sorensen.reference}


def test_search_in_notes_keeps_confidential_notes_to_their_organisation(world):
    services.note_add(
        case=world.case,
        body="Health situation: diabetes",
        visibility="confidential",
        actor=world.owner,
    )
    # The owner's organisation reads it; the school's member sees the case, not the note;
    # a coordinator of another organisation does not read it either.
    coordinator_elsewhere = f.make_user(
        username="coord-skole", organisation=world.skole, role="coordinator"
    )
    assert _found(world.owner, "diabetes", in_notes=True) == {world.case.reference}
    assert _found(world.reader, "diabetes", in_notes=True) == set()
    assert _found(coordinator_elsewhere, "diabetes", in_notes=True) == set()


def test_search_never_finds_cases_the_user_cannot_see(world, people):
    sorensen, *_ = people
    assert _found(world.outsider, "91234567") == set()
    assert _found(world.outsider, sorensen.reference) == set()


def test_case_list_search_by_partial_reference_and_phone(world, people, login):
    sorensen, *_ = people
    client = login(world.owner)
    number = sorensen.reference.rsplit("-", 1)[1]
    for typed in (number, "912 34 567"):
        response = client.get(reverse("cases:list"), {"q": typed})
        assert pages.case_list_ids(response) == [sorensen.pk]


def test_case_list_search_in_notes_checkbox(world, login):
    services.note_add(case=world.case, body="Piano lessons", visibility="team", actor=world.owner)
    client = login(world.reader)
    response = client.get(reverse("cases:list"), {"q": "piano", "in_notes": "true"})
    assert pages.case_list_ids(response) == [world.case.pk]
    response = client.get(reverse("cases:list"), {"q": "piano"})
    assert pages.case_list_ids(response) == []


def test_api_case_list_search_by_phone(world, login):
    newcomer = f.make_newcomer(name="Per Hansen", phone="99 88 77 66")
    case = f.make_case(organisation=world.kommune, newcomer=newcomer)
    client = login(world.coordinator)
    response = client.get(reverse("api:cases-list"), {"q": "+4799887766"})
    assert response.status_code == 200
    assert [row["reference"] for row in response.json()["results"]] == [case.reference]
    assert Case.objects.count() == 2


@pytest.mark.parametrize("typed", ["912 34 567", "0001", "YEAR-1", "sorensen", "harbour"])
def test_search_query_count_is_flat(world, client, typed, django_assert_num_queries):
    """Each form of search is one subquery of the list's queries (a partial reference one
    query of its own): the same count however many cases."""
    typed = typed.replace("YEAR", world.case.reference.split("-")[1])
    client.force_login(world.owner)
    url = reverse("cases:list") + f"?q={typed}&in_notes={'true' if typed == 'harbour' else ''}"
    for size in (3, 30):
        while Case.objects.count() < size:
            case = f.make_case(
                organisation=world.kommune,
                newcomer=f.make_newcomer(name="Åse Sørensen", phone="+47 912 34 567"),
            )
            services.note_add(case=case, body="harbour", visibility="team", actor=world.owner)
        client.get(url)  # the session's "last seen" stamp, at most once a minute
        # A partial reference looks its matches up first (cases.search): one query more.
        # The pickers are kept from the first request (config.pickers). The owner is a
        # member: one statement asks how large each branch of their reach is
        # (cases.paging.case_list_for_paging).
        with django_assert_num_queries(9 if typed[0].isdigit() and " " not in typed else 8):
            response = client.get(url)
        assert len(pages.case_list_ids(response)) > 0


@pytest.mark.parametrize("typed", ["SØRENSEN", "ase s", "Wałęsa", "ez", 'nu"nez', "50%"])
def test_search_names_read_the_stored_folded_names(world, people, typed):
    """The name search reads what cases/migrations/0014 stores (PostgreSQL's generated
    column, SQLite's FTS5 table) and finds what folding every name finds."""
    from django.db.models.functions import Upper

    from cases.search import Fold
    from contacts.models import Newcomer

    by_folding = set(
        Case.objects.filter(
            newcomer__in=Newcomer.objects.annotate(folded=Upper(Fold("name"))).filter(
                folded__contains=text_fold(typed)
            )
        ).values_list("reference", flat=True)
    )
    assert _found(world.coordinator, typed) == by_folding
    assert by_folding or typed in ('nu"nez', "50%")


def test_search_names_follow_a_renamed_and_a_deleted_newcomer(world, people):
    """The stored folded name changes with the name, by the database itself (a trigger on
    SQLite, the generated column on PostgreSQL), whoever writes it (erasure's mask too)."""
    from django.db import connection

    sorensen, *_ = people
    newcomer_update(newcomer=sorensen.newcomer, changes={"name": "Øystein Ødegård"})
    assert _found(world.coordinator, "odegard") == {sorensen.reference}
    assert _found(world.coordinator, "sorensen") == set()
    # The e-mail's beginning, which the name search also matches, follows its changes too.
    newcomer_update(newcomer=sorensen.newcomer, changes={"email": "oystein.ode@example.no"})
    assert _found(world.coordinator, "Oystein.Ode") == {sorensen.reference}
    assert _found(world.coordinator, "ystein.ode") == set()  # the beginning only
    f.make_newcomer(name="Zofia Ząbek").delete()  # a row gone leaves the index too
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT COUNT(*) FROM cases_newcomer_fts WHERE rowid NOT IN "
                "(SELECT id FROM contacts_newcomer)"
            )
        else:
            cursor.execute(
                "SELECT COUNT(*) FROM contacts_newcomer "
                "WHERE name_folded IS DISTINCT FROM tilflytt_fold(name)"
            )
        assert cursor.fetchone()[0] == 0


def test_search_names_query_reads_the_stored_names(world, people):
    """The name search's SQL names the stored folded names, not a fold of every row."""
    from django.db import connection

    sql = str(case_search(Case.objects.all(), text="Kowalska", user=world.coordinator).query)
    stored = "cases_newcomer_fts" if connection.vendor == "sqlite" else ".name_folded"
    assert stored in sql and "tilflytt_fold" not in sql


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["42", "042", "0042", "2026-42", "2026-0042", "0", "420"])
def test_search_by_number_finds_what_the_regular_expression_finds(world, value):
    """A search by number finds the references the regular expression `-0*42$` describes:
    on SQLite by one LIKE per padding (Python regular expressions for every case took a
    second at 100,000), up to REFERENCE_DIGITS_MAX digits; on PostgreSQL by the indexed
    number, then the expression (tests/cases/test_reference_number.py holds its plan)."""
    import re

    from django.db import connection

    from cases.search import _reference_end, _reference_end_q

    references = [
        "NAR-2026-0042",
        "NAR-2026-42",
        "NAR-2025-0042",
        "NAR-2026-1042",
        "IMP-2026-0000000042",
        "IMP-2026-042",
        "NAR-2026-0420",
        "NAR-2026-0000",
        "X-42",
        "X-4-2",
        "NAR-2026-0042A",  # letters after the number, and no hyphen: never a match
        "NAR20260042",
    ]
    for reference in references:
        case = f.make_case(organisation=world.kommune)
        Case.objects.filter(pk=case.pk).update(reference=reference)
    prefix, number = _reference_end(value)

    ends = _reference_end_q(prefix, number, vendor=connection.vendor)
    found = set(Case.objects.filter(ends).values_list("reference", flat=True))
    pattern = f"{re.escape(prefix)}0*{number}\\Z"
    assert found == {reference for reference in references if re.search(pattern, reference)}
    assert found  # every value above finds at least one
