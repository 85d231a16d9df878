from functools import partial

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import authenticated_user
from assistant.api.serializers import (
    ChatInputSerializer,
    ChatSessionDetailOutputSerializer,
    ChatSessionOutputSerializer,
    ChatTurnOutputSerializer,
)
from assistant.models import ChatSession
from assistant.services import chat_session_delete, chat_turn, session_not_found
from core.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from core.api.pagination import PageInputSerializer, page_of, rows_page_body
from core.api.schema import errors
from core.api.serializers import serialize_many
from core.api.throttling import chat_turn_wait_seconds
from core.idempotency import fingerprint_of
from core.pagination import paginate
from discovery.api.serializers import card_data
from discovery.cards import title_cards


def explicit_language(request: Request) -> str | None:
    """The language the client asked for, if it asked: otherwise the assistant answers in the user's own."""
    if request.query_params.get("lang") or request.headers.get("Accept-Language"):
        return request.LANGUAGE_CODE
    return None


class ChatApi(APIView):
    throttle_classes = ()  # the chat's own budget, shared with the assistant page, replaces the general ones

    def check_throttles(self, request: Request) -> None:
        if (wait := chat_turn_wait_seconds(authenticated_user(request), request=request)) is not None:
            self.throttled(request, wait)

    @extend_schema(
        request=ChatInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            200: ChatTurnOutputSerializer,
            **errors(400, 401, 404, 429),
        },
    )
    def post(self, request: Request) -> Response:
        """Ask the assistant for titles, in English or French.

        Needs the access token. A message such as "a french comedy from the 90s" starts a conversation; send
        its `session_id` back with a follow-up ("only recent ones", "more like the second one"), which refines
        what it understood. The answer gives the reply, the `intent` and `filters` it understood, and titles
        the caller has not marked. It replies in the language of `lang` or `Accept-Language` when one is sent,
        else in the message's own. Another account's `session_id` is 404 (`not_found`). Chat turns have their
        own rate limit per account (429 `throttled`, with `Retry-After`). Send an `Idempotency-Key` to retry a
        turn safely.
        """
        serializer = ChatInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A retry with the same Idempotency-Key gets the same turn back instead of a second one.
        return idempotent(
            request,
            route="chat",
            fingerprint=fingerprint_of(request.data),
            respond=partial(self.turn, request, serializer),
        )

    def turn(self, request: Request, serializer: ChatInputSerializer) -> Response:
        user = authenticated_user(request)
        turn = chat_turn(
            user=user,
            message=serializer.validated_data["message"],
            session_id=serializer.validated_data.get("session_id"),
            language=explicit_language(request),
        )
        language = explicit_language(request) or request.LANGUAGE_CODE
        cards = title_cards(turn.titles, language=language, user=user, statuses={})
        return Response(
            {
                "session_id": turn.session.pk,
                "reply": turn.reply,
                "intent": turn.intent,
                "filters": turn.filters,
                "results": [card_data(card) for card in cards],
            }
        )


class ChatSessionListApi(APIView):
    @extend_schema(
        operation_id="chat_sessions_list",
        parameters=[PageInputSerializer],
        responses={
            200: page_of("ChatSessionPage", ChatSessionOutputSerializer, count=True),
            **errors(400, 401),
        },
    )
    def get(self, request: Request) -> Response:
        """List the caller's conversations, most recent first.

        Needs the access token. Paged with `page` and `page_size` (at most 100); `count` is their number,
        `next` the URL of the following page (null on the last).
        """
        params = PageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = paginate(
            ChatSession.objects.filter(user=authenticated_user(request)),
            with_count=True,
            **params.validated_data,
        )
        results = serialize_many(ChatSessionOutputSerializer, page.items)
        return Response(rows_page_body(request, page, results))


class ChatSessionDetailApi(APIView):
    @extend_schema(responses={200: ChatSessionDetailOutputSerializer, **errors(401, 404)})
    def get(self, request: Request, session_id: int) -> Response:
        """Read a conversation with its messages.

        Needs the access token; another account's conversation is 404 (`not_found`). Messages oldest first;
        the assistant's say what it understood and which titles it showed.
        """
        session = (
            ChatSession.objects.prefetch_related("messages")
            .filter(pk=session_id, user=authenticated_user(request))
            .first()
        )
        if session is None:
            raise session_not_found()
        return Response(ChatSessionDetailOutputSerializer(session).data)

    @extend_schema(responses={204: None, **errors(401, 404)})
    def delete(self, request: Request, session_id: int) -> Response:
        """Delete a conversation and its messages.

        Needs the access token; another account's conversation is 404 (`not_found`). 204, without a body.
        """
        chat_session_delete(user=authenticated_user(request), session_id=session_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
