"""The embedded catalog as `make run` loads and trains it: good, explained, unseen picks for a crime fan."""

import importlib.util
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models.functions import Mod

from catalog.models import Title
from library.models import Entry, Status
from recommendations.models import CommunityRating, ModelRun, SequelLink
from tests.catalog_fixture import catalog_remove
from tests.clients import bearer_client
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("bokeh_sampledata") is None, reason="catalog packages absent"
    ),
]


@pytest.fixture(scope="module")
def trained(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """Loaded and trained once for this module, outside the per-test transactions, removed afterwards."""
    with django_db_blocker.unblock():
        call_command("load_catalog", "--no-progress", stdout=StringIO())
        call_command("train_recommender", "--if-needed", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        ModelRun.objects.all().delete()
        catalog_remove()


def movie(title: str, year: int) -> Title:
    return Title.objects.get(media_type="movie", title_en=title, year=year)


@pytest.mark.django_db
def test_the_model_learns_from_the_community_but_not_from_reserved_users(trained: None) -> None:
    run = ModelRun.objects.get()
    assert run.community_ratings > 70_000 and run.collaborative_items > 3_000 and run.sequels > 100
    assert not CommunityRating.objects.annotate(rest=Mod("user_key", 5)).filter(rest=0).exists()
    assert SequelLink.objects.filter(
        sequel=movie("The Godfather Part II", 1974), original=movie("The Godfather", 1972)
    ).exists()


@pytest.mark.django_db
def test_a_crime_fan_gets_unseen_crime_picks_explained_by_their_own_favourites(trained: None) -> None:
    fan = UserFactory()
    liked = [movie(*t) for t in [("Heat", 1995), ("The Usual Suspects", 1995), ("Reservoir Dogs", 1992)]]
    for title in liked:
        Entry.objects.create(user=fan, title=title, status=Status.SEEN, rating=9)
    disliked = movie("The Notebook", 2004)
    Entry.objects.create(user=fan, title=disliked, status=Status.SEEN, rating=2)
    later = movie("Pulp Fiction", 1994)
    Entry.objects.create(user=fan, title=later, status=Status.LATER)

    body = bearer_client(fan).get("/me/recommendations?page_size=10").json()
    picks = body["results"]
    assert body["cold_start"] is False and len(picks) == 10
    assert not {p["id"] for p in picks} & {t.pk for t in [*liked, disliked, later]}
    names = [{g["name"] for g in p["genres"]} for p in picks]
    assert sum(bool({"Crime", "Thriller"} & n) for n in names) >= 6, [
        (p["title"], n) for p, n in zip(picks, names, strict=True)
    ]
    liked_ids = {t.pk for t in liked}
    assert all(p["reasons"] and {r["title_id"] for r in p["reasons"]} <= liked_ids for p in picks)
    assert picks[0]["explanation"].startswith("Because you liked ")


@pytest.mark.django_db
def test_a_newcomer_gets_the_original_before_its_sequel(trained: None) -> None:
    body = bearer_client(UserFactory()).get("/me/recommendations?page_size=20").json()
    names = [p["title"] for p in body["results"]]
    assert body["cold_start"] is True
    assert "The Godfather" in names and "The Godfather Part II" not in names
    assert len({tuple(g["id"] for g in p["genres"]) for p in body["results"][:10]}) >= 8  # spread over genres
