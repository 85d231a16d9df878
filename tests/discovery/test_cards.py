"""The card presenter: one shape for every surface, and refresh-on-read wherever a title is shown."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from catalog.api.serializers import TitleCardOutputSerializer
from catalog.ingest.genres import genres_import
from catalog.models import Genre, MediaType, Title
from discovery.api.serializers import card_data
from discovery.cards import title_cards
from library.models import Entry, Status
from tests.factories import TitleFactory, UserFactory
from tests.fakes.omdb import FakeOmdb
from tests.fakes.tmdb import FakeTmdb

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_card_has_the_shape_library_routes_serialize(language: str) -> None:
    """Library's routes serialize titles with catalog's serializer; every other route shows discovery's
    TitleCard: both give the same JSON, TV facts included, in either language."""
    genres_import(live=False)
    user = UserFactory()
    movie = TitleFactory(
        title_fr="Le Film",
        overview_en="An overview.",
        trailer_url_fr="https://www.youtube.com/watch?v=fr",
        release_date=date(2001, 5, 4),
        imdb_rating=Decimal("7.5"),
        imdb_votes=1200,
        poster_path="/p.jpg",
    )
    show = TitleFactory(media_type=MediaType.TV, first_air_year=2008, last_air_year=2013, number_of_seasons=5)
    movie.genres.set(Genre.objects.filter(for_movies=True)[:2])
    Entry.objects.create(user=user, title=show, status=Status.LATER)
    titles = list(Title.objects.prefetch_related("genres").order_by("pk"))
    statuses = {show.pk: Status.LATER}

    cards = [card_data(c) for c in title_cards(titles, language=language, user=user)]

    context = {"language": language, "statuses": statuses}
    assert cards == list(TitleCardOutputSerializer(titles, many=True, context=context).data)
    # Every card has every field: a movie's TV fields are null.
    assert cards[1]["number_of_seasons"] == 5 and cards[0]["number_of_seasons"] is None
    assert set(cards[0]) == set(cards[1])


def test_the_title_page_refreshes_a_stale_title_as_the_api_does(
    fake_tmdb: FakeTmdb, fake_omdb: FakeOmdb, fake_world, user: User, django_capture_on_commit_callbacks
) -> None:
    genres_import(live=False)
    fake = next(f for f in fake_world(3, 0) if f.media_type == MediaType.MOVIE)
    fake_tmdb.add(fake)
    fake_omdb.add(fake)
    title = TitleFactory(imdb_id=fake.imdb_id, title_en="Old English Title", year=None)
    Title.objects.filter(pk=title.pk).update(cache_update_date=timezone.now() - timedelta(days=8))
    browser = Client()
    browser.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        page = browser.get(f"/title/{title.pk}/")

    assert page.status_code == 200
    assert "Old English Title" in page.content.decode()  # the cached data, served at once
    title.refresh_from_db()
    assert title.title_en == fake.title["en"]  # …and the refresh it queued has run (tasks are eager here)
