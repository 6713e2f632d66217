from django.contrib import admin
from django.http import HttpRequest

from contacts.models import (
    ApiToken,
    Consent,
    HouseholdMember,
    Locality,
    Membership,
    Municipality,
    Newcomer,
    Organisation,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    inlines = [MembershipInline]
    # Texts by language are edited side by side in the administration screens, which
    # check them (contacts.organisations.organisation_save); raw JSON here could store a
    # string or null that config.texts cannot read.
    exclude = ["opening_hours_texts", "descriptions"]


class LocalityInline(admin.TabularInline):
    model = Locality
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "number"]
    inlines = [LocalityInline]


class HouseholdInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["scope", "text_version", "given_at", "withdrawn_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Newcomer | None = None) -> bool:
        return False


@admin.register(Newcomer)
class NewcomerAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "lifecycle", "target_group", "created_at"]
    list_filter = ["lifecycle", "target_group", "municipality"]
    search_fields = ["name", "email"]
    list_select_related = ["municipality"]
    raw_id_fields = ["municipality", "locality"]
    inlines = [HouseholdInline, ConsentInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are made by their owner; an administrator may only revoke one by
    setting "revoked"."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False
