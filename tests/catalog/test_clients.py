"""The TMDB and OMDb clients against local fake servers speaking the providers' real wire formats."""

import logging
import time
import traceback
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import requests

from catalog.ingest.clients import get_omdb_client, get_tmdb_client, omdb_is_configured, tmdb_is_configured
from catalog.ingest.clients.tmdb import choose_trailer
from catalog.ingest.clients.types import GenreItem, TmdbSummary
from core.exceptions import ProviderError, ProviderMisconfigured, ProviderNotFound, ProviderUnavailable
from core.http import make_session, redact, retry_after_seconds
from tests.fakes.http import Reply
from tests.fakes.omdb import FakeOmdb
from tests.fakes.tmdb import FakeTitle, FakeTmdb, details_json, fake_video, summary_json

TRAILER_EN = fake_video("trailerEN01", language="en", published_at="2021-02-01T16:00:00.000Z")
TEASER_EN = fake_video("teaserEN001", type="Teaser", language="en", published_at="2021-05-01T16:00:00.000Z")
TRAILER_FR = fake_video("trailerFR01", language="fr", name="Bande-annonce VF")
CLIPS = [fake_video(f"clipEN{n:05d}", type="Clip", language="en") for n in range(11)]


def movie(**fields: Any) -> FakeTitle:
    defaults: dict[str, Any] = {
        "media_type": "movie",
        "tmdb_id": 9100001,
        "imdb_id": "tt80000001",
        "title": {"en": "The Silent Harbour", "fr": "Le Port silencieux"},
        "overview": {"en": "A harbour that keeps quiet.", "fr": "Un port qui se tait."},
        "release_date": "2021-03-14",
        "genre_ids": [35, 18],
        "runtime": 104,
        "popularity": 12.5,
        "vote_count": 840,
        "vote_average": 7.1,
        # As TMDB sends them: clips first, a newer teaser, and the trailers last.
        "videos": [*CLIPS, TEASER_EN, TRAILER_EN, TRAILER_FR],
        "poster_path": "/harbour.jpg",
        "directors": ["Maren Holt"],
        "cast": [f"Actor {n:02d}" for n in range(12)],
        "countries": ["FR", "BE"],
        "imdb_rating": "7.9",
        "imdb_votes": "285,100",
        "metascore": "94",
        "rotten_tomatoes": "98%",
    }
    return FakeTitle(**{**defaults, **fields})


def show(**fields: Any) -> FakeTitle:
    defaults: dict[str, Any] = {
        "media_type": "tv",
        "tmdb_id": 9600001,
        "imdb_id": "tt80000002",
        "title": {"en": "Endless Orchard", "fr": "Verger infini"},
        "overview": {"en": "Apples, forever.", "fr": "Des pommes, toujours."},
        "release_date": "2019-09-01",
        "last_air_date": "2023-06-30",
        "number_of_seasons": 4,
        "genre_ids": [10765, 18],
        "runtime": 45,
        "videos": [fake_video("showTrailer", language="en")],
        "directors": ["Odile Vasseur", "Ravi Sato"],
        "cast": ["Hana Brandt"],
        "countries": ["GB"],
        "imdb_rating": "8.7",
        "imdb_votes": "6736",
    }
    return FakeTitle(**{**defaults, **fields})


# choose_trailer: a pure function over TMDB video objects


def test_choose_trailer_never_takes_a_teaser_over_a_trailer() -> None:
    # The teaser is in the requested language, official and newer; the trailer is none of those.
    teaser = fake_video("teaserFR001", type="Teaser", language="fr", published_at="2024-01-01T00:00:00.000Z")
    trailer = fake_video(
        "trailerDE01", language="de", official=False, published_at="2019-01-01T00:00:00.000Z"
    )
    assert choose_trailer([teaser, trailer], "fr-FR") == "https://www.youtube.com/watch?v=trailerDE01"


def test_choose_trailer_none_without_a_trailer() -> None:
    assert choose_trailer([*CLIPS, TEASER_EN, fake_video("featurette1", type="Featurette")], "en-US") is None
    assert choose_trailer([], "en-US") is None


def test_choose_trailer_filters_the_unordered_list_instead_of_taking_the_first() -> None:
    assert choose_trailer([*CLIPS, TEASER_EN, TRAILER_EN], "en-US") == (
        "https://www.youtube.com/watch?v=trailerEN01"
    )


def test_choose_trailer_prefers_the_requested_language() -> None:
    assert choose_trailer([TRAILER_EN, TRAILER_FR], "fr-FR").endswith("=trailerFR01")
    assert choose_trailer([TRAILER_FR, TRAILER_EN], "en-US").endswith("=trailerEN01")
    assert choose_trailer([TRAILER_FR], "en-US").endswith("=trailerFR01")  # another language beats none


def test_choose_trailer_prefers_official_then_newest() -> None:
    fan_made_newer = fake_video("fanTrailer1", official=False, published_at="2024-06-01T00:00:00.000Z")
    official_old = fake_video("officialOld", published_at="2020-01-01T00:00:00.000Z")
    official_new = fake_video("officialNew", published_at="2022-01-01T00:00:00.000Z")
    assert choose_trailer([fan_made_newer, official_old], "en").endswith("=officialOld")
    assert choose_trailer([official_old, official_new, fan_made_newer], "en").endswith("=officialNew")


def test_choose_trailer_reads_old_payloads_without_official_or_published_at() -> None:
    legacy = fake_video("SUXWAEX2jlg", legacy=True)
    assert "official" not in legacy and "published_at" not in legacy
    assert choose_trailer([legacy], "en").endswith("=SUXWAEX2jlg")
    # Missing `official` counts as unofficial, missing `published_at` as oldest.
    current = fake_video("currentOne1", published_at="2015-01-01T00:00:00.000Z")
    assert choose_trailer([legacy, current], "en").endswith("=currentOne1")


def test_choose_trailer_ignores_other_sites_and_odd_keys() -> None:
    vimeo = fake_video("123456789", site="Vimeo")
    odd = fake_video("<script>", language="en")
    assert choose_trailer([vimeo, odd], "en") is None


# One client per process


def test_calls_share_one_client_and_its_kept_alive_connection(
    fake_tmdb: FakeTmdb, fake_omdb: FakeOmdb
) -> None:
    fake_tmdb.add(movie())
    fake_omdb.add(movie())
    for _ in range(3):
        get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
        get_omdb_client().ratings(imdb_id="tt80000001")
    assert get_tmdb_client() is get_tmdb_client() and get_omdb_client() is get_omdb_client()
    assert len(fake_tmdb.requests) == 3 and len({r.client_port for r in fake_tmdb.requests}) == 1
    assert len(fake_omdb.requests) == 3 and len({r.client_port for r in fake_omdb.requests}) == 1


def test_another_base_url_gets_another_client(fake_tmdb: FakeTmdb, settings) -> None:
    first = get_tmdb_client()
    with FakeTmdb(api_key=fake_tmdb.api_key) as other:
        other.add(movie())
        settings.TMDB_BASE_URL = other.url
        details = get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
        assert get_tmdb_client() is not first
    assert details.title == "The Silent Harbour"
    assert len(other.requests) == 1 and fake_tmdb.requests == []


# TMDB details


def test_tmdb_details_in_english_in_one_call(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(movie())
    details = get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    assert details.title == "The Silent Harbour"
    assert details.overview == "A harbour that keeps quiet."
    assert details.imdb_id == "tt80000001"
    assert details.release_date == date(2021, 3, 14)
    assert details.last_air_date is None and details.number_of_seasons is None
    assert details.runtime == 104
    assert details.genres == (GenreItem(35, "Comedy"), GenreItem(18, "Drama"))
    assert details.poster_path == "/harbour.jpg"
    assert details.origin_countries == ("FR", "BE")
    assert details.trailer_url == "https://www.youtube.com/watch?v=trailerEN01"
    assert details.directors == ("Maren Holt",)  # the producer in the crew is not a director
    assert details.cast == tuple(f"Actor {n:02d}" for n in range(10))
    (request,) = fake_tmdb.requests
    assert request.path == "/movie/9100001"
    assert request.arg("append_to_response") == "videos,external_ids,credits,watch/providers,keywords"
    assert request.arg("include_video_language") == "en,null"
    assert request.arg("language") == "en-US"


def test_tmdb_details_in_french(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(movie())
    details = get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="fr-FR")
    assert (details.title, details.overview) == ("Le Port silencieux", "Un port qui se tait.")
    assert details.genres == (GenreItem(35, "Comédie"), GenreItem(18, "Drame"))
    assert details.trailer_url == "https://www.youtube.com/watch?v=trailerFR01"
    assert fake_tmdb.requests[0].arg("include_video_language") == "fr,null"


def test_tmdb_details_without_a_french_translation(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(movie(title={"en": "Untranslated"}, overview={"en": "Only English."}, videos=[TRAILER_EN]))
    details = get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="fr-FR")
    assert details.title == "Untranslated"  # TMDB answers the English title
    assert details.overview == ""  # and an empty overview
    assert details.trailer_url is None  # English videos were not asked for


def test_tmdb_details_quirks_empty_date_null_poster_zero_runtime_no_imdb_id(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(movie(release_date="", poster_path=None, runtime=None, imdb_id=None, countries=[]))
    details = get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    assert details.release_date is None  # TMDB sent ""
    assert details.poster_path is None  # null
    assert details.runtime is None  # 0
    assert details.imdb_id is None  # "" at the top level and null in external_ids
    assert details.origin_countries == ()


def test_tmdb_details_imdb_id_falls_back_to_external_ids(fake_tmdb: FakeTmdb) -> None:
    body = details_json(movie(), "en-US", append=["videos", "external_ids", "credits"])
    body["imdb_id"] = ""
    assert body["external_ids"]["imdb_id"] == "tt80000001" and "id" not in body["external_ids"]
    fake_tmdb.queue("/movie/9100001", Reply(200, body))
    details = get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    assert details.imdb_id == "tt80000001"


def test_tmdb_details_countries_from_production_countries_when_origin_country_is_absent(
    fake_tmdb: FakeTmdb,
) -> None:
    body = details_json(movie(), "en-US", append=["videos", "external_ids", "credits"])
    del body["origin_country"]  # movies had no origin_country before 2024
    fake_tmdb.queue("/movie/9100001", Reply(200, body))
    details = get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    assert details.origin_countries == ("FR", "BE")


def test_tmdb_details_cast_ordered_by_order_not_by_position(fake_tmdb: FakeTmdb) -> None:
    body = details_json(movie(), "en-US", append=["videos", "external_ids", "credits"])
    body["credits"]["cast"].reverse()
    body["overview"] = None  # null overviews exist too
    fake_tmdb.queue("/movie/9100001", Reply(200, body))
    details = get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    assert details.cast[:2] == ("Actor 00", "Actor 01") and len(details.cast) == 10
    assert details.overview == ""


def test_tmdb_tv_details(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(show())
    details = get_tmdb_client().details(media_type="tv", tmdb_id=9600001, language="fr-FR")
    assert (details.media_type, details.title, details.overview) == (
        "tv",
        "Verger infini",
        "Des pommes, toujours.",
    )
    assert details.imdb_id == "tt80000002"  # TV details have it in external_ids only
    assert (details.release_date, details.last_air_date) == (date(2019, 9, 1), date(2023, 6, 30))
    assert (details.runtime, details.number_of_seasons) == (45, 4)
    assert details.genres[0] == GenreItem(10765, "Science-Fiction & Fantastique")
    assert details.directors == ("Odile Vasseur", "Ravi Sato")  # created_by
    assert details.origin_countries == ("GB",)
    assert details.trailer_url is None  # its only trailer is in English
    assert fake_tmdb.requests[0].path == "/tv/9600001"


def test_tmdb_tv_runtime_is_the_first_episode_run_time_or_none(fake_tmdb: FakeTmdb) -> None:
    body = details_json(show(), "en-US", append=["videos", "external_ids", "credits"])
    body["episode_run_time"] = [45, 47]
    fake_tmdb.queue("/tv/9600001", Reply(200, body), Reply(200, {**body, "episode_run_time": []}))
    client = get_tmdb_client()
    assert client.details(media_type="tv", tmdb_id=9600001, language="en-US").runtime == 45
    assert client.details(media_type="tv", tmdb_id=9600001, language="en-US").runtime is None


def test_tmdb_details_of_an_unknown_title_is_not_found(fake_tmdb: FakeTmdb) -> None:
    with pytest.raises(ProviderNotFound):
        get_tmdb_client().details(media_type="movie", tmdb_id=1, language="en-US")


def test_tmdb_client_refuses_an_unknown_media_type(fake_tmdb: FakeTmdb) -> None:
    with pytest.raises(ValueError, match="media type"):
        get_tmdb_client().details(media_type="person", tmdb_id=1, language="en-US")
    assert fake_tmdb.requests == []


# TMDB lists


def test_tmdb_discover_passes_tmdb_parameters_through_and_applies_them(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(
        movie(tmdb_id=1, genre_ids=[35], vote_count=500, release_date="2021-01-01", popularity=5.0),
        movie(tmdb_id=2, genre_ids=[27], vote_count=900, release_date="2022-06-01", popularity=9.0),
        movie(tmdb_id=3, genre_ids=[35, 27], vote_count=20, release_date="2021-05-01"),  # too few votes
        movie(tmdb_id=4, genre_ids=[18], vote_count=900, release_date="2021-05-01"),  # other genre
        movie(tmdb_id=5, genre_ids=[35], vote_count=900, release_date="2010-05-01"),  # too old
        movie(tmdb_id=6, genre_ids=[35], vote_count=900, release_date=""),  # no date
    )
    params = {
        "with_genres": "35|27",
        "vote_count.gte": 100,
        "primary_release_date.gte": "2020-01-01",
        "primary_release_date.lte": "2022-12-31",
        "sort_by": "popularity.desc",
    }
    page = get_tmdb_client().discover(media_type="movie", params=params, page=1, language="fr-FR")
    assert [r.tmdb_id for r in page.results] == [2, 1]
    assert (page.page, page.total_pages, page.total_results) == (1, 1, 2)
    assert page.results[1] == TmdbSummary(
        media_type="movie",
        tmdb_id=1,
        title="Le Port silencieux",
        original_title="The Silent Harbour",
        original_language="en",
        overview="Un port qui se tait.",
        release_date=date(2021, 1, 1),
        genre_ids=(35,),
        poster_path="/harbour.jpg",
        popularity=5.0,
    )
    request = fake_tmdb.requests[0]
    assert request.path == "/discover/movie"
    assert {k: request.arg(k) for k in params} == {k: str(v) for k, v in params.items()}
    assert (request.arg("page"), request.arg("language")) == ("1", "fr-FR")


def test_tmdb_discover_all_of_genres_and_exclusions(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(
        movie(tmdb_id=1, genre_ids=[35, 27]),
        movie(tmdb_id=2, genre_ids=[35]),
        movie(tmdb_id=3, genre_ids=[35, 27, 18]),
        movie(tmdb_id=4, genre_ids=[35, 27], original_language="fr"),
    )
    client = get_tmdb_client()
    both = client.discover(media_type="movie", params={"with_genres": "35,27"}, page=1, language="en-US")
    assert sorted(r.tmdb_id for r in both.results) == [1, 3, 4]
    params = {"with_genres": "35,27", "without_genres": "18", "with_original_language": "en"}
    narrowed = client.discover(media_type="movie", params=params, page=1, language="en-US")
    assert [r.tmdb_id for r in narrowed.results] == [1]


def test_tmdb_tv_summaries_use_name_and_first_air_date_and_read_empty_dates(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(show(release_date="", poster_path=None, overview={"en": ""}))
    page = get_tmdb_client().search(media_type="tv", query="orchard", page=1, language="en-US")
    (result,) = page.results
    assert (result.media_type, result.title, result.original_title) == (
        "tv",
        "Endless Orchard",
        "Endless Orchard",
    )
    assert result.release_date is None  # first_air_date: ""
    assert result.poster_path is None
    assert result.overview == ""
    assert fake_tmdb.requests[0].arg("query") == "orchard"


def test_tmdb_pages_of_20_and_page_beyond_500_is_a_provider_error(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(*(movie(tmdb_id=n) for n in range(1, 46)))
    client = get_tmdb_client()
    pages = [client.discover(media_type="movie", params={}, page=n, language="en-US") for n in (1, 2, 3)]
    assert [len(p.results) for p in pages] == [20, 20, 5]
    assert {(p.total_pages, p.total_results) for p in pages} == {(3, 45)}
    with pytest.raises(ProviderError) as caught:
        client.discover(media_type="movie", params={}, page=501, language="en-US")
    assert not isinstance(caught.value, ProviderUnavailable | ProviderNotFound)
    assert "code 22" in str(caught.value)


def test_tmdb_recommendations_page_can_hold_21_results(fake_tmdb: FakeTmdb) -> None:
    others = [movie(tmdb_id=n) for n in range(2, 42)]
    fake_tmdb.add(movie(tmdb_id=1, recommendations=[t.tmdb_id for t in others]), *others)
    client = get_tmdb_client()
    first = client.recommendations(media_type="movie", tmdb_id=1, page=1, language="en-US")
    second = client.recommendations(media_type="movie", tmdb_id=1, page=2, language="en-US")
    assert (len(first.results), first.total_pages, first.total_results) == (21, 2, 40)
    assert len(second.results) == 19
    assert [r.tmdb_id for r in first.results + second.results] == list(range(2, 42))
    assert fake_tmdb.requests[0].path == "/movie/1/recommendations"


def test_tmdb_similar(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(
        movie(tmdb_id=1, genre_ids=[35, 18]),
        movie(tmdb_id=2, genre_ids=[35, 18], popularity=1.0),
        movie(tmdb_id=3, genre_ids=[35], popularity=99.0),
        movie(tmdb_id=4, genre_ids=[27]),
    )
    page = get_tmdb_client().similar(media_type="movie", tmdb_id=1, page=1, language="en-US")
    assert [r.tmdb_id for r in page.results] == [2, 3]


def test_tmdb_find_by_imdb_id(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(movie(), show())
    client = get_tmdb_client()
    assert client.find_by_imdb_id("tt80000001") == ("movie", 9100001)
    assert client.find_by_imdb_id("tt80000002") == ("tv", 9600001)
    assert client.find_by_imdb_id("tt80000099") is None
    assert [r.arg("external_source") for r in fake_tmdb.requests] == ["imdb_id"] * 3
    assert client.find_by_imdb_id("nm0000001/../x") is None  # not an IMDb id: nothing sent
    assert client.find_by_imdb_id("tt\u0668\u0660\u0660\u0660\u0660\u0660\u0660\u0661") is None
    assert client.find_by_imdb_id("tt80000001\n") is None
    assert len(fake_tmdb.requests) == 3


def test_tmdb_unexpected_body_is_unavailable(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.queue("/discover/movie", Reply(200, {"page": 1, "results": [{"title": "no id"}]}))
    fake_tmdb.queue("/search/movie", Reply(200, [1, 2, 3]))
    fake_tmdb.queue("/movie/5", Reply(200, "<html>maintenance</html>", headers={"Content-Type": "text/html"}))
    client = get_tmdb_client()
    with pytest.raises(ProviderUnavailable, match="unexpected body"):
        client.discover(media_type="movie", params={}, page=1, language="en-US")
    with pytest.raises(ProviderUnavailable, match="unexpected body"):
        client.search(media_type="movie", query="x", page=1, language="en-US")
    with pytest.raises(ProviderUnavailable, match="malformed JSON"):
        client.details(media_type="movie", tmdb_id=5, language="en-US")


def test_tmdb_malformed_json_is_unavailable(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(movie())
    fake_tmdb.failure_rate, fake_tmdb.failure_kinds = 1.0, ("malformed",)
    with pytest.raises(ProviderUnavailable, match="malformed JSON"):
        get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")


# TMDB authentication


def test_tmdb_api_key_goes_in_the_query(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(movie())
    get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    request = fake_tmdb.requests[0]
    assert request.arg("api_key") == "test-key"
    assert "authorization" not in request.headers


def test_tmdb_read_token_goes_in_a_bearer_header(fake_tmdb: FakeTmdb, settings) -> None:
    fake_tmdb.read_token = "read-token-xyz"
    settings.TMDB_API_KEY, settings.TMDB_READ_TOKEN = "", "read-token-xyz"
    fake_tmdb.add(movie())
    assert tmdb_is_configured()
    get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    request = fake_tmdb.requests[0]
    assert request.headers["authorization"] == "Bearer read-token-xyz"
    assert request.arg("api_key") is None


def test_tmdb_without_credentials_is_misconfigured_and_sends_nothing(fake_tmdb: FakeTmdb, settings) -> None:
    settings.TMDB_API_KEY = settings.TMDB_READ_TOKEN = ""
    assert not tmdb_is_configured()
    with pytest.raises(ProviderMisconfigured):
        get_tmdb_client().search(media_type="movie", query="x", page=1, language="en-US")
    assert fake_tmdb.requests == []


def test_tmdb_refused_key_is_misconfigured(fake_tmdb: FakeTmdb, settings) -> None:
    settings.TMDB_API_KEY = "revoked-key-42"
    with pytest.raises(ProviderMisconfigured) as caught:
        get_tmdb_client().search(media_type="movie", query="x", page=1, language="en-US")
    assert "revoked-key-42" not in str(caught.value)
    assert len(fake_tmdb.requests) == 1  # a 401 is not retried


# Retries, backoff, Retry-After, timeouts


def test_tmdb_retries_429_and_5xx_then_succeeds(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(movie())
    fake_tmdb.queue(
        "/movie/9100001",
        Reply(
            429,
            {"success": False, "status_code": 25, "status_message": "over the limit"},
            {"Retry-After": "1"},
        ),
        Reply(500, {"success": False, "status_code": 11, "status_message": "Internal error"}),
        Reply(502, "<html>Bad Gateway</html>", {"Content-Type": "text/html"}),
    )
    details = get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    assert details.title == "The Silent Harbour"
    assert len(fake_tmdb.requests) == 4


@pytest.mark.parametrize("status", [429, 503])
def test_tmdb_honours_retry_after(fake_tmdb: FakeTmdb, settings, status: int) -> None:
    settings.HTTP_RETRY_AFTER_MAX_SECONDS = 5
    fake_tmdb.add(movie())
    fake_tmdb.queue("/movie/9100001", Reply(status, {"success": False}, {"Retry-After": "1"}))
    get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    first, second = fake_tmdb.requests
    assert second.received_at - first.received_at >= 0.95


def test_tmdb_gives_up_after_its_retries_with_the_last_retry_after(fake_tmdb: FakeTmdb, settings) -> None:
    settings.HTTP_RETRIES = 3
    fake_tmdb.add(movie())
    fake_tmdb.queue("/movie/9100001", *[Reply(429, {"status_code": 25}, {"Retry-After": "7"})] * 4)
    with pytest.raises(ProviderUnavailable) as caught:
        get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    assert caught.value.retry_after == 7.0  # for the caller to reschedule (the cap only shortens our sleep)
    assert len(fake_tmdb.requests) == 4


def test_tmdb_server_errors_exhaust_the_retries(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(movie())
    fake_tmdb.failure_rate, fake_tmdb.failure_kinds = 1.0, ("500",)
    with pytest.raises(ProviderUnavailable, match="HTTP 500") as caught:
        get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    assert caught.value.retry_after is None
    assert len(fake_tmdb.requests) == 4


def test_tmdb_retries_a_timeout_then_succeeds(fake_tmdb: FakeTmdb, settings) -> None:
    settings.TMDB_TIMEOUT_SECONDS = 0.2
    fake_tmdb.add(movie())
    fake_tmdb.queue("/movie/9100001", Reply(delay=0.4, drop=True))
    details = get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    assert details.tmdb_id == 9100001
    assert len(fake_tmdb.requests) == 2


def test_tmdb_timeouts_exhaust_the_retries(fake_tmdb: FakeTmdb, settings) -> None:
    settings.TMDB_TIMEOUT_SECONDS, settings.HTTP_RETRIES = 0.1, 2
    fake_tmdb.stall_seconds = 0.3
    fake_tmdb.failure_rate, fake_tmdb.failure_kinds = 1.0, ("timeout",)
    with pytest.raises(ProviderUnavailable, match="timed out"):
        get_tmdb_client().search(media_type="movie", query="x", page=1, language="en-US")
    assert len(fake_tmdb.requests) == 3


def test_tmdb_with_a_third_of_calls_failing_every_call_succeeds_or_is_unavailable(
    fake_tmdb: FakeTmdb,
) -> None:
    fake_tmdb.add(movie())
    fake_tmdb.failure_rate, fake_tmdb.failure_kinds = 0.3, ("429", "500", "malformed")
    fake_tmdb.retry_after = 0
    client = get_tmdb_client()
    outcomes = []
    for _ in range(30):
        try:
            outcomes.append(client.details(media_type="movie", tmdb_id=9100001, language="en-US").title)
        except ProviderUnavailable:
            outcomes.append("unavailable")
    assert fake_tmdb.injected  # failures really happened
    assert outcomes.count("The Silent Harbour") >= 15  # most were rescued by the retries
    assert set(outcomes) <= {"The Silent Harbour", "unavailable"}


def test_fake_failures_are_seeded_and_latency_delays_every_reply(fake_tmdb: FakeTmdb) -> None:
    fake_tmdb.add(movie())
    fake_tmdb.failure_rate, fake_tmdb.failure_kinds = 0.5, ("500", "429")
    runs = []
    for _ in range(2):
        fake_tmdb.seed, fake_tmdb.injected = 42, []
        for _ in range(5):
            get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
        runs.append([kind for _, kind in fake_tmdb.injected])
    assert runs[0] == runs[1] and runs[0]
    fake_tmdb.failure_rate, fake_tmdb.latency = 0.0, 0.2
    before = len(fake_tmdb.requests)
    get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    start = fake_tmdb.requests[before].received_at
    get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    assert fake_tmdb.requests[before + 1].received_at - start >= 0.2


def test_every_attempt_retries_included_passes_the_gate(fake_tmdb: FakeTmdb) -> None:
    passes = []
    session = make_session(retries=3, backoff=0.0, gate=lambda: passes.append(1))
    fake_tmdb.queue("/anything", Reply(503, "down"), Reply(500, "down"), Reply(200, {"ok": True}))
    response = session.get(f"{fake_tmdb.url}/anything", timeout=2)
    assert response.json() == {"ok": True}
    assert len(passes) == len(fake_tmdb.requests) == 3


def test_tmdb_rate_limit_spaces_retries_too(fake_tmdb: FakeTmdb, settings) -> None:
    settings.TMDB_RATE_LIMIT_PER_SECOND = 5  # a burst of 2 tokens, then one every 0.2 s
    fake_tmdb.add(movie())
    fake_tmdb.queue("/movie/9100001", *[Reply(503, "down")] * 3)
    client = get_tmdb_client()
    start = time.monotonic()  # the server stamps requests with the same clock
    client.details(media_type="movie", tmdb_id=9100001, language="en-US")
    times = [r.received_at for r in fake_tmdb.requests]
    assert len(times) == 4
    # However slow the machine, the 4th attempt cannot have had its token before start + 2 / 5 s.
    assert times[3] - start >= 0.4


# Secrets


def test_secrets_never_appear_in_errors_or_logs(fake_tmdb: FakeTmdb, settings, caplog) -> None:
    settings.TMDB_API_KEY = fake_tmdb.api_key = "sk-tmdb-very-secret-1234"
    fake_tmdb.add(movie())
    caplog.set_level(logging.DEBUG)
    fake_tmdb.queue("/movie/9100001", Reply(503, "down"))  # a retry: urllib3 logs the URL
    get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    settings.TMDB_BASE_URL = "http://127.0.0.1:9"  # nothing listens: connection errors, retried and logged
    with pytest.raises(ProviderUnavailable) as caught:
        get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    error_text = "".join(traceback.format_exception(caught.value))
    for text in (caplog.text, str(caught.value), repr(caught.value), error_text, repr(get_tmdb_client())):
        assert "sk-tmdb-very-secret-1234" not in text
    assert "api_key=<redacted>" in caplog.text  # the URLs were logged, without the key


def test_bearer_token_never_appears_in_errors_or_logs(fake_tmdb: FakeTmdb, settings, caplog) -> None:
    settings.TMDB_API_KEY, settings.TMDB_READ_TOKEN = "", "eyJhbGciOiJIUzI1NiJ9.secret-token"
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ProviderMisconfigured) as caught:
        get_tmdb_client().details(media_type="movie", tmdb_id=9100001, language="en-US")
    client = get_tmdb_client()
    for text in (caplog.text, str(caught.value), repr(caught.value), repr(client), repr(client.session)):
        assert "secret-token" not in text


def test_redact_hides_key_parameters() -> None:
    assert (
        redact("GET /3/movie/1?api_key=abc123&language=en") == "GET /3/movie/1?api_key=<redacted>&language=en"
    )
    assert redact("'/?i=tt1&apikey=xyz'") == "'/?i=tt1&apikey=<redacted>'"


def test_retry_after_as_an_http_date() -> None:
    response = requests.Response()
    response.headers["Retry-After"] = "Wed, 21 Oct 2015 07:28:00 GMT"  # long past
    assert retry_after_seconds(response) == 0.0
    response.headers["Retry-After"] = "120"
    assert retry_after_seconds(response) == 120.0
    response.headers["Retry-After"] = "soon"
    assert retry_after_seconds(response) is None


# OMDb


def test_omdb_ratings_with_comma_votes_and_critics(fake_omdb: FakeOmdb) -> None:
    fake_omdb.add(movie())
    ratings = get_omdb_client().ratings(imdb_id="tt80000001")
    assert ratings.imdb_id == "tt80000001"
    assert ratings.imdb_rating == Decimal("7.9")
    assert ratings.imdb_votes == 285100  # "285,100"
    assert (ratings.metascore, ratings.rotten_tomatoes) == (94, 98)
    (request,) = fake_omdb.requests
    assert (request.path, request.arg("i"), request.arg("apikey")) == ("/", "tt80000001", "test-omdb-key")


def test_omdb_votes_without_separator_on_a_series(fake_omdb: FakeOmdb) -> None:
    fake_omdb.add(show())
    ratings = get_omdb_client().ratings(imdb_id="tt80000002")
    assert (ratings.imdb_rating, ratings.imdb_votes) == (Decimal("8.7"), 6736)  # "6736"
    assert (ratings.metascore, ratings.rotten_tomatoes) == (None, None)


def test_omdb_n_a_is_missing_not_zero(fake_omdb: FakeOmdb) -> None:
    fake_omdb.add(movie(imdb_rating="N/A", imdb_votes="N/A", metascore="N/A", rotten_tomatoes=None))
    ratings = get_omdb_client().ratings(imdb_id="tt80000001")
    assert (ratings.imdb_rating, ratings.imdb_votes, ratings.metascore, ratings.rotten_tomatoes) == (
        None,
        None,
        None,
        None,
    )


@pytest.mark.parametrize("error", ["Incorrect IMDb ID.", "Movie not found!", "Series not found!"])
def test_omdb_not_found_arrives_with_http_200(fake_omdb: FakeOmdb, error: str) -> None:
    fake_omdb.queue("/", Reply(200, {"Response": "False", "Error": error}))
    with pytest.raises(ProviderNotFound, match=error.rstrip(".!")):
        get_omdb_client().ratings(imdb_id="tt80000001")
    assert len(fake_omdb.requests) == 1


def test_omdb_unknown_id_is_not_found(fake_omdb: FakeOmdb) -> None:
    with pytest.raises(ProviderNotFound):
        get_omdb_client().ratings(imdb_id="tt80000077")
    with pytest.raises(ProviderNotFound):
        get_omdb_client().ratings(imdb_id="tt596799&x=1")  # not an IMDb id: not even sent
    for not_ascii in (
        "tt\u0668\u0660\u0660\u0660\u0660\u0660\u0660\u0661",
        "tt\uff18\uff10\uff10\uff10\uff10\uff10\uff10\uff11",
    ):
        with pytest.raises(ProviderNotFound):
            get_omdb_client().ratings(imdb_id=not_ascii)
    assert len(fake_omdb.requests) == 1


def test_omdb_invalid_key_is_misconfigured(fake_omdb: FakeOmdb, settings) -> None:
    settings.OMDB_API_KEY = "not-my-omdb-key"
    with pytest.raises(ProviderMisconfigured) as caught:
        get_omdb_client().ratings(imdb_id="tt80000001")
    assert "Invalid API key!" in str(caught.value) and "not-my-omdb-key" not in str(caught.value)
    assert len(fake_omdb.requests) == 1


def test_omdb_without_a_key_is_misconfigured_and_sends_nothing(fake_omdb: FakeOmdb, settings) -> None:
    settings.OMDB_API_KEY = ""
    assert not omdb_is_configured()
    with pytest.raises(ProviderMisconfigured):
        get_omdb_client().ratings(imdb_id="tt80000001")
    assert fake_omdb.requests == []


def test_omdb_request_limit_reached_is_a_quota_until_the_next_utc_day(fake_omdb: FakeOmdb) -> None:
    fake_omdb.add(movie())
    fake_omdb.quota_left = 1
    client = get_omdb_client()
    assert client.ratings(imdb_id="tt80000001").imdb_votes == 285100
    with pytest.raises(ProviderUnavailable, match="Request limit reached") as caught:
        client.ratings(imdb_id="tt80000001")
    assert 0 < caught.value.retry_after <= 86400
    assert len(fake_omdb.requests) == 2  # an HTTP 401: not retried


def test_omdb_daily_budget_spent_sends_nothing(fake_omdb: FakeOmdb, settings) -> None:
    settings.OMDB_DAILY_BUDGET = 0
    fake_omdb.add(movie())
    with pytest.raises(ProviderUnavailable, match="daily budget") as caught:
        get_omdb_client().ratings(imdb_id="tt80000001")
    assert 0 < caught.value.retry_after <= 86400
    assert fake_omdb.requests == []


def test_omdb_retries_server_errors_and_reads_malformed_bodies_as_unavailable(fake_omdb: FakeOmdb) -> None:
    fake_omdb.add(movie())
    fake_omdb.queue("/", Reply(500, "<html>Runtime Error</html>"), Reply(503, "busy"))
    client = get_omdb_client()
    assert client.ratings(imdb_id="tt80000001").imdb_rating == Decimal("7.9")
    assert len(fake_omdb.requests) == 3
    fake_omdb.queue("/", Reply(200, '{"Title": "Crouching', {"Content-Type": "application/json"}))
    with pytest.raises(ProviderUnavailable, match="malformed JSON"):
        client.ratings(imdb_id="tt80000001")
    fake_omdb.queue("/", Reply(200, {"Title": "no Response field"}))
    with pytest.raises(ProviderUnavailable, match="unexpected body"):
        client.ratings(imdb_id="tt80000001")


def test_omdb_key_never_appears_in_errors_or_logs(fake_omdb: FakeOmdb, settings, caplog) -> None:
    settings.OMDB_API_KEY = fake_omdb.api_key = "omdb-secret-5678"
    fake_omdb.add(movie())
    caplog.set_level(logging.DEBUG)
    fake_omdb.queue("/", Reply(503, "busy"))
    get_omdb_client().ratings(imdb_id="tt80000001")
    fake_omdb.failure_rate, fake_omdb.failure_kinds = 1.0, ("500",)
    with pytest.raises(ProviderUnavailable) as caught:
        get_omdb_client().ratings(imdb_id="tt80000001")
    error_text = "".join(traceback.format_exception(caught.value))
    for text in (caplog.text, str(caught.value), error_text, repr(get_omdb_client())):
        assert "omdb-secret-5678" not in text
    assert "apikey=<redacted>" in caplog.text


def test_fake_world_is_deterministic_and_complete(fake_world) -> None:
    first, again = (
        fake_world(6, 3, years=range(2020, 2023), seed=7),
        fake_world(6, 3, years=range(2020, 2023), seed=7),
    )
    assert first == again
    assert [t.media_type for t in first] == ["movie"] * 6 + ["tv"] * 3
    assert len({t.title["en"] for t in first}) == 9
    assert all(t.release_date[:4] in {"2020", "2021", "2022"} for t in first)
    assert all(t.title["fr"] != t.title["en"] and t.imdb_rating != "N/A" for t in first)
    assert all(choose_trailer(t.videos, "fr-FR") and choose_trailer(t.videos, "en-US") for t in first)
    quirky = fake_world(40, 0, quirks=True)
    assert any(t.release_date == "" for t in quirky) and any("fr" not in t.title for t in quirky)


def test_fake_world_end_to_end_through_both_clients(
    fake_tmdb: FakeTmdb, fake_omdb: FakeOmdb, fake_world
) -> None:
    titles = fake_world(25, 5, years=range(2020, 2022))
    fake_tmdb.add(*titles)
    fake_omdb.add(*titles)
    tmdb, omdb = get_tmdb_client(), get_omdb_client()
    page = tmdb.discover(
        media_type="movie", params={"primary_release_date.gte": "2021-01-01"}, page=1, language="fr-FR"
    )
    assert page.total_results == 12 and all(r.release_date.year == 2021 for r in page.results)
    details = tmdb.details(media_type="movie", tmdb_id=page.results[0].tmdb_id, language="fr-FR")
    expected = next(t for t in titles if t.tmdb_id == details.tmdb_id)
    assert details.title == expected.title["fr"] and details.trailer_url
    ratings = omdb.ratings(imdb_id=details.imdb_id)
    assert ratings.imdb_rating == Decimal(expected.imdb_rating)
    assert ratings.imdb_votes == int(expected.imdb_votes.replace(",", ""))
    assert summary_json(expected, "en-US")["title"] == expected.title["en"]
