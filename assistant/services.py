"""One chat turn: interpret the message, update the session's request, run the same discovery, search and
similarity as the REST routes (so exclusion, ranking and localization are identical), and reply."""

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from assistant.audience import (
    WatchUnavailable,
    group_label,
    group_named,
    group_of,
    group_question,
    group_wanted,
    services_said,
    titles_for_group,
    watch_filter_values,
    watch_wanted,
)
from assistant.clients import get_interpreter
from assistant.clients.offline import OfflineInterpreter
from assistant.clients.types import InterpreterResult, InterpreterUnavailable, Turn
from assistant.hiding import HideRequest, hide_request
from assistant.interpreter import Interpretation
from assistant.interpreter.filters import probe_text
from assistant.models import ChatMessage, ChatSession
from assistant.picks import discover_picks
from assistant.state import ConversationState, RequestFilters
from catalog.genres import DRAMA, genre_ids_for
from catalog.models import Genre, MediaType, Person, Title, person_key
from catalog.people import person_named
from catalog.search import titles_search
from catalog.selectors import embedded_catalog_end
from core.exceptions import NotFound
from discovery.describe import describe_request, pick_reason
from discovery.filters import DiscoveryFilters
from discovery.services import search_page, similar_page
from households.cards import member_reasons_of
from households.models import Household
from households.picks import group_picks
from library.selectors import hide_rule_label
from library.services import hide_rule_create

PICKS = 5
HISTORY_TURNS = 6


@dataclass(frozen=True)
class TurnResult:
    session: ChatSession
    reply: str
    intent: str
    filters: dict[str, Any]
    titles: list[Title]


def session_not_found() -> NotFound:
    """Someone else's session, or none: the same answer, which names nothing of the database."""
    return NotFound(_("No such chat session."))


def chat_session_for(*, user: User, session_id: int | None) -> ChatSession:
    """The user's session, or a new one; anyone else's is NotFound, as if it did not exist."""
    if session_id is None:
        return ChatSession(user=user)
    return _own_session(user=user, session_id=session_id)


def _own_session(*, user: User, session_id: int) -> ChatSession:
    session = ChatSession.objects.filter(pk=session_id, user=user).first()
    if session is None:
        raise session_not_found()
    return session


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
        if session_id is None  # a new session, not saved yet
        else [Turn(m.role, m.text) for m in session.messages.order_by("-pk")[:HISTORY_TURNS]][::-1]
    )
    asked_to_hide = hide_request(message)
    if asked_to_hide is not None:
        return _hide_turn(session, message, asked_to_hide, user=user, language=language)
    result = _interpret(message, history)
    previous = ConversationState.from_json(session.state) if session.state else None
    chosen = group_named(user=user, message=message) if previous and previous.choosing_group else None
    if previous is not None and chosen is not None:  # "Sofa": the group asked about, for the request kept
        meaning = replace(result.interpretation, intent="refine")
        state: ConversationState | None = replace(previous, group=chosen.pk, choosing_group=False, page=1)
    else:
        meaning = _in_context(result.interpretation, message=message, previous=previous)
        state = None if meaning.intent == "clarify" else _next_state(previous, meaning)
    reply_language = language or meaning.language
    titles: list[Title] = []
    # "for the two of us": which of the user's groups
    found = group_wanted(user=user, wanted=meaning.group) if meaning.group and state and not chosen else None
    if state is None:  # nothing to search for: the request stays as it was
        state = previous or ConversationState()
        with translation.override(reply_language):
            reply = _clarify_reply()
    elif found is not None and found.group is None:  # which group? (or, without any, how to make one)
        meaning = replace(meaning, intent="clarify")
        state = replace(state, group=None, choosing_group=bool(found.choices), shown=())
        with translation.override(reply_language):
            reply = group_question(found.choices)
    else:
        if found is not None and found.group is not None:
            state = replace(state, group=found.group.pk, choosing_group=False)
        notes: dict[int, str] = {}
        with translation.override(reply_language):
            state, titles, anchor, notice = _run(state, user=user, notes=notes)
            state = replace(state, shown=tuple(t.pk for t in titles))
            reply = _reply(
                state, meaning, titles, anchor, notice, language=reply_language, user=user, notes=notes
            )
    filters = _public_filters(state, reply_language, user=user)
    elapsed = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        session.state = state.to_json()
        session.title = session.title or message[:120]
        session.save()
        ChatMessage.objects.create(session=session, role=ChatMessage.Role.USER, text=message)
        ChatMessage.objects.create(
            session=session,
            role=ChatMessage.Role.ASSISTANT,
            text=reply,
            intent=meaning.intent,
            filters=filters,
            title_ids=list(state.shown),
            backend=result.backend,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            elapsed_ms=elapsed,
        )
    return TurnResult(session=session, reply=reply, intent=meaning.intent, filters=filters, titles=titles)


def _hide_turn(
    session: ChatSession, message: str, asked: HideRequest, *, user: User, language: str | None
) -> TurnResult:
    """ "No more horror": the hide rule made (or found), said in words; the conversation's request is kept."""
    rule, _created = hide_rule_create(user=user, kind=asked.kind, value=asked.value)
    reply_language = language or OfflineInterpreter().interpret(message, history=[]).interpretation.language
    with translation.override(reply_language):
        reply = _("Done: from now on I leave out %(kind)s: %(label)s. Undo it on the Hidden page.") % {
            "kind": rule.get_kind_display().lower(),
            "label": hide_rule_label(rule, reply_language),
        }
    state = ConversationState.from_json(session.state) if session.state else ConversationState()
    filters = _public_filters(state, reply_language, user=user)
    with transaction.atomic():
        session.state = state.to_json()
        session.title = session.title or message[:120]
        session.save()
        ChatMessage.objects.create(session=session, role=ChatMessage.Role.USER, text=message)
        ChatMessage.objects.create(
            session=session, role=ChatMessage.Role.ASSISTANT, text=reply, intent="hide", filters=filters
        )
    return TurnResult(session=session, reply=reply, intent="hide", filters=filters, titles=[])


# ---------------------------------------------------------------- the session's request


def _in_context(
    meaning: Interpretation, *, message: str, previous: ConversationState | None
) -> Interpretation:
    """What a message means in this conversation, whichever interpreter read it.

    People are who the catalog knows by that name ("Miyazaki" is Hayao Miyazaki, "Jean Reno" is never Jean
    Renoir). A message that only narrows (a period, a length, a language, a rating) refines the current
    request rather than starting another: only a genre, a title, or a kind of title with people starts over.
    A message of which nothing was understood is a person when someone bears that whole name ("Robert De
    Niro"), a title when the search finds one ("Heat"), else a question back.
    """
    if meaning.people:
        meaning = replace(meaning, people=_people_meant(meaning.people))
    if meaning.intent != "discover":
        return meaning
    bare = Interpretation(intent="discover", language=meaning.language)
    if meaning == bare:
        if not probe_text(message, meaning.language == "fr").content:
            return meaning  # "something", "a suggestion please": anything will do
        if (person := _person_alone(message)) is not None:
            return replace(meaning, people=(person,))
        if any(titles_search(query=message, media_type=kind) for kind in (MediaType.MOVIE, MediaType.TV)):
            return replace(meaning, intent="search", titles=(message.strip(),))
        return replace(meaning, intent="clarify")
    new_request = bool(meaning.genres or meaning.titles or (meaning.media_type and meaning.people))
    if previous is not None and not new_request:
        return replace(meaning, intent="refine")
    return meaning


def _people_meant(names: tuple[str, ...]) -> tuple[str, ...]:
    """The catalog's own spelling of the people named. A name nobody bears is kept as typed (the reply says
    nothing was found with them), unless it was a guess: typed in lower case ("films with talking animals")
    or a single word ("a Popular movie"), which is dropped rather than made a person."""
    meant = []
    for name in names:
        person = person_named(name)
        if person is not None:
            meant.append(person.name)
        elif name != name.lower() and len(name.split()) > 1:
            meant.append(name)
    return tuple(dict.fromkeys(meant))


_NAME_ALONE = re.compile(r"[^\W\d_][\w.'-]*(?:\s+[^\W\d_][\w.'-]*){1,4}")


def _person_alone(message: str) -> str | None:
    """A message that is only someone's whole name ("Robert De Niro", "louis de funes"): that person."""
    text = message.strip(" \t\n.!?")
    if not _NAME_ALONE.fullmatch(text):
        return None
    person = person_named(text)
    return person.name if person is not None else None


def _filters_of(meaning: Interpretation) -> RequestFilters:
    return RequestFilters(
        genres=meaning.genres,
        required_genres=meaning.required_genres,
        exclude_genres=meaning.exclude_genres,
        year_from=meaning.year_from,
        year_to=meaning.year_to,
        min_rating=meaning.min_rating,
        runtime_min=meaning.runtime_min,
        runtime_max=meaning.runtime_max,
        languages=meaning.languages,
        people=meaning.people,
        on_my_services=meaning.on_my_services,
        services=meaning.services,
    )


def _next_state(previous: ConversationState | None, meaning: Interpretation) -> ConversationState:
    """Follow-ups refine the current request; a new request or a reset replaces it. Who the picks are for
    (a group) stays until a reset."""
    intent = meaning.intent
    if previous is not None:
        previous = replace(previous, choosing_group=False)
    if previous is None or intent in ("discover", "reset"):
        fresh = ConversationState(
            media_type=meaning.media_type or MediaType.MOVIE,
            filters=_filters_of(meaning),
            group=previous.group if previous is not None and intent != "reset" else None,
        )
        return _next_state(fresh, meaning) if intent in ("similar", "search") else fresh
    state = replace(previous, media_type=meaning.media_type) if meaning.media_type else previous
    if intent == "more":
        return replace(state, page=state.page + 1)
    query = meaning.titles[0] if meaning.titles else ""
    if intent == "similar":
        return replace(
            state,
            mode="similar",
            page=1,
            anchor=None,
            query=query,
            ordinal=meaning.ordinal,
            filters=_filters_of(meaning),
        )
    if intent == "search":
        return replace(state, mode="search", page=1, query=query, filters=RequestFilters())
    # refine: what the message says replaces the same filter; exclusions add up
    filters = state.filters.refined_by(_filters_of(meaning))
    if meaning.adjustments:
        shown = list(Title.objects.filter(pk__in=state.shown).values("year", "runtime", "rating"))
        for adjustment in meaning.adjustments:
            filters = _adjusted(filters, adjustment, shown=shown)
    # "find Heat", then "only French ones": a request, not a title search
    mode = "discover" if state.mode == "search" else state.mode
    return replace(state, mode=mode, filters=filters, page=1)


def _adjusted(
    filters: RequestFilters, adjustment: str, *, shown: Sequence[Mapping[str, Any]]
) -> RequestFilters:
    """ "older", "shorter"… relative to what was just shown."""
    years = [t["year"] for t in shown if t["year"]]
    runtimes = [t["runtime"] for t in shown if t["runtime"]]
    ratings = [t["rating"] for t in shown if t["rating"] is not None]
    if adjustment == "older":
        year_to = (min(years) if years else filters.year_to or 2000) - 1
        year_from = (
            None if filters.year_from is not None and filters.year_from > year_to else filters.year_from
        )
        return replace(filters, year_from=year_from, year_to=year_to)
    if adjustment == "newer":
        year_from = (max(years) if years else filters.year_from or 2000) + 1
        year_to = None if filters.year_to is not None and filters.year_to < year_from else filters.year_to
        return replace(filters, year_from=year_from, year_to=year_to)
    if adjustment == "shorter":
        return replace(filters, runtime_max=(min(runtimes) if runtimes else filters.runtime_max or 120) - 1)
    if adjustment == "longer":
        return replace(filters, runtime_min=(max(runtimes) if runtimes else filters.runtime_min or 90) + 1)
    if adjustment == "better":
        return replace(filters, min_rating=round(min(10.0, (max(ratings) if ratings else 6.5) + 0.1), 1))
    return filters


def _discovery_filters(state: ConversationState, watch: Mapping[str, Any] | None = None) -> DiscoveryFilters:
    """The request as the catalog's selectors take it: genre rows of the state's media type; `watch`, the
    where-to-watch values for the user (`audience.watch_filter_values`)."""

    def genre_pks(movie_genre_ids: tuple[int, ...]) -> tuple[int, ...]:
        ids = genre_ids_for(movie_genre_ids, media_type=state.media_type)
        return tuple(Genre.objects.filter(tmdb_id__in=ids).values_list("pk", flat=True)) if ids else ()

    filters = state.filters
    keys = [key for key in map(person_key, filters.people) if key]
    credited = tuple(Person.objects.filter(search_name__in=keys).values_list("pk", flat=True)) if keys else ()
    return DiscoveryFilters(
        genres=genre_pks(filters.genres),
        all_genres=genre_pks(filters.required_genres),
        credited=credited,
        exclude_genres=genre_pks(filters.exclude_genres),
        year_from=filters.year_from,
        year_to=filters.year_to,
        min_rating=filters.min_rating,
        runtime_min=filters.runtime_min,
        runtime_max=filters.runtime_max,
        languages=filters.languages,
        people=filters.people,
        **(watch or {}),
    )


NOTICES = ("no-anchor", "no-title")  # any other notice is a sentence, said as the reply


def _run(
    state: ConversationState, *, user: User, notes: dict[int, str] | None = None
) -> tuple[ConversationState, list[Title], Title | None, str]:
    """The state as run, the titles to show, the title a similarity is anchored on, and a notice if
    something was not found or cannot be filtered on. For a group, `notes` receives each pick's members'
    reasons."""
    watch: dict[str, Any] = {}
    if watch_wanted(state.filters):
        try:
            watch = watch_filter_values(user=user, filters=state.filters)
        except WatchUnavailable as exc:
            return state, [], None, str(exc)
    group = group_of(user=user, group_id=state.group)
    if group is None and state.group is not None:  # they left the group since: for them alone
        state = replace(state, group=None)
    # for a group, more of each page: what a member has seen or hidden is taken out after
    page_size = PICKS if group is None else 2 * PICKS
    if state.mode == "search":
        found = search_page(
            query=state.query, media_type=state.media_type, page=state.page, page_size=page_size, user=user
        )
        return state, _for(group, list(found.items)), None, ""
    if state.mode == "similar":
        if not (state.anchor or state.ordinal or state.query):
            return replace(state, mode="discover"), [], None, "no-title"  # "something like" and no title
        anchor = _anchor(state)
        state = replace(state, ordinal=None)  # resolved once: later turns keep the anchor
        if anchor is None:
            return replace(state, mode="discover"), [], None, "no-anchor"
        state = replace(state, anchor=anchor.pk, media_type=anchor.media_type)
        filters = _discovery_filters(state, watch)
        similar = similar_page(title=anchor, user=user, page=state.page, page_size=page_size, filters=filters)
        if not similar.items and state.filters != RequestFilters():
            return state, _for(group, _alike(anchor, filters, page=state.page, user=user)), anchor, ""
        return state, _for(group, list(similar.items)), anchor, ""
    if group is not None:  # the group's picks: every member's taste, none any member has seen or hidden
        members = group[1]
        shared = group_picks(
            members=members,
            media_type=state.media_type,
            page=state.page,
            page_size=PICKS,
            filters=_discovery_filters(state, watch),
        )
        if notes is not None:
            language = translation.get_language() or "en"
            for pick in shared.titles:
                said = member_reasons_of(shared.reasons.get(pick.pk, {}), members, language=language)
                notes[pick.pk] = "; ".join(m.explanation for m in said)
        return state, shared.titles, None, ""
    picks = discover_picks(
        media_type=state.media_type,
        filters=_discovery_filters(state, watch),
        user=user,
        language=translation.get_language() or "en",
        page=state.page,
        page_size=PICKS,
    )
    return state, picks, None, ""


def _for(group: tuple[Household, list[User]] | None, titles: list[Title]) -> list[Title]:
    """The titles for this group (none a member has seen or hidden), or for the user alone."""
    return titles if group is None else titles_for_group(titles, group[1])[:PICKS]


def _alike(anchor: Title, filters: DiscoveryFilters, *, page: int, user: User) -> list[Title]:
    """ "Like Heat but from the 80s" when none of Heat's similar titles is: the best titles that share its
    genres (drama aside, which says little: Heat is a crime action film) and meet the rest of the request,
    or failing those, one of its genres."""
    genres = dict(anchor.genres.values_list("tmdb_id", "pk"))
    telling = tuple(pk for tmdb_id, pk in genres.items() if tmdb_id != DRAMA) or tuple(genres.values())
    tries = [filters] if filters.genres else []
    tries += [replace(filters, all_genres=(*filters.all_genres, *telling)), replace(filters, genres=telling)]
    for alike in tries if genres else [filters]:
        matches = discover_picks(
            media_type=anchor.media_type,
            filters=alike,
            user=user,
            language=translation.get_language() or "en",
            page=page,
            page_size=PICKS + 1,
        )
        found = [title for title in matches if title.pk != anchor.pk][:PICKS]
        if found:
            return found
    return []


def _anchor(state: ConversationState) -> Title | None:
    if state.anchor:
        return Title.objects.filter(pk=state.anchor).first()
    if state.ordinal:
        shown = state.shown
        return (
            Title.objects.filter(pk=shown[state.ordinal - 1]).first()
            if 0 < state.ordinal <= len(shown)
            else None
        )
    for kind in dict.fromkeys([state.media_type, MediaType.MOVIE, MediaType.TV]):
        hits = titles_search(query=state.query, media_type=kind)
        if hits:
            return Title.objects.get(pk=hits[0].pk)
    return None


# ---------------------------------------------------------------- the reply


def _clarify_reply() -> str:
    return _(
        "I suggest films and TV shows you haven't seen yet. Tell me what you feel like, for example: "
        "“a funny French film from the 90s”, “something like Alien but less scary” or “a western under "
        "two hours”."
    )


def _catalog_end_note() -> str:
    """Said after "nothing found" while the catalog is the embedded one: where it ends, how to go further."""
    end = embedded_catalog_end()
    if end is None:
        return ""
    return " " + _(
        "The embedded catalog holds films up to %(year)s and a list of well-known TV series; newer titles "
        "come with a TMDB key or IMDb's datasets."
    ) % {"year": end.films_until}


def _reply(
    state: ConversationState,
    meaning: Interpretation,
    titles: list[Title],
    anchor: Title | None,
    notice: str,
    *,
    language: str,
    user: User,
    notes: Mapping[int, str],
) -> str:
    if notice and notice not in NOTICES:  # where to watch cannot be filtered on: why, and what to do
        return notice
    if notice == "no-anchor":
        wanted = state.query or _("that title")
        return (
            _("I could not find “%(title)s” in the catalog. Could you give its exact title?")
            % {"title": wanted}
            + _catalog_end_note()
        )
    if notice == "no-title":
        return _("Similar to which title? Name one you liked, for example “something like Heat”.")
    what = describe_request(_discovery_filters(state), media_type=state.media_type, language=language)
    if watch_wanted(state.filters):
        what += " " + services_said(state.filters)
    group = group_of(user=user, group_id=state.group)
    who = group_label(*group) if group is not None else ""
    opening = _("Let's start over.") + " " if meaning.intent == "reset" else ""
    if not titles and who:
        return (
            opening
            + _("I found nothing that none of %(group)s has seen for %(what)s. Try loosening a filter.")
            % {"group": who, "what": what}
            + _catalog_end_note()
        )
    if not titles:
        return (
            opening
            + _("I found nothing you haven't seen yet for %(what)s. Try loosening a filter.") % {"what": what}
            + _catalog_end_note()
        )
    if state.mode == "similar" and anchor is not None:
        opening += _("Because you mentioned %(title)s (%(year)s), here are titles close to it") % {
            "title": anchor.title_fr if language == "fr" and anchor.title_fr else anchor.title_en,
            "year": anchor.year or "?",
        }
        any_filter = state.filters != RequestFilters()
        opening += (_(", among %(what)s") % {"what": what} if any_filter else "") + ":"
    elif state.mode == "search":
        opening += _("Here is what I found for “%(query)s” that you haven't seen:") % {"query": state.query}
    elif who:
        opening += ngettext(
            "Here is %(count)d pick for %(group)s that none of you has seen: %(what)s.",
            "Here are %(count)d picks for %(group)s that none of you has seen: %(what)s.",
            len(titles),
        ) % {"count": len(titles), "group": who, "what": what}
    else:
        opening += ngettext(
            "Here is %(count)d pick you haven't seen: %(what)s.",
            "Here are %(count)d picks you haven't seen: %(what)s.",
            len(titles),
        ) % {"count": len(titles), "what": what}
    if who and state.mode != "discover":
        opening += " " + _("For %(group)s: none of you has seen them.") % {"group": who}
    lines = [opening]
    for index, title in enumerate(titles, start=1):
        reason = pick_reason(title, people=state.filters.people, anchor=anchor, language=language)
        note = f" — {notes[title.pk]}" if notes.get(title.pk) else ""
        lines.append(f"{index}. {reason}{note}")
    lines.append(
        _("Ask for “more”, refine (“only French ones”, “shorter”, “not horror”) or say “something else”.")
    )
    return "\n".join(lines)


def _public_filters(state: ConversationState, language: str, *, user: User) -> dict[str, Any]:
    """The request as the API shows it: genre names in the reply's language, what it is anchored on, and
    the group it is for."""
    filters = state.filters.to_json()
    for name in ("genres", "required_genres", "exclude_genres"):
        if filters.get(name):
            genres = Genre.objects.filter(
                tmdb_id__in=genre_ids_for(tuple(filters[name]), media_type=state.media_type)
            )
            filters[name] = sorted(g.name(language) for g in genres)
    filters["media_type"] = state.media_type
    if state.anchor:
        filters["similar_to"] = state.anchor
    if state.mode == "search":
        filters["query"] = state.query
    group = group_of(user=user, group_id=state.group)
    if group is not None:
        household, members = group
        filters["group"] = {
            "id": household.pk,
            "name": household.name,
            "members": [m.username for m in members],
        }
    return filters


def chat_session_delete(*, user: User, session_id: int) -> None:
    _own_session(user=user, session_id=session_id).delete()
