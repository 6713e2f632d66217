import pytest

from occupations.selectors import group_of, occupations_search

pytestmark = pytest.mark.django_db


def codes(query, **kwargs):
    return [o.code for o in occupations_search(query, **kwargs)]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("sykepleier", "2223"),
        ("Sykepleier", "2223"),
        ("SYKEPLEIER ", "2223"),
        ("nurse", "2223"),
        ("elektriker", "7411"),
        ("electrician", "7411"),
        ("økonom", "2631"),
        ("okonom", "2631"),
        ("kokk", "5120"),
        ("sveiser", "7212"),
        ("lærer", "2341"),
        ("laerer", "2341"),
        ("teacher", "2341"),
        ("ingeniør", "3119"),
        ("developer", "2512"),
        ("electric", "7411"),
        ("sykeple", "2223"),
    ],
)
def test_search_finds_common_words_first(query, code):
    assert codes(query)[0] == code


def test_search_matches_the_start_of_any_word_and_every_word_typed():
    assert "7212" in codes("sveis")
    assert "7212" in codes("flamecut")
    assert "7212" not in codes("eiser")  # inside a word is not a start
    assert codes("software dev")[0] == "2512"
    assert codes("nurse zzz") == []


def test_search_by_code_prefix_lists_unit_groups_first():
    found = codes("741")
    assert found[:3] == ["7411", "7412", "7413"]
    assert "741" in found


def test_search_empty_and_limit():
    assert codes("  ") == []
    assert codes("-") == []
    assert len(codes("a", limit=5)) == 5


def test_group_of():
    assert group_of("2221", 3) == "222"
    assert group_of("2221", 1) == "2"
    assert group_of("222", 4) is None
    assert group_of(None, 2) is None
    assert group_of("", 2) is None
