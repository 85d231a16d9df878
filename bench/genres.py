"""Genre quality: the embedded catalog's genres against IMDb's own genre flags.

    .venv/bin/python -m bench.genres            # every film of the embedded catalog (about 10 s)
    .venv/bin/python -m bench.genres --smoke    # the first 3,000 films: checks that it runs

No database: it reads the installed source files with the loader's own readers and matcher
(`catalog.ingest.embedded`, `catalog.ingest.load.FilmMatcher`) and applies the loader's rule
(`catalog.genres.film_genre_ids`). The reference is ggplot2movies' genre flags (IMDb's genres as of 2005:
Action, Animation, Comedy, Drama, Documentary, Romance; Short has no TMDB genre) on the films that both we
and IMDb know, with at least 1,000 IMDb votes (fewer votes, fewer people checked the genres).

The flags are also one of the rule's sources, so the genres as served agree with them by construction where
a film has them. What the rule is worth elsewhere (every film after 2005) is the rule WITHOUT the flags:
its variants are compared on the validation half of the films (even IMDb ids), and the chosen one is
reported on the other half (odd IMDb ids), beside today's rule (every genre of Wikidata and MovieLens).
"""

from bench.common import arguments, embedded_films  # first: it sets Django up

import time
from collections.abc import Callable
from dataclasses import dataclass

from catalog.genres import (
    IMDB_FLAG_GENRES,
    MOVIE,
    TMDB_GENRES,
    WIKIDATA_LOOSE_GENRES,
    film_genre_ids,
    source_genres,
    tmdb_genre_ids,
)

MIN_VOTES = 1_000
SMOKE_FILMS = 3_000
TARGET_PRECISION, TARGET_RECALL = 0.90, 0.85
GENRES = tuple(IMDB_FLAG_GENRES)  # the genres the flags let us compare


@dataclass(frozen=True)
class Film:
    imdb_id: str
    title: str
    year: int | None
    wikidata: tuple[str, ...]
    movielens: tuple[str, ...]
    flags: tuple[str, ...] | None  # IMDb's flags that are set; None: not matched in ggplot2movies
    votes: int

    @property
    def validation(self) -> bool:
        return int(self.imdb_id[2:]) % 2 == 0


Rule = Callable[[Film], set[int]]


def films_read(limit: int | None) -> list[Film]:
    """Every film as the loader reads and matches it (first row of a repeated IMDb id)."""
    _paths, records, matcher = embedded_films(limit)
    films = []
    for record in records:
        rating = matcher.rating(record)
        lens = matcher.movielens.get(record.imdb_id)
        films.append(
            Film(
                imdb_id=record.imdb_id,
                title=record.title,
                year=record.year,
                wikidata=record.genres,
                movielens=lens.genres if lens else (),
                flags=rating.genres if rating else None,
                votes=rating.votes if rating else 0,
            )
        )
    return films


# ---------------------------------------------------------------- rules


def today(film: Film) -> set[int]:
    """Before: every genre Wikidata or MovieLens names."""
    return set(tmdb_genre_ids([*film.wikidata, *film.movielens], media_type=MOVIE))


def served(film: Film) -> set[int]:
    return set(film_genre_ids(wikidata=film.wikidata, movielens=film.movielens, imdb_flags=film.flags))


def without_flags(film: Film) -> set[int]:
    """The rule as a film after 2005 gets it."""
    return set(film_genre_ids(wikidata=film.wikidata, movielens=film.movielens, imdb_flags=None))


def _ids(names: tuple[str, ...] | list[str]) -> set[int]:
    return set(tmdb_genre_ids(list(names), media_type=MOVIE))


def wikidata_only(film: Film) -> set[int]:
    return _ids(film.wikidata)


def both_agree(film: Film) -> set[int]:
    """Where MovieLens knows the film, only the genres both name."""
    if not _ids(film.movielens):
        return without_flags(film)
    return _ids(film.movielens) & _ids(film.wikidata)


def short_wikidata_lists(film: Film) -> set[int]:
    """MovieLens's list; without it, Wikidata's only when it names at most 3 genres (long lists stray)."""
    if not _ids(film.movielens) and len(film.wikidata) > 3:
        return set()
    return without_flags(film)


VARIANTS: dict[str, Rule] = {
    "today: Wikidata + MovieLens, all genres": today,
    "Wikidata alone": wikidata_only,
    "MovieLens's list, else Wikidata's (chosen)": without_flags,
    "genres both name, else Wikidata's": both_agree,
    "MovieLens's list, else Wikidata's when <= 3": short_wikidata_lists,
}


# ---------------------------------------------------------------- measures


def names(ids: set[int]) -> str:
    return ", ".join(sorted(spec.name_en for spec in TMDB_GENRES if spec.tmdb_id in ids))


def precision_recall(films: list[Film], rule: Rule) -> dict[str, tuple[float, float]]:
    counts = {name: [0, 0, 0] for name in GENRES}  # true positives, predicted, actual
    for film in films:
        assert film.flags is not None
        predicted = rule(film)
        for name in GENRES:
            said, truth = IMDB_FLAG_GENRES[name] in predicted, name in film.flags
            counts[name][0] += said and truth
            counts[name][1] += said
            counts[name][2] += truth
    return {
        name: (tp / predicted if predicted else 1.0, tp / actual if actual else 1.0)
        for name, (tp, predicted, actual) in counts.items()
    }


def closeness(measures: dict[str, tuple[float, float]]) -> float:
    """How near a rule comes to both targets on its worst genre: min over genres of min(P/0.90, R/0.85)."""
    return min(min(p / TARGET_PRECISION, r / TARGET_RECALL) for p, r in measures.values())


def table(rows: dict[str, dict[str, tuple[float, float]]]) -> None:
    print(f"{'':46}" + "".join(f"{name:>14}" for name in GENRES))
    for label, measures in rows.items():
        print(f"{label:46}" + "".join(f"{f'{p:.2f} / {r:.2f}':>14}" for p, r in measures.values()))


def wikidata_agreement(films: list[Film]) -> None:
    """Per Wikidata genre name: on films MovieLens knows, how often MovieLens names it too (no flags used)."""
    table_ = source_genres(MOVIE)
    movielens_ids = {i for f in films for i in _ids(f.movielens)}
    rows = []
    for name in sorted({g for f in films for g in f.wikidata}):
        ids = set(table_[name])
        named = [f for f in films if name in f.wikidata and _ids(f.movielens)]
        if not named or not ids:
            continue
        agree = sum(bool(ids & _ids(f.movielens)) for f in named)
        share = agree / len(named) if ids & movielens_ids else None
        rows.append((share if share is not None else -1.0, name, len(named)))
    print("\nWikidata's genres that MovieLens confirms, on the films both know (flags not used):")
    for share, name, n in sorted(rows):
        said = f"{share:.2f} of {n:,} films" if share >= 0 else f"MovieLens has no such genre ({n:,} films)"
        loose = "  <- left out" if name in WIKIDATA_LOOSE_GENRES else ""
        print(f"  {name:14} {said}{loose}")


def main() -> None:
    args = arguments()
    started = time.monotonic()
    films = films_read(SMOKE_FILMS if args.smoke else None)
    compared = [f for f in films if f.flags is not None and f.votes >= MIN_VOTES]
    validation = [f for f in compared if f.validation]
    held_out = [f for f in compared if not f.validation]
    print(
        f"{len(films):,} films read, {len(compared):,} with IMDb's genre flags and >= {MIN_VOTES:,} votes "
        f"({len(validation):,} validation, even IMDb ids; {len(held_out):,} held out, odd ids); "
        f"cells: precision / recall"
    )
    if not validation or not held_out:
        raise SystemExit("no film to compare")

    print("\n(a) genres as served, against IMDb's flags (all compared films):")
    table(
        {"today's rule": precision_recall(compared, today), "as served": precision_recall(compared, served)}
    )

    print("\nRule variants WITHOUT the flags, on the validation half (closeness: worst min(P/0.90, R/0.85)):")
    on_validation = {label: precision_recall(validation, rule) for label, rule in VARIANTS.items()}
    table(on_validation)
    for label, measures in on_validation.items():
        print(f"  closeness {closeness(measures):.3f}  {label}")
    best = max(on_validation, key=lambda label: closeness(on_validation[label]))
    print(f"  best on validation: {best}")

    print("\nOn the validation films MovieLens knows, how often IMDb confirms a genre only one source names:")
    for name in GENRES:
        tmdb_id = IMDB_FLAG_GENRES[name]
        cells = {"only Wikidata": [0, 0], "only MovieLens": [0, 0], "both": [0, 0]}
        for film in validation:
            lens, wiki = _ids(film.movielens), _ids(film.wikidata)
            if not lens or (tmdb_id not in lens and tmdb_id not in wiki):
                continue
            cell = (
                "both"
                if tmdb_id in lens and tmdb_id in wiki
                else "only MovieLens"
                if tmdb_id in lens
                else "only Wikidata"
            )
            cells[cell][0] += 1
            cells[cell][1] += name in (film.flags or ())
        print(
            f"  {name:12}"
            + "".join(f"  {label} {yes / n if n else 0:.2f} of {n:<5}" for label, (n, yes) in cells.items())
        )

    print("\n(b) the chosen rule WITHOUT the flags (what films after 2005 get), on the held-out half:")
    measures_b = precision_recall(held_out, without_flags)
    measures_today = precision_recall(held_out, today)
    table({"today's rule": measures_today, "chosen rule, no flags": measures_b})

    wikidata_agreement(films)

    print("\nSpot checks (as served):")
    for name, year in (("Reservoir Dogs", 1992), ("Terminator 2: Judgment Day", 1991), ("Heat", 1995)):
        film = next((f for f in films if f.title == name and f.year == year), None)
        if film is not None:
            print(f"  {name} ({year}): today {names(today(film))}; served {names(served(film))}")

    served_all = precision_recall(compared, served)
    print(
        "\nsummary: "
        f"served min P {min(p for p, _r in served_all.values()):.3f} min R "
        f"{min(r for _p, r in served_all.values()):.3f}; "
        f"without flags (held out) min P {min(p for p, _r in measures_b.values()):.3f} min R "
        f"{min(r for _p, r in measures_b.values()):.3f}; "
        f"today (held out) min P {min(p for p, _r in measures_today.values()):.3f} min R "
        f"{min(r for _p, r in measures_today.values()):.3f} ({time.monotonic() - started:.1f} s)"
    )


if __name__ == "__main__":
    main()
