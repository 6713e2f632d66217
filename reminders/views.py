"""A staff member's reminder preferences (/accounts/reminders/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.http import AuthenticatedHttpRequest
from contacts.selectors import staff_access
from reminders import selectors, services
from reminders.forms import ReminderPreferenceForm


@login_required
@require_http_methods(["GET", "POST"])
def preference_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not staff_access(request.user).is_staff_member:
        raise PermissionDenied
    preference = selectors.reminder_preference_for(user=request.user)
    form = ReminderPreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.reminder_preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("reminders:preferences")
    status = 400 if request.method == "POST" else 200
    return render(request, "reminders/preference_form.html", {"form": form}, status=status)
