"""The bulk writers store nothing the validators refuse: the embedded load, the IMDb datasets import and
the TMDB refresh drop (and count) an implausible year, a release date outside the title's year, an air
year before the first; what they store then passes the admin's form unchanged."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from catalog.ingest.enrichment import title_refresh
from catalog.ingest.genres import genres_import
from catalog.ingest.imdb import BASICS
from catalog.models import MediaType, Title
from catalog.validators import title_errors, title_values_repair
from tests.catalog.test_curation import post_change
from tests.catalog.test_imdb_datasets import BASICS_ROWS, N, run, write_tsv_gz
from tests.catalog.test_imdb_datasets import files as files
from tests.catalog.test_load_catalog import FILMS, _write_movies_db, load
from tests.catalog.test_load_catalog import sources as sources
from tests.factories import TitleFactory
from tests.fakes.omdb import FakeOmdb
from tests.fakes.tmdb import FakeTitle, FakeTmdb

pytestmark = pytest.mark.django_db


def test_the_embedded_load_stores_no_refused_value(
    staff_client: Client,
    sources: dict[str, Path],
) -> None:
    amelie, haine, *rest = FILMS
    typo = (amelie[0], amelie[1], amelie[2], 20011, *amelie[4:])  # a year typed with a digit too many
    elsewhere = (*haine[:6], "1996-01-10", *haine[7:])  # released the year after its year
    _write_movies_db(sources["movies_db"].with_name("bad.db"), [typo, elsewhere, *rest])
    output = load({**sources, "movies_db": sources["movies_db"].with_name("bad.db")})

    assert "values the validators refuse, not stored: " in output
    assert "year 1" in output and "release_date 1" in output
    typoed = Title.objects.get(imdb_id="tt0211915")
    assert typoed.year == 2001 and typoed.release_date.isoformat() == "2001-04-25"  # the date's year
    assert Title.objects.get(imdb_id="tt0113247").release_date is None
    for title in Title.objects.all():
        assert title_errors(title) == {}, title
    post_change(staff_client, f"/admin/catalog/movie/{typoed.pk}/change/")  # the form accepts it as is


def test_the_imdb_import_drops_implausible_years(files: dict[str, Path], tmp_path: Path) -> None:
    rows = [
        *BASICS_ROWS,
        ("tt9800001", "movie", "Far Future", "Far Future", "0", "2999", N, "90", "Drama"),
        ("tt9800002", "tvSeries", "Backwards", "Backwards", "0", "2010", "2004", "30", "Drama"),
        ("tt99x", "movie", "No Id", "No Id", "0", "2001", N, "90", "Drama"),
    ]
    files = {**files, "basics": write_tsv_gz(tmp_path / "bad.basics.tsv.gz", BASICS.columns, rows)}
    output = run(files)
    assert "Values the validators refuse, left empty: year 1, last_air_year 1." in output
    assert "malformed IMDb id 1" in output
    assert Title.objects.get(imdb_id="tt9800001").year is None
    show = Title.objects.get(imdb_id="tt9800002")
    assert (show.media_type, show.year, show.first_air_year, show.last_air_year) == ("tv", 2010, 2010, None)
    assert not Title.objects.filter(title_en="No Id").exists()
    for title in Title.objects.all():
        assert title_errors(title) == {}, title


def test_a_refresh_keeps_what_the_validators_refuse_out(fake_tmdb: FakeTmdb, fake_omdb: FakeOmdb) -> None:
    genres_import(live=False)
    fake = FakeTitle(
        media_type="tv",
        tmdb_id=1396,
        title={"en": "Breaking Bad"},
        release_date="2008-01-20",
        last_air_date="2003-09-29",  # before it began
        original_language="??",
        countries=["US", "U1"],
        number_of_seasons=5,
    )
    fake_tmdb.add(fake)
    show = TitleFactory(
        media_type=MediaType.TV,
        tmdb_id=1396,
        imdb_id=None,
        title_en="Breaking Bad",
        year=2008,
        first_air_year=2008,
        last_air_year=2013,
        original_language="en",
    )
    assert title_refresh(title_id=show.pk).refreshed
    show.refresh_from_db()
    assert (show.last_air_year, show.original_language, show.countries) == (2013, "en", ["US"])
    assert show.number_of_seasons == 5  # the rest is TMDB's
    assert title_errors(show) == {}


def test_repair_changes_nothing_valid_and_names_what_it_changed() -> None:
    good: dict[str, Any] = {
        "media_type": MediaType.MOVIE,
        "year": 2001,
        "imdb_id": "tt0211915",
        "original_language": "fr",
        "countries": ["FR", "SU"],
        "directors": ["Jean-Pierre Jeunet"],
    }
    assert title_values_repair(dict(good)) == []
    future = {**good, "year": 2199, "release_date": datetime.date(2199, 1, 1)}
    assert title_values_repair(future) == ["year", "release_date"]  # the date cannot tell the year
    assert (future["year"], future["release_date"]) == (None, None)
    bad = {**good, "countries": "FR", "directors": "Jean-Pierre Jeunet", "number_of_seasons": 2}
    assert sorted(title_values_repair(bad)) == ["countries", "directors", "number_of_seasons"]
    assert (bad["countries"], bad["directors"], bad["number_of_seasons"]) == (
        [],
        ["Jean-Pierre Jeunet"],
        None,
    )
