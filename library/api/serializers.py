from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from catalog.api.serializers import CARD_EXAMPLE, TitleCardOutputSerializer
from catalog.models import MediaType, is_imdb_id
from core.api.serializers import StrictInputSerializer
from core.timestamps import utc_iso
from library.models import Entry, HideRule, ImportJob, Status
from library.validators import IMPORT_SOURCES, import_upload_check

STATUS_ALIASES = {
    "seen": Status.SEEN,
    "later": Status.LATER,
    "towatchlater": Status.LATER,
    "watch_later": Status.LATER,
    "hidden": Status.HIDDEN,
    "not_interested": Status.HIDDEN,
    "none": None,
}
IDENTIFIERS = ("title_id", "tmdb_id", "imdb_id")


@extend_schema_field(
    {
        "type": "string",
        "enum": ["seen", "later", "towatchlater", "watch_later", "hidden", "not_interested", "none"],
    }
)
class StatusField(serializers.Field):
    default_error_messages = {
        "invalid": gettext_lazy("“{value}” is not a status. Use one of: seen, later, hidden, none."),
    }

    def to_internal_value(self, data: Any) -> str | None:
        key = str(data).strip().lower()
        if key not in STATUS_ALIASES:
            self.fail("invalid", value=str(data)[:50])
        return STATUS_ALIASES[key]

    def to_representation(self, value: str | None) -> str | None:
        return value


@extend_schema_serializer(
    component_name="StatusUpdate",
    examples=[
        OpenApiExample(
            "Seen and rated", value={"title_id": 42, "status": "seen", "rating": 9}, request_only=True
        ),
        OpenApiExample(
            "Later, by IMDb id", value={"imdb_id": "tt0137523", "status": "later"}, request_only=True
        ),
        OpenApiExample("Cleared", value={"tmdb_id": 550, "status": "none"}, request_only=True),
    ],
)
class UpdateStatusInputSerializer(StrictInputSerializer):
    """The title, by exactly one of `title_id`, `tmdb_id` or `imdb_id`, and its new status: `seen` (with an
    optional rating from 1 to 10), `later`, `hidden`, or `none` to clear it. `towatchlater`, `watch_later`
    and `not_interested` are accepted too."""

    title_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    tmdb_id = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    imdb_id = serializers.CharField(required=False, max_length=16)
    status = StatusField()
    rating = serializers.IntegerField(min_value=1, max_value=10, required=False, allow_null=True)

    def validate_imdb_id(self, value: str) -> str:
        if not is_imdb_id(value.strip()):
            raise serializers.ValidationError(_("An IMDb id looks like “tt0137523”."))
        return value.strip()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        given = [name for name in IDENTIFIERS if name in attrs]
        if len(given) != 1:
            message = _("Give exactly one of title_id, tmdb_id or imdb_id.")
            raise serializers.ValidationError({name: [message] for name in given or IDENTIFIERS})
        if attrs.get("rating") is not None and attrs["status"] != Status.SEEN:
            raise serializers.ValidationError(
                {"rating": [_("A rating can only be given with the status “seen”.")]}
            )
        return attrs


ENTRY_STATUSES = Status.values  # as the schema's EntryStatusEnum (and a card's `user_status`) lists them


@extend_schema_serializer(
    component_name="EntryCard",
    examples=[
        OpenApiExample(
            "A film seen and rated",
            value={
                **CARD_EXAMPLE,
                "user_status": "seen",
                "status": "seen",
                "rating": 9,
                "updated_at": "2026-11-02T20:15:00Z",
            },
            response_only=True,
        )
    ],
)
class EntryCardOutputSerializer(TitleCardOutputSerializer):
    """A title of the caller's list: its card, with the status, the caller's rating and when it changed."""

    status = serializers.ChoiceField(choices=ENTRY_STATUSES)
    rating = serializers.IntegerField(allow_null=True, help_text="The caller's rating, 1 to 10.")
    updated_at = serializers.DateTimeField()

    class Meta(TitleCardOutputSerializer.Meta):
        fields = (*TitleCardOutputSerializer.Meta.fields, "status", "rating", "updated_at")

    # Renders an entry: its title's card and more.
    def to_representation(self, entry: Entry) -> dict[str, Any]:  # type: ignore[override]
        if not hasattr(self, "_card"):  # one card serializer for the whole page: building fields is costly
            self._card = TitleCardOutputSerializer(context=self.context)
        card = self._card.to_representation(entry.title)
        card["user_status"] = entry.status
        return {
            **card,
            "status": entry.status,
            "rating": entry.rating,
            "updated_at": utc_iso(entry.updated_at),
        }


@extend_schema_serializer(
    component_name="ImportUpload",
    examples=[
        OpenApiExample(
            "An IMDb ratings export",
            value={"source": "imdb", "file": "Const,Your Rating,Date Rated,Title,Title Type,Year\r\n…"},
            request_only=True,
            media_type="multipart/form-data",
        )
    ],
)
class ImportInputSerializer(StrictInputSerializer):
    """A history file: a Letterboxd export (its ZIP, or a CSV of it), an IMDb ratings or watchlist CSV, or a
    Trakt export (ZIP or JSON)."""

    file = serializers.FileField(allow_empty_file=False)
    # DRF's metaclass takes declared fields off the class, so this does not shadow Field.source; the stubs
    # cannot tell.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=IMPORT_SOURCES,
        help_text="The service the file was exported from; `auto` reads it from the file (a ZIP by the files "
        "it holds, JSON as Trakt's, a CSV by its header) and the import's `source` says which it found.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        import_upload_check(source=attrs["source"], size=attrs["file"].size)  # per field, as DRF reports
        return attrs


class ImportCountsOutputSerializer(serializers.Serializer):
    """What became of the file's rows."""

    matched = serializers.IntegerField(help_text="Rows that named a title we know.")
    created = serializers.IntegerField(help_text="Titles added to the caller's lists.")
    updated = serializers.IntegerField(
        help_text="Titles of the caller's lists moved on (watch later → seen)."
    )
    unmatched = serializers.IntegerField(help_text="Rows that named no title we know.")
    conflicts = serializers.IntegerField(
        help_text="Statuses and ratings the caller set here after the file's date, kept over the file's."
    )


class ImportChangeOutputSerializer(serializers.Serializer):
    """A title of the caller's lists the import changed (the first 1,000 are listed)."""

    title_id = serializers.IntegerField(help_text="Our title's id.")
    title = serializers.CharField(help_text="The title as the file names it.")
    year = serializers.IntegerField(allow_null=True)
    status_before = serializers.ChoiceField(choices=ENTRY_STATUSES)
    status_after = serializers.ChoiceField(choices=ENTRY_STATUSES)
    rating_before = serializers.IntegerField(allow_null=True)
    rating_after = serializers.IntegerField(allow_null=True)
    watched_before = serializers.DateTimeField(
        allow_null=True, help_text="The watch date (a day's start, UTC)."
    )
    watched_after = serializers.DateTimeField(allow_null=True)


IMPORT_CONFLICT_FIELDS = ("status", "rating")


@extend_schema_field(
    {
        "oneOf": [
            {
                "type": "string",
                "enum": list(ENTRY_STATUSES),
                "description": "A status (`field` is `status`).",
            },
            {
                "type": "integer",
                "minimum": 1,
                "maximum": 10,
                "description": "A rating (`field` is `rating`).",
            },
        ]
    }
)
class StatusOrRatingField(serializers.Field):
    """A conflict's value: a status or a rating, as its `field` says."""

    def to_representation(self, value: Any) -> Any:
        return value


class ImportConflictOutputSerializer(serializers.Serializer):
    """A status or rating the caller set here after the file's date (or one the file gives no date for):
    kept, not replaced by the file's (the first 1,000 are listed)."""

    title_id = serializers.IntegerField(help_text="Our title's id.")
    title = serializers.CharField(help_text="The title as the file names it.")
    year = serializers.IntegerField(allow_null=True)
    field = serializers.ChoiceField(choices=IMPORT_CONFLICT_FIELDS)
    kept = StatusOrRatingField(help_text="The caller's value, kept: a status, or a rating from 1 to 10.")
    file_value = StatusOrRatingField(help_text="The file's value, not applied.")
    changed_here_at = serializers.DateTimeField(help_text="When the caller last changed the title here.")
    file_date = serializers.DateTimeField(
        allow_null=True, help_text="The file's date for its value (a day's is its start, UTC); null: none."
    )


UNMATCHED_REASONS = ("not_found", "title_too_long")


class UnmatchedRowOutputSerializer(serializers.Serializer):
    """A row of the file that named no title we know (the first 100 are kept)."""

    file = serializers.CharField(help_text="The file it came from (a ZIP holds several).")
    line = serializers.IntegerField(help_text="Its row (CSV) or item (JSON) number in that file, from 1.")
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    imdb_id = serializers.CharField(allow_null=True)
    tmdb_id = serializers.IntegerField(allow_null=True)
    reason = serializers.ChoiceField(
        choices=UNMATCHED_REASONS,
        help_text="`not_found`: no title matches; `title_too_long`: too long a title to be matched by name.",
    )


@extend_schema_serializer(
    component_name="ImportJob",
    examples=[
        OpenApiExample(
            "A finished import",
            value={
                "id": 7,
                "source": "imdb",
                "filename": "ratings.csv",
                "status": "done",
                "counts": {"matched": 4, "created": 2, "updated": 1, "unmatched": 1, "conflicts": 1},
                "changes": [
                    {
                        "title_id": 512,
                        "title": "Argo",
                        "year": 2012,
                        "status_before": "later",
                        "status_after": "seen",
                        "rating_before": None,
                        "rating_after": 9,
                        "watched_before": None,
                        "watched_after": "2017-08-25T00:00:00Z",
                    }
                ],
                "conflicts": [
                    {
                        "title_id": 88,
                        "title": "Magnolia",
                        "year": 1999,
                        "field": "rating",
                        "kept": 9,
                        "file_value": 8,
                        "changed_here_at": "2026-11-02T20:11:40Z",
                        "file_date": "2025-03-15T00:00:00Z",
                    }
                ],
                "unmatched": [
                    {
                        "file": "ratings.csv",
                        "line": 3,
                        "title": "A Film Nobody Made",
                        "year": 2031,
                        "imdb_id": None,
                        "tmdb_id": None,
                        "reason": "not_found",
                    }
                ],
                "error": "",
                "created_at": "2026-11-02T20:15:00Z",
                "finished_at": "2026-11-02T20:15:03Z",
            },
            response_only=True,
        )
    ],
)
class ImportJobOutputSerializer(serializers.ModelSerializer):
    """A history import and what became of it: read it again until `status` is `done` or `failed`."""

    source = serializers.ChoiceField(choices=ImportJob.Source.choices)  # type: ignore[assignment]
    status = serializers.ChoiceField(choices=ImportJob.State.choices)
    counts = serializers.SerializerMethodField()
    changes = ImportChangeOutputSerializer(
        many=True, help_text="The titles of the caller's lists the import changed, before and after."
    )
    conflicts = ImportConflictOutputSerializer(
        many=True, help_text="What the caller set here after the file's date, kept over the file's values."
    )
    unmatched = UnmatchedRowOutputSerializer(many=True)
    error = serializers.CharField(help_text="Why the import failed; empty unless `status` is `failed`.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "source",
            "filename",
            "status",
            "counts",
            "changes",
            "conflicts",
            "unmatched",
            "error",
            "created_at",
            "finished_at",
        )
        read_only_fields = fields

    @extend_schema_field(ImportCountsOutputSerializer)
    def get_counts(self, job: ImportJob) -> dict[str, int]:
        return job.count_values


@extend_schema_serializer(
    component_name="ImportAccepted",
    examples=[
        OpenApiExample("Queued", value={"id": 7, "reused": False}, response_only=True, status_codes=[202])
    ],
)
class ImportAcceptedOutputSerializer(serializers.Serializer):
    """The import is queued: its report is at the `Location` header's URL."""

    id = serializers.IntegerField(help_text="The import's id, for GET /me/import/{job_id}.")
    reused = serializers.BooleanField(
        help_text="The same file was sent within a day: this is that import, not a new one."
    )


@extend_schema_serializer(
    component_name="StatusChange",
    examples=[
        OpenApiExample(
            "Marked as seen",
            value={
                "title": {**CARD_EXAMPLE, "user_status": "seen"},
                "status": "seen",
                "rating": 9,
                "updated_at": "2026-11-02T20:15:00Z",
            },
            response_only=True,
        ),
        OpenApiExample(
            "Status cleared",
            value={"title": CARD_EXAMPLE, "status": None, "rating": None, "updated_at": None},
            response_only=True,
        ),
    ],
)
class StatusChangeOutputSerializer(serializers.Serializer):
    """The title's card and the caller's status for it now (all null once cleared with `none`)."""

    title = TitleCardOutputSerializer()
    status = serializers.ChoiceField(choices=ENTRY_STATUSES, allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


class StatusCountsOutputSerializer(serializers.Serializer):
    """How many titles the caller has of each status."""

    seen = serializers.IntegerField()
    later = serializers.IntegerField()
    hidden = serializers.IntegerField()


class GenreCountOutputSerializer(serializers.Serializer):
    genre = serializers.CharField(help_text="The genre's name in the request's language.")
    count = serializers.IntegerField()


class DecadeCountOutputSerializer(serializers.Serializer):
    decade = serializers.IntegerField(help_text="Its first year: 1990 for the nineties.")
    count = serializers.IntegerField()


@extend_schema_serializer(
    component_name="UserStats",
    examples=[
        OpenApiExample(
            "A small library",
            value={
                "movies": {"seen": 12, "later": 4, "hidden": 2},
                "tvshows": {"seen": 3, "later": 1, "hidden": 0},
                "watch_count": 15,
                "average_rating": 7.4,
                "average_imdb_rating": 7.9,
                "top_genres": [{"genre": "Drama", "count": 8}, {"genre": "Comedy", "count": 5}],
                "seen_by_decade": [{"decade": 1990, "count": 6}, {"decade": 2000, "count": 9}],
            },
            response_only=True,
        )
    ],
)
class UserStatsOutputSerializer(serializers.Serializer):
    """Counts and averages over the caller's titles."""

    movies = StatusCountsOutputSerializer()
    tvshows = StatusCountsOutputSerializer()
    watch_count = serializers.IntegerField(help_text="Titles seen.")
    average_rating = serializers.FloatField(
        allow_null=True, help_text="Of the caller's ratings; null if none."
    )
    average_imdb_rating = serializers.FloatField(allow_null=True, help_text="IMDb's, of the titles seen.")
    top_genres = GenreCountOutputSerializer(many=True, help_text="The five genres most seen, most first.")
    seen_by_decade = DecadeCountOutputSerializer(many=True, help_text="Titles seen by release decade.")


class ExportEntryOutputSerializer(serializers.Serializer):
    title_id = serializers.IntegerField()
    media_type = serializers.ChoiceField(choices=MediaType.choices)
    imdb_id = serializers.CharField(allow_null=True)
    tmdb_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(help_text="The English title.")
    year = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=ENTRY_STATUSES)
    rating = serializers.IntegerField(allow_null=True)
    watched_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ExportHideRuleOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=HideRule.Kind.choices)
    value = serializers.CharField(help_text="As `POST /me/hide-rules` answers it.")
    label = serializers.CharField()  # type: ignore[assignment]
    title_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="A franchise's titles when the rule was made; else empty."
    )
    created_at = serializers.DateTimeField()


@extend_schema_serializer(
    component_name="LibraryExport",
    examples=[
        OpenApiExample(
            "One film",
            value={
                "exported_at": "2026-11-02T20:15:00Z",
                "user": "ann@example.org",
                "hide_rules": [
                    {
                        "kind": "before",
                        "value": "1970",
                        "label": "Before 1970",
                        "title_ids": [],
                        "created_at": "2026-10-12T18:30:00Z",
                    }
                ],
                "entries": [
                    {
                        "title_id": 42,
                        "media_type": "movie",
                        "imdb_id": "tt0137523",
                        "tmdb_id": 550,
                        "title": "Fight Club",
                        "year": 1999,
                        "status": "seen",
                        "rating": 9,
                        "watched_at": "2026-10-30T00:00:00Z",
                        "created_at": "2026-10-30T21:04:11Z",
                        "updated_at": "2026-11-02T20:15:00Z",
                    }
                ],
            },
            response_only=True,
        )
    ],
)
class ExportOutputSerializer(serializers.Serializer):
    """All the caller's titles, with their statuses and ratings, and their hide rules."""

    exported_at = serializers.DateTimeField()
    user = serializers.EmailField(help_text="The account's email address.")
    hide_rules = ExportHideRuleOutputSerializer(many=True)
    entries = ExportEntryOutputSerializer(many=True)


@extend_schema_serializer(
    component_name="HideRuleCreate",
    examples=[
        OpenApiExample("No more horror", value={"kind": "genre", "value": "Horror"}, request_only=True),
        OpenApiExample("Nothing before 1970", value={"kind": "before", "value": "1970"}, request_only=True),
        OpenApiExample(
            "Never films by…", value={"kind": "person", "value": "Michael Bay"}, request_only=True
        ),
        OpenApiExample(
            "A franchise, by one of its titles", value={"kind": "franchise", "value": "42"}, request_only=True
        ),
        OpenApiExample(
            "A TMDB keyword (with a TMDB key)", value={"kind": "keyword", "value": "4379"}, request_only=True
        ),
    ],
)
class HideRuleInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(
        choices=HideRule.Kind.choices,
        help_text="genre, person (as director or in the cast), franchise, language (original), before or "
        "after (a year: titles released before or after it), keyword (a TMDB keyword; refused with 400 when "
        "the site has no TMDB key).",
    )
    value = serializers.CharField(
        max_length=200,
        help_text="A genre's name (either language) or TMDB id; a person's id or whole name; a title's id "
        "(its franchise); an ISO 639 code; a year; a keyword's TMDB id (or its exact name).",
    )


@extend_schema_serializer(
    component_name="HideRule",
    examples=[
        OpenApiExample(
            "Genre",
            value={
                "id": 3,
                "kind": "genre",
                "kind_label": "Genre",
                "value": "27",
                "label": "Horror",
                "created_at": "2026-12-04T21:00:00Z",
            },
            response_only=True,
        )
    ],
)
class HideRuleOutputSerializer(serializers.Serializer):
    """A rule as `library.selectors.HideRuleShown` holds it."""

    id = serializers.IntegerField(source="rule.pk")
    kind = serializers.ChoiceField(choices=HideRule.Kind.choices, source="rule.kind")
    kind_label = serializers.CharField(help_text="The kind in the request's language.")
    value = serializers.CharField(
        source="rule.value",
        help_text="What the rule holds: a genre's TMDB id, a person's id, a franchise's name, a language "
        "code, a year, a keyword's TMDB id.",
    )
    label = serializers.CharField(help_text="What it hides, in the request's language.")  # type: ignore[assignment]
    created_at = serializers.SerializerMethodField()

    def get_created_at(self, shown: Any) -> str:
        return utc_iso(shown.rule.created_at)
