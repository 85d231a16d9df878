from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import authenticated_user
from catalog.models import Title
from core.api.caching import CachePolicy
from core.api.pagination import cursor_decode, cursor_encode, cursor_page_body, page_of
from core.api.schema import errors
from core.api.serializers import serialize_many
from discovery.cards import title_cards
from recommendations.api.serializers import (
    NotForMeInputSerializer,
    NotForMeOutputSerializer,
    RecommendationCardOutputSerializer,
    RecommendationsInputSerializer,
    RecommenderSettingsSerializer,
)
from recommendations.selectors import PicksAnchor, adventurousness_of, recommendations_page
from recommendations.services import not_for_me, recommender_settings_update


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
                adventurousness=serializers.IntegerField(
                    help_text="The familiar (0) to adventurous (4) setting these picks were made with."
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
        without reasons. `adventurousness` (0 familiar to 4 adventurous) says how far from the most-rated
        titles the picks reach; left out, the caller's own setting (2 until they change it). Each card's
        `offers` says where to watch it in the caller's country (null when none is known); `on_my_services`
        keeps the picks their services offer. Paged by cursor:
        `page_size` (at most 100), and `next`, the URL of the following page (null on the last).
        """
        user = authenticated_user(request)
        params = RecommendationsInputSerializer(data=request.query_params, context={"viewer": user})
        params.is_valid(raise_exception=True)
        on_services = params.on_services()
        media_type, page_size = params.validated_data["media_type"], params.validated_data["page_size"]
        adventurousness = params.validated_data.get("adventurousness")
        if adventurousness is None:
            adventurousness = adventurousness_of(user)
        ranking = f"recommendations:{user.pk}:{media_type}:{adventurousness}"
        if on_services is not None:  # a page of the picks on the caller's services: its own ranking
            watch = (on_services.watch_region, *on_services.watch_services, "|", *on_services.watch_kinds)
            ranking += ":services:" + ",".join(watch)
        after = cursor_decode(params.validated_data.get("cursor"), scope=ranking, parse=PicksAnchor.from_json)
        found = recommendations_page(
            user=user,
            media_type=media_type,
            page_size=page_size,
            after=after,
            adventurousness=adventurousness,
            on_services=on_services,
        )
        language = request.LANGUAGE_CODE
        cards = title_cards(found.titles, language=language, user=user, statuses={})  # none is theirs
        context = {"language": language, "reasons": found.reasons, "against": found.against}
        next_cursor = cursor_encode(found.next_after.as_json(), scope=ranking) if found.next_after else None
        return Response(
            cursor_page_body(
                request,
                serialize_many(RecommendationCardOutputSerializer, cards, context=context),
                next_cursor=next_cursor,
                cold_start=found.cold_start,
                adventurousness=adventurousness,
            )
        )


class RecommenderSettingsApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(responses={200: RecommenderSettingsSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        """Read the caller's settings of their picks.

        Needs the access token. `adventurousness`: 2 (balanced) until the caller changes it.
        """
        return Response({"adventurousness": adventurousness_of(authenticated_user(request))})

    @extend_schema(
        request=RecommenderSettingsSerializer,
        responses={200: RecommenderSettingsSerializer, **errors(400, 401)},
    )
    def put(self, request: Request) -> Response:
        """Change how far from the most-watched titles the caller's picks reach.

        Needs the access token. `adventurousness` from 0 (familiar) to 4 (adventurous); 400 (`invalid`)
        naming it otherwise.
        """
        serializer = RecommenderSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        settings = recommender_settings_update(
            user=authenticated_user(request), adventurousness=serializer.validated_data["adventurousness"]
        )
        return Response({"adventurousness": settings.adventurousness})


class NotForMeApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(
        request=NotForMeInputSerializer,
        responses={200: NotForMeOutputSerializer, **errors(400, 401, 404)},
    )
    def post(self, request: Request) -> Response:
        """Turn down a pick, saying why.

        Needs the access token. `seen_elsewhere` marks it seen; `not_my_genre` and `not_this_person` mark it
        not interested, so it counts against similar titles (the explanation of a pick it lowered says so),
        and `offers` lists its genres or its people as hide rules (POST /me/hide-rules); `not_now` marks it
        watch later. The title leaves the picks. 404 (`not_found`) when no title has that id.
        """
        serializer = NotForMeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        title = Title.objects.filter(pk=serializer.validated_data["title_id"]).first()
        if title is None:
            raise exceptions.NotFound(_("No title with this %(field)s.") % {"field": "title_id"})
        done = not_for_me(
            user=authenticated_user(request),
            title=title,
            reason=serializer.validated_data["reason"],
            language=request.LANGUAGE_CODE,
        )
        return Response(
            {
                "title_id": title.pk,
                "reason": done.reason,
                "status": done.entry.status,
                "offers": [{"kind": o.kind, "value": o.value, "label": o.label} for o in done.offers],
            }
        )
