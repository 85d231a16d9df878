"""`manage.py import_imdb_datasets`, run on small files written here in IMDb's own format (gzipped TSV,
header row, `\\N` for null). The same tests run on SQLite and on PostgreSQL (COPY path)."""

import gzip
import os
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from catalog.genres import IMDB_DATASET_GENRES, SOURCE_GENRES
from catalog.ingest.genres import genres_import
from catalog.ingest.imdb import AKAS, BASICS, RATINGS, ImdbDatasetError, imdb_datasets_import
from catalog.ingest.sources import BOKEH_MOVIES, GGPLOT2_MOVIES, IMDB_DATASETS, data_source_sync
from catalog.models import DataSource, Genre, MediaType, Title

pytestmark = pytest.mark.django_db

N = "\\N"
FILES_DATE = date(2026, 11, 20)
# tconst titleType primaryTitle originalTitle isAdult startYear endYear runtimeMinutes genres
BASICS_ROWS = [
    ("tt0000001", "short", "Carmencita", "Carmencita", "0", "1894", N, "1", "Documentary,Short"),
    (
        "tt0211915",
        "movie",
        "Le fabuleux destin d'Amélie Poulain",
        "Le fabuleux destin d'Amélie Poulain",
        "0",
        "2001",
        N,
        "122",
        "Comedy,Romance",
    ),
    (
        "tt0111161",
        "movie",
        "The Shawshank Redemption",
        "The Shawshank Redemption",
        "0",
        "1994",
        N,
        "142",
        "Drama",
    ),
    (
        "tt0903747",
        "tvSeries",
        "Breaking Bad",
        "Breaking Bad",
        "0",
        "2008",
        "2013",
        "49",
        "Crime,Drama,Thriller",
    ),
    ("tt0959621", "tvEpisode", "Pilot", "Pilot", "0", "2008", N, "58", "Crime,Drama,Thriller"),
    (
        "tt0185906",
        "tvMiniSeries",
        "Band of Brothers",
        "Band of Brothers",
        "0",
        "2001",
        "2001",
        "594",
        "Action,Drama,History",
    ),
    ("tt0067023", "tvMovie", "Duel", "Duel", "0", "1971", N, "90", "Action,Thriller"),
    ("tt9900001", "movie", "Adult Feature", "Adult Feature", "1", "1999", N, "80", "Adult"),
    ("tt9900002", "movie", "Untitled Project", N, "0", N, N, N, N),
    (
        "tt9900003",
        "movie",
        "Epic Runtime",
        "Epic Runtime",
        "0",
        "2011",
        N,
        "51420",
        "Documentary,Experimental",
    ),
    ("tt9900004", "video", "Making Of", "Making Of", "0", "2002", N, "20", "Documentary"),
]
# tconst averageRating numVotes
RATINGS_ROWS = [
    ("tt0000001", "5.7", "2100"),
    ("tt0211915", "8.3", "800123"),
    ("tt0111161", "9.3", "3000456"),
    ("tt0903747", "9.5", "2300789"),
    ("tt0959621", "9.0", "40000"),
    ("tt0185906", "9.4", "550000"),
    ("tt0067023", "7.6", "71000"),
]
# titleId ordering title region language types attributes isOriginalTitle
AKAS_ROWS = [
    ("tt0111161", "1", "The Shawshank Redemption", N, N, "original", N, "1"),
    ("tt0111161", "2", "Die Verurteilten", "DE", N, "imdbDisplay", N, "0"),
    ("tt0111161", "3", "Rita Hayworth et la rédemption de Shawshank", "FR", N, "working", N, "0"),
    ("tt0111161", "4", "Les Évadés", "FR", N, "imdbDisplay", N, "0"),
    ("tt0211915", "1", "Le fabuleux destin d'Amélie Poulain", "FR", N, "imdbDisplay", N, "0"),
    ("tt0211915", "2", "Amélie", "US", N, "imdbDisplay", N, "0"),
    ("tt0185906", "6", "Band of Brothers : Frères d'armes", "FR", "fr", N, N, "0"),
    ("tt0185906", "3", "Frères d'armes", "FR", N, "alternative", N, "0"),
    ("tt0959621", "1", "Chute libre", "FR", N, "imdbDisplay", N, "0"),
]


def write_tsv_gz(path: Path, columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8", newline="\n") as out:
        for row in [columns, *rows]:
            out.write("\t".join(row) + "\n")
    stamp = datetime(FILES_DATE.year, FILES_DATE.month, FILES_DATE.day, 12, tzinfo=UTC).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return {
        "basics": write_tsv_gz(tmp_path / "title.basics.tsv.gz", BASICS.columns, BASICS_ROWS),
        "ratings": write_tsv_gz(tmp_path / "title.ratings.tsv.gz", RATINGS.columns, RATINGS_ROWS),
        "akas": write_tsv_gz(tmp_path / "title.akas.tsv.gz", AKAS.columns, AKAS_ROWS),
    }


@pytest.fixture
def amelie() -> Title:
    """A film of the embedded catalog: its English title, people and genres are richer than IMDb's files."""
    genres_import(live=False)
    title = Title.objects.create(
        media_type=MediaType.MOVIE,
        imdb_id="tt0211915",
        title_en="Amélie",
        original_title="",
        year=2001,
        runtime=None,
        directors=["Jean-Pierre Jeunet"],
        cast=["Audrey Tautou"],
        imdb_rating=Decimal("8.0"),
        imdb_votes=20_000,
        rating_source=data_source_sync(GGPLOT2_MOVIES),
        source=data_source_sync(BOKEH_MOVIES),
        source_key="tt0211915",
    )
    title.genres.set(Genre.objects.filter(tmdb_id__in=[35]))
    return title


@pytest.fixture
def duel() -> Title:
    """A film of the catalog that IMDb files as a TV movie (a type the import does not create)."""
    return Title.objects.create(
        media_type=MediaType.MOVIE,
        imdb_id="tt0067023",
        title_en="Duel",
        year=1971,
        source=data_source_sync(BOKEH_MOVIES),
        source_key="tt0067023",
    )


def run(files: dict[str, Path], *options: str) -> str:
    out = StringIO()
    call_command(
        "import_imdb_datasets",
        *(str(files[k]) for k in ("basics", "ratings", "akas") if k in files),
        "--no-progress",
        *options,
        stdout=out,
    )
    return out.getvalue()


def snapshot() -> tuple[list[dict], list[tuple[int, int]], list[dict]]:
    titles = list(Title.objects.order_by("pk").values())
    links = list(
        Title.genres.through.objects.order_by("title_id", "genre_id").values_list("title_id", "genre_id")
    )
    data_sources = list(DataSource.objects.order_by("key").values("key", "name", "licence", "data_as_of"))
    return titles, links, data_sources


def genre_ids(title: Title) -> set[int]:
    return set(title.genres.values_list("tmdb_id", flat=True))


def test_import_creates_movies_and_series_and_skips_episodes_adult_titles_and_other_types(
    files: dict[str, Path],
) -> None:
    output = run(files)

    assert set(Title.objects.values_list("imdb_id", flat=True)) == {
        "tt0211915",
        "tt0111161",
        "tt0903747",
        "tt0185906",
        "tt9900002",
        "tt9900003",
    }
    shawshank = Title.objects.get(imdb_id="tt0111161")
    source = DataSource.objects.get(key=IMDB_DATASETS.key)
    assert (shawshank.media_type, shawshank.title_en, shawshank.original_title) == (
        MediaType.MOVIE,
        "The Shawshank Redemption",
        "The Shawshank Redemption",
    )
    assert (shawshank.year, shawshank.runtime, shawshank.first_air_year) == (1994, 142, None)
    assert (shawshank.imdb_rating, shawshank.imdb_votes) == (Decimal("9.3"), 3_000_456)
    assert shawshank.rating_source == source
    assert shawshank.rating_as_of == FILES_DATE
    assert (shawshank.source, shawshank.source_key) == (source, "tt0111161")
    assert genre_ids(shawshank) == {18}

    breaking_bad = Title.objects.get(imdb_id="tt0903747")
    assert breaking_bad.media_type == MediaType.TV
    assert (breaking_bad.year, breaking_bad.first_air_year, breaking_bad.last_air_year) == (2008, 2008, 2013)
    assert genre_ids(breaking_bad) == {80, 18, 9648}  # IMDb "Thriller" is TMDB TV's "Mystery"
    miniseries = Title.objects.get(imdb_id="tt0185906")
    assert miniseries.media_type == MediaType.TV
    assert genre_ids(miniseries) == {10759, 18}  # "History" has no TMDB TV genre

    untitled = Title.objects.get(imdb_id="tt9900002")  # every \N stays unknown: nothing is made up
    assert (untitled.original_title, untitled.year, untitled.runtime, untitled.imdb_rating) == (
        "",
        None,
        None,
        None,
    )
    assert (untitled.rating_source, untitled.rating_as_of, untitled.score) == (None, None, None)
    assert genre_ids(untitled) == set()
    epic = Title.objects.get(imdb_id="tt9900003")
    assert epic.runtime is None  # 51,420 minutes does not fit the column: left unknown
    assert genre_ids(epic) == {99}

    assert source.licence.startswith("IMDb non-commercial licence")
    assert source.attribution == "Information courtesy of IMDb (https://www.imdb.com). Used with permission."
    assert source.data_as_of == FILES_DATE.isoformat()
    assert "6 created, 0 updated, 0 unchanged" in output
    assert "adult 1" in output
    assert "title type tvEpisode 1" in output
    assert "title type short 1" in output
    assert "Experimental (1)" in output  # a genre nobody mapped: reported, not guessed


def test_french_titles_prefer_the_display_title_then_the_lowest_ordering(files: dict[str, Path]) -> None:
    run(files)

    assert Title.objects.get(imdb_id="tt0111161").title_fr == "Les Évadés"
    assert Title.objects.get(imdb_id="tt0185906").title_fr == "Frères d'armes"
    assert Title.objects.get(imdb_id="tt0903747").title_fr == ""
    shawshank = Title.objects.get(imdb_id="tt0111161")
    expected = Title(
        title_en=shawshank.title_en, title_fr="Les Évadés", original_title=shawshank.original_title
    )
    expected.refresh_search_fields()
    assert shawshank.search_title == expected.search_title == "the shawshank redemption | les evades"


def test_without_akas_there_are_no_french_titles(files: dict[str, Path]) -> None:
    del files["akas"]
    output = run(files)

    assert not Title.objects.exclude(title_fr="").exists()
    assert "6 created" in output


def test_an_embedded_title_gets_the_current_rating_and_only_its_blanks_filled(
    files: dict[str, Path], amelie: Title
) -> None:
    output = run(files)

    amelie.refresh_from_db()
    assert amelie.title_en == "Amélie"  # the embedded catalog's English title is kept
    assert amelie.title_fr == "Le fabuleux destin d'Amélie Poulain"  # blank: filled from the FR aka
    assert amelie.original_title == "Le fabuleux destin d'Amélie Poulain"
    assert (amelie.year, amelie.runtime) == (2001, 122)
    assert (amelie.imdb_rating, amelie.imdb_votes, amelie.rating_as_of) == (
        Decimal("8.3"),
        800_123,
        FILES_DATE,
    )
    assert amelie.rating_source.key == IMDB_DATASETS.key
    assert amelie.source.key == BOKEH_MOVIES.key
    assert amelie.directors == ["Jean-Pierre Jeunet"]
    assert genre_ids(amelie) == {35}  # it had genres: not replaced by IMDb's
    assert amelie.search_title == "amelie | le fabuleux destin d'amelie poulain"
    assert amelie.search_people == "jean-pierre jeunet | audrey tautou"
    assert "1 updated" in output


def test_a_catalog_title_of_another_imdb_type_still_gets_its_rating(
    files: dict[str, Path], duel: Title
) -> None:
    run(files)

    duel.refresh_from_db()
    assert (duel.imdb_rating, duel.imdb_votes, duel.rating_as_of) == (Decimal("7.6"), 71_000, FILES_DATE)
    assert (duel.title_en, duel.runtime, duel.media_type) == ("Duel", None, MediaType.MOVIE)


def test_a_more_recent_rating_is_kept(files: dict[str, Path], amelie: Title) -> None:
    Title.objects.filter(pk=amelie.pk).update(
        imdb_rating=Decimal("8.4"), imdb_votes=810_000, rating_as_of=date(2026, 11, 25)
    )
    run(files)

    amelie.refresh_from_db()
    assert (amelie.imdb_rating, amelie.imdb_votes, amelie.rating_as_of) == (
        Decimal("8.4"),
        810_000,
        date(2026, 11, 25),
    )


def test_a_title_refreshed_from_tmdb_keeps_its_fields_and_genres(files: dict[str, Path]) -> None:
    run(files)
    shawshank = Title.objects.get(imdb_id="tt0111161")
    Title.objects.filter(pk=shawshank.pk).update(
        title_en="The Shawshank Redemption (TMDB)", cache_update_date=datetime(2026, 11, 21, tzinfo=UTC)
    )
    shawshank.genres.set(Genre.objects.filter(tmdb_id__in=[18, 80]))
    changed = [
        ("tt0111161", "movie", "Shawshank", "Shawshank", "0", "1995", N, "140", "Crime")
        if row[0] == "tt0111161"
        else row
        for row in BASICS_ROWS
    ]
    write_tsv_gz(files["basics"], BASICS.columns, changed)
    run(files)

    shawshank.refresh_from_db()
    assert (shawshank.title_en, shawshank.year, shawshank.runtime) == (
        "The Shawshank Redemption (TMDB)",
        1994,
        142,
    )
    assert genre_ids(shawshank) == {18, 80}


def test_titles_the_import_created_follow_newer_files(files: dict[str, Path]) -> None:
    run(files)
    newer = [
        ("tt0903747", "tvSeries", "Breaking Bad", "Breaking Bad", "0", "2008", "2013", "47", "Crime,Drama")
        if row[0] == "tt0903747"
        else row
        for row in BASICS_ROWS
    ]
    write_tsv_gz(files["basics"], BASICS.columns, newer)
    ratings = [("tt0903747", "9.4", "2400000") if r[0] == "tt0903747" else r for r in RATINGS_ROWS]
    write_tsv_gz(files["ratings"], RATINGS.columns, ratings)
    output = run(files, "--as-of", "2026-11-27")

    breaking_bad = Title.objects.get(imdb_id="tt0903747")
    assert breaking_bad.runtime == 47
    assert genre_ids(breaking_bad) == {80, 18}
    assert (breaking_bad.imdb_rating, breaking_bad.imdb_votes) == (Decimal("9.4"), 2_400_000)
    assert breaking_bad.rating_as_of == date(2026, 11, 27)  # every rating is now as of the newer files
    assert Title.objects.get(imdb_id="tt0111161").rating_as_of == date(2026, 11, 27)
    assert "0 created, 4 updated, 2 unchanged" in output


def test_running_the_import_twice_changes_nothing_the_second_time(
    files: dict[str, Path], amelie: Title, duel: Title
) -> None:
    run(files)
    before = snapshot()
    output = run(files)

    assert snapshot() == before
    assert "0 created, 0 updated, 7 unchanged" in output


def test_ratings_are_ranked_with_the_vote_weighted_score(files: dict[str, Path]) -> None:
    run(files)

    ranked = list(
        Title.objects.filter(media_type=MediaType.TV)
        .order_by("-score")
        .values_list("imdb_id", "rating", "votes")
    )
    assert ranked == [("tt0903747", 9.5, 2_300_789), ("tt0185906", 9.4, 550_000)]
    assert Title.objects.get(imdb_id="tt0111161").score is not None


def test_imported_titles_are_found_by_their_french_title_and_discovered(files: dict[str, Path]) -> None:
    run(files)
    client = APIClient()

    found = client.post("/movies/search-by-keywords", {"query": "les evades"}, format="json").json()
    assert found["results"][0]["title"] == "The Shawshank Redemption"
    feed = client.post("/tvshows/search-by-filters", {"genres": ["Crime"]}, format="json").json()
    assert [card["title"] for card in feed["results"]] == ["Breaking Bad"]


def test_the_report_counts_what_was_read_and_skipped(files: dict[str, Path]) -> None:
    report = imdb_datasets_import(basics=files["basics"], ratings=files["ratings"], akas=files["akas"])

    assert report.lines == {"title.basics": 11, "title.ratings": 7, "title.akas": 9}
    assert report.as_of == FILES_DATE
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert report.fr_titles == 3
    assert report.fr_rows == 6
    assert report.skipped == {
        "title type short": 1,
        "title type tvEpisode": 1,
        "title type tvMovie": 1,
        "title type video": 1,
        "adult": 1,
        "rating of a title not imported": 3,
    }
    assert report.unknown_genres == {"Experimental": 1}


def test_malformed_lines_are_counted_and_skipped(tmp_path: Path) -> None:
    basics = write_tsv_gz(
        tmp_path / "b.tsv.gz",
        BASICS.columns,
        [
            BASICS_ROWS[2],
            ("tt1", "movie", "Too few columns"),
            ("tt2", "movie", "X", "X", "maybe", N, N, N, N),
        ],
    )
    ratings = write_tsv_gz(tmp_path / "r.tsv.gz", RATINGS.columns, [("tt0111161", "eleven", "3")])
    report = imdb_datasets_import(basics=basics, ratings=ratings)

    assert report.created == 1
    assert report.skipped["malformed line in title.basics"] == 2
    assert report.skipped["malformed line in title.ratings"] == 1
    assert Title.objects.get().imdb_rating is None


# ---------------------------------------------------------------- bad input: a clear error, nothing written


def test_a_missing_file_is_a_clear_error(files: dict[str, Path]) -> None:
    files["akas"] = files["akas"].with_name("title.akas.missing.tsv.gz")
    with pytest.raises(CommandError, match=r"title\.akas: no such file: .*missing"):
        run(files)
    assert not Title.objects.exists()
    assert not DataSource.objects.filter(key=IMDB_DATASETS.key).exists()


def test_a_file_that_is_not_gzip_is_a_clear_error(files: dict[str, Path], tmp_path: Path) -> None:
    plain = tmp_path / "title.ratings.tsv"
    plain.write_text("tconst\taverageRating\tnumVotes\ntt0111161\t9.3\t3000456\n")
    files["ratings"] = plain
    with pytest.raises(CommandError, match=r"title\.ratings: .* is not gzip-compressed"):
        run(files)
    assert not Title.objects.exists()


def test_files_given_in_the_wrong_order_are_a_clear_error(files: dict[str, Path]) -> None:
    files["basics"], files["ratings"] = files["ratings"], files["basics"]
    with pytest.raises(
        CommandError, match=r"title\.basics: .* does not have title\.basics's header \(missing"
    ):
        run(files)
    assert not Title.objects.exists()


def test_a_truncated_download_writes_nothing(files: dict[str, Path], amelie: Title) -> None:
    rows = BASICS_ROWS * 2000  # long enough to be cut in the middle of the compressed stream
    write_tsv_gz(files["basics"], BASICS.columns, rows)
    data = files["basics"].read_bytes()
    files["basics"].write_bytes(data[: len(data) // 2])
    before = snapshot()

    with pytest.raises(CommandError, match=r"title\.basics: .* is corrupt or truncated after line \d+"):
        run(files)
    assert snapshot() == before


def test_an_as_of_date_in_the_future_is_refused(files: dict[str, Path]) -> None:
    with pytest.raises(CommandError, match="in the future"):
        run(files, "--as-of", "2999-01-01")
    with pytest.raises(CommandError, match="not a date"):
        run(files, "--as-of", "yesterday")


def test_the_service_raises_its_own_error_type(tmp_path: Path) -> None:
    with pytest.raises(ImdbDatasetError):
        imdb_datasets_import(basics=tmp_path / "nope.tsv.gz", ratings=tmp_path / "nope2.tsv.gz")


def test_every_imdb_genre_is_mapped_for_movies_and_tv() -> None:
    for media_type in MediaType:
        assert set(IMDB_DATASET_GENRES) <= set(SOURCE_GENRES[media_type])


def test_a_title_page_credits_imdb_and_dates_the_rating(files: dict[str, Path]) -> None:
    run(files)
    shawshank = Title.objects.get(imdb_id="tt0111161")

    body = APIClient().get(f"/movies/{shawshank.pk}").json()
    assert body["source"]["attribution"] == IMDB_DATASETS.attribution
    imdb = next(r for r in body["ratings"] if r["source"] == "imdb")
    assert imdb == {
        "source": "imdb",
        "provider": "IMDb",  # its public name (the data set: IMDb non-commercial datasets)
        "value": 9.3,
        "votes": 3_000_456,
        "reviews": None,
        "meter": None,
        "scale": None,
        "as_of": FILES_DATE.isoformat(),
        "as_of_year": None,
        "used_for_score": True,
    }


def test_the_command_draws_progress_bars_on_stderr_and_times_each_phase(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = StringIO()
    call_command("import_imdb_datasets", str(files["basics"]), str(files["ratings"]), verbosity=2, stdout=out)

    assert "title.basics.tsv.gz" in capsys.readouterr().err
    assert "Time per phase: title.ratings" in out.getvalue()
    assert "rows/s over 18 lines" in out.getvalue()
