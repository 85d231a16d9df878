"""Reads only the pages need (filter choices, a title page, a chat transcript, import reports, sources).

Discovery, search, similar titles, lists and stats come from the catalog's and the library's own selectors.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, QuerySet

from accounts.models import User
from assistant.models import ChatMessage, ChatSession
from catalog.ingest.sources import public_source_name
from catalog.models import Credit, DataSource, MediaType, Person, Title
from catalog.selectors import titles_for_cards
from library.models import Entry, Status


def original_languages(media_type: str) -> list[str]:
    """ISO 639-1 codes of the original languages in the catalog for this media type, most titles first."""
    return list(
        Title.objects.filter(media_type=media_type)
        .exclude(original_language="")
        .values_list("original_language", flat=True)
        .annotate(n=Count("pk"))
        .order_by("-n", "original_language")
    )


@dataclass(frozen=True)
class ChatExchange:
    """One message of the user and the assistant's answer to it, with the titles it showed."""

    question: str
    answer: ChatMessage
    titles: list[Title]


def chat_transcript(*, user: User, session_id: int) -> tuple[ChatSession, list[ChatExchange]] | None:
    """The user's own conversation (None for anyone else's or a missing one), oldest exchange first."""
    session = ChatSession.objects.filter(pk=session_id, user=user).first()
    if session is None:
        return None
    messages = list(session.messages.all())
    shown_ids = {pk for m in messages for pk in m.title_ids}
    titles = titles_for_cards().in_bulk(shown_ids)
    exchanges, question = [], ""
    for message in messages:
        if message.role == ChatMessage.Role.USER:
            question = message.text
            continue
        shown = [titles[pk] for pk in message.title_ids if pk in titles]
        exchanges.append(ChatExchange(question=question, answer=message, titles=shown))
    return session, exchanges


def chat_sessions_recent(*, user: User, limit: int = 8) -> QuerySet[ChatSession]:
    return ChatSession.objects.filter(user=user).order_by("-updated_at")[:limit]


def titles_named(title_ids: list[int]) -> dict[int, Title]:
    return Title.objects.only(
        "pk", "title_en", "title_fr", "original_title", "original_language", "year"
    ).in_bulk(title_ids)


def ratings_histogram(*, user: User) -> list[dict[str, Any]]:
    """How many seen titles the user rated 1, 2 … 10 (every value present, zeros included)."""
    counts = dict(
        Entry.objects.filter(user=user, status=Status.SEEN, rating__isnull=False)
        .values_list("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [{"rating": value, "count": counts.get(value, 0)} for value in range(1, 11)]


@dataclass(frozen=True)
class SourceUse:
    source: DataSource
    titles: int
    ratings: int
    overviews: int
    public_name: str = ""  # "IMDb (2005)"; `source.name` is the data set ("ggplot2movies …")


def data_sources_used() -> list[SourceUse]:
    """Every source of catalog data, with how many titles, ratings and overviews it gave (4 queries)."""

    def per_source(field: str) -> dict[int, int]:
        rows = Title.objects.filter(**{f"{field}__isnull": False}).values_list(field).annotate(n=Count("pk"))
        return dict(rows.order_by())

    titles, ratings, overviews = (
        per_source("source"),
        per_source("rating_source"),
        per_source("overview_source"),
    )
    return [
        SourceUse(
            source=s,
            titles=titles.get(s.pk, 0),
            ratings=ratings.get(s.pk, 0),
            overviews=overviews.get(s.pk, 0),
            public_name=public_source_name(s),
        )
        for s in DataSource.objects.order_by("name")
    ]


def catalog_size() -> dict[str, int]:
    counts = dict(Title.objects.values_list("media_type").annotate(n=Count("pk")).order_by())
    return {media_type: counts.get(media_type, 0) for media_type in MediaType.values}


def entry_of(*, user: User | AnonymousUser, title: Title) -> Entry | None:
    """The user's entry for one title (its status and rating), if any."""
    if not user.is_authenticated:
        return None
    return Entry.objects.filter(user=user, title=title).first()


# A person page's titles at most: every title of the most credited people in the catalog fits.
PERSON_MAX_TITLES = 300


def person_find(*, person_id: int) -> Person | None:
    return Person.objects.filter(pk=person_id).first()


def person_titles(*, person: Person) -> tuple[list[Title], dict[int, list[str]]]:
    """A person's titles best first (by score, the unscored last), and what they did on each (CreditRole
    values, in CreditRole's order); never a title staff hid from the catalog."""
    roles: dict[int, list[str]] = {}
    for title_id, role in Credit.objects.filter(person=person).values_list("title_id", "role"):
        roles.setdefault(title_id, []).append(role)
    titles = list(
        titles_for_cards()
        .filter(pk__in=roles)
        .order_by(F("score").desc(nulls_last=True), "pk")[:PERSON_MAX_TITLES]
    )
    return titles, roles
