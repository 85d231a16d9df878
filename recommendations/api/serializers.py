"""GET /me/recommendations: the standard card, plus the user's own titles that led to it."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.serializers import TitleCardOutputSerializer, localized_title
from catalog.ingest.enrichment import titles_refresh_if_stale
from catalog.models import MediaType, Title
from core.api.pagination import PageInputSerializer
from recommendations.feedback import LIKED_RATING
from recommendations.selectors import Reason, RecommendationPage


class RecommendationsInputSerializer(PageInputSerializer):
    media_type = serializers.ChoiceField(choices=MediaType.choices, default=MediaType.MOVIE)


class ReasonOutputSerializer(serializers.Serializer):
    title_id = serializers.IntegerField()
    title = serializers.CharField()


class RecommendationCardOutputSerializer(TitleCardOutputSerializer):
    """A card with `reasons` (up to three of the user's own titles) and `explanation`, a sentence naming them.

    The context holds `reasons`: {title id: [Reason]}; cold-start picks have none.
    """

    reasons = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()

    class Meta(TitleCardOutputSerializer.Meta):
        fields = (*TitleCardOutputSerializer.Meta.fields, "reasons", "explanation")

    def _reasons(self, obj: Title) -> list[Reason]:
        return self.context.get("reasons", {}).get(obj.pk, [])

    @extend_schema_field(ReasonOutputSerializer(many=True))
    def get_reasons(self, obj: Title) -> list[dict[str, Any]]:
        language = self.context.get("language", "en")
        return [
            {"title_id": r.title.pk, "title": localized_title(r.title, language)} for r in self._reasons(obj)
        ]

    def get_explanation(self, obj: Title) -> str | None:
        reasons = self._reasons(obj)
        if not reasons:
            return None
        language = self.context.get("language", "en")
        titles = join_titles([localized_title(r.title, language) for r in reasons])
        if all(r.rating is not None and r.rating >= LIKED_RATING for r in reasons):
            return _("Because you liked %(titles)s") % {"titles": titles}
        return _("Because you watched %(titles)s") % {"titles": titles}


def recommendation_cards(found: RecommendationPage, *, language: str) -> list[dict[str, Any]]:
    """A page of picks as the API and the "For you" page show them; serving them queues stale refreshes."""
    titles_refresh_if_stale(found.titles)
    context = {"language": language, "statuses": {}, "reasons": found.reasons}
    return list(RecommendationCardOutputSerializer(found.titles, many=True, context=context).data)


def join_titles(titles: list[str]) -> str:
    """ "Heat", "Heat and Ronin", "Heat, Ronin and Collateral", in the active language."""
    if len(titles) == 1:
        return titles[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(titles[:-1]), "last": titles[-1]}
