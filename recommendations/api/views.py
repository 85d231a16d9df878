from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import authenticated_user
from core.api.pagination import cursor_decode, cursor_encode, cursor_page_body, page_of
from core.api.schema import errors
from core.api.serializers import serialize_many
from discovery.cards import title_cards
from recommendations.api.serializers import RecommendationCardOutputSerializer, RecommendationsInputSerializer
from recommendations.selectors import PicksAnchor, recommendations_page


class RecommendationListApi(APIView):
    """Personal picks, best first: never a title the caller has any status for."""

    @extend_schema(
        parameters=[RecommendationsInputSerializer],
        responses={
            200: page_of(
                "RecommendationPage",
                RecommendationCardOutputSerializer,
                cold_start=serializers.BooleanField(
                    help_text="True when the caller has no usable history yet: the best-rated titles, "
                    "spread over genres, without reasons."
                ),
            ),
            **errors(400, 401),
        },
    )
    def get(self, request: Request) -> Response:
        """List personal picks, best first: never a title the caller has marked.

        Needs the access token. `media_type` chooses movies (the default) or TV shows. Picks are learned from
        the titles the caller has seen and rated; each names up to three of them as its `reasons`. Until the
        caller has a history, `cold_start` is true and the picks are the best-rated titles across genres,
        without reasons. Paged by cursor: `page_size` (at most 100), and `next`, the URL of the following page
        (null on the last).
        """
        params = RecommendationsInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        user = authenticated_user(request)
        media_type, page_size = params.validated_data["media_type"], params.validated_data["page_size"]
        ranking = f"recommendations:{user.pk}:{media_type}"
        after = cursor_decode(params.validated_data.get("cursor"), scope=ranking, parse=PicksAnchor.from_json)
        found = recommendations_page(user=user, media_type=media_type, page_size=page_size, after=after)
        language = request.LANGUAGE_CODE
        cards = title_cards(found.titles, language=language, user=user, statuses={})  # none is theirs
        context = {"language": language, "reasons": found.reasons}
        next_cursor = cursor_encode(found.next_after.as_json(), scope=ranking) if found.next_after else None
        return Response(
            cursor_page_body(
                request,
                serialize_many(RecommendationCardOutputSerializer, cards, context=context),
                next_cursor=next_cursor,
                cold_start=found.cold_start,
            )
        )
