"""For you leaves out the titles the user's hide rules match, learned picks and the cold start alike."""

from collections.abc import Callable

import pytest

from accounts.models import User
from catalog.models import Title
from library.models import HideRule
from tests.clients import bearer_client
from tests.recommendations.conftest import COMEDY, CRIME, HORROR

pytestmark = pytest.mark.django_db


def picks(user: User) -> tuple[list[str], bool]:
    body = bearer_client(user).get("/me/recommendations").json()
    return sorted(card["title"] for card in body["results"]), body["cold_start"]


def test_rule_matches_never_come_as_picks(
    member: User, make_title: Callable[..., Title], link: Callable, mark: Callable
) -> None:
    heat = make_title("Heat", genre_ids=(CRIME,), directors=["Michael Mann"], score=8.0)
    shining = make_title("The Shining", genre_ids=(HORROR,), directors=["Stanley Kubrick"], score=8.4)
    paddington = make_title("Paddington", genre_ids=(COMEDY,), directors=["Paul King"], score=7.2)
    link(heat, shining, 0.5)
    link(heat, paddington, 0.3)
    assert picks(member) == (["Heat", "Paddington", "The Shining"], True)  # the cold start
    HideRule.objects.create(user=member, kind="genre", value="27", label="Horror")
    assert picks(member) == (["Heat", "Paddington"], True)
    mark(member, heat, rating=9)
    assert picks(member) == (["Paddington"], False)
