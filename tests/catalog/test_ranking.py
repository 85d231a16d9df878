"""One rating scale: a title without IMDb votes is scored by a fallback (the MovieLens community's mean, the
critics' average) calibrated onto IMDb's scale, and the feed, the filters, the detail and the title page
say so."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import MediaType, Title
from catalog.ranking import CRITICS_CALIBRATION, MOVIELENS_CALIBRATION, titles_rescore
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(db: None) -> dict[str, Title]:
    """IMDb-rated films (C about 7.2), and films whose only ratings are a fallback's."""
    titles = {
        "The Godfather": TitleFactory(title_en="The Godfather", imdb_rating=9.1, imdb_votes=122_755),
        "Solid": TitleFactory(title_en="Solid", imdb_rating=8.5, imdb_votes=50_000),
        # Critics adore it (9.2 from 335 reviews): 8.38 on IMDb's scale.
        "Boyhood": TitleFactory(title_en="Boyhood", critics_rating=9.2, critics_reviews=335),
        # 35 community ratings go before the critics: 4.13 stars, 8.13 on IMDb's scale.
        "Toy Story 3": TitleFactory(
            title_en="Toy Story 3",
            critics_rating=9.1,
            critics_reviews=313,
            movielens_rating=4.13,
            movielens_ratings=35,
        ),
        # Three community ratings are too few: the critics' average goes first.
        "Few ratings": TitleFactory(
            title_en="Few ratings",
            critics_rating=7.0,
            critics_reviews=50,
            movielens_rating=4.9,
            movielens_ratings=3,
        ),
        "Community only": TitleFactory(title_en="Community only", movielens_rating=4.0, movielens_ratings=2),
    }
    for n in range(20):
        titles[f"Film {n}"] = TitleFactory(title_en=f"Film {n}", imdb_rating=6 + n / 10, imdb_votes=1_000 + n)
    titles_rescore(media_type=MediaType.MOVIE)
    for title in titles.values():
        title.refresh_from_db()
    return titles


def feed(client: APIClient, body: dict | None = None) -> list[dict]:
    response = client.post("/movies/search-by-filters", body or {}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_each_title_records_where_its_score_comes_from(scored: dict[str, Title]) -> None:
    sources = {name: (t.score_source, t.rating, t.votes) for name, t in scored.items() if "Film" not in name}
    assert sources == {
        "The Godfather": ("imdb", 9.1, 122_755),
        "Solid": ("imdb", 8.5, 50_000),
        "Boyhood": ("critics", 8.38, 335),  # 2.33 + 0.658 x 9.2
        "Toy Story 3": ("movielens", 8.13, 35),  # 0.39 + 1.873 x 4.13
        "Few ratings": ("critics", 6.94, 50),
        "Community only": ("movielens", 7.88, 2),
    }
    assert CRITICS_CALIBRATION.rating(9.2) == 8.38 and MOVIELENS_CALIBRATION.rating(4.13) == 8.13


def test_a_critics_darling_ranks_where_its_calibrated_value_puts_it(
    api_client: APIClient, scored: dict[str, Title]
) -> None:
    names = [card["title"] for card in feed(api_client)]
    # Raw, the critics' 9.2 outranked The Godfather's IMDb 9.1; calibrated it is an 8.38, below an 8.5.
    assert names[:2] == ["The Godfather", "Solid"]
    assert names.index("Boyhood") > names.index("Solid")
    # No fallback-scored title ranks above its calibrated value: the Bayesian average only pulls it towards
    # the catalog's mean C (IMDb's, one scale for every source).
    imdb_ratings = [float(t.imdb_rating) for t in scored.values() if t.score_source == "imdb"]
    mean = sum(imdb_ratings) / len(imdb_ratings)
    fallbacks = [t for t in scored.values() if t.score_source in ("critics", "movielens")]
    assert len(fallbacks) == 4
    for title in fallbacks:
        assert title.rating is not None and title.score is not None
        assert min(title.rating, mean) <= title.score <= max(title.rating, mean)


def test_min_rating_filters_on_imdbs_scale(api_client: APIClient, scored: dict[str, Title]) -> None:
    names = [card["title"] for card in feed(api_client, {"min_rating": 8.5})]
    assert names == ["The Godfather", "Solid"]  # Boyhood's 9.2 from critics is an 8.38 on IMDb's scale
    # ... which its card shows as 8.4: "8.4 or more" keeps it, as the number on the card says
    cards = {card["title"]: card for card in feed(api_client, {"min_rating": 8.4})}
    assert list(cards) == ["The Godfather", "Solid", "Boyhood"]
    assert (cards["Boyhood"]["catalog_rating"], cards["Boyhood"]["catalog_rating_source"]) == (8.4, "critics")


def test_the_detail_marks_the_calibrated_source_as_used_for_the_score(
    api_client: APIClient, scored: dict[str, Title]
) -> None:
    toy_story = api_client.get(f"/movies/{scored['Toy Story 3'].pk}").json()
    ratings = {r["source"]: r for r in toy_story["ratings"]}
    assert (ratings["critics"]["value"], ratings["critics"]["used_for_score"]) == (9.1, False)
    movielens = ratings["movielens"]
    assert (movielens["value"], movielens["scale"], movielens["votes"], movielens["used_for_score"]) == (
        4.13,
        5,
        35,
        True,
    )
    assert movielens["provider"].startswith("MovieLens")
    boyhood = api_client.get(f"/movies/{scored['Boyhood'].pk}").json()
    assert [(r["source"], r["used_for_score"]) for r in boyhood["ratings"]] == [("critics", True)]


def test_the_title_page_says_which_source_the_score_comes_from(scored: dict[str, Title]) -> None:
    client = Client()
    boyhood = client.get(f"/title/{scored['Boyhood'].pk}/").content.decode()
    assert "Score from critics' reviews, calibrated to IMDb's scale." in boyhood
    assert "used for the score, calibrated to IMDb's scale: 8.4" in boyhood
    toy_story = client.get(f"/title/{scored['Toy Story 3'].pk}/").content.decode()
    assert "MovieLens community" in toy_story and "35 ratings" in toy_story and "35 votes" not in toy_story
    assert "calibrated to IMDb's scale" in toy_story
    godfather = client.get(f"/title/{scored['The Godfather'].pk}/").content.decode()
    assert "Score from IMDb's rating and votes." in godfather and "calibrated" not in godfather
    french = client.get(f"/title/{scored['Boyhood'].pk}/?lang=fr").content.decode()
    assert "Score tiré des critiques, calibré sur l" in french  # … l'échelle d'IMDb


def test_the_about_page_explains_the_calibration_and_the_genres(db: None) -> None:
    client = Client()
    english = client.get("/about/").content.decode()
    assert "2.33 + 0.658" in english
    assert "IMDb's own genre flags (films up to 2005) decide Action" in english
    french = client.get("/about/?lang=fr").content.decode()
    assert "2,33 + 0,658" in french
    assert "décident d" in french and "Mystère, Musique et Histoire" in french
