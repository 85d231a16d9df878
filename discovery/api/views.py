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
from core.api.pagination import (
    CursorInputSerializer,
    PageInputSerializer,
    cursor_decode,
    cursor_encode,
    cursor_page_body,
    offset_page_body,
    page_of,
)
from core.api.schema import errors
from discovery.api.serializers import (
    SEARCH_PAGE_EXAMPLES,
    DiscoverInputSerializer,
    DiscoveryCardOutputSerializer,
    KeywordSearchInputSerializer,
    OtherMediaTypeOutputSerializer,
    SearchCardOutputSerializer,
    SearchPersonOutputSerializer,
    TitleDetailOutputSerializer,
    card_data,
    card_offers_data,
    search_person_data,
)
from discovery.cards import title_cards, title_detail_card
from discovery.filters import DiscoveryFilters
from discovery.selectors import RankKey, ResultPage, feed_key_from, feed_ranking, similar_key_from
from discovery.services import discover_page, search_page, similar_page
from library.selectors import titles_hidden_by_rules


class DiscoveryApi(APIView):
    """Discovery routes answer anonymous callers too; with a token they know the caller's titles."""

    permission_classes = (AllowAny,)
    cache_policy = CachePolicy.CATALOG  # a GET is public to anonymous callers, private with a token
    media_type: str = MediaType.MOVIE

    def cards(
        self,
        request: Request,
        titles: list[Title],
        *,
        statuses: dict[int, str] | None = None,
        offers: bool = False,
    ) -> list[dict[str, Any]]:
        """The cards as JSON; with `offers`, each with where to watch it in the caller's country (a
        DiscoveryCard)."""
        cards = title_cards(titles, language=request.LANGUAGE_CODE, user=request.user, statuses=statuses)
        if offers:
            return [{**card_data(card), "offers": card_offers_data(card)} for card in cards]
        return [card_data(card) for card in cards]

    def next_cursor(self, page: ResultPage, *, ranking: str) -> str | None:
        """The cursor after the page's last title, for the ranking it was cut from; None on the last page."""
        return cursor_encode(page.next_after.as_json(), scope=ranking) if page.next_after else None

    def title(self, title_id: int) -> Title:
        title = title_for_detail(title_id=title_id, media_type=self.media_type)
        if title is None:
            raise Http404
        return title


class TitleDiscoverApi(DiscoveryApi):
    @extend_schema(
        request=DiscoverInputSerializer,
        parameters=[CursorInputSerializer],
        responses={
            200: page_of(
                "DiscoveryPage", DiscoveryCardOutputSerializer, excluded_count=serializers.IntegerField()
            ),
            **errors(400, 401),
        },
    )
    def post(self, request: Request) -> Response:
        """Discover {media} by filters, never one the caller has marked.

        Anyone may call it: with an access token, the caller's seen, watch-later and hidden titles are left
        out (`excluded_count` says how many matched), and a token that is invalid or expired is 401
        (`token_not_valid`) rather than a page that might show them. Every filter is optional and null is the
        same as absent; an unknown genre or field is 400 (`invalid`), named under `errors`. Best first by
        `sort_by`. Paged by cursor: `page_size` (at most 100) in the query string, and `next`, the URL of the
        following page, to POST again with the same body (null on the last). Titles marked in between never
        make the next page skip others. Each card's `offers` says where to watch it in the caller's country
        (null when none is known). For a group of members together: POST /groups/{id}/movies/search-by-filters
        (or tvshows).
        """
        params = CursorInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        serializer = DiscoverInputSerializer(
            data=request.data, context={"media_type": self.media_type, "viewer": request.user}
        )
        serializer.is_valid(raise_exception=True)
        filters = serializer.filters()
        ranking = feed_ranking(media_type=self.media_type, filters=filters, language=request.LANGUAGE_CODE)
        after = cursor_decode(
            params.validated_data.get("cursor"),
            scope=ranking,
            parse=partial(feed_key_from, sort_by=filters.sort_by),
        )
        return Response(
            anonymous_first_page(
                request,
                scope=f"discover:{self.media_type}",
                params={**serializer.validated_data, **params.validated_data},
                build=partial(
                    self.build_page,
                    request,
                    filters,
                    ranking=ranking,
                    after=after,
                    page_size=params.validated_data["page_size"],
                ),
            )
        )

    def build_page(
        self,
        request: Request,
        filters: DiscoveryFilters,
        *,
        ranking: str,
        after: RankKey | None,
        page_size: int,
    ) -> dict[str, Any]:
        page = discover_page(
            media_type=self.media_type,
            filters=filters,
            user=request.user,
            language=request.LANGUAGE_CODE,
            page_size=page_size,
            after=after,
        )
        return cursor_page_body(
            request,
            self.cards(request, page.items, statuses={}, offers=True),  # none of them is the caller's
            next_cursor=self.next_cursor(page, ranking=ranking),
            excluded_count=page.excluded_count or 0,
        )


class TitleSearchApi(DiscoveryApi):
    @extend_schema(
        request=KeywordSearchInputSerializer,
        parameters=[PageInputSerializer],
        responses={
            200: page_of(
                "SearchPage",
                SearchCardOutputSerializer,
                people=SearchPersonOutputSerializer(
                    many=True,
                    help_text="The people the query names, whose titles come first (best first): empty "
                    "when it names nobody.",
                ),
                good_match=serializers.BooleanField(
                    help_text="False when nothing matches the query well: `results` is then empty, rather "
                    "than showing unrelated titles."
                ),
                other_media_type=OtherMediaTypeOutputSerializer(
                    allow_null=True,
                    help_text='When the other media type matches clearly better ("breaking bad" on the '
                    "movies route): its best match there; else null.",
                ),
            ),
            **errors(400, 401),
        },
        examples=SEARCH_PAGE_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        """Search {media} by any of their titles or a person's name.

        Typos are forgiven ("pulp fiktion", "kubrik"); English, French, original and alternate titles all
        count, and near-ties go to the better-known title ("godfater": The Godfather). A query that names a
        person (a director, an actor, a writer: "kubrick", "de niro") lists that person's titles first, best
        first, and says who in `people`. When nothing matches well, `results` is empty and `good_match`
        false; `other_media_type` points at a clearly better match among the other kind of titles. Anyone
        may call it; with an access token each card has the caller's `user_status` (marked titles are found
        too) and `hidden_by_rule` (true for a title one of the caller's hide rules leaves out elsewhere),
        and an invalid or expired token is 401 (`token_not_valid`). Paged with `page` and
        `page_size` in the query string; `next` is the URL of the following page, to POST again with the
        same body.
        """
        params = PageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        serializer = KeywordSearchInputSerializer(data=request.data, context={"viewer": request.user})
        serializer.is_valid(raise_exception=True)
        page = search_page(
            query=serializer.validated_data["query"],
            media_type=self.media_type,
            other_media_type=True,
            on_services=serializer.on_services(),
            **params.validated_data,
        )
        results = self.cards(request, page.items, offers=True)
        ruled = (
            titles_hidden_by_rules(user=request.user, title_ids=[t.pk for t in page.items])
            if request.user.is_authenticated
            else set()
        )
        for card in results:
            card["hidden_by_rule"] = card["id"] in ruled
        other = None
        if page.other_media_type and page.other_title is not None:
            other = {
                "media_type": page.other_media_type,
                "title": self.cards(request, [page.other_title])[0],
            }
        return Response(
            offset_page_body(
                request,
                results,
                page=page.page,
                has_more=page.has_more,
                people=[search_person_data(person) for person in page.people],
                good_match=page.good_match,
                other_media_type=other,
            )
        )


class TitleDetailApi(DiscoveryApi):
    @extend_schema(responses={200: TitleDetailOutputSerializer, **errors(401, 404)})
    def get(self, request: Request, title_id: int) -> Response:
        """Read a title's page ({media}).

        A title of the other kind is 404 (`not_found`), as is an unknown one. Anyone may call it; with an
        access token `user_status` is the caller's, and an invalid or expired token is 401
        (`token_not_valid`). People, countries, every rating with its source and date, and where the data
        comes from, with its licence.
        """
        detail = title_detail_card(self.title(title_id), language=request.LANGUAGE_CODE, user=request.user)
        return Response(TitleDetailOutputSerializer(detail).data)


class TitleSimilarApi(DiscoveryApi):
    @extend_schema(
        parameters=[CursorInputSerializer],
        responses={200: page_of("SimilarPage", TitleCardOutputSerializer), **errors(400, 401, 404)},
    )
    def get(self, request: Request, title_id: int) -> Response:
        """List {media} similar to one, never one the caller has marked.

        Anyone may call it; with an access token the caller's titles are left out, and an invalid or expired
        token is 401 (`token_not_valid`). Most similar first. Paged by cursor: `page_size` (at most 100), and
        `next`, the URL of the following page (null on the last). 404 (`not_found`) for an unknown title.
        """
        params = CursorInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        title = self.title(title_id)
        ranking = f"similar:{title.pk}"
        after = cursor_decode(params.validated_data.get("cursor"), scope=ranking, parse=similar_key_from)
        page = similar_page(
            title=title, user=request.user, page_size=params.validated_data["page_size"], after=after
        )
        results = self.cards(request, page.items, statuses={})
        return Response(
            cursor_page_body(request, results, next_cursor=self.next_cursor(page, ranking=ranking))
        )
