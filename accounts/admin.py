"""Users in the admin: deactivating one (action or the Active box) ends their sessions."""

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.services import user_deactivate
from config.http import AuthenticatedHttpRequest

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class TilflyttUserAdmin(UserAdmin):
    actions = ["deactivate"]

    @admin.action(description=_("Deactivate and log out everywhere"))
    def deactivate(self, request: AuthenticatedHttpRequest, queryset: QuerySet) -> None:
        users = list(queryset)
        for user in users:
            user_deactivate(user=user, actor=request.user)
        self.message_user(
            request,
            ngettext("%(count)d user deactivated.", "%(count)d users deactivated.", len(users))
            % {"count": len(users)},
            messages.SUCCESS,
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Only signed-in staff reach the admin site.
            user_deactivate(user=obj, actor=cast(AuthenticatedHttpRequest, request).user)
