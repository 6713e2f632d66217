"""The conversation on a case over the API: one class per operation, fetching through the
visibility selectors and sending through the same service as the composer."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import get_case_for_user
from config.api import FormInputSerializer
from config.http import AuthenticatedRequest
from contacts.api import PersonSerializer
from conversations import selectors, services
from conversations.forms import MessageForm
from conversations.models import CaseMessage
from outbox.models import OutboundEmail


class MessageOutputSerializer(serializers.Serializer):
    class AttachmentSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        filename = serializers.CharField()
        mimetype = serializers.CharField()
        size = serializers.IntegerField()

    id = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=CaseMessage.Direction.choices)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    author = PersonSerializer(allow_null=True, help_text="Who wrote an outgoing message.")
    sender = serializers.CharField(help_text="The From address of an incoming message.")
    sender_known = serializers.BooleanField(
        help_text="False when an incoming message came from another address than the newcomer's."
    )
    sender_authenticated = serializers.BooleanField(
        allow_null=True,
        help_text="Whether the receiving mail server's DMARC result vouched for the sender's "
        "address (CONVERSATIONS_SENDER_CHECK=dmarc); null when not checked.",
    )
    full_text = serializers.CharField(
        help_text="An incoming message as it arrived, quoted history included; `body` is the "
        "reply alone."
    )
    delivery = serializers.ChoiceField(
        source="email.status",
        choices=OutboundEmail.Status.choices,
        allow_null=True,
        default=None,
        help_text="The outbox state of an outgoing message; null for incoming ones.",
    )
    attachments = AttachmentSerializer(source="attachments.all", many=True)


def _fake(view: APIView) -> bool:
    """True while drf-spectacular builds the schema without a real user or case."""
    return getattr(view, "swagger_fake_view", False)


class MessageListApi(ListAPIView):
    """The e-mails on the case in both directions, newest first."""

    serializer_class = MessageOutputSerializer

    def get_queryset(self) -> QuerySet[CaseMessage]:
        if _fake(self):
            return CaseMessage.objects.none()
        case = get_case_for_user(user=self.request.user, pk=self.kwargs["pk"])
        return selectors.message_list_for_case(case=case)


class MessageSendApi(APIView):
    """E-mails a message to the case's newcomer, like the composer on the case page: for
    those who manage the case; counts as the first response, and `then_wait` sets the
    case to waiting for the newcomer."""

    class InputSerializer(FormInputSerializer):
        form_class = MessageForm

    @extend_schema(request=InputSerializer, responses={201: MessageOutputSerializer})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        case = get_case_for_user(user=request.user, pk=pk, manage=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        message = services.message_send(case=case, actor=request.user, **data)
        return Response(MessageOutputSerializer(message).data, status=status.HTTP_201_CREATED)
