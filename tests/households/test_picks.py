"""GET /groups/{id}/recommendations: nobody's seen or hidden titles, least misery, reasons per member."""

from collections.abc import Callable

import numpy as np
import pytest

from accounts.models import User
from catalog.models import MediaType, Title
from households.models import Household, Membership
from households.picks import Aggregation, Taste, combined_ranking, taste_cached
from library.models import HideRule, Status
from recommendations.selectors import _models, learned_model
from tests.clients import bearer_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def household(*members: User) -> Household:
    group = Household.objects.create(name="Sofa", owner=members[0])
    for member in members:
        Membership.objects.create(household=group, user=member)
    return group


def picks(user: User, group: Household, query: str = "") -> dict:
    response = bearer_client(user).get(f"/groups/{group.pk}/recommendations{query}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def world(make_title: Callable[..., Title], link: Callable) -> dict[str, Title]:
    t = {
        name: make_title(name, directors=[name])
        for name in ("Heat", "Amélie", "Both", "HeatOnly", "Seen", "Hid", "Later")
    }
    link(t["Heat"], t["HeatOnly"], 0.9)  # what Alice alone would love
    link(t["Heat"], t["Both"], 0.4)  # what both like well enough
    link(t["Amélie"], t["Both"], 0.4)
    link(t["Amélie"], t["Seen"], 0.8)
    link(t["Heat"], t["Hid"], 0.8)
    link(t["Amélie"], t["Later"], 0.3)
    return t


def test_no_member_is_miserable_and_nobodys_seen_or_hidden_title_comes(world: dict, mark: Callable) -> None:
    alice, bob, stranger = UserFactory(username="alice"), UserFactory(username="bob"), UserFactory()
    mark(alice, world["Heat"], rating=9)
    mark(bob, world["Amélie"], rating=8)
    mark(alice, world["Seen"])  # Alice saw it: never shown, though Bob would like it
    mark(bob, world["Hid"], status=Status.HIDDEN)  # Bob is not interested
    mark(alice, world["Later"], status=Status.LATER)  # on a watch-later list: still fine tonight
    mark(stranger, world["Both"])  # not a member: changes nothing
    body = picks(bob, household(alice, bob))
    shown = [card["title"] for card in body["results"]]
    assert shown[0] == "Both"  # the one pick both like beats the one Alice alone loves
    assert "Seen" not in shown and "Hid" not in shown and "Heat" not in shown and "Amélie" not in shown
    assert "Later" in shown and "HeatOnly" in shown
    both = body["results"][0]["members"]
    assert [(m["username"], [r["title"] for r in m["reasons"]]) for m in both] == [
        ("alice", ["Heat"]),
        ("bob", ["Amélie"]),
    ]
    assert both[0]["explanation"] == "alice liked Heat"
    assert body["cold_start"] is False
    later = next(card for card in body["results"] if card["title"] == "Later")
    assert later["user_status"] is None  # Bob sees his own statuses only, never Alice's
    for_alice = picks(alice, Household.objects.get(memberships__user=bob))
    assert next(c for c in for_alice["results"] if c["title"] == "Later")["user_status"] == "later"


def test_explanations_in_french(world: dict, mark: Callable) -> None:
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    mark(alice, world["Heat"])
    mark(bob, world["Amélie"], rating=8)
    response = bearer_client(alice).get(
        f"/groups/{household(alice, bob).pk}/recommendations", HTTP_ACCEPT_LANGUAGE="fr"
    )
    members = response.json()["results"][0]["members"]
    assert [m["explanation"] for m in members] == ["alice a vu Heat", "bob a aimé Amélie"]


def test_a_group_without_history_gets_the_best_rated_titles_nobody_marked(
    make_title: Callable[..., Title], mark: Callable
) -> None:
    alice, bob = UserFactory(), UserFactory()
    best, _second = make_title("Best", score=9.0), make_title("Second", score=8.0)
    mark(bob, best, status=Status.HIDDEN)
    body = picks(alice, household(alice, bob))
    assert body["cold_start"] is True
    assert [card["title"] for card in body["results"]] == ["Second"]
    assert body["results"][0]["members"] == []


def test_a_members_hide_rule_holds_for_the_whole_group(world: dict, mark: Callable) -> None:
    alice, bob = UserFactory(), UserFactory()
    mark(alice, world["Heat"], rating=9)
    mark(bob, world["Amélie"], rating=8)
    Title.objects.filter(pk=world["Both"].pk).update(year=1960)
    HideRule.objects.create(user=bob, kind=HideRule.Kind.BEFORE, value="1970", label="1970")
    shown = [card["title"] for card in picks(alice, household(alice, bob))["results"]]
    assert "Both" not in shown and "HeatOnly" in shown


def test_bad_parameters_are_named() -> None:
    alice = UserFactory()
    response = bearer_client(alice).get(f"/groups/{household(alice).pk}/recommendations?media_type=book")
    assert response.status_code == 400 and "media_type" in response.json()["errors"]


def taste(user_id: int, totals: list[float]) -> Taste:
    empty = np.array([], dtype=np.int64)
    return Taste(user_id, np.array(totals), empty, np.array([]), {})


def test_the_three_aggregations_rank_as_documented() -> None:
    # title 1: loved by A, disliked by B; title 2: liked by both; title 3: B loves it, A barely.
    a, b = taste(1, [0, 1.0, 0.5, 0.1]), taste(2, [0, -0.2, 0.5, 1.0])
    assert [pk for pk, _s in combined_ranking([a, b], set(), aggregation=Aggregation.LEAST_MISERY)] == [
        2,
        3,
        1,
    ]
    assert [pk for pk, _s in combined_ranking([a, b], set(), aggregation=Aggregation.MEAN)] == [3, 2, 1]
    assert [pk for pk, _s in combined_ranking([a, b], set(), floor=0.2)] == [2, 3, 1]
    # as served: the mean, a title someone's taste speaks against (title 1) after the others
    assert [pk for pk, _s in combined_ranking([a, b], {3})] == [2, 1]
    ranked = combined_ranking([a, b], {2})
    assert [pk for pk, _s in ranked] == [3, 1] and ranked[0][1] == pytest.approx(
        1.55
    )  # above the floor: 1 + the mean
    loved_by_one = taste(1, [0, 0, 0, 0, 1.0])  # B's taste does not reach title 4: after every other
    assert [pk for pk, _s in combined_ranking([loved_by_one, taste(2, [0, 0.1, 0, 0, 0])], set())] == [1, 4]


def test_a_members_taste_is_kept_for_the_same_entries_and_model_only(world: dict, mark: Callable) -> None:
    alice = UserFactory()
    model = learned_model(media_type=MediaType.MOVIE)
    rows = [(world["Heat"].pk, "seen", 9), (world["Amélie"].pk, "later", None)]
    kept = taste_cached(model, alice.pk, rows)
    assert taste_cached(model, alice.pk, list(reversed(rows))) is kept  # the same entries, in any order
    rated_again = taste_cached(model, alice.pk, [(world["Heat"].pk, "seen", 3), rows[1]])
    heat_only = world["HeatOnly"].pk
    assert rated_again is not kept and rated_again.totals[heat_only] < kept.totals[heat_only]
    _models.clear()  # as after a training: the next request decodes a new model
    assert taste_cached(learned_model(media_type=MediaType.MOVIE), alice.pk, rows) is not kept
