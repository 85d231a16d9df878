"""Any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp); the only module importing openai.

The model turns the message into {intent, filters, titles, language} under a strict JSON schema. Its output
is validated here; titles it names are only text (resolved later in our catalog; its ids are never trusted).
"""

import json
import logging
from typing import Any

import openai
from django.conf import settings
from openai.types.chat import ChatCompletionMessageParam

from assistant.clients.types import InterpreterResult, InterpreterUnavailable, Turn
from assistant.interpreter import INTENTS, Interpretation
from assistant.interpreter.audience import GROUPS
from catalog.brands import BRAND_NAMES
from catalog.genres import REQUEST_GENRES

logger = logging.getLogger(__name__)

GENRES = REQUEST_GENRES  # English name in lower case → TMDB movie genre id, as the schema lists them
ADJUSTMENTS = ("older", "newer", "shorter", "longer", "better")
SERVICES = sorted(BRAND_NAMES)  # service brand keys, as the schema lists them
_NULLABLE_INT = {"type": ["integer", "null"]}
_NULLABLE_NUMBER = {"type": ["number", "null"]}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_GENRE_LIST = {"type": "array", "items": {"type": "string", "enum": sorted(GENRES)}}
_FILTER_PROPERTIES = {
    "media_type": {"type": ["string", "null"], "enum": ["movie", "tv", None]},
    "genres": _GENRE_LIST,
    "required_genres": _GENRE_LIST,
    "exclude_genres": _GENRE_LIST,
    "year_from": _NULLABLE_INT,
    "year_to": _NULLABLE_INT,
    "min_rating": _NULLABLE_NUMBER,
    "runtime_min": _NULLABLE_INT,
    "runtime_max": _NULLABLE_INT,
    "languages": _STRINGS,
    "people": _STRINGS,
    "adjustments": {
        "type": "array",
        "items": {"type": "string", "enum": list(ADJUSTMENTS)},
    },
    "ordinal": _NULLABLE_INT,
    "group": {"type": ["string", "null"], "enum": [*GROUPS, None]},
    "on_my_services": {"type": "boolean"},
    "services": {"type": "array", "items": {"type": "string", "enum": SERVICES}},
}
# Strict structured output wants every property required (nullable ones say null).
FILTERS_SCHEMA = {
    "type": "object",
    "properties": _FILTER_PROPERTIES,
    "required": list(_FILTER_PROPERTIES),
    "additionalProperties": False,
}
RESPONSE_SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": list(INTENTS)},
        "filters": FILTERS_SCHEMA,
        "titles": _STRINGS,
        "language": {"type": "string", "enum": ["en", "fr"]},
    },
    "required": ["intent", "filters", "titles", "language"],
    "additionalProperties": False,
}
SYSTEM_PROMPT = (
    "You turn one message of a movie and TV-show discovery chat into a search request. The user writes "
    "in English or French. Intents: discover (filters), similar (titles like a named title, or like the "
    "n-th result shown: set ordinal), search (a title by name), refine (a follow-up changing the current "
    "request), more (more results), reset (start over). Genres only from the enum. Languages are ISO 639-1 "
    "codes of the original language. Years are release years. min_rating is on a 0-10 scale. Runtimes are "
    "minutes. Copy titles and people names as the user wrote them. Never add what the user did not ask for. "
    "Negation and contrast (not, no, without, less, but not, pas de, sans, moins, pas trop) put the genre in "
    "exclude_genres: 'like Alien but less scary' is similar to Alien excluding horror. 'Actually make it a "
    "comedy' / 'finalement une comédie' is refine with the new genre. Follow-ups that only give a period, a "
    "length, a language or a rating ('from the 50s please', 'moins de deux heures') are refine; 'more', "
    "'others', 'plus', 'encore', 'd'autres', 'la suite' are more; only 'something else entirely' / 'autre "
    "chose' is reset. Moods: funny is comedy, sad, moving or 'something to cry to' / 'pour pleurer' is "
    "drama, scary is horror; feel-good, cozy, light or 'a rainy Sunday' / 'un dimanche pluvieux' is genres "
    "comedy and family excluding horror and war; a date movie / 'un rencard' is genres romance and comedy "
    "excluding horror and war; for kids / enfants / famille, or a child of 12 or under ('my 8 year old', "
    "'mon fils de 10 ans') is genres family and animation excluding horror, thriller, crime, war and "
    "romance. Genres listed in required_genres must all be present: a romantic comedy is genres and "
    "required_genres comedy and romance; with a mood or an audience, a genre named outright is required "
    "too ('animated film for kids' requires animation). A surname alone is a person ('un film de "
    "Miyazaki'), also used as a noun ('a Tarantino movie', 'un Tarantino', 'le dernier Nolan'); names in "
    "lower case are people too ('films with robert de niro'). Who it is for: group two for 'for the two of "
    "us', "
    "'pour nous deux', 'for me and my wife'; family for 'for the whole family', 'pour toute la famille'; "
    "us for 'for us', 'pour nous'; else null. on_my_services is true for 'on my services', 'sur mes "
    "plateformes'; services named ('on Netflix', 'sur Disney+') go in services, from the enum. Greetings, "
    "thanks, requests for help, questions about anything but films and shows, and gibberish are clarify "
    "with empty filters."
)


def _turn_message(turn: Turn) -> ChatCompletionMessageParam:
    """An earlier turn in its role: the assistant's own replies, anything else as the user's words."""
    if turn.role == "assistant":
        return {"role": "assistant", "content": turn.text}
    return {"role": "user", "content": turn.text}


class OpenAICompatibleInterpreter:
    def __init__(self) -> None:
        self.client = openai.OpenAI(
            api_key=settings.OPENAI_API_KEY or "not-needed",  # local servers accept any key
            base_url=settings.OPENAI_BASE_URL or None,
            timeout=settings.OPENAI_TIMEOUT_SECONDS,
            max_retries=0,  # a slow model must not hold the chat: we fall back instead of retrying
        )
        self.model = settings.OPENAI_MODEL

    def interpret(self, message: str, *, history: list[Turn]) -> InterpreterResult:
        messages: list[ChatCompletionMessageParam] = [{"role": "system", "content": SYSTEM_PROMPT}]
        # Only this session's own turns; the user's words only ever travel in the user role.
        messages += [_turn_message(t) for t in history[-6:]]
        messages.append({"role": "user", "content": message})
        try:
            completion = self.client.chat.completions.create(
                model=self.model,
                messages=messages,
                temperature=0,
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "discovery_request", "strict": True, "schema": RESPONSE_SCHEMA},
                },
            )
        except openai.OpenAIError as exc:
            logger.warning(
                "LLM unavailable (%s): falling back to the offline interpreter", type(exc).__name__
            )
            raise InterpreterUnavailable(type(exc).__name__) from None
        try:
            content = completion.choices[0].message.content or ""
            interpretation = parse_model_output(json.loads(content))
        except (IndexError, AttributeError, ValueError, TypeError, KeyError) as exc:
            logger.warning("LLM output rejected (%s): falling back to the offline interpreter", exc)
            raise InterpreterUnavailable("invalid output") from None
        usage = getattr(completion, "usage", None)
        return InterpreterResult(
            interpretation=interpretation,
            backend="llm",
            prompt_tokens=getattr(usage, "prompt_tokens", None),
            completion_tokens=getattr(usage, "completion_tokens", None),
        )


def _int(value: Any, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ValueError(f"out of range: {value!r}")
    return int(value)


def _strings(value: Any, limit: int = 10) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return tuple(v.strip()[:200] for v in value[:limit] if v.strip())


def parse_model_output(data: Any) -> Interpretation:
    """Validate the model's JSON against what we accept; anything off raises ValueError."""
    if not isinstance(data, dict) or data.get("intent") not in INTENTS:
        raise ValueError("bad intent")
    filters = data.get("filters")
    if not isinstance(filters, dict):
        raise ValueError("bad filters")
    genres = [g.lower() for g in _strings(filters.get("genres", []))]
    required = [g.lower() for g in _strings(filters.get("required_genres", []))]
    excluded = [g.lower() for g in _strings(filters.get("exclude_genres", []))]
    if any(g not in GENRES for g in genres + required + excluded):
        raise ValueError("unknown genre")
    media_type = filters.get("media_type")
    if media_type not in ("movie", "tv", None):
        raise ValueError("bad media type")
    languages = tuple(code.lower() for code in _strings(filters.get("languages", [])))
    if any(len(code) != 2 or not code.isalpha() for code in languages):
        raise ValueError("bad language code")
    rating = filters.get("min_rating")
    if rating is not None and (not isinstance(rating, int | float) or not 0 <= rating <= 10):
        raise ValueError("bad rating")
    adjustments = _strings(filters.get("adjustments", []))
    if any(a not in ADJUSTMENTS for a in adjustments):
        raise ValueError("bad adjustment")
    group = filters.get("group")
    if group is not None and group not in GROUPS:
        raise ValueError("bad group")
    on_my_services = filters.get("on_my_services", False)
    if not isinstance(on_my_services, bool):
        raise ValueError("bad on_my_services")
    services = tuple(dict.fromkeys(_strings(filters.get("services", []))))
    if any(s not in BRAND_NAMES for s in services):
        raise ValueError("unknown service")
    return Interpretation(
        intent=data["intent"],
        language=language if (language := data.get("language")) in ("en", "fr") else "en",
        media_type=media_type,
        genres=tuple(dict.fromkeys(GENRES[g] for g in genres + required)),  # required ones are wanted too
        required_genres=tuple(GENRES[g] for g in required),
        exclude_genres=tuple(GENRES[g] for g in excluded),
        year_from=_int(filters.get("year_from"), 1870, 2100),
        year_to=_int(filters.get("year_to"), 1870, 2100),
        min_rating=float(rating) if rating is not None else None,
        runtime_min=_int(filters.get("runtime_min"), 0, 2000),
        runtime_max=_int(filters.get("runtime_max"), 0, 2000),
        languages=languages,
        people=_strings(filters.get("people", [])),
        titles=_strings(data.get("titles", [])),
        adjustments=adjustments,
        ordinal=_int(filters.get("ordinal"), 1, 100),
        group=group,
        on_my_services=on_my_services,
        services=services,
    )
