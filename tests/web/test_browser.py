"""The pages in a real browser: Debian's Chromium, driven by Playwright, against the live app.

One browser for the whole module; each test gets a fresh context (cookies) and a fresh database.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from catalog.models import Title
from library.models import Entry
from tests.factories import TEST_PASSWORD, UserFactory
from web.forms import PAGE_SIZE

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: `apt-get install chromium` (make test does it)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Assertions wait as long as actions do (each page's context waits 10 s): with the suite's other workers
# beside it, a marking's answer once took longer than Playwright's 5 s default in CI.
expect.set_options(timeout=10_000)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="needs Debian's chromium (make test installs it); CI always runs these",
    ),
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are still
    # synchronous, which Django only allows when told so.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def page(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = chromium.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused: list[str] = []  # what the Content-Security-Policy blocked (Chromium says so on the console)
    page.on(
        "console", lambda message: refused.append(message.text) if "Security Policy" in message.text else None
    )
    yield page
    context.close()
    assert not refused, refused


def sign_up(page: Page, email: str = "ann@example.org") -> None:
    page.goto("/account/signup/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill("plum-tiger-42-velvet")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url("**/discover/")


def log_in(page: Page, user: User) -> None:
    page.goto("/account/login/")
    page.locator("#id_username").fill(user.email)  # by id: the page may be in either language
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url("**/discover/")


def card_ids(page: Page) -> list[int]:
    ids = page.locator(".card-item").evaluate_all("items => items.map(item => item.id)")
    return [int(i.removeprefix("card-")) for i in ids]


def test_sign_up_mark_a_card_seen_the_grid_refills_then_filter(
    page: Page, big_catalog: dict[str, Title]
) -> None:
    sign_up(page)
    expect(page.get_by_text("ann", exact=True)).to_be_visible()  # logged in
    expect(page.locator(".card-item")).to_have_count(PAGE_SIZE)
    before = card_ids(page)

    first = page.locator(".card-item").first
    first.get_by_label("Rating").select_option("8")
    first.get_by_role("button", name="Seen").click()
    expect(page.locator(f"#card-{before[0]}")).to_have_count(0)
    expect(page.locator(".card-item")).to_have_count(PAGE_SIZE)  # the grid is full again
    expect(page.locator(f"#mark-note-{before[0]}")).to_contain_text("Seen")  # where the card was
    after = card_ids(page)
    [new] = set(after) - set(before)
    assert before[0] not in after and after[0] == new  # in the marked card's place
    assert page.evaluate("document.activeElement.id") == f"mark-note-{before[0]}"  # the keyboard on the note

    page.locator(".card-item").nth(2).get_by_role("button", name="Not interested").click()
    expect(page.locator(f"#card-{after[2]}")).to_have_count(0)
    expect(page.locator(".card-item")).to_have_count(PAGE_SIZE)
    entries = {e.title_id: (e.status, e.rating) for e in Entry.objects.filter(user__email="ann@example.org")}
    assert entries == {before[0]: ("seen", 8), after[2]: ("hidden", None)}

    page.get_by_label("Original language").select_option("fr")
    page.get_by_label("From year").fill("1990")
    page.get_by_role("button", name="Show titles").click()
    expect(page.locator(".card-title")).to_have_text(["La Haine", "Amélie"], timeout=5000)
    page.get_by_label("To year").fill("1980")
    page.get_by_role("button", name="Show titles").click()
    expect(page.get_by_text("To year must not be before From year.")).to_be_visible()


def test_search_finds_a_misspelled_title_as_you_type(page: Page, catalog: dict[str, Title]) -> None:
    page.goto("/search/")
    page.get_by_label("Title, person or words").press_sequentially("pulp fiktion", delay=20)
    expect(page.locator(".card-title").first).to_have_text("Pulp Fiction")  # htmx, no Enter pressed
    assert "q=pulp" in page.url  # the address follows, so the results can be shared
    page.get_by_role("link", name="Pulp Fiction").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pulp Fiction")
    expect(page.get_by_text("Quentin Tarantino")).to_be_visible()


def test_chat_in_french_then_mark_a_pick(page: Page, catalog: dict[str, Title]) -> None:
    sign_up(page)
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name="Assistant").click()
    page.get_by_label("Votre message").fill("un polar des années 90")
    page.get_by_role("button", name="Envoyer").click()
    answer = page.locator(".exchange").last
    expect(answer.locator(".reply")).to_contain_text("Voici 3 titres")
    expect(answer.locator(".chips li")).to_have_text(["Films", "Crime", "1990\u20131999"])
    expect(answer.locator(".card-title")).to_have_count(3)
    expect(page.get_by_label("Votre message")).to_have_value("")  # ready for a follow-up

    page.get_by_label("Votre message").fill("seulement en français")
    page.get_by_role("button", name="Envoyer").click()
    follow_up = page.locator(".exchange").nth(1)
    expect(follow_up.locator(".card-title")).to_have_text(["La Haine"])
    follow_up.get_by_role("button", name="Plus tard").click()
    expect(follow_up.locator(".status")).to_have_text("À voir plus tard")
    assert Entry.objects.get(title=catalog["La Haine"]).status == "later"


def test_import_an_imdb_file_and_see_the_report(
    page: Page, catalog: dict[str, Title], tmp_path: Path
) -> None:
    export = tmp_path / "ratings.csv"
    export.write_text(
        "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"
        f"{catalog['Heat'].imdb_id},9,2024-03-01,Heat,https://www.imdb.com/,Movie,1995\n"
        "tt0000042,6,2024-03-02,Nowhere Film,https://www.imdb.com/,Movie,2020\n"
    )
    log_in(page, UserFactory())
    page.get_by_role("link", name="Import & export").click()
    page.get_by_label("Exported from").select_option("imdb")
    page.get_by_label("File").set_input_files(export)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import report")
    expect(page.locator(".tiles")).to_contain_text("Added")
    expect(page.locator(".unmatched")).to_contain_text("Nowhere Film")
    page.get_by_role("link", name="See your lists").click()
    expect(page.locator(".card-title")).to_have_text(["Heat"])
    expect(page.locator(".status")).to_contain_text("rated 9/10")


def test_switch_language_keyboard_and_phone_width(page: Page, catalog: dict[str, Title]) -> None:
    page.goto("/about/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("À propos des données")
    page.get_by_role("link", name="Découvrir").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")  # remembered in a cookie
    expect(page.get_by_role("link", name="Le Parrain")).to_be_visible()

    user = UserFactory(language="fr")
    log_in(page, user)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Discover")
    user.refresh_from_db()
    assert user.language == "en"

    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("/discover/", "/stats/", "/about/", "/assistant/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path


def test_api_docs_and_admin_work_under_the_content_security_policy(
    page: Page, catalog: dict[str, Title]
) -> None:
    page.goto("/api/docs/")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()  # built from the schema by its script
    expect(page.get_by_text("/me/movies/update_status", exact=True)).to_be_visible()

    staff = UserFactory(is_staff=True, is_superuser=True)
    page.goto("/admin/login/")
    page.locator("#id_username").fill(staff.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    page.locator("input[type=submit]").click()
    page.goto("/admin/catalog/movie/")
    expect(page.get_by_role("link", name="Heat", exact=True)).to_be_visible()
    page.locator("#action-toggle").check()  # the admin's own script selects every row
    expect(page.locator(".action-select:checked")).to_have_count(page.locator(".action-select").count())
    expect(page.locator(".action-counter")).to_contain_text("selected")


def test_without_javascript_pages_still_work(
    chromium: Browser, live_server: LiveServer, catalog: dict[str, Title]
) -> None:
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, UserFactory())
        heat = catalog["Heat"]
        page.locator(f"#card-{heat.pk}").get_by_role("button", name="Later").click()  # a plain POST
        page.wait_for_url(f"**/discover/#mark-note-{heat.pk}")
        expect(page.locator(".messages")).to_contain_text("“Heat”: Watch later.")
        expect(page.locator(f"#mark-note-{heat.pk}")).to_be_in_viewport()  # the confirmation, with its Undo
        page.locator(f"#mark-note-{heat.pk}").get_by_role("button", name="Undo").click()
        expect(page.locator(f"#card-{heat.pk}")).to_have_count(1)
        page.locator(f"#card-{heat.pk}").get_by_role("button", name="Later").click()
        page.wait_for_url(f"**/discover/#mark-note-{heat.pk}")
        expect(page.locator(f"#card-{heat.pk}")).to_have_count(0)
        page.goto("/search/")
        page.get_by_label("Title, person or words").fill("heat")
        page.get_by_role("button", name="Search").last.click()  # a GET form
        expect(page.locator(f"#card-{heat.pk} .status")).to_have_text("Watch later")
    finally:
        context.close()
