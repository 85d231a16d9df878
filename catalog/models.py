import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalog.text import normalize_text
from core.models import TimeStampedModel

# "tt" and 7 to 10 ASCII digits: `\d` and `str.isdigit` also take other scripts' digits (Arabic-Indic…).
IMDB_ID = re.compile(r"tt[0-9]{7,10}")


def is_imdb_id(value: str) -> bool:
    """Whether `value` is an IMDb title id, exactly (no spaces, no trailing newline)."""
    return IMDB_ID.fullmatch(value) is not None


class MediaType(models.TextChoices):
    MOVIE = "movie", _("Movie")
    TV = "tv", _("TV show")


class ScoreSource(models.TextChoices):
    """Where a title's ranking score comes from: IMDb's rating, else a fallback calibrated onto its scale."""

    IMDB = "imdb", _("IMDb rating")
    CRITICS = "critics", _("critics' average, calibrated to IMDb's scale")
    MOVIELENS = "movielens", _("MovieLens community rating, calibrated to IMDb's scale")


class DataSource(TimeStampedModel):
    """Where catalog data came from, under which licence, and how to credit it (the "About the data" page)."""

    key = models.SlugField(_("key"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    version = models.CharField(_("version"), max_length=50, blank=True)
    licence = models.CharField(_("licence"), max_length=200)
    url = models.URLField(_("URL"), blank=True)
    attribution = models.TextField(_("attribution"), blank=True)
    data_as_of = models.CharField(_("data as of"), max_length=20, blank=True)
    loaded_at = models.DateTimeField(_("last loaded"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ("name",)
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class Genre(models.Model):
    """A TMDB genre (TMDB's id is the key), named in English and French, for movies, TV shows or both."""

    tmdb_id = models.PositiveIntegerField(_("TMDB id"), unique=True)
    name_en = models.CharField(_("English name"), max_length=100)
    name_fr = models.CharField(_("French name"), max_length=100)
    for_movies = models.BooleanField(_("movie genre"), default=False)
    for_tv = models.BooleanField(_("TV genre"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ("name_en",)
        verbose_name = _("genre")
        verbose_name_plural = _("genres")

    def __str__(self) -> str:
        return self.name_en

    def name(self, language: str) -> str:
        return self.name_fr if language == "fr" and self.name_fr else self.name_en


class Keyword(models.Model):
    """A TMDB keyword ("time travel", "based on novel or book"): TMDB's id is the key. TMDB names keywords in
    English only. A title's keywords are written by its refresh from TMDB (there are none without a key)."""

    id = models.PositiveIntegerField(_("TMDB id"), primary_key=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ("name",)
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")

    def __str__(self) -> str:
        return self.name


def title_names(
    title_en: str, title_fr: str, original_title: str, alternate_titles: Sequence[str]
) -> list[str]:
    """Every title a work is known by, without repeats or blanks."""
    names = [title_en, title_fr, original_title, *alternate_titles]
    return list(dict.fromkeys(n for n in names if n))


def title_people(directors: Sequence[str], writers: Sequence[str], cast: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([*directors, *writers, *cast]))


def search_columns(
    *,
    title_en: str,
    title_fr: str,
    original_title: str,
    alternate_titles: Sequence[str] = (),
    directors: Sequence[str] = (),
    writers: Sequence[str] = (),
    cast: Sequence[str] = (),
) -> tuple[str, str]:
    """A title's `search_title` and `search_people`: what `Title.save()` writes, and what every bulk writer
    (which bypasses save()) writes with it, from plain values rather than a model instance (~20 µs each,
    too slow for millions of rows)."""
    names = title_names(title_en, title_fr, original_title, alternate_titles)
    return (
        normalize_text(" | ".join(names)),
        normalize_text(" | ".join(title_people(directors, writers, cast))),
    )


# Kept at module level too: the Movie and TV show proxies (which the admin saves) send their own signals.
TITLE_HISTORY = HistoricalRecords(
    excluded_fields=["search_title", "search_people", "updated_at"], m2m_fields=["genres"]
)


class Title(TimeStampedModel):
    """One movie or TV show. Movies and TV shows share this model and every pipeline that reads it."""

    media_type = models.CharField(_("media type"), max_length=5, choices=MediaType.choices)

    title_en = models.CharField(_("English title"), max_length=500)
    title_fr = models.CharField(_("French title"), max_length=500, blank=True)
    original_title = models.CharField(_("original title"), max_length=500, blank=True)
    original_language = models.CharField(
        _("original language"), max_length=8, blank=True, help_text="ISO 639-1"
    )
    alternate_titles = models.JSONField(_("alternate titles"), default=list, blank=True)
    overview_en = models.TextField(_("English overview"), blank=True)
    overview_fr = models.TextField(_("French overview"), blank=True)
    trailer_url_en = models.URLField(_("English trailer"), max_length=500, blank=True)
    trailer_url_fr = models.URLField(_("French trailer"), max_length=500, blank=True)
    poster_path = models.CharField(_("poster path"), max_length=200, blank=True)

    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    release_date = models.DateField(_("release date"), null=True, blank=True)
    runtime = models.PositiveSmallIntegerField(_("runtime (minutes)"), null=True, blank=True)
    first_air_year = models.PositiveSmallIntegerField(_("first air year"), null=True, blank=True)
    last_air_year = models.PositiveSmallIntegerField(_("last air year"), null=True, blank=True)
    number_of_seasons = models.PositiveSmallIntegerField(_("seasons"), null=True, blank=True)

    imdb_id = models.CharField(_("IMDb id"), max_length=16, null=True, blank=True)  # noqa: DJ001 - NULL: unique when set
    tmdb_id = models.PositiveIntegerField(_("TMDB id"), null=True, blank=True)
    movielens_id = models.PositiveIntegerField(_("MovieLens id"), null=True, blank=True, db_index=True)

    imdb_rating = models.DecimalField(_("IMDb rating"), max_digits=3, decimal_places=1, null=True, blank=True)
    imdb_votes = models.PositiveIntegerField(_("IMDb votes"), null=True, blank=True)
    rating_source = models.ForeignKey(
        DataSource,
        verbose_name=_("rating source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rated_titles",
    )
    rating_as_of = models.DateField(_("rating as of"), null=True, blank=True)
    critics_rating = models.DecimalField(
        _("critics' average"), max_digits=3, decimal_places=1, null=True, blank=True, help_text="0 to 10"
    )
    critics_reviews = models.PositiveIntegerField(_("critics' reviews"), null=True, blank=True)
    critics_meter = models.PositiveSmallIntegerField(_("critics' meter (%)"), null=True, blank=True)
    metacritic = models.PositiveSmallIntegerField(_("Metacritic"), null=True, blank=True)
    # The MovieLens community's mean (0.5 to 5 stars), without the users kept aside for evaluation.
    movielens_rating = models.DecimalField(
        _("MovieLens community rating"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Mean of 0.5 to 5 stars"),
    )
    movielens_ratings = models.PositiveIntegerField(_("MovieLens community ratings"), null=True, blank=True)
    # The rating we rank by, on IMDb's scale: IMDb's where it has votes, else a fallback calibrated onto
    # that scale (catalog.ranking), with its count (votes, reviews or ratings); `score_source` says which.
    rating = models.FloatField(_("rating"), null=True, blank=True, editable=False)
    votes = models.PositiveIntegerField(_("votes"), null=True, blank=True, editable=False)
    score = models.FloatField(
        _("score"), null=True, blank=True, help_text=_("Vote-weighted rating used for ranking (0 to 10).")
    )
    score_source = models.CharField(
        _("score source"), max_length=10, choices=ScoreSource.choices, blank=True, editable=False
    )

    directors = models.JSONField(_("directors"), default=list, blank=True)
    writers = models.JSONField(_("writers"), default=list, blank=True)
    cast = models.JSONField(_("cast"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True, help_text="ISO 3166-1 alpha-2")
    genres = models.ManyToManyField(Genre, verbose_name=_("genres"), related_name="titles", blank=True)
    # TMDB's keywords, as its latest refresh read them (not curated: replaced by every refresh).
    keywords = models.ManyToManyField(Keyword, verbose_name=_("keywords"), related_name="titles", blank=True)

    source = models.ForeignKey(
        DataSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="titles"
    )
    source_key = models.CharField(_("key in source"), max_length=100, blank=True)
    overview_source = models.ForeignKey(
        DataSource,
        verbose_name=_("overview source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="described_titles",
    )
    provenance = models.JSONField(_("provenance"), default=dict, blank=True)
    # Staff take a title out of the public catalog (discovery, search, similar lists, its page) without
    # deleting it: the users' entries and the title's history stay.
    hidden = models.BooleanField(
        _("hidden from the catalog"),
        default=False,
        help_text=_(
            "Hidden titles are left out of discovery, search and similar lists; users keep their entries."
        ),
    )
    cache_update_date = models.DateTimeField(_("refreshed from providers"), null=True, blank=True)
    refresh_attempted_at = models.DateTimeField(_("last refresh attempt"), null=True, blank=True)
    refresh_error = models.CharField(_("last refresh error"), max_length=500, blank=True)
    # Accent-free lowercase copies for typo-tolerant search (trigram-indexed on PostgreSQL); kept by
    # Title.save() and by every bulk write, all through `search_columns`.
    search_title = models.TextField(_("searchable titles"), blank=True, editable=False)
    search_people = models.TextField(_("searchable people"), blank=True, editable=False)

    # Before/after values of every write that changes an existing title (admin, loaders, refresh), genres
    # included; the derived search columns are left out (they follow the names).
    history = TITLE_HISTORY

    class Meta:
        verbose_name = _("title")
        verbose_name_plural = _("titles")
        constraints = [
            models.UniqueConstraint(
                fields=["imdb_id"], condition=Q(imdb_id__isnull=False), name="title_imdb_unique"
            ),
            models.UniqueConstraint(
                fields=["media_type", "tmdb_id"], condition=Q(tmdb_id__isnull=False), name="title_tmdb_unique"
            ),
            models.UniqueConstraint(
                fields=["source", "source_key"], condition=~Q(source_key=""), name="title_source_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(imdb_rating__isnull=True) | Q(imdb_rating__gte=0, imdb_rating__lte=10),
                name="title_imdb_rating_range",
            ),
        ]
        # The ranking indexes (media type, score/rating/votes/year descending with NULLs last, id) are
        # created per database by migration 0003: SQLite and PostgreSQL spell "NULLs last" differently.
        indexes = [
            models.Index(fields=["media_type", "original_language"], name="title_media_lang_idx"),
            models.Index(fields=["cache_update_date"], name="title_cache_date_idx"),
            # Each process checks the latest change before reusing its in-process search index.
            models.Index(fields=["updated_at"], name="title_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title_en} ({self.year})" if self.year else self.title_en

    @property
    def names(self) -> list[str]:
        """Every title this work is known by, without repeats."""
        return title_names(self.title_en, self.title_fr, self.original_title, self.alternate_titles)

    @property
    def people(self) -> list[str]:
        return title_people(self.directors, self.writers, self.cast)

    # ---- validation: the rules of catalog.validators, on their fields, and duplicates named
    def full_clean(self, exclude: Iterable[str] | None = None, *args: Any, **kwargs: Any) -> None:
        # A form that edits some fields (the changelist's French title) is not refused for the others.
        self._clean_exclude = set(exclude or ())
        super().full_clean(exclude, *args, **kwargs)

    def clean(self) -> None:
        super().clean()
        from catalog.validators import title_errors

        skip: set[str] = getattr(self, "_clean_exclude", set())
        errors = {field: messages for field, messages in title_errors(self).items() if field not in skip}
        if errors:
            raise ValidationError(errors)

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        """The unique ids' constraints say which title holds the id, on the id's field, instead of naming
        the constraint."""
        exclude = set(exclude or ())
        errors: dict[str, list[str]] = {}
        others = Title.objects.exclude(pk=self.pk) if self.pk else Title.objects.all()
        if self.imdb_id and "imdb_id" not in exclude:
            holder = others.filter(imdb_id=self.imdb_id).first()
            if holder is not None:
                errors["imdb_id"] = [
                    _("IMDb id %(id)s is already used by %(title)s.") % {"id": self.imdb_id, "title": holder}
                ]
        if self.tmdb_id and "tmdb_id" not in exclude:
            holder = others.filter(tmdb_id=self.tmdb_id, media_type=self.media_type).first()
            if holder is not None:
                errors["tmdb_id"] = [
                    _("TMDB id %(id)s is already used by %(title)s.") % {"id": self.tmdb_id, "title": holder}
                ]
        try:
            super().validate_constraints(exclude={*exclude, "imdb_id", "tmdb_id"})
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    # ----
    def refresh_search_fields(self) -> None:
        self.search_title, self.search_people = search_columns(
            title_en=self.title_en,
            title_fr=self.title_fr,
            original_title=self.original_title,
            alternate_titles=self.alternate_titles,
            directors=self.directors,
            writers=self.writers,
            cast=self.cast,
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_title", "search_people"}
        super().save(*args, **kwargs)
        if update_fields is None or not PEOPLE_FIELDS.isdisjoint(update_fields):
            Credit.objects.sync([self])


class TitleNeighbour(models.Model):
    """A precomputed "similar title": the served list (co-ratings and content, diversified), the nearest
    titles by content alone (the recommender blends them in), or TMDB's recommendations (with a key)."""

    class Kind(models.TextChoices):
        SIMILAR = "similar", _("similar list")
        CONTENT = "content", _("content")
        RATINGS = "ratings", _("co-ratings")  # no longer written: the similar list holds them
        TMDB = "tmdb", _("TMDB recommendations")

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="neighbours")
    neighbour = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    score = models.FloatField()

    class Meta:
        verbose_name = _("similar title")
        verbose_name_plural = _("similar titles")
        constraints = [
            models.UniqueConstraint(fields=["title", "kind", "neighbour"], name="neighbour_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title_id} → {self.neighbour_id} ({self.kind} {self.score:.2f})"


class CreditRole(models.TextChoices):
    """What a person did on a title, in the order a search names them by ("Films by …" before "with …")."""

    DIRECTOR = "director", _("director")
    ACTOR = "actor", _("actor")
    WRITER = "writer", _("writer")


PEOPLE_FIELDS = frozenset({"directors", "cast", "writers"})  # a title's fields that credit people
MAX_NAME_CHARS = 300
# Pieces of names that lists split on commas leave behind ("Sammy Davis, Jr."): nobody's name.
_NOT_NAMES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def person_key(name: str) -> str:
    """A person's name as keyword search compares it: lowercase, accent-free, single spaces; "" when it is
    not a name."""
    key = normalize_text(name)[:MAX_NAME_CHARS]
    return "" if key in _NOT_NAMES or sum(c.isalpha() for c in key) < 2 else key


def title_credits(
    directors: Sequence[str], writers: Sequence[str], cast: Sequence[str]
) -> dict[tuple[str, str], str]:
    """A title's credits as {(person key, role): name as credited}, one per person and role."""
    credits: dict[tuple[str, str], str] = {}
    for role, names in (
        (CreditRole.DIRECTOR, directors),
        (CreditRole.ACTOR, cast),
        (CreditRole.WRITER, writers),
    ):
        for name in names:
            key = person_key(name)
            if key:
                credits.setdefault((key, role.value), name.strip()[:MAX_NAME_CHARS])
    return credits


def people_recount(person_model: Any, credit_model: Any, pks: Sequence[int] | None = None) -> None:
    """Set people's `titles` from their credits: these people's, or everyone's. The models are parameters
    so that a migration can pass its historical ones."""
    credited = (
        credit_model.objects.filter(person=models.OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(n=models.Count("title", distinct=True))
        .values("n")
    )
    people = person_model.objects.all() if pks is None else person_model.objects.filter(pk__in=pks)
    people.update(titles=Coalesce(models.Subquery(credited), 0))


class Person(models.Model):
    """Someone the titles credit (director, actor, writer), once per name: the index keyword search finds
    people in (trigram-indexed on PostgreSQL). Derived from the titles' credits: Title.save() keeps a
    title's, `catalog.people.credits_rebuild` the whole catalog's after a bulk load."""

    name = models.CharField(_("name"), max_length=MAX_NAME_CHARS)
    search_name = models.CharField(_("searchable name"), max_length=MAX_NAME_CHARS, unique=True)
    # How many titles credit them: of the many people a surname names ("smith"), the search looks at the
    # most credited first.
    titles = models.PositiveIntegerField(_("titles"), default=0)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name


class CreditManager(models.Manager["Credit"]):
    def sync(self, titles: Sequence[Title]) -> None:
        """Make these titles' credits those of their directors, cast and writers, and recount the titles of
        the people concerned: what Title.save() calls. One query when nothing changed."""
        wanted = {
            (title.pk, key, role): name
            for title in titles
            for (key, role), name in title_credits(title.directors, title.writers, title.cast).items()
        }
        held = {
            (pk, key, role): person
            for pk, key, role, person in self.filter(title__in=[t.pk for t in titles]).values_list(
                "title_id", "person__search_name", "role", "person_id"
            )
        }
        if held.keys() == wanted.keys():
            return
        names = {key: name for (_pk, key, _role), name in wanted.items()}
        Person.objects.bulk_create(
            [Person(name=name, search_name=key) for key, name in names.items()], ignore_conflicts=True
        )
        person_pk = dict(Person.objects.filter(search_name__in=names).values_list("search_name", "pk"))
        self.filter(title__in=[t.pk for t in titles]).delete()
        self.bulk_create(Credit(person_id=person_pk[key], title_id=pk, role=role) for pk, key, role in wanted)
        people_recount(Person, Credit, [*held.values(), *person_pk.values()])


class Credit(models.Model):
    """A person's part in a title: what "Films by Stanley Kubrick" lists."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="credits")
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(_("role"), max_length=8, choices=CreditRole.choices)

    objects: ClassVar[CreditManager] = CreditManager()

    class Meta:
        verbose_name = _("credit")
        verbose_name_plural = _("credits")
        constraints = [
            models.UniqueConstraint(fields=["person", "title", "role"], name="credit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.role} {self.title_id}"


class MovieManager(models.Manager["Movie"]):
    def get_queryset(self) -> models.QuerySet["Movie"]:
        return super().get_queryset().filter(media_type=MediaType.MOVIE)


class TvShowManager(models.Manager["TvShow"]):
    def get_queryset(self) -> models.QuerySet["TvShow"]:
        return super().get_queryset().filter(media_type=MediaType.TV)


class Movie(Title):
    """Movies only: its own admin entry for staff."""

    objects: ClassVar[MovieManager] = MovieManager()

    class Meta:
        proxy = True
        verbose_name = _("movie")
        verbose_name_plural = _("movies")


class TvShow(Title):
    """TV shows only: its own admin entry for staff."""

    objects: ClassVar[TvShowManager] = TvShowManager()

    class Meta:
        proxy = True
        verbose_name = _("TV show")
        verbose_name_plural = _("TV shows")


class FieldLock(models.Model):
    """A field a curator edited on a title, genre or data source: every writer leaves it alone and notes
    what its provider says instead (`provider_value`), for the curator to accept or ignore."""

    title = models.ForeignKey(
        Title, null=True, blank=True, on_delete=models.CASCADE, related_name="field_locks"
    )
    genre = models.ForeignKey(
        Genre, null=True, blank=True, on_delete=models.CASCADE, related_name="field_locks"
    )
    data_source = models.ForeignKey(
        DataSource, null=True, blank=True, on_delete=models.CASCADE, related_name="field_locks"
    )
    field = models.CharField(_("field"), max_length=50)
    locked_at = models.DateTimeField(_("locked at"), auto_now_add=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What a writer would have written (JSON: genres as TMDB ids), by whom and when; null until one tried.
    provider_value = models.JSONField(_("provider says"), null=True, blank=True)
    provider_actor = models.CharField(_("provider"), max_length=50, blank=True)
    provider_seen_at = models.DateTimeField(_("provider value seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("locked field")
        verbose_name_plural = _("locked fields")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "field"], condition=Q(title__isnull=False), name="field_lock_title_unique"
            ),
            models.UniqueConstraint(
                fields=["genre", "field"], condition=Q(genre__isnull=False), name="field_lock_genre_unique"
            ),
            models.UniqueConstraint(
                fields=["data_source", "field"],
                condition=Q(data_source__isnull=False),
                name="field_lock_source_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(title__isnull=False, genre__isnull=True, data_source__isnull=True)
                    | Q(title__isnull=True, genre__isnull=False, data_source__isnull=True)
                    | Q(title__isnull=True, genre__isnull=True, data_source__isnull=False)
                ),
                name="field_lock_one_owner",
            ),
        ]

    def __str__(self) -> str:
        owner = self.title_id or self.genre_id or self.data_source_id
        return f"{owner}.{self.field}"


# The Movie and TV show proxies (the admin's rows) are Title's in its history: their pages read Title's
# records, and a proxy's save or delete records as Title's does.
for _proxy in (Movie, TvShow):
    _proxy._meta.simple_history_manager_attribute = "history"  # type: ignore[union-attr]
    models.signals.post_save.connect(TITLE_HISTORY.post_save, sender=_proxy, weak=False)
    models.signals.pre_delete.connect(TITLE_HISTORY.pre_delete, sender=_proxy, weak=False)
    models.signals.post_delete.connect(TITLE_HISTORY.post_delete, sender=_proxy, weak=False)


class OfferKind(models.TextChoices):
    """TMDB's watch-provider buckets (JustWatch's data), in the order a reader compares them."""

    FLATRATE = "flatrate", _("subscription")
    FREE = "free", _("free")
    ADS = "ads", _("free with ads")
    RENT = "rent", _("rent")
    BUY = "buy", _("buy")


class TitleOffer(models.Model):
    """Where a title can be watched in one country, as TMDB's watch providers said at `fetched_at`.

    Written by the title's refresh (all of a title's rows replaced at once); rows older than
    `OFFERS_MAX_AGE_DAYS` are never shown and the daily sweep deletes them. `brand` groups a service's
    several provider ids (Amazon Prime Video is 9 and 119) so a user picks it once.
    """

    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="offers")
    region = models.CharField(_("country"), max_length=2)  # ISO 3166-1 alpha-2, as TMDB keys them
    kind = models.CharField(_("kind"), max_length=8, choices=OfferKind.choices)
    provider_id = models.PositiveIntegerField(_("TMDB provider id"))
    provider_name = models.CharField(_("provider"), max_length=100)
    brand = models.CharField(_("service"), max_length=100)
    logo_path = models.CharField(_("logo path"), max_length=100, blank=True)
    display_priority = models.IntegerField(_("display priority"), default=0)
    link = models.URLField(_("TMDB watch page"), max_length=300)
    fetched_at = models.DateTimeField(_("fetched at"))

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["title", "region", "kind", "provider_id"], name="offer_unique"),
        ]
        indexes = [models.Index(fields=["region", "brand", "kind", "title"], name="offer_filter_idx")]

    def __str__(self) -> str:
        return f"{self.title_id} {self.region} {self.kind} {self.provider_name}"
