"""The offline chat interpreter: one table of real-looking messages per language, compared field by field.

Each case builds the whole expected Interpretation, so every field a case does not name must stay empty:
that is how the tables also guard against false positives ("Heat" is not a genre, "de" before
"science-fiction" is not a person, "The Good, the Bad…" after "like" is not a rating).
"""

import time

import pytest

from assistant.interpreter import INTENTS, Interpretation, interpret
from catalog.genres import TMDB_GENRES

KIDS_EXCLUDED = (27, 53, 80, 10752, 10749)  # for children: no horror, thriller, crime, war or romance


def expect(intent: str, **fields: object) -> dict[str, object]:
    return {"intent": intent, **fields}


ENGLISH: list[tuple[str, dict[str, object]]] = [
    # a full request
    (
        "a funny French film from the 90s",
        expect("discover", genres=(35,), languages=("fr",), year_from=1990, year_to=1999, media_type="movie"),
    ),
    ("something scary", expect("discover", genres=(27,))),
    ("a hilarious comedy", expect("discover", genres=(35,))),
    (
        "a feel-good movie",
        expect("discover", genres=(35, 10751), exclude_genres=(27, 10752), media_type="movie"),
    ),
    (
        "an animated movie for kids",
        expect(
            "discover",
            genres=(16, 10751),
            required_genres=(16,),
            exclude_genres=KIDS_EXCLUDED,
            media_type="movie",
        ),
    ),
    ("a heist thriller", expect("discover", genres=(80, 53))),
    ("a sci-fi series set in space", expect("discover", genres=(878,), media_type="tv")),
    ("a romantic comedy", expect("discover", genres=(35, 10749), required_genres=(35, 10749))),
    ("a documentary about World War II", expect("discover", genres=(99, 10752))),
    ("westerns from the 60s", expect("discover", genres=(37,), year_from=1960, year_to=1969)),
    ("a musical", expect("discover", genres=(10402,))),
    ("a fantasy adventure with magic", expect("discover", genres=(14, 12))),
    ("a whodunit mystery", expect("discover", genres=(9648,))),
    ("a historical drama", expect("discover", genres=(36, 18))),
    ("a sitcom", expect("discover", genres=(35,), media_type="tv")),
    (
        "Korean thrillers from the 2000s",
        expect("discover", genres=(53,), languages=("ko",), year_from=2000, year_to=2009),
    ),
    ("a TV show in Spanish", expect("discover", media_type="tv", languages=("es",))),
    ("a British series", expect("discover", media_type="tv", languages=("en",))),
    # years and decades
    ("something from the nineties", expect("discover", year_from=1990, year_to=1999)),
    ("movies made in 1995", expect("discover", media_type="movie", year_from=1995, year_to=1995)),
    ("in the early 90s", expect("discover", year_from=1990, year_to=1994)),
    ("late 80s", expect("discover", year_from=1985, year_to=1989)),
    ("from 2010 onwards", expect("discover", year_from=2010)),
    ("after 2010", expect("discover", year_from=2011)),
    ("since 2010", expect("discover", year_from=2010)),
    ("before 1980", expect("discover", year_to=1979)),
    ("between 1995 and 2000", expect("discover", year_from=1995, year_to=2000)),
    ("something recent", expect("discover", year_from=2015)),
    ("an old classic", expect("discover", year_to=1979)),
    # ratings
    (
        "a highly rated Japanese drama",
        expect("discover", genres=(18,), languages=("ja",), min_rating=7.0),
    ),
    ("a very good thriller", expect("discover", genres=(53,), min_rating=8.0)),
    ("a masterpiece", expect("discover", min_rating=8.0)),
    ("rated over 7.5", expect("discover", min_rating=7.5)),
    ("the best sci-fi movies", expect("discover", genres=(878,), media_type="movie", min_rating=8.0)),
    ("at least 4 stars", expect("discover", min_rating=8.0)),
    # runtimes
    ("under 2 hours", expect("discover", runtime_max=120)),
    ("less than 90 minutes", expect("discover", runtime_max=90)),
    ("a short comedy", expect("discover", genres=(35,), runtime_max=100)),
    ("a long movie, over 2 hours", expect("discover", media_type="movie", runtime_min=120)),
    ("an hour and a half max", expect("discover", runtime_max=90)),
    ("Give me a thriller that isn't too long", expect("discover", genres=(53,), runtime_max=120)),
    # people
    ("with Audrey Tautou", expect("discover", people=("Audrey Tautou",))),
    ("starring Tom Hanks and Meg Ryan", expect("discover", people=("Tom Hanks", "Meg Ryan"))),
    (
        "films directed by Christopher Nolan",
        expect("discover", media_type="movie", people=("Christopher Nolan",)),
    ),
    (
        "a horror movie by John Carpenter from the 80s",
        expect(
            "discover",
            genres=(27,),
            media_type="movie",
            people=("John Carpenter",),
            year_from=1980,
            year_to=1989,
        ),
    ),
    ("a film by Guillermo del Toro", expect("discover", media_type="movie", people=("Guillermo del Toro",))),
    ("with Robert De Niro", expect("discover", people=("Robert De Niro",))),
    ("animated movies by Studio Ghibli", expect("discover", genres=(16,), media_type="movie")),
    # similar
    ("something like The Matrix", expect("similar", titles=("The Matrix",))),
    ("similar to Heat but in French", expect("similar", titles=("Heat",), languages=("fr",))),
    ("like Alien but funnier", expect("similar", titles=("Alien",), genres=(35,))),
    ("like The Good, the Bad and the Ugly", expect("similar", titles=("The Good, the Bad and the Ugly",))),
    ("like Lost in Translation", expect("similar", titles=("Lost in Translation",))),
    ("like Heat with Al Pacino", expect("similar", titles=("Heat",), people=("Al Pacino",))),
    ("like Dances with Wolves", expect("similar", titles=("Dances with Wolves",))),
    ("like Alien or Predator", expect("similar", titles=("Alien", "Predator"))),
    ("like Heat, Ronin or The Town", expect("similar", titles=("Heat", "Ronin", "The Town"))),
    ('like "Heat" but recent', expect("similar", titles=("Heat",), year_from=2015)),
    ("like It", expect("similar", titles=("It",))),
    ("I'd like something like Alien", expect("similar", titles=("Alien",))),
    ("I loved Amélie, anything similar?", expect("similar", titles=("Amélie",))),
    ("more like the second one", expect("similar", ordinal=2)),
    ("like the first one but shorter", expect("similar", ordinal=1, adjustments=("shorter",))),
    ("more like this", expect("similar")),
    # search
    ("find Pulp Fiction", expect("search", titles=("Pulp Fiction",))),
    ("search for Heat", expect("search", titles=("Heat",))),
    ("is there The Godfather?", expect("search", titles=("The Godfather",))),
    ("show me The Office", expect("search", titles=("The Office",))),
    ("a movie called Heat", expect("search", titles=("Heat",), media_type="movie")),
    ("find me a funny movie", expect("discover", genres=(35,), media_type="movie")),
    # refine
    ("only French ones", expect("refine", languages=("fr",))),
    ("older", expect("refine", adjustments=("older",))),
    ("more recent please", expect("refine", adjustments=("newer",))),
    ("better rated", expect("refine", adjustments=("better",))),
    ("not horror", expect("refine", exclude_genres=(27,))),
    ("no romance", expect("refine", exclude_genres=(10749,))),
    ("no horror or romance", expect("refine", exclude_genres=(27, 10749))),
    ("not a series", expect("refine", media_type="movie")),
    ("but from the 80s", expect("refine", year_from=1980, year_to=1989)),
    ("not too long", expect("refine", runtime_max=120)),
    ("a comedy but no romance", expect("discover", genres=(35,), exclude_genres=(10749,))),
    ("a comedy but not a romantic comedy", expect("discover", genres=(35,), exclude_genres=(10749,))),
    # more and reset
    ("more", expect("more")),
    ("another one", expect("more")),
    ("show me more", expect("more")),
    ("other suggestions", expect("more")),
    ("something else entirely", expect("reset")),
    ("start over", expect("reset")),
    ("forget that, a western", expect("reset", genres=(37,))),
    ("Something else entirely: a western", expect("reset", genres=(37,))),
    # nothing to read, and words that must not be read as filters
    ("Heat", expect("discover")),
    ("Star Wars", expect("discover")),
    ("I like comedies", expect("discover", genres=(35,))),
    ("with English subtitles", expect("discover")),
    ("", expect("discover")),
]

FRENCH: list[tuple[str, dict[str, object]]] = [
    # une demande complète
    (
        "un film drôle français des années 90",
        expect("discover", genres=(35,), languages=("fr",), year_from=1990, year_to=1999, media_type="movie"),
    ),
    ("une comédie romantique", expect("discover", genres=(35, 10749), required_genres=(35, 10749))),
    ("un film d'horreur effrayant", expect("discover", genres=(27,), media_type="movie")),
    (
        "un dessin animé pour enfants",
        expect("discover", genres=(16, 10751), required_genres=(16,), exclude_genres=KIDS_EXCLUDED),
    ),
    (
        "un polar coréen récent bien noté",
        expect("discover", genres=(80,), languages=("ko",), year_from=2015, min_rating=7.0),
    ),
    ("un film de science-fiction", expect("discover", genres=(878,), media_type="movie")),
    ("une comédie musicale", expect("discover", genres=(10402,))),
    ("un bon documentaire", expect("discover", genres=(99,), min_rating=7.0)),
    ("un film de guerre", expect("discover", genres=(10752,), media_type="movie")),
    ("une série fantastique", expect("discover", genres=(14,), media_type="tv")),
    ("un drame historique", expect("discover", genres=(18, 36))),
    ("des films japonais", expect("discover", languages=("ja",), media_type="movie")),
    ("une série en coréen", expect("discover", languages=("ko",), media_type="tv")),
    (
        "des films d'animation japonais",
        expect("discover", genres=(16,), languages=("ja",), media_type="movie"),
    ),
    (
        "des séries policières britanniques",
        expect("discover", genres=(80,), languages=("en",), media_type="tv"),
    ),
    ("un film en noir et blanc", expect("discover", media_type="movie")),
    ("montre-moi des comédies", expect("discover", genres=(35,))),
    # années et décennies
    ("un western des années 60", expect("discover", genres=(37,), year_from=1960, year_to=1969)),
    ("les années 2000", expect("discover", year_from=2000, year_to=2009)),
    ("films des années 80", expect("discover", media_type="movie", year_from=1980, year_to=1989)),
    ("un film sorti en 1995", expect("discover", media_type="movie", year_from=1995, year_to=1995)),
    ("après 2010", expect("discover", year_from=2011)),
    ("depuis 2010", expect("discover", year_from=2010)),
    ("avant 1980", expect("discover", year_to=1979)),
    ("entre 1995 et 2000", expect("discover", year_from=1995, year_to=2000)),
    ("un vieux film", expect("discover", media_type="movie", year_to=1979)),
    ("fin des années 70", expect("discover", year_from=1975, year_to=1979)),
    ("des années 70 aux années 90", expect("discover", year_from=1970, year_to=1999)),
    # notes
    ("un film très bien noté", expect("discover", media_type="movie", min_rating=8.0)),
    ("un chef-d'œuvre", expect("discover", min_rating=8.0)),
    ("note supérieure à 7", expect("discover", min_rating=7.0)),
    ("plus de 8/10", expect("discover", min_rating=8.0)),
    # durées
    ("moins de 90 minutes", expect("discover", runtime_max=90)),
    ("moins d'1h30", expect("discover", runtime_max=90)),
    ("un film court", expect("discover", media_type="movie", runtime_max=100)),
    ("plus de 2 heures", expect("discover", runtime_min=120)),
    # personnes
    ("avec Audrey Tautou", expect("discover", people=("Audrey Tautou",))),
    ("un film de Kubrick", expect("discover", media_type="movie", people=("Kubrick",))),
    ("réalisé par Jean-Pierre Jeunet", expect("discover", people=("Jean-Pierre Jeunet",))),
    (
        "un film avec Omar Sy et Vincent Cassel",
        expect("discover", media_type="movie", people=("Omar Sy", "Vincent Cassel")),
    ),
    ("un film de Louis de Funès", expect("discover", media_type="movie", people=("Louis de Funès",))),
    ("un film de Noël", expect("discover", media_type="movie")),
    (
        "un film de moins de 2h avec Jean Dujardin",
        expect("discover", media_type="movie", runtime_max=120, people=("Jean Dujardin",)),
    ),
    (
        "un polar avec Jean Gabin des années 50",
        expect("discover", genres=(80,), people=("Jean Gabin",), year_from=1950, year_to=1959),
    ),
    # similaires
    ("comme Amélie", expect("similar", titles=("Amélie",))),
    ("dans le genre de Heat", expect("similar", titles=("Heat",))),
    (
        "du même genre que Intouchables mais en plus récent",
        expect("similar", titles=("Intouchables",), adjustments=("newer",)),
    ),
    ("un film comme Amélie", expect("similar", titles=("Amélie",), media_type="movie")),
    ("comme La Cité de la peur", expect("similar", titles=("La Cité de la peur",))),
    ("plus comme le deuxième", expect("similar", ordinal=2)),
    ("comme le troisième", expect("similar", ordinal=3)),
    (
        "quelque chose comme Intouchables mais plus drôle",
        expect("similar", titles=("Intouchables",), genres=(35,)),
    ),
    ("une série comme Dix pour cent", expect("similar", titles=("Dix pour cent",), media_type="tv")),
    ("autre chose de similaire", expect("similar")),
    ("j'ai adoré Amélie, tu as autre chose ?", expect("similar", titles=("Amélie",))),
    # recherche
    ("cherche Amélie", expect("search", titles=("Amélie",))),
    ("trouve Intouchables", expect("search", titles=("Intouchables",))),
    ("recherche Le Dîner de cons", expect("search", titles=("Le Dîner de cons",))),
    ("cherche un film avec Audrey Tautou", expect("discover", media_type="movie", people=("Audrey Tautou",))),
    # affiner
    ("seulement les français", expect("refine", languages=("fr",))),
    ("plus ancien", expect("refine", adjustments=("older",))),
    ("plus court", expect("refine", adjustments=("shorter",))),
    ("mieux noté", expect("refine", adjustments=("better",))),
    ("pas d'horreur", expect("refine", exclude_genres=(27,))),
    ("sans romance", expect("refine", exclude_genres=(10749,))),
    ("pas une série", expect("refine", media_type="movie")),
    ("encore plus court", expect("refine", adjustments=("shorter",))),
    ("mais des années 80", expect("refine", year_from=1980, year_to=1989)),
    ("et en français", expect("refine", languages=("fr",))),
    ("pas de films d'horreur ni de romance", expect("refine", exclude_genres=(27, 10749))),
    # encore, et on recommence
    ("encore", expect("more")),
    ("d'autres", expect("more")),
    ("une autre", expect("more")),
    ("autre chose", expect("reset")),
    ("tout autre chose : un western", expect("reset", genres=(37,))),
    ("on recommence", expect("reset")),
    ("oublie ça", expect("reset")),
]


@pytest.mark.parametrize(("message", "fields"), ENGLISH, ids=[message for message, _ in ENGLISH])
def test_english_messages(message: str, fields: dict[str, object]) -> None:
    assert interpret(message) == Interpretation(language="en", **fields)


@pytest.mark.parametrize(("message", "fields"), FRENCH, ids=[message for message, _ in FRENCH])
def test_french_messages(message: str, fields: dict[str, object]) -> None:
    assert interpret(message) == Interpretation(language="fr", **fields)


def test_tables_are_large_enough() -> None:
    assert len(ENGLISH) + len(FRENCH) >= 70
    assert len(FRENCH) >= 30


@pytest.mark.parametrize("message", ["COMÉDIE", "comedie", "Comédie", "comédie"])
def test_case_and_accents_do_not_matter(message: str) -> None:
    assert interpret(message).genres == (35,)


def test_titles_and_names_keep_their_capitals_and_accents() -> None:
    assert interpret("comme Le Fabuleux Destin d'Amélie Poulain").titles == (
        "Le Fabuleux Destin d'Amélie Poulain",
    )
    assert interpret("des films d'Almodóvar").people == ("Almodóvar",)


def test_a_title_is_never_read_as_filters() -> None:
    """A title after "like" ("Heat", "The Good Place") says nothing about genre, year or rating."""
    for message in ("like Heat", "something like The Matrix", "like The Good Place but as a movie"):
        result = interpret(message)
        assert result.intent == "similar"
        assert (result.genres, result.min_rating, result.year_from, result.year_to) == ((), None, None, None)


def test_de_is_a_person_only_before_a_name() -> None:
    assert interpret("un film de science-fiction").people == ()
    assert interpret("films des années 80").people == ()
    assert interpret("un film de SF").people == ()
    assert interpret("un film de Kubrick").people == ("Kubrick",)


def test_every_intent_is_known_and_the_result_is_immutable() -> None:
    for message, _ in ENGLISH + FRENCH:
        assert interpret(message).intent in INTENTS
    with pytest.raises(AttributeError):
        interpret("a comedy").intent = "reset"  # type: ignore[misc]


def test_it_is_fast() -> None:
    """Not a timing (bench/assistant_quality.py measures reading: p95 0.25 ms): a guard against a pattern that
    backtracks, which would take ten times this bound on a busy machine."""
    messages = [message for message, _ in ENGLISH + FRENCH]
    interpret(messages[0])  # warm the regex cache
    started = time.perf_counter()
    for message in messages:
        interpret(message)
    per_message = (time.perf_counter() - started) / len(messages)
    assert per_message < 0.02


def test_long_and_repetitive_messages_stay_cheap() -> None:
    """Reading is bounded (message and title lengths), so odd inputs cannot stall the chat: 6 ms on an idle
    machine; the bound leaves room for a busy one (a backtracking pattern takes seconds)."""
    started = time.perf_counter()
    assert interpret("like " + " or ".join(["Heat"] * 200)).intent == "similar"
    assert interpret("with " + "Jean " * 300).intent == "discover"
    assert interpret("x" * 10_000) == Interpretation(intent="clarify", language="en")  # keyboard mashing
    assert time.perf_counter() - started < 1.0


def test_a_long_message_is_read_to_its_end() -> None:
    """The interpreter reads as much as the API and the page accept: the request may come last."""
    preamble = "Hi there, it has been a busy week at work and I just want to relax on the sofa tonight. " * 10
    message = preamble[:867] + " a funny French film from the 90s"
    assert len(message) == 900
    assert interpret(message) == Interpretation(
        intent="discover",
        language="en",
        media_type="movie",
        genres=(35,),
        languages=("fr",),
        year_from=1990,
        year_to=1999,
    )


@pytest.mark.parametrize(
    ("name", "tmdb_id"),
    [
        (name, g.tmdb_id)
        for g in TMDB_GENRES
        if g.for_movies
        for name in dict.fromkeys((g.name_en, g.name_fr))
    ],
)
def test_every_genre_name_of_the_vocabulary_is_read_as_that_genre(name: str, tmdb_id: int) -> None:
    """catalog.genres names each movie genre in English and French; the interpreter knows every name."""
    assert interpret(name).genres == (tmdb_id,)
