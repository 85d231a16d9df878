"""Every page on a phone and on a desktop, in English and French, in Debian's Chromium.

On a phone (360 and 390 px wide) no page is wider than the screen, the header takes at most a quarter of the
first screen, and a title page's Seen/Later buttons are in the first screen. On every page, in both languages
and both sizes, axe-core finds no accessibility violation. axe-core is a test-only file we vendor
(tests/web/vendor/axe.min.js, see its README line); it is evaluated through Playwright, which the pages'
Content-Security-Policy does not govern, so the policy stays as strict as in production.
"""

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from alerts.models import AlertItem, SavedSearch
from catalog.models import Person, Title
from households.services import household_create, household_join
from library.models import Entry, HideRule, Status
from tests.factories import UserFactory
from tests.web.test_browser import chromium, log_in  # noqa: F401 (the module's browser, reused)

log = logging.getLogger(__name__)
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
HEADER_SHARE = 0.25  # of the first screen, at most
SMALLEST_TEXT = 11  # px, a chart's labels and numbers as drawn


@dataclass(frozen=True)
class Screen:
    name: str
    width: int
    height: int
    axe: bool = True  # also run axe-core (one phone size is enough for it)

    @property
    def phone(self) -> bool:
        return self.width < 600


DESKTOP = Screen("desktop", 1280, 900)
SMALL_PHONE = Screen("360", 360, 640)  # the narrowest common Android screen, the shortest too
PHONE = Screen("390", 390, 844, axe=False)


@dataclass
class Site:
    """The pages to visit, as one member with something in every list sees them."""

    member: User
    member_pages: list[str]
    public_pages: list[str]
    title_path: str


@pytest.fixture
def site(live_server: LiveServer, member: User, catalog: dict[str, Title]) -> Site:
    for name, rating in (("Heat", 8), ("Pulp Fiction", 9), ("Alien", 7), ("Amélie", 8), ("Breaking Bad", 9)):
        Entry.objects.create(user=member, title=catalog[name], status=Status.SEEN, rating=rating)
    Entry.objects.create(user=member, title=catalog["La Haine"], status=Status.LATER)
    Entry.objects.create(user=member, title=catalog["The Godfather"], status=Status.HIDDEN)
    HideRule.objects.create(user=member, kind="language", value="fr", label="fr")
    HideRule.objects.create(user=member, kind="before", value="1960", label="1960")
    search = SavedSearch.objects.create(
        user=member, name="Thrillers des années 1990", media_type="movie", filters={"year_from": 1990}
    )
    AlertItem.objects.create(user=member, title=catalog["Alien"], saved_search=search, week="2026-11-30")
    group = household_create(owner=member, name="Salon du 4e étage")
    household_join(user=UserFactory(username="camille-et-dominique"), code=group.invite_code)
    return Site(
        member=member,
        member_pages=[
            "/discover/",
            "/search/?q=heat",
            "/search/?q=tarantino",
            "/search/?q=la+haine",  # marked: the French-language rule hides it elsewhere
            f"/person/{Person.objects.get(name='Quentin Tarantino').pk}/",
            f"/title/{catalog['A Clockwork Orange'].pk}/",
            f"/title/{catalog['Pulp Fiction'].pk}/",
            "/for-you/",
            "/together/",
            f"/together/{group.pk}/",
            "/account/services/",
            "/hidden/",
            "/lists/seen/",
            "/lists/later/",
            "/lists/hidden/?media=tv",
            "/stats/",
            "/assistant/",
            "/import/",
            "/integrations/",
            "/alerts/",
            "/discover/?media=movie&year_from=1990",
            "/about/",
            "/no-such-page/",
        ],
        public_pages=["/discover/", "/account/login/", "/account/signup/", f"/title/{catalog['Heat'].pk}/"],
        title_path=f"/title/{catalog['A Clockwork Orange'].pk}/",
    )


@pytest.fixture
def visitor(chromium: Browser, live_server: LiveServer) -> Iterator[Page]:  # noqa: F811
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def use_language(page: Page, language: str) -> None:
    if language != "en":
        page.goto(f"/about/?lang={language}")
        menu = page.locator(".menu > summary")
        if menu.is_visible():  # a phone: the languages are in the menu
            menu.click()
        page.locator(f".language-switcher button[value='{language}']").first.click()
        expect(page.locator("html")).to_have_attribute("lang", language)


def chat_and_import(page: Page, catalog: dict[str, Title], tmp_path: Path) -> list[str]:
    """A conversation on the assistant page and an import report: the pages with the most parts."""
    page.goto("/assistant/")
    page.locator("#id_message").fill("a horror film")
    page.locator("#chat-form button[type=submit]").click()
    page.locator(".exchange .card-item").first.wait_for()
    chat_url = f"/assistant/?session={page.locator('#id_session').input_value()}"
    export = tmp_path / "ratings.csv"
    export.write_text(
        "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"
        f"{catalog['Get Out'].imdb_id},9,2024-03-01,Get Out,https://www.imdb.com/,Movie,2017\n"
        "tt0000042,6,2024-03-02,Nowhere Film,https://www.imdb.com/,Movie,2020\n"
    )
    page.goto("/import/")
    page.locator("#id_source").select_option("imdb")
    page.locator("#id_file").set_input_files(export)
    page.locator("form.stacked button[type=submit]").click()
    page.locator(".unmatched").wait_for()
    return [chat_url, page.url]


def axe_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    return [f"{v['id']}: {json.dumps(v['nodes'])}" for v in found]


def measure(page: Page) -> dict:
    """The page's width and its header's height; the elements that stick out, to name them in a failure."""
    return page.evaluate(
        """() => ({
            width: document.scrollingElement.scrollWidth,
            header: document.querySelector('.site-header')?.getBoundingClientRect().height ?? Infinity,
            screen: innerHeight,
            chart_text: Math.min(...[...document.querySelectorAll('.chart svg text')].map(
                t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)),
            wide: [...document.querySelectorAll('main *')]
                .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
                .slice(0, 4)
                .map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined
                    ? '.' + e.className.split(' ').join('.') : '')),
        })"""
    )


def check_pages(page: Page, paths: list[str], screen: Screen, problems: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status in (200, 404), (path, response and response.status)
        if screen.axe:
            problems.extend(f"{path} ({screen.name}): {v}" for v in axe_violations(page))
        if not screen.phone:
            continue
        size = measure(page)
        log.info(
            "%s %s: width %d px, header %.0f%% of the screen, chart text %.1f px",
            *(screen.name, path, size["width"], 100 * size["header"] / size["screen"], size["chart_text"]),
        )
        if size["width"] > screen.width:
            problems.append(f"{path} ({screen.name}): {size['width']} px wide ({', '.join(size['wide'])})")
        if size["chart_text"] < SMALLEST_TEXT:  # Infinity without a chart
            problems.append(f"{path} ({screen.name}): chart text {size['chart_text']:.1f} px")
        if size["header"] > HEADER_SHARE * size["screen"]:
            problems.append(f"{path} ({screen.name}): header {size['header']:.0f} px of {size['screen']}")


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("screen", [DESKTOP, SMALL_PHONE, PHONE], ids=lambda screen: screen.name)
def test_every_page_fits_the_screen_and_has_no_accessibility_violation(
    visitor: Page, site: Site, catalog: dict[str, Title], tmp_path: Path, screen: Screen, language: str
) -> None:
    page = visitor
    page.set_viewport_size({"width": screen.width, "height": screen.height})
    problems: list[str] = []
    use_language(page, language)
    check_pages(page, site.public_pages, screen, problems)

    log_in(page, site.member)
    use_language(page, language)
    extra = chat_and_import(page, catalog, tmp_path)
    check_pages(page, site.member_pages + extra, screen, problems)
    page.goto("/discover/")  # a mark's confirmation (Undo, a rating) in the card's place
    page.locator(".card-item").first.locator("button[value=seen]").click()
    page.locator(".mark-note").first.wait_for()
    if screen.axe:
        problems.extend(f"mark ({screen.name}): {v}" for v in axe_violations(page))
    if screen.phone:  # the menu unfolded is a page of its own
        page.goto("/discover/")
        page.locator(".menu > summary").click()
        expect(page.locator(".site-nav")).to_be_visible()
        if screen.axe:
            problems.extend(f"menu ({screen.name}): {v}" for v in axe_violations(page))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("screen", [SMALL_PHONE, PHONE], ids=lambda screen: screen.name)
def test_a_title_pages_buttons_are_in_the_first_screen_of_a_phone(
    visitor: Page, site: Site, screen: Screen
) -> None:
    page = visitor
    page.set_viewport_size({"width": screen.width, "height": screen.height})
    log_in(page, site.member)
    page.goto(site.title_path)
    for name in ("Seen", "Later", "Not interested"):
        button = page.locator(".title-page .mark").get_by_role("button", name=name)
        box = button.bounding_box()
        assert box is not None and box["y"] + box["height"] <= screen.height, (name, box)
    summary = page.locator(".title-page .overview")
    expect(summary).to_be_attached()


def test_the_phone_menu_opens_by_keyboard_and_without_javascript(
    chromium: Browser,  # noqa: F811
    live_server: LiveServer,
    member: User,
) -> None:
    for javascript in (True, False):
        context = chromium.new_context(
            base_url=live_server.url, java_script_enabled=javascript, viewport={"width": 360, "height": 640}
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            page.goto("/about/")
            nav = page.get_by_role("navigation", name="Main")
            expect(nav).to_be_hidden()
            expect(page.get_by_role("link", name="Log in")).to_be_hidden()
            menu = page.locator(".menu > summary")
            menu.focus()
            page.keyboard.press("Enter")
            expect(nav).to_be_visible()
            expect(page.get_by_role("link", name="Log in")).to_be_visible()
            if javascript:  # Escape folds it again, the keyboard back on its button
                page.keyboard.press("Tab")
                page.keyboard.press("Escape")
                expect(nav).to_be_hidden()
                expect(menu).to_be_focused()
                page.keyboard.press("Enter")
            nav.get_by_role("link", name="Stats").click()  # a member page: the login form first
            page.wait_for_url("**/account/login/**")
            page.set_viewport_size({"width": 844, "height": 390})  # a phone on its side: the menu still
            expect(menu).to_be_visible()
            expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
            page.set_viewport_size({"width": 1280, "height": 800})  # wide: no menu button, the pages in view
            expect(menu).to_be_hidden()
            expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        finally:
            context.close()
