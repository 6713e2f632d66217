"""The coordinators' administration screens. Each edit page binds its form, calls the
owning app's service and shows the object's change history (audit.history).

Coordinators and administrators (and superusers) may open them: `staff_access(...).sees_all`,
checked again by each service. Reply templates keep their screens in conversations, and
people theirs in accounts; the index links to them."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from administration import forms
from audit.history import history_for
from cases.models import Topic
from cases.topics import topic_save
from config.forms import form_add_service_errors
from config.http import AuthenticatedHttpRequest
from contacts.models import Organisation
from contacts.organisations import organisation_save
from contacts.selectors import staff_access
from onboarding import catalogue
from onboarding.models import LocalOffer, OnboardingTemplate, TemplateStep


def _require_coordinator(request: AuthenticatedHttpRequest) -> None:
    if not staff_access(request.user).sees_all:
        raise PermissionDenied


def _edit(
    request: AuthenticatedHttpRequest,
    *,
    form: BaseForm,
    save: Callable[[], Model],
    template: str,
    context: dict[str, Any],
    done: str,
    redirect_to: Callable[[Model], HttpResponse],
) -> HttpResponse:
    """One edit page: on a valid POST the service saves (its errors go on the form),
    the message says so and the browser moves on; else the page, 400 with errors."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ValidationError as exc:
            form_add_service_errors(form, exc)  # type: ignore[arg-type]
        else:
            messages.success(request, done)
            return redirect_to(saved)
    return render(request, template, {"form": form, **context}, status=400 if form.errors else 200)


@login_required
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    return render(request, "administration/index.html")


# --- Organisations ---------------------------------------------------------------------


@login_required
@require_GET
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    rows = [
        (organisation, _organisation_missing(organisation))
        for organisation in Organisation.objects.order_by("-is_active", "name")
    ]
    return render(request, "administration/organisation_list.html", {"rows": rows})


def _organisation_missing(organisation: Organisation) -> list[Any]:
    """Both texts are optional: one given in no language lacks no translation."""
    texts = {
        "descriptions": (_("Description"), organisation.descriptions),
        "opening_hours": (_("Opening hours"), organisation.opening_hours_texts),
    }
    return forms.texts_missing_by_language({k: v for k, v in texts.items() if v[1]})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    _require_coordinator(request)
    organisation = get_object_or_404(Organisation, pk=pk) if pk else None
    form = forms.OrganisationForm(request.POST or None, instance=organisation)
    return _edit(
        request,
        form=form,
        save=lambda: organisation_save(
            organisation=organisation,
            opening_hours=form.texts_of("opening_hours_texts"),
            descriptions=form.texts_of("descriptions"),
            actor=request.user,
            **{name: form.cleaned_data[name] for name in form.Meta.fields},
        ),
        template="administration/organisation_form.html",
        context={
            "object": organisation,
            "missing": _organisation_missing(organisation) if organisation else [],
            "history": history_for(organisation) if organisation else [],
        },
        done=_("The organisation is saved."),
        redirect_to=lambda saved: redirect("administration:organisation-edit", saved.pk),
    )


# --- Onboarding templates and steps ----------------------------------------------------


@login_required
@require_GET
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    templates = OnboardingTemplate.objects.prefetch_related("steps")
    rows = [
        (
            template,
            forms.texts_missing_by_language(
                {
                    "names": (_("Name"), template.names),
                    **{
                        f"step{step.pk}": (_("Step texts"), step.titles)
                        for step in template.steps.all()
                    },
                }
            ),
        )
        for template in templates
    ]
    return render(request, "administration/template_list.html", {"rows": rows})


def _template_missing(template: OnboardingTemplate) -> list[Any]:
    texts: dict[str, tuple[Any, dict[str, str] | None]] = {
        "names": (_("The template's name"), template.names)
    }
    for step in template.steps.all():
        texts[f"title{step.pk}"] = (_("Title: %(step)s") % {"step": step.title}, step.titles)
        texts[f"guidance{step.pk}"] = (
            _("Guidance: %(step)s") % {"step": step.title},
            step.guidances,
        )
    return forms.texts_missing_by_language(texts)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    _require_coordinator(request)
    template = get_object_or_404(OnboardingTemplate, pk=pk) if pk else None
    form = forms.TemplateForm(request.POST or None, instance=template)
    return _edit(
        request,
        form=form,
        save=lambda: catalogue.template_save(
            template=template,
            names=form.texts_of("names"),
            slug=form.cleaned_data["slug"],
            target_groups=form.cleaned_data["target_groups"],
            position=form.cleaned_data["position"],
            is_active=form.cleaned_data["is_active"],
            actor=request.user,
        ),
        template="administration/template_form.html",
        context={
            "object": template,
            "steps": template.steps.select_related("depends_on") if template else [],
            "missing": _template_missing(template) if template else [],
            "history": history_for(template, children=[TemplateStep]) if template else [],
        },
        done=_("The template is saved."),
        redirect_to=lambda saved: redirect("administration:template-edit", saved.pk),
    )


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(
    request: AuthenticatedHttpRequest, template_pk: int, pk: int | None = None
) -> HttpResponse:
    _require_coordinator(request)
    template = get_object_or_404(OnboardingTemplate, pk=template_pk)
    step = get_object_or_404(TemplateStep, pk=pk, template=template) if pk else None
    form = forms.StepForm(
        request.POST or None, instance=step or TemplateStep(template=template), template=template
    )
    return _edit(
        request,
        form=form,
        save=lambda: catalogue.template_step_save(
            step=step,
            template=template,
            titles=form.texts_of("titles"),
            guidances=form.texts_of("guidances"),
            fields={name: form.cleaned_data[name] for name in catalogue.STEP_FIELDS},
            actor=request.user,
        ),
        template="administration/step_form.html",
        context={
            "object": step,
            "template": template,
            "missing": forms.texts_missing_by_language(
                {"titles": (_("Title"), step.titles), "guidances": (_("Guidance"), step.guidances)}
            )
            if step
            else [],
            "history": history_for(step) if step else [],
        },
        done=_("The step is saved."),
        redirect_to=lambda saved: redirect("administration:template-edit", template.pk),
    )


@login_required
@require_POST
def step_delete(request: AuthenticatedHttpRequest, template_pk: int, pk: int) -> HttpResponse:
    _require_coordinator(request)
    step = get_object_or_404(TemplateStep, pk=pk, template_id=template_pk)
    catalogue.template_step_delete(step=step, actor=request.user)
    messages.success(request, _("The step is deleted. Plans already started keep it."))
    return redirect("administration:template-edit", template_pk)


# --- Local offers and events -----------------------------------------------------------


@login_required
@require_GET
def offer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    offers = LocalOffer.objects.select_related("municipality", "locality").order_by(
        "-is_active", "kind", "name"
    )
    rows = [
        (
            offer,
            forms.texts_missing_by_language({"d": (_("Description"), offer.descriptions)}),
        )
        for offer in offers
    ]
    return render(request, "administration/offer_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    _require_coordinator(request)
    offer = get_object_or_404(LocalOffer, pk=pk) if pk else None
    form = forms.OfferForm(request.POST or None, instance=offer)
    return _edit(
        request,
        form=form,
        save=lambda: catalogue.local_offer_save(
            offer=offer,
            descriptions=form.texts_of("descriptions"),
            fields={name: form.cleaned_data[name] for name in catalogue.OFFER_FIELDS},
            actor=request.user,
        ),
        template="administration/offer_form.html",
        context={
            "object": offer,
            "missing": forms.texts_missing_by_language(
                {"d": (_("Description"), offer.descriptions)}
            )
            if offer
            else [],
            "history": history_for(offer) if offer else [],
        },
        done=_("The offer is saved."),
        redirect_to=lambda saved: redirect("administration:offer-edit", saved.pk),
    )


# --- Topics ----------------------------------------------------------------------------


@login_required
@require_GET
def topic_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coordinator(request)
    rows = [
        (
            topic,
            forms.texts_missing_by_language(
                {"n": (_("Name"), {"nb": topic.name_nb, "en": topic.name_en, **topic.names})}
            ),
        )
        for topic in Topic.objects.all()
    ]
    return render(request, "administration/topic_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def topic_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    _require_coordinator(request)
    topic = get_object_or_404(Topic, pk=pk) if pk else None
    form = forms.TopicForm(request.POST or None, instance=topic)
    return _edit(
        request,
        form=form,
        save=lambda: topic_save(
            topic=topic,
            slug=form.cleaned_data["slug"],
            names=form.texts_of("names"),
            position=form.cleaned_data["position"],
            actor=request.user,
        ),
        template="administration/topic_form.html",
        context={"object": topic, "history": history_for(topic) if topic else []},
        done=_("The topic is saved."),
        redirect_to=lambda saved: redirect("administration:topic-list"),
    )
