"""API for people and organisations."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import get_newcomer_for_user
from contacts.selectors import organisation_list, staff_display_name
from privacy.services import access_log_record


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes contacts.authentication.ApiTokenAuthentication in the OpenAPI schema."""

    target_class = "contacts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from /accounts/tokens/.",
        }


# --- Shared output shapes -------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    """A staff member as others see them: no e-mail address."""

    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user: Any) -> str:
        return staff_display_name(user)


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# --- Organisations ------------------------------------------------------------------------


class OrganisationListApi(ListAPIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField()
        kind = serializers.CharField()
        is_active = serializers.BooleanField()

    serializer_class = OutputSerializer

    def get_queryset(self) -> Any:
        return organisation_list()


# --- Newcomers ----------------------------------------------------------------------------


class NewcomerDetailApi(APIView):
    """A newcomer with their household, seen through a case the user may see."""

    class OutputSerializer(serializers.Serializer):
        class HouseholdMemberSerializer(serializers.Serializer):
            relation = serializers.CharField()
            name = serializers.CharField()
            birth_year = serializers.IntegerField(allow_null=True)

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

        id = serializers.IntegerField()
        name = serializers.CharField()
        email = serializers.CharField()
        phone = serializers.CharField()
        preferred_language = serializers.CharField()
        municipality = PlaceSerializer(allow_null=True)
        locality = PlaceSerializer(allow_null=True)
        planned_move_date = serializers.DateField(allow_null=True)
        moved_at = serializers.DateField(allow_null=True)
        lifecycle = serializers.CharField()
        target_group = serializers.CharField()
        occupation = serializers.CharField()
        partner_needs_work = serializers.BooleanField()
        partner_occupation = serializers.CharField()
        interests = serializers.CharField()
        heard_via = serializers.CharField()
        created_at = serializers.DateTimeField()
        household = HouseholdMemberSerializer(source="household_list", many=True)
        consents = ConsentSerializer(source="consents_active", many=True)
        cases = CaseRefSerializer(source="cases_visible", many=True)

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        newcomer = get_newcomer_for_user(user=request.user, pk=pk)
        access_log_record(user=request.user, action="open", obj=newcomer)
        return Response(self.OutputSerializer(newcomer).data)
