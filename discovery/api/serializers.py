"""The discovery routes' input (DRF parses JSON, `discovery.filters` checks what it means) and their cards
(discovery's TitleCard, in the shape catalog's TitleCardOutputSerializer describes)."""

from dataclasses import fields
from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from catalog.api.serializers import CARD_EXAMPLE, TitleCardOutputSerializer, genre_data
from catalog.models import CreditRole, MediaType, OfferKind
from catalog.search import PersonHit
from core.api.serializers import StrictInputSerializer
from discovery.cards import PAGE_ONLY_FIELDS, Credit, RatingLine, TitleCard, TitleDetail, WatchOffers
from discovery.filters import (
    BOUNDS,
    MAX_GENRE_CHARS,
    MAX_LANGUAGE_CHARS,
    MAX_QUERY_CHARS,
    MAX_VALUES,
    DiscoveryFilters,
    SortBy,
    discovery_filters_from,
    keyword_query_from,
    watch_filters_of,
)


def _names(max_chars: int) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=max_chars), required=False, max_length=MAX_VALUES
    )


def _bounded(
    field: type[serializers.IntegerField] | type[serializers.FloatField], name: str
) -> serializers.IntegerField | serializers.FloatField:
    low, high = BOUNDS[name]
    return field(min_value=low, max_value=high, required=False, allow_null=True)


class OnMyServicesInputSerializer(serializers.Serializer[Any]):
    """An input with the `on_my_services` box (each route declares the field with its own help), read as the
    caller's where-to-watch filter."""

    def on_services(self) -> DiscoveryFilters | None:
        """The filter of `on_my_services` for the caller (context `viewer`); a 400 naming it when missing."""
        if not self.validated_data.get("on_my_services"):
            return None
        try:
            return DiscoveryFilters(**watch_filters_of(self.context.get("viewer")))
        except ValidationError as exc:
            raise serializers.ValidationError({"on_my_services": exc.messages}) from exc


@extend_schema_serializer(
    component_name="DiscoverFilters",
    examples=[
        OpenApiExample(
            "Dramas of the nineties",
            value={
                "genres": ["Drama"],
                "year_from": 1990,
                "year_to": 1999,
                "min_rating": 7,
                "sort_by": "score",
            },
            request_only=True,
        ),
        OpenApiExample(
            "Unset filters",
            value={"genres": [], "year_from": None, "min_rating": None, "languages": ["fr"]},
            request_only=True,
        ),
    ],
)
class DiscoverInputSerializer(StrictInputSerializer):
    """The filters of a discovery: each optional, null the same as absent; an unknown field is refused.

    Genres are named in English or French, or given by TMDB id; `languages` are original languages (ISO
    639-1 codes, or ISO 639-3 for a language without one). A title matches every filter set, and none of
    `exclude_genres`.
    """

    genres = _names(MAX_GENRE_CHARS)
    exclude_genres = _names(MAX_GENRE_CHARS)
    year_from = _bounded(serializers.IntegerField, "year_from")
    year_to = _bounded(serializers.IntegerField, "year_to")
    min_rating = _bounded(serializers.FloatField, "min_rating")
    min_votes = _bounded(serializers.IntegerField, "min_votes")
    languages = _names(MAX_LANGUAGE_CHARS)
    runtime_min = _bounded(serializers.IntegerField, "runtime_min")
    runtime_max = _bounded(serializers.IntegerField, "runtime_max")
    sort_by = serializers.ChoiceField(choices=SortBy.choices, default=SortBy.SCORE)
    on_my_services = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only titles offered on the caller's services in their country (`/users/me`: "
        "`watch_country`, `watch_services`, `watch_kinds`). Needs a token and the deployment's TMDB key; "
        "else 400 naming `on_my_services`.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        # A Django ValidationError keeps its per-field messages: DRF reports them field by field.
        self._filters = discovery_filters_from(
            attrs, media_type=self.context["media_type"], viewer=self.context.get("viewer")
        )
        return attrs

    def filters(self) -> DiscoveryFilters:
        return self._filters


@extend_schema_serializer(
    component_name="KeywordSearch",
    examples=[OpenApiExample("A title with a typo", value={"query": "pulp fiktion"}, request_only=True)],
)
class KeywordSearchInputSerializer(StrictInputSerializer, OnMyServicesInputSerializer):
    """Words of a title, or a person's name: typos are forgiven."""

    query = serializers.CharField(max_length=MAX_QUERY_CHARS, trim_whitespace=True)
    on_my_services = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only titles the caller's services offer in their country, as the discovery filter.",
    )

    def validate_query(self, value: str) -> str:
        try:
            return keyword_query_from(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


# ---------------------------------------------------------------- output

CARD_OFFER_KINDS = ("flatrate", "free", "ads")  # what a card's logos show (catalog.offers.FILTER_KINDS)
CARD_OFFERS_EXAMPLE: dict[str, Any] = {
    "link": "https://www.themoviedb.org/movie/550-fight-club/watch?locale=FR",
    "services": [
        {
            "key": "netflix",
            "name": "Netflix",
            "logo_path": "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg",
            "kind": "flatrate",
        }
    ],
}


@extend_schema_serializer(component_name="CardService")
class CardServiceOutputSerializer(serializers.Serializer[Any]):
    """A service offering the title in the caller's country, as a card's logo."""

    key = serializers.CharField(help_text="The service's key, as `watch_services` of `/users/me` takes it.")
    name = serializers.CharField(help_text="The service's name, as TMDB gives it.")
    logo_path = serializers.CharField(
        allow_null=True,
        help_text="TMDB's image path of the logo: `https://image.tmdb.org/t/p/w92` + it (any TMDB size).",
    )
    kind = serializers.ChoiceField(
        choices=CARD_OFFER_KINDS, help_text="`flatrate` (subscription), `free` or `ads` (free with ads)."
    )


@extend_schema_serializer(component_name="CardOffers")
class CardOffersOutputSerializer(serializers.Serializer[Any]):
    """Where to watch the title in the caller's country, compactly: TMDB's watch providers, whose data is
    JustWatch's (credit JustWatch where you show them)."""

    link = serializers.URLField(help_text="TMDB's watch page of the title in the caller's country.")
    services = CardServiceOutputSerializer(
        many=True, help_text="Up to four services (subscription, free, with ads), the caller's own first."
    )


def card_offers_data(card: TitleCard) -> dict[str, Any] | None:
    """A card's offers in the caller's country as the API gives them; None when we know of none there (or
    the caller has no country, or the deployment no TMDB key): never made up."""
    if not card.services:
        return None
    return {
        "link": card.services[0].link,
        "services": [
            {"key": o.brand, "name": o.provider_name, "logo_path": o.logo_path or None, "kind": o.kind}
            for o in card.services
        ],
    }


CARD_OFFERS_HELP = (
    "Where to watch it in the caller's country (`watch_country` of `/users/me`): up to four services "
    "offering it by subscription, free or with ads, the caller's own first, and TMDB's watch page. Null "
    "when none is known there, for a caller without a country or without a token, and without the "
    "deployment's TMDB key. The data is JustWatch's, through TMDB: credit JustWatch where you show it."
)


def card_offers_field() -> CardOffersOutputSerializer:
    return CardOffersOutputSerializer(allow_null=True, help_text=CARD_OFFERS_HELP)


@extend_schema_serializer(
    component_name="DiscoveryCard",
    examples=[
        OpenApiExample("A movie", value={**CARD_EXAMPLE, "offers": CARD_OFFERS_EXAMPLE}, response_only=True)
    ],
)
class DiscoveryCardOutputSerializer(TitleCardOutputSerializer):
    """A title card of a discovery, with where to watch it in the caller's country."""

    offers = card_offers_field()

    class Meta(TitleCardOutputSerializer.Meta):
        fields = (*TitleCardOutputSerializer.Meta.fields, "offers")
        read_only_fields = fields


CREDIT_ROLES = tuple(CreditRole.values)  # SearchPerson.role, named CreditRoleEnum in the schema


@extend_schema_serializer(
    component_name="SearchPerson",
    examples=[
        OpenApiExample(
            "A director",
            value={"name": "David Fincher", "role": "director", "titles": 10},
            response_only=True,
        )
    ],
)
class SearchPersonOutputSerializer(serializers.Serializer[PersonHit]):
    """A person the query names: their titles lead the results, best first."""

    name = serializers.CharField(help_text="As the titles credit them.")
    role = serializers.ChoiceField(
        choices=CREDIT_ROLES,
        help_text='What they are known for, and what their first titles are: `director` ("Films by …"), '
        '`actor` ("Films with …") or `writer`.',
    )
    titles = serializers.IntegerField(help_text="How many of their titles of this media type are listed.")


@extend_schema_serializer(component_name="OtherMediaTypeMatch")
class OtherMediaTypeOutputSerializer(serializers.Serializer[Any]):
    """The other media type matches the query clearly better: its best match there."""

    media_type = serializers.ChoiceField(
        choices=MediaType.choices, help_text="Search this media type's route for more."
    )
    title = TitleCardOutputSerializer(help_text="Its best match there.")


def search_person_data(person: PersonHit) -> dict[str, Any]:
    return {"name": person.name, "role": person.role, "titles": len(person.title_ids)}


@extend_schema_serializer(
    component_name="SearchCard",
    examples=[
        OpenApiExample(
            "A movie",
            value={**CARD_EXAMPLE, "offers": CARD_OFFERS_EXAMPLE, "hidden_by_rule": False},
            response_only=True,
        )
    ],
)
class SearchCardOutputSerializer(DiscoveryCardOutputSerializer):
    """A keyword search's card: a title card, and whether the caller's hide rules leave it out elsewhere."""

    hidden_by_rule = serializers.BooleanField(
        help_text="True when one of the caller's hide rules (`/me/hide-rules`) matches the title: search "
        "still finds it, discovery and recommendations leave it out. False without a token."
    )

    class Meta(DiscoveryCardOutputSerializer.Meta):
        fields = (*DiscoveryCardOutputSerializer.Meta.fields, "hidden_by_rule")
        read_only_fields = fields


SEARCH_PAGE_EXAMPLES = [  # the request's examples too: an operation's examples replace its body's
    OpenApiExample("A title with a typo", value={"query": "pulp fiktion"}, request_only=True),
    OpenApiExample("A person's name", value={"query": "fincher"}, request_only=True),
    OpenApiExample(
        "A person's name",
        value={
            "results": [{**CARD_EXAMPLE, "offers": None, "hidden_by_rule": False}],
            "next": "https://example.org/movies/search-by-keywords?page=2&page_size=1",
            "count": None,
            "people": [{"name": "David Fincher", "role": "director", "titles": 10}],
            "good_match": True,
            "other_media_type": None,
        },
        response_only=True,
    ),
    OpenApiExample(
        "No good match",
        value={
            "results": [],
            "next": None,
            "count": None,
            "people": [],
            "good_match": False,
            "other_media_type": None,
        },
        response_only=True,
    ),
]

_CARD_FIELDS = tuple(f.name for f in fields(TitleCard) if f.name not in PAGE_ONLY_FIELDS)


def card_data(card: TitleCard) -> dict[str, Any]:
    """A card as JSON (the schema's TitleCard): every field on every card, a TV show's years and seasons
    null on movies (the card presenter leaves them None there)."""
    data = {name: getattr(card, name) for name in _CARD_FIELDS}
    data["genres"] = genre_data(card.genres)
    data["release_date"] = card.release_date.isoformat() if card.release_date else None
    return data


RATING_SOURCES = ("imdb", "critics", "movielens", "metacritic")  # RatingLine.source


class RatingOutputSerializer(serializers.Serializer[RatingLine]):
    """One rating of the title, who gives it and as of when. Every rating has every field: those of another
    source are null (`votes` is IMDb's and MovieLens's; `reviews` and `meter` the critics'; `scale`
    Metacritic's and MovieLens's)."""

    # A declared field, taken off the class by DRF's metaclass: it does not shadow Field.source.
    source = serializers.ChoiceField(choices=RATING_SOURCES)  # type: ignore[assignment]
    provider = serializers.CharField(
        allow_null=True,
        help_text='Who gives the rating, by its public name: "IMDb (2005)", "MovieLens", "Wikidata".',
    )
    value = serializers.FloatField(help_text="Out of 10, or out of `scale` when it is set.")
    votes = serializers.IntegerField(allow_null=True, help_text="IMDb, MovieLens: how many voted.")
    reviews = serializers.IntegerField(allow_null=True, help_text="Critics: how many reviews.")
    meter = serializers.IntegerField(allow_null=True, help_text="Critics: the share of good reviews, in %.")
    scale = serializers.IntegerField(
        allow_null=True, help_text="Metacritic, MovieLens: the scale of `value` (100, 5 stars)."
    )
    as_of = serializers.DateField(allow_null=True, help_text="The day the rating was read, when known.")
    as_of_year = serializers.IntegerField(
        allow_null=True, help_text="The year the rating was read, when only the year is known."
    )
    used_for_score = serializers.BooleanField(
        help_text="Whether the title's `score` is computed from it (a critics' or MovieLens rating after "
        "calibration onto IMDb's scale)."
    )


class CreditOutputSerializer(serializers.Serializer[Credit]):
    """Where some of the title's data comes from, and on what terms."""

    name = serializers.CharField()
    licence = serializers.CharField()
    attribution = serializers.CharField(help_text="The credit the licence asks for; may be empty.")
    article = serializers.URLField(allow_null=True, help_text="The article an overview was taken from.")


def _rating_data(rating: RatingLine) -> dict[str, Any]:
    return {
        "source": rating.source,
        "provider": rating.provider,
        "value": rating.value,
        "votes": rating.votes,
        "reviews": rating.reviews,
        "meter": rating.meter,
        "scale": rating.scale,
        "as_of": rating.as_of.isoformat() if rating.as_of else None,
        "as_of_year": rating.as_of_year,
        "used_for_score": rating.used_for_score,
    }


def _credit_data(credit: Credit | None) -> dict[str, Any] | None:
    if credit is None:
        return None
    return {
        "name": credit.name,
        "licence": credit.licence,
        "attribution": credit.attribution,
        "article": credit.article or None,
    }


DETAIL_EXAMPLE: dict[str, Any] = {
    **CARD_EXAMPLE,
    "directors": ["David Fincher"],
    "writers": ["Jim Uhls", "Chuck Palahniuk"],
    "actors": ["Brad Pitt", "Edward Norton", "Helena Bonham Carter"],
    "countries": ["US"],
    "alternate_titles": ["El club de la lucha"],
    "ratings": [
        {
            "source": "imdb",
            "provider": "IMDb (2005)",
            "value": 8.8,
            "votes": 2300000,
            "reviews": None,
            "meter": None,
            "scale": None,
            "as_of": None,
            "as_of_year": 2005,
            "used_for_score": True,
        },
        {
            "source": "critics",
            "provider": "Wikidata",
            "value": 7.4,
            "votes": None,
            "reviews": 165,
            "meter": 79,
            "scale": None,
            "as_of": "2026-10-18",
            "as_of_year": None,
            "used_for_score": False,
        },
    ],
    "overview_source": {
        "name": "Wikipedia",
        "licence": "CC BY-SA 4.0",
        "attribution": "Wikipedia contributors",
        "article": "https://en.wikipedia.org/wiki/Fight_Club",
    },
    "source": {
        "name": "Wikidata",
        "licence": "CC0 1.0",
        "attribution": "Wikidata contributors",
        "article": None,
    },
    "watch": {
        "country": "FR",
        "link": "https://www.themoviedb.org/movie/550-fight-club/watch?locale=FR",
        "attribution": "JustWatch",
        "offers": [
            {
                "kind": "flatrate",
                "key": "amazonprimevideo",
                "name": "Amazon Prime Video",
                "provider_ids": [9, 119],
                "logo_url": "https://image.tmdb.org/t/p/w92/dQeAar5H991VYporEjUspolDarG.jpg",
            }
        ],
    },
}


class WatchOfferOutputSerializer(serializers.Serializer[Any]):
    """One service's offer of the title in the country."""

    kind = serializers.ChoiceField(
        choices=OfferKind.choices, help_text="`flatrate` (subscription), `free`, `ads`, `rent` or `buy`."
    )
    key = serializers.CharField(help_text="The service's key, as `watch_services` of `/users/me` takes it.")
    name = serializers.CharField()
    provider_ids = serializers.ListField(child=serializers.IntegerField(), help_text="TMDB's ids.")
    logo_url = serializers.URLField(allow_null=True)


class WatchOffersOutputSerializer(serializers.Serializer[WatchOffers]):
    """Where to watch the title in one country: TMDB's watch providers, whose data is JustWatch's."""

    country = serializers.CharField(
        help_text="ISO 3166-1 alpha-2: the caller's `watch_country`, else US (English) or FR (French)."
    )
    link = serializers.URLField(allow_null=True, help_text="TMDB's watch page of the title in the country.")
    attribution = serializers.CharField(help_text="Whose data it is, to show beside the offers.")
    offers = WatchOfferOutputSerializer(many=True, help_text="Subscription first, then free, ads, rent, buy.")


def _watch_data(watch: WatchOffers | None) -> dict[str, Any] | None:
    if watch is None:
        return None
    return {
        "country": watch.country,
        "link": watch.link,
        "attribution": watch.attribution,
        "offers": [
            {
                "kind": o.kind,
                "key": o.brand,
                "name": o.provider_name,
                "provider_ids": list(o.provider_ids),
                "logo_url": o.logo_url,
            }
            for o in watch.offers
        ],
    }


@extend_schema_serializer(
    component_name="TitleDetail",
    examples=[OpenApiExample("A movie's page", value=DETAIL_EXAMPLE, response_only=True)],
)
class TitleDetailOutputSerializer(TitleCardOutputSerializer):
    """A title's card with what its page shows: people, countries, every rating with its source and date."""

    directors = serializers.ListField(child=serializers.CharField())
    writers = serializers.ListField(child=serializers.CharField())
    # Not `cast`: a Python client generated by openapi-python-client cannot read a property of that name
    # (its models call typing.cast).
    actors = serializers.ListField(child=serializers.CharField(), help_text="The cast, in billing order.")
    countries = serializers.ListField(child=serializers.CharField(), help_text="ISO 3166-1 alpha-2 codes.")
    alternate_titles = serializers.ListField(child=serializers.CharField())
    ratings = RatingOutputSerializer(many=True, help_text="IMDb's first.")
    overview_source = CreditOutputSerializer(allow_null=True, help_text="Null when there is no overview.")
    # DRF's metaclass takes declared fields off the class, so `source` does not shadow Field.source; the
    # stubs cannot tell.
    source = CreditOutputSerializer(  # type: ignore[assignment]
        allow_null=True, help_text="The data set the title comes from."
    )
    watch = WatchOffersOutputSerializer(
        allow_null=True, help_text="Where to watch it; null when the deployment has no TMDB key."
    )

    class Meta(TitleCardOutputSerializer.Meta):
        fields = (
            *TitleCardOutputSerializer.Meta.fields,
            "directors",
            "writers",
            "actors",
            "countries",
            "alternate_titles",
            "ratings",
            "overview_source",
            "source",
            "watch",
        )
        read_only_fields = fields

    # Renders discovery's TitleDetail (the card serializer's fields describe it).
    def to_representation(self, instance: TitleDetail) -> dict[str, Any]:  # type: ignore[override]
        return {
            **card_data(instance),
            "directors": list(instance.directors),
            "writers": list(instance.writers),
            "actors": list(instance.cast),
            "countries": list(instance.countries),
            "alternate_titles": list(instance.alternate_titles),
            "ratings": [_rating_data(r) for r in instance.ratings],
            "overview_source": _credit_data(instance.overview_source),
            "source": _credit_data(instance.source),
            "watch": _watch_data(instance.watch),
        }
