"""Training: community ratings in, neighbour tables out; the same data always writes the same tables."""

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from accounts.models import User
from catalog.models import Title, TitleNeighbour
from library.models import Entry, Status
from recommendations.models import CommunityRating, ModelRun, NeighbourVector, SequelLink, unpack_neighbours
from recommendations.services import community_ratings_sync, recommender_train
from recommendations.tasks import recommender_train_task
from tests.catalog.test_load_catalog import load
from tests.catalog.test_load_catalog import sources as catalog_sources  # noqa: F401 - a fixture
from tests.clients import bearer_client
from tests.factories import UserFactory
from tests.recommendations.conftest import CRIME, DRAMA, HORROR

pytestmark = pytest.mark.django_db


def test_community_ratings_are_matched_doubled_and_never_of_reserved_users(make_title: Callable) -> None:
    heat = make_title("Heat", movielens_id=6)
    alien = make_title("Alien", movielens_id=1214)
    synced = community_ratings_sync(
        ratings=[(1, 6, 4.5), (1, 1214, 0.5), (2, 6, 3.0), (10, 6, 5.0), (3, 99999, 4.0)]
    )
    assert synced.changed and synced.stored == 3
    assert set(CommunityRating.objects.values_list("user_key", "title_id", "rating")) == {
        (1, heat.pk, 9),
        (1, alien.pk, 1),
        (2, heat.pk, 6),
    }  # user 10 is reserved for evaluation; movie 99999 is not in our catalog
    again = community_ratings_sync(ratings=[(1, 6, 4.5), (1, 1214, 0.5), (2, 6, 3.0)])
    assert not again.changed and CommunityRating.objects.count() == 3
    community_ratings_sync(ratings=[(1, 6, 4.5)])
    assert CommunityRating.objects.count() == 1


def test_load_catalog_stores_the_community_ratings_of_its_titles(
    catalog_sources: dict[str, Path],  # noqa: F811 - the fixture imported above
) -> None:
    load(catalog_sources)
    amelie, haine, fight_club = (
        Title.objects.get(imdb_id=i) for i in ("tt0211915", "tt0113247", "tt0137523")
    )
    expected = {(1, amelie.pk, 8), (2, amelie.pk, 10), (3, haine.pk, 9), (4, fight_club.pk, 10)}
    assert set(CommunityRating.objects.values_list("user_key", "title_id", "rating")) == expected
    assert "community-ratings" in load(catalog_sources)  # a second run reads them again and changes nothing
    assert set(CommunityRating.objects.values_list("user_key", "title_id", "rating")) == expected


@pytest.fixture
def taste_world(make_title: Callable) -> dict[str, Title]:
    """Crime fans and horror fans among the community, one of our users, a sequel, and a rare TV show."""
    titles = {
        name: make_title(name, genre_ids=genres, directors=[director], year=year)
        for name, genres, director, year in [
            ("Heat", (CRIME, DRAMA), "Michael Mann", 1995),
            ("Ronin", (CRIME,), "John Frankenheimer", 1998),
            ("Collateral", (CRIME, DRAMA), "Michael Mann", 2004),
            ("Alien", (HORROR,), "Ridley Scott", 1979),
            ("Alien 3", (HORROR,), "David Fincher", 1992),
            ("The Thing", (HORROR,), "John Carpenter", 1982),
        ]
    }
    titles["Alien 3"].cast = titles["Alien"].cast = ["Sigourney Weaver"]
    titles["Alien 3"].save()
    titles["Alien"].save()
    titles["Rare show"] = make_title("Rare show", media_type="tv", imdb_id=None, genre_ids=(CRIME,))
    TitleNeighbour.objects.create(
        title=titles["Rare show"], neighbour=titles["Heat"], kind=TitleNeighbour.Kind.CONTENT, score=0.4
    )
    crime, horror = ("Heat", "Ronin", "Collateral"), ("Alien", "Alien 3", "The Thing")
    CommunityRating.objects.bulk_create(
        [
            CommunityRating(user_key=user, title=titles[name], rating=8 + user % 3)
            for user in range(1, 13)
            for name in (crime if user % 2 else horror)
        ]
    )
    fan = UserFactory()
    for name in crime:
        Entry.objects.create(user=fan, title=titles[name], status=Status.SEEN, rating=9)
    Entry.objects.create(user=fan, title=titles["Alien"], status=Status.HIDDEN)  # not an interaction
    return titles


def weights() -> dict[tuple[int, int], float]:
    learned = {}
    for vector in NeighbourVector.objects.all():
        neighbours, values = unpack_neighbours(vector.packed)
        learned |= {
            (vector.title_id, n): w for n, w in zip(neighbours.tolist(), values.tolist(), strict=True)
        }
    return learned


def test_training_links_titles_the_same_people_like(taste_world: dict[str, Title]) -> None:
    run = recommender_train()
    t = {name: title.pk for name, title in taste_world.items()}
    learned = weights()
    assert learned[(t["Heat"], t["Collateral"])] > learned.get((t["Heat"], t["Alien"]), 0.0)
    assert learned[(t["Alien"], t["The Thing"])] > learned.get((t["Alien"], t["Ronin"]), 0.0)
    assert learned[(t["Rare show"], t["Heat"])] > 0  # no one saw it: its content neighbours stand in
    assert list(SequelLink.objects.values_list("sequel_id", "original_id")) == [(t["Alien 3"], t["Alien"])]
    assert (run.users, run.interactions, run.community_ratings) == (13, 39, 36)
    assert run.collaborative_items == 6 and run.neighbours == len(learned) and run.sequels == 1
    assert run.seconds >= 0 and run.peak_memory_mb >= 0 and run.parameters["neighbours"] == 200


def test_training_twice_writes_the_same_tables(taste_world: dict[str, Title]) -> None:
    recommender_train_task.delay()
    first = (weights(), set(SequelLink.objects.values_list("sequel_id", "original_id")))
    recommender_train_task.delay()
    assert (weights(), set(SequelLink.objects.values_list("sequel_id", "original_id"))) == first
    assert ModelRun.objects.count() == 2  # each training is on record


def test_training_without_any_data_writes_empty_tables(db: None) -> None:
    run = recommender_train()
    assert (run.users, run.collaborative_items, run.neighbours) == (0, 0, 0)
    assert not NeighbourVector.objects.exists()


def test_train_recommender_command_if_needed_trains_once(taste_world: dict[str, Title]) -> None:
    out = StringIO()
    call_command("train_recommender", "--if-needed", stdout=out)
    assert "Recommender trained" in out.getvalue() and ModelRun.objects.count() == 1
    call_command("train_recommender", "--if-needed", stdout=out)
    assert "nothing to do" in out.getvalue() and ModelRun.objects.count() == 1


def test_a_trained_model_recommends_what_similar_people_liked(taste_world: dict[str, Title]) -> None:
    recommender_train()
    newcomer: User = UserFactory()
    Entry.objects.create(user=newcomer, title=taste_world["Heat"], status=Status.SEEN, rating=10)
    Entry.objects.create(user=newcomer, title=taste_world["Alien"], status=Status.SEEN, rating=2)
    body = bearer_client(newcomer).get("/me/recommendations").json()
    names = [card["title"] for card in body["results"]]
    assert names[:2] in (["Collateral", "Ronin"], ["Ronin", "Collateral"])
    assert "Alien 3" not in names[:2]
    assert body["results"][0]["reasons"][0]["title"] == "Heat"


def test_the_nightly_training_is_scheduled(db: None) -> None:
    task = PeriodicTask.objects.get(task="recommendations.tasks.recommender_train_task")
    assert task.enabled and (task.crontab.minute, task.crontab.hour) == ("15", "4")
