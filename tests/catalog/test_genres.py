import socket
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from catalog import selectors
from catalog.genres import MOVIE_GENRES, TV_GENRES, UnknownSourceGenre, film_genre_ids, tmdb_genre_ids
from catalog.ingest.clients import get_tmdb_client
from catalog.ingest.genres import genres_import
from catalog.models import Genre, MediaType
from catalog.tasks import titles_refresh_sweep_task
from core.exceptions import ProviderMisconfigured, ProviderUnavailable
from tests.fakes.http import Reply
from tests.fakes.tmdb import FakeTmdb

KEY = "tmdb-secret-key-123"
FEED = "/movies/search-by-filters"


@pytest.fixture
def fake_tmdb() -> Iterator[FakeTmdb]:
    server = FakeTmdb(api_key=KEY, read_token="read-token-abc").start()
    yield server
    server.stop()


@pytest.mark.django_db
def test_import_genres_offline_loads_both_lists_in_english_and_french() -> None:
    call_command("import_genres")
    assert Genre.objects.count() == 27  # 19 movie + 16 TV genres, 8 shared
    comedy = Genre.objects.get(tmdb_id=35)
    assert (comedy.name_en, comedy.name_fr, comedy.for_movies, comedy.for_tv) == (
        "Comedy",
        "Comédie",
        True,
        True,
    )
    scifi_tv = Genre.objects.get(tmdb_id=10765)
    assert (scifi_tv.name_fr, scifi_tv.for_movies, scifi_tv.for_tv) == (
        "Science-Fiction & Fantastique",
        False,
        True,
    )
    # TMDB leaves "War & Politics" in English in its fr-FR list; we give French readers a French name.
    assert Genre.objects.get(tmdb_id=10768).name_fr == "Guerre & Politique"


@pytest.mark.django_db
def test_import_genres_is_idempotent() -> None:
    first = genres_import(live=False)
    Genre.objects.filter(tmdb_id=18).update(name_fr="Dramme")  # a typo made in the admin gets repaired
    second = genres_import(live=False)
    third = genres_import(live=False)
    assert (first.created, second.created, second.updated, third.updated, third.unchanged) == (
        27,
        0,
        1,
        0,
        27,
    )
    assert Genre.objects.get(tmdb_id=18).name_fr == "Drame"


@pytest.mark.django_db
def test_import_genres_live_from_tmdb_with_api_key(fake_tmdb: FakeTmdb) -> None:
    with override_settings(TMDB_API_KEY=KEY, TMDB_READ_TOKEN="", TMDB_BASE_URL=fake_tmdb.base_url):
        call_command("import_genres")
    assert Genre.objects.count() == 27
    assert Genre.objects.get(tmdb_id=878).name_fr == "Science-Fiction"
    assert Genre.objects.get(tmdb_id=10762).name_fr == "Enfants"  # TMDB says "Kids": ours kept
    paths = sorted({r.path for r in fake_tmdb.requests})
    assert paths == ["/3/genre/movie/list", "/3/genre/tv/list"]
    assert {r.query["language"][0] for r in fake_tmdb.requests} == {"en", "fr-FR"}
    assert all(r.query["api_key"] == [KEY] for r in fake_tmdb.requests)


def test_tmdb_client_uses_bearer_read_token(fake_tmdb: FakeTmdb) -> None:
    with override_settings(
        TMDB_API_KEY="", TMDB_READ_TOKEN="read-token-abc", TMDB_BASE_URL=fake_tmdb.base_url
    ):
        genres = get_tmdb_client().genres(media_type=MediaType.TV, language="en")
    assert (genres[0].tmdb_id, genres[0].name) == (10759, "Action & Adventure")
    assert "api_key" not in fake_tmdb.requests[0].query
    assert fake_tmdb.requests[0].headers["authorization"] == "Bearer read-token-abc"


def test_tmdb_client_retries_server_errors_then_succeeds(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.queue(
        "/3/genre/movie/list",
        Reply(503, "upstream down"),
        Reply(429, {"status_code": 25}, headers={"Retry-After": "0"}),
    )
    with override_settings(TMDB_API_KEY=KEY, TMDB_BASE_URL=fake_tmdb.base_url):
        genres = get_tmdb_client().genres(media_type=MediaType.MOVIE, language="en")
    assert len(genres) == 19
    assert len(fake_tmdb.requests) == 3


def test_tmdb_client_invalid_key_is_misconfigured_and_never_leaks_the_key(fake_tmdb: FakeTmdb) -> None:
    with (
        override_settings(TMDB_API_KEY="wrong-secret", TMDB_BASE_URL=fake_tmdb.base_url),
        pytest.raises(ProviderMisconfigured) as caught,
    ):
        get_tmdb_client().genres(media_type=MediaType.MOVIE, language="en")
    assert "wrong-secret" not in str(caught.value)


def test_tmdb_client_unreachable_is_unavailable_without_the_key_in_the_message() -> None:
    with (
        override_settings(
            TMDB_API_KEY="my-secret", TMDB_BASE_URL="http://127.0.0.1:9/3", TMDB_TIMEOUT_SECONDS=0.5
        ),
        pytest.raises(ProviderUnavailable) as caught,
    ):
        get_tmdb_client().genres(media_type=MediaType.MOVIE, language="en")
    assert "my-secret" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is not None


def test_tmdb_client_malformed_body_is_unavailable(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.queue(
        "/3/genre/movie/list", Reply(200, '{"genres": [', headers={"Content-Type": "application/json"})
    )
    with (
        override_settings(TMDB_API_KEY=KEY, TMDB_BASE_URL=fake_tmdb.base_url),
        pytest.raises(ProviderUnavailable),
    ):
        get_tmdb_client().genres(media_type=MediaType.MOVIE, language="en")


def closed_port() -> int:
    """A local port nobody listens on: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
def test_import_genres_falls_back_to_the_embedded_lists_when_tmdb_is_unreachable(
    capsys: pytest.CaptureFixture,
) -> None:
    """`make run` with a key starts while TMDB is down: the command returns (exit 0) with a warning."""
    with override_settings(
        TMDB_API_KEY=KEY, TMDB_BASE_URL=f"http://127.0.0.1:{closed_port()}/3", TMDB_TIMEOUT_SECONDS=0.5
    ):
        call_command("import_genres")
    out, err = capsys.readouterr()
    assert "Warning: could not fetch genres from TMDB" in err
    assert KEY not in err
    assert "Genres from embedded: 27 created" in out
    assert Genre.objects.get(tmdb_id=35).name_fr == "Comédie"


@pytest.mark.django_db
def test_a_fallback_keeps_what_a_live_import_wrote(
    fake_tmdb: FakeTmdb, capsys: pytest.CaptureFixture
) -> None:
    with override_settings(TMDB_API_KEY=KEY, TMDB_READ_TOKEN="", TMDB_BASE_URL=fake_tmdb.base_url):
        call_command("import_genres")
    Genre.objects.filter(tmdb_id=35).update(name_en="Comedy (as TMDB now names it)")  # renamed upstream
    Genre.objects.filter(tmdb_id=10752).delete()  # and one the database lacks
    fake_tmdb.queue("/3/genre/movie/list", *[Reply(503, "upstream down")] * 10)  # more than the retries
    with override_settings(TMDB_API_KEY=KEY, TMDB_BASE_URL=fake_tmdb.base_url):
        call_command("import_genres")
    out, err = capsys.readouterr()
    assert "Warning: could not fetch genres from TMDB" in err
    assert "Genres from embedded: 1 created, 0 updated, 26 unchanged." in out
    assert Genre.objects.get(tmdb_id=35).name_en == "Comedy (as TMDB now names it)"
    assert Genre.objects.count() == 27


@pytest.mark.django_db
def test_the_daily_sweep_refreshes_the_genres_from_tmdb_when_a_key_is_set(fake_tmdb: FakeTmdb) -> None:
    genres_import(live=False)
    Genre.objects.filter(tmdb_id=878).update(name_fr="SF (our fallback name)")
    with override_settings(TMDB_API_KEY="", TMDB_READ_TOKEN="", TMDB_BASE_URL=fake_tmdb.base_url):
        titles_refresh_sweep_task()
    assert fake_tmdb.requests == []  # no key: never calls out
    with override_settings(TMDB_API_KEY=KEY, TMDB_READ_TOKEN="", TMDB_BASE_URL=fake_tmdb.base_url):
        titles_refresh_sweep_task()
    assert {r.path for r in fake_tmdb.requests} == {"/3/genre/movie/list", "/3/genre/tv/list"}
    assert Genre.objects.get(tmdb_id=878).name_fr == "Science-Fiction"


@pytest.mark.parametrize(
    ("names", "media_type", "expected"),
    [
        (["Sci-Fi"], MediaType.MOVIE, [878]),
        (["Sci-Fi"], MediaType.TV, [10765]),
        (["Children"], MediaType.MOVIE, [10751]),
        (["Children"], MediaType.TV, [10762]),
        (["Musical", "Music"], MediaType.MOVIE, [10402]),
        (["Biography", "Drama"], MediaType.MOVIE, [36, 18]),
        (["Film-Noir"], MediaType.MOVIE, [80, 53]),
        (["Action", "Adventure"], MediaType.TV, [10759]),
        (["IMAX", "Sport", "(no genres listed)", ""], MediaType.MOVIE, []),
    ],
)
def test_source_genres_map_onto_tmdb_genres(names: list[str], media_type: str, expected: list[int]) -> None:
    assert tmdb_genre_ids(names, media_type=media_type) == expected


def test_unknown_source_genre_is_an_error_not_a_guess() -> None:
    with pytest.raises(UnknownSourceGenre):
        tmdb_genre_ids(["Space Opera"], media_type=MediaType.MOVIE)


@pytest.mark.django_db
def test_every_mapped_genre_exists_for_its_media_type() -> None:
    genres_import(live=False)
    movie_ids = set(Genre.objects.filter(for_movies=True).values_list("tmdb_id", flat=True))
    tv_ids = set(Genre.objects.filter(for_tv=True).values_list("tmdb_id", flat=True))
    assert {i for ids in MOVIE_GENRES.values() for i in ids} <= movie_ids
    assert {i for ids in TV_GENRES.values() for i in ids} <= tv_ids


# Each source's say in a film's genres (catalog.genres.film_genre_ids; measured by bench/genres.py).
@pytest.mark.parametrize(
    ("wikidata", "movielens", "flags", "expected"),
    [
        # Heat (1995): Wikidata's superset; MovieLens knows the film, IMDb's flags add Drama.
        (
            ("Thriller", "Mystery", "Drama", "Crime", "History", "Action", "Adventure"),
            ("Action", "Crime", "Thriller"),
            ("Action", "Drama"),
            [28, 80, 18, 53],
        ),
        # Reservoir Dogs (1992): IMDb flags none of the six, so not Action, Comedy or Drama.
        (
            ("Thriller", "Mystery", "Comedy", "Drama", "Crime", "Action", "Adventure"),
            ("Crime", "Mystery", "Thriller"),
            (),
            [80, 9648, 53],
        ),
        # After 2005 (no flags): MovieLens's list as it is, Wikidata's Biography still makes it History.
        (("Drama", "Biography", "Sport"), ("Drama",), None, [18, 36]),
        # MovieLens does not know it: Wikidata's, without the tags it attaches loosely.
        (("Drama", "Mystery", "History", "Music", "Romance"), (), None, [18, 10749]),
        # MovieLens names only a format: as good as not knowing the film.
        (("Comedy",), ("IMAX",), None, [35]),
    ],
)
def test_film_genres_trust_each_source_for_what_it_knows(
    wikidata: tuple[str, ...], movielens: tuple[str, ...], flags: tuple[str, ...] | None, expected: list[int]
) -> None:
    genres = film_genre_ids(wikidata=wikidata, movielens=movielens, imdb_flags=flags)
    assert sorted(genres) == sorted(expected)


@pytest.mark.django_db
def test_genres_are_read_once_per_process_and_a_write_is_seen_at_once(auth_client, monkeypatch) -> None:
    """Every feed request naming a genre resolves it: the lists are held per process, and a genre written
    through the ORM (the admin, an import) is resolved at once; one changed behind the ORM's back after
    `GENRES_HELD_SECONDS`."""
    call_command("import_genres")
    genres_table = Genre._meta.db_table

    def feed(body: dict) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            status = auth_client.post(FEED, body, format="json").status_code
        return status, sum(f'FROM "{genres_table}"' in q["sql"] for q in queries.captured_queries)

    assert feed({"genres": ["Comédie"]}) == (200, 1)
    assert feed({"genres": ["Comedy"], "exclude_genres": ["Drama"]}) == (200, 0)
    comedy = Genre.objects.get(tmdb_id=35)
    comedy.name_fr = "Comédie légère"
    comedy.save()
    assert feed({"genres": ["Comédie légère"]}) == (200, 1)
    assert feed({"genres": ["Comédie"]})[0] == 400
    Genre.objects.filter(tmdb_id=35).update(name_fr="Comédie")  # no signal: seen after the lifetime
    assert feed({"genres": ["Comédie"]}) == (400, 0)
    monkeypatch.setattr(selectors, "GENRES_HELD_SECONDS", 0)
    assert feed({"genres": ["Comédie"]}) == (200, 1)
