"""The Hidden page: every rule and every title hidden alone, each with its Undo; the title and person pages'
"not interested in…" buttons add rules and come back; Discover leaves the rules' titles out."""

from html import unescape

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Person, Title
from library.models import Entry, HideRule, Status

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


def test_the_page_lists_rules_and_titles_and_undoes_each(
    browser: Client, member: User, catalog: dict[str, Title]
) -> None:
    Entry.objects.create(user=member, title=catalog["The Godfather"], status=Status.HIDDEN)
    HideRule.objects.create(user=member, kind="language", value="fr", label="fr")
    page = text(browser.get("/hidden/"))
    assert "Original language: <strong>French</strong>" in page and "The Godfather" in page
    rule = HideRule.objects.get(user=member)
    assert browser.post("/hidden/", {"remove": rule.pk}).status_code == 302
    assert browser.post("/hidden/", {"unhide": catalog["The Godfather"].pk}).status_code == 302
    assert not HideRule.objects.filter(user=member).exists()
    assert not Entry.objects.filter(user=member).exists()
    page = text(browser.get("/hidden/?lang=fr"))
    assert "Masqués" in page and "Aucun pour l’instant." in page  # noqa: RUF001 (French apostrophe)


def test_the_title_pages_buttons_add_rules_and_discover_leaves_their_titles_out(
    browser: Client, member: User, catalog: dict[str, Title]
) -> None:
    alien = catalog["Alien"]
    page = text(browser.get(f"/title/{alien.pk}/"))
    assert "Not interested in…" in page and "This franchise" in page
    horror = next(g for g in alien.genres.all() if g.name_en == "Horror")
    back = browser.post("/hidden/", {"kind": "genre", "value": horror.tmdb_id, "next": f"/title/{alien.pk}/"})
    assert back.status_code == 302 and back["Location"] == f"/title/{alien.pk}/"
    assert alien.title_en not in text(browser.get("/discover/"))
    assert "Horror" in text(browser.get("/hidden/"))


def test_a_person_page_hides_their_titles(browser: Client, member: User, catalog: dict[str, Title]) -> None:
    person = Person.objects.get(name="Quentin Tarantino")
    assert "Never show me titles by or with Quentin Tarantino" in text(browser.get(f"/person/{person.pk}/"))
    browser.post("/hidden/", {"kind": "person", "value": person.pk})
    assert catalog["Pulp Fiction"].title_en not in text(browser.get("/discover/"))


def test_a_rule_naming_nothing_is_a_400_saying_so(browser: Client, member: User, catalog: dict) -> None:
    response = browser.post("/hidden/", {"kind": "genre", "value": "Cowboy opera"})
    assert response.status_code == 400
    assert "Unknown genre: Cowboy opera." in text(response)
    assert not HideRule.objects.exists()
