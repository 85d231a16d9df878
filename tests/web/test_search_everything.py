"""One search for everything: people, movies and TV shows in sections, the best match first, a person's page
with their titles the visitor has not seen best first and the seen ones marked; the media switch filters."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Person, Title
from catalog.ranking import titles_rescore
from library.models import Entry, Status
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


def sections(html: str) -> list[str]:
    return re.findall(r'<section class="search-section search-(\w+)"', html)


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title"[^>]*><a href="/title/\d+/"[^>]*>([^<]+)</a>', html)


@pytest.fixture
def breaking(catalog: dict[str, Title]) -> Title:
    """A film whose name begins like the series: the movies-only search used to answer it alone."""
    film = TitleFactory(
        title_en="Breaking and Entering", year=2006, imdb_rating=Decimal("6.0"), imdb_votes=20000
    )
    titles_rescore(media_type="movie")
    return film


def test_the_default_search_puts_the_tv_show_first_when_it_matches_best(
    client: Client, breaking: Title
) -> None:
    html = client.get("/search/", {"q": "breaking bad"}).content.decode()
    assert sections(html)[0] == "tv"
    assert card_titles(html)[0] == "Breaking Bad"
    assert 'href="?q=breaking+bad&amp;media=movie"' in html  # the switch still narrows to movies


def test_the_media_switch_still_filters(client: Client, breaking: Title) -> None:
    html = client.get("/search/", {"q": "breaking bad", "media": "movie"}).content.decode()
    assert not sections(html) and "Breaking Bad</a>" not in card_titles(html)
    assert "A TV show matches better" in html


def test_a_person_is_a_result_that_opens_their_page(client: Client, catalog: dict[str, Title]) -> None:
    html = client.get("/search/", {"q": "kubrik"}).content.decode()
    kubrick = Person.objects.get(name="Stanley Kubrick")
    assert sections(html)[0] == "people"
    assert f'<a href="/person/{kubrick.pk}/">Stanley Kubrick</a>' in html
    page = client.get(f"/person/{kubrick.pk}/").content.decode()
    assert "<h1>Stanley Kubrick</h1>" in page and card_titles(page) == ["A Clockwork Orange"]


@pytest.fixture
def director(db: None) -> dict[str, Title]:
    films = {}
    for name, rating, votes in (("Lesser", "6.1", 9000), ("Best", "8.4", 90000), ("Middle", "7.2", 40000)):
        films[name] = TitleFactory(
            title_en=name, directors=["Ada Example"], imdb_rating=Decimal(rating), imdb_votes=votes
        )
    titles_rescore(media_type="movie")
    return films


def test_a_person_page_lists_the_unseen_titles_best_first_and_marks_the_seen_ones(
    browser: Client, member: User, director: dict[str, Title]
) -> None:
    Entry.objects.create(user=member, title=director["Best"], status=Status.SEEN)
    Entry.objects.create(user=member, title=director["Lesser"], status=Status.LATER)
    person = Person.objects.get(name="Ada Example")
    html = browser.get(f"/person/{person.pk}/").content.decode()
    unseen, seen = html.split('class="results person-seen"')
    assert card_titles(unseen) == ["Middle", "Lesser"]
    assert card_titles(seen) == ["Best"]
    assert 'class="status status-seen"' in seen and 'class="status status-later"' in unseen
    assert "Directed 3 titles" in html


def test_a_person_page_in_french_and_an_unknown_person(client: Client, director: dict[str, Title]) -> None:
    person = Person.objects.get(name="Ada Example")
    html = client.get(f"/person/{person.pk}/?lang=fr").content.decode()
    assert card_titles(html) == ["Best", "Middle", "Lesser"]
    assert "A réalisé 3 titres" in html
    assert client.get(f"/person/{person.pk + 1000}/").status_code == 404
