"""Keyword hide rules: a title's refresh stores TMDB's keywords (a movie's under `keywords.keywords`, a TV
show's under `keywords.results`, as the fake TMDB answers them), and a rule on one of them leaves its titles
out wherever the other rules do; without a TMDB key the kind is refused."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from catalog.ingest.enrichment import title_refresh
from catalog.models import Keyword, MediaType, Title, TitleNeighbour
from catalog.ranking import titles_rescore
from discovery.feed import feed_cache_clear
from library.models import HideRule
from tests.factories import TitleFactory
from tests.fakes.tmdb import FakeTitle, FakeTmdb

pytestmark = pytest.mark.django_db

RULES = "/me/hide-rules"
TIME_TRAVEL, NOVEL, HEIST = (4379, "time travel"), (818, "based on novel or book"), (10051, "heist")


def fake(tmdb_id: int, name: str, keywords: list[tuple[int, str]], media_type: str = "movie") -> FakeTitle:
    return FakeTitle(
        media_type=media_type,
        tmdb_id=tmdb_id,
        title={"en": name},
        release_date="2001-05-04",
        number_of_seasons=2 if media_type == "tv" else None,
        keywords=keywords,
    )


@pytest.fixture
def tagged(fake_tmdb: FakeTmdb) -> dict[str, Title]:
    """Three films and a show refreshed from the fake TMDB: two films and the show about time travel."""
    fakes = {
        "loop": fake(9200001, "Loop Again", [TIME_TRAVEL, NOVEL]),
        "clock": fake(9200002, "Back Clock", [TIME_TRAVEL]),
        "vault": fake(9200003, "The Vault", [HEIST]),
        "show": fake(9200004, "Hours Ago", [TIME_TRAVEL], media_type="tv"),
    }
    fake_tmdb.add(*fakes.values())
    titles: dict[str, Title] = {}
    for rank, (key, item) in enumerate(fakes.items()):
        title = TitleFactory(
            media_type=item.media_type,
            tmdb_id=item.tmdb_id,
            title_en=item.title["en"],
            imdb_rating=8.9 - rank / 10,
            imdb_votes=90000,
        )
        assert title_refresh(title_id=title.pk).refreshed
        titles[key] = Title.objects.get(pk=title.pk)
    titles_rescore(media_type=MediaType.MOVIE)
    return titles


def keyword_ids(title: Title) -> list[int]:
    return sorted(title.keywords.values_list("pk", flat=True))


def test_a_refresh_stores_tmdbs_keywords_for_movies_and_shows(
    tagged: dict[str, Title], fake_tmdb: FakeTmdb
) -> None:
    assert keyword_ids(tagged["loop"]) == [NOVEL[0], TIME_TRAVEL[0]]
    assert keyword_ids(tagged["show"]) == [TIME_TRAVEL[0]]  # TV: under "results"
    assert Keyword.objects.get(pk=HEIST[0]).name == "heist"
    details = [r for r in fake_tmdb.requests if r.path == "/movie/9200001"]
    assert all("keywords" in (r.arg("append_to_response") or "").split(",") for r in details)
    # TMDB changed its mind: the next refresh replaces the title's keywords and renames the keyword.
    fake_tmdb.add(fake(9200001, "Loop Again", [(HEIST[0], "heists")]))
    title_refresh(title_id=tagged["loop"].pk)
    assert keyword_ids(tagged["loop"]) == [HEIST[0]]
    assert Keyword.objects.get(pk=HEIST[0]).name == "heists"


@pytest.mark.parametrize("cache_seconds", [0, 30])
def test_a_keyword_rule_leaves_its_titles_out_of_the_feed_similar_and_marks_them_in_search(
    settings, auth_client: APIClient, user: User, tagged: dict[str, Title], cache_seconds: int
) -> None:
    from discovery.services import similar_page

    settings.FEED_CACHE_SECONDS = cache_seconds
    feed_cache_clear()
    created = auth_client.post(RULES, {"kind": "keyword", "value": TIME_TRAVEL[0]}, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["kind"], created.json()["label"]) == ("keyword", "time travel")
    listed = auth_client.get(RULES, HTTP_ACCEPT_LANGUAGE="fr").json()["results"]
    assert [(r["kind_label"], r["label"]) for r in listed] == [("Mot-clé", "time travel")]
    feed = auth_client.post("/movies/search-by-filters?page_size=20", {}, format="json").json()
    assert [card["id"] for card in feed["results"]] == [tagged["vault"].pk]
    assert feed["excluded_count"] == 2
    shows = auth_client.post("/tvshows/search-by-filters", {}, format="json").json()
    assert tagged["show"].pk not in [card["id"] for card in shows["results"]]
    TitleNeighbour.objects.create(
        title=tagged["vault"], neighbour=tagged["clock"], kind=TitleNeighbour.Kind.SIMILAR, score=0.9
    )
    assert similar_page(title=tagged["vault"], user=user, page_size=10).items == []
    found = auth_client.post("/movies/search-by-keywords", {"query": "Back Clock"}, format="json").json()
    assert (found["results"][0]["id"], found["results"][0]["hidden_by_rule"]) == (tagged["clock"].pk, True)
    # By its name too, and the same keyword twice is the rule held.
    again = auth_client.post(RULES, {"kind": "keyword", "value": "Time Travel"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]


@pytest.mark.parametrize("value", ["999999", "no such keyword", "99999999999999"])
def test_a_keyword_no_title_has_is_a_400_naming_the_value(
    auth_client: APIClient, tagged: dict[str, Title], value: str
) -> None:
    response = auth_client.post(RULES, {"kind": "keyword", "value": value}, format="json")
    assert response.status_code == 400
    assert "value" in str(response.json()) and "keyword" in str(response.json())
    assert not HideRule.objects.exists()


def test_without_a_tmdb_key_the_keyword_kind_is_refused(
    settings, auth_client: APIClient, tagged: dict[str, Title]
) -> None:
    settings.TMDB_API_KEY = settings.TMDB_READ_TOKEN = ""
    response = auth_client.post(RULES, {"kind": "keyword", "value": TIME_TRAVEL[0]}, format="json")
    assert response.status_code == 400
    assert "kind" in str(response.json()) and "TMDB" in str(response.json())
    assert not HideRule.objects.exists()


def test_the_rule_hiding_each_title_is_the_oldest_that_matches_it(
    auth_client: APIClient, user: User, tagged: dict[str, Title]
) -> None:
    from library.selectors import hide_rules_hiding

    novel = auth_client.post(RULES, {"kind": "keyword", "value": NOVEL[0]}, format="json").json()
    travel = auth_client.post(RULES, {"kind": "keyword", "value": TIME_TRAVEL[0]}, format="json").json()
    found = hide_rules_hiding(user=user, title_ids=[t.pk for t in tagged.values()])
    assert {key: found[t.pk].pk for key, t in tagged.items() if t.pk in found} == {
        "loop": novel["id"],  # both rules match it: the older one names it
        "clock": travel["id"],
        "show": travel["id"],
    }
