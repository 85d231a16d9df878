"""Marking you can trust: a confirmation beside the card with Undo and a rating, ratings shown on every card,
watch dates and sorting in My lists, counts that follow. Through Django's client, with and without htmx."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from accounts.models import User
from assistant.models import ChatSession
from catalog.models import Title
from library.models import Entry, Status
from tests.factories import UserFactory
from web.forms import PAGE_SIZE

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response: HttpResponse) -> str:
    return unescape(response.content.decode())


def card_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="card-(\d+)"', html)]


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def state(user: User, title: Title) -> tuple | None:
    entry = Entry.objects.filter(user=user, title=title).first()
    if entry is None:
        return None
    return (entry.status, entry.rating, entry.watched_at, entry.created_at, entry.updated_at)


# ---------------------------------------------------------------- without JavaScript


def test_without_javascript_the_confirmation_and_undo_sit_where_the_card_was(
    browser: Client, member: User, big_catalog: dict
) -> None:
    shown = card_ids(text(browser.get("/discover/")))
    title = Title.objects.get(pk=shown[2])
    response = browser.post(f"/title/{title.pk}/mark/", {"status": "seen", "next": "/discover/"})
    assert response.url == f"/discover/#mark-note-{title.pk}"  # the anchor brings the reader to it
    page = text(browser.get("/discover/"))
    note = page.index(f'id="mark-note-{title.pk}"')
    assert note < page.index('id="card-')  # in the grid, before its first card
    assert f"“{title.title_en}”: Seen." in page and 'role="status"' in page[note - 200 : note + 200]
    assert f'action="/title/{title.pk}/undo/"' in page
    assert page.count('name="rating" value="') >= 10  # the 1 to 10 rating on the confirmation
    assert f'id="mark-note-{title.pk}"' not in text(browser.get("/discover/"))  # shown once

    token = hidden(page[note:], "undo")
    undone = browser.post(f"/title/{title.pk}/undo/", {"undo": token, "next": "/discover/"})
    assert undone.status_code == 302 and undone.url == f"/discover/#mark-note-{title.pk}"
    assert not Entry.objects.filter(user=member).exists()
    page = text(browser.get("/discover/"))
    assert f"Undone: “{title.title_en}” is off your lists again." in page
    assert title.pk in card_ids(page)


def test_without_javascript_a_rating_after_seen_keeps_the_undo_of_the_mark(
    browser: Client, member: User, catalog: dict
) -> None:
    heat = catalog["Heat"]
    Entry.objects.create(user=member, title=heat, status=Status.LATER)
    before = state(member, heat)
    browser.post(f"/title/{heat.pk}/mark/", {"status": "seen", "next": "/search/?q=heat"})
    page = text(browser.get("/search/?q=heat"))
    card = page[page.index(f'id="card-{heat.pk}"') :]
    assert f'id="mark-note-{heat.pk}"' in card  # inside the card, which stays on search results
    token = hidden(card[card.index('class="rate"') :], "undo")
    rated = browser.post(
        f"/title/{heat.pk}/mark/", {"status": "seen", "rating": "9", "undo": token, "next": "/search/?q=heat"}
    )
    assert rated.status_code == 302 and Entry.objects.get(user=member, title=heat).rating == 9
    page = text(browser.get("/search/?q=heat"))
    assert "Your rating: 9/10." in page and '<option value="9" selected>' in page
    assert hidden(page[page.index('class="undo"') :], "undo") == token  # Undo still goes back to Later
    browser.post(f"/title/{heat.pk}/undo/", {"undo": token, "next": "/search/?q=heat"})
    assert state(member, heat) == before


def test_the_title_page_shows_the_confirmation_by_its_own_panel(browser: Client, catalog: dict) -> None:
    heat = catalog["Heat"]
    browser.post(f"/title/{heat.pk}/mark/", {"status": "hidden", "next": f"/title/{heat.pk}/"})
    page = text(browser.get(f"/title/{heat.pk}/"))
    assert page.count('id="mark-note-') == 1
    assert page.index('id="mark-note-') < page.index('id="similar-title"')
    assert 'hx-post="/title/' not in page[page.index('id="mark-note-') : page.index('id="similar-title"')]


# ---------------------------------------------------------------- with htmx


def test_with_htmx_the_confirmation_takes_the_cards_place_with_focus_and_the_grid_refills(
    browser: Client, big_catalog: dict
) -> None:
    shown = card_ids(text(browser.get("/discover/")))
    response = browser.post(
        f"/title/{shown[0]}/mark/", {"status": "seen", "next": "/discover/", "shown": shown}, **HTMX
    )
    fragment = text(response)
    assert fragment.index(f'id="note-{shown[0]}"') < fragment.index('class="card-item"')
    [new] = card_ids(fragment)
    assert new not in shown
    assert re.search(r'class="mark-note"[^>]*role="status"[^>]*autofocus', fragment)
    assert 'name="slot" value="note"' in fragment and 'hx-target="closest li"' in fragment


def test_with_htmx_rate_then_undo_restores_the_entry_exactly(
    browser: Client, member: User, big_catalog: dict
) -> None:
    shown = card_ids(text(browser.get("/discover/")))
    title = Title.objects.get(pk=shown[1])
    marked = text(
        browser.post(
            f"/title/{title.pk}/mark/", {"status": "seen", "next": "/discover/", "shown": shown}, **HTMX
        )
    )
    token = hidden(marked, "undo")
    rated = text(
        browser.post(
            f"/title/{title.pk}/mark/",
            {"status": "seen", "rating": "9", "undo": token, "slot": "note", "next": "/discover/"},
            **HTMX,
        )
    )
    assert card_ids(rated) == [] and f'id="note-{title.pk}"' in rated  # the confirmation alone, rated
    assert re.search(r'value="9" aria-pressed="true"', rated) and "Your rating: 9/10." in rated
    entry = Entry.objects.get(user=member, title=title)
    assert (entry.rating, entry.watched_at) == (
        9,
        datetime.combine(timezone.localdate(), datetime.min.time(), UTC),
    )

    undone = text(browser.post(f"/title/{title.pk}/undo/", {"undo": token, "next": "/discover/"}, **HTMX))
    assert not Entry.objects.filter(user=member).exists()  # no entry, as before the mark
    assert card_ids(undone) == [title.pk] and "Undone:" in undone and 'name="undo"' not in undone


def test_undo_of_a_clear_in_my_lists_and_the_count_follows(
    browser: Client, member: User, big_catalog: dict
) -> None:
    movies = [t for t in big_catalog.values() if t.media_type == "movie"]
    for title in movies:
        Entry.objects.create(user=member, title=title, status=Status.HIDDEN)
    total = len(movies)
    shown = card_ids(text(browser.get("/lists/hidden/")))
    cleared = Title.objects.get(pk=shown[0])
    before = state(member, cleared)
    response = text(
        browser.post(
            f"/title/{cleared.pk}/mark/", {"status": "none", "next": "/lists/hidden/", "shown": shown}, **HTMX
        )
    )
    assert f'<span class="count" id="list-count" hx-swap-oob="true">({total - 1})</span>' in response
    undone = text(
        browser.post(
            f"/title/{cleared.pk}/undo/", {"undo": hidden(response, "undo"), "next": "/lists/hidden/"}, **HTMX
        )
    )
    assert state(member, cleared) == before  # times included: back in its place in the list
    assert f'id="list-count" hx-swap-oob="true">({total})</span>' in undone
    assert card_ids(text(browser.get("/lists/hidden/")))[0] == cleared.pk


def test_an_undo_is_only_for_its_member_and_title(browser: Client, member: User, catalog: dict) -> None:
    heat, alien = catalog["Heat"], catalog["Alien"]
    marked = text(browser.post(f"/title/{heat.pk}/mark/", {"status": "later", "next": "/discover/"}, **HTMX))
    token = hidden(marked, "undo")
    other = Client()
    other.force_login(UserFactory())
    Entry.objects.create(
        user=User.objects.exclude(pk=member.pk).get(), title=heat, status=Status.SEEN, rating=6
    )
    refused = other.post(f"/title/{heat.pk}/undo/", {"undo": token, "next": "/discover/"}, **HTMX)
    assert refused.status_code == 400 and "This undo is not valid." in text(refused)
    assert browser.post(f"/title/{alien.pk}/undo/", {"undo": token}, **HTMX).status_code == 400
    assert browser.post(f"/title/{heat.pk}/undo/", {"undo": token[:-2] + "xx"}, **HTMX).status_code == 400
    assert browser.post(f"/title/{heat.pk}/undo/", {}, **HTMX).status_code == 400
    assert Entry.objects.get(user=member, title=heat).status == "later"
    assert Entry.objects.exclude(user=member).get().rating == 6


# ---------------------------------------------------------------- ratings everywhere, the chat's cards


def test_a_saved_rating_shows_on_search_chat_title_and_list_cards(
    browser: Client, member: User, catalog: dict
) -> None:
    heat = catalog["Heat"]
    browser.post("/assistant/", {"message": "a crime film from the 90s"})  # Heat among the picks
    session = ChatSession.objects.get()
    Entry.objects.create(user=member, title=heat, status=Status.SEEN, rating=9)
    selected = '<option value="9" selected>9</option>'
    assert selected in text(browser.get("/search/?q=heat"))
    assert selected in text(browser.get(f"/title/{heat.pk}/"))
    assert selected in text(browser.get("/lists/seen/"))
    chat = text(browser.get(f"/assistant/?session={session.pk}"))
    card = chat[chat.index(f'id="card-{heat.pk}"') :]
    card = card[: card.index("</li>\n")]
    assert selected in card and "rated 9/10" in card


def test_the_chats_cards_send_no_grid_and_keep_the_rating_after_a_mark(
    browser: Client, member: User, catalog: dict
) -> None:
    browser.post("/assistant/", {"message": "a crime film from the 90s"})
    session = ChatSession.objects.get()
    chat = text(browser.get(f"/assistant/?session={session.pk}"))
    assert "hx-include" not in chat  # there is no #cards grid on the chat page
    heat = catalog["Heat"]
    page_url = f"/assistant/?session={session.pk}"
    answer = text(
        browser.post(f"/title/{heat.pk}/mark/", {"status": "seen", "rating": "9", "next": page_url}, **HTMX)
    )
    assert card_ids(answer) == [heat.pk] and '<option value="9" selected>9</option>' in answer
    assert f'id="mark-note-{heat.pk}"' in answer and 'name="slot" value="card"' in answer
    assert "hx-include" not in answer


# ---------------------------------------------------------------- My lists: dates, sorting


def test_my_lists_show_and_change_the_watch_date(browser: Client, member: User, catalog: dict) -> None:
    heat = catalog["Heat"]
    browser.post(f"/title/{heat.pk}/mark/", {"status": "seen", "next": "/discover/"})
    today = timezone.localdate().isoformat()
    page = text(browser.get("/lists/seen/"))
    assert f'name="watched_on" value="{today}"' in page
    response = browser.post(
        f"/title/{heat.pk}/watched/", {"watched_on": "2024-02-29", "next": "/lists/seen/"}
    )
    assert response.url == f"/lists/seen/#card-{heat.pk}"
    assert Entry.objects.get(title=heat).watched_at == datetime(2024, 2, 29, tzinfo=UTC)
    page = text(browser.get("/lists/seen/"))
    assert 'value="2024-02-29"' in page and "watched on" in page
    browser.post(f"/title/{heat.pk}/watched/", {"watched_on": "2999-01-01", "next": "/lists/seen/"})
    assert "The watch date cannot be in the future." in text(browser.get("/lists/seen/"))
    browser.post(f"/title/{heat.pk}/watched/", {"watched_on": "not a date", "next": "/lists/seen/"})
    assert "Enter a valid date." in text(browser.get("/lists/seen/"))
    assert Entry.objects.get(title=heat).watched_at == datetime(2024, 2, 29, tzinfo=UTC)


def test_my_lists_sort_by_date_rating_score_and_title(browser: Client, member: User, catalog: dict) -> None:
    rows = {"Heat": (6, 2021), "Alien": (9, 2019), "The Godfather": (None, 2023)}
    for name, (rating, year) in rows.items():
        Entry.objects.create(
            user=member,
            title=catalog[name],
            status=Status.SEEN,
            rating=rating,
            watched_at=datetime(year, 1, 1, tzinfo=UTC),
        )
    ids = {name: catalog[name].pk for name in rows}

    def order(query: str) -> list[int]:
        return card_ids(text(browser.get(f"/lists/seen/{query}")))

    assert order("") == [ids["The Godfather"], ids["Heat"], ids["Alien"]]  # by watch date
    assert order("?sort=rating") == [ids["Alien"], ids["Heat"], ids["The Godfather"]]
    assert order("?sort=title") == [ids["Alien"], ids["Heat"], ids["The Godfather"]]
    scores = sorted(rows, key=lambda name: -(catalog[name].score or 0))
    assert order("?sort=score") == [ids[name] for name in scores]
    page = text(browser.get("/lists/seen/?sort=rating"))
    assert 'href="?sort=rating" aria-current="true"' in page
    bad = browser.get("/lists/seen/?sort=loudness")
    assert bad.status_code == 400 and "Unknown sort: use date, rating, score or title." in text(bad)


def test_a_list_refilled_after_a_mark_follows_its_sort(
    browser: Client, member: User, big_catalog: dict
) -> None:
    movies = [t for t in big_catalog.values() if t.media_type == "movie"]
    for n, title in enumerate(movies):
        Entry.objects.create(user=member, title=title, status=Status.SEEN, rating=1 + n % 10)
    shown = card_ids(text(browser.get("/lists/seen/?sort=rating")))
    assert len(shown) == PAGE_SIZE
    moved = text(
        browser.post(
            f"/title/{shown[0]}/mark/",
            {"status": "later", "next": "/lists/seen/?sort=rating", "shown": shown},
            **HTMX,
        )
    )
    [refill] = card_ids(moved)
    assert refill == card_ids(text(browser.get("/lists/seen/?sort=rating")))[-1]


def test_the_confirmation_speaks_french(browser: Client, catalog: dict) -> None:
    heat = catalog["Heat"]
    marked = text(
        browser.post(f"/title/{heat.pk}/mark/?lang=fr", {"status": "seen", "next": "/search/?q=heat"}, **HTMX)
    )
    assert "« Heat » : Vu." in marked and ">Annuler<" in marked and "Votre note" in marked
    token = hidden(marked, "undo")
    undone = text(
        browser.post(f"/title/{heat.pk}/undo/?lang=fr", {"undo": token, "next": "/search/?q=heat"}, **HTMX)
    )
    assert "Annulé : « Heat »" in undone and "plus dans vos listes." in undone
    page = text(browser.get("/lists/seen/?lang=fr&sort=title"))
    assert "Trier par :" in page
