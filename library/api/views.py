from functools import partial
from typing import Any

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import authenticated_user
from catalog.api.serializers import TitleCardOutputSerializer
from catalog.models import MediaType
from catalog.selectors import title_find
from core.api.caching import CachePolicy
from core.api.idempotency import IDEMPOTENCY_KEY_PARAMETER, idempotent
from core.api.pagination import PageInputSerializer, page_body, page_of, rows_page_body
from core.api.schema import errors
from core.api.serializers import serialize_many
from core.idempotency import fingerprint_of
from core.pagination import paginate
from core.timestamps import utc_iso
from library.api.serializers import (
    IDENTIFIERS,
    EntryCardOutputSerializer,
    ExportOutputSerializer,
    HideRuleInputSerializer,
    HideRuleOutputSerializer,
    ImportAcceptedOutputSerializer,
    ImportInputSerializer,
    ImportJobOutputSerializer,
    StatusChangeOutputSerializer,
    UpdateStatusInputSerializer,
    UserStatsOutputSerializer,
)
from library.exports import entries_json, letterboxd_csv
from library.models import HideRule
from library.selectors import (
    HideRuleShown,
    entries_for_export,
    entries_list,
    hide_rule_label,
    hide_rules_of,
    hide_rules_shown,
    import_job_for,
    user_stats,
)
from library.services import (
    KEEP,
    ImportLimitReached,
    entry_set_status,
    hide_rule_create,
    hide_rule_delete,
    import_job_create,
)

IMPORT_POLL_SECONDS = 2  # the 202's Retry-After: when the report at its Location is worth reading
WRONG_ROUTE = {
    MediaType.MOVIE: gettext_lazy("This title is a TV show: use /me/tvshows/update_status."),
    MediaType.TV: gettext_lazy("This title is a movie: use /me/movies/update_status."),
}


# The Letterboxd export, as the schema describes it: CSV text, one row per film seen.
EXPORT_CSV = {"type": "string", "description": "CSV (RFC 4180): Letterboxd's import columns."}


def card_context(request: Request) -> dict[str, str]:
    return {"language": request.LANGUAGE_CODE}


class EntryUpdateStatusApi(APIView):
    media_type: MediaType = MediaType.MOVIE

    @extend_schema(
        request=UpdateStatusInputSerializer,
        responses={
            200: StatusChangeOutputSerializer,
            **errors(400, 401, 404),
        },
    )
    def post(self, request: Request) -> Response:
        """Mark one of the {media}: seen, watch later, not interested, or none.

        Needs the access token. Name the title by exactly one of `title_id`, `tmdb_id` or `imdb_id`; a title
        of the other kind is 400 (`invalid`): use the other route. A title marked is never shown again by
        discovery, similar titles, recommendations or the assistant. `rating` (1 to 10) goes with `seen` only;
        left out, a rating given before is kept. `none` clears the status and the rating. 404 (`not_found`)
        when no title has that id.
        """
        serializer = UpdateStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        identifier = next(name for name in IDENTIFIERS if name in data)
        title = title_find(**{identifier: data[identifier]}, media_type=self.media_type)
        if title is None:
            raise exceptions.NotFound(_("No title with this %(field)s.") % {"field": identifier})
        if title.media_type != self.media_type:
            raise exceptions.ValidationError({identifier: [str(WRONG_ROUTE[self.media_type])]})
        entry = entry_set_status(
            user=authenticated_user(request),
            title=title,
            status=data["status"],
            rating=data.get("rating", KEEP),
        )
        card = TitleCardOutputSerializer(
            title, context={**card_context(request), "statuses": {title.pk: entry.status} if entry else {}}
        ).data
        return Response(
            {
                "title": card,
                "status": entry.status if entry else None,
                "rating": entry.rating if entry else None,
                "updated_at": utc_iso(entry.updated_at) if entry else None,
            }
        )


class EntryListApi(APIView):
    media_type: MediaType = MediaType.MOVIE
    status_value: str = ""

    @extend_schema(
        parameters=[PageInputSerializer],
        responses={200: page_of("EntryPage", EntryCardOutputSerializer, count=True), **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        """List the {media} the caller {status}, most recently changed first.

        Needs the access token. Paged with `page` and `page_size` (at most 100); `count` is the list's length,
        and `next` the URL of the following page (null on the last). 400 (`invalid`) for a page out of range.
        """
        params = PageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        page = paginate(
            entries_list(
                user=authenticated_user(request), media_type=self.media_type, status=self.status_value
            ),
            with_count=True,
            **params.validated_data,
        )
        results = serialize_many(EntryCardOutputSerializer, page.items, context=card_context(request))
        return Response(rows_page_body(request, page, results))


class UserStatsApi(APIView):
    @extend_schema(responses={200: UserStatsOutputSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        """Read the caller's statistics.

        Needs the access token. How many titles of each status, the average ratings, the five genres most seen
        (named in the request's language) and the titles seen by decade.
        """
        return Response(user_stats(user=authenticated_user(request), language=request.LANGUAGE_CODE))


class ImportCreateApi(APIView):
    parser_classes = (MultiPartParser,)  # a file upload: multipart/form-data only

    @extend_schema(
        request=ImportInputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            202: ImportAcceptedOutputSerializer,
            **errors(400, 401, 429),
        },
    )
    def post(self, request: Request) -> Response:
        """Import a viewing history from Letterboxd, IMDb or Trakt.

        Needs the access token. A `multipart/form-data` upload of `file` (at most the server's upload limit,
        20 MB by default: 413 `request_too_large` beyond) and its `source` (`auto`: read from the file, 400
        `invalid` when it shows none). The file is checked now (400
        `invalid` for an unreadable one) and imported in the background: 202 with the import's `id`, its
        report's URL in `Location` and `Retry-After`, the seconds after which reading it is worthwhile. Titles
        only move forward (watch later to seen), never back, and a status or rating set here after the file's
        date for it is kept (the report lists it under `conflicts`). The same file again within a day gives
        the same import back (`reused`); more than the daily number of imports is 429 (`throttled`). Send an
        `Idempotency-Key` to retry safely.
        """
        serializer = ImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        source, data = serializer.validated_data["source"], upload.read()
        # A retry with the same Idempotency-Key (and the same file and source) gets the same job back.
        return idempotent(
            request,
            route="import",
            fingerprint=fingerprint_of(data, source),
            respond=partial(self.submit, request, source=source, filename=upload.name or "", data=data),
        )

    def submit(self, request: Request, *, source: str, filename: str, data: bytes) -> Response:
        try:
            submission = import_job_create(
                user=authenticated_user(request), source=source, filename=filename, data=data
            )
        except ImportLimitReached as exc:
            raise exceptions.Throttled(wait=exc.wait_seconds, detail=exc.message) from exc
        body = {"id": submission.job.pk, "reused": submission.reused}
        report = request.build_absolute_uri(reverse("me-import-detail", args=[submission.job.pk]))
        headers = {"Location": report, "Retry-After": str(IMPORT_POLL_SECONDS)}
        return Response(body, status=status.HTTP_202_ACCEPTED, headers=headers)


class ImportDetailApi(APIView):
    @extend_schema(responses={200: ImportJobOutputSerializer, **errors(401, 404)})
    def get(self, request: Request, job_id: int) -> Response:
        """Read an import's report.

        Needs the access token; another account's import is 404 (`not_found`). Read it again until `status` is
        `done` or `failed`: `counts` says what became of the rows, `changes` lists the titles changed (status
        and rating before and after), `conflicts` what was kept because it was set here after the file's date,
        and `unmatched` the first rows that named no title we know.
        """
        job = import_job_for(user=authenticated_user(request), job_id=job_id)
        if job is None:
            raise Http404
        return Response(ImportJobOutputSerializer(job).data)


class CsvRenderer(BaseRenderer):
    """Lets a client that asks for `text/csv` get the Letterboxd file (the view writes the CSV itself)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data


class ExportApi(APIView):
    cache_policy = CachePolicy.NO_STORE  # someone's whole library: never cached (no ETag either)

    @extend_schema(responses={200: ExportOutputSerializer, **errors(401)})
    def get(self, request: Request) -> Response:
        """Export the caller's titles as JSON.

        Needs the access token. Every title of every status, with ratings and dates. Never cached
        (`Cache-Control: no-store`). `GET /me/export/letterboxd` gives the films seen as a CSV file for
        Letterboxd.
        """
        user = authenticated_user(request)
        rules = hide_rules_of(user=user)
        response = Response(entries_json(list(entries_for_export(user=user)), email=user.email, rules=rules))
        patch_cache_control(response, private=True, no_store=True)
        return response


class LetterboxdExportApi(APIView):
    cache_policy = CachePolicy.NO_STORE
    renderer_classes = (JSONRenderer, CsvRenderer)  # JSON first: the problem answers

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                EXPORT_CSV,
                description="A CSV file (RFC 4180) with Letterboxd's import columns.",
                examples=[
                    OpenApiExample(
                        "Letterboxd",
                        value="imdbID,tmdbID,Title,Year,Directors,WatchedDate,Rating,Rating10\r\n"
                        "tt0137523,550,Fight Club,1999,David Fincher,2026-10-30,4.5,9\r\n",
                    )
                ],
            ),
            **errors(401),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        """Export the films the caller has seen as a CSV file Letterboxd imports.

        Needs the access token. `text/csv`, one row per film seen, with its rating on Letterboxd's scale
        and on ours; a cell that a spreadsheet would compute starts with an apostrophe. Never cached
        (`Cache-Control: no-store`).
        """
        entries = list(entries_for_export(user=authenticated_user(request)))
        response = HttpResponse(letterboxd_csv(entries), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="moviesyoudidntwatch-letterboxd.csv"'
        patch_cache_control(response, private=True, no_store=True)
        return response


class HideRuleListApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(
        operation_id="me_hide_rules_list",
        summary="List the caller's hide rules",
        responses={200: page_of("HideRulePage", HideRuleOutputSerializer), **errors(401)},
    )
    def get(self, request: Request) -> Response:
        """List the caller's hide rules, oldest first.

        Needs the access token. Each rule hides a whole kind of title from discovery, similar titles,
        recommendations and the assistant; keyword search still finds them, marked `hidden_by_rule`. The
        titles hidden one by one are `/me/{movies,tvshows}/hidden`. One page holds every rule (at most 100).
        """
        shown = hide_rules_shown(user=authenticated_user(request), language=request.LANGUAGE_CODE)
        results = list(HideRuleOutputSerializer(shown, many=True).data)
        return Response(page_body(results, next_url=None, count=len(results)))

    @extend_schema(
        summary="Add a hide rule",
        request=HideRuleInputSerializer,
        responses={201: HideRuleOutputSerializer, 200: HideRuleOutputSerializer, **errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        """Hide a genre, a person, a franchise, an original language, the titles released before or after
        a year, or a TMDB keyword.

        Needs the access token. 201 with the new rule; 200 with the rule held when the same one exists. 400
        (`invalid`) naming `kind` or `value` when it names nothing we know (an unknown genre, nobody of that
        name, no title with that id, a year not from 1870 to 2100, a keyword no title has), or past 100 rules;
        400 naming `kind` for a keyword when the site has no TMDB key (the titles' keywords come from TMDB).
        """
        serializer = HideRuleInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rule, created = hide_rule_create(
            user=authenticated_user(request), kind=data["kind"], value=data["value"]
        )
        response = Response(_rule_data(request, rule), status=status.HTTP_201_CREATED if created else 200)
        if created:
            response["Location"] = request.build_absolute_uri(reverse("me-hide-rule", args=[rule.pk]))
        return response


def _rule_data(request: Request, rule: HideRule) -> dict[str, Any]:
    kind_label = str(rule.get_kind_display())
    label = hide_rule_label(rule, request.LANGUAGE_CODE)
    return dict(HideRuleOutputSerializer(HideRuleShown(rule=rule, kind_label=kind_label, label=label)).data)


class HideRuleDetailApi(APIView):
    cache_policy = CachePolicy.NO_STORE

    @extend_schema(summary="Read a hide rule", responses={200: HideRuleOutputSerializer, **errors(401, 404)})
    def get(self, request: Request, rule_id: int) -> Response:
        """Read one of the caller's hide rules.

        Needs the access token. 404 (`not_found`) when the caller has no rule with this id.
        """
        rule = next((r for r in hide_rules_of(user=authenticated_user(request)) if r.pk == rule_id), None)
        if rule is None:
            raise Http404
        return Response(_rule_data(request, rule))

    @extend_schema(summary="Remove a hide rule", responses={204: None, **errors(401, 404)})
    def delete(self, request: Request, rule_id: int) -> Response:
        """Remove one of the caller's hide rules: its titles come back everywhere.

        Needs the access token. 204; 404 (`not_found`) when the caller has no rule with this id.
        """
        if not hide_rule_delete(user=authenticated_user(request), rule_id=rule_id):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)
