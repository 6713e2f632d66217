from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from onboarding.models import (
    LocalOffer,
    OfferDate,
    OnboardingTemplate,
    TemplateStep,
    WelcomePack,
)
from onboarding.services import texts_copy_to_columns

# Official sources and offers are on https; a typed "nav.no/..." gets https, not http
# (Django 6's default, asked for now so the admin forms raise no deprecation warning).
HTTPS_URLS: Mapping[type[models.Field], Mapping[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class TemplateStepInline(admin.StackedInline):
    formfield_overrides = HTTPS_URLS
    model = TemplateStep
    fk_name = "template"
    extra = 0
    fieldsets = [
        (
            None,
            {"fields": ["key", "position", "titles", "guidances"]},
        ),
        (
            _("Who and when"),
            {
                "fields": [
                    "doer",
                    "responsible_kind",
                    "anchor",
                    "offset_days",
                    "fixed_month",
                    "fixed_day",
                    "child_age",
                    "depends_on",
                ]
            },
        ),
        (
            _("When it applies"),
            {
                "fields": [
                    "per_member",
                    "child_age_min",
                    "child_age_max",
                    "target_groups",
                    "requires_from_abroad",
                    "requires_eu_eea",
                    "requires_long_stay",
                    "requires_partner_job_seeking",
                    "requires_car_import",
                ]
            },
        ),
        (_("Source"), {"fields": ["source_url", "checked_on"]}),
    ]


class TextsAdmin(admin.ModelAdmin):
    """Texts are edited by language in their JSON field; the older bokmål and English
    columns (kept for staff search and lists) are copied from it on save."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        texts_copy_to_columns(obj)
        super().save_model(request, obj, form, change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        for inline_form in formset.forms:
            if inline_form.has_changed():
                texts_copy_to_columns(inline_form.instance)
        super().save_formset(request, form, formset, change)


@admin.register(OnboardingTemplate)
class OnboardingTemplateAdmin(TextsAdmin):
    list_display = ["name_nb", "name_en", "slug", "is_active", "position"]
    exclude = ["name_nb", "name_en"]
    inlines = [TemplateStepInline]


@admin.register(TemplateStep)
class TemplateStepAdmin(TextsAdmin):
    """A list to see which facts still need checking against their source."""

    exclude = ["title_nb", "title_en", "guidance_nb", "guidance_en"]
    formfield_overrides = HTTPS_URLS
    list_display = ["title_en", "template", "anchor", "offset_days", "source_url", "checked_on"]
    list_filter = ["template", ("checked_on", admin.EmptyFieldListFilter)]
    list_editable = ["checked_on"]


class OfferDateInline(admin.TabularInline):
    model = OfferDate
    extra = 1


@admin.register(LocalOffer)
class LocalOfferAdmin(TextsAdmin):
    formfield_overrides = HTTPS_URLS
    inlines = [OfferDateInline]
    exclude = ["description_nb", "description_en"]
    list_display = ["name", "kind", "municipality", "locality", "age_min", "age_max", "is_active"]
    list_filter = ["kind", "municipality", "is_active"]
    search_fields = ["name", "interests"]


@admin.register(WelcomePack)
class WelcomePackAdmin(admin.ModelAdmin):
    list_display = ["case", "language", "status", "created_at", "queued_at"]
    list_filter = ["status", "language"]
    readonly_fields = [
        "case",
        "language",
        "recipient",
        "file",
        "status",
        "created_by",
        "created_at",
        "queued_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
