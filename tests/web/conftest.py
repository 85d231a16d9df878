import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Title
from catalog.ranking import titles_rescore
from tests.factories import TitleFactory, UserFactory


@pytest.fixture
def member(db: None) -> User:
    return UserFactory()


@pytest.fixture
def browser(member: User) -> Client:
    """A logged-in visitor of the pages (a Django session, as the pages use)."""
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def big_catalog(catalog: dict[str, Title]) -> dict[str, Title]:
    """The small catalog of real films, plus enough unrated ones that Discover has a second page."""
    for n in range(8):
        title = TitleFactory(title_en=f"Unrated Film {n}", year=1980 + n)
        catalog[title.title_en] = title
    titles_rescore(media_type="movie")
    return catalog
