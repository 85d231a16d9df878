from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import authenticated_user
from alerts.api.serializers import (
    AlertItemOutputSerializer,
    SavedSearchInputSerializer,
    SavedSearchOutputSerializer,
    SavedSearchRenameInputSerializer,
    ServiceArrivalOutputSerializer,
)
from alerts.models import SavedSearch
from alerts.selectors import alert_items_of, saved_search_of, saved_searches_of, service_arrivals_of
from alerts.services import (
    SavedSearchError,
    saved_search_create,
    saved_search_delete,
    saved_search_rename,
    validation_messages,
)
from core.api.caching import CachePolicy
from core.api.pagination import PageInputSerializer, page_of, rows_page_body
from core.api.schema import errors
from core.api.serializers import serialize_many
from core.pagination import paginate


class SavedSearchListApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(
        operation_id="me_saved_searches_list",
        parameters=[PageInputSerializer],
        responses={
            200: page_of("SavedSearchPage", SavedSearchOutputSerializer, count=True),
            **errors(400, 401),
        },
    )
    def get(self, request: Request) -> Response:
        """List the caller's saved searches, newest first.

        Needs the access token. Each one's new matches are e-mailed in the weekly digest and listed by
        `GET /me/alerts`.
        """
        params = PageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = paginate(
            saved_searches_of(user=authenticated_user(request)), with_count=True, **params.validated_data
        )
        return Response(
            rows_page_body(request, page, serialize_many(SavedSearchOutputSerializer, page.items))
        )

    @extend_schema(
        request=SavedSearchInputSerializer, responses={201: SavedSearchOutputSerializer, **errors(400, 401)}
    )
    def post(self, request: Request) -> Response:
        """Save a Discover request under a name.

        Needs the access token. `filters` is checked as `POST /movies/search-by-filters` checks its body (a
        400 names each wrong field under `filters`); a name already used, or more than 50 searches, is a 400
        naming `name`.
        """
        user = authenticated_user(request)
        serializer = SavedSearchInputSerializer(data=request.data, context={"viewer": user})
        serializer.is_valid(raise_exception=True)
        try:
            search = saved_search_create(user=user, **serializer.validated_data)
        except SavedSearchError as exc:
            raise exceptions.ValidationError({exc.field or "name": [exc.message]}) from exc
        except ValidationError as exc:
            raise exceptions.ValidationError({"filters": validation_messages(exc)}) from exc
        location = request.build_absolute_uri(reverse("me-saved-search", args=[search.pk]))
        return Response(
            SavedSearchOutputSerializer(search).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )


class SavedSearchDetailApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    def _search(self, request: Request, search_id: int) -> SavedSearch:
        search = saved_search_of(user=authenticated_user(request), search_id=search_id)
        if search is None:
            raise Http404
        return search

    @extend_schema(responses={200: SavedSearchOutputSerializer, **errors(401, 404)})
    def get(self, request: Request, search_id: int) -> Response:
        """Read one of the caller's saved searches.

        Needs the access token; another account's saved search is 404 (`not_found`).
        """
        return Response(SavedSearchOutputSerializer(self._search(request, search_id)).data)

    @extend_schema(
        request=SavedSearchRenameInputSerializer,
        responses={200: SavedSearchOutputSerializer, **errors(400, 401, 404)},
    )
    def patch(self, request: Request, search_id: int) -> Response:
        """Rename a saved search.

        Needs the access token. Its filters stay: save a new search to change them. A name already used is
        a 400 naming `name`; another account's saved search is 404 (`not_found`).
        """
        search = self._search(request, search_id)
        serializer = SavedSearchRenameInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            search = saved_search_rename(search=search, name=serializer.validated_data["name"])
        except SavedSearchError as exc:
            raise exceptions.ValidationError({"name": [exc.message]}) from exc
        return Response(SavedSearchOutputSerializer(search).data)

    @extend_schema(responses={204: None, **errors(401, 404)})
    def delete(self, request: Request, search_id: int) -> Response:
        """Delete a saved search.

        Needs the access token. The alerts it gave stay listed; another account's saved search is 404
        (`not_found`).
        """
        if not saved_search_delete(user=authenticated_user(request), search_id=search_id):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class AlertListApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(
        operation_id="me_alerts_list",
        parameters=[PageInputSerializer],
        responses={200: page_of("AlertItemPage", AlertItemOutputSerializer, count=True), **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        """The caller's alerts, newest week first: the lines of their weekly digests (also shown on the
        Alerts page, whether or not the e-mail is on).

        Needs the access token.
        """
        params = PageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = paginate(
            alert_items_of(user=authenticated_user(request)), with_count=True, **params.validated_data
        )
        return Response(rows_page_body(request, page, serialize_many(AlertItemOutputSerializer, page.items)))


class ServiceArrivalListApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(
        operation_id="me_alerts_arrivals_list",
        parameters=[PageInputSerializer],
        responses={
            200: page_of("ServiceArrivalPage", ServiceArrivalOutputSerializer, count=True),
            **errors(400, 401),
        },
    )
    def get(self, request: Request) -> Response:
        """The titles on the caller's watch-later list that arrived on one of their services, newest first.

        Needs the access token. Checked once a day for members with a country and services (`PATCH
        /users/me`), from TMDB's watch providers (JustWatch's data): a service that was not offering the
        title at the previous check and is now, in the kinds the caller counts (`watch_kinds`). Also in the
        weekly digest and on the Alerts page. Empty when the site has no TMDB key.
        """
        params = PageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = paginate(
            service_arrivals_of(user=authenticated_user(request)), with_count=True, **params.validated_data
        )
        return Response(
            rows_page_body(request, page, serialize_many(ServiceArrivalOutputSerializer, page.items))
        )
