"""The recruitment-needs API, for the business association's own tools: one class per
operation, reading through jobs.selectors (an employer's members see only its needs) and
writing through jobs.services. Input is checked by the screens' form (jobs.forms.NeedForm),
so each rule is written once."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import MAX_ID
from config.forms import error_messages
from config.http import AuthenticatedRequest
from contacts.api import OrganisationRefSerializer
from jobs import selectors, services
from jobs.filters import NeedFilter
from jobs.forms import NeedCloseForm, NeedForm
from jobs.models import NorwegianLevel, RecruitmentNeed


class NeedOutputSerializer(serializers.Serializer):
    class PlaceSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()

    class OccupationSerializer(serializers.Serializer):
        code = serializers.CharField()
        title_nb = serializers.CharField()
        title_en = serializers.CharField()

    id = serializers.IntegerField()
    employer = OrganisationRefSerializer()
    occupation = OccupationSerializer()
    positions = serializers.IntegerField()
    municipality = PlaceSerializer()
    locality = PlaceSerializer(allow_null=True)
    norwegian_level = serializers.ChoiceField(choices=NorwegianLevel.choices)
    starts_on = serializers.DateField(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_email = serializers.CharField()
    state = serializers.ChoiceField(choices=RecruitmentNeed.State.choices)
    filled_at = serializers.DateTimeField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "RecruitmentNeed"


class _NeedInput(serializers.Serializer):
    """The JSON types; the rules are NeedForm's (`_form_clean`)."""

    occupation = serializers.CharField(max_length=4, help_text="An ISCO-08 code, e.g. 7411.")
    positions = serializers.IntegerField(min_value=1, max_value=999, required=False)
    municipality = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    locality = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, allow_null=True, required=False
    )
    norwegian_level = serializers.ChoiceField(choices=NorwegianLevel.choices, required=False)
    starts_on = serializers.DateField(allow_null=True, required=False)
    deadline = serializers.DateField(allow_null=True, required=False)
    contact_name = serializers.CharField(max_length=200)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


def _form_clean(form: NeedForm) -> dict[str, Any]:
    if not form.is_valid():
        raise serializers.ValidationError(
            {name: error_messages(errors) for name, errors in form.errors.items()}
        )
    return dict(form.cleaned_data)


def _response(need: RecruitmentNeed, code: int = status.HTTP_200_OK) -> Response:
    return Response(NeedOutputSerializer(need).data, status=code)


class NeedListApi(ListAPIView):
    """The needs the caller may see (an employer's members: their own), filtered by state,
    occupation group (a one- or two-digit ISCO code) and municipality."""

    serializer_class = NeedOutputSerializer
    filterset_class = NeedFilter

    def get_queryset(self) -> QuerySet[RecruitmentNeed]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular builds the schema
            return RecruitmentNeed.objects.none()
        if not selectors.need_can_record(user=self.request.user):
            raise PermissionDenied
        return selectors.need_list_visible(user=self.request.user).order_by("-created_at", "-pk")


class NeedCreateApi(APIView):
    """Records a need for `employer` (one of the caller's employers; a coordinator: any)."""

    class InputSerializer(_NeedInput):
        employer = serializers.IntegerField(min_value=1, max_value=MAX_ID)

    @extend_schema(request=InputSerializer, responses={201: NeedOutputSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        if not selectors.need_can_record(user=request.user):
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _form_clean(NeedForm(data=serializer.validated_data, user=request.user))
        need = services.need_create(**data, actor=request.user)
        return _response(need, status.HTTP_201_CREATED)


class NeedDetailApi(APIView):
    @extend_schema(responses=NeedOutputSerializer)
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return _response(selectors.get_need_for_user(user=request.user, pk=pk))


class NeedUpdateApi(APIView):
    """Changes the fields given; the others stay. A closed need is not changed (400)."""

    class InputSerializer(_NeedInput):
        pass

    @extend_schema(request=InputSerializer, responses=NeedOutputSerializer)
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        need = selectors.get_need_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {**NeedForm.initial_for(need), **serializer.validated_data}
        cleaned = _form_clean(NeedForm(data=data, user=request.user, editing=True))
        changes = {name: cleaned[name] for name in serializer.validated_data}
        services.need_update(need=need, actor=request.user, **changes)
        return _response(need)


class NeedCloseApi(APIView):
    """Closes the need as `filled` or `withdrawn`."""

    class InputSerializer(serializers.Serializer):
        state = serializers.ChoiceField(
            choices=[RecruitmentNeed.State.FILLED, RecruitmentNeed.State.WITHDRAWN]
        )

    @extend_schema(request=InputSerializer, responses=NeedOutputSerializer)
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        need = selectors.get_need_for_user(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        form = NeedCloseForm(data=serializer.validated_data)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        services.need_close(need=need, state=form.cleaned_data["state"], actor=request.user)
        return _response(need)
