"""Numbers the pages read from query strings and form fields: anything that is not one is page 1, a new
conversation or ignored, never a 500 ("²" passes `str.isdigit()` and fails `int()`; thousands of digits fail
`int()` too; other scripts' digits are not ASCII)."""

import re

import pytest
from django.test import Client

from accounts.models import User
from assistant.models import ChatSession
from library.models import Entry, Status
from web.forms import PAGE_SIZE

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOT_NUMBERS = ["\u00b2", "\u0663", "9" * 1000, "9" * 5000, "-1", "0", "1e3"]  # ², Arabic-Indic 3


def card_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="card-(\d+)"', html)]


@pytest.fixture
def seen_list(member: User, big_catalog: dict) -> list[int]:
    """Every movie of the big catalog on the member's seen list: more than one page."""
    for title in big_catalog.values():
        if title.media_type == "movie":
            Entry.objects.create(user=member, title=title, status=Status.SEEN)
    return [e.title_id for e in Entry.objects.filter(user=member)]


@pytest.mark.parametrize("page", NOT_NUMBERS)
def test_a_list_page_that_is_no_number_is_the_first_page(
    browser: Client, seen_list: list[int], page: str
) -> None:
    response = browser.get("/lists/seen/", {"page": page})
    assert response.status_code == 200
    assert card_ids(response.content.decode()) == card_ids(browser.get("/lists/seen/").content.decode())


@pytest.mark.parametrize("page", NOT_NUMBERS)
def test_a_for_you_page_that_is_no_number_is_the_first_page(
    browser: Client, catalog: dict, page: str
) -> None:
    response = browser.get("/for-you/", {"page": page})
    assert response.status_code == 200
    assert card_ids(response.content.decode()) == card_ids(browser.get("/for-you/").content.decode())


@pytest.mark.parametrize("session", NOT_NUMBERS)
def test_an_assistant_session_that_is_no_number_opens_a_new_conversation(
    browser: Client, member: User, session: str
) -> None:
    ChatSession.objects.create(user=member)
    response = browser.get("/assistant/", {"session": session})
    assert response.status_code == 200
    assert 'name="session"' in response.content.decode() and not response.context["exchanges"]


def test_marking_from_a_list_page_that_is_no_number_refills_from_the_first_page(
    browser: Client, member: User, seen_list: list[int]
) -> None:
    """The status used to be saved, then the refill read the page number: a 500 with the status changed."""
    shown = card_ids(browser.get("/lists/seen/").content.decode())
    assert len(shown) == PAGE_SIZE
    response = browser.post(
        f"/title/{shown[0]}/mark/",
        {"status": "later", "next": "/lists/seen/?page=\u00b2", "shown": shown},
        **HTMX,
    )
    assert response.status_code == 200
    [refill] = card_ids(response.content.decode())
    assert refill not in shown and refill in seen_list
    assert Entry.objects.get(user=member, title_id=shown[0]).status == Status.LATER


def test_shown_cards_that_are_no_numbers_are_ignored(
    browser: Client, member: User, big_catalog: dict
) -> None:
    shown = card_ids(browser.get("/discover/").content.decode())
    response = browser.post(
        f"/title/{shown[0]}/mark/",
        {"status": "hidden", "next": "/discover/", "shown": [*shown, *NOT_NUMBERS]},
        **HTMX,
    )
    assert response.status_code == 200
    [new_card] = card_ids(response.content.decode())
    assert new_card not in shown
    assert Entry.objects.get(user=member, title_id=shown[0]).status == Status.HIDDEN
