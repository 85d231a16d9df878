from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import authenticated_user
from core.api.caching import CachePolicy
from core.api.pagination import PageInputSerializer, offset_page_body, page_of, rows_page_body
from core.api.schema import errors
from core.api.serializers import serialize_many
from core.pagination import paginate
from discovery.cards import title_cards
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
        three of their titles that led to it (`members`).
        `media_type` chooses movies (the default) or TV shows; paged with `page` and `page_size` (at most 200
        picks in all).
        """
        params = GroupPicksInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        user = authenticated_user(request)
        household = household_for(user=user, household_id=household_id)
        members = members_of(household)
        data = params.validated_data
        found = group_picks(
            members=members, media_type=data["media_type"], page=data["page"], page_size=data["page_size"]
        )
        language = request.LANGUAGE_CODE
        cards = title_cards(found.titles, language=language, user=user)
        context = {"language": language, "reasons": found.reasons, "members": members}
        results = serialize_many(GroupPickCardOutputSerializer, cards, context=context)
        return Response(
            offset_page_body(
                request, results, page=found.page, has_more=found.has_more, cold_start=found.cold_start
            )
        )
