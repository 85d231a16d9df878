"""Reads of users' entries: always scoped to one user, in a constant number of queries."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Avg, Count, F, Prefetch, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from accounts.models import User
from catalog.models import Genre, MediaType
from library.models import Entry, ImportJob, Status

LIST_ORDERS = ("date", "rating", "score", "title")  # a list's orders besides "updated"


def _list_order(order: str, language: str) -> list[Any]:
    """ORDER BY of a list: each order ends on the newest change, so ties and missing values keep a place."""
    newest = [F("updated_at").desc(), F("pk").desc()]
    if order == "date":  # watch date, newest first; a list without watch dates is by latest change
        return [F("watched_at").desc(nulls_last=True), *newest]
    if order == "rating":
        return [F("rating").desc(nulls_last=True), *newest]
    if order == "score":
        return [F("title__score").desc(nulls_last=True), *newest]
    if order == "title":
        name = Coalesce(NullIf("title__title_fr", Value("")), "title__title_en") if language == "fr" else None
        return [Lower(name or "title__title_en"), *newest]
    return newest


def entries_list(
    *, user: User, media_type: str, status: str, order: str = "updated", language: str = "en"
) -> QuerySet[Entry]:
    """The user's titles with that status, cards ready to render (3 queries a page): newest change first, or
    by watch date, the user's rating, score or title (`order`, one of LIST_ORDERS; titles in `language`)."""
    return (
        Entry.objects.filter(user=user, status=status, title__media_type=media_type)
        .select_related("title")
        .prefetch_related(Prefetch("title__genres", queryset=Genre.objects.order_by("name_en")))
        .order_by(*_list_order(order, language))
    )


def ratings_for(*, user: User, title_ids: Iterable[int]) -> dict[int, int]:
    """title id → the user's rating, for the titles they rated among these (one query)."""
    if not user.is_authenticated:
        return {}
    rated = Entry.objects.filter(user=user, title_id__in=list(title_ids), rating__isnull=False)
    return {title_id: rating for title_id, rating in rated.values_list("title_id", "rating") if rating}


def marked_title_ids(*, user: User) -> list[int]:
    """Every title the user has any status for, of any media type (one query on the user's index)."""
    return list(Entry.objects.filter(user=user).values_list("title_id", flat=True))


def import_jobs_recent(*, user: User, limit: int = 10) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(user=user).defer("payload").order_by("-created_at")[:limit]


def import_job_for(*, user: User, job_id: int) -> ImportJob | None:
    """The user's own import job (None for anyone else's), without the uploaded file."""
    return ImportJob.objects.filter(user=user, pk=job_id).defer("payload").first()


def statuses_for(*, user: User, title_ids: Iterable[int]) -> dict[int, str]:
    """title id → the user's status, for the `user_status` of a page of cards (one query)."""
    if not user.is_authenticated:
        return {}
    return dict(
        Entry.objects.filter(user=user, title_id__in=list(title_ids)).values_list("title_id", "status")
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def user_stats(*, user: User, language: str) -> dict[str, Any]:
    """Counts and averages over the user's entries, each an SQL aggregation (4 queries, whatever the size)."""
    entries = Entry.objects.filter(user=user)
    seen = entries.filter(status=Status.SEEN)
    counts = {key: {s.value: 0 for s in Status} for key in ("movies", "tvshows")}
    for row in entries.values("title__media_type", "status").annotate(n=Count("pk")).order_by():
        key = "movies" if row["title__media_type"] == MediaType.MOVIE else "tvshows"
        counts[key][row["status"]] = row["n"]
    averages = seen.aggregate(
        watch_count=Count("pk"), average_rating=Avg("rating"), average_imdb_rating=Avg("title__imdb_rating")
    )
    top_genres = (
        Genre.objects.filter(titles__entries__user=user, titles__entries__status=Status.SEEN)
        .annotate(count=Count("titles__entries"))
        .order_by("-count", "name_en")[:5]
    )
    decades = (
        seen.filter(title__year__isnull=False)
        .annotate(decade=F("title__year") / 10 * 10)
        .values("decade")
        .annotate(count=Count("pk"))
        .order_by("decade")
    )
    return {
        **counts,
        "watch_count": averages["watch_count"],
        "average_rating": _round(averages["average_rating"]),
        "average_imdb_rating": _round(averages["average_imdb_rating"]),
        "top_genres": [{"genre": g.name(language), "count": g.count} for g in top_genres],
        "seen_by_decade": [{"decade": row["decade"], "count": row["count"]} for row in decades],
    }


def entries_for_export(*, user: User) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(user=user).select_related("title").order_by("title__media_type", "-updated_at")
    )
