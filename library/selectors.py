"""Reads of users' entries: always scoped to one user, in a constant number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf

from accounts.models import User
from catalog.models import Credit, CreditRole, Genre, MediaType, Title
from core.names import language_name
from library.models import Entry, HideRule, ImportJob, Status

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


# ---------------------------------------------------------------- hide rules


def hide_rules_of(*, user: User) -> list[HideRule]:
    """The user's hide rules, oldest first (one query; none for an anonymous caller)."""
    if not user.is_authenticated:
        return []
    return list(HideRule.objects.filter(user=user).order_by("created_at", "pk"))


def hide_rules_signature(rules: Iterable[HideRule]) -> str:
    """What the rules match, as a string: equal for two users with the same rules (a cache key)."""
    return "|".join(sorted(f"{r.kind}:{r.value}:{','.join(map(str, r.title_ids))}" for r in rules))


def hide_rules_condition(rules: Iterable[HideRule], prefix: str = "") -> Q | None:
    """One condition true for the titles any of the rules hides (on titles, or on rows pointing at titles
    with `prefix="title__"`); None without rules. Rules of a kind are merged (genres in one EXISTS, years in
    one bound), so 20 rules cost a handful of conditions, not 20."""
    by_kind: dict[str, list[HideRule]] = {}
    for rule in rules:
        by_kind.setdefault(rule.kind, []).append(rule)
    if not by_kind:
        return None
    pk = OuterRef(f"{prefix}pk" if prefix else "pk")
    parts: list[Q] = []
    if genres := by_kind.get(HideRule.Kind.GENRE):
        links = Title.genres.through.objects.filter(
            title_id=pk, genre__tmdb_id__in=[int(r.value) for r in genres]
        )
        parts.append(Q(Exists(links)))
    if people := by_kind.get(HideRule.Kind.PERSON):
        credits = Credit.objects.filter(
            title_id=pk,
            person_id__in=[int(r.value) for r in people],
            role__in=[CreditRole.DIRECTOR, CreditRole.ACTOR],
        )
        parts.append(Q(Exists(credits)))
    if languages := by_kind.get(HideRule.Kind.LANGUAGE):
        parts.append(Q(**{f"{prefix}original_language__in": [r.value for r in languages]}))
    if before := by_kind.get(HideRule.Kind.BEFORE):
        parts.append(Q(**{f"{prefix}year__lt": max(int(r.value) for r in before)}))
    if after := by_kind.get(HideRule.Kind.AFTER):
        parts.append(Q(**{f"{prefix}year__gt": min(int(r.value) for r in after)}))
    if franchises := by_kind.get(HideRule.Kind.FRANCHISE):
        ids = sorted({pk for r in franchises for pk in r.title_ids})
        parts.append(Q(**{f"{prefix}pk__in": ids}))
    if keywords := by_kind.get(HideRule.Kind.KEYWORD):  # TMDB's keywords, as the title's refresh stored them
        tagged = Title.keywords.through.objects.filter(
            title_id=pk, keyword_id__in=[int(r.value) for r in keywords]
        )
        parts.append(Q(Exists(tagged)))
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition


@dataclass(frozen=True)
class HideRuleShown:
    """A rule as a reader sees it: what it hides, in their language."""

    rule: HideRule
    kind_label: str
    label: str


def hide_rule_label(rule: HideRule, language: str) -> str:
    """The rule's object named in `language`: the genre's or language's name, the year, the person."""
    if rule.kind == HideRule.Kind.GENRE:
        genre = Genre.objects.filter(tmdb_id=int(rule.value)).first()
        return genre.name(language) if genre else rule.label
    if rule.kind == HideRule.Kind.LANGUAGE:
        return language_name(rule.value, language)
    if rule.kind in (HideRule.Kind.BEFORE, HideRule.Kind.AFTER):
        return rule.value
    return rule.label or rule.value


def hide_rules_shown(*, user: User, language: str) -> list[HideRuleShown]:
    """The user's rules with their labels, for the Hidden page and the API (a query per genre rule)."""
    return [
        HideRuleShown(
            rule=rule, kind_label=str(rule.get_kind_display()), label=hide_rule_label(rule, language)
        )
        for rule in hide_rules_of(user=user)
    ]


def titles_hidden_by_rules(*, user: User, title_ids: Iterable[int]) -> set[int]:
    """Which of these titles the user's rules hide (search marks them rather than leaving them out)."""
    condition = hide_rules_condition(hide_rules_of(user=user))
    if condition is None:
        return set()
    return set(Title.objects.filter(condition, pk__in=list(title_ids)).values_list("pk", flat=True))


def hide_rules_hiding(*, user: User, title_ids: Iterable[int]) -> dict[int, HideRule]:
    """title id → the user's first rule that hides it, for the titles some rule hides (the Search page names
    the rule): one query, whatever the number of rules; none without rules."""
    rules = hide_rules_of(user=user)
    if not rules:
        return {}
    whens = []
    for rule in rules:
        condition = hide_rules_condition([rule])
        if condition is not None:
            whens.append(When(condition, then=Value(rule.pk)))
    found = (
        Title.objects.filter(pk__in=list(title_ids))
        .annotate(rule_id=Case(*whens, default=None, output_field=IntegerField()))
        .filter(rule_id__isnull=False)
        .values_list("pk", "rule_id")
    )
    by_id = {rule.pk: rule for rule in rules}
    return {pk: by_id[rule_id] for pk, rule_id in found}
