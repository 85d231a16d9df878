"""A conversation's current request, kept in `ChatSession.state`: what the next follow-up refines.

Frozen, so a turn builds the next state instead of editing a shared dict; versioned, so what sessions have
stored stays readable when the shape changes. `from_json` reads every version, including the unversioned
dicts written before version 1 (the same keys, no "version").
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeGuard

from core.parsing import bounded_text

VERSION = 1
MAX_MESSAGE_CHARS = 1000  # one chat message: the API, the page and the interpreter all take this many


def chat_message_from(text: str) -> str:
    """A chat message as a turn takes it: stripped, not empty, at most MAX_MESSAGE_CHARS (the API's and the
    assistant page's one check; the message is Django REST framework's own, as the API has always said)."""
    return bounded_text(text, max_chars=MAX_MESSAGE_CHARS)


Mode = Literal["discover", "similar", "search"]
MODES: tuple[Mode, ...] = ("discover", "similar", "search")
MEDIA_TYPES = ("movie", "tv")


@dataclass(frozen=True)
class RequestFilters:
    """The filters of the current request; an empty field is a filter the conversation has not set."""

    genres: tuple[int, ...] = ()  # TMDB movie genre ids, any of them
    required_genres: tuple[int, ...] = ()  # … and every one of these ("a romantic comedy")
    exclude_genres: tuple[int, ...] = ()  # TMDB movie genre ids, none of them
    year_from: int | None = None
    year_to: int | None = None
    min_rating: float | None = None  # 0..10
    runtime_min: int | None = None  # minutes
    runtime_max: int | None = None
    languages: tuple[str, ...] = ()  # ISO 639-1 original languages
    people: tuple[str, ...] = ()  # names as typed, all of them
    on_my_services: bool = False  # offered by one of the user's services in their country
    services: tuple[str, ...] = ()  # … or by one of these (brand keys: "on Netflix")

    def refined_by(self, said: "RequestFilters") -> "RequestFilters":
        """A follow-up: what it says replaces the same filter ("only French ones"); exclusions add up."""
        changes: dict[str, Any] = {
            name: value
            for name, value in _values(said).items()
            if value is not None and value != () and value is not False
        }
        excluded = set(said.exclude_genres)
        if said.genres:  # a genre named replaces the genres, and is no longer refused
            changes["required_genres"] = said.required_genres
            excluded |= {g for g in self.exclude_genres if g not in said.genres}
        else:
            excluded |= set(self.exclude_genres)
        changes["exclude_genres"] = tuple(sorted(excluded))
        if said.exclude_genres:  # "not horror" after "something scary": no longer wanted either
            for name in ("genres", "required_genres"):
                wanted = changes.get(name, getattr(self, name))
                changes[name] = tuple(g for g in wanted if g not in said.exclude_genres)
        return RequestFilters(**{**_values(self), **changes})

    def to_json(self) -> dict[str, Any]:
        """Only the filters set, as lists: the shape sessions store and the API shows."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in _values(self).items()
            if value is not None and value != () and value is not False
        }

    @classmethod
    def from_json(cls, data: object) -> "RequestFilters":
        """Read what `to_json` wrote; a value of the wrong type reads as not set rather than failing."""
        if not isinstance(data, Mapping):
            return cls()
        return cls(
            genres=_ints(data.get("genres")),
            required_genres=_ints(data.get("required_genres")),
            exclude_genres=_ints(data.get("exclude_genres")),
            year_from=_int_or_none(data.get("year_from")),
            year_to=_int_or_none(data.get("year_to")),
            min_rating=_number_or_none(data.get("min_rating")),
            runtime_min=_int_or_none(data.get("runtime_min")),
            runtime_max=_int_or_none(data.get("runtime_max")),
            languages=_strings(data.get("languages")),
            people=_strings(data.get("people")),
            on_my_services=data.get("on_my_services") is True,
            services=_strings(data.get("services")),
        )


@dataclass(frozen=True)
class ConversationState:
    """What the assistant is showing: a discovery, titles similar to one, or a title search."""

    version: int = VERSION
    mode: Mode = "discover"
    media_type: str = "movie"  # "movie" | "tv"
    filters: RequestFilters = field(default_factory=RequestFilters)
    page: int = 1
    shown: tuple[int, ...] = ()  # title ids of the last answer, in order: "like the second one"
    anchor: int | None = None  # the title id a similarity is anchored on, once found
    query: str = ""  # the title text searched for, or to anchor a similarity on
    ordinal: int | None = None  # "like the second one" -> 2, until it becomes the anchor
    group: int | None = None  # the household the picks are for ("for the two of us"), by id
    choosing_group: bool = False  # asked which group: the next message may name one

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "mode": self.mode,
            "media_type": self.media_type,
            "filters": self.filters.to_json(),
            "page": self.page,
            "shown": list(self.shown),
            "anchor": self.anchor,
            "query": self.query,
            "ordinal": self.ordinal,
            # who the picks are for: written only when set, so states without one keep their shape
            **({"group": self.group} if self.group is not None else {}),
            **({"choosing_group": True} if self.choosing_group else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> "ConversationState":
        """Any stored version, unversioned dicts included; a missing or mistyped key takes its default."""
        mode = data.get("mode")
        media_type = data.get("media_type")
        page = _int_or_none(data.get("page"))
        query = data.get("query")
        return cls(
            mode=mode if _is_mode(mode) else "discover",
            media_type=media_type if isinstance(media_type, str) and media_type in MEDIA_TYPES else "movie",
            filters=RequestFilters.from_json(data.get("filters")),
            page=page if page is not None and page >= 1 else 1,
            shown=_ints(data.get("shown")),
            anchor=_int_or_none(data.get("anchor")),
            query=query if isinstance(query, str) else "",
            ordinal=_int_or_none(data.get("ordinal")),
            group=_int_or_none(data.get("group")),
            choosing_group=data.get("choosing_group") is True,
        )


def _values(filters: RequestFilters) -> dict[str, Any]:
    return {f.name: getattr(filters, f.name) for f in fields(filters)}


def _is_mode(value: object) -> TypeGuard[Mode]:
    return value in MODES


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number_or_none(value: object) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _ints(value: object) -> tuple[int, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(item for item in value if isinstance(item, int) and not isinstance(item, bool))


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(item for item in value if isinstance(item, str))
