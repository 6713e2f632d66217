"""The occupation classification shipped with Tilflytt: ISCO-08 with STYRK-08's Norwegian titles.

Sources (docs/occupations.md says more):

- English titles, every group of ISCO-08 (10 major, 43 sub-major, 130 minor, 436 unit
  groups; International Labour Organization, adopted December 2007, structure as published
  in "ISCO-08 Volume 1", 2012): `isco08_en.tsv`, transcribed on 2026-12-02 from the ISCO-08
  labels of the OECD PIAAC codebook, checked against the ILO structure. Corrections to that
  transcription: the armed forces' sub-major, minor and unit groups (01-03, 011-031,
  0110-0310), which it lacks, are added with the ILO titles; 3411, which it labels with
  3355's title, has the ILO title "Legal and related associate professionals"; 1113 reads
  "heads of villages" as in the ILO text.
- Norwegian titles, STYRK-08 (Statistics Norway, classification 7 in Klass, version 33
  "Yrkesklassifisering 08 (STYRK-08)", valid from 2011-01-01, last changed 2020-03-10):
  `styrk08_nb.tsv`, transcribed on 2026-12-02. The unit groups as NAV titles them in its
  STYRK-08 mapping table (navikt/pam-styrk-yrkeskategori-mapper,
  src/main/resources/styrk_category_mapping.csv; one missing ")" restored in 6130); the
  major groups as in Klass; the health sub-major and minor groups (22x, 32, 32x, 53, 532)
  from a Norwegian health-terminology table that quotes STYRK-08. The other sub-major and
  minor groups, and the ISCO unit groups that table of NAV's does not list (1113, 2230,
  2240, 3111, 3221, 3222, 3252, 3253, 3255, 3314, 3344, 3435, 4120, 4414, 4419, 5162, 5412,
  6223, 6310-6340, 7111, 7516, 7521, 7523, 7533, 8321, 9121, 9332, 9411, 9520, 9624), have
  no Norwegian title we could verify: `title_nb` is empty there and the English title is
  shown instead (Occupation.title).
- STYRK-08 has three unit groups ISCO-08 lacks (2223 Sykepleiere, 2224 Vernepleiere, 3439
  Andre yrker innen estetiske fag); they are shipped too, with English titles of our own
  (marked "STYRK-08" in `STYRK_ONLY_EN`), so newcomers can be coded the Norwegian way.
- Synonyms (`synonyms.py`): the words people type, ours.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

from occupations.data.synonyms import SYNONYMS
from occupations.text import occupation_search_key

HERE = Path(__file__).parent

# STYRK-08 unit groups that ISCO-08 does not have; English titles are our translations.
STYRK_ONLY_EN = {
    "2223": "Nurses (STYRK-08)",
    "2224": "Social educators, vernepleiere (STYRK-08)",
    "3439": "Other artistic and cultural associate professionals (STYRK-08)",
}


class OccupationRow(TypedDict):
    code: str
    level: int
    parent_id: str | None
    title_nb: str
    title_en: str
    synonyms: str
    search_key: str


def _read(name: str) -> dict[str, str]:
    rows = {}
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip():
            code, title = line.split("\t")
            rows[code] = title
    return rows


def isco08_codes() -> set[str]:
    """The codes of ISCO-08 itself (without STYRK-08's additions)."""
    return set(_read("isco08_en.tsv"))


def occupation_rows() -> Iterator[OccupationRow]:
    """Every group, parents before children."""
    english = _read("isco08_en.tsv") | STYRK_ONLY_EN
    norwegian = _read("styrk08_nb.tsv")
    for code in sorted(english, key=lambda c: (len(c), c)):
        synonyms = SYNONYMS.get(code, "")
        yield OccupationRow(
            code=code,
            level=len(code),
            parent_id=code[:-1] or None,
            title_nb=norwegian.get(code, ""),
            title_en=english[code],
            synonyms=synonyms,
            search_key=occupation_search_key(
                title_nb=norwegian.get(code, ""), title_en=english[code], synonyms=synonyms
            ),
        )


def occupations_load(occupation_model: type) -> int:
    """Writes every row (insert or update), so that a later data migration can call it
    again after the files change. Takes the model so migrations pass their historical one."""
    count = 0
    for row in occupation_rows():
        code = row.pop("code")  # type: ignore[misc]
        occupation_model.objects.update_or_create(code=code, defaults=row)
        count += 1
    return count
