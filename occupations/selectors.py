from django.db.models import QuerySet

from occupations.models import Occupation
from occupations.text import occupation_normalise


def occupations_search(query: str, limit: int = 10) -> list[Occupation]:
    """Occupations whose titles or synonyms have a word starting with each word typed.

    Case- and accent-insensitive ("okonom" finds "Økonom"). Unit groups come first (what
    staff code with), then the shorter, more general titles.
    """
    words = occupation_normalise(query).split()
    if not words:
        return []
    found: QuerySet[Occupation] = Occupation.objects.all()
    for word in words[:6]:
        found = found.filter(search_key__contains=f" {word}")
    if words[0].isdigit():
        found = Occupation.objects.filter(code__startswith=words[0])
    return list(found.select_related("parent").order_by("-level", "code")[:limit])


def group_of(code: str | None, level: int) -> str | None:
    """The code of the group at `level` (1..4) that `code` belongs to, or None when the
    code is coarser than that level (a minor group has no unit group)."""
    if not code or len(code) < level:
        return None
    return code[:level]
