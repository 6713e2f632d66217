"""The newcomer's own page (no login: the personal link's secret is in the URL) and the
staff actions on that link.

Every public response, a refusal included, carries `Cache-Control: no-store` and a referrer
policy that sends no Referer to any other site (the URL holds the secret; the official
links on the page must not receive it). A wrong, revoked, expired or erased link is the
same plain 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit
from django_ratelimit.exceptions import Ratelimited

from cases.selectors import get_case_for_user
from config.forms import form_add_service_errors
from config.http import AuthenticatedHttpRequest
from contacts.models import Consent, Newcomer
from contacts.selectors import newcomer_find_by_email
from contacts.services import newcomer_link_resolve
from onboarding.pdf import render_welcome_pack
from onboarding.selectors import offers_for_newcomer
from outcomes.forms import QuestionnaireForm
from outcomes.selectors import (
    checkin_for_newcomer,
    checkin_is_answerable,
    checkins_open_for_newcomer,
    household_shape,
)
from outcomes.services import checkin_answer_record, checkin_opt_out
from portal import selectors, services
from portal.forms import DetailsForm, LinkRequestForm, MessageForm

View = Callable[..., HttpResponse]

# Not "no-referrer": under it browsers send `Origin: null` with the page's own form posts,
# and Django's CSRF check (rightly) refuses those; a null origin is what a sandboxed frame on
# any site sends. "same-origin" sends no Referer to any other site either, so the secret in
# the URL still reaches nobody else (tests/browser/test_newcomer_journeys.py posts forms).
REFERRER_POLICY = "same-origin"


def _page_rate(group: str, request: HttpRequest) -> str:
    return settings.NEWCOMER_PAGE_RATE_LIMIT


def _request_rate(group: str, request: HttpRequest) -> str:
    return settings.NEWCOMER_LINK_REQUEST_RATE_LIMIT


def _email_key(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


def private(view: View) -> View:
    """Headers of every public response of the page, and the same 404 and 429 pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            response = render(request, "404.html", status=404)
        except Ratelimited:
            response = render(request, "429.html", status=429)
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = REFERRER_POLICY
        return response

    return wrapper


def _newcomer(secret: str) -> Newcomer:
    newcomer = newcomer_link_resolve(secret=secret)
    if newcomer is None:
        raise Http404
    return newcomer


def _back(secret: str, anchor: str = "") -> HttpResponse:
    return redirect(reverse("portal:page", kwargs={"secret": secret}) + anchor)


def _render_page(
    request: HttpRequest, newcomer: Newcomer, secret: str, status: int = 200, **forms: Any
) -> HttpResponse:
    overview = selectors.portal_overview(newcomer=newcomer)
    today = timezone.localdate()
    offers = offers_for_newcomer(newcomer=newcomer)
    context = {
        "overview": overview,
        "newcomer": newcomer,
        "secret": secret,
        "today": today,
        "next_dates": selectors.portal_next_dates(overview=overview, offers=offers, today=today),
        "conversation": selectors.portal_conversation(newcomer=newcomer),
        "checkins": checkins_open_for_newcomer(newcomer=newcomer, today=today),
        "message_form": forms.get("message_form") or MessageForm(),
        "details_form": forms.get("details_form")
        or DetailsForm(
            moved=newcomer.moved_at is not None,
            initial={
                "planned_move_date": newcomer.planned_move_date,
                "phone": newcomer.phone,
                "preferred_language": newcomer.preferred_language,
            },
        ),
    }
    return render(request, "portal/page.html", context, status=status)


@private
@require_GET
def page(request: HttpRequest, secret: str) -> HttpResponse:
    return _render_page(request, _newcomer(secret), secret)


@private
@require_GET
def welcome_pack(request: HttpRequest, secret: str) -> HttpResponse:
    newcomer = _newcomer(secret)
    overview = selectors.portal_overview(newcomer=newcomer)
    steps = overview.my_steps + overview.team_steps
    links = {step.source_link: step.title for step in steps if step.source_link}
    context = {
        "overview": overview,
        "newcomer": newcomer,
        "secret": secret,
        "steps": sorted(
            overview.my_steps + overview.team_steps + overview.done_steps,
            key=lambda s: (s.due_date, s.position, s.pk),
        ),
        "offers": offers_for_newcomer(newcomer=newcomer),
        "links": list(links.items()),
        "team_name": settings.TEAM_NAME,
    }
    return render(request, "portal/welcome_pack.html", context)


@private
@require_GET
def welcome_pack_pdf(request: HttpRequest, secret: str) -> HttpResponse:
    newcomer = _newcomer(secret)
    case = selectors.portal_case(newcomer=newcomer)
    if case is None:
        raise Http404
    link = request.build_absolute_uri(reverse("portal:page", kwargs={"secret": secret}))
    content = render_welcome_pack(case=case, language=get_language(), link_url=link)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="welcome-pack.pdf"'
    return response


@private
@require_POST
@ratelimit(key="ip", group="portal.action", rate=_page_rate, method="POST", block=True)
def step_done(request: HttpRequest, secret: str, step_pk: int) -> HttpResponse:
    return _step_action(
        secret,
        step_pk,
        request=request,
        service=services.newcomer_step_complete,
        done=_("Well done! The step is marked as done."),
    )


@private
@require_POST
@ratelimit(key="ip", group="portal.action", rate=_page_rate, method="POST", block=True)
def step_undo(request: HttpRequest, secret: str, step_pk: int) -> HttpResponse:
    return _step_action(
        secret,
        step_pk,
        request=request,
        service=services.newcomer_step_undo,
        done=_("The step is back on your list."),
    )


def _step_action(
    secret: str, step_pk: int, *, request: HttpRequest, service: Callable[..., Any], done: str
) -> HttpResponse:
    """Marks one of the newcomer's own steps done, or takes that back."""
    newcomer = _newcomer(secret)
    step = selectors.portal_step_for_newcomer(newcomer=newcomer, pk=step_pk)
    try:
        service(newcomer=newcomer, step=step)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, done)
    return _back(secret, "#next-steps")


@private
@require_POST
@ratelimit(key="ip", group="portal.action", rate=_page_rate, method="POST", block=True)
def message_send(request: HttpRequest, secret: str) -> HttpResponse:
    newcomer = _newcomer(secret)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            services.newcomer_message_send(newcomer=newcomer, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("body", exc.messages)
        else:
            messages.success(request, _("Thank you. Your message has been sent to the team."))
            return _back(secret, "#message")
    return _render_page(request, newcomer, secret, status=400, message_form=form)


@private
@require_POST
@ratelimit(key="ip", group="portal.action", rate=_page_rate, method="POST", block=True)
def details_update(request: HttpRequest, secret: str) -> HttpResponse:
    newcomer = _newcomer(secret)
    form = DetailsForm(request.POST, moved=newcomer.moved_at is not None)
    if form.is_valid():
        changes = dict(form.cleaned_data)
        if "planned_move_date" in changes and changes["planned_move_date"] is None:
            changes.pop("planned_move_date")  # an emptied field keeps the date the team has
        changed = services.newcomer_self_update(newcomer=newcomer, changes=changes)
        messages.success(request, _("Your details are saved."))
        # A new language: the page follows it (the URL's prefix decides the language).
        language = newcomer.preferred_language if "preferred_language" in changed else None
        with translation.override(language or get_language()):
            return _back(secret, "#details")
    return _render_page(request, newcomer, secret, status=400, details_form=form)


@private
@require_POST
@ratelimit(key="ip", group="portal.action", rate=_page_rate, method="POST", block=True)
def reminders_set(request: HttpRequest, secret: str) -> HttpResponse:
    newcomer = _newcomer(secret)
    wanted = request.POST.get("reminders") == "on"
    if wanted != (newcomer.reminders_consent_at is not None):
        services.newcomer_self_update(
            newcomer=newcomer, changes={"reminders_consent_at": timezone.now() if wanted else None}
        )
    if wanted:
        messages.success(request, _("We will remind you by e-mail before your deadlines."))
    else:
        messages.success(request, _("Reminders are turned off."))
    return _back(secret, "#reminders")


@private
@require_POST
@ratelimit(key="ip", group="portal.action", rate=_page_rate, method="POST", block=True)
def consent_withdraw(request: HttpRequest, secret: str, scope: str) -> HttpResponse:
    newcomer = _newcomer(secret)
    if scope not in Consent.Scope.values:
        raise Http404
    services.newcomer_consent_withdraw(newcomer=newcomer, scope=scope)
    messages.success(
        request, _("Your consent is withdrawn. We no longer share your enquiry on that basis.")
    )
    return _back(secret, "#consents")


@private
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", group="portal.action", rate=_page_rate, method="POST", block=True)
def checkin_answer(request: HttpRequest, secret: str, checkin_pk: int) -> HttpResponse:
    """The settling-in questionnaire, in the page's language (the newcomer's)."""
    newcomer = _newcomer(secret)
    checkin = checkin_for_newcomer(newcomer=newcomer, pk=checkin_pk)
    if checkin is None or not checkin_is_answerable(checkin, today=timezone.localdate()):
        raise Http404
    form = QuestionnaireForm(request.POST or None, **household_shape(newcomer=newcomer))
    if request.method == "POST" and form.is_valid():
        try:
            checkin_answer_record(checkin=checkin, answers=form.answers())
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Thank you for your answers. They help us do better."))
            return _back(secret, "#checkin")
    context = {"newcomer": newcomer, "secret": secret, "checkin": checkin, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/checkin.html", context, status=status)


@private
@require_POST
@ratelimit(key="ip", group="portal.action", rate=_page_rate, method="POST", block=True)
def checkin_stop(request: HttpRequest, secret: str) -> HttpResponse:
    checkin_opt_out(newcomer=_newcomer(secret))
    messages.success(request, _("We will not send you more questionnaires."))
    return _back(secret, "#checkin")


@private
@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", group="portal.request", rate=_request_rate, method="POST", block=True)
@ratelimit(key=_email_key, group="portal.request", rate=_request_rate, method="POST", block=True)
def link_request(request: HttpRequest) -> HttpResponse:
    """Asks for a fresh link by e-mail. The answer is the same whether the address is known
    or not; only a known one gets an e-mail. Anyone can type an address here, so the new
    link does not revoke the old one: the old one stops working only when the new one is
    first opened (portal.services.newcomer_link_send). Rate-limited per client address and
    per e-mail address."""
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        newcomer = newcomer_find_by_email(email=form.cleaned_data["email"])
        if newcomer is not None and getattr(newcomer, "erased_at", None) is None:
            case = selectors.portal_case(newcomer=newcomer)
            if case is not None:
                services.newcomer_link_send(
                    newcomer=newcomer, case=case, actor=None, requested=True
                )
        return redirect("portal:request-sent")
    status = 400 if request.method == "POST" else 200
    return render(request, "portal/request.html", {"form": form}, status=status)


@private
@require_GET
def link_request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/request.html", {"sent": True})


@login_required
@require_POST
def staff_link_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk, manage=True)
    try:
        services.newcomer_link_send(newcomer=case.newcomer, case=case, actor=request.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(
            request,
            _("A new personal link is on its way to the newcomer; older ones stop working."),
        )
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def staff_link_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(user=request.user, pk=pk, manage=True)
    services.case_newcomer_link_revoke(case=case, actor=request.user)
    messages.success(request, _("The newcomer's personal link no longer works."))
    return redirect("cases:detail", pk=case.pk)
