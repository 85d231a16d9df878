"""Discover's "For: me / a group", and "On my services" on For you, a group's page and the Search page."""

import re

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Title
from library.models import Entry, Status
from tests.factories import UserFactory
from tests.fakes.tmdb import FakeTmdb
from tests.households.test_group_discover import (  # noqa: F401 - fixtures among them
    household,
    offered,
    picks_world,
    ranked,
    watcher,
)
from tests.recommendations.conftest import genres, link  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def card_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="card-(\d+)"', html)]


FIRST_CHOOSE = "Choisissez d’abord votre pays et vos services."  # noqa: RUF001 - the French apostrophe


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_discover_for_a_group_leaves_out_every_members_titles_in_english_and_french() -> None:
    t = ranked("Seen By Bob", "Mine Later", "Fresh Film")
    alice, bob = UserFactory(), UserFactory()
    Entry.objects.create(user=bob, title=t["Seen By Bob"], status=Status.SEEN)
    Entry.objects.create(user=alice, title=t["Mine Later"], status=Status.LATER)
    group = household(alice, bob)
    group.name = "Flat 4B"
    group.save()
    client = browser(alice)
    alone = client.get("/discover/").content.decode()
    assert "Seen By Bob" in alone and "Mine Later" not in alone
    assert '<option value="" selected>Me</option>' in alone
    assert f'<option value="{group.pk}">Flat 4B</option>' in alone
    together = client.get(f"/discover/?group={group.pk}").content.decode()
    assert "Seen By Bob" not in together and "Mine Later" in together and "Fresh Film" in together
    assert "For Flat 4B: nothing any member has seen" in together
    assert "1 matching title is left out." in together
    french = client.get(f"/discover/?group={group.pk}&lang=fr").content.decode()
    assert "Pour Flat 4B : rien de ce qu’un membre a vu" in french  # noqa: RUF001 - French
    assert "1 titre correspondant est écarté." in french


def test_a_card_marked_on_a_groups_discover_is_replaced_by_one_no_member_has_seen() -> None:
    t = ranked(*(f"Film {n:02d}" for n in range(14)))
    alice, bob = UserFactory(), UserFactory()
    Entry.objects.create(user=bob, title=t["Film 12"], status=Status.SEEN)
    group = household(alice, bob)
    page = f"/discover/?group={group.pk}"
    shown = card_ids(browser(alice).get(page).content.decode())
    assert len(shown) == 12 and t["Film 12"].pk not in shown
    marked = browser(alice).post(
        f"/title/{shown[0]}/mark/", {"status": "seen", "next": page, "shown": shown}, HTTP_HX_REQUEST="true"
    )
    assert card_ids(marked.content.decode()) == [t["Film 13"].pk]  # not Film 12: Bob has seen it


def test_discover_refuses_someone_elses_group() -> None:
    ranked("Any Film")
    owner, intruder = UserFactory(), UserFactory()
    theirs, mine = household(owner), household(intruder)
    response = browser(intruder).get(f"/discover/?group={theirs.pk}")
    assert response.status_code == 400 and "Any Film" not in response.content.decode()
    assert browser(intruder).get(f"/discover/?group={mine.pk}").status_code == 200
    assert 'name="group"' not in browser(UserFactory()).get("/discover/").content.decode()  # no group


def test_for_you_and_a_groups_page_filter_on_my_services(picks_world: dict[str, Title]) -> None:  # noqa: F811
    alice, bob = watcher(), UserFactory()
    Entry.objects.create(user=alice, title=picks_world["Heat"], status=Status.SEEN, rating=9)
    Entry.objects.create(user=bob, title=picks_world["Amélie"], status=Status.SEEN, rating=9)
    group = household(alice, bob)
    for path in ("/for-you/", f"/together/{group.pk}/"):
        every = browser(alice).get(path).content.decode()
        assert "rent-only" in every and 'name="on_my_services"' in every
        mine = browser(alice).get(path + "?on_my_services=on").content.decode()
        assert "on-netflix" in mine and "rent-only" not in mine and "nowhere" not in mine
        assert 'alt="Netflix"' in mine  # the card's logo, credited to JustWatch
        refused = browser(bob).get(path + "?on_my_services=on&lang=fr").content.decode()
        assert FIRST_CHOOSE in refused and "rent-only" in refused


def test_the_search_page_filters_on_my_services(offered: dict[str, Title]) -> None:  # noqa: F811
    client = browser(watcher())
    rent_only, on_netflix = (f'href="/title/{offered[name].pk}/"' for name in ("rent-only", "on-netflix"))
    every = client.get("/search/?q=rent-only&media=movie").content.decode()
    assert rent_only in every and 'name="on_my_services"' in every
    assert rent_only not in client.get("/search/?q=rent-only&on_my_services=on&media=movie").content.decode()
    mine = client.get("/search/?q=on-netflix&on_my_services=on").content.decode()  # every media type
    assert on_netflix in mine
    refused = browser(UserFactory()).get("/search/?q=rent-only&on_my_services=on&lang=fr")
    assert refused.status_code == 400
    assert FIRST_CHOOSE in refused.content.decode()


def test_without_a_tmdb_key_the_box_is_not_offered(
    picks_world: dict[str, Title],  # noqa: F811
    fake_tmdb: FakeTmdb,
    settings,
) -> None:
    settings.TMDB_API_KEY = settings.TMDB_READ_TOKEN = ""
    client = browser(watcher())
    for path in ("/for-you/", "/search/?q=x", "/discover/"):
        assert 'name="on_my_services"' not in client.get(path).content.decode(), path
    about = client.get("/about/").content.decode()
    assert "the “On my services” filter is hidden" in about
