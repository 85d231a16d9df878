"""The group pages: make a group, invite by link, see the picks with each member's reasons, leave."""

from collections.abc import Callable

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Title
from households.models import Household
from tests.factories import UserFactory
from tests.recommendations.conftest import genres, link, make_title, mark  # noqa: F401

pytestmark = pytest.mark.django_db


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_group_is_made_joined_by_its_link_and_shows_picks_for_everyone(
    make_title: Callable[..., Title],  # noqa: F811 - the recommender's fixtures
    link: Callable,  # noqa: F811
    mark: Callable,  # noqa: F811
) -> None:
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    heat, amelie, both, seen = (
        make_title(n, directors=[n]) for n in ("Heat", "Amélie", "Both", "Already Watched Film")
    )
    link(heat, both, 0.4)
    link(amelie, both, 0.4)
    link(amelie, seen, 0.9)
    mark(alice, heat, rating=9)
    mark(alice, seen)
    mark(bob, amelie, rating=8)
    made = browser(alice).post("/together/", {"action": "create", "name": "Sofa"})
    group = Household.objects.get(name="Sofa")
    assert made.status_code == 302 and made["Location"] == f"/together/{group.pk}/"
    invitation = f"/together/join/{group.invite_code}/"
    asked = browser(bob).get(invitation).content.decode()
    assert "Join Sofa?" in asked and not group.memberships.filter(user=bob).exists()  # a GET joins nobody
    assert browser(bob).post(invitation)["Location"] == f"/together/{group.pk}/"
    page = browser(bob).get(f"/together/{group.pk}/").content.decode()
    assert "Both" in page and "alice liked Heat; bob liked Amélie" in page
    assert "Already Watched Film" not in page  # Alice has seen it
    assert invitation in page
    french = browser(bob).get(f"/together/{group.pk}/?lang=fr")
    assert "alice a aimé Heat; bob a aimé Amélie" in french.content.decode()


def test_the_owner_removes_a_member_and_a_member_leaves() -> None:
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    group = Household.objects.create(name="Sofa", owner=alice)
    for user in (alice, bob, carol):
        group.memberships.create(user=user)
    browser(bob).post(f"/together/{group.pk}/", {"action": "remove", "member": carol.pk})
    assert group.memberships.filter(user=carol).exists()  # only the owner may
    browser(alice).post(f"/together/{group.pk}/", {"action": "remove", "member": carol.pk})
    assert not group.memberships.filter(user=carol).exists()
    left = browser(bob).post(f"/together/{group.pk}/", {"action": "leave"})
    assert left["Location"] == "/together/" and not group.memberships.filter(user=bob).exists()
    assert browser(bob).get(f"/together/{group.pk}/").status_code == 404


def test_a_wrong_code_or_name_is_said() -> None:
    alice = UserFactory()
    wrong = browser(alice).post("/together/", {"action": "join", "code": "nope"})
    assert wrong.status_code == 404 and "No group has this invitation code" in wrong.content.decode()
    blank = browser(alice).post("/together/", {"action": "create", "name": " "})
    assert blank.status_code == 400 and "Give the group a name." in blank.content.decode()
    assert browser(alice).get("/together/join/nope/").status_code == 404
