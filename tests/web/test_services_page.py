"""Where to watch on the pages: the Services page (country, services, kinds), Discover's "On my services",
the services' logos on cards, a title's offers credited to JustWatch with TMDB's link, and without a TMDB
key: no filter, and the About page says why."""

import pytest
from django.test import Client

from accounts.models import User
from catalog.ingest.clients.types import WatchOffer
from catalog.models import MediaType, Title
from catalog.offers import offers_replace
from catalog.ranking import titles_rescore
from tests.factories import TitleFactory, UserFactory
from tests.fakes.tmdb import FakeTmdb

pytestmark = pytest.mark.django_db

LINK = "https://www.themoviedb.org/movie/1-x/watch?locale=FR"
NETFLIX_LOGO = "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg"


def member(**fields: object) -> tuple[Client, User]:
    user = UserFactory(**fields)
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def offered(fake_tmdb: FakeTmdb) -> tuple[Title, Title]:
    """Two films; only the first is on Netflix in France."""
    on, off = (
        TitleFactory(title_en="Orchard Nights", imdb_rating=8, imdb_votes=900),
        TitleFactory(title_en="Harbour Days", imdb_rating=7.9, imdb_votes=900),
    )
    titles_rescore(media_type=MediaType.MOVIE)
    offers_replace(
        on,
        [
            WatchOffer("FR", "flatrate", 8, "Netflix", NETFLIX_LOGO, 4, LINK),
            WatchOffer("FR", "rent", 2, "Apple TV", "/peURlLlr8jggOwK53fJ5wdQl05y.jpg", 1, LINK),
        ],
    )
    return on, off


def test_a_member_chooses_a_country_then_services_and_kinds(fake_tmdb: FakeTmdb) -> None:
    client, user = member()
    page = client.get("/account/services/")
    assert page.status_code == 200 and 'name="country"' in page.content.decode()
    assert 'name="services"' not in page.content.decode()  # no country yet: nothing to pick from
    assert client.post("/account/services/", {"country": "FR"}).status_code == 302
    user.refresh_from_db()
    assert user.watch_country == "FR"
    page = client.get("/account/services/").content.decode()
    assert 'value="amazonprimevideo"' in page and page.count('value="amazonprimevideo"') == 1  # 9 and 119
    client.post(
        "/account/services/", {"country": "FR", "services": ["netflix", "amazonprimevideo"], "kinds": ["ads"]}
    )
    user.refresh_from_db()
    assert (user.watch_services, user.watch_kinds) == (["netflix", "amazonprimevideo"], ["flatrate", "ads"])
    client.post("/account/services/", {"country": "US", "services": ["netflix"]})
    user.refresh_from_db()
    assert (user.watch_country, user.watch_services) == ("US", [])  # another country: chosen again


def test_an_unknown_service_is_refused_on_the_page(fake_tmdb: FakeTmdb) -> None:
    client, user = member(watch_country="FR")
    page = client.post("/account/services/", {"country": "FR", "services": ["nosuchservice"]})
    user.refresh_from_db()
    assert page.status_code == 200 and user.watch_services == []
    assert "nosuchservice" in page.context["form"].errors["services"][0]


def test_discover_on_my_services_shows_only_their_titles_with_logos(offered: tuple[Title, Title]) -> None:
    client, _ = member(watch_country="FR", watch_services=["netflix"])
    everything = client.get("/discover/").content.decode()
    assert 'name="on_my_services"' in everything
    assert "Orchard Nights" in everything and "Harbour Days" in everything
    mine = client.get("/discover/", {"on_my_services": "on"}).content.decode()
    assert "Orchard Nights" in mine and "Harbour Days" not in mine
    assert f"https://image.tmdb.org/t/p/w92{NETFLIX_LOGO}" in mine  # the card's logo
    assert "Apple TV" not in mine  # to rent: not a card's service


def test_the_title_page_lists_the_offers_with_the_credit_and_tmdbs_link(offered: tuple[Title, Title]) -> None:
    client, _ = member(watch_country="FR", watch_services=["netflix"])
    page = client.get(f"/title/{offered[0].pk}/").content.decode()
    assert "Where to watch in France" in page
    assert "Netflix" in page and "Apple TV" in page
    assert "JustWatch" in page and LINK in page
    french = Client().get(f"/title/{offered[0].pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Où regarder : France" in french and "Netflix" in french


def test_without_a_tmdb_key_no_filter_and_the_about_page_says_why(
    offered: tuple[Title, Title], settings
) -> None:
    settings.TMDB_API_KEY = settings.TMDB_READ_TOKEN = ""
    client, _ = member(watch_country="FR", watch_services=["netflix"])
    discover = client.get("/discover/", {"on_my_services": "on"}).content.decode()
    assert 'name="on_my_services"' not in discover and "Harbour Days" in discover  # ignored, not refused
    assert "Where to watch" not in client.get(f"/title/{offered[0].pk}/").content.decode()
    assert "no TMDB key" in client.get("/about/").content.decode()
    assert "no TMDB key" in client.get("/account/services/").content.decode()


def test_the_services_page_is_for_members() -> None:
    assert Client().get("/account/services/").status_code == 302
