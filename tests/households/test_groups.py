"""Households: create, invite by code, join, leave, remove; only members reach a group."""

import pytest

from accounts.models import User
from households.models import Household
from tests.clients import bearer_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def create(owner: User, name: str = "Flat 4B") -> dict:
    response = bearer_client(owner).post("/groups", {"name": name}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def join(user: User, code: str) -> dict:
    response = bearer_client(user).post("/groups/join", {"code": code}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_group_is_created_with_its_owner_and_joined_with_its_code() -> None:
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    group = create(alice, "  Flat   4B ")
    assert group["name"] == "Flat 4B"
    assert [(m["username"], m["is_owner"]) for m in group["members"]] == [("alice", True)]
    joined = join(bob, group["invite_code"])
    assert [m["username"] for m in joined["members"]] == ["alice", "bob"]
    assert join(bob, group["invite_code"])["members"] == joined["members"]  # twice: nothing changes
    assert [g["id"] for g in bearer_client(bob).get("/groups").json()["results"]] == [group["id"]]
    assert bearer_client(alice).get(f"/groups/{group['id']}").json()["members"] == joined["members"]


def test_bad_input_is_a_clear_4xx() -> None:
    alice = UserFactory()
    blank = bearer_client(alice).post("/groups", {"name": "   "}, format="json")
    assert blank.status_code == 400 and "name" in blank.json()["errors"]
    unknown = bearer_client(alice).post("/groups/join", {"code": "nope"}, format="json")
    assert unknown.status_code == 404 and "invitation code" in unknown.json()["detail"]
    assert bearer_client(alice).post("/groups/join", {}, format="json").status_code == 400


def test_only_members_reach_a_group() -> None:
    alice, outsider = UserFactory(), UserFactory()
    group = create(alice)
    client = bearer_client(outsider)
    assert client.get(f"/groups/{group['id']}").status_code == 404
    assert client.get(f"/groups/{group['id']}/recommendations").status_code == 404
    assert client.post(f"/groups/{group['id']}/leave").status_code == 404
    assert client.delete(f"/groups/{group['id']}/members/{alice.pk}").status_code == 404
    assert client.get("/groups").json()["count"] == 0


def test_the_owner_removes_members_and_draws_a_new_code_others_may_not() -> None:
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    group = create(alice)
    join(bob, group["invite_code"])
    join(carol, group["invite_code"])
    assert bearer_client(bob).delete(f"/groups/{group['id']}/members/{carol.pk}").status_code == 403
    assert bearer_client(bob).post(f"/groups/{group['id']}/invite").status_code == 403
    assert bearer_client(alice).delete(f"/groups/{group['id']}/members/{carol.pk}").status_code == 204
    assert bearer_client(carol).get(f"/groups/{group['id']}").status_code == 404
    renewed = bearer_client(alice).post(f"/groups/{group['id']}/invite").json()
    assert renewed["invite_code"] != group["invite_code"]
    stale = bearer_client(carol).post("/groups/join", {"code": group["invite_code"]}, format="json")
    assert stale.status_code == 404


def test_an_owner_who_leaves_hands_the_group_on_and_the_last_one_ends_it() -> None:
    alice, bob = UserFactory(), UserFactory()
    group = create(alice)
    join(bob, group["invite_code"])
    assert bearer_client(alice).post(f"/groups/{group['id']}/leave").status_code == 204
    after = bearer_client(bob).get(f"/groups/{group['id']}").json()
    assert after["owner_id"] == bob.pk and [m["id"] for m in after["members"]] == [bob.pk]
    assert bearer_client(bob).post(f"/groups/{group['id']}/leave").status_code == 204
    assert not Household.objects.filter(pk=group["id"]).exists()
