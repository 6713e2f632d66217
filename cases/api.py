"""The cases API: one class per operation, each fetching through the visibility selectors
and writing through the services, like the staff screens. Inputs are validated by the same
Django forms as the screens (config.api.FormInputSerializer)."""

from collections.abc import Sequence
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django_ratelimit.core import is_ratelimited
from django_ratelimit.exceptions import Ratelimited
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import handling, paging, selectors, services
from cases.filters import CaseFilter
from cases.forms import (
    MAX_CHILDREN,
    FollowUpForm,
    IntakeForm,
    NoteForm,
    OrganisationForm,
    OwnerForm,
    PriorityForm,
    ShareForm,
    StaffEnquiryForm,
    StatusForm,
)
from cases.models import Case, CaseEvent, FollowUp, Note, Topic
from cases.timeline import timeline_entries
from config.api import MAX_ID, FormInputSerializer
from config.forms import error_messages
from config.http import AuthenticatedRequest
from contacts.api import OrganisationRefSerializer, PersonSerializer
from contacts.selectors import staff_access
from contacts.services import newcomer_access_log

# The HTML intake's django-ratelimit group: one limit per address across the form and the
# API, so a client cannot double its rate by using both doors.
INTAKE_RATE_GROUP = "cases.views.intake"


class TopicSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField(help_text="In the language of the request.")


class _EnquiryInput(FormInputSerializer):
    """An enquiry: birth years are a list of numbers in JSON, a comma-separated text on
    the form."""

    children_birth_years = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=9999),
        required=False,
        max_length=MAX_CHILDREN,
    )

    def form_data(self, attrs: dict[str, Any]) -> dict[str, Any]:
        years = attrs.get("children_birth_years")
        if years is not None:
            attrs["children_birth_years"] = ", ".join(str(year) for year in years)
        return attrs


def _fake(view: APIView) -> bool:
    """True while drf-spectacular builds the schema without a real user or case."""
    return getattr(view, "swagger_fake_view", False)


# --- Cases --------------------------------------------------------------------------------


class CaseListApi(ListAPIView):
    """Visible cases, filtered, searched and sorted like the case list screen (CaseFilter)."""

    class OutputSerializer(serializers.Serializer):
        class NewcomerSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            name = serializers.CharField()

        id = serializers.IntegerField()
        reference = serializers.CharField()
        status = serializers.ChoiceField(choices=Case.Status.choices)
        priority = serializers.ChoiceField(choices=Case.Priority.choices)
        channel = serializers.ChoiceField(choices=Case.Channel.choices)
        created_at = serializers.DateTimeField()
        newcomer = NewcomerSerializer()
        owner = PersonSerializer(allow_null=True)
        responsible_organisation = OrganisationRefSerializer(allow_null=True)
        topics = TopicSerializer(source="topics.all", many=True)
        has_overdue = serializers.BooleanField(
            help_text="An open follow-up is past its date, on a case not closed."
        )

    serializer_class = OutputSerializer
    filterset_class = CaseFilter

    def get_queryset(self) -> QuerySet[Case]:
        return paging.case_list_for_paging(user=self.request.user)

    def paginate_queryset(self, queryset: QuerySet[Any, Any] | Sequence[Any]) -> list[Any] | None:
        # The filters and the paginator work on the bare visible cases, and one page's
        # rows are read by their keys (selectors.case_rows_for_api says why). The rule of
        # who may see what applies once, to the keys, as on the list screen
        # (config.pagination.CappedPaginator).
        cases = cast(QuerySet[Case], queryset)  # get_queryset's, filtered
        keys = super().paginate_queryset(cases.values_list("pk", flat=True))
        if keys is None:  # never: every list is paged (config.drf.Pagination)
            raise ImproperlyConfigured("The case list reads its rows by page.")
        return selectors.case_rows_for_api(keys=keys, today=timezone.localdate())


class CaseDetailApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        reference = serializers.CharField()
        status = serializers.ChoiceField(choices=Case.Status.choices)
        closing_reason = serializers.CharField()
        priority = serializers.ChoiceField(choices=Case.Priority.choices)
        channel = serializers.ChoiceField(choices=Case.Channel.choices)
        message = serializers.CharField()
        created_at = serializers.DateTimeField()
        first_response_at = serializers.DateTimeField(allow_null=True)
        closed_at = serializers.DateTimeField(allow_null=True)
        newcomer = CaseListApi.OutputSerializer.NewcomerSerializer()
        owner = PersonSerializer(allow_null=True)
        responsible_organisation = OrganisationRefSerializer(allow_null=True)
        shared_with = serializers.SerializerMethodField()
        topics = TopicSerializer(source="topics.all", many=True)
        can_manage = serializers.SerializerMethodField()

        @extend_schema_field(OrganisationRefSerializer(many=True))
        def get_shared_with(self, case: Case) -> list[dict[str, Any]]:
            organisations = selectors.case_shared_organisations(case=case)
            # A list: drf-stubs types `.data` as a dict even with many=True.
            return OrganisationRefSerializer(organisations, many=True).data  # type: ignore[return-value]

        def get_can_manage(self, case: Case) -> bool:
            return selectors.case_can_manage(user=self.context["request"].user, case=case)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = selectors.get_case_for_user(user=request.user, pk=pk)
        services.case_access_log(user=request.user, action="open", case=case)
        return Response(self.OutputSerializer(case, context={"request": request}).data)


def _case_response(request: Request, case: Case, code: int = status.HTTP_200_OK) -> Response:
    data = CaseDetailApi.OutputSerializer(case, context={"request": request}).data
    return Response(data, status=code)


class CaseCreateApi(APIView):
    """Records an enquiry that came by phone, e-mail or at an event (staff members only)."""

    class InputSerializer(_EnquiryInput):
        form_class = StaffEnquiryForm

    @extend_schema(request=InputSerializer, responses={201: CaseDetailApi.OutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        if not staff_access(request.user).is_staff_member:
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("consent")
        case = services.intake_submit(**data, actor=request.user)
        return _case_response(request, case, status.HTTP_201_CREATED)


class CaseUpdateApi(APIView):
    """Changes the priority and/or the responsible organisation; fields left out stay."""

    class InputSerializer(serializers.Serializer):
        priority = serializers.ChoiceField(choices=Case.Priority.choices, required=False)
        responsible_organisation = serializers.IntegerField(
            min_value=1, max_value=MAX_ID, allow_null=True, required=False
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            # The rules are the screens' forms; only the field names differ.
            cleaned: dict[str, Any] = {}
            errors: dict[str, list[str]] = {}
            for api_name, form_class, form_name in (
                ("priority", PriorityForm, "priority"),
                ("responsible_organisation", OrganisationForm, "organisation"),
            ):
                if api_name not in attrs:
                    continue
                form = form_class(data={form_name: attrs[api_name]})
                if form.is_valid():
                    cleaned[api_name] = form.cleaned_data[form_name]
                else:
                    errors[api_name] = error_messages(form.errors[form_name])
            if errors:
                raise serializers.ValidationError(errors)
            return cleaned

    @extend_schema(request=InputSerializer, responses=CaseDetailApi.OutputSerializer)
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.case_update(case=case, actor=request.user, **serializer.validated_data)
        return _case_response(request, case)


class CaseAssignApi(APIView):
    """Gives the case to a staff member, or to nobody with `"owner": null`."""

    class InputSerializer(FormInputSerializer):
        form_class = OwnerForm
        owner = serializers.IntegerField(min_value=1, max_value=MAX_ID, allow_null=True)

    @extend_schema(request=InputSerializer, responses={200: CaseDetailApi.OutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        owner = serializer.validated_data["owner"]
        services.case_assign_owner(case=case, owner=owner, actor=request.user)
        return _case_response(request, case)


class CaseTakeApi(APIView):
    """ "Take this case": the user becomes the owner, and their organisation responsible
    where the consent allows (cases.handling.case_take). For whoever may manage the case
    (cases.selectors.case_can_take): those who see every case, and the members of its
    responsible organisation; others get 403."""

    @extend_schema(request=None, responses={200: CaseDetailApi.OutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = selectors.get_case_for_user(user=request.user, pk=pk)
        handling.case_take(case=case, actor=request.user)
        return _case_response(request, case)


class CaseStatusApi(APIView):
    """Changes the status; closing needs a `closing_reason`."""

    class InputSerializer(FormInputSerializer):
        form_class = StatusForm

    @extend_schema(request=InputSerializer, responses={200: CaseDetailApi.OutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.case_change_status(case=case, actor=request.user, **serializer.validated_data)
        return _case_response(request, case)


class CaseShareApi(APIView):
    """Shares the case with an organisation the newcomer's consent covers."""

    class InputSerializer(FormInputSerializer):
        form_class = ShareForm

    @extend_schema(request=InputSerializer, responses={200: CaseDetailApi.OutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = serializer.validated_data["organisation"]
        services.case_share(case=case, organisation=organisation, actor=request.user)
        return _case_response(request, case)


class CaseUnshareApi(APIView):
    class InputSerializer(FormInputSerializer):
        form_class = ShareForm

    @extend_schema(request=InputSerializer, responses={200: CaseDetailApi.OutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = serializer.validated_data["organisation"]
        services.case_unshare(case=case, organisation=organisation, actor=request.user)
        return _case_response(request, case)


# --- Notes --------------------------------------------------------------------------------


class NoteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()
    visibility = serializers.ChoiceField(choices=Note.Visibility.choices)
    author = PersonSerializer()
    organisation = OrganisationRefSerializer(
        allow_null=True, help_text="The author's organisation when the note was written."
    )
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Note"


class NoteListApi(ListAPIView):
    """The case's notes, without the confidential notes of other organisations."""

    serializer_class = NoteOutputSerializer

    def get_queryset(self) -> QuerySet[Note]:
        if _fake(self):
            return Note.objects.none()
        case = selectors.get_case_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.note_list_visible(user=self.request.user, case=case)


class NoteAddApi(APIView):
    """Adds a note; anyone who sees the case may. A confidential note is for the author's
    organisation only."""

    class InputSerializer(FormInputSerializer):
        form_class = NoteForm

    @extend_schema(request=InputSerializer, responses={201: NoteOutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = selectors.get_case_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.note_add(case=case, actor=request.user, **serializer.validated_data)
        return Response(NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


# --- Follow-ups ---------------------------------------------------------------------------


class FollowUpOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    title = serializers.CharField()
    assignee = PersonSerializer()
    due_date = serializers.DateField()
    created_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = PersonSerializer(allow_null=True)

    class Meta:
        ref_name = "FollowUp"


class FollowUpListApi(ListAPIView):
    """The case's follow-ups, open ones first by due date."""

    serializer_class = FollowUpOutputSerializer

    def get_queryset(self) -> QuerySet[FollowUp]:
        if _fake(self):
            return FollowUp.objects.none()
        case = selectors.get_case_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.followup_list_for_case(case=case)


class FollowUpMineApi(ListAPIView):
    """The signed-in user's open follow-ups on cases they can see, earliest due first."""

    serializer_class = FollowUpOutputSerializer

    def get_queryset(self) -> QuerySet[FollowUp]:
        return selectors.my_followups_open(user=self.request.user).select_related(
            "assignee", "done_by"
        )


class FollowUpAddApi(APIView):
    class InputSerializer(FormInputSerializer):
        form_class = FollowUpForm

    @extend_schema(request=InputSerializer, responses={201: FollowUpOutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = selectors.get_case_for_user(user=request.user, pk=pk, manage=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        followup = services.followup_add(case=case, actor=request.user, **serializer.validated_data)
        return Response(FollowUpOutputSerializer(followup).data, status=status.HTTP_201_CREATED)


class FollowUpCompleteApi(APIView):
    """Marks a follow-up done: its assignee or someone who manages the case may. Completing
    it again changes nothing."""

    @extend_schema(request=None, responses={200: FollowUpOutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int, followup_pk: int) -> Response:
        case = selectors.get_case_for_user(user=request.user, pk=pk)
        followup = selectors.get_followup_for_case(case=case, pk=followup_pk)
        if not selectors.followup_can_complete(user=request.user, followup=followup):
            raise PermissionDenied
        followup = services.followup_complete(followup=followup, actor=request.user)
        followup = selectors.get_followup_for_case(case=case, pk=followup.pk)
        return Response(FollowUpOutputSerializer(followup).data)


# --- Timeline -----------------------------------------------------------------------------


class CaseTimelineApi(ListAPIView):
    """The case's timeline, newest first, without confidential notes the user may not read.
    `data` holds ids and codes; `text` says the same in words, in the request's language."""

    class OutputSerializer(serializers.Serializer):
        class NoteSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            body = serializers.CharField()
            visibility = serializers.ChoiceField(choices=Note.Visibility.choices)

        id = serializers.IntegerField(source="event.pk")
        kind = serializers.CharField(source="event.kind")
        text = serializers.CharField()
        actor = PersonSerializer(source="event.actor", allow_null=True)
        created_at = serializers.DateTimeField()
        # Not Serializer.data: DRF's metaclass takes declared fields off the class.
        data = serializers.JSONField(source="event.data")  # type: ignore[assignment]
        note = NoteSerializer(allow_null=True)
        followup = serializers.IntegerField(source="event.followup_id", allow_null=True)

    serializer_class = OutputSerializer

    def get_queryset(self) -> QuerySet[CaseEvent]:
        if _fake(self):
            return CaseEvent.objects.none()
        case = selectors.get_case_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.case_timeline_visible(user=self.request.user, case=case)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Names are looked up for one page of events at a time (two batch queries).
        page = self.paginate_queryset(self.get_queryset())
        entries = timeline_entries(list(page or []))
        return self.get_paginated_response(self.OutputSerializer(entries, many=True).data)


# --- Topics -------------------------------------------------------------------------------


class TopicListApi(ListAPIView):
    serializer_class = TopicSerializer

    def get_queryset(self) -> QuerySet[Topic]:
        return Topic.objects.order_by("position", "slug")


# --- Public intake ------------------------------------------------------------------------


class IntakeApi(APIView):
    """The public enquiry form as JSON, for the region's portal: the same fields, rules,
    consent and rate limit as `/intake/`. Answers with the case reference; the receipt
    e-mail goes out as for the form."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    class InputSerializer(_EnquiryInput):
        form_class = IntakeForm
        exclude = ("website",)  # the form's honeypot is for bots on the HTML page

    class OutputSerializer(serializers.Serializer):
        reference = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer})
    def post(self, request: Request) -> Response:
        if is_ratelimited(
            request,
            group=INTAKE_RATE_GROUP,
            key="ip",
            rate=settings.INTAKE_RATE_LIMIT,
            method="POST",
            increment=True,
        ):
            raise Ratelimited
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("consent")
        data.pop("website", None)
        case = services.intake_submit(**data)
        return Response(
            self.OutputSerializer({"reference": case.reference}).data,
            status=status.HTTP_201_CREATED,
        )


# --- Newcomers (seen through a case the user may see) -------------------------------------


class NewcomerDetailApi(APIView):
    """A newcomer with their household, seen through a case the user may see."""

    class OutputSerializer(serializers.Serializer):
        class HouseholdMemberSerializer(serializers.Serializer):
            relation = serializers.CharField()
            name = serializers.CharField()
            birth_year = serializers.IntegerField(allow_null=True)
            occupation = serializers.CharField()
            occupation_code = serializers.CharField(
                source="occupation_code_id",
                allow_null=True,
                help_text="ISCO-08/STYRK-08 code set by staff; null: not coded.",
            )

        class ConsentSerializer(serializers.Serializer):
            scope = serializers.CharField()
            text_version = serializers.CharField()
            given_at = serializers.DateTimeField()

        class CaseRefSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            reference = serializers.CharField()
            status = serializers.CharField()

        class PlaceSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            name = serializers.CharField()

        id = serializers.IntegerField(source="newcomer.id")
        name = serializers.CharField(source="newcomer.name")
        email = serializers.CharField(source="newcomer.email")
        email_failing_since = serializers.DateTimeField(
            source="newcomer.email_failing_since",
            allow_null=True,
            help_text="When an e-mail to this address first bounced; null: none has.",
        )
        phone = serializers.CharField(source="newcomer.phone")
        preferred_language = serializers.CharField(source="newcomer.preferred_language")
        municipality = PlaceSerializer(source="newcomer.municipality", allow_null=True)
        locality = PlaceSerializer(source="newcomer.locality", allow_null=True)
        planned_move_date = serializers.DateField(
            source="newcomer.planned_move_date", allow_null=True
        )
        moved_at = serializers.DateField(source="newcomer.moved_at", allow_null=True)
        lifecycle = serializers.CharField(source="newcomer.lifecycle")
        target_group = serializers.CharField(source="newcomer.target_group")
        occupation = serializers.CharField(source="newcomer.occupation")
        occupation_code = serializers.CharField(
            source="newcomer.occupation_code_id",
            allow_null=True,
            help_text="ISCO-08/STYRK-08 code of `occupation`, set by staff; null: not coded.",
        )
        partner_needs_work = serializers.BooleanField(source="newcomer.partner_needs_work")
        partner_occupation = serializers.CharField(source="newcomer.partner_occupation")
        interests = serializers.CharField(source="newcomer.interests")
        heard_via = serializers.CharField(source="newcomer.heard_via")
        created_at = serializers.DateTimeField(source="newcomer.created_at")
        household = HouseholdMemberSerializer(many=True)
        consents = ConsentSerializer(source="consents_active", many=True)
        cases = CaseRefSerializer(source="cases_visible", many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        detail = selectors.newcomer_detail_for_user(user=request.user, pk=pk)
        newcomer_access_log(user=request.user, action="open", newcomer=detail.newcomer)
        return Response(self.OutputSerializer(detail).data)
