"""Writes to what coordinators keep for every plan: onboarding templates, their steps, and
the region's local offers and events (the administration screens call these).

Texts a newcomer reads are given per language ({code: text}); the older bokmål and English
columns are filled from them (`texts_copy_to_columns`). Coordinators and administrators
(`staff_access(...).sees_all`) may write. Changes are on the change history
(audit.history), which takes the actor from the request.
"""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from config.texts import texts_clean
from contacts.selectors import staff_access
from onboarding.models import LocalOffer, OnboardingTemplate, TemplateStep
from onboarding.services import texts_copy_to_columns

# What the step and offer screens may set, besides the texts.
STEP_FIELDS = (
    "key",
    "position",
    "doer",
    "responsible_kind",
    "anchor",
    "offset_days",
    "fixed_month",
    "fixed_day",
    "child_age",
    "depends_on",
    "per_member",
    "child_age_min",
    "child_age_max",
    "target_groups",
    "requires_from_abroad",
    "requires_eu_eea",
    "requires_long_stay",
    "requires_partner_job_seeking",
    "requires_car_import",
    "source_url",
    "checked_on",
)
OFFER_FIELDS = (
    "name",
    "kind",
    "url",
    "contact",
    "address",
    "starts_on",
    "ends_on",
    "municipality",
    "locality",
    "age_min",
    "age_max",
    "interests",
    "partner_job_seekers",
    "is_active",
)


def _require_coordinator(actor: User) -> None:
    if not staff_access(actor).sees_all:
        raise PermissionDenied


def _require_some_text(texts: dict[str, str], field: str) -> None:
    if not texts:
        raise ValidationError({field: _("Write this text in at least one language.")})


def template_save(
    *,
    template: OnboardingTemplate | None = None,
    names: dict[str, str],
    slug: str,
    target_groups: list[str],
    position: int,
    is_active: bool,
    actor: User,
) -> OnboardingTemplate:
    _require_coordinator(actor)
    template = template or OnboardingTemplate()
    template.names = texts_clean(names)
    _require_some_text(template.names, "names")
    template.slug = slug
    template.target_groups = list(target_groups)
    template.position = position
    template.is_active = is_active
    texts_copy_to_columns(template)
    template.full_clean()
    template.save()
    return template


def template_step_save(
    *,
    step: TemplateStep | None = None,
    template: OnboardingTemplate,
    titles: dict[str, str],
    guidances: dict[str, str],
    fields: dict[str, Any],
    actor: User,
) -> TemplateStep:
    """Creates or changes a step of `template`: its texts, who does it, the anchor of its
    due date and the conditions that decide whether a household gets it (STEP_FIELDS).
    Changing a step changes plans started later, not those already running."""
    _require_coordinator(actor)
    step = step or TemplateStep(template=template)
    if step.template_id != template.pk:
        raise PermissionDenied
    depends_on = fields.get("depends_on")
    if depends_on is not None and (
        depends_on.template_id != template.pk or (step.pk and depends_on.pk == step.pk)
    ):
        raise ValidationError({"depends_on": _("Choose another step of this template.")})
    for name in STEP_FIELDS:
        if name in fields:
            setattr(step, name, fields[name])
    step.titles = texts_clean(titles)
    step.guidances = texts_clean(guidances)
    _require_some_text(step.titles, "titles")
    texts_copy_to_columns(step)
    step.full_clean()
    step.save()
    return step


def template_step_delete(*, step: TemplateStep, actor: User) -> None:
    """Plans keep their copies of the step (PlanStep.template_step is set to none)."""
    _require_coordinator(actor)
    step.delete()


def local_offer_save(
    *,
    offer: LocalOffer | None = None,
    descriptions: dict[str, str],
    fields: dict[str, Any],
    actor: User,
) -> LocalOffer:
    """Creates or changes a local offer or event: where it is, how to reach it, its dates
    and the households it suits (ages of children, interests, partners seeking work)."""
    _require_coordinator(actor)
    offer = offer or LocalOffer()
    for name in OFFER_FIELDS:
        if name in fields:
            setattr(offer, name, fields[name])
    for name in ("name", "contact", "address", "interests"):
        setattr(offer, name, (getattr(offer, name) or "").strip())
    offer.descriptions = texts_clean(descriptions)
    locality = offer.locality
    if locality is not None and offer.municipality_id is None:
        offer.municipality_id = locality.municipality_id
    if locality is not None and locality.municipality_id != offer.municipality_id:
        raise ValidationError({"locality": _("The place is not in the chosen municipality.")})
    texts_copy_to_columns(offer)
    offer.full_clean()
    offer.save()
    return offer
