"""Marking and the chat in a real browser (Debian's Chromium, Playwright): the confirmation beside the card,
its Undo and rating, by mouse and keyboard; Enter sends a chat message and the page shows the answer."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from catalog.models import Title
from library.models import Entry
from tests.factories import UserFactory
from tests.web.test_browser import CHROMIUM, card_ids, chromium, log_in  # noqa: F401 - the module's browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (make test installs it)"),
]


@pytest.fixture
def page(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:  # noqa: F811
    """A page at a laptop's size that records every console error and uncaught exception."""
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 720}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def test_seen_on_the_last_card_confirms_beside_it_then_rate_by_keyboard_and_undo(
    page: Page, big_catalog: dict[str, Title]
) -> None:
    user = UserFactory()
    log_in(page, user)
    ids = card_ids(page)
    last = page.locator(f"#card-{ids[-1]}")
    last.scroll_into_view_if_needed()
    last.get_by_role("button", name="Seen").click()  # no rating chosen first

    note = page.locator(f"#mark-note-{ids[-1]}")
    expect(note).to_be_visible()
    expect(note).to_be_in_viewport()  # beside the card, not at the top of the page
    expect(note).to_have_attribute("role", "status")
    expect(note).to_contain_text("Seen.")
    expect(note).to_be_focused()
    assert Entry.objects.get(user=user, title_id=ids[-1]).rating is None

    page.keyboard.press("Tab")  # Undo
    page.keyboard.press("Tab")  # 1
    page.keyboard.press("Tab")  # 2
    page.keyboard.press("Enter")
    expect(page.locator(f"#mark-note-{ids[-1]}")).to_contain_text("Your rating: 2/10.")
    assert Entry.objects.get(user=user, title_id=ids[-1]).rating == 2

    page.locator(f"#mark-note-{ids[-1]}").get_by_role("button", name="9").click()  # one click changes it
    expect(page.locator(f"#mark-note-{ids[-1]}")).to_contain_text("Your rating: 9/10.")
    assert Entry.objects.get(user=user, title_id=ids[-1]).rating == 9

    page.locator(f"#mark-note-{ids[-1]}").get_by_role("button", name="Undo").click()
    expect(page.locator(f"#card-{ids[-1]}")).to_be_visible()  # back where it was, unmarked
    expect(page.locator(f"#mark-note-{ids[-1]}")).to_contain_text("Undone")
    assert not Entry.objects.filter(user=user).exists()
    assert not page.errors  # type: ignore[attr-defined]


def test_the_undo_leaves_after_ten_seconds_unless_in_use(page: Page, catalog: dict[str, Title]) -> None:
    user = UserFactory()
    log_in(page, user)
    heat = catalog["Heat"]
    page.locator(f"#card-{heat.pk}").get_by_role("button", name="Later").click()
    note = page.locator(f"#mark-note-{heat.pk}")
    expect(note.get_by_role("button", name="Undo")).to_be_visible()
    page.locator("h1").click()  # the keyboard and the pointer leave it
    page.mouse.move(0, 0)
    expect(note).to_have_count(0, timeout=14_000)
    assert Entry.objects.get(user=user, title=heat).status == "later"


def test_chat_enter_sends_shift_enter_breaks_the_page_shows_the_answer_and_marks_keep_the_rating(
    page: Page, catalog: dict[str, Title]
) -> None:
    user = UserFactory()
    log_in(page, user)
    page.goto("/assistant/")
    box = page.get_by_label("Your message")
    for question in ("a crime film from the 90s", "a film from the 70s"):
        box.fill(question)
        box.press("Enter")
        expect(page.locator(".exchange").last.locator(".bubble.user")).to_contain_text(question)
        expect(box).to_have_value("")
    latest = page.locator(".exchange").last
    expect(latest.locator(".reply")).to_be_visible()
    page.wait_for_function(
        "Math.abs(document.querySelector('.exchange:last-child').getBoundingClientRect().top) < 80"
    )

    box.fill("only French")
    box.press("Shift+Enter")
    box.press_sequentially("ones")
    expect(box).to_have_value("only French\nones")  # a new line, nothing sent
    expect(page.locator(".exchange")).to_have_count(2)

    first = page.locator(".exchange").first
    heat = catalog["Heat"]
    card = first.locator(f"#card-{heat.pk}")
    card.get_by_label("Rating").select_option("9")
    card.get_by_role("button", name="Seen").click()
    card = first.locator(f"#card-{heat.pk}")
    expect(card.locator(".mark-note")).to_contain_text("Seen.")
    expect(card.get_by_label("Rating")).to_have_value("9")  # not back at the empty choice
    expect(card.locator(".status")).to_have_text("Seen · rated 9/10")
    assert Entry.objects.get(user=user, title=heat).rating == 9
    assert not page.errors  # type: ignore[attr-defined]
