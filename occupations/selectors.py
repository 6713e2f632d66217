from django.db.models import QuerySet

from occupations.models import Occupation
from occupations.text import occupation_normalise

# Candidates read before ranking: enough for any real query ("ass" finds about forty).
_CANDIDATES = 60


def occupations_search(query: str, limit: int = 10) -> list[Occupation]:
    """Occupations with a word starting with each word typed, in titles or synonyms.

    Case- and accent-blind ("okonom" finds "økonom"); digits search codes ("741"). Best
    first: the shortest title or synonym starting with what was typed (so an exact one
    first), then unit groups (what staff code with) before the broader groups, by code.
    """
    text = occupation_normalise(query)
    words = text.split()
    if not words:
        return []
    found: QuerySet[Occupation] = Occupation.objects.all()
    if text.isdigit():
        found = found.filter(code__startswith=text)
    else:
        for word in words[:6]:
            found = found.filter(search_key__contains=f" {word}")
    candidates = list(found.order_by("-level", "code")[:_CANDIDATES])

    def rank(occupation: Occupation) -> tuple[int, int, str]:
        # The closest name first: the shortest title or synonym that starts with what was
        # typed ("electric": "electrician" before "electrical engineer"; exact is shortest).
        starting = [len(p) for p in occupation_phrases(occupation) if p.startswith(text)]
        return (min(starting, default=1000), -occupation.level, occupation.code)

    return sorted(candidates, key=rank)[:limit]


def occupation_phrases(occupation: Occupation) -> set[str]:
    """The normalised titles and synonyms that name exactly this occupation."""
    return {
        phrase
        for phrase in (
            occupation_normalise(p)
            for p in (occupation.title_nb, occupation.title_en, *occupation.synonyms.split(","))
        )
        if phrase
    }


def group_of(code: str | None, level: int) -> str | None:
    """The code of the group at `level` (1..4) that `code` belongs to, or None when the
    code is coarser than that level (a minor group has no unit group)."""
    if not code or len(code) < level:
        return None
    return code[:level]
