"""The one genre vocabulary: TMDB's genres (ids, English and French names, movie or TV), the names our
sources give them, the movie → TV mapping, and the genre names a chat request may use.

Everything else reads genres from here: the Genre table's offline import (`catalog.ingest.genres`), the
embedded load and IMDb's datasets (source names), the API's genre aliases, the assistant's interpreter (its
colloquial words map onto these ids) and the LLM's JSON schema. Plain Python, no Django: the interpreter
imports it too.
"""

from dataclasses import dataclass

MOVIE, TV = "movie", "tv"  # catalog.models.MediaType's values

# TMDB's genre ids (GET /genre/movie/list and /genre/tv/list).
ACTION, ADVENTURE, ANIMATION, COMEDY, CRIME, DOCUMENTARY, DRAMA = 28, 12, 16, 35, 80, 99, 18
FAMILY, FANTASY, HISTORY, HORROR, MUSIC, MYSTERY, ROMANCE = 10751, 14, 36, 27, 10402, 9648, 10749
SCIENCE_FICTION, TV_MOVIE, THRILLER, WAR, WESTERN = 878, 10770, 53, 10752, 37
TV_ACTION_ADVENTURE, TV_KIDS, TV_NEWS, TV_REALITY, TV_SCIFI_FANTASY = 10759, 10762, 10763, 10764, 10765
TV_SOAP, TV_TALK, TV_WAR_POLITICS = 10766, 10767, 10768


@dataclass(frozen=True)
class GenreSpec:
    tmdb_id: int
    name_en: str
    name_fr: str
    for_movies: bool
    for_tv: bool


# TMDB's official lists (languages en and fr-FR), ids and names as TMDB publishes them, in the order the
# Genre table is first filled. TMDB's fr-FR TV list leaves seven names in English ("Action & Adventure",
# "Kids", "News", "Reality", "Soap", "Talk", "War & Politics"): there name_fr is our own translation.
TMDB_GENRES: tuple[GenreSpec, ...] = (
    GenreSpec(ACTION, "Action", "Action", for_movies=True, for_tv=False),
    GenreSpec(ADVENTURE, "Adventure", "Aventure", for_movies=True, for_tv=False),
    GenreSpec(ANIMATION, "Animation", "Animation", for_movies=True, for_tv=True),
    GenreSpec(COMEDY, "Comedy", "Comédie", for_movies=True, for_tv=True),
    GenreSpec(CRIME, "Crime", "Crime", for_movies=True, for_tv=True),
    GenreSpec(DOCUMENTARY, "Documentary", "Documentaire", for_movies=True, for_tv=True),
    GenreSpec(DRAMA, "Drama", "Drame", for_movies=True, for_tv=True),
    GenreSpec(FAMILY, "Family", "Familial", for_movies=True, for_tv=True),
    GenreSpec(FANTASY, "Fantasy", "Fantastique", for_movies=True, for_tv=False),
    GenreSpec(HISTORY, "History", "Histoire", for_movies=True, for_tv=False),
    GenreSpec(HORROR, "Horror", "Horreur", for_movies=True, for_tv=False),
    GenreSpec(MUSIC, "Music", "Musique", for_movies=True, for_tv=False),
    GenreSpec(MYSTERY, "Mystery", "Mystère", for_movies=True, for_tv=True),
    GenreSpec(ROMANCE, "Romance", "Romance", for_movies=True, for_tv=False),
    GenreSpec(SCIENCE_FICTION, "Science Fiction", "Science-Fiction", for_movies=True, for_tv=False),
    GenreSpec(TV_MOVIE, "TV Movie", "Téléfilm", for_movies=True, for_tv=False),
    GenreSpec(THRILLER, "Thriller", "Thriller", for_movies=True, for_tv=False),
    GenreSpec(WAR, "War", "Guerre", for_movies=True, for_tv=False),
    GenreSpec(WESTERN, "Western", "Western", for_movies=True, for_tv=True),
    GenreSpec(TV_ACTION_ADVENTURE, "Action & Adventure", "Action & Aventure", for_movies=False, for_tv=True),
    GenreSpec(TV_KIDS, "Kids", "Enfants", for_movies=False, for_tv=True),
    GenreSpec(TV_NEWS, "News", "Actualités", for_movies=False, for_tv=True),
    GenreSpec(TV_REALITY, "Reality", "Téléréalité", for_movies=False, for_tv=True),
    GenreSpec(
        TV_SCIFI_FANTASY, "Sci-Fi & Fantasy", "Science-Fiction & Fantastique", for_movies=False, for_tv=True
    ),
    GenreSpec(TV_SOAP, "Soap", "Feuilleton", for_movies=False, for_tv=True),
    GenreSpec(TV_TALK, "Talk", "Talk-show", for_movies=False, for_tv=True),
    GenreSpec(TV_WAR_POLITICS, "War & Politics", "Guerre & Politique", for_movies=False, for_tv=True),
)

# The genres a chat request may name, by TMDB movie genre (the assistant speaks in movie genres, see
# `genre_ids_for`): their English names in lower case, as the LLM's JSON schema lists them. TV Movie is a
# format, not something people ask for by genre.
REQUEST_GENRES: dict[str, int] = {
    spec.name_en.lower(): spec.tmdb_id for spec in TMDB_GENRES if spec.for_movies and spec.tmdb_id != TV_MOVIE
}


# ---------------------------------------------------------------- the names our sources use

# IMDb-style names come from the embedded films (Wikidata/OMDb "Genre" column) and from IMDb's own
# dataset files; MovieLens adds "Children", "Film-Noir", "IMAX". TMDB has fewer genres than IMDb, so some
# names map to a neighbour and some to nothing: an empty tuple is a deliberate "no TMDB equivalent".
MOVIE_GENRES: dict[str, tuple[int, ...]] = {
    "Action": (ACTION,),
    "Adventure": (ADVENTURE,),
    "Animation": (ANIMATION,),
    "Biography": (HISTORY,),  # TMDB files biopics under History (and usually Drama, listed separately)
    "Children": (FAMILY,),  # MovieLens
    "Comedy": (COMEDY,),
    "Crime": (CRIME,),
    "Documentary": (DOCUMENTARY,),
    "Drama": (DRAMA,),
    "Family": (FAMILY,),
    "Fantasy": (FANTASY,),
    "Film-Noir": (CRIME, THRILLER),  # MovieLens
    "History": (HISTORY,),
    "Horror": (HORROR,),
    "Music": (MUSIC,),
    "Musical": (MUSIC,),
    "Mystery": (MYSTERY,),
    "News": (DOCUMENTARY,),
    "Romance": (ROMANCE,),
    "Sci-Fi": (SCIENCE_FICTION,),
    "Science Fiction": (SCIENCE_FICTION,),
    "Thriller": (THRILLER,),
    "TV Movie": (TV_MOVIE,),
    "War": (WAR,),
    "Western": (WESTERN,),
    # No TMDB movie genre: the title keeps its other genres.
    "Adult": (),
    "Game-Show": (),
    "IMAX": (),  # MovieLens: a projection format, not a genre
    "Reality-TV": (),
    "Short": (),
    "Sport": (),
    "Talk-Show": (),
    "(no genres listed)": (),  # MovieLens
}

TV_GENRES: dict[str, tuple[int, ...]] = {
    "Action": (TV_ACTION_ADVENTURE,),
    "Adventure": (TV_ACTION_ADVENTURE,),
    "Animation": (ANIMATION,),
    "Biography": (DRAMA,),
    "Children": (TV_KIDS,),
    "Comedy": (COMEDY,),
    "Crime": (CRIME,),
    "Documentary": (DOCUMENTARY,),
    "Drama": (DRAMA,),
    "Family": (FAMILY,),
    "Fantasy": (TV_SCIFI_FANTASY,),
    "Film-Noir": (CRIME,),
    "Game-Show": (TV_REALITY,),
    "Horror": (TV_SCIFI_FANTASY,),  # TMDB files supernatural TV horror under Sci-Fi & Fantasy
    "Mystery": (MYSTERY,),
    "News": (TV_NEWS,),
    "Reality-TV": (TV_REALITY,),
    "Sci-Fi": (TV_SCIFI_FANTASY,),
    "Science Fiction": (TV_SCIFI_FANTASY,),
    "Soap": (TV_SOAP,),
    "Talk-Show": (TV_TALK,),
    "Thriller": (MYSTERY,),
    "War": (TV_WAR_POLITICS,),
    "Western": (WESTERN,),
    "Adult": (),
    "History": (),
    "IMAX": (),
    "Music": (),
    "Musical": (),
    "Romance": (),
    "Short": (),
    "Sport": (),
    "(no genres listed)": (),
}

SOURCE_GENRES = {MOVIE: MOVIE_GENRES, TV: TV_GENRES}

# The genre vocabulary of IMDb's title.basics.tsv.gz (its `genres` column, comma-separated, at most three
# per title); every one of them is mapped above for both media types.
IMDB_DATASET_GENRES = (
    "Action",
    "Adult",
    "Adventure",
    "Animation",
    "Biography",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Family",
    "Fantasy",
    "Film-Noir",
    "Game-Show",
    "History",
    "Horror",
    "Music",
    "Musical",
    "Mystery",
    "News",
    "Reality-TV",
    "Romance",
    "Sci-Fi",
    "Short",
    "Sport",
    "Talk-Show",
    "Thriller",
    "War",
    "Western",
)


def source_genres(media_type: str) -> dict[str, tuple[int, ...]]:
    """The source-name table of a media type ("movie" or "tv"); ValueError for anything else."""
    try:
        return SOURCE_GENRES[media_type]
    except KeyError:
        raise ValueError(f"{media_type!r} is not a media type") from None


class UnknownSourceGenre(KeyError):
    """A source genre nobody has mapped yet: add it to the tables above rather than guessing."""


def tmdb_genre_ids(names: list[str], *, media_type: str) -> list[int]:
    """TMDB genre ids for a title's source genre names, in first-seen order, without duplicates."""
    table = source_genres(media_type)
    ids: list[int] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name not in table:
            raise UnknownSourceGenre(name)
        ids.extend(i for i in table[name] if i not in ids)
    return ids


# ---------------------------------------------------------------- movie genres on TV

# TMDB's TV list merges or lacks some movie genres; the assistant speaks in movie genres.
MOVIE_TO_TV = {
    ACTION: TV_ACTION_ADVENTURE,
    ADVENTURE: TV_ACTION_ADVENTURE,
    SCIENCE_FICTION: TV_SCIFI_FANTASY,
    FANTASY: TV_SCIFI_FANTASY,
    HORROR: TV_SCIFI_FANTASY,
    WAR: TV_WAR_POLITICS,
    THRILLER: MYSTERY,
    ANIMATION: ANIMATION,
    COMEDY: COMEDY,
    CRIME: CRIME,
    DOCUMENTARY: DOCUMENTARY,
    DRAMA: DRAMA,
    FAMILY: FAMILY,
    MYSTERY: MYSTERY,
    WESTERN: WESTERN,
}


def genre_ids_for(movie_genre_ids: tuple[int, ...], *, media_type: str) -> tuple[int, ...]:
    """TMDB movie genre ids as the media type knows them (romance has no TV twin: it is dropped)."""
    if media_type == MOVIE:
        return movie_genre_ids
    return tuple(dict.fromkeys(MOVIE_TO_TV[g] for g in movie_genre_ids if g in MOVIE_TO_TV))


# ---------------------------------------------------------------- which source to trust for a film's genres

# The embedded catalog has three genre sources per film (measured by bench/genres.py against IMDb's own
# genre flags, README "The embedded catalog"):
# - IMDb's flags (ggplot2movies, films up to 2005): IMDb's own list for these six genres, what the film's
#   audience sees on IMDb. Where a film has them, they decide these genres.
# - MovieLens (ml-latest-small): a curated list. On its films, a genre only Wikidata adds is right about a
#   third of the time (IMDb agrees with 23 to 45 % of them), so MovieLens's list is taken as it is.
# - Wikidata: every genre ever attached to the film, a superset; used for films MovieLens does not know,
#   without the two tags it attaches loosely (below).
IMDB_FLAG_GENRES: dict[str, int] = {
    "Action": ACTION,
    "Animation": ANIMATION,
    "Comedy": COMEDY,
    "Documentary": DOCUMENTARY,
    "Drama": DRAMA,
    "Romance": ROMANCE,
}
# Wikidata's tags that MovieLens confirms on less than half of the films both know: "Mystery" (44 % of 507
# films) and "Music" (44 % of 16; "Musical" is confirmed on 59 %, every other genre on more). MovieLens has no
# History genre to check Wikidata's against, but it sits on The Godfather, Heat and The Empire Strikes Back:
# left out too. A biopic ("Biography") still makes a film History, as TMDB files it, also on films MovieLens
# knows (it has no such genre).
WIKIDATA_LOOSE_GENRES = frozenset({"Mystery", "Music", "History"})


def film_genre_ids(
    *, wikidata: tuple[str, ...], movielens: tuple[str, ...], imdb_flags: tuple[str, ...] | None
) -> list[int]:
    """A film's TMDB movie genres from its three sources: MovieLens's list when MovieLens knows the film
    (plus Wikidata's Biography), else Wikidata's without its loose tags; then IMDb's flags, when the film
    has them, decide Action, Animation, Comedy, Documentary, Drama and Romance.

    `imdb_flags` are the names of IMDb's flags that are set (None: the film has no flags); bench/genres.py
    measures this rule with and without them."""
    curated = tmdb_genre_ids(list(movielens), media_type=MOVIE)
    if curated:
        names = [*movielens, *(name for name in wikidata if name == "Biography")]
    else:
        names = [name for name in wikidata if name not in WIKIDATA_LOOSE_GENRES]
    ids = tmdb_genre_ids(names, media_type=MOVIE)
    if imdb_flags is None:
        return ids
    flagged = set(IMDB_FLAG_GENRES.values())
    return [i for i in ids if i not in flagged] + [
        IMDB_FLAG_GENRES[name] for name in IMDB_FLAG_GENRES if name in imdb_flags
    ]
