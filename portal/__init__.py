"""The newcomer's own page: their plan, their contacts and their welcome pack, reached by a
personal link (contacts.models.NewcomerLink) instead of a login.

- selectors: what the page shows, always scoped to the newcomer the link belongs to.
- services: what the newcomer (and staff, for the link) can do; each lands on the timeline.
- views, urls (public, /my/) and staff_urls (the case page's link form).
"""
