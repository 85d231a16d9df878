from functools import partial

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import authenticated_user
from catalog.models import MediaType
from core.api.caching import CachePolicy
from core.api.pagination import (
    CursorInputSerializer,
    PageInputSerializer,
    cursor_decode,
    cursor_encode,
    cursor_page_body,
    offset_page_body,
    page_of,
    rows_page_body,
)
from core.api.schema import errors
from core.api.serializers import serialize_many
from core.pagination import paginate
from discovery.api.serializers import (
    DiscoverInputSerializer,
    DiscoveryCardOutputSerializer,
    card_data,
    card_offers_data,
)
from discovery.cards import title_cards
from discovery.members import members_discover_page
from discovery.selectors import feed_key_from, feed_ranking
from households.api.serializers import (
    GroupPickCardOutputSerializer,
    GroupPicksInputSerializer,
    HouseholdInputSerializer,
    HouseholdOutputSerializer,
    JoinInputSerializer,
)
from households.models import Household
from households.picks import group_picks
from households.selectors import household_for, households_of, members_of
from households.services import (
    NotOwner,
    household_create,
    household_join,
    household_leave,
    invite_code_renew,
    member_remove,
)


def _group_body(household: Household) -> dict:
    return HouseholdOutputSerializer(
        household, context={"members": {household.pk: members_of(household)}}
    ).data


class HouseholdListApi(APIView):
    cache_policy = CachePolicy.NO_STORE  # who the caller watches with

    @extend_schema(
        operation_id="groups_list",
        parameters=[PageInputSerializer],
        responses={200: page_of("GroupPage", HouseholdOutputSerializer, count=True), **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        """List the caller's groups, oldest first.

        Needs the access token. Each group names its members (never what they
        watched) and its invitation code.
        """
        params = PageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = paginate(
            households_of(user=authenticated_user(request)), with_count=True, **params.validated_data
        )
        members = {h.pk: members_of(h) for h in page.items}
        results = serialize_many(HouseholdOutputSerializer, page.items, context={"members": members})
        return Response(rows_page_body(request, page, results))

    @extend_schema(
        request=HouseholdInputSerializer, responses={201: HouseholdOutputSerializer, **errors(400, 401)}
    )
    def post(self, request: Request) -> Response:
        """Create a group, the caller its owner and first member.

        Needs the access token. Share `invite_code` (or the page's invitation link): whoever sends it to POST
        /groups/join becomes a member. 400 (`invalid`) for a blank name or past 20 groups.
        """
        serializer = HouseholdInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        household = household_create(
            owner=authenticated_user(request), name=serializer.validated_data["name"]
        )
        location = request.build_absolute_uri(reverse("group", args=[household.pk]))
        return Response(
            _group_body(household), status=status.HTTP_201_CREATED, headers={"Location": location}
        )


class HouseholdJoinApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(
        request=JoinInputSerializer, responses={200: HouseholdOutputSerializer, **errors(400, 401, 404)}
    )
    def post(self, request: Request) -> Response:
        """Accept an invitation: join the group whose code this is.

        Needs the access token. Joining a group one belongs to already changes nothing. 404
        (`not_found`) for a
        code no group has (the owner may have drawn a new one); 400 (`invalid`) when the group is full.
        """
        serializer = JoinInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        household = household_join(user=authenticated_user(request), code=serializer.validated_data["code"])
        return Response(_group_body(household))


class HouseholdDetailApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(responses={200: HouseholdOutputSerializer, **errors(401, 404)})
    def get(self, request: Request, household_id: int) -> Response:
        """Read one of the caller's groups.

        Needs the access token; a group the caller does not belong to is 404 (`not_found`).
        """
        return Response(
            _group_body(household_for(user=authenticated_user(request), household_id=household_id))
        )


class HouseholdLeaveApi(APIView):
    @extend_schema(request=None, responses={204: None, **errors(401, 404)})
    def post(self, request: Request, household_id: int) -> Response:
        """Leave a group.

        Needs the access token. An owner who leaves hands the group to the member who joined after them; the
        last member to leave ends the group.
        """
        user = authenticated_user(request)
        household_leave(user=user, household=household_for(user=user, household_id=household_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class HouseholdInviteApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(request=None, responses={200: HouseholdOutputSerializer, **errors(401, 403, 404)})
    def post(self, request: Request, household_id: int) -> Response:
        """Draw a new invitation code: the old code and links with it stop working.

        Needs the access token of the group's owner (403 `permission_denied` for another member).
        """
        user = authenticated_user(request)
        try:
            household = invite_code_renew(
                by=user, household=household_for(user=user, household_id=household_id)
            )
        except NotOwner as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        return Response(_group_body(household))


class HouseholdMemberApi(APIView):
    @extend_schema(responses={204: None, **errors(401, 403, 404)})
    def delete(self, request: Request, household_id: int, user_id: int) -> Response:
        """Remove a member from the group.

        Needs the access token of the group's owner (403 `permission_denied` for another member); 404
        (`not_found`) when the user is not a member.
        """
        user = authenticated_user(request)
        household = household_for(user=user, household_id=household_id)
        try:
            member_remove(by=user, household=household, member_id=user_id)
        except NotOwner as exc:
            raise exceptions.PermissionDenied(exc.message) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class HouseholdPicksApi(APIView):
    @extend_schema(
        parameters=[GroupPicksInputSerializer],
        responses={
            200: page_of(
                "GroupPickPage",
                GroupPickCardOutputSerializer,
                cold_start=serializers.BooleanField(
                    help_text="True when no member has a usable history yet: the best-rated titles none of "
                    "them has marked, without reasons."
                ),
            ),
            **errors(400, 401, 404),
        },
    )
    def get(self, request: Request, household_id: int) -> Response:
        """List the group's picks: what the members can all watch tonight.

        Needs the access token of a member (404 `not_found` otherwise). Never a title any member has seen or
        marked not interested (one on someone's watch-later list may come), nor one any member's hide rules
        cover. Ranked by a mean with a floor: each member's personal score (their best pick counting 1);
        titles every member's taste speaks for first, by the members' mean. Each pick names, per member, up to
        three of their titles that led to it (`members`), and where to watch it in the caller's country
        (`offers`, null when none is known); `on_my_services` keeps the picks the caller's services offer.
        `media_type` chooses movies (the default) or TV shows; paged with `page` and `page_size` (at most 200
        picks in all).
        """
        user = authenticated_user(request)
        household = household_for(user=user, household_id=household_id)  # 404 before anything else
        params = GroupPicksInputSerializer(data=request.query_params, context={"viewer": user})
        params.is_valid(raise_exception=True)
        on_services = params.on_services()
        members = members_of(household)
        data = params.validated_data
        found = group_picks(
            members=members,
            media_type=data["media_type"],
            page=data["page"],
            page_size=data["page_size"],
            filters=on_services,
        )
        language = request.LANGUAGE_CODE
        cards = title_cards(found.titles, language=language, user=user, statuses=found.statuses.get(user.pk))
        context = {"language": language, "reasons": found.reasons, "members": members}
        results = serialize_many(GroupPickCardOutputSerializer, cards, context=context)
        return Response(
            offset_page_body(
                request, results, page=found.page, has_more=found.has_more, cold_start=found.cold_start
            )
        )


class HouseholdDiscoverApi(APIView):
    cache_policy = CachePolicy.NO_STORE  # what the group has not seen
    media_type: str = MediaType.MOVIE

    @extend_schema(
        request=DiscoverInputSerializer,
        parameters=[CursorInputSerializer],
        responses={
            200: page_of(
                "GroupDiscoveryPage",
                DiscoveryCardOutputSerializer,
                excluded_count=serializers.IntegerField(
                    help_text="How many matching titles were left out: seen or marked not interested by a "
                    "member, or covered by a member's hide rules."
                ),
            ),
            **errors(400, 401, 404),
        },
    )
    def post(self, request: Request, household_id: int) -> Response:
        """Discover {media} by filters for a group: none that any member has seen or hidden.

        Needs the access token of a member (404 `not_found` otherwise). The body and the paging are those of
        POST /movies/search-by-filters (or /tvshows/…) for one caller, with the group's exclusions instead:
        never a title any member has seen or marked not interested, nor one any member's hide rules cover (one
        on someone's watch-later list may come); `excluded_count` says how many matches that left out.
        `on_my_services` reads the caller's own country and services. Each card's `offers` says where to
        watch it in the caller's country (null when none is known).
        """
        params = CursorInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        user = authenticated_user(request)
        household = household_for(user=user, household_id=household_id)
        serializer = DiscoverInputSerializer(
            data=request.data, context={"media_type": self.media_type, "viewer": user}
        )
        serializer.is_valid(raise_exception=True)
        filters = serializer.filters()
        language = request.LANGUAGE_CODE
        ranking = f"group:{household.pk}:" + feed_ranking(
            media_type=self.media_type, filters=filters, language=language
        )
        after = cursor_decode(
            params.validated_data.get("cursor"),
            scope=ranking,
            parse=partial(feed_key_from, sort_by=filters.sort_by),
        )
        page = members_discover_page(
            media_type=self.media_type,
            filters=filters,
            member_ids=[m.pk for m in members_of(household)],
            language=language,
            page_size=params.validated_data["page_size"],
            after=after,
        )
        cards = title_cards(page.items, language=language, user=user)
        results = [{**card_data(card), "offers": card_offers_data(card)} for card in cards]
        next_cursor = cursor_encode(page.next_after.as_json(), scope=ranking) if page.next_after else None
        return Response(
            cursor_page_body(
                request, results, next_cursor=next_cursor, excluded_count=page.excluded_count or 0
            )
        )
