"""What every API endpoint shares: the one error shape, the OpenAPI schema class, and input
serializers whose rules come from the Django forms the screens use.

Errors always look like this (see `exception_handler`):

    {"message": "<one translated sentence>", "code": "<machine code>",
     "errors": {"<field>": ["<translated message>", ...], "non_field_errors": [...]}}
"""

import logging
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django_ratelimit.exceptions import Ratelimited
from drf_spectacular import openapi
from drf_spectacular.utils import Direction
from rest_framework import exceptions, serializers, views
from rest_framework.response import Response

from config.forms import error_messages

logger = logging.getLogger(__name__)

# Ids are 64-bit; a bigger number can never name a row, so it is refused as input.
MAX_ID = 2**63 - 1
NON_FIELD = "non_field_errors"


# --- Errors -------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="A translated sentence for people.")
    code = serializers.CharField(help_text="A stable code for programs, e.g. `invalid`.")
    # DRF's metaclass takes declared fields off the class, so this one does not replace
    # Serializer.errors; django-stubs sees a class attribute.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field; `non_field_errors` for the request as a whole.",
    )


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors ({"topics": {0: [...]}}) as flat keys ("topics.0")."""
    if isinstance(errors, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            name = NON_FIELD if key in ("__all__", NON_FIELD) and not prefix else str(key)
            flat.update(_flatten(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(errors, list | tuple):
        if all(not isinstance(item, Mapping | list | tuple) for item in errors):
            return {prefix or NON_FIELD: [str(item) for item in errors]}
        flat = {}
        for index, item in enumerate(errors):
            if item:
                flat.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or NON_FIELD: [str(errors)]}


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            NON_FIELD if field == "__all__" else field: messages
            for field, messages in exc.message_dict.items()
        }
    return {NON_FIELD: exc.messages}


def server_error_body() -> dict[str, Any]:
    return {
        "message": _("Something went wrong on our side. Please try again later."),
        "code": "server_error",
        "errors": {},
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: a Django ValidationError from a service is a 400, a rate-limit
    refusal is a 429, and every error body has the one shape above."""
    if isinstance(exc, Ratelimited):  # a PermissionDenied subclass: test it first
        exc = exceptions.Throttled(detail=_("Too many requests. Please try again later."))
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=django_errors(exc))
    response = views.exception_handler(exc, context)
    if response is None:
        # A bug. Logged with its traceback as Django would, and answered in the one shape:
        # API clients parse every error body, a server error's included.
        logger.error("API server error", exc_info=exc)
        return Response(server_error_body(), status=500)
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "message": _("The request is not valid. See the errors for each field."),
            "code": "invalid",
            "errors": _flatten(response.data),
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        body = {
            "message": str(detail),
            "code": getattr(detail, "code", "error"),
            "errors": {},
        }
    response.data = body
    return response


# --- Schema -------------------------------------------------------------------------------


class AutoSchema(openapi.AutoSchema):
    """Names the nested `InputSerializer`/`OutputSerializer` of each API class after the
    class (`CaseDetailApi.OutputSerializer` -> `CaseDetailOutput`), and documents the error
    responses every endpoint may give, in the one error shape."""

    def get_serializer_name(self, serializer: serializers.Serializer, direction: Direction) -> str:
        parts = type(serializer).__qualname__.split(".")
        if len(parts) == 1:
            return super().get_serializer_name(serializer, direction)
        return "".join(part.removesuffix("Api").removesuffix("Serializer") for part in parts)

    def _error_codes(self) -> list[str]:
        codes = ["400", "429"]
        if self.view.get_authenticators():
            codes += ["401", "403", "404"]
        if self.method != "GET":
            codes += ["415"]
        return codes

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            responses.setdefault(
                code, self._get_response_for_code(ErrorSerializer, code, direction=direction)
            )
        return responses


# --- Inputs validated by the screens' forms -----------------------------------------------


def _choices(field: forms.ChoiceField) -> list[tuple[Any, Any]]:
    """The field's (value, label) pairs. Django normalises choices when they are set, to a
    list or (for a callable) a lazy iterator; django-stubs types reading them as anything
    that may be set, a callable or an enum class included."""
    choices: Iterable[tuple[Any, Any]] = field.choices  # type: ignore[assignment]
    return list(choices)


def _serializer_field(field: forms.Field) -> serializers.Field:
    """A serializer field that checks only the JSON type (and gives the schema); the form
    field it mirrors holds the rules."""
    optional = not field.required
    common: dict[str, Any] = {"required": field.required}
    if field.help_text:
        common["help_text"] = field.help_text
    id_field: dict[str, Any] = {"min_value": 1, "max_value": MAX_ID}
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(**id_field), **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(allow_null=optional, **id_field, **common)
    if isinstance(field, forms.MultipleChoiceField):
        child = serializers.ChoiceField(choices=_choices(field))
        return serializers.ListField(child=child, **common)
    if isinstance(field, forms.ChoiceField):
        choices = [choice for choice in _choices(field) if choice[0] != ""]
        return serializers.ChoiceField(
            choices=choices, allow_blank=optional, allow_null=optional, **common
        )
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(allow_null=optional, **common)
    if isinstance(field, forms.EmailField):
        return serializers.EmailField(
            max_length=field.max_length, allow_blank=optional, allow_null=optional, **common
        )
    if isinstance(field, forms.CharField):
        return serializers.CharField(
            max_length=field.max_length,
            allow_blank=optional,
            allow_null=optional,
            trim_whitespace=False,
            **common,
        )
    raise ImproperlyConfigured(f"No API field for {type(field).__name__}")


class FormInputSerializer(serializers.Serializer):
    """Input validated by a Django form, so each rule is written once, in `<app>/forms.py`.

    The fields are derived from `form_class` and check only the JSON types (a name must be
    a string, ids numbers, a consent true or false); `validate` then binds the form to the
    data and returns its `cleaned_data`, or raises its errors field by field. Fields
    declared on a subclass replace the derived ones; `form_data` may reshape the input.
    """

    form_class: ClassVar[type[forms.Form]]
    exclude: ClassVar[tuple[str, ...]] = ()

    def get_fields(self) -> dict[str, serializers.Field]:
        # An unbound form, not base_fields: forms may change fields in __init__ (the staff
        # form makes the e-mail address optional).
        fields = {
            name: _serializer_field(field)
            for name, field in self.form_class().fields.items()
            if name not in self.exclude
        }
        fields.update(super().get_fields())
        return fields

    def form_data(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        form = self.form_class(data=self.form_data(dict(attrs)))
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    NON_FIELD if field == "__all__" else field: error_messages(messages)
                    for field, messages in form.errors.items()
                }
            )
        return form.cleaned_data
