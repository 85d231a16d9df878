from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import TitleCardOutputSerializer
from catalog.models import is_imdb_id
from core.api.serializers import StrictInputSerializer
from core.timestamps import utc_iso
from library.models import Entry, ImportJob, Status
from library.validators import import_upload_check

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


class UpdateStatusInputSerializer(StrictInputSerializer):
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


class EntryCardOutputSerializer(TitleCardOutputSerializer):
    """A list item: the title's card with the entry's status, rating and time of change."""

    status = serializers.CharField()
    rating = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField()

    class Meta(TitleCardOutputSerializer.Meta):
        fields = (*TitleCardOutputSerializer.Meta.fields, "status", "rating", "updated_at")

    # The card serializer's subclass for the schema; it renders an entry (its title's card and more).
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


class ImportInputSerializer(StrictInputSerializer):
    file = serializers.FileField(allow_empty_file=False)
    # DRF's metaclass takes declared fields off the class, so this does not shadow Field.source; the stubs
    # cannot tell.
    source = serializers.ChoiceField(choices=ImportJob.Source.choices)  # type: ignore[assignment]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        import_upload_check(source=attrs["source"], size=attrs["file"].size)  # per field, as DRF reports
        return attrs


class ImportJobOutputSerializer(serializers.ModelSerializer):
    counts = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "source",
            "filename",
            "status",
            "counts",
            "unmatched",
            "error",
            "created_at",
            "finished_at",
        )
        read_only_fields = fields

    def get_counts(self, job: ImportJob) -> dict[str, int]:
        return {"matched": 0, "created": 0, "updated": 0, "unmatched": 0, **job.counts}


class ExportInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=["letterboxd", "json"], default="json")
