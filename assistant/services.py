"""One chat turn: interpret the message, update the session's request, run the same discovery, search and
similarity as the REST routes (so exclusion, ranking and localization are identical), and reply."""

import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from assistant.clients import get_interpreter
from assistant.clients.offline import OfflineInterpreter
from assistant.clients.types import InterpreterResult, InterpreterUnavailable, Turn
from assistant.describe import describe_request, pick_reason
from assistant.interpreter import Interpretation
from assistant.models import ChatMessage, ChatSession
from catalog.genre_mapping import genre_ids_for
from catalog.models import Genre, MediaType, Title
from catalog.search import titles_search, titles_search_page
from catalog.selectors import (
    DiscoveryFilters,
    titles_discover,
    titles_filter,
    titles_similar,
)

PICKS = 5
HISTORY_TURNS = 6
FILTER_FIELDS = (
    "genres",
    "exclude_genres",
    "year_from",
    "year_to",
    "min_rating",
    "runtime_min",
    "runtime_max",
    "languages",
    "people",
)


@dataclass(frozen=True)
class TurnResult:
    session: ChatSession
    reply: str
    intent: str
    filters: dict[str, Any]
    titles: list[Title]


def chat_session_for(*, user: User, session_id: int | None) -> ChatSession:
    """The user's session (404 for anyone else's), or a new one."""
    if session_id is None:
        return ChatSession(user=user)
    return get_object_or_404(ChatSession, pk=session_id, user=user)


def _interpret(message: str, history: list[Turn]) -> InterpreterResult:
    interpreter = get_interpreter()
    try:
        return interpreter.interpret(message, history=history)
    except InterpreterUnavailable:
        return OfflineInterpreter().interpret(message, history=history)


def chat_turn(
    *, user: User, message: str, session_id: int | None = None, language: str | None = None
) -> TurnResult:
    """Answer one message; `language` forces the reply's language, else the message's own language is used."""
    started = time.monotonic()
    session = chat_session_for(user=user, session_id=session_id)
    history = (
        []
        if session.pk is None
        else [Turn(m.role, m.text) for m in session.messages.order_by("-pk")[:HISTORY_TURNS]][::-1]
    )
    result = _interpret(message, history)
    meaning = result.interpretation
    reply_language = language or meaning.language
    state = _next_state(session.state, meaning)
    with translation.override(reply_language):
        titles, anchor, notice = _run(state, meaning, user=user)
        state["shown"] = [t.pk for t in titles]
        reply = _reply(state, meaning, titles, anchor, notice, language=reply_language)
    filters = _public_filters(state, reply_language)
    elapsed = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        session.state = state
        session.title = session.title or message[:120]
        session.save()
        ChatMessage.objects.create(session=session, role=ChatMessage.Role.USER, text=message)
        ChatMessage.objects.create(
            session=session,
            role=ChatMessage.Role.ASSISTANT,
            text=reply,
            intent=meaning.intent,
            filters=filters,
            title_ids=state["shown"],
            backend=result.backend,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            elapsed_ms=elapsed,
        )
    return TurnResult(session=session, reply=reply, intent=meaning.intent, filters=filters, titles=titles)


# ---------------------------------------------------------------- the session's request


def _filters_of(meaning: Interpretation) -> dict[str, Any]:
    values = {name: getattr(meaning, name) for name in FILTER_FIELDS}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items() if v not in (None, ())}


def _next_state(previous: dict[str, Any], meaning: Interpretation) -> dict[str, Any]:
    """Follow-ups refine the current request; a new request or a reset replaces it."""
    fresh = {
        "mode": "discover",
        "media_type": meaning.media_type or MediaType.MOVIE,
        "filters": _filters_of(meaning),
        "page": 1,
        "shown": [],
        "anchor": None,
        "query": "",
    }
    intent = meaning.intent
    if not previous or intent in ("discover", "reset"):
        if intent == "similar" or intent == "search":
            return _next_state(fresh, meaning)
        return fresh
    state = {**previous, "filters": dict(previous.get("filters", {}))}
    if meaning.media_type:
        state["media_type"] = meaning.media_type
    if intent == "more":
        state["page"] = state.get("page", 1) + 1
        return state
    if intent == "similar":
        state.update(
            mode="similar",
            page=1,
            anchor=None,
            query=meaning.titles[0] if meaning.titles else "",
            ordinal=meaning.ordinal,
            filters=_filters_of(meaning),
        )
        return state
    if intent == "search":
        state.update(mode="search", page=1, query=meaning.titles[0] if meaning.titles else "", filters={})
        return state
    # refine: what the message says replaces the same filter; exclusions add up
    if state.get("mode") == "search":  # "find Heat", then "only French ones": a request, not a title search
        state["mode"] = "discover"
    for name, value in _filters_of(meaning).items():
        if name == "exclude_genres":
            state["filters"][name] = sorted({*state["filters"].get(name, []), *value})
        else:
            state["filters"][name] = value
    for adjustment in meaning.adjustments:
        _adjust(state, adjustment)
    state["page"] = 1
    return state


def _adjust(state: dict[str, Any], adjustment: str) -> None:
    """ "older", "shorter"… relative to what was just shown."""
    shown = list(Title.objects.filter(pk__in=state.get("shown", [])).values("year", "runtime", "rating"))
    filters = state["filters"]
    years = [t["year"] for t in shown if t["year"]]
    runtimes = [t["runtime"] for t in shown if t["runtime"]]
    ratings = [t["rating"] for t in shown if t["rating"] is not None]
    if adjustment == "older":
        filters["year_to"] = (min(years) if years else filters.get("year_to") or 2000) - 1
        if filters.get("year_from", 0) > filters["year_to"]:
            del filters["year_from"]
    elif adjustment == "newer":
        filters["year_from"] = (max(years) if years else filters.get("year_from") or 2000) + 1
        if filters.get("year_to", 9999) < filters["year_from"]:
            del filters["year_to"]
    elif adjustment == "shorter":
        filters["runtime_max"] = (min(runtimes) if runtimes else filters.get("runtime_max") or 120) - 1
    elif adjustment == "longer":
        filters["runtime_min"] = (max(runtimes) if runtimes else filters.get("runtime_min") or 90) + 1
    elif adjustment == "better":
        filters["min_rating"] = round(min(10.0, (max(ratings) if ratings else 6.5) + 0.1), 1)


def _discovery_filters(state: dict[str, Any]) -> DiscoveryFilters:
    values = dict(state.get("filters", {}))
    media_type = state.get("media_type", MediaType.MOVIE)
    for name in ("genres", "exclude_genres"):
        ids = genre_ids_for(tuple(values.get(name, ())), media_type=media_type)
        values[name] = (
            tuple(Genre.objects.filter(tmdb_id__in=ids).values_list("pk", flat=True)) if ids else ()
        )
    values["languages"] = tuple(values.get("languages", ()))
    values["people"] = tuple(values.get("people", ()))
    return DiscoveryFilters(**values)


def _page(titles: Any, page: int) -> list[Title]:
    start = (page - 1) * PICKS
    return list(titles[start : start + PICKS])


def _run(
    state: dict[str, Any], meaning: Interpretation, *, user: User
) -> tuple[list[Title], Title | None, str]:
    """The titles to show, the title a similarity is anchored on, and a notice if something was not found."""
    media_type = state.get("media_type", MediaType.MOVIE)
    page = state.get("page", 1)
    if state["mode"] == "search":
        titles, _more = titles_search_page(
            query=state.get("query", ""), media_type=media_type, page=page, page_size=PICKS, user=user
        )
        return titles, None, ""
    if state["mode"] == "similar":
        if not (state.get("anchor") or state.get("ordinal") or state.get("query")):
            state["mode"] = "discover"  # "something like" and nothing after it
            return [], None, "no-title"
        anchor = _anchor(state, media_type)
        if anchor is None:
            state["mode"] = "discover"
            return [], None, "no-anchor"
        state["anchor"], state["media_type"] = anchor.pk, anchor.media_type
        similar = titles_filter(titles_similar(title=anchor, user=user), _discovery_filters(state))
        return _page(similar, page), anchor, ""
    titles, _skipped = titles_discover(
        media_type=media_type,
        filters=_discovery_filters(state),
        user=user,
        language=translation.get_language() or "en",
    )
    return _page(titles, page), None, ""


def _anchor(state: dict[str, Any], media_type: str) -> Title | None:
    if state.get("anchor"):
        return Title.objects.filter(pk=state["anchor"]).first()
    ordinal = state.pop("ordinal", None)
    if ordinal:
        shown = state.get("shown", [])
        return Title.objects.filter(pk=shown[ordinal - 1]).first() if 0 < ordinal <= len(shown) else None
    query = state.get("query", "")
    for kind in dict.fromkeys([media_type, MediaType.MOVIE, MediaType.TV]):
        hits = titles_search(query=query, media_type=kind)
        if hits:
            return Title.objects.get(pk=hits[0].pk)
    return None


# ---------------------------------------------------------------- the reply


def _reply(
    state: dict[str, Any],
    meaning: Interpretation,
    titles: list[Title],
    anchor: Title | None,
    notice: str,
    *,
    language: str,
) -> str:
    if notice == "no-anchor":
        wanted = state.get("query") or _("that title")
        return _("I could not find “%(title)s” in the catalog. Could you give its exact title?") % {
            "title": wanted
        }
    if notice == "no-title":
        return _("Similar to which title? Name one you liked, for example “something like Heat”.")
    what = describe_request(state, language=language)
    opening = _("Let's start over.") + " " if meaning.intent == "reset" else ""
    if not titles:
        return opening + _("I found nothing you haven't seen yet for %(what)s. Try loosening a filter.") % {
            "what": what
        }
    if state["mode"] == "similar" and anchor is not None:
        opening += _("Because you mentioned %(title)s (%(year)s), here are titles close to it") % {
            "title": anchor.title_fr if language == "fr" and anchor.title_fr else anchor.title_en,
            "year": anchor.year or "?",
        }
        opening += (_(", among %(what)s") % {"what": what} if state.get("filters") else "") + ":"
    elif state["mode"] == "search":
        opening += _("Here is what I found for “%(query)s” that you haven't seen:") % {
            "query": state["query"]
        }
    else:
        opening += ngettext(
            "Here is %(count)d pick you haven't seen: %(what)s.",
            "Here are %(count)d picks you haven't seen: %(what)s.",
            len(titles),
        ) % {"count": len(titles), "what": what}
    lines = [opening]
    for index, title in enumerate(titles, start=1):
        lines.append(f"{index}. {pick_reason(title, state, anchor, language=language)}")
    lines.append(
        _("Ask for “more”, refine (“only French ones”, “shorter”, “not horror”) or say “something else”.")
    )
    return "\n".join(lines)


def _public_filters(state: dict[str, Any], language: str) -> dict[str, Any]:
    """The request as the API shows it: genre names in the reply's language, and what it is anchored on."""
    filters = dict(state.get("filters", {}))
    for name in ("genres", "exclude_genres"):
        if filters.get(name):
            genres = Genre.objects.filter(
                tmdb_id__in=genre_ids_for(tuple(filters[name]), media_type=state.get("media_type", "movie"))
            )
            filters[name] = sorted(g.name(language) for g in genres)
    filters["media_type"] = state.get("media_type", MediaType.MOVIE)
    if state.get("anchor"):
        filters["similar_to"] = state["anchor"]
    if state.get("mode") == "search":
        filters["query"] = state.get("query", "")
    return filters


def chat_session_delete(*, user: User, session_id: int) -> None:
    get_object_or_404(ChatSession, pk=session_id, user=user).delete()
