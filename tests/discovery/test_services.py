"""Filling a page: the live top-up from TMDB answers in bounded time, however slow TMDB is."""

import pytest
from rest_framework.test import APIClient

from catalog.ingest.genres import genres_import
from catalog.models import MediaType, Title
from tests.fakes.omdb import FakeOmdb
from tests.fakes.tmdb import FakeTmdb

pytestmark = pytest.mark.django_db

TMDB_LATENCY = 0.1  # seconds on every TMDB answer: one page of top-up (20 titles, 2 languages) takes ~0.5 s


@pytest.mark.parametrize(("budget", "pages"), [(0.3, 1), (60, 3)])
def test_a_slow_tmdb_stops_the_top_up_at_the_time_budget(
    fake_tmdb: FakeTmdb,
    fake_omdb: FakeOmdb,
    fake_world,
    api_client: APIClient,
    settings,
    budget: float,
    pages: int,
) -> None:
    genres_import(live=False)
    world = fake_world(60, 0, years=range(2019, 2024))  # 3 TMDB pages of 20 films
    fake_tmdb.add(*world)
    fake_omdb.add(*world)
    fake_tmdb.latency = TMDB_LATENCY
    settings.CATALOG_TOPUP_MAX_PAGES = 3
    settings.CATALOG_TOPUP_BUDGET_SECONDS = budget

    response = api_client.post(
        "/movies/search-by-filters?page_size=100", {"year_from": 2019, "sort_by": "year"}, format="json"
    )

    assert response.status_code == 200
    asked = [r for r in fake_tmdb.requests if r.path == "/discover/movie"]
    # The first page alone outlasts the short budget: the request answers with it instead of asking for more.
    assert len(asked) == pages
    added = Title.objects.filter(media_type=MediaType.MOVIE, tmdb_id__isnull=False).count()
    assert len(response.json()["results"]) == added == 20 * pages
