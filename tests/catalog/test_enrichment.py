"""Enrichment from TMDB and OMDb, end to end against the fake providers: refreshes, refresh-on-read, the
daily sweep and its beat schedule, the command, the admin action, and the live top-up of the API."""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from rest_framework.test import APIClient

from accounts.models import User
from catalog.ingest.enrichment import title_refresh, titles_refresh_sweep
from catalog.ingest.genres import genres_import
from catalog.ingest.topup import RATING_VOTE_FLOOR, discover_params
from catalog.models import DataSource, Genre, MediaType, Title, TitleNeighbour
from core.exceptions import ProviderUnavailable
from discovery.filters import DiscoveryFilters, SortBy
from library.models import Entry, Status
from tests.factories import TitleFactory
from tests.fakes.fixtures import TEST_OMDB_KEY, TEST_TMDB_KEY
from tests.fakes.omdb import FakeOmdb
from tests.fakes.tmdb import FakeTitle, FakeTmdb

pytestmark = pytest.mark.django_db

World = Callable[..., list[FakeTitle]]


@pytest.fixture
def genres(db: None) -> None:
    genres_import(live=False)


@pytest.fixture
def providers(fake_tmdb: FakeTmdb, fake_omdb: FakeOmdb, fake_world: World, genres: None) -> list[FakeTitle]:
    """A fictional world of 30 films and 10 shows from 2019 to 2023, known to both fake providers."""
    world = fake_world(30, 10, years=range(2019, 2024))
    fake_tmdb.add(*world)
    fake_omdb.add(*world)
    return world


def local_copy(fake: FakeTitle, **fields: object) -> Title:
    """The title as our catalog might hold it before any refresh: known by its IMDb id only."""
    fields = {"title_en": fake.title["en"], "year": None, **fields}
    return TitleFactory(media_type=fake.media_type, imdb_id=fake.imdb_id, **fields)


def snapshot(title: Title) -> dict:
    title.refresh_from_db()
    values = model_to_dict(title, exclude=["genres"])
    for moving in ("cache_update_date", "refresh_attempted_at"):
        values.pop(moving)
    return {**values, "genres": sorted(title.genres.values_list("tmdb_id", flat=True))}


# ---------------------------------------------------------------- refreshing one title


def test_refresh_resolves_by_imdb_id_and_writes_both_languages_and_imdb_rating(
    providers: list[FakeTitle], fake_tmdb: FakeTmdb
) -> None:
    fake = providers[0]
    title = local_copy(fake)
    outcome = title_refresh(title_id=title.pk)
    assert outcome.refreshed
    title.refresh_from_db()
    assert title.tmdb_id == fake.tmdb_id  # found through /find/{imdb_id}
    assert any(r.path == f"/find/{fake.imdb_id}" for r in fake_tmdb.requests)
    assert (title.title_en, title.title_fr) == (fake.title["en"], fake.title["fr"])
    assert (title.overview_en, title.overview_fr) == (fake.overview["en"], fake.overview["fr"])
    trailers = {v["iso_639_1"]: v["key"] for v in fake.videos if v["type"] == "Trailer"}
    assert title.trailer_url_en == f"https://www.youtube.com/watch?v={trailers['en']}"
    assert title.trailer_url_fr == f"https://www.youtube.com/watch?v={trailers['fr']}"
    assert title.imdb_rating == Decimal(fake.imdb_rating)
    assert title.imdb_votes == int(fake.imdb_votes.replace(",", ""))
    assert title.rating_source.key == "omdb" and title.rating_as_of == timezone.localdate()
    assert title.overview_source.key == "tmdb"
    assert title.release_date.isoformat() == fake.release_date and title.year == int(fake.release_date[:4])
    assert title.runtime == fake.runtime and title.poster_path == fake.poster_path
    assert sorted(title.genres.values_list("tmdb_id", flat=True)) == sorted(fake.genre_ids)
    assert title.score is not None and title.rating == float(fake.imdb_rating)
    assert title.cache_update_date is not None and title.refresh_error == ""
    assert title.provenance["tmdb"]["id"] == fake.tmdb_id


def test_refresh_is_idempotent(providers: list[FakeTitle]) -> None:
    title = local_copy(providers[1])
    title_refresh(title_id=title.pk)
    first = snapshot(title)
    title_refresh(title_id=title.pk)
    assert snapshot(title) == first


def test_a_tv_show_goes_through_the_same_pipeline(providers: list[FakeTitle]) -> None:
    fake = next(f for f in providers if f.media_type == MediaType.TV)
    title = local_copy(fake)
    assert title_refresh(title_id=title.pk).refreshed
    title.refresh_from_db()
    assert title.title_fr == fake.title["fr"] and title.number_of_seasons == fake.number_of_seasons
    assert title.first_air_year == int(fake.release_date[:4])


def test_a_title_unknown_to_tmdb_is_recorded_and_left_as_it_was(providers: list[FakeTitle]) -> None:
    title = TitleFactory(imdb_id="tt0000001", title_en="Nobody Knows It")
    before = snapshot(title)
    outcome = title_refresh(title_id=title.pk)
    assert not outcome.refreshed
    title.refresh_from_db()
    assert title.refresh_error and title.refresh_attempted_at is not None
    assert title.cache_update_date is None
    assert {k: v for k, v in snapshot(title).items() if k != "refresh_error"} == {
        k: v for k, v in before.items() if k != "refresh_error"
    }


def test_an_unavailable_provider_leaves_the_row_whole_and_never_leaks_the_keys(
    providers: list[FakeTitle], fake_tmdb: FakeTmdb, fake_omdb: FakeOmdb, caplog: pytest.LogCaptureFixture
) -> None:
    title = local_copy(providers[2])
    before = snapshot(title)
    fake_omdb.failure_rate = 1.0  # TMDB answers, OMDb never does: nothing may be written at all
    fake_omdb.failure_kinds = ("500",)
    with pytest.raises(ProviderUnavailable) as raised:
        title_refresh(title_id=title.pk)
    title.refresh_from_db()
    assert title.cache_update_date is None and title.tmdb_id is None
    assert {k: v for k, v in snapshot(title).items() if k != "refresh_error"} == {
        k: v for k, v in before.items() if k != "refresh_error"
    }
    for text in (str(raised.value), title.refresh_error, caplog.text):
        assert TEST_TMDB_KEY not in text and TEST_OMDB_KEY not in text


def test_without_omdb_the_title_keeps_its_older_rating(
    fake_tmdb: FakeTmdb, fake_world: World, genres: None
) -> None:
    fake = fake_world(1)[0]
    fake_tmdb.add(fake)
    source = DataSource.objects.create(key="older-ratings", name="Older ratings", licence="CC0-1.0")
    title = local_copy(fake, imdb_rating=Decimal("7.1"), imdb_votes=1234, rating_source=source)
    assert title_refresh(title_id=title.pk).refreshed
    title.refresh_from_db()
    assert (title.imdb_rating, title.imdb_votes, title.rating_source) == (Decimal("7.1"), 1234, source)
    assert title.title_fr == fake.title["fr"]


# ---------------------------------------------------------------- refresh-on-read, sweep, beat, command


def test_a_stale_title_is_served_from_the_cache_and_refreshed_once(
    providers: list[FakeTitle], fake_tmdb: FakeTmdb, api_client: APIClient, django_capture_on_commit_callbacks
) -> None:
    fake = providers[3]
    title = local_copy(fake, title_en="Old English Title")
    Title.objects.filter(pk=title.pk).update(cache_update_date=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.get(f"/movies/{title.pk}")
    assert response.status_code == 200
    assert response.json()["title"] == "Old English Title"  # the cached data, served at once
    title.refresh_from_db()
    assert title.title_en == fake.title["en"]  # …and the refresh it queued has run (tasks are eager here)
    detail_calls = len([r for r in fake_tmdb.requests if r.path == f"/movie/{fake.tmdb_id}"])
    Title.objects.filter(pk=title.pk).update(cache_update_date=timezone.now() - timedelta(days=8))
    with django_capture_on_commit_callbacks(execute=True) as queued:
        api_client.get(f"/movies/{title.pk}")
        api_client.post("/movies/search-by-filters", {}, format="json")
    assert queued == []
    # Within the hour the same stale title queues no second refresh, however often it is read.
    assert len([r for r in fake_tmdb.requests if r.path == f"/movie/{fake.tmdb_id}"]) == detail_calls


def test_fresh_titles_and_keyless_deployments_never_call_out(
    providers: list[FakeTitle], fake_tmdb: FakeTmdb, api_client: APIClient, settings
) -> None:
    fresh = local_copy(providers[4], cache_update_date=timezone.now())
    api_client.get(f"/movies/{fresh.pk}")
    settings.TMDB_API_KEY = ""
    stale = local_copy(providers[5])
    assert api_client.get(f"/movies/{stale.pk}").status_code == 200
    assert api_client.post("/movies/search-by-filters", {"year_from": 2019}, format="json").status_code == 200
    assert fake_tmdb.requests == []


def test_the_daily_sweep_refreshes_a_bounded_batch_of_the_stalest(
    providers: list[FakeTitle], settings, django_capture_on_commit_callbacks
) -> None:
    settings.CATALOG_REFRESH_BATCH_SIZE = 2
    titles = [local_copy(f) for f in providers[:3]]
    Title.objects.filter(pk=titles[2].pk).update(cache_update_date=timezone.now())  # fresh: not due
    with django_capture_on_commit_callbacks(execute=True):
        queued = titles_refresh_sweep()
    assert sorted(queued) == sorted(t.pk for t in titles[:2])
    assert Title.objects.filter(pk__in=queued, cache_update_date__isnull=False).count() == 2
    assert titles_refresh_sweep() == []  # nothing stale is left


def test_the_beat_schedule_is_installed_by_migrate() -> None:
    task = PeriodicTask.objects.get(task="catalog.tasks.titles_refresh_sweep_task")
    assert task.enabled and task.crontab is not None
    assert (task.crontab.minute, task.crontab.hour) == ("30", "3")


def test_refresh_titles_command(providers: list[FakeTitle], capsys: pytest.CaptureFixture) -> None:
    titles = [local_copy(f) for f in providers[:2]]
    call_command("refresh_titles", "--ids", str(titles[0].pk), "--no-progress")
    assert "1 refreshed" in capsys.readouterr().out
    call_command("refresh_titles", "--stale", "--no-progress")
    assert "1 refreshed" in capsys.readouterr().out  # only the other one was still stale
    with pytest.raises(CommandError, match="no title with id 999999"):
        call_command("refresh_titles", "--ids", "999999")


def test_refresh_titles_needs_a_key(db: None) -> None:
    with pytest.raises(CommandError, match="TMDB_API_KEY"):
        call_command("refresh_titles", "--all")


def test_admin_action_refreshes_now_and_shows_the_outcome(
    providers: list[FakeTitle], staff_client: Client, django_capture_on_commit_callbacks
) -> None:
    known, unknown = local_copy(providers[6]), TitleFactory(imdb_id="tt0000002")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            "/admin/catalog/movie/",
            {"action": "refresh_now", "_selected_action": [known.pk, unknown.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "Refresh requested for 2 titles" in response.content.decode()
    known.refresh_from_db()
    unknown.refresh_from_db()
    assert known.cache_update_date is not None and known.title_fr == providers[6].title["fr"]
    assert unknown.refresh_error
    page = staff_client.get(f"/admin/catalog/movie/{unknown.pk}/change/").content.decode()
    assert unknown.refresh_error in page


# ---------------------------------------------------------------- live top-up


def test_discover_params_use_tmdb_names(genres: None) -> None:
    comedy, drama, horror = (Genre.objects.get(tmdb_id=i) for i in (35, 18, 27))
    filters = DiscoveryFilters(
        genres=(comedy.pk, drama.pk),
        exclude_genres=(horror.pk,),
        year_from=1990,
        year_to=1999,
        min_rating=7.0,
        languages=("fr",),
        runtime_max=120,
        sort_by=SortBy.SCORE,
    )
    params = discover_params(filters, media_type=MediaType.MOVIE)
    assert params["with_genres"] == "35|18"  # any of them, like ours
    assert params["without_genres"] == "27"
    assert params["primary_release_date.gte"] == "1990-01-01"
    assert params["primary_release_date.lte"] == "1999-12-31"
    assert params["vote_average.gte"] == 7.0 and params["vote_count.gte"] >= 100
    assert params["with_original_language"] == "fr" and params["with_runtime.lte"] == 120
    tv = discover_params(DiscoveryFilters(year_from=2020), media_type=MediaType.TV)
    assert tv["first_air_date.gte"] == "2020-01-01" and "primary_release_date.gte" not in tv
    assert discover_params(DiscoveryFilters(people=("Someone",)), media_type=MediaType.MOVIE) is None


def test_discovery_tops_up_from_tmdb_with_french_titles_trailers_and_imdb_ratings(
    providers: list[FakeTitle], fake_tmdb: FakeTmdb, api_client: APIClient
) -> None:
    TitleFactory(year=1995)  # the local catalog holds nothing from these years
    response = api_client.post(
        "/movies/search-by-filters?lang=fr&page_size=10", {"year_from": 2019}, format="json"
    )
    assert response.status_code == 200
    cards = response.json()["results"]
    assert len(cards) == 10
    by_tmdb = {f.tmdb_id: f for f in providers}
    for card in cards:
        fake = by_tmdb[card["tmdb_id"]]
        assert card["title"] == fake.title.get("fr", fake.title["en"])
        assert card["year"] >= 2019
        assert card["imdb_rating"] == float(fake.imdb_rating)
        assert card["trailer_url"].startswith("https://www.youtube.com/watch?v=")
    discover = [r for r in fake_tmdb.requests if r.path == "/discover/movie"]
    assert discover and discover[0].query["primary_release_date.gte"] == ["2019-01-01"]
    assert all(int(r.query["page"][0]) <= 500 for r in discover)


def test_the_assistant_tops_up_from_tmdb_like_the_api(
    providers: list[FakeTitle], fake_tmdb: FakeTmdb, auth_client: APIClient
) -> None:
    TitleFactory(year=1995)  # the local catalog holds nothing from these years
    response = auth_client.post("/chat", {"message": "a film from 2019 or later"}, format="json")
    assert response.status_code == 200
    picks = response.json()["results"]
    assert len(picks) == 5 and all(card["year"] >= 2019 for card in picks)
    assert {card["tmdb_id"] for card in picks} <= {f.tmdb_id for f in providers}
    assert [r for r in fake_tmdb.requests if r.path == "/discover/movie"]


def test_top_up_skips_what_the_user_marked_and_keeps_the_page_full(
    providers: list[FakeTitle], auth_client: APIClient, user: User
) -> None:
    first = auth_client.post("/movies/search-by-filters?page_size=10", {"year_from": 2019}, format="json")
    ids = [c["id"] for c in first.json()["results"]]
    for title_id in ids:
        Entry.objects.create(user=user, title_id=title_id, status=Status.SEEN)
    second = auth_client.post("/movies/search-by-filters?page_size=10", {"year_from": 2019}, format="json")
    cards = second.json()["results"]
    assert len(cards) == 10 and not set(ids) & {c["id"] for c in cards}
    assert second.json()["excluded_count"] == 10


def test_with_30_percent_of_upstream_calls_failing_users_see_no_error_and_rows_are_whole(
    providers: list[FakeTitle], fake_tmdb: FakeTmdb, fake_omdb: FakeOmdb, api_client: APIClient
) -> None:
    for fake in (fake_tmdb, fake_omdb):
        fake.failure_rate = 0.3
        fake.failure_kinds = ("429", "500", "timeout", "malformed")
    # The default sort ranks by rating: TMDB is asked only for titles with enough votes behind it.
    movies = [f for f in providers if f.media_type == MediaType.MOVIE and f.vote_count >= RATING_VOTE_FLOOR]
    for _ in range(6):
        response = api_client.post(
            "/movies/search-by-filters?page_size=50", {"year_from": 2019}, format="json"
        )
        assert response.status_code == 200
        # Every cached title is complete: written only after both languages and OMDb answered.
        for title in Title.objects.filter(tmdb_id__isnull=False):
            assert title.title_fr and title.overview_fr and title.imdb_rating is not None
            assert title.cache_update_date is not None and title.genres.exists()
    fake_tmdb.failure_rate = fake_omdb.failure_rate = 0.0
    response = api_client.post("/movies/search-by-filters?page_size=50", {"year_from": 2019}, format="json")
    # Converged: every film of the world is cached once, and the page holds them all.
    assert Title.objects.filter(media_type=MediaType.MOVIE, tmdb_id__isnull=False).count() == len(movies)
    assert len(response.json()["results"]) == len(movies)


def test_search_asks_tmdb_when_the_local_match_is_weak(
    providers: list[FakeTitle], fake_tmdb: FakeTmdb, api_client: APIClient
) -> None:
    wanted = providers[7]
    response = api_client.post("/movies/search-by-keywords", {"query": wanted.title["en"]}, format="json")
    assert response.status_code == 200
    assert response.json()["results"][0]["tmdb_id"] == wanted.tmdb_id
    searches = len([r for r in fake_tmdb.requests if r.path == "/search/movie"])
    api_client.post("/movies/search-by-keywords", {"query": wanted.title["en"]}, format="json")
    assert len([r for r in fake_tmdb.requests if r.path == "/search/movie"]) == searches  # a strong match now


def test_similar_titles_merge_tmdb_recommendations(providers: list[FakeTitle], api_client: APIClient) -> None:
    source = providers[8]
    title = local_copy(source)
    title_refresh(title_id=title.pk)
    response = api_client.get(f"/movies/{title.pk}/similar")
    assert response.status_code == 200
    assert {c["tmdb_id"] for c in response.json()["results"]} >= set(source.recommendations)
    assert TitleNeighbour.objects.filter(title=title, kind=TitleNeighbour.Kind.TMDB).count() == len(
        source.recommendations
    )
