"""Screenshots of the web pages for the README, taken in Debian's Chromium against a running server.

Run it against a server holding the real catalog (the one `make run` loads), e.g.:

    DATABASE_URL=sqlite:////tmp/shots.sqlite3 DJANGO_DEBUG=true make run PORT=8765   # one terminal
    .venv/bin/python docs/make_screenshots.py --base-url http://127.0.0.1:8765        # another

It signs up a new demo account, marks a few titles, talks to the assistant, imports a two-line IMDb file,
and writes one PNG per page to docs/screenshots/. It only talks HTTP to the server: any deployment works.
"""

import argparse
import logging
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
OUT = Path(__file__).resolve().parent / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 375, "height": 780}
IMDB_FILE = (
    "Const,Your Rating,Date Rated,Title,URL,Title Type,Year\n"
    "tt0110912,9,2024-03-01,Pulp Fiction,https://www.imdb.com/title/tt0110912/,Movie,1994\n"
    "tt0000001,6,2024-03-02,A Film Nobody Knows,https://www.imdb.com/title/tt0000001/,Movie,2031\n"
)

log = logging.getLogger("screenshots")


def shoot(page: Page, name: str, *, full_page: bool = False) -> None:
    page.wait_for_load_state("networkidle")
    path = OUT / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    log.info("%s (%d KB)", path.relative_to(OUT.parent.parent), path.stat().st_size // 1024)


def mark_some_titles(page: Page) -> None:
    """Seen with ratings, and one for later: the lists and the stats then have something to show."""
    for rating in ("9", "8", "7", "8", "6", "9", "10", "7"):
        card = page.locator(".card-item").first
        card.get_by_label("Rating").select_option(rating)
        card.get_by_role("button", name="Seen").click()
        page.wait_for_timeout(400)  # the grid refills through htmx
    page.locator(".card-item").first.get_by_role("button", name="Later").click()
    page.wait_for_timeout(400)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    OUT.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(base_url=options.base_url, viewport=DESKTOP, locale="en-GB")
        page = context.new_page()

        page.goto("/account/signup/")
        shoot(page, "signup")
        page.get_by_label("Email address").fill(f"demo-{int(time.time())}@example.org")
        page.get_by_label("Password").fill("plum-tiger-42-velvet")
        page.get_by_role("button", name="Create my account").click()
        page.wait_for_url("**/discover/")
        mark_some_titles(page)
        page.goto("/discover/?genres=35&year_from=1990&year_to=1999&min_votes=20000")
        shoot(page, "discover")

        page.goto("/search/?q=pulp+fiktion")
        shoot(page, "search")
        page.get_by_role("link", name="Pulp Fiction").first.click()
        shoot(page, "title")
        title_url = page.url

        page.goto("/lists/seen/")
        shoot(page, "lists")
        page.goto("/stats/")
        shoot(page, "stats", full_page=True)

        page.goto("/assistant/")
        page.get_by_label("Your message").fill("a crime film from the 90s")
        page.get_by_role("button", name="Send").click()
        page.locator(".exchange .card-item").first.wait_for()
        page.get_by_label("Your message").fill("only French ones")
        page.get_by_role("button", name="Send").click()
        page.locator(".exchange").nth(1).locator(".card-item").first.wait_for()
        page.locator(".exchange").nth(1).scroll_into_view_if_needed()
        shoot(page, "assistant")

        page.goto("/import/")
        with tempfile.TemporaryDirectory() as folder:
            export = Path(folder) / "ratings.csv"
            export.write_text(IMDB_FILE)
            page.get_by_label("Exported from").select_option("imdb")
            page.get_by_label("File").set_input_files(export)
            page.get_by_role("button", name="Import", exact=True).click()
        page.get_by_role("heading", name="Import report").wait_for()
        shoot(page, "import")
        page.goto("/for-you/")  # the marked and imported titles now shape the picks
        shoot(page, "for-you")

        page.goto("/about/")
        shoot(page, "about")

        page.get_by_role("button", name="Français").click()  # saved on the account: every page is French now
        page.goto("/assistant/")
        page.get_by_label("Votre message").fill("une comédie française des années 90")
        page.get_by_role("button", name="Envoyer").click()
        page.locator(".exchange .card-item").first.wait_for()
        shoot(page, "assistant-fr")
        page.get_by_role("button", name="English").click()

        page.set_viewport_size(PHONE)
        page.goto("/discover/")
        shoot(page, "discover-phone")
        page.locator(".menu > summary").click()  # under 600 px the header is one line and a Menu button
        shoot(page, "menu-phone")
        page.goto(title_url)  # the buttons in the first screen, the summary folded
        shoot(page, "title-phone")
        browser.close()


if __name__ == "__main__":
    main()
