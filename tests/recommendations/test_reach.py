"""Beyond the most-rated titles: the familiar ↔ adventurous setting, the reach margin, and "Not for me"."""

from collections.abc import Callable

import pytest

from accounts.models import User
from catalog.models import Title
from library.models import Entry, Status
from recommendations.diversity import Candidate, diversify, reach_quota
from recommendations.models import CommunityRating, NotForMe
from tests.clients import bearer_client
from tests.factories import UserFactory
from tests.recommendations.conftest import CRIME, DRAMA, HORROR

pytestmark = pytest.mark.django_db


def recommend(user: User, query: str = "") -> dict:
    response = bearer_client(user).get(f"/me/recommendations{query}")
    assert response.status_code == 200, response.content
    return response.json()


def names(body: dict) -> list[str]:
    return [card["title"] for card in body["results"]]


@pytest.fixture
def blockbuster_and_gem(
    make_title: Callable[..., Title], link: Callable, mark: Callable, member: User
) -> None:
    """A liked film leads to a most-rated film (a little more strongly) and to one nobody rated."""
    heat = make_title("Heat", genre_ids=(CRIME,))
    blockbuster = make_title("Blockbuster", genre_ids=(CRIME,), directors=["A"])
    gem = make_title("Gem", genre_ids=(DRAMA,), directors=["B"])
    CommunityRating.objects.bulk_create(
        CommunityRating(user_key=key, title=blockbuster, rating=8) for key in range(1, 51)
    )
    link(heat, blockbuster, 0.5)  # written after the ratings: the model reads both at once
    link(heat, gem, 0.45)
    mark(member, heat, rating=9)


@pytest.mark.usefixtures("blockbuster_and_gem")
def test_the_setting_is_the_users_own_and_kept(member: User) -> None:
    client = bearer_client(member)
    assert client.get("/me/recommendations/settings").json() == {"adventurousness": 2}
    response = client.put("/me/recommendations/settings", {"adventurousness": 0}, format="json")
    assert response.status_code == 200 and response.json() == {"adventurousness": 0}
    read = client.get("/me/recommendations/settings")
    assert read.json() == {"adventurousness": 0} and read["Cache-Control"] == "private, no-store"
    body = recommend(member)
    assert body["adventurousness"] == 0 and names(body) == ["Blockbuster", "Gem"]
    other = UserFactory()
    assert bearer_client(other).get("/me/recommendations/settings").json() == {"adventurousness": 2}


@pytest.mark.parametrize("value", [5, -1, "far", None])
def test_a_setting_out_of_range_is_refused_by_name(member: User, value: object) -> None:
    client = bearer_client(member)
    response = client.put("/me/recommendations/settings", {"adventurousness": value}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["adventurousness"]
    assert client.get("/me/recommendations?adventurousness=9").status_code == 400


@pytest.fixture
def ten_blockbusters_and_two_gems(
    make_title: Callable[..., Title], link: Callable, mark: Callable, member: User
) -> None:
    """A liked film leads to ten most-rated films (scores 0.50 down to 0.41) and, less strongly, to two films
    nobody rated: Gem (0.35) and Deep cut (0.20). No genres nor directors: nothing to diversify."""
    heat = make_title("Heat", genre_ids=())
    blockbusters = [make_title(f"Blockbuster {i}", genre_ids=()) for i in range(1, 11)]
    CommunityRating.objects.bulk_create(
        CommunityRating(user_key=key, title=title, rating=8) for title in blockbusters for key in range(1, 51)
    )
    for i, title in enumerate(blockbusters):
        link(heat, title, 0.50 - i / 100)
    link(heat, make_title("Gem", genre_ids=()), 0.35)
    link(heat, make_title("Deep cut", genre_ids=()), 0.20)
    mark(member, heat, rating=9)


@pytest.mark.usefixtures("ten_blockbusters_and_two_gems")
def test_the_dial_lets_less_known_titles_within_its_margin_into_the_ten(
    member: User, make_title: Callable[..., Title], mark: Callable
) -> None:
    blockbusters = [f"Blockbuster {i}" for i in range(1, 11)]
    newcomer = recommend(member, "?adventurousness=4&page_size=10")  # one title seen: no less-known pick yet
    assert names(newcomer) == blockbusters
    for i in range(3):  # seen, without learned neighbours: four seen titles allow two less-known picks
        mark(member, make_title(f"Seen {i}", genre_ids=()), rating=7)
    for setting in (0, 1):  # Gem (0.35, x 0.87 for its lean at 1) is beyond 1's margin of 0.41 - 0.08
        body = recommend(member, f"?adventurousness={setting}&page_size=10")
        assert names(body) == blockbusters and body["adventurousness"] == setting
    default = recommend(member, "?page_size=10")  # within 2's margin of 0.13: Gem takes the tenth's place
    assert default["adventurousness"] == 2 and names(default) == [*blockbusters[:9], "Gem"]
    assert names(recommend(member, "?adventurousness=3&page_size=10")) == [*blockbusters[:9], "Gem"]
    adventurous = recommend(member, "?adventurousness=4&page_size=10")  # margin 0.3: Deep cut too
    assert names(adventurous) == [*blockbusters[:8], "Gem", "Deep cut"]


def test_the_reach_quota_counts_less_known_titles_within_the_margin_of_the_pick_each_displaces() -> None:
    known = [Candidate(pk, 1.0 - pk / 20, frozenset(), frozenset()) for pk in range(10)]  # 1.00 down to 0.55
    gems = [
        Candidate(100 + i, score, frozenset(), frozenset(), obscure=True)
        for i, score in enumerate([0.5, 0.3])
    ]
    assert reach_quota([*known, *gems], margin=0.0, most=5) == 0  # 0.5 is below the tenth pick's 0.55
    assert reach_quota([*known, *gems], margin=0.1, most=5) == 1  # then 0.3 against the ninth's 0.6
    assert reach_quota([*known, *gems], margin=0.4, most=5) == 2
    assert reach_quota([*known, *gems], margin=0.4, most=1) == 1
    assert reach_quota([*known[:8], *gems], margin=0.0, most=5) == 2  # two empty slots in the ten


def test_the_quota_puts_less_known_titles_in_each_run_of_ten_as_late_as_it_can() -> None:
    popular = [Candidate(pk, 1.0 - pk / 100, frozenset({pk}), frozenset()) for pk in range(1, 15)]
    gems = [Candidate(pk, 0.1 - pk / 1000, frozenset({pk}), frozenset(), obscure=True) for pk in (50, 51, 52)]
    plain = diversify([*popular, *gems], 10)
    assert plain == list(range(1, 11))
    calibrated = diversify([*popular, *gems], 10, obscure_share=0.3)
    assert calibrated == [*range(1, 8), 50, 51, 52]  # the seven best first, then the three gems


def test_not_my_genre_hides_the_pick_counts_against_its_neighbours_and_offers_the_genre(
    member: User, make_title: Callable[..., Title], link: Callable, mark: Callable
) -> None:
    heat = make_title("Heat", genre_ids=(CRIME,))
    collateral = make_title("Collateral", genre_ids=(CRIME,))
    shining = make_title("The Shining", genre_ids=(HORROR,), title_fr="Shining")
    link(heat, collateral, 0.5)
    link(heat, shining, 0.4)
    link(shining, collateral, 0.3)
    mark(member, heat, rating=9)
    assert names(recommend(member)) == ["Collateral", "The Shining"]
    client = bearer_client(member)
    response = client.post(
        "/me/recommendations/not-for-me", {"title_id": shining.pk, "reason": "not_my_genre"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "title_id": shining.pk,
        "reason": "not_my_genre",
        "status": "hidden",
        "offers": [{"kind": "genre", "value": str(HORROR), "label": "Horror"}],
    }
    assert NotForMe.objects.get(user=member, title=shining).reason == "not_my_genre"
    card = recommend(member)["results"][0]
    assert names(recommend(member)) == ["Collateral"]
    assert card["explanation"] == (
        "Because you liked Heat. The Shining, which is not for you, counted against it"
    )
    assert recommend(member, "?lang=fr")["results"][0]["explanation"] == (
        "Parce que vous avez aimé Heat. Shining, pas pour vous, a joué contre elle"
    )


@pytest.mark.parametrize(
    ("reason", "status"),
    [("seen_elsewhere", Status.SEEN), ("not_now", Status.LATER), ("not_this_person", Status.HIDDEN)],
)
def test_each_reason_gives_the_pick_its_status(
    member: User, make_title: Callable[..., Title], reason: str, status: str
) -> None:
    title = make_title("Pick", directors=["Jane Doe"], cast=["John Roe"])
    Entry.objects.create(user=member, title=make_title("Other"), status=Status.SEEN, rating=4)
    response = bearer_client(member).post(
        "/me/recommendations/not-for-me", {"title_id": title.pk, "reason": reason}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == status
    assert Entry.objects.get(user=member, title=title).status == status
    people = ["Jane Doe", "John Roe"] if reason == "not_this_person" else []
    assert response.json()["offers"] == [{"kind": "person", "value": p, "label": p} for p in people]


def test_not_for_me_refuses_an_unknown_title_or_reason(
    member: User, make_title: Callable[..., Title]
) -> None:
    client = bearer_client(member)
    title = make_title("Pick")
    missing = client.post(
        "/me/recommendations/not-for-me", {"title_id": title.pk + 1000, "reason": "not_now"}, format="json"
    )
    assert missing.status_code == 404
    bad = client.post(
        "/me/recommendations/not-for-me", {"title_id": title.pk, "reason": "meh"}, format="json"
    )
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["reason"]
    assert not Entry.objects.filter(user=member).exists()
