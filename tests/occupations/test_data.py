"""The shipped classification: ISCO-08's shape, STYRK-08's titles, the synonyms."""

from collections import Counter

import pytest

from occupations.data import STYRK_ONLY_EN, isco08_codes
from occupations.data.synonyms import SYNONYMS
from occupations.models import Occupation
from occupations.text import occupation_normalise

pytestmark = pytest.mark.django_db


def test_data_every_parent_exists_one_level_up_with_the_code_as_prefix():
    rows = {o.code: o for o in Occupation.objects.all()}
    for code, occupation in rows.items():
        assert occupation.level == len(code)
        if occupation.level == 1:
            assert occupation.parent_id is None
            continue
        parent = rows[occupation.parent_id]
        assert parent.level == occupation.level - 1
        assert code.startswith(parent.code)


def test_data_counts_per_level_are_isco08s():
    isco = Counter(len(code) for code in isco08_codes())
    assert isco == {1: 10, 2: 43, 3: 130, 4: 436}
    shipped = Counter(Occupation.objects.values_list("level", flat=True))
    # STYRK-08's own unit groups come on top of ISCO's.
    assert shipped == {1: 10, 2: 43, 3: 130, 4: 436 + len(STYRK_ONLY_EN)}
    assert set(Occupation.objects.values_list("code", flat=True)) == isco08_codes() | set(
        STYRK_ONLY_EN
    )


def test_data_known_titles_in_both_languages():
    welder = Occupation.objects.get(code="7212")
    assert (welder.title_nb, welder.title_en) == ("Sveisere", "Welders and flamecutters")
    assert Occupation.objects.get(code="2223").title_nb == "Sykepleiere"
    assert Occupation.objects.get(code="7411").title_en == "Building and related electricians"
    assert Occupation.objects.get(code="2").title_nb == "Akademiske yrker"
    legal = Occupation.objects.get(code="3411")
    assert legal.title_en == "Legal and related associate professionals"


def test_data_title_falls_back_to_english_where_no_norwegian_title_was_verified():
    minor = Occupation.objects.get(code="741")
    assert minor.title_nb == ""
    assert minor.title("nb") == "Electrical equipment installers and repairers"
    assert Occupation.objects.get(code="7411").title("nb") == "Elektrikere"
    assert Occupation.objects.get(code="7411").title("en") == "Building and related electricians"


def test_data_each_synonym_names_one_group_only():
    phrases = Counter(
        occupation_normalise(p) for words in SYNONYMS.values() for p in words.split(",")
    )
    assert [p for p, n in phrases.items() if n > 1] == []
    assert set(SYNONYMS) <= isco08_codes() | set(STYRK_ONLY_EN)
    # The common words the team asked for are all there.
    for word in ["sykepleier", "lærer", "elektriker", "økonom", "kokk", "sveiser", "ingeniør",
                 "developer", "nurse", "teacher", "electrician"]:  # fmt: skip
        assert occupation_normalise(word) in phrases
