"""Keyword search quality and speed: misspelt well-known titles, people's names, and two very common words.

    .venv/bin/python -m bench.search                 # the embedded catalog (SQLite by default: ~2 min)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/myw_bench_search DJANGO_DEBUG=true \\
        .venv/bin/python -m bench.search             # the same on PostgreSQL (pg_trgm candidates)
    .venv/bin/python -m bench.search --smoke         # 150 films: checks that it runs, measures nothing

The evaluation set is made here, from the catalog, with a seed: the well-known titles are the most-voted
films (each film's votes as a percentile among the films with votes of that source: IMDb's, the MovieLens
community's and the critics' reviews, the highest of the three, so films after 2005 count too); each title
is misspelt as people do (a letter deleted, two swapped, one replaced by a neighbour on the keyboard, one
doubled; a slip per 12 letters begun). The validation set (seed A) is the one the search's constants are
tuned on (`--tune`); the figures to quote are those of the test set (seed B), never tuned on.

A query is right when the first result is the title, or a title of the very same name (a remake cannot be
told apart by its name). Person queries (well-known directors and actors: full name, surname when no other
well-known person has it, and a misspelt surname) are right when the answer's first person is them and the
first result is one of their titles.

Beside the search as served: a plain trigram order (pg_trgm's similarity of the query with each name of each
title, computed here in Python so it runs on any database; ties by id), the simplest baseline. Latency is
the full request through Django (in-process test client), p50/p95 over every query of the test set.
"""

import os

os.environ.setdefault("THROTTLE_ANON_RATE", "1000000/min")  # measured, not refused

from bench.common import arguments, percentiles, prepare_database  # sets Django up

import argparse
import json
import math
import random
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.test import Client

from catalog.models import MediaType, Title
from catalog.text import normalize_text

TITLES = 600  # well-known titles misspelt
VARIANTS = 2  # misspellings of each
SMOKE_TITLES = 30
PEOPLE = 40  # well-known directors, and as many actors
SMOKE_PEOPLE = 4
SEED_VALIDATION, SEED_TEST = 1, 2
MIN_LETTERS = 5  # shorter titles ("Up", "Ran") have no misspelling that is not another word
COMMON_WORDS = "silent river"
# Letters next to each other on a QWERTY keyboard: the substitutions people make.
KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass(frozen=True)
class Target:
    pk: int
    title: str
    key: str  # the normalized title: a first result with the same one counts as right


@dataclass(frozen=True)
class Case:
    query: str
    target: Target


@dataclass(frozen=True)
class PersonCase:
    query: str
    name: str
    titles: frozenset[int]


# ---------------------------------------------------------------- the evaluation set


def well_known(n: int) -> list[Target]:
    """The `n` most-voted films, by the highest of their vote percentiles among IMDb's votes, the MovieLens
    community's ratings and the critics' reviews."""
    rows = list(
        Title.objects.filter(media_type=MediaType.MOVIE).values_list(
            "pk", "title_en", "imdb_votes", "movielens_ratings", "critics_reviews"
        )
    )
    best: dict[int, float] = {}
    for column in (2, 3, 4):
        counts = sorted(row[column] for row in rows if row[column])
        for row in rows:
            if row[column]:
                # the share of the films with this source that have fewer votes
                share = _rank(counts, row[column]) / len(counts)
                best[row[0]] = max(best.get(row[0], 0.0), share)
    ranked = sorted(rows, key=lambda row: (-best.get(row[0], 0.0), row[0]))
    targets = [
        Target(pk=pk, title=title, key=normalize_text(title))
        for pk, title, *_ in ranked
        if sum(c.isalpha() for c in title) >= MIN_LETTERS
    ]
    return targets[:n]


def _rank(values: list[int], value: int) -> int:
    low, high = 0, len(values)
    while low < high:
        middle = (low + high) // 2
        if values[middle] < value:
            low = middle + 1
        else:
            high = middle
    return low


def _neighbour(letter: str, rng: random.Random) -> str:
    for row in KEYBOARD:
        i = row.find(letter)
        if i >= 0:
            return rng.choice([row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)])
    return letter


def misspell(text: str, rng: random.Random) -> str:
    """`text` in lowercase with a slip per 12 letters begun (one in "Heat", two in "The Godfather"), never
    the text itself."""
    query = text.lower()
    slips = 1 + sum(c.isalpha() for c in query) // 12
    for _slip in range(slips):
        letters = [i for i, c in enumerate(query) if "a" <= c <= "z"]
        i = rng.choice(letters)
        kind = rng.choice(("delete", "swap", "substitute", "double"))
        if kind == "swap" and i + 1 < len(query) and query[i + 1] != query[i] and query[i + 1].isalpha():
            query = query[:i] + query[i + 1] + query[i] + query[i + 2 :]
        elif kind == "double":
            query = query[:i] + query[i] + query[i:]
        elif kind == "substitute":
            query = query[:i] + _neighbour(query[i], rng) + query[i + 1 :]
        else:
            query = query[:i] + query[i + 1 :]
    if normalize_text(query) == normalize_text(text) or len(query.strip()) < 3:
        return misspell(text, rng)
    return query


def title_cases(targets: list[Target], seed: int, variants: int = VARIANTS) -> list[Case]:
    """`variants` misspellings of each title (made one after the other from one seed: never the same)."""
    rng = random.Random(seed)
    cases = []
    for target in targets:
        queries: list[str] = []
        while len(queries) < variants:
            query = misspell(target.title, rng)
            if query not in queries or len(queries) >= 3 * variants:
                queries.append(query)
        cases += [Case(query=q, target=target) for q in queries]
    return cases


def person_cases(n: int, seed: int) -> list[PersonCase]:
    """Well-known directors and actors (most films among the 2,000 most-voted), by full name, surname when
    no other of them shares it, and a misspelt surname."""
    top = {t.pk for t in well_known(2_000)}
    films: dict[str, set[int]] = {}
    directors: Counter[str] = Counter()
    actors: Counter[str] = Counter()
    for pk, title_directors, cast in Title.objects.filter(pk__in=top).values_list("pk", "directors", "cast"):
        for name in title_directors:
            directors[name] += 1
            films.setdefault(name, set()).add(pk)
        for name in cast[:5]:
            actors[name] += 1
            films.setdefault(name, set()).add(pk)
    chosen = [name for name, _n in directors.most_common(n)]
    chosen += [name for name, _n in actors.most_common(3 * n) if name not in chosen][:n]
    # every film of theirs in the catalog counts, not only the well-known ones
    everything: dict[str, set[int]] = {name: set() for name in chosen}
    for pk, title_directors, writers, cast in Title.objects.filter(media_type=MediaType.MOVIE).values_list(
        "pk", "directors", "writers", "cast"
    ):
        for name in {*title_directors, *writers, *cast} & everything.keys():
            everything[name].add(pk)
    surnames = Counter(_surname(name) for name in [*directors, *actors])
    rng = random.Random(seed)
    cases = []
    for name in chosen:
        titles = frozenset(everything[name])
        surname = _surname(name)
        cases.append(PersonCase(query=name.lower(), name=name, titles=titles))
        if surnames[surname] == 1 and len(surname) >= 4:
            cases.append(PersonCase(query=surname, name=name, titles=titles))
            cases.append(PersonCase(query=misspell(surname, rng), name=name, titles=titles))
    return cases


def _surname(name: str) -> str:
    words = normalize_text(name).split()
    particles = {"de", "del", "della", "di", "da", "van", "von", "der", "le", "la", "du"}
    start = len(words) - 1
    while start > 1 and words[start - 1] in particles:
        start -= 1
    return " ".join(words[start:]) if len(words) > 1 else words[0]


# ---------------------------------------------------------------- the baseline: plain trigram order


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word lowercased, padded with two spaces before and one after."""
    grams: set[str] = set()
    for word in re.findall(r"[0-9a-z]+", normalize_text(text)):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


class TrigramBaseline:
    """Every name of every film, ranked by trigram similarity with the query alone."""

    def __init__(self) -> None:
        self.names: list[tuple[int, frozenset[str]]] = []
        for pk, names in Title.objects.filter(media_type=MediaType.MOVIE).values_list("pk", "search_title"):
            for name in names.split(" | "):
                self.names.append((pk, frozenset(trigrams(name))))

    def first(self, query: str) -> int | None:
        grams = trigrams(query)
        best, best_pk = 0.0, None
        for pk, other in self.names:
            common = len(grams & other)
            if common:
                similarity = common / (len(grams) + len(other) - common)
                if similarity > best or (similarity == best and best_pk is not None and pk < best_pk):
                    best, best_pk = similarity, pk
        return best_pk


# ---------------------------------------------------------------- asking the search


class Search:
    def __init__(self) -> None:
        self.client = Client(HTTP_HOST="localhost")
        self.timings: list[float] = []

    def ask(self, query: str, media: str = "movies") -> dict:
        started = time.perf_counter()
        response = self.client.post(
            f"/{media}/search-by-keywords?page_size=5",
            json.dumps({"query": query}),
            content_type="application/json",
        )
        self.timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
        return response.json()


def right(body: dict, case: Case, names: dict[int, str]) -> bool:
    if not body["results"]:
        return False
    first = body["results"][0]["id"]
    return first == case.target.pk or names.get(first) == case.target.key


def person_right(body: dict, case: PersonCase) -> bool:
    people = body.get("people") or []
    return bool(
        people
        and people[0]["name"] == case.name
        and body["results"]
        and body["results"][0]["id"] in case.titles
    )


def accuracy(search: Search, cases: list[Case], names: dict[int, str]) -> tuple[float, list[str]]:
    wrong = []
    for case in cases:
        body = search.ask(case.query)
        if not right(body, case, names):
            got = body["results"][0]["title"] if body["results"] else "-"
            wrong.append(f"{case.query!r} -> {got} (wanted {case.target.title})")
    return 1 - len(wrong) / len(cases), wrong


SYLLABLES = "zor bla que nta vex dri lom qua thu rix gel pov sna wib ked fru olm yat".split()


def made_up(n: int, seed: int) -> list[str]:
    """Names nobody gave a film: one or two words of made-up syllables ("zorblax quentaris")."""
    rng = random.Random(seed)
    words = lambda: "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3))))  # noqa: E731
    return [" ".join(words() for _ in range(rng.choice((1, 2)))) for _ in range(n)]


def tune(
    cases: dict[str, list[Case]],
    people: dict[str, list[PersonCase]],
    names: dict[int, str],
    nonsense: dict[str, list[str]],
) -> None:
    """The ranking's constants (catalog.search.Tuning) chosen on the validation set (misspelt titles and
    people's names, seed A), reported on the test set (seed B): the candidates are found once per query,
    then ranked with each set of values."""
    from catalog.search import TUNING, Tuning, candidates, rank

    def found(queries: list[str]) -> list:
        return [candidates(query=q, media_type=MediaType.MOVIE) for q in queries]

    titles = {label: found([c.query for c in cases[label]]) for label in cases}
    persons = {label: found([c.query for c in people[label]]) for label in people}
    junk = {label: found(queries) for label, queries in nonsense.items()}

    def score(label: str, tuning: Tuning) -> tuple[float, float, float]:
        right_titles = 0
        for case, c in zip(cases[label], titles[label], strict=True):
            hits, _people = rank(c, tuning=tuning)
            right_titles += bool(hits) and (
                hits[0].pk == case.target.pk or names.get(hits[0].pk) == case.target.key
            )
        right_people = 0
        for case, c in zip(people[label], persons[label], strict=True):
            hits, listed = rank(c, tuning=tuning)
            right_people += bool(
                listed and listed[0].name == case.name and hits and hits[0].pk in case.titles
            )
        answered = sum(bool(rank(c, tuning=tuning)[0]) for c in junk[label]) / len(junk[label])
        return right_titles / len(cases[label]), right_people / max(1, len(people[label])), answered

    grid = [
        Tuning(min_relevance=m, fame_weight=w, person_fame_weight=p, person_min=n)
        for m in (0.75, 0.78, 0.8, 0.82)
        for w in (0.0, 0.02, 0.05)
        for p in (0.1, 0.2, 0.3, 0.4, 0.5)
        for n in (0.8, 0.83, 0.85, 0.88)
    ]
    results = {t: score("validation", t) for t in grid}
    sizes = (len(cases["validation"]), len(people["validation"]), len(junk["validation"]))

    def objective(t: Tuning) -> tuple:
        # The most queries answered right: a misspelt title first, a person's name with their titles, a
        # made-up name with nothing. On a tie, the least weight to fame (what the words say comes first).
        titles_right, people_right, answered = results[t]
        total = titles_right * sizes[0] + people_right * sizes[1] + (1 - answered) * sizes[2]
        return (round(total), -t.fame_weight, -t.person_fame_weight, t.min_relevance, t.person_min)

    best = max(grid, key=objective)
    print(f"\n{'tuning (validation set)':<60}{'titles':>8}{'people':>8}{'made-up answered':>18}")
    for t in sorted(grid, key=objective, reverse=True)[:12]:
        mark = " <- chosen" if t == best else (" <- shipped" if t == TUNING else "")
        line = (
            f"  min {t.min_relevance:.2f} fame {t.fame_weight:.2f} person fame {t.person_fame_weight:.2f} "
            f"person min {t.person_min:.2f}"
        )
        print(f"{line:<60}{results[t][0]:>8.3f}{results[t][1]:>8.3f}{results[t][2]:>18.3f}{mark}")
    if TUNING in results:
        print(f"  shipped: {results[TUNING][0]:.3f} {results[TUNING][1]:.3f} {results[TUNING][2]:.3f}")
    for label, t in (("chosen", best), ("shipped", TUNING)):
        top1, person_share, answered = score("test", t)
        print(
            f"test set, {label} (min {t.min_relevance:.2f}, fame {t.fame_weight:.2f}, person fame "
            f"{t.person_fame_weight:.2f}, person min {t.person_min:.2f}): titles {top1:.3f}, people "
            f"{person_share:.3f}, made-up answered {answered:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--titles", type=int, help=f"well-known titles to misspell (default {TITLES})")
    parser.add_argument(
        "--seeds", type=int, nargs=2, default=(SEED_VALIDATION, SEED_TEST), metavar=("A", "B")
    )
    parser.add_argument("--show", type=int, default=15, help="misses to print per set")
    parser.add_argument(
        "--tune", action="store_true", help="choose the ranking's constants on the validation set"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the trigram baseline (slow)")
    options = arguments(parser)
    prepare_database(smoke=options.smoke)
    n = options.titles or (SMOKE_TITLES if options.smoke else TITLES)
    targets = well_known(n)
    names = {
        pk: normalize_text(title)
        for pk, title in Title.objects.filter(media_type=MediaType.MOVIE).values_list("pk", "title_en")
    }
    seed_a, seed_b = options.seeds
    validation, test = title_cases(targets, seed_a), title_cases(targets, seed_b)
    nonsense = {"validation": made_up(len(targets) // 2, seed_a), "test": made_up(len(targets) // 2, seed_b)}
    print(
        f"{connection.vendor}: {Title.objects.count():,} titles; {len(targets)} well-known films misspelt "
        f"{VARIANTS} ways each: {len(validation)} queries with seed {seed_a} (validation), {len(test)} with "
        f"seed {seed_b} (test)"
    )
    print("examples: " + ", ".join(f"{c.query!r}" for c in test[:8]))
    print("made up: " + ", ".join(f"{q!r}" for q in nonsense["test"][:5]))
    if options.tune:
        count = SMOKE_PEOPLE if options.smoke else PEOPLE
        people_sets = {"validation": person_cases(count, seed_a), "test": person_cases(count, seed_b)}
        tune({"validation": validation, "test": test}, people_sets, names, nonsense)
        return

    base = {"validation": float("nan"), "test": float("nan")}
    if not options.no_baseline:
        started = time.monotonic()
        baseline = TrigramBaseline()
        for label, cases in (("validation", validation), ("test", test)):
            firsts = [baseline.first(c.query) for c in cases]
            base[label] = sum(
                first == c.target.pk or names.get(first or 0) == c.target.key
                for first, c in zip(firsts, cases, strict=True)
            ) / len(cases)
        print(f"(baseline in {time.monotonic() - started:.0f} s)")

    search = Search()
    search.ask("warm up")
    served: dict[str, float] = {}
    for label, cases in (("validation", validation), ("test", test)):
        search.timings = []
        served[label], wrong = accuracy(search, cases, names)
        if label == "test":
            timings = sorted(search.timings)
        if wrong:
            print(f"\nmisses ({label}, {len(wrong)}):")
            for line in wrong[: options.show]:
                print(f"  {line}")
    p50 = statistics.median(timings)
    p95 = timings[math.ceil(len(timings) * 0.95) - 1]
    answered = {
        label: sum(bool(search.ask(q)["results"]) for q in queries) / len(queries)
        for label, queries in nonsense.items()
    }

    people = person_cases(SMOKE_PEOPLE if options.smoke else PEOPLE, seed_b)
    search.timings = []
    misses = []
    theirs_first = 0
    for case in people:
        body = search.ask(case.query)
        theirs_first += bool(body["results"]) and body["results"][0]["id"] in case.titles
        if not person_right(body, case):
            got = (body.get("people") or [{"name": "-"}])[0]["name"]
            first = body["results"][0]["title"] if body["results"] else "-"
            misses.append(f"{case.query!r} -> {got} / {first} (wanted {case.name})")
    person_timings = sorted(search.timings)
    if misses:
        print(f"\nperson misses ({len(misses)}):")
        for line in misses[: options.show]:
            print(f"  {line}")
    person_share = 1 - len(misses) / len(people) if people else 0.0

    print(f"\n{'':<34}{'validation':>11}{'test':>8}")
    print(f"{'top-1, plain trigram order':<34}{base['validation']:>11.3f}{base['test']:>8.3f}")
    print(f"{'top-1, search as served':<34}{served['validation']:>11.3f}{served['test']:>8.3f}")
    print(f"{'made-up names answered':<34}{answered['validation']:>11.3f}{answered['test']:>8.3f}")
    print(f"{'people (' + str(len(people)) + ' queries, test seed)':<34}{'':>11}{person_share:>8.3f}")
    first_share = theirs_first / len(people) if people else 0.0
    print(f"{'people: a film of theirs first':<34}{'':>11}{first_share:>8.3f}")

    common = percentiles(lambda: search.ask(COMMON_WORDS), n=3 if options.smoke else 20)
    person_p95 = person_timings[math.ceil(len(person_timings) * 0.95) - 1] if person_timings else 0.0
    print(f"\nlatency, full request: p50 {p50:.1f} ms, p95 {p95:.1f} ms over {len(test)} test queries")
    print(f"people's names: p50 {statistics.median(person_timings or [0]):.1f} ms, p95 {person_p95:.1f} ms")
    print(f"{COMMON_WORDS!r}: p50 {common[0]:.1f} ms, p95 {common[1]:.1f} ms")
    print(
        f"summary: top-1 test {served['test']:.3f} validation {served['validation']:.3f} "
        f"(trigram baseline {base['test']:.3f}); people {person_share:.3f}; "
        f"p50 {p50:.1f} ms p95 {p95:.1f} ms on {connection.vendor}"
    )


if __name__ == "__main__":
    main()
