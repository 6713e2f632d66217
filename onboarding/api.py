"""The onboarding API: a case's plan and its steps (list, complete, skip) and welcome packs
(send, list, download). One class per operation, like cases.api: the case is fetched
through cases.selectors (invisible: 404; a change the role does not allow: 403), steps are
completed by whoever onboarding.selectors.step_can_complete allows, and every write goes
through onboarding.services."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import get_case_for_user
from cases.services import case_access_log
from config.api import FormInputSerializer
from config.http import AuthenticatedRequest
from contacts.api import OrganisationRefSerializer, PersonSerializer
from onboarding import assignment, selectors, services
from onboarding.forms import StepReassignForm, StepSkipForm
from onboarding.models import OnboardingPlan, PlanStep, TemplateStep, WelcomePack
from onboarding.pdf import render_welcome_pack


def _fake(view: APIView) -> bool:
    """True while drf-spectacular builds the schema without a real user or case."""
    return getattr(view, "swagger_fake_view", False)


def _plan(request: Request, pk: int, *, manage: bool = False) -> OnboardingPlan:
    """The case's plan: 404 when the case is not visible or has no plan."""
    case = get_case_for_user(user=request.user, pk=pk, manage=manage)
    plan = selectors.plan_for_case(case=case)
    if plan is None:
        raise Http404
    plan.case = case  # already loaded, with what the access checks need
    return plan


def _step(request: Request, pk: int, step_pk: int, *, manage: bool = False) -> PlanStep:
    """A step of the case's plan: 404 unless the case is visible and the step is its."""
    case = get_case_for_user(user=request.user, pk=pk, manage=manage)
    step = (
        PlanStep.objects.select_related("plan", "depends_on", "organisation", "assignee")
        .select_related("done_by")
        .filter(pk=step_pk, plan__case=case)
        .first()
    )
    if step is None:
        raise Http404
    step.plan.case = case
    return step


# --- Plans and steps ----------------------------------------------------------------------


class PlanStepOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="In the language of the request (bokmål or English).")
    guidance = serializers.CharField()
    source_url = serializers.CharField(help_text="The official source of the step's facts.")
    doer = serializers.ChoiceField(choices=TemplateStep.Doer.choices)
    organisation = OrganisationRefSerializer(allow_null=True)
    assignee = PersonSerializer(allow_null=True)
    due_date = serializers.DateField()
    depends_on = serializers.IntegerField(
        source="depends_on_id", allow_null=True, help_text="The step this one waits for."
    )
    status = serializers.ChoiceField(choices=PlanStep.Status.choices)
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = PersonSerializer(allow_null=True)
    skip_reason = serializers.CharField()
    is_overdue = serializers.SerializerMethodField()
    can_complete = serializers.SerializerMethodField()

    class Meta:
        ref_name = "PlanStep"

    def get_is_overdue(self, step: PlanStep) -> bool:
        return step.is_overdue(timezone.localdate())

    def get_can_complete(self, step: PlanStep) -> bool:
        return selectors.step_can_complete(user=self.context["request"].user, step=step)


class PlanDetailApi(APIView):
    """The case's onboarding plan with its progress and every step (a plan has tens of
    steps, so they come in one response). 404 when the case has no plan."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        case = serializers.IntegerField(source="case_id")
        template = serializers.CharField(allow_null=True, help_text="The template's name.")
        move_date = serializers.DateField()
        from_abroad = serializers.BooleanField()
        eu_eea = serializers.BooleanField()
        nordic = serializers.BooleanField()
        long_stay = serializers.BooleanField()
        importing_car = serializers.BooleanField()
        started_at = serializers.DateTimeField()
        done = serializers.IntegerField(help_text="Steps done.")
        applicable = serializers.IntegerField(help_text="Steps not skipped.")
        steps = PlanStepOutputSerializer(many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        plan = _plan(request, pk)
        steps = list(selectors.plan_steps(plan=plan).select_related("done_by"))
        for step in steps:
            step.plan = plan
        data = {
            "id": plan.pk,
            "case_id": plan.case_id,
            "template": plan.template.name if plan.template else None,
            "move_date": plan.move_date,
            "from_abroad": plan.from_abroad,
            "eu_eea": plan.eu_eea,
            "nordic": plan.nordic,
            "long_stay": plan.long_stay,
            "importing_car": plan.importing_car,
            "started_at": plan.started_at,
            "done": sum(1 for s in steps if s.status == PlanStep.Status.DONE),
            "applicable": sum(1 for s in steps if s.status != PlanStep.Status.SKIPPED),
            "steps": steps,
        }
        return Response(self.OutputSerializer(data, context={"request": request}).data)


class PlanStepListApi(ListAPIView):
    """The plan's steps, soonest due first, in pages."""

    serializer_class = PlanStepOutputSerializer

    def get_queryset(self) -> QuerySet[PlanStep]:
        if _fake(self):
            return PlanStep.objects.none()
        plan = _plan(self.request, self.kwargs["pk"])
        return (
            selectors.plan_steps(plan=plan)
            .select_related("done_by", "plan__case")
            .order_by("due_date", "position", "pk")
        )


class PlanStepCompleteApi(APIView):
    """Marks a step done: whoever manages the case, the step's assignee, or a member of the
    step's organisation may. A step that waits for an open step is refused (400);
    completing a closed step changes nothing."""

    @extend_schema(request=None, responses={200: PlanStepOutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int, step_pk: int) -> Response:
        step = _step(request, pk, step_pk)
        if not selectors.step_can_complete(user=request.user, step=step):
            raise PermissionDenied
        step = services.step_complete(step=step, actor=request.user)
        return Response(PlanStepOutputSerializer(step, context={"request": request}).data)


class PlanStepSkipApi(APIView):
    """Skips a step with a reason (those who manage the case)."""

    class InputSerializer(FormInputSerializer):
        form_class = StepSkipForm

    @extend_schema(request=InputSerializer, responses={200: PlanStepOutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int, step_pk: int) -> Response:
        step = _step(request, pk, step_pk, manage=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = services.step_skip(step=step, actor=request.user, **serializer.validated_data)
        return Response(PlanStepOutputSerializer(step, context={"request": request}).data)


class PlanStepReassignApi(APIView):
    """Gives a step to an organisation's queue and/or a person (those who manage the case).
    A person who cannot see the case gets it shared with their organisation when the
    newcomer's consent covers it; otherwise 400, naming the consent (cases.assignment)."""

    class InputSerializer(FormInputSerializer):
        form_class = StepReassignForm

    @extend_schema(request=InputSerializer, responses={200: PlanStepOutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int, step_pk: int) -> Response:
        step = _step(request, pk, step_pk, manage=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = assignment.step_reassign(step=step, actor=request.user, **serializer.validated_data)
        return Response(PlanStepOutputSerializer(step, context={"request": request}).data)


# --- Welcome packs ------------------------------------------------------------------------


class WelcomePackOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    language = serializers.CharField()
    status = serializers.ChoiceField(choices=WelcomePack.Status.choices)
    created_by = PersonSerializer()
    created_at = serializers.DateTimeField()
    queued_at = serializers.DateTimeField(
        allow_null=True, help_text="When the e-mail with the pack went to the outbox."
    )

    class Meta:
        ref_name = "WelcomePack"


class WelcomePackListApi(ListAPIView):
    """The welcome packs sent for the case, newest first."""

    serializer_class = WelcomePackOutputSerializer

    def get_queryset(self) -> QuerySet[WelcomePack]:
        if _fake(self):
            return WelcomePack.objects.none()
        case = get_case_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return case.welcome_packs.select_related("created_by").order_by("-created_at", "-pk")


class WelcomePackSendApi(APIView):
    """Builds the newcomer's welcome pack in their language and e-mails it, in the
    background (those who manage the case). 400 when the newcomer has no e-mail address."""

    @extend_schema(request=None, responses={201: WelcomePackOutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = get_case_for_user(user=request.user, pk=pk, manage=True)
        pack = services.welcome_pack_request(case=case, actor=request.user)
        pack.refresh_from_db()  # built already when tasks run in-process
        return Response(WelcomePackOutputSerializer(pack).data, status=status.HTTP_201_CREATED)


class _JsonErrorsOnly(BaseContentNegotiation):
    """The PDF is returned as is; whatever the client accepts, errors are JSON in the one
    error shape (DRF would refuse `Accept: application/pdf` with a 406)."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class WelcomePackDownloadApi(APIView):
    """The welcome pack as a PDF, built now, in the newcomer's language or the one asked
    for (anyone who sees the case)."""

    content_negotiation_class = _JsonErrorsOnly

    class InputSerializer(serializers.Serializer):
        language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "language",
                str,
                enum=[code for code, _name in settings.LANGUAGES],
                required=False,
                description="Default: the newcomer's preferred language.",
            )
        ],
        responses={(200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY)},
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        case = get_case_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        language = serializer.validated_data.get("language") or case.newcomer.preferred_language
        content = render_welcome_pack(case=case, language=language)
        case_access_log(user=request.user, action="pdf", case=case)  # as the screen does
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="welcome-pack-{case.reference}-{language}.pdf"'
        )
        return response
