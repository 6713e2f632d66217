"""Free text coded where it names one occupation; idempotent; staff's codes stay."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from contacts.models import HouseholdMember
from contacts.occupation_mapping import map_free_text, occupation_code_for, occupation_index
from occupations.models import Occupation
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_mapping_code_for_normalises_case_accents_and_spacing():
    index = occupation_index()
    for text in ["Økonom", "økonom", " ØKONOM ", "okonom", "Økonom."]:
        assert occupation_code_for(text, index) == "2631"
    assert occupation_code_for("sveiser", index) == "7212"
    assert occupation_code_for("Sveisere", index) == "7212"  # the STYRK-08 title
    assert occupation_code_for("Welders and flamecutters", index) == "7212"
    # The same title on a minor and a unit group: the unit group.
    assert occupation_code_for("Veterinærer", index) == "2250"
    # Not an occupation's whole name: left for staff.
    assert occupation_code_for("sykepleier og lærer", index) is None
    assert occupation_code_for("", index) is None


def test_mapping_a_title_shared_by_two_groups_at_one_level_is_ambiguous():
    for code in ("9998", "9999"):
        Occupation.objects.create(code=code, level=4, title_en="Tester", title_nb="Testar")
    index = occupation_index()
    assert occupation_code_for("tester", index) is None
    assert occupation_code_for("Testar", index) is None
    # A shared title at two levels is not ambiguous: the unit group wins.
    assert occupation_code_for("Andre helseyrker", index) == "3259"


def test_mapping_sets_unique_matches_and_is_idempotent(world):
    nurse = f.make_newcomer(occupation="Sykepleier")
    economist = f.make_newcomer(occupation="Økonom")
    vague = f.make_newcomer(occupation="Jobbet litt med mye")
    staff_set = f.make_newcomer(occupation="Sveiser", occupation_code_id="7214")
    erased = f.make_newcomer(occupation="Kokk", erased_at=timezone.now())
    partner = HouseholdMember.objects.create(
        newcomer=nurse, relation=HouseholdMember.Relation.PARTNER, occupation="elektriker"
    )
    child = HouseholdMember.objects.create(
        newcomer=nurse, relation=HouseholdMember.Relation.CHILD, occupation="kokk"
    )

    assert map_free_text(dry_run=True).newcomers == 2
    for obj in (nurse, economist):
        obj.refresh_from_db()
        assert obj.occupation_code_id is None  # the dry run changed nothing

    result = map_free_text()
    assert (result.newcomers, result.household_members) == (2, 1)
    for obj in (nurse, economist, vague, staff_set, erased, partner, child):
        obj.refresh_from_db()
    assert nurse.occupation_code_id == "2223"
    assert economist.occupation_code_id == "2631"
    assert vague.occupation_code_id is None
    assert staff_set.occupation_code_id == "7214"  # never overwritten
    assert erased.occupation_code_id is None
    assert partner.occupation_code_id == "7411"
    assert child.occupation_code_id is None
    assert nurse.occupation == "Sykepleier"  # the free text stays as told

    again = map_free_text()
    assert (again.newcomers, again.household_members) == (0, 0)


def test_mapping_command(world, capsys):
    f.make_newcomer(occupation="Kokk")
    call_command("map_occupations", "--dry-run")
    assert "Would code 1 newcomers" in capsys.readouterr().out
    call_command("map_occupations")
    assert "Coded 1 newcomers and 0 household members" in capsys.readouterr().out
