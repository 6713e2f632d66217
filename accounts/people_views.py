"""The people screen's pages beyond the list (accounts.sign_in_views): inviting someone,
and one person's page with their memberships, roles and change history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import InviteForm, MembershipForm
from audit.history import history_for
from config.forms import form_add_service_errors
from config.http import AuthenticatedHttpRequest
from contacts.models import Membership
from contacts.organisations import membership_remove, membership_set, organisations_led


def _person(request: AuthenticatedHttpRequest, pk: int) -> User:
    if not selectors.people_may_manage(user=request.user):
        raise PermissionDenied
    person = selectors.people_visible(user=request.user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


@login_required
@require_http_methods(["GET", "POST"])
def person_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.people_may_manage(user=request.user):
        raise PermissionDenied
    form = InviteForm(request.POST or None, organisations=organisations_led(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_invite(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The invitation is on its way to %(email)s.") % {"email": person.email}
            )
            return redirect("accounts:person", person.pk)
    return render(
        request, "accounts/person_invite.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One person: their memberships (give one, change a role) and their history."""
    person = _person(request, pk)
    led = organisations_led(user=request.user)
    form = MembershipForm(request.POST or None, organisations=led)
    if request.method == "POST" and form.is_valid():
        try:
            membership_set(user=person, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("The membership is saved."))
            return redirect("accounts:person", person.pk)
    context = {
        "person": person,
        "form": form,
        "led_ids": {organisation.pk for organisation in led},
        "history": history_for(person, children=[Membership]),
    }
    return render(
        request, "accounts/person_detail.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def membership_delete(
    request: AuthenticatedHttpRequest, pk: int, membership_pk: int
) -> HttpResponse:
    person = _person(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"), pk=membership_pk, user=person
    )
    try:
        membership_remove(membership=membership, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The membership is removed."))
    return redirect("accounts:person", person.pk)
