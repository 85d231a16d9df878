"""Hide rules on the pages: a title's TMDB keywords, each with its Hide (only with a TMDB key); Search marks
a title a rule hides elsewhere, naming the rule; Discover's cards offer the title page's "Not interested in…"
buttons, which come back to the same Discover page. English and French."""

import re
from html import unescape

import pytest
from django.test import Client

from accounts.models import User
from catalog.models import Genre, Keyword, Title
from library.models import HideRule
from tests.fakes.tmdb import FakeTmdb

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def space(catalog: dict[str, Title]) -> Keyword:
    """TMDB's "space" keyword on Alien (as a refresh from TMDB would have stored it)."""
    keyword = Keyword.objects.create(pk=9882, name="space")
    catalog["Alien"].keywords.add(keyword)
    return keyword


def test_a_title_page_lists_its_keywords_each_with_a_hide_that_comes_back(
    fake_tmdb: FakeTmdb, browser: Client, member: User, catalog: dict[str, Title], space: Keyword
) -> None:
    alien = catalog["Alien"]
    page = text(browser.get(f"/title/{alien.pk}/"))
    assert "Keywords (TMDB)" in page and "every title with the keyword “space”" in page
    french = text(browser.get(f"/title/{alien.pk}/?lang=fr"))
    assert "Mots-clés (TMDB)" in french and "tous les titres au mot-clé « space »" in french
    back = browser.post("/hidden/", {"kind": "keyword", "value": space.pk, "next": f"/title/{alien.pk}/"})
    assert back.status_code == 302 and back["Location"] == f"/title/{alien.pk}/"
    assert HideRule.objects.filter(user=member, kind="keyword", value=str(space.pk)).exists()
    assert "Keyword: <strong>space</strong>" in text(browser.get("/hidden/"))
    assert "Mot-clé: <strong>space</strong>" in text(browser.get("/hidden/?lang=fr"))
    assert f'href="/title/{alien.pk}/"' not in text(browser.get("/discover/?media=movie"))
    # The Hidden page's form takes a keyword by its name too.
    browser.post("/hidden/", {"remove": HideRule.objects.get(user=member).pk})
    assert browser.post("/hidden/", {"kind": "keyword", "value": "Space"}).status_code == 302
    assert HideRule.objects.get(user=member).value == str(space.pk)


def test_without_a_tmdb_key_keywords_are_neither_shown_nor_offered(
    settings, browser: Client, member: User, catalog: dict[str, Title], space: Keyword
) -> None:
    settings.TMDB_API_KEY = settings.TMDB_READ_TOKEN = ""
    assert "Keywords (TMDB)" not in text(browser.get(f"/title/{catalog['Alien'].pk}/"))
    assert 'value="keyword"' not in text(browser.get("/hidden/"))
    refused = browser.post("/hidden/", {"kind": "keyword", "value": space.pk})
    assert refused.status_code == 400 and "Select a valid choice" in text(refused)
    assert not HideRule.objects.exists()
    settings.TMDB_API_KEY = "a-key"  # with one, the Hidden page offers the kind
    assert '<option value="keyword">Keyword</option>' in text(browser.get("/hidden/"))


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "Hidden by your rule</strong> (Original language: French)"),
        ("fr", "Masqué par votre règle</strong> (Langue originale : Français)"),
    ],
)
@pytest.mark.parametrize("media", ["", "&media=movie"])
def test_search_marks_a_title_a_rule_hides_naming_the_rule(
    browser: Client, member: User, catalog: dict[str, Title], language: str, said: str, media: str
) -> None:
    HideRule.objects.create(user=member, kind="language", value="fr", label="fr")
    page = text(browser.get(f"/search/?q=la+haine{media}&lang={language}"))
    card = page[page.index(f'id="card-{catalog["La Haine"].pk}"') :]
    card = card[: card.index("</article>")]
    assert said in card and 'href="/hidden/"' in card
    assert "Hidden by your rule" not in text(browser.get(f"/search/?q=heat{media}"))


def test_discover_cards_offer_the_title_pages_rule_buttons_and_come_back(
    browser: Client, member: User, catalog: dict[str, Title]
) -> None:
    url = "/discover/?media=movie&sort_by=rating"
    page = text(browser.get(url))
    cards = page.count('class="card-item"')
    assert cards and page.count("Not interested in…") == cards
    alien = catalog["Alien"]
    card = page[page.index(f'id="card-{alien.pk}"') :]
    card = card[: card.index("</article>")]
    horror = Genre.objects.get(name_en="Horror")
    for kind, value in (("genre", horror.tmdb_id), ("person", "Ridley Scott"), ("franchise", alien.pk)):
        assert f'name="kind" value="{kind}"><input type="hidden" name="value" value="{value}">' in card
    assert f'name="next" value="{url}"' in card.replace("&amp;", "&")
    assert "Pas intéressé par…" in text(browser.get(f"{url}&lang=fr"))
    back = browser.post("/hidden/", {"kind": "genre", "value": horror.tmdb_id, "next": url})
    assert back.status_code == 302 and back["Location"] == url
    assert f'id="card-{alien.pk}"' not in text(browser.get(url))


def test_a_card_marked_on_discover_gives_its_place_to_one_with_the_buttons(
    browser: Client, member: User, big_catalog: dict[str, Title]
) -> None:
    url = "/discover/?media=movie"
    first = re.search(r'id="card-(\d+)"', text(browser.get(url)))
    assert first is not None
    answer = text(
        browser.post(f"/title/{first[1]}/mark/", {"status": "seen", "next": url}, HTTP_HX_REQUEST="true")
    )
    assert 'class="card-item"' in answer  # the card that takes the marked one's place
    assert "Not interested in…" in answer and f'name="next" value="{url}"' in answer
