"""Writes to the topics an enquiry can be about (kept by coordinators on the
administration screens; the public form and the case list read them)."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from cases.models import Topic
from config.texts import texts_clean
from contacts.selectors import staff_access


def topic_save(
    *, topic: Topic | None = None, slug: str, names: dict[str, str], position: int, actor: User
) -> Topic:
    """Creates or changes a topic. Its name is given per language: bokmål and English go
    to their own columns, the other languages to `names`. Topics are never deleted: cases
    keep them."""
    if not staff_access(actor).sees_all:
        raise PermissionDenied
    names = texts_clean(names)
    if not names.get("nb") or not names.get("en"):
        raise ValidationError({"names": _("A topic needs a name in bokmål and in English.")})
    topic = topic or Topic()
    topic.slug = slug
    topic.name_nb = names.pop("nb")
    topic.name_en = names.pop("en")
    topic.names = names
    topic.position = position
    topic.full_clean()
    topic.save()
    return topic
