"""API for people and organisations."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from contacts.selectors import organisation_list, staff_display_name


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
