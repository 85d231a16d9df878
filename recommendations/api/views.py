from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import authenticated_user
from core.api.schema import errors, page_of
from core.api.serializers import serialize_many
from core.pagination import Page
from discovery.cards import title_cards
from recommendations.api.serializers import RecommendationCardOutputSerializer, RecommendationsInputSerializer
from recommendations.selectors import recommendations_page


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
        params = RecommendationsInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        user = authenticated_user(request)
        found = recommendations_page(user=user, **params.validated_data)
        page = Page(items=found.titles, page=found.page, page_size=found.page_size, has_more=found.has_more)
        language = request.LANGUAGE_CODE
        cards = title_cards(found.titles, language=language, user=user, statuses={})  # none is theirs
        context = {"language": language, "reasons": found.reasons}
        body = page.envelope(serialize_many(RecommendationCardOutputSerializer, cards, context=context))
        body["cold_start"] = found.cold_start
        return Response(body)
