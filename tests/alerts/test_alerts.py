"""Saved searches (API and Discover's button), the weekly digest with its e-mail and one-click unsubscribe,
and the Alerts page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client

from alerts.digest import digest_run, week_of
from alerts.models import AlertItem, DigestSubscription, SavedSearch
from alerts.services import saved_search_create, unsubscribe_token
from catalog.models import Genre, Title
from library.models import Entry, Status
from tests.clients import bearer_client
from tests.factories import TitleFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


@pytest.fixture
def drama(db: None) -> Genre:
    return Genre.objects.create(tmdb_id=18, name_en="Drama", name_fr="Drame", for_movies=True, for_tv=True)


def _title(name: str, *, added: datetime, year: int = 1995, genre: Genre | None = None) -> Title:
    title = TitleFactory(title_en=name, year=year)
    if genre is not None:
        title.genres.add(genre)
    Title.objects.filter(pk=title.pk).update(created_at=added)
    return title


# ------------------------------------------------------------------ API


def test_saved_search_api_create_list_rename_delete(drama: Genre) -> None:
    user = UserFactory()
    client = bearer_client(user)
    body = {
        "name": "Nineties dramas",
        "media_type": "movie",
        "filters": {"genres": ["Drame"], "year_from": 1990},
    }
    created = client.post("/me/saved-searches", body, format="json")
    assert created.status_code == 201
    assert created.json()["filters"] == {"genres": ["Drame"], "year_from": 1990}
    assert "name" in client.post("/me/saved-searches", body, format="json").json()["errors"]
    listed = client.get("/me/saved-searches").json()
    assert [s["name"] for s in listed["results"]] == ["Nineties dramas"]
    search_id = created.json()["id"]
    renamed = client.patch(f"/me/saved-searches/{search_id}", {"name": "Dramas"}, format="json")
    assert renamed.json()["name"] == "Dramas"
    assert client.delete(f"/me/saved-searches/{search_id}").status_code == 204
    assert not SavedSearch.objects.exists()


def test_saved_search_api_refuses_filters_discover_refuses(drama: Genre) -> None:
    client = bearer_client(UserFactory())
    for filters, field in (
        ({"year_from": 1700}, "filters.year_from"),
        ({"genres": ["Nope"]}, "filters.genres"),
    ):
        answer = client.post("/me/saved-searches", {"name": "Bad", "media_type": "movie", "filters": filters})
        assert answer.status_code == 400
        assert set(answer.json()["errors"]) == {field}
    assert not SavedSearch.objects.exists()


# ------------------------------------------------------------------ digest


def test_digest_lists_new_unmarked_matches_once_a_week_and_emails_them(drama: Genre) -> None:
    user = UserFactory(language="fr")
    search = saved_search_create(user=user, name="Drames", media_type="movie", filters={"genres": ["Drama"]})
    DigestSubscription.objects.filter(user=user).update(checked_until=MONDAY - timedelta(days=7))
    old = _title("Old drama", added=MONDAY - timedelta(days=30), genre=drama)
    new = _title("New drama", added=MONDAY - timedelta(days=2), genre=drama)
    marked = _title("Seen drama", added=MONDAY - timedelta(days=2), genre=drama)
    _title("New comedy", added=MONDAY - timedelta(days=2))
    Entry.objects.create(user=user, title=marked, status=Status.SEEN)

    result = digest_run(now=MONDAY)

    assert (result.users, result.items, result.emails) == (1, 1, 1)
    item = AlertItem.objects.get()
    assert (item.user, item.title, item.saved_search, item.week) == (user, new, search, week_of(MONDAY))
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Nouveaux titres pour vos recherches enregistrées"
    assert "New drama" in message.body and old.title_en not in message.body
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http") and "/alerts/unsubscribe/" in unsubscribe
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The same week again (a redelivered beat tick): nothing new, no second e-mail.
    assert digest_run(now=MONDAY + timedelta(hours=3)).users == 0
    assert (AlertItem.objects.count(), len(mail.outbox)) == (1, 1)
    # Next week without new titles: done, nothing to send.
    later = digest_run(now=MONDAY + timedelta(days=7))
    assert (later.users, later.items, len(mail.outbox)) == (1, 0, 1)


def test_an_unsubscribed_member_gets_items_but_no_email(drama: Genre) -> None:
    user = UserFactory()
    saved_search_create(user=user, name="All", media_type="movie", filters={})
    DigestSubscription.objects.filter(user=user).update(
        subscribed=False, checked_until=MONDAY - timedelta(days=7)
    )
    _title("Fresh", added=MONDAY - timedelta(days=1))
    result = digest_run(now=MONDAY)
    assert (result.items, result.emails, len(mail.outbox)) == (1, 0, 0)
    assert bearer_client(user).get("/me/alerts").json()["results"][0]["title"] == "Fresh"


def test_one_click_unsubscribe_needs_no_login_and_get_changes_nothing(db: None) -> None:
    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    url = f"/alerts/unsubscribe/{unsubscribe_token(user)}/"
    asked = browser.get(url)
    assert asked.status_code == 200 and user.email in asked.content.decode()
    assert not DigestSubscription.objects.filter(user=user, subscribed=False).exists()
    # What an RFC 8058 mail client sends: a POST without cookies nor CSRF token.
    done = browser.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200
    assert DigestSubscription.objects.get(user=user).subscribed is False
    assert browser.post("/alerts/unsubscribe/forged-token/").status_code == 404


# ------------------------------------------------------------------ pages


def test_discover_saves_the_search_and_the_alerts_page_lists_it(drama: Genre) -> None:
    user = UserFactory()
    browser = Client()
    browser.force_login(user)
    page = browser.get("/discover/?media=movie&genres=18&year_from=1990").content.decode()
    assert 'action="/alerts/save/"' in page
    saved = browser.post(
        "/alerts/save/",
        {"media": "movie", "genres": "18", "year_from": "1990", "name": "Dramas", "query": "genres=18"},
    )
    assert saved.status_code == 302
    search = SavedSearch.objects.get(user=user)
    assert (search.name, search.media_type, search.filters) == (
        "Dramas",
        "movie",
        {"genres": ["18"], "year_from": 1990},
    )
    alerts = browser.get("/alerts/").content.decode()
    assert "Dramas" in alerts and "year_from=1990" in alerts
    browser.post("/alerts/", {"email": "off"})
    assert DigestSubscription.objects.get(user=user).subscribed is False
    browser.post("/alerts/", {"remove": search.pk})
    assert not SavedSearch.objects.exists()


def test_alerts_page_in_french(drama: Genre) -> None:
    user = UserFactory(language="fr")
    browser = Client()
    browser.force_login(user)
    page = browser.get("/alerts/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Recherches enregistrées" in page


def test_the_assistants_request_is_saved_from_its_conversation(drama: Genre) -> None:
    from assistant.models import ChatSession

    user = UserFactory()
    browser = Client()
    browser.force_login(user)
    state = {"mode": "discover", "media_type": "movie", "filters": {"genres": [18], "year_from": 1990}}
    session = ChatSession.objects.create(user=user, title="dramas", state=state)
    assert 'action="/alerts/save-chat/"' in browser.get(f"/assistant/?session={session.pk}").content.decode()
    browser.post("/alerts/save-chat/", {"session": session.pk, "name": "From the chat"})
    search = SavedSearch.objects.get(user=user)
    assert (search.name, search.filters) == ("From the chat", {"genres": [18], "year_from": 1990})
    # A request Discover cannot express is refused, not saved broader.
    people = {"mode": "discover", "media_type": "movie", "filters": {"people": ["Michael Mann"]}}
    other = ChatSession.objects.create(user=user, title="mann", state=people)
    browser.post("/alerts/save-chat/", {"session": other.pk, "name": "Mann"})
    assert SavedSearch.objects.filter(user=user).count() == 1
