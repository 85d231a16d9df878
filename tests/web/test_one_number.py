"""One number per idea: the rating filter compares the rating every card shows (to one decimal, on IMDb's
scale), on the pages and in the API; the card says where it comes from."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from catalog.api.serializers import SCORE_SOURCES
from catalog.models import ScoreSource, Title
from catalog.ranking import rating_floor, shown_rating, titles_rescore
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


def figures(html: str) -> dict[str, str]:
    """Each card's title and the figures it shows."""
    found = {}
    for card in html.split('<li class="card-item"')[1:]:
        name = re.search(r'class="card-title"[^>]*><a [^>]*>([^<]+)</a>', card)
        assert name is not None
        values = re.findall(r"<dd>(.*?)</dd>", card, re.S)
        found[name[1]] = " ".join(re.sub(r"<[^>]+>", "", value).strip() for value in values)
    return found


@pytest.fixture
def near_seven(db: None) -> dict[str, Title]:
    """Well rated by few voters (their score is pulled under 7) and ratings either side of a shown 7.0."""
    titles = {
        "Few Voters": TitleFactory(title_en="Few Voters", imdb_rating=Decimal("7.3"), imdb_votes=40),
        "Many Voters": TitleFactory(title_en="Many Voters", imdb_rating=Decimal("8.0"), imdb_votes=900_000),
        "Just Under": TitleFactory(title_en="Just Under", imdb_rating=Decimal("6.9"), imdb_votes=500_000),
        "Community": TitleFactory(
            title_en="Community", movielens_rating=Decimal("3.5"), movielens_ratings=90
        ),
        "Community Low": TitleFactory(
            title_en="Community Low", movielens_rating=Decimal("3.4"), movielens_ratings=90
        ),
    }
    for n in range(4):  # most of the catalog: average films that many rated
        TitleFactory(title_en=f"Average {n}", imdb_rating=Decimal("5.5"), imdb_votes=300_000)
    titles_rescore(media_type="movie")
    # calibrated ratings hold two decimals: one shown as 7.0, one shown as 6.9
    Title.objects.filter(pk=titles["Community"].pk).update(rating=6.95)
    Title.objects.filter(pk=titles["Community Low"].pk).update(rating=6.94)
    for title in titles.values():
        title.refresh_from_db()
    return titles


def test_the_shown_rating_and_the_filter_agree_at_the_edge() -> None:
    assert [shown_rating(v) for v in (6.94, 6.95, 7.0, 8.26)] == [6.9, 7.0, 7.0, 8.3]
    assert rating_floor(7) == 6.95 and rating_floor(7.25) == 7.25 and rating_floor(0) == -0.05


def test_a_minimum_rating_of_7_never_shows_a_card_below_7(
    client: Client, near_seven: dict[str, Title]
) -> None:
    few = near_seven["Few Voters"]
    assert few.score is not None and few.score < 7 <= few.rating  # the number the card used to show first
    shown = figures(client.get("/discover/", {"min_rating": "7"}).content.decode())
    assert set(shown) == {"Few Voters", "Many Voters", "Community"}
    for text in shown.values():
        assert float(text.split()[0]) >= 7.0, shown
    assert shown["Few Voters"].startswith("7.3 (40 votes)")
    assert shown["Community"].startswith("7.0 (MovieLens, calibrated)")


def test_the_card_explains_its_rating_and_french_pages_format_it(
    client: Client, near_seven: dict[str, Title]
) -> None:
    html = client.get("/discover/", {"min_rating": "7", "lang": "fr"}).content.decode()
    assert figures(html)["Many Voters"] == "8,0 (900\xa0000 votes)"  # a no-break space between thousands
    assert "<dt>Score</dt>" not in html
    english = client.get("/discover/", {"min_rating": "7"}).content.decode()
    assert 'title="IMDb\'s rating, out of 10: the one the rating filter compares."' in english
    assert "the rating each card shows" not in english and "as each card shows it" in english  # the legend
    assert "Best score: the rating weighed by how many voted" in english  # the score, where it is chosen
    assert "Meilleur score : la note pondérée par le nombre de votants" in html


def test_the_api_card_carries_the_rating_the_filter_compares(
    api_client: APIClient, near_seven: dict[str, Title]
) -> None:
    response = api_client.post("/movies/search-by-filters", {"min_rating": 7}, format="json")
    assert response.status_code == 200
    cards = {card["title"]: card for card in response.json()["results"]}
    assert set(cards) == {"Few Voters", "Many Voters", "Community"}
    assert all(card["catalog_rating"] >= 7.0 for card in cards.values())
    assert (cards["Community"]["catalog_rating"], cards["Community"]["catalog_rating_source"]) == (
        7.0,
        "movielens",
    )
    assert (cards["Few Voters"]["catalog_rating"], cards["Few Voters"]["catalog_rating_source"]) == (
        7.3,
        "imdb",
    )
    assert tuple(ScoreSource.values) == SCORE_SOURCES


@pytest.mark.parametrize(
    ("language", "line"),
    [("en", "IMDb 9.2 (1,500,000 votes)"), ("fr", "IMDb 9,2 (1\xa0500\xa0000 votes)")],
)
def test_chat_replies_write_numbers_as_the_pages_do(
    auth_client: APIClient, catalog: dict[str, Title], language: str, line: str
) -> None:
    message = "a crime film" if language == "en" else "un polar"
    response = auth_client.post("/chat", {"message": message}, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    godfather = next(row for row in response.json()["reply"].splitlines() if "1972" in row)
    assert line in godfather


def test_a_calibrated_rating_is_said_as_the_card_says_it(
    auth_client: APIClient, catalog: dict[str, Title]
) -> None:
    """Amélie has no IMDb votes: its rating is the critics' average calibrated to IMDb's scale."""
    amelie = catalog["Amélie"]
    assert amelie.score_source == ScoreSource.CRITICS
    response = auth_client.post(
        "/chat", {"message": "un film français"}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    shown = f"{shown_rating(amelie.rating):.1f}".replace(".", ",")
    assert f"note {shown} (critiques, recalibrée)" in response.json()["reply"]
