"""Where to watch: TMDB's watch providers read in their wire shape, written by the refresh, grouped by
service, aged out after six months."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from catalog.ingest.clients.tmdb import parse_watch_offers
from catalog.ingest.enrichment import title_refresh
from catalog.ingest.genres import genres_import
from catalog.models import TitleOffer
from catalog.offers import brand_of, offers_current, offers_purge, services_in, title_offers
from tests.clients import bearer_client
from tests.factories import TitleFactory, UserFactory
from tests.fakes.tmdb import FakeTitle, FakeTmdb

pytestmark = pytest.mark.django_db

SAMPLE = {
    "id": 22,
    "results": {
        "FR": {
            "link": "https://www.themoviedb.org/movie/22-pirates/watch?locale=FR",
            "flatrate": [
                {
                    "logo_path": "/a.jpg",
                    "provider_id": 119,
                    "provider_name": "Amazon Prime Video",
                    "display_priority": 7,
                },
                {
                    "logo_path": "/b.jpg",
                    "provider_id": 9,
                    "provider_name": "Amazon Prime Video",
                    "display_priority": 8,
                },
            ],
            "rent": [
                {"logo_path": "/c.jpg", "provider_id": 2, "provider_name": "Apple TV", "display_priority": 1}
            ],
        },
        "world": {"link": "x"},
        "DE": {"link": "https://www.themoviedb.org/movie/22/watch?locale=DE", "cinema": [{"provider_id": 5}]},
    },
}


def test_offers_are_read_per_country_and_bucket_skipping_what_is_not_an_offer() -> None:
    offers = parse_watch_offers(SAMPLE)
    assert [(o.region, o.kind, o.provider_id) for o in offers] == [
        ("FR", "flatrate", 119),
        ("FR", "flatrate", 9),
        ("FR", "rent", 2),
    ]
    assert offers[0].link == "https://www.themoviedb.org/movie/22-pirates/watch?locale=FR"


def test_the_documented_sample_parses() -> None:
    sample = Path("/work/shared/wire-samples/tmdb/movie-22-watch-providers.docs-example.json")
    if not sample.exists():
        pytest.skip("sample not on this machine")
    offers = parse_watch_offers(json.loads(sample.read_text()))
    assert ("AD", "flatrate", 337) in {(o.region, o.kind, o.provider_id) for o in offers}


def test_one_service_of_several_ids_is_one_brand() -> None:
    assert brand_of("Amazon Prime Video") == brand_of("amazon prime  video") == "amazonprimevideo"
    assert brand_of("Canal+") != brand_of("Netflix")


def movie_with_offers(fake_tmdb: FakeTmdb) -> FakeTitle:
    fake = FakeTitle(
        media_type="movie",
        tmdb_id=9_100_777,
        imdb_id="tt80009999",
        title={"en": "The Quiet Orchard", "fr": "Le Verger tranquille"},
        release_date="2021-03-04",
        offers={"FR": {"flatrate": [8, 119, 9], "rent": [2]}, "US": {"buy": [3]}},
    )
    fake_tmdb.add(fake)
    return fake


def test_the_refresh_writes_the_titles_offers_and_replaces_them_next_time(fake_tmdb: FakeTmdb) -> None:
    fake = movie_with_offers(fake_tmdb)
    title = TitleFactory(media_type="movie", tmdb_id=fake.tmdb_id, title_en="The Quiet Orchard")
    assert title_refresh(title_id=title.pk).refreshed
    details = [r for r in fake_tmdb.requests if r.path.endswith(f"/movie/{fake.tmdb_id}")]
    assert "watch/providers" in details[0].arg("append_to_response").split(",")
    assert TitleOffer.objects.filter(title=title).count() == 5
    offers = title_offers(title.pk, "FR")
    assert [(o.kind, o.provider_name, o.provider_ids) for o in offers] == [
        ("flatrate", "Netflix", (8,)),
        ("flatrate", "Amazon Prime Video", (9, 119)),  # one service, both ids
        ("rent", "Apple TV", (2,)),
    ]
    assert (
        offers[0].link == f"https://www.themoviedb.org/movie/{fake.tmdb_id}-the-quiet-orchard/watch?locale=FR"
    )
    assert offers[0].logo_url == "https://image.tmdb.org/t/p/w92/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg"

    fake.offers = {"FR": {"ads": [300]}}  # Netflix left, Pluto TV came
    title_refresh(title_id=title.pk)
    assert [(o.kind, o.brand) for o in title_offers(title.pk, "FR")] == [("ads", "plutotv")]
    assert title_offers(title.pk, "US") == []


def test_offers_older_than_six_months_are_never_shown_and_the_sweep_deletes_them(fake_tmdb: FakeTmdb) -> None:
    fake = movie_with_offers(fake_tmdb)
    title = TitleFactory(media_type="movie", tmdb_id=fake.tmdb_id)
    title_refresh(title_id=title.pk)
    TitleOffer.objects.filter(title=title, region="US").update(
        fetched_at=timezone.now() - timedelta(days=184)
    )
    assert title_offers(title.pk, "US") == []
    assert offers_current().filter(title=title).count() == 4
    assert offers_purge() == 1
    assert TitleOffer.objects.filter(title=title).count() == 4


def test_services_of_a_country_group_a_brands_ids_and_need_a_key(fake_tmdb: FakeTmdb, settings) -> None:
    services = services_in("FR")
    amazon = [s for s in services if s.brand == "amazonprimevideo"]
    assert len(amazon) == 1 and amazon[0].provider_ids == (9, 119)
    paths = {r.path for r in fake_tmdb.requests}
    assert {"/watch/providers/movie", "/watch/providers/tv"} <= paths
    assert all(r.arg("watch_region") == "FR" for r in fake_tmdb.requests)
    settings.TMDB_API_KEY = ""
    settings.TMDB_READ_TOKEN = ""
    assert services_in("DE") == []


def test_on_my_services_tops_up_from_tmdb_discover_with_the_services_ids_and_region(
    fake_tmdb: FakeTmdb, fake_world
) -> None:
    """The local catalog holds nothing on the member's services: TMDB /discover is asked with the
    service's every id and the country (without watch_region TMDB would ignore the providers), the titles
    come back with their offers, and the feed shows exactly those."""
    genres_import(live=False)
    world = fake_world(12, 0, years=range(2019, 2024))
    on_amazon = {t.tmdb_id for t in world[::3]}
    for fake in world:
        fake.vote_count = 5000
        fake.offers = {"FR": {"flatrate": [119]}} if fake.tmdb_id in on_amazon else {"FR": {"rent": [9]}}
    fake_tmdb.add(*world)
    member = UserFactory(watch_country="FR", watch_services=["amazonprimevideo"])
    response = bearer_client(member).post(
        "/movies/search-by-filters", {"on_my_services": True}, format="json"
    )
    assert response.status_code == 200
    assert {card["tmdb_id"] for card in response.json()["results"]} == on_amazon
    asked = [r for r in fake_tmdb.requests if r.path == "/discover/movie"]
    assert asked and asked[0].arg("watch_region") == "FR"
    assert asked[0].arg("with_watch_providers") == "9|119"
    assert asked[0].arg("with_watch_monetization_types") == "flatrate"
