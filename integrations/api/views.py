import json
from typing import Any

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiRequest, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import authenticated_user
from core.api.caching import CachePolicy
from core.api.exceptions import RequestTooLarge
from core.api.pagination import PageInputSerializer, page_of, rows_page_body
from core.api.parsers import JSONParser
from core.api.schema import errors
from core.api.serializers import serialize_many
from core.api.views import PublicApi
from core.middleware import declared_body_size
from core.pagination import paginate
from integrations.api.serializers import (
    EndpointCreatedOutputSerializer,
    EndpointInputSerializer,
    EndpointOutputSerializer,
    EventOutputSerializer,
    ReceivedOutputSerializer,
)
from integrations.api.throttling import WebhookThrottle
from integrations.payloads import READERS, PayloadError, fingerprint
from integrations.selectors import endpoint_of, endpoints_of, events_of
from integrations.services import (
    EndpointLimitReached,
    endpoint_create,
    endpoint_for_token,
    endpoint_revoke,
    webhook_receive,
)


class EndpointListApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(
        operation_id="me_integrations_list",
        parameters=[PageInputSerializer],
        responses={
            200: page_of("WebhookEndpointPage", EndpointOutputSerializer, count=True),
            **errors(400, 401),
        },
    )
    def get(self, request: Request) -> Response:
        """List the caller's webhook URLs, newest first (revoked ones too).

        Needs the access token. The URLs' tokens are never shown again after creation.
        """
        params = PageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = paginate(
            endpoints_of(user=authenticated_user(request)), with_count=True, **params.validated_data
        )
        return Response(rows_page_body(request, page, serialize_many(EndpointOutputSerializer, page.items)))

    @extend_schema(
        request=EndpointInputSerializer,
        responses={201: EndpointCreatedOutputSerializer, **errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        """Create a webhook URL for a Plex, Jellyfin or Emby server.

        Needs the access token. 201 with the URL, which holds a secret token shown this once (only its hash is
        kept): give it to the server. `server_user` keeps only that server user's events. 400 (`invalid`) past
        20 active URLs.
        """
        serializer = EndpointInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            new = endpoint_create(user=authenticated_user(request), **serializer.validated_data)
        except EndpointLimitReached as exc:
            raise exceptions.ValidationError({"kind": [exc.message]}) from exc
        url = request.build_absolute_uri(reverse("webhook-receive", args=[new.token]))
        body = {**EndpointOutputSerializer(new.endpoint).data, "url": url}
        location = request.build_absolute_uri(reverse("me-integrations-detail", args=[new.endpoint.pk]))
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})


class EndpointDetailApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(responses={200: EndpointOutputSerializer, **errors(401, 404)})
    def get(self, request: Request, endpoint_id: int) -> Response:
        """Read one of the caller's webhook URLs (without its token).

        Needs the access token; another account's URL is 404 (`not_found`).
        """
        endpoint = endpoint_of(user=authenticated_user(request), endpoint_id=endpoint_id)
        if endpoint is None:
            raise Http404
        return Response(EndpointOutputSerializer(endpoint).data)

    @extend_schema(responses={204: None, **errors(401, 404)})
    def delete(self, request: Request, endpoint_id: int) -> Response:
        """Revoke a webhook URL: the server's next call gets 404. Its events stay listed.

        Needs the access token; another account's URL is 404 (`not_found`).
        """
        endpoint = endpoint_of(user=authenticated_user(request), endpoint_id=endpoint_id)
        if endpoint is None:
            raise Http404
        endpoint_revoke(endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EventListApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(
        parameters=[PageInputSerializer],
        responses={200: page_of("WebhookEventPage", EventOutputSerializer, count=True), **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        """List what the caller's servers sent, newest first, and what each call did.

        Needs the access token. `status` `unmatched` names events whose title we could not find, with the
        `reason`; `unchanged` those that changed nothing (already seen, or set here after the event's date).
        """
        params = PageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = paginate(events_of(user=authenticated_user(request)), with_count=True, **params.validated_data)
        return Response(rows_page_body(request, page, serialize_many(EventOutputSerializer, page.items)))


EVENT_POLL_SECONDS = 1
STRING = {"type": "string"}
# What the readers use of each server's document (servers send more; the rest is ignored).
JELLYFIN_BODY = {
    "type": "object",
    "description": "Jellyfin: the template of the Integrations page, as the Webhook plugin fills it.",
    "properties": dict.fromkeys(
        (
            "NotificationType",
            "ItemType",
            "Name",
            "SeriesName",
            "SeasonNumber",
            "EpisodeNumber",
            "Year",
            "Provider_imdb",
            "Provider_tmdb",
            "PlayedToCompletion",
            "Played",
            "NotificationUsername",
            "UtcTimestamp",
        ),
        STRING,
    ),
}
EMBY_BODY = {
    "type": "object",
    "description": "Emby: its webhook's JSON document.",
    "properties": {
        "Event": STRING,
        "Date": STRING,
        "User": {"type": "object", "properties": {"Name": STRING}},
        "Item": {
            "type": "object",
            "properties": {
                "Name": STRING,
                "Type": STRING,
                "ProductionYear": {"type": "integer"},
                "SeriesName": STRING,
                "ParentIndexNumber": {"type": "integer"},
                "IndexNumber": {"type": "integer"},
                "ProviderIds": {"type": "object", "additionalProperties": STRING},
            },
        },
        "PlaybackInfo": {"type": "object", "properties": {"PlayedToCompletion": {"type": "boolean"}}},
    },
}
FORM_BODY = {
    "type": "object",
    "properties": {
        "payload": {"type": "string", "description": "Plex: the event as JSON text."},
        "data": {"type": "string", "description": "Emby (a form): the event as JSON text."},
    },
}
WEBHOOK_EXAMPLES = [
    OpenApiExample(
        "Jellyfin",
        value={
            "NotificationType": "PlaybackStop",
            "ItemType": "Movie",
            "Name": "Heat",
            "SeriesName": "",
            "SeasonNumber": "",
            "EpisodeNumber": "",
            "Year": "1995",
            "Provider_imdb": "tt0113277",
            "Provider_tmdb": "949",
            "PlayedToCompletion": "True",
            "Played": "False",
            "NotificationUsername": "alice",
            "UtcTimestamp": "2026-12-04T20:15:31.4567891Z",
        },
        request_only=True,
        media_type="application/json",
    ),
    OpenApiExample(
        "Plex",
        value={
            "payload": '{"event": "media.scrobble", "Account": {"title": "alice"}, "Metadata": {"type": '
            '"movie", "title": "Heat", "year": 1995, "Guid": [{"id": "imdb://tt0113277"}]}}'
        },
        request_only=True,
        media_type="multipart/form-data",
    ),
    OpenApiExample("Queued", value={"status": "queued"}, response_only=True, status_codes=[202]),
]


class WebhookReceiveApi(PublicApi):
    """The URL a media server calls; its token, not an Authorization header, says whose it is."""

    cache_policy = CachePolicy.NO_STORE
    throttle_classes = (WebhookThrottle,)
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    @extend_schema(
        request={
            "application/json": OpenApiRequest({"oneOf": [JELLYFIN_BODY, EMBY_BODY]}),
            "multipart/form-data": OpenApiRequest(FORM_BODY),
        },
        examples=WEBHOOK_EXAMPLES,
        parameters=[OpenApiParameter("token", str, OpenApiParameter.PATH, description="The URL's secret.")],
        responses={202: ReceivedOutputSerializer, **errors(400, 404, 413, 415, 429)},
    )
    def post(self, request: Request, token: str) -> Response:
        """Receive a Plex, Jellyfin or Emby webhook.

        No access token: the URL's secret token (from POST /me/integrations) names the account. Answers at
        once (202) and marks the title seen in the background; `Location` is the list where the URL's owner
        reads what it did. Bodies over `WEBHOOK_MAX_BODY_KB` are 413 (`request_too_large`) unread; a body
        that is not the server's shape is 400 with nothing written; an unknown or revoked URL is 404; more
        than `THROTTLE_WEBHOOK_RATE` calls per URL are 429.
        """
        if declared_body_size(request._request) > settings.WEBHOOK_MAX_BODY_KB * 1024:
            raise RequestTooLarge(
                _("The request is too large (%(size)d KB at most).") % {"size": settings.WEBHOOK_MAX_BODY_KB}
            )
        endpoint = endpoint_for_token(token)
        if endpoint is None:
            raise Http404
        document = self.document(request, endpoint.kind)
        try:
            watch = READERS[endpoint.kind](document)
        except PayloadError as exc:
            raise exceptions.ValidationError({"payload": [str(exc)]}) from exc
        received = webhook_receive(
            endpoint=endpoint, watch=watch, fingerprint=fingerprint(endpoint.kind, document)
        )
        # Where the owner reads what the event did (with their token), and when it is worth reading.
        headers = {
            "Location": request.build_absolute_uri(reverse("me-integrations-events")),
            "Retry-After": str(EVENT_POLL_SECONDS),
        }
        return Response({"status": received.status}, status=status.HTTP_202_ACCEPTED, headers=headers)

    @staticmethod
    def document(request: Request, kind: str) -> Any:
        """The event's JSON: Plex sends it as the form field `payload`, Emby (form mode) as `data`, Jellyfin
        and Emby (JSON mode) as the body itself."""
        data = request.data
        if request.content_type.startswith("application/json"):
            return data
        field = "payload" if kind == "plex" else "data"
        text = data.get(field) if hasattr(data, "get") else None
        if not isinstance(text, str) or not text:
            raise exceptions.ValidationError({field: [_("This form field is required: the event as JSON.")]})
        try:
            return json.loads(text)
        except ValueError as exc:
            raise exceptions.ValidationError({field: [_("This form field is not valid JSON.")]}) from exc
