"""What a person sees on the staff pages rendered with Jinja2 (the case list, "My work"),
read from the HTML: Django's Jinja2 backend sends no `template_rendered` signal, so
`response.context` is None for those pages (config/jinja2.py)."""

import re
from dataclasses import dataclass
from html import unescape

_ROW = re.compile(r'<tr( class="is-unread")?>(.*?)</tr>', re.S)
_CASE_LINK = re.compile(r'href="(?:/[a-z]{2})?/cases/(\d+)/"')  # /en/cases/… in English
_TAGS = re.compile(r"<[^>]+>")
_OPTION = re.compile(r'<option value="([^"]*)"[^>]*>(.*?)</option>', re.S)


@dataclass(frozen=True)
class Row:
    pk: int
    unread: bool
    html: str

    @property
    def overdue(self) -> bool:
        return '<span class="badge overdue">' in self.html

    @property
    def text(self) -> str:
        return " ".join(unescape(_TAGS.sub(" ", self.html)).split())


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def select_options(page: str, select_id: str) -> list[tuple[str, str]] | None:
    """The options (value, label as read) of the page's `<select id="select_id">`, in order,
    inside its groups too, the empty one left out; None when the page has no such select."""
    match = re.search(rf'<select [^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    if match is None:
        return None
    return [
        (value, unescape(label).strip())
        for value, label in _OPTION.findall(match.group(1))
        if value
    ]


def section(response, heading_id: str) -> str:
    """The `<section aria-labelledby="heading_id">` of the page, "" when it is not shown."""
    match = re.search(
        rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html(response), re.S
    )
    return match.group(1) if match else ""


def heading_count(part: str) -> int:
    """The "(N)" a section's heading shows."""
    match = re.search(r'<span class="muted">\((\d+)\)</span></h2>', part)
    assert match, part[:200]
    return int(match.group(1))


def rows(part: str) -> list[Row]:
    """The rows of the case table(s) in `part`, in order (not the header row)."""
    found = []
    for unread, cells in _ROW.findall(part.split("<tbody>", 1)[-1]):
        link = _CASE_LINK.search(cells)
        if link:
            found.append(Row(pk=int(link.group(1)), unread=bool(unread), html=cells))
    return found


def case_list_rows(response) -> list[Row]:
    return rows(html(response))


def case_list_ids(response) -> list[int]:
    return [row.pk for row in case_list_rows(response)]


def case_list_count(response) -> str:
    """The line above the case list: "31 cases", "More than 1,000 cases…"."""
    match = re.search(r'<p class="count" role="status">(.*?)</p>', html(response), re.S)
    assert match, "no count line"
    return " ".join(unescape(_TAGS.sub(" ", match.group(1))).split())


def links_to_cases(part: str) -> list[int]:
    """The ids of the cases `part` links to, in order."""
    return [int(pk) for pk in _CASE_LINK.findall(part)]
