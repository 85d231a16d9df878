"""The web pages through Django's test client: what each shows, its forms, marking with and without htmx."""

import json
import re
from html import unescape

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve

from accounts.models import User
from assistant.models import ChatSession
from catalog.ingest.similarity import neighbours_rebuild
from catalog.models import Title
from library.models import Entry, ImportJob, Status
from recommendations.services import neighbour_vectors_replace
from tests.clients import bearer_client
from tests.factories import TEST_PASSWORD, TitleFactory, UserFactory
from web.forms import PAGE_SIZE

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response: HttpResponse) -> str:
    return response.content.decode()


def card_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="card-(\d+)"', html)]


# ---------------------------------------------------------------- who sees what


@pytest.mark.parametrize("path", ["/discover/", "/search/", "/search/?q=heat", "/about/", "/account/login/"])
def test_public_pages_render_for_anonymous_visitors(catalog: dict, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    html = text(response)
    assert '<html lang="en">' in html and 'href="#main"' in html  # skip link
    assert "/static/web/htmx.min.js" in html
    # every script and style sheet is served by the app itself
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html)


def test_home_is_discover(db: None) -> None:
    assert Client().get("/").url == "/discover/"


@pytest.mark.parametrize(
    "path", ["/lists/seen/", "/stats/", "/assistant/", "/import/", "/import/1/", "/export/json/"]
)
def test_member_pages_send_anonymous_visitors_to_log_in(db: None, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response.url == f"/account/login/?next={path}"


def test_anonymous_mark_goes_to_log_in_and_htmx_is_redirected_whole(catalog: dict) -> None:
    heat = catalog["Heat"]
    plain = Client().post(f"/title/{heat.pk}/mark/", {"status": "seen", "next": "/discover/?media=movie"})
    assert plain.url == "/account/login/?next=/discover/%3Fmedia%3Dmovie"
    swapped = Client().post(f"/title/{heat.pk}/mark/", {"status": "seen", "next": "/discover/"}, **HTMX)
    assert swapped.headers["HX-Redirect"] == "/account/login/?next=/discover/"
    assert not Entry.objects.exists()


def test_unknown_pages_and_titles_are_404(browser: Client) -> None:
    assert browser.get("/title/999999/").status_code == 404
    assert browser.get("/lists/favourites/").status_code == 404
    assert browser.get("/export/xml/").status_code == 404
    assert "Not found" in text(browser.get("/import/424242/"))


def test_api_routes_win_over_pages_and_pages_do_not_take_api_paths(db: None) -> None:
    for path in (
        "/auth/login",
        "/users/me",
        "/me/movies/seen",
        "/movies/1",
        "/tvshows/1",
        "/chat",
        "/healthz",
    ):
        assert resolve(path).namespace != "web", path
    for path in ("/discover/", "/title/1/", "/lists/seen/", "/account/login/", "/language/"):
        assert resolve(path).namespace == "web", path


def test_the_api_does_not_accept_a_page_session(browser: Client) -> None:
    """Pages log in with a session; the REST API stays JWT-only (so no CSRF hole through cookies)."""
    assert browser.get("/users/me").status_code == 401


def test_page_forms_need_the_csrf_token(catalog: dict, member: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(f"/title/{catalog['Heat'].pk}/mark/", {"status": "seen"}).status_code == 403
    assert not Entry.objects.exists()


# ---------------------------------------------------------------- discover


def test_discover_shows_unseen_cards_best_first(browser: Client, member: User, big_catalog: dict) -> None:
    Entry.objects.create(user=member, title=big_catalog["The Godfather"], status=Status.SEEN)
    html = text(browser.get("/discover/"))
    names = re.findall(r'<h3 class="card-title"[^>]*><a [^>]*>([^<]+)</a>', html)
    assert len(names) == PAGE_SIZE
    assert "The Godfather" not in names and names[0] == "Pulp Fiction"
    assert "1 matching title is left out" in html
    assert "IMDb" in html and "2,000,000 votes" in html  # Pulp Fiction's figures, grouped
    assert 'rel="next"' in html


def test_discover_filters(browser: Client, catalog: dict) -> None:
    response = browser.get("/discover/?genres=80&year_from=1990&year_to=1999&sort_by=year")
    assert response.status_code == 200
    html = text(response)
    found = [t for t in ("Heat", "La Haine", "Pulp Fiction", "Alien", "The Godfather") if f">{t}</a>" in html]
    assert found == ["Heat", "La Haine", "Pulp Fiction"]
    french = text(browser.get("/discover/?languages=fr"))
    assert ">La Haine</a>" in french and ">Heat</a>" not in french


def test_discover_tv_shows(browser: Client, catalog: dict) -> None:
    html = text(browser.get("/discover/?media=tv"))
    assert ">Breaking Bad</a>" in html and ">Heat</a>" not in html
    assert 'aria-current="page">TV shows</a>' in html


@pytest.mark.parametrize(
    ("query", "language", "message"),
    [
        ("year_from=1990&year_to=1980", "en", "To year must not be before From year."),
        (
            "year_from=1990&year_to=1980",
            "fr",
            "« Jusqu’à l’année » ne doit pas précéder « À partir de l’année ».",  # noqa: RUF001 (French apostrophes)
        ),
        (
            "runtime_min=120&runtime_max=90",
            "en",
            "Longest (minutes) must not be less than Shortest (minutes).",
        ),
        ("year_from=nineteen", "en", "Enter a whole number."),
        ("year_from=nineteen", "fr", "Saisissez un nombre entier."),
        ("min_rating=11", "fr", "Assurez-vous que cette valeur est inférieure ou égale à 10."),
        ("genres=999", "en", "Select a valid choice. 999 is not one of the available choices."),
        ("page=0", "en", "page: "),
    ],
)
def test_discover_bad_filters_are_400_with_localized_messages(
    browser: Client, catalog: dict, query: str, language: str, message: str
) -> None:
    response = browser.get(f"/discover/?{query}&lang={language}")
    assert response.status_code == 400
    assert message in text(response)
    assert 'aria-invalid="true"' in text(response) or 'role="alert">page' in text(response)


def test_discover_genre_names_follow_the_language(browser: Client, catalog: dict) -> None:
    html = text(browser.get("/discover/?lang=fr"))
    assert "Science-Fiction" in html and "Comédie" in html
    assert ">Le Parrain</a>" in html  # titles localized like the API


# ---------------------------------------------------------------- marking


def test_mark_without_javascript_redirects_back_with_a_message(
    browser: Client, member: User, catalog: dict
) -> None:
    heat = catalog["Heat"]
    response = browser.post(
        f"/title/{heat.pk}/mark/", {"status": "seen", "rating": "9", "next": "/discover/?page=1"}
    )
    assert response.status_code == 302 and response.url == f"/discover/?page=1#mark-note-{heat.pk}"
    entry = Entry.objects.get(user=member, title=heat)
    assert (entry.status, entry.rating) == ("seen", 9)
    page = text(browser.get(response.url))
    assert "“Heat”: Seen." in page and ">Heat</a>" not in page


def test_mark_never_redirects_off_site(browser: Client, catalog: dict) -> None:
    heat = catalog["Heat"]
    response = browser.post(f"/title/{heat.pk}/mark/", {"status": "later", "next": "https://evil.example/"})
    assert response.url == f"/title/{heat.pk}/#mark-note-{heat.pk}"


def test_mark_with_htmx_swaps_in_the_next_unseen_card(
    browser: Client, member: User, big_catalog: dict
) -> None:
    page = text(browser.get("/discover/"))
    shown = card_ids(page)
    assert len(shown) == PAGE_SIZE
    marked = Title.objects.get(pk=shown[3])
    response = browser.post(
        f"/title/{marked.pk}/mark/", {"status": "hidden", "next": "/discover/", "shown": shown}, **HTMX
    )
    assert response.status_code == 200
    fragment = text(response)
    [new_card] = card_ids(fragment)
    assert new_card not in shown
    assert new_card == card_ids(text(browser.get("/discover/")))[-1]  # the grid is full again, same order
    assert 'hx-swap-oob="innerHTML"' in fragment and "Not interested" in fragment
    assert "autofocus" in fragment  # keyboard focus lands on the new card
    assert Entry.objects.get(user=member, title=marked).status == "hidden"


def test_mark_with_htmx_without_the_shown_cards_still_brings_a_new_one(
    browser: Client, big_catalog: dict
) -> None:
    shown = card_ids(text(browser.get("/discover/")))
    response = browser.post(f"/title/{shown[0]}/mark/", {"status": "seen", "next": "/discover/"}, **HTMX)
    [new_card] = card_ids(text(response))
    assert new_card not in shown and new_card == card_ids(text(browser.get("/discover/")))[-1]


def test_mark_with_htmx_on_the_last_card_leaves_an_empty_place(browser: Client, catalog: dict) -> None:
    shown = card_ids(text(browser.get("/discover/")))
    assert len(shown) < PAGE_SIZE  # the small catalog has a single page
    response = browser.post(
        f"/title/{shown[0]}/mark/", {"status": "later", "next": "/discover/", "shown": shown}, **HTMX
    )
    assert card_ids(text(response)) == []


def test_mark_on_search_results_shows_the_new_status_in_place(browser: Client, catalog: dict) -> None:
    heat = catalog["Heat"]
    response = browser.post(
        f"/title/{heat.pk}/mark/", {"status": "later", "next": "/search/?q=heat", "shown": [heat.pk]}, **HTMX
    )
    assert card_ids(text(response)) == [heat.pk]
    assert "Watch later" in text(response) and 'value="none"' in text(response)


def test_mark_in_a_list_refills_it_and_keeps_a_card_whose_status_stays(
    browser: Client, member: User, big_catalog: dict
) -> None:
    titles = list(big_catalog.values())
    for title in titles:
        if title.media_type == "movie":
            Entry.objects.create(user=member, title=title, status=Status.SEEN)
    shown = card_ids(text(browser.get("/lists/seen/")))
    assert len(shown) == PAGE_SIZE
    moved = browser.post(
        f"/title/{shown[0]}/mark/", {"status": "later", "next": "/lists/seen/", "shown": shown}, **HTMX
    )
    [refill] = card_ids(text(moved))
    assert refill not in shown and Entry.objects.get(user=member, title_id=refill).status == "seen"
    rated = browser.post(
        f"/title/{shown[1]}/mark/",
        {"status": "seen", "rating": "7", "next": "/lists/seen/", "shown": shown},
        **HTMX,
    )
    assert card_ids(text(rated)) == [shown[1]] and "rated 7/10" in text(rated)


def test_mark_rating_rules(browser: Client, member: User, catalog: dict) -> None:
    heat = catalog["Heat"]
    browser.post(f"/title/{heat.pk}/mark/", {"status": "seen", "rating": "8"})
    browser.post(f"/title/{heat.pk}/mark/", {"status": "seen", "rating": ""})  # no rating given: kept
    assert Entry.objects.get(title=heat).rating == 8
    browser.post(f"/title/{heat.pk}/mark/", {"status": "later", "rating": "8"})  # the box is ignored
    assert (Entry.objects.get(title=heat).status, Entry.objects.get(title=heat).rating) == ("later", None)
    browser.post(f"/title/{heat.pk}/mark/", {"status": "none"})
    assert not Entry.objects.filter(user=member).exists()


@pytest.mark.parametrize("data", [{"status": "loved"}, {"status": "seen", "rating": "11"}, {}])
def test_mark_refuses_bad_input(browser: Client, catalog: dict, data: dict) -> None:
    heat = catalog["Heat"]
    plain = browser.post(f"/title/{heat.pk}/mark/", {**data, "next": "/discover/"})
    assert plain.status_code == 302 and not Entry.objects.exists()
    swapped = browser.post(f"/title/{heat.pk}/mark/", {**data, "next": "/discover/"}, **HTMX)
    assert swapped.status_code == 422 and swapped.headers["HX-Retarget"] == "#announce"


def test_one_user_cannot_change_another_users_entries(catalog: dict) -> None:
    owner, intruder = UserFactory(), UserFactory()
    heat = catalog["Heat"]
    Entry.objects.create(user=owner, title=heat, status=Status.SEEN, rating=9)
    client = Client()
    client.force_login(intruder)
    client.post(f"/title/{heat.pk}/mark/", {"status": "hidden"})
    client.post(f"/title/{heat.pk}/mark/", {"status": "none"})
    owners = Entry.objects.get(user=owner, title=heat)
    assert (owners.status, owners.rating) == ("seen", 9)
    assert ">Heat</a>" not in text(client.get("/lists/seen/"))


# ---------------------------------------------------------------- search and title


def test_search_tolerates_typos_and_shows_the_users_status(
    browser: Client, member: User, catalog: dict
) -> None:
    Entry.objects.create(user=member, title=catalog["Pulp Fiction"], status=Status.SEEN, rating=10)
    html = text(browser.get("/search/?q=pulp+fiktion"))
    assert card_ids(html)[0] == catalog["Pulp Fiction"].pk
    assert 'class="status status-seen">Seen' in html


def test_search_in_french_and_for_tv(browser: Client, catalog: dict) -> None:
    assert ">Le Fabuleux Destin d&#x27;Amélie Poulain</a>" in text(browser.get("/search/?q=amelie&lang=fr"))
    assert ">The Bureau</a>" in text(browser.get("/search/?q=bureau&media=tv"))


@pytest.mark.parametrize(
    ("q", "language", "message"),
    [("!!", "en", "Type at least one letter or digit."), ("", "fr", "Ce champ est obligatoire.")],
)
def test_search_bad_query_is_400_with_a_localized_message(
    browser: Client, catalog: dict, q: str, language: str, message: str
) -> None:
    response = browser.get(f"/search/?q={q}&lang={language}")
    assert response.status_code == 400 and message in text(response)


def test_title_page_shows_details_ratings_and_unseen_similar_titles(
    browser: Client, member: User, catalog: dict
) -> None:
    neighbours_rebuild()
    godfather = catalog["The Godfather"]
    html = text(browser.get(f"/title/{godfather.pk}/"))
    assert "<h1" in html and "The Godfather" in html
    assert "Francis Ford Coppola" in html and "Marlon Brando" in html
    assert "IMDb (2005)" in html and "used for the score" in html
    assert "ggplot2movies" not in html and "bokeh_sampledata" not in html  # sources by their public names
    similar = card_ids(html)
    assert similar and godfather.pk not in similar
    Entry.objects.create(user=member, title_id=similar[0], status=Status.HIDDEN)
    assert similar[0] not in card_ids(text(browser.get(f"/title/{godfather.pk}/")))


def test_title_page_in_french(browser: Client, catalog: dict) -> None:
    html = text(browser.get(f"/title/{catalog['The Godfather'].pk}/?lang=fr"))
    assert "Le Parrain" in html and "Réalisation" in html and "Anglais" in html


# ---------------------------------------------------------------- lists, stats


def test_lists_are_paginated_per_status_and_media(browser: Client, member: User, big_catalog: dict) -> None:
    movies = [t for t in big_catalog.values() if t.media_type == "movie"]
    for title in movies:
        Entry.objects.create(user=member, title=title, status=Status.LATER)
    Entry.objects.create(user=member, title=big_catalog["Breaking Bad"], status=Status.SEEN)
    first = text(browser.get("/lists/later/"))
    assert len(card_ids(first)) == PAGE_SIZE and f"({len(movies)})" in first and "/ 2" in first
    assert len(card_ids(text(browser.get("/lists/later/?page=2")))) == len(movies) - PAGE_SIZE
    assert card_ids(text(browser.get("/lists/seen/?media=tv"))) == [big_catalog["Breaking Bad"].pk]
    assert card_ids(text(browser.get("/lists/seen/"))) == []


def test_stats_draw_svg_charts_from_the_users_entries(browser: Client, member: User, catalog: dict) -> None:
    for name, rating in (("Heat", 8), ("Pulp Fiction", 9), ("Alien", 8)):
        Entry.objects.create(user=member, title=catalog[name], status=Status.SEEN, rating=rating)
    html = text(browser.get("/stats/"))
    assert html.count("<svg") == 3 and 'role="img"' in html
    assert '<th scope="row">Crime</th><td>2</td>' in html
    assert '<th scope="row">1990s</th><td>2</td>' in html
    assert '<th scope="row">8</th><td>2</td>' in html
    assert "8.3" in html  # average rating
    french = text(browser.get("/stats/?lang=fr"))
    assert "Science-Fiction" in french and "Vos statistiques" in french


def test_stats_of_a_new_member(browser: Client) -> None:
    html = text(browser.get("/stats/"))
    assert "<svg" not in html and "Mark a few titles" in html


# ---------------------------------------------------------------- assistant


def test_chat_without_javascript_posts_then_shows_the_conversation(browser: Client, catalog: dict) -> None:
    response = browser.post("/assistant/", {"message": "a crime film from the 90s"})
    session = ChatSession.objects.get()
    assert response.url == f"/assistant/?session={session.pk}#latest"
    html = text(browser.get(f"/assistant/?session={session.pk}"))
    assert '<ul class="chips"' in html and "<li>Crime</li>" in html and "<li>1990\u20131999</li>" in html
    assert {catalog["Heat"].pk, catalog["Pulp Fiction"].pk} <= set(card_ids(html))


def test_chat_with_htmx_appends_the_answer_in_french(browser: Client, catalog: dict) -> None:
    response = browser.post("/assistant/?lang=fr", {"message": "un polar des années 90"}, **HTMX)
    html = text(response)
    assert 'class="exchange"' in html and "Vous avez dit" in html
    assert "Voici" in html and "<li>Crime</li>" in html
    session = ChatSession.objects.get()
    assert f'value="{session.pk}" id="id_session" hx-swap-oob="true"' in html
    follow_up = browser.post(
        "/assistant/?lang=fr", {"message": "seulement en français", "session": session.pk}, **HTMX
    )
    assert card_ids(text(follow_up)) == [catalog["La Haine"].pk]


@pytest.mark.parametrize("message", ["something like", "quelque chose comme"])
def test_chat_page_asks_back_when_a_message_ends_with_its_trigger(
    browser: Client, catalog: dict, message: str
) -> None:
    response = browser.post("/assistant/?lang=fr", {"message": message}, **HTMX)
    assert response.status_code == 200
    assert "Semblable à quel titre ?" in text(response) and card_ids(text(response)) == []


def test_chat_form_errors(browser: Client, catalog: dict) -> None:
    empty = browser.post("/assistant/?lang=fr", {"message": "  "})
    assert empty.status_code == 400 and "Ce champ est obligatoire." in text(empty)
    swapped = browser.post("/assistant/", {"message": "x" * 1001}, **HTMX)
    assert swapped.status_code == 422 and swapped.headers["HX-Retarget"] == "#chat-form"
    assert "Ensure this field has no more than 1000 characters." in text(swapped)


def test_chat_in_someone_elses_session_is_404(browser: Client, catalog: dict) -> None:
    other = ChatSession.objects.create(user=UserFactory(), title="theirs", state={"mode": "discover"})
    assert browser.get(f"/assistant/?session={other.pk}").status_code == 404
    assert browser.post("/assistant/", {"message": "more", "session": other.pk}).status_code == 404


def test_chat_shares_the_api_throttle(browser: Client, member: User, catalog: dict, settings) -> None:
    framework = settings.REST_FRAMEWORK
    rates = {**framework["DEFAULT_THROTTLE_RATES"], "chat": "1/min"}
    settings.REST_FRAMEWORK = {**framework, "DEFAULT_THROTTLE_RATES": rates}
    assert browser.post("/assistant/", {"message": "a comedy"}).status_code == 302
    refused = browser.post("/assistant/", {"message": "a drama"})
    assert refused.status_code == 400 and "Too many messages" in text(refused)
    api = bearer_client(member)
    assert api.post("/chat", {"message": "a drama"}, format="json").status_code == 429  # one budget


# ---------------------------------------------------------------- import, export


IMDB_CSV = (
    "Const,Your Rating,Date Rated,Title,URL,Title Type,IMDb Rating,Runtime (mins),Year,Genres,Num Votes,"
    "Release Date,Directors\n"
    "tt9000001,8,2024-01-02,Heat,https://www.imdb.com/title/tt9000001/,Movie,8.3,170,1995,Crime,1,"
    "1995-12-15,Michael Mann\n"
    "tt0000042,7,2024-01-03,Nowhere Film,https://www.imdb.com/title/tt0000042/,Movie,6.0,90,2020,Drama,1,"
    "2020-01-01,Nobody\n"
)


def test_import_a_file_and_read_the_report(
    browser: Client, member: User, catalog: dict, django_capture_on_commit_callbacks: object
) -> None:
    upload = SimpleUploadedFile("ratings.csv", IMDB_CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = browser.post("/import/", {"source": "imdb", "file": upload})
    job = ImportJob.objects.get(user=member)
    assert response.url == f"/import/{job.pk}/"
    report = text(browser.get(response.url))
    assert "Nowhere Film" in report and "Rows we could not match" in report and "Not in the catalog" in report
    assert re.search(r"<dt>Added</dt><dd>1</dd>", report)
    assert Entry.objects.get(user=member).title == catalog["Heat"]
    assert "ratings.csv" in text(browser.get("/import/"))


@pytest.mark.parametrize(
    ("data", "language", "message"),
    [
        (b"", "en", "The submitted file is empty."),
        (b"Const,Title\n", "fr", "Le fichier ne contient aucun titre à importer."),
        (b"not,a,known\nlayout,at,all\n", "en", "ratings.csv"),
    ],
)
def test_import_refuses_bad_files_naming_the_field(
    browser: Client, member: User, data: bytes, language: str, message: str
) -> None:
    upload = SimpleUploadedFile("ratings.csv", data, content_type="text/csv")
    response = browser.post(f"/import/?lang={language}", {"source": "imdb", "file": upload})
    assert response.status_code == 400
    assert message in text(response) and 'aria-invalid="true"' in text(response)
    assert not ImportJob.objects.exists()


def test_the_same_file_again_shows_its_report_and_the_daily_limit_is_429(
    browser: Client, member: User, catalog: dict, settings: object, django_capture_on_commit_callbacks: object
) -> None:
    settings.IMPORT_DAILY_LIMIT = 1  # type: ignore[attr-defined]

    def post(data: str, language: str = "en") -> HttpResponse:
        upload = SimpleUploadedFile("ratings.csv", data.encode(), content_type="text/csv")
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
            return browser.post(f"/import/?lang={language}", {"source": "imdb", "file": upload}, follow=True)

    first = post(IMDB_CSV)
    job = ImportJob.objects.get(user=member)
    assert first.redirect_chain[-1][0] == f"/import/{job.pk}/"
    again = post(IMDB_CSV)
    assert again.redirect_chain[-1][0] == f"/import/{job.pk}/"
    assert "You sent this file less than a day ago" in text(again)
    refused = post(IMDB_CSV + "tt0000043,7,2024-01-03,Other Film,,Movie,,,2020,,,,\n", "fr")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Limite d\u2019importation atteinte (1 fichiers par 24 heures)." in text(refused)
    assert ImportJob.objects.count() == 1


def test_exports_download_the_users_entries(browser: Client, member: User, catalog: dict) -> None:
    Entry.objects.create(user=member, title=catalog["Heat"], status=Status.SEEN, rating=8)
    Entry.objects.create(user=UserFactory(), title=catalog["Alien"], status=Status.SEEN)
    csv = browser.get("/export/letterboxd/")
    assert csv["Content-Disposition"].startswith("attachment")
    assert "Heat" in text(csv) and "Alien" not in text(csv)
    body = json.loads(browser.get("/export/json/").content)
    assert [e["title"] for e in body["entries"]] == ["Heat"] and body["user"] == member.email


# ---------------------------------------------------------------- about, accounts, language


def test_about_lists_sources_licences_and_attributions(catalog: dict) -> None:
    html = text(Client().get("/about/"))
    assert "CC0-1.0" in html and "GPL-3.0" in html and "Wikidata" in html
    assert "not endorsed or certified by TMDB" in html
    assert re.search(r"<dt>Movies</dt><dd>10</dd>", html)


def test_signup_creates_an_account_and_logs_in(db: None) -> None:
    client = Client()
    response = client.post(
        "/account/signup/", {"email": "Ann@Example.org", "password": "plum-tiger-42-velvet", "language": "fr"}
    )
    assert response.url == "/discover/"
    user = User.objects.get()
    assert (user.email, user.username, user.language) == ("ann@example.org", "ann", "fr")
    assert '<html lang="fr">' in text(
        client.get("/discover/")
    )  # the saved language, whatever the browser says


@pytest.mark.parametrize(
    ("data", "language", "message"),
    [
        ({"email": "taken@example.org", "password": "plum-tiger-42-velvet"}, "en", "already exists"),
        ({"email": "new@example.org", "password": "123"}, "fr", "Ce mot de passe est trop court."),
        (
            {"email": "not-an-email", "password": "plum-tiger-42-velvet"},
            "fr",
            "Saisissez une adresse e-mail valide.",
        ),
        (
            {"email": "x@example.org", "password": "plum-tiger-42-velvet", "username": "a b"},
            "en",
            "Enter a valid",
        ),
    ],
)
def test_signup_errors_are_localized_and_on_their_field(
    db: None, data: dict, language: str, message: str
) -> None:
    UserFactory(email="taken@example.org")
    response = Client().post(f"/account/signup/?lang={language}", {"language": "en", **data})
    assert response.status_code == 400
    assert message in text(response) and 'aria-invalid="true"' in text(response)
    assert User.objects.count() == 1


def test_login_with_email_and_back_to_the_page_asked_for(member: User) -> None:
    client = Client()
    response = client.post(
        "/account/login/", {"username": member.email, "password": TEST_PASSWORD, "next": "/stats/"}
    )
    assert response.url == "/stats/"
    assert client.get("/stats/").status_code == 200


def test_login_failures_are_localized_then_throttled(member: User, settings: object) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2  # type: ignore[attr-defined]
    client = Client()
    wrong = {"username": member.email, "password": "nope"}
    assert "mot de passe incorrect" in text(client.post("/account/login/?lang=fr", wrong))
    client.post("/account/login/", wrong)
    throttled = client.post("/account/login/", {"username": member.email, "password": TEST_PASSWORD})
    assert "Too many failed login attempts" in text(throttled)
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(browser: Client) -> None:
    assert browser.get("/account/logout/").status_code == 405
    assert browser.post("/account/logout/").url == "/discover/"
    assert browser.get("/stats/").status_code == 302


def test_language_switch_is_remembered_for_visitors_and_saved_for_members(
    browser: Client, member: User
) -> None:
    response = browser.post("/language/", {"language": "fr", "next": "/about/?lang=en&x=1"})
    assert response.url == "/about/?x=1" and response.cookies["django_language"].value == "fr"
    member.refresh_from_db()
    assert member.language == "fr"
    page = browser.get("/about/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="fr">' in text(page) and "À propos des données" in text(page)
    assert page["Content-Language"] == "fr"
    assert (
        browser.get("/healthz", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"
    )  # the API: headers rule

    visitor = Client()
    visitor.post("/language/", {"language": "fr", "next": "/about/"})
    assert '<html lang="fr">' in text(visitor.get("/about/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en">' in text(visitor.get("/about/?lang=en"))


def test_language_switch_refuses_unknown_languages_and_foreign_next(browser: Client, member: User) -> None:
    response = browser.post("/language/", {"language": "de", "next": "https://evil.example/"})
    assert response.url == "/discover/"
    member.refresh_from_db()
    assert member.language == "en"


def test_htmx_is_served_by_the_app(db: None) -> None:
    response = Client().get("/static/web/htmx.min.js")
    assert response.status_code == 200
    assert b"htmx" in b"".join(response.streaming_content)


def test_discover_page_tops_up_from_tmdb_like_the_api(
    browser: Client, catalog: dict, fake_tmdb, fake_omdb, fake_world
) -> None:
    world = fake_world(30, years=range(2019, 2024))
    fake_tmdb.add(*world)
    fake_omdb.add(*world)
    html = text(browser.get("/discover/?year_from=2019&lang=fr"))
    names = re.findall(r'<h3 class="card-title"[^>]*><a [^>]*>([^<]+)</a>', html)
    french_titles = {unescape(f.title["fr"]) for f in world}
    assert len(names) == PAGE_SIZE and {unescape(n) for n in names} <= french_titles


def test_for_you_explains_each_pick_in_the_users_language(browser: Client, member: User) -> None:
    heat, ronin = TitleFactory(title_en="Heat"), TitleFactory(title_en="Ronin", title_fr="Ronin (VF)")
    neighbour_vectors_replace((np.array([heat.pk]), np.array([ronin.pk]), np.array([0.5])))
    Entry.objects.create(user=member, title=heat, status=Status.SEEN, rating=9)
    html = text(browser.get("/for-you/"))
    assert ">Ronin</a>" in html and "Because you liked Heat" in html
    assert ">Heat</a>" not in html  # never a title the user has a status for
    assert "Parce que vous avez aimé Heat" in text(browser.get("/for-you/?lang=fr"))


def test_for_you_says_when_it_does_not_know_the_user_yet(browser: Client, catalog: dict) -> None:
    html = text(browser.get("/for-you/"))
    assert "We don't know your taste yet" in html and 'class="card-title"' in html


def test_for_you_needs_a_login(catalog: dict) -> None:
    response = Client().get("/for-you/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]
