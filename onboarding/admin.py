from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from onboarding.models import LocalOffer, OnboardingTemplate, TemplateStep, WelcomePack

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
            {"fields": ["key", "position", "title_nb", "title_en", "guidance_nb", "guidance_en"]},
        ),
        (
            "Who and when",
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
            "When it applies",
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
        ("Source", {"fields": ["source_url", "checked_on"]}),
    ]


@admin.register(OnboardingTemplate)
class OnboardingTemplateAdmin(admin.ModelAdmin):
    list_display = ["name_nb", "name_en", "slug", "is_active", "position"]
    inlines = [TemplateStepInline]


@admin.register(TemplateStep)
class TemplateStepAdmin(admin.ModelAdmin):
    """A list to see which facts still need checking against their source."""

    formfield_overrides = HTTPS_URLS
    list_display = ["title_en", "template", "anchor", "offset_days", "source_url", "checked_on"]
    list_filter = ["template", ("checked_on", admin.EmptyFieldListFilter)]
    list_editable = ["checked_on"]


@admin.register(LocalOffer)
class LocalOfferAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
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
