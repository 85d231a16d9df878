"""What the interpreter hands back: frozen data, the same whichever interpreter (offline or model) read it."""

from dataclasses import dataclass

# "clarify": small talk or words it cannot read ("hello", "merci", keyboard mashing): a short reply with
# examples, and no list.
INTENTS = ("discover", "similar", "search", "refine", "more", "reset", "clarify")
# What a reply says it did: an interpreter's intent, or "hide" (the message made a hide rule:
# assistant.hiding).
REPLY_INTENTS = (*INTENTS, "hide")


@dataclass(frozen=True)
class Interpretation:
    """What one chat message asks for; an empty field means the message did not say."""

    intent: str  # one of INTENTS
    language: str  # "en" | "fr": the language the message is written in (default "en")
    media_type: str | None = None  # "movie" | "tv"
    genres: tuple[int, ...] = ()  # TMDB movie genre ids wanted (any of them)
    required_genres: tuple[int, ...] = ()  # … and those a title must all have ("a romantic comedy")
    exclude_genres: tuple[int, ...] = ()  # TMDB movie genre ids not wanted
    year_from: int | None = None
    year_to: int | None = None
    min_rating: float | None = None  # 0..10
    runtime_min: int | None = None  # minutes
    runtime_max: int | None = None
    languages: tuple[str, ...] = ()  # ISO 639-1 original languages
    people: tuple[str, ...] = ()  # person names as typed
    titles: tuple[str, ...] = ()  # title texts as typed
    adjustments: tuple[str, ...] = ()  # "older", "newer", "shorter", "longer", "better"
    ordinal: int | None = None  # "like the second one" -> 2 (1-based)
    group: str | None = None  # "for the two of us": one of audience.GROUPS ("two", "us", "family")
    on_my_services: bool = False  # "on my services": the user's own services
    services: tuple[str, ...] = ()  # "on Netflix": service brand keys (catalog.offers.brand_of)
