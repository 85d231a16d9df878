"""`/me/integrations/trakt`: connect a Trakt account (the device flow), read the link's state, disconnect."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import authenticated_user
from core.api.caching import CachePolicy
from core.api.schema import errors
from integrations.clients.trakt import trakt_configured
from integrations.models import TraktConnection
from integrations.trakt import trakt_connect, trakt_disconnect, trakt_status

NOT_CONNECTED = "not_connected"
TRAKT_STATES = (NOT_CONNECTED, *TraktConnection.State.values)


class TraktConnectInputSerializer(serializers.Serializer):
    push = serializers.BooleanField(
        required=False, default=True, help_text=_("Send our marks to Trakt too (default true).")
    )


class TraktStatusOutputSerializer(serializers.Serializer):
    available = serializers.BooleanField(
        help_text="Whether this server has a Trakt API app (TRAKT_CLIENT_ID)."
    )
    state = serializers.ChoiceField(
        choices=TRAKT_STATES,
        help_text="`pending`: enter `user_code` at `verification_url`; `vip_required` and `revoked` stop the "
        "sync (see `message`); `expired`: the code expired or was refused.",
    )
    user_code = serializers.CharField(allow_null=True)
    verification_url = serializers.CharField(allow_null=True)
    code_expires_at = serializers.DateTimeField(allow_null=True)
    poll_interval = serializers.IntegerField(allow_null=True, help_text="Seconds between two status reads.")
    push = serializers.BooleanField(allow_null=True)
    last_sync_at = serializers.DateTimeField(allow_null=True)
    last_sync_seconds = serializers.FloatField(allow_null=True)
    pulled = serializers.DictField(child=serializers.IntegerField(), help_text="Items read per Trakt list.")
    pushed = serializers.DictField(child=serializers.IntegerField(), help_text="Marks sent per Trakt list.")
    message = serializers.CharField(allow_blank=True)


def _status_body(connection: TraktConnection | None) -> dict[str, object]:
    pending = connection is not None and connection.state == TraktConnection.State.PENDING
    result = connection.last_result if connection is not None else {}
    return {
        "available": trakt_configured(),
        "state": connection.state if connection is not None else NOT_CONNECTED,
        "user_code": connection.user_code if pending and connection else None,
        "verification_url": connection.verification_url if pending and connection else None,
        "code_expires_at": connection.code_expires_at if pending and connection else None,
        "poll_interval": connection.poll_interval if pending and connection else None,
        "push": connection.push if connection is not None else None,
        "last_sync_at": connection.last_sync_at if connection is not None else None,
        "last_sync_seconds": connection.last_sync_seconds if connection is not None else None,
        "pulled": dict(result.get("pulled") or {}),
        "pushed": dict(result.get("pushed") or {}),
        "message": connection.message if connection is not None else "",
    }


PENDING_EXAMPLE = OpenApiExample(
    "Waiting for the code",
    response_only=True,
    value={
        "available": True,
        "state": "pending",
        "user_code": "5055CC52",
        "verification_url": "https://trakt.tv/activate",
        "code_expires_at": "2026-12-04T21:40:00Z",
        "poll_interval": 5,
        "push": True,
        "last_sync_at": None,
        "last_sync_seconds": None,
        "pulled": {},
        "pushed": {},
        "message": "",
    },
)


class TraktConnectionApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(
        summary="The caller's Trakt link",
        responses={200: TraktStatusOutputSerializer, **errors(401)},
        examples=[
            PENDING_EXAMPLE,
            OpenApiExample(
                "VIP required",
                response_only=True,
                value={
                    **PENDING_EXAMPLE.value,
                    "state": "vip_required",
                    "user_code": None,
                    "verification_url": None,
                    "code_expires_at": None,
                    "poll_interval": None,
                    "message": "Trakt refused the sync: its API apps need a VIP account. Import your Trakt "
                    "export instead.",
                },
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        """The Trakt link's state. While `pending`, each read (at most once per `poll_interval`) asks Trakt
        whether the code was entered; `connected` then. Needs the access token."""
        return Response(_status_body(trakt_status(user=authenticated_user(request))))

    @extend_schema(
        summary="Connect a Trakt account",
        request=TraktConnectInputSerializer,
        responses={201: TraktStatusOutputSerializer, **errors(400, 401, 503)},
        examples=[
            OpenApiExample("Sync both ways", value={"push": True}, request_only=True),
            PENDING_EXAMPLE,
        ],
    )
    def post(self, request: Request) -> Response:
        """Start Trakt's device flow: 201 with a `user_code` to enter at `verification_url`, then read this
        route (`Location`) until `state` is `connected`. Replaces an earlier link. 400 when this server has
        no Trakt API app or Trakt refuses it (VIP required). Needs the access token."""
        serializer = TraktConnectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        connection = trakt_connect(user=authenticated_user(request), push=serializer.validated_data["push"])
        location = request.build_absolute_uri(reverse("me-integrations-trakt"))
        return Response(
            _status_body(connection), status=status.HTTP_201_CREATED, headers={"Location": location}
        )

    @extend_schema(summary="Disconnect Trakt", responses={204: None, **errors(401, 404)})
    def delete(self, request: Request) -> Response:
        """Revoke our access at Trakt and forget the link; entries already pulled stay. 404 without a link.
        Needs the access token."""
        if not trakt_disconnect(user=authenticated_user(request)):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)
