from functools import partial
from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.serializers import TitleCardOutputSerializer
from catalog.models import MediaType, Title
from catalog.selectors import title_for_detail
from core.api.caching import CachePolicy, anonymous_first_page
from core.api.pagination import PageInputSerializer
from core.api.schema import errors, page_of
from discovery.api.serializers import (
    DiscoverInputSerializer,
    KeywordSearchInputSerializer,
    TitleDetailOutputSerializer,
    card_data,
)
from discovery.cards import title_cards, title_detail_card
from discovery.selectors import ResultPage
from discovery.services import discover_page, search_page, similar_page


def envelope(page: ResultPage, results: list[Any]) -> dict[str, Any]:
    """API.md's page envelope around the page's rendered items."""
    return {"results": results, "page": page.page, "page_size": page.page_size, "has_more": page.has_more}


class DiscoveryApi(APIView):
    """Discovery routes answer anonymous callers too; with a token they know the caller's titles."""

    permission_classes = (AllowAny,)
    cache_policy = CachePolicy.CATALOG  # a GET is public to anonymous callers, private with a token
    media_type: str = MediaType.MOVIE

    def cards(
        self, request: Request, titles: list[Title], *, statuses: dict[int, str] | None = None
    ) -> list[dict[str, Any]]:
        cards = title_cards(titles, language=request.LANGUAGE_CODE, user=request.user, statuses=statuses)
        return [card_data(card) for card in cards]

    def title(self, title_id: int) -> Title:
        title = title_for_detail(title_id=title_id, media_type=self.media_type)
        if title is None:
            raise Http404
        return title


class TitleDiscoverApi(DiscoveryApi):
    @extend_schema(
        request=DiscoverInputSerializer,
        responses={
            200: page_of(
                "DiscoveryPage", TitleCardOutputSerializer, excluded_count=serializers.IntegerField()
            ),
            **errors(400, 401),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = DiscoverInputSerializer(data=request.data, context={"media_type": self.media_type})
        serializer.is_valid(raise_exception=True)
        return Response(
            anonymous_first_page(
                request,
                scope=f"discover:{self.media_type}",
                params=serializer.validated_data,
                build=partial(self.build_page, request, serializer),
            )
        )

    def build_page(self, request: Request, serializer: DiscoverInputSerializer) -> dict[str, Any]:
        page = discover_page(
            media_type=self.media_type,
            filters=serializer.filters(),
            user=request.user,
            language=request.LANGUAGE_CODE,
            page=serializer.validated_data["page"],
            page_size=serializer.validated_data["page_size"],
        )
        body = envelope(page, self.cards(request, page.items, statuses={}))  # none of them is the caller's
        body["excluded_count"] = page.excluded_count or 0
        return body


class TitleSearchApi(DiscoveryApi):
    @extend_schema(
        request=KeywordSearchInputSerializer,
        responses={200: page_of("SearchPage", TitleCardOutputSerializer), **errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        serializer = KeywordSearchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        page = search_page(
            query=data["query"], media_type=self.media_type, page=data["page"], page_size=data["page_size"]
        )
        return Response(envelope(page, self.cards(request, page.items)))


class TitleDetailApi(DiscoveryApi):
    @extend_schema(responses={200: TitleDetailOutputSerializer, **errors(401, 404)})
    def get(self, request: Request, title_id: int) -> Response:
        detail = title_detail_card(self.title(title_id), language=request.LANGUAGE_CODE, user=request.user)
        return Response(TitleDetailOutputSerializer(detail).data)


class TitleSimilarApi(DiscoveryApi):
    @extend_schema(
        parameters=[PageInputSerializer],
        responses={200: page_of("SimilarPage", TitleCardOutputSerializer), **errors(400, 401, 404)},
    )
    def get(self, request: Request, title_id: int) -> Response:
        params = PageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = similar_page(title=self.title(title_id), user=request.user, **params.validated_data)
        return Response(envelope(page, self.cards(request, page.items, statuses={})))
