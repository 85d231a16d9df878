"""Arrivals on a member's services: the daily check of watch-later titles against TMDB's watch providers
(a fake TMDB in the real wire format), the brand-level diff and its rules, the digest's section, the Alerts
page in English and French, and the API."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django_celery_beat.models import PeriodicTask
from pytest_django.fixtures import Settings

from accounts.models import User
from alerts.arrivals import REALERT_DAYS, arrivals_run
from alerts.digest import digest_run, week_of
from alerts.models import OfferSnapshot, ServiceArrival
from alerts.tasks import alerts_service_arrivals_task
from catalog.models import Title, TitleOffer
from library.models import Entry, Status
from tests.clients import bearer_client
from tests.factories import TitleFactory, UserFactory
from tests.fakes.tmdb import FakeTitle, FakeTmdb

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # a Tuesday
NETFLIX, PRIME, PRIME_OTHER_ID, CANAL, PLUTO, APPLE = 8, 9, 119, 381, 300, 2


def _day(n: int) -> datetime:
    return DAY + timedelta(days=n)


def _movie(fake_tmdb: FakeTmdb, tmdb_id: int, name: str, **offers: dict[str, list[int]]) -> FakeTitle:
    """A film TMDB knows (its offers per country and bucket) and our local copy of it."""
    fake = FakeTitle(
        media_type="movie", tmdb_id=tmdb_id, title={"en": name, "fr": f"{name} (fr)"}, offers=offers
    )
    fake_tmdb.add(fake)
    TitleFactory(media_type="movie", tmdb_id=tmdb_id, title_en=name, title_fr=f"{name} (fr)", year=1995)
    return fake


def _member(
    *later: FakeTitle,
    country: str = "FR",
    services: list[str],
    kinds: list[str] | None = None,
    **fields: object,
) -> User:
    user = UserFactory(
        watch_country=country, watch_services=services, watch_kinds=kinds or ["flatrate"], **fields
    )
    for fake in later:
        Entry.objects.create(user=user, title=Title.objects.get(tmdb_id=fake.tmdb_id), status=Status.LATER)
    return user


def _arrivals(user: User) -> list[tuple[str, str, str]]:
    return [
        (a.title.title_en, a.brand, a.kind)
        for a in ServiceArrival.objects.filter(user=user).select_related("title").order_by("day", "pk")
    ]


def _offer_requests(fake_tmdb: FakeTmdb) -> list[str]:
    return [r.path for r in fake_tmdb.requests if r.path.endswith("/watch/providers")]


def test_a_service_the_member_has_arriving_is_alerted_once_and_the_first_snapshot_alerts_nothing(
    fake_tmdb: FakeTmdb,
) -> None:
    heat = _movie(fake_tmdb, 949, "Heat", FR={"rent": [APPLE]}, US={"flatrate": [NETFLIX]})
    ann = _member(heat, services=["netflix"])
    ben = _member(heat, services=["canal"])
    cy = _member(heat, country="US", services=["netflix"])  # Netflix had it in the US from the start
    _member(services=[])  # no services: nothing of theirs is checked

    first = arrivals_run(now=_day(0))
    assert (first.titles, first.fetched, first.snapshots, first.arrivals) == (1, 1, 2, 0)
    assert _offer_requests(fake_tmdb) == ["/movie/949/watch/providers"]  # one request, every country
    assert OfferSnapshot.objects.get(region="FR").brands == {"rent": ["appletv"]}

    heat.offers["FR"] = {"flatrate": [NETFLIX], "rent": [APPLE]}
    second = arrivals_run(now=_day(1))
    assert second.arrivals == 1
    assert _arrivals(ann) == [("Heat", "netflix", "flatrate")]
    assert _arrivals(ben) == [] and _arrivals(cy) == []
    arrival = ServiceArrival.objects.get()
    assert (arrival.region, arrival.service_name, arrival.day) == ("FR", "Netflix", _day(1).date())
    # The title page agrees: the check replaced the title's offers as a refresh does.
    assert TitleOffer.objects.filter(title=arrival.title, region="FR", brand="netflix").exists()

    # The same day again (a redelivered tick): nothing fetched, nothing alerted twice.
    again = arrivals_run(now=_day(1) + timedelta(hours=2))
    assert (again.fetched, again.skipped, again.arrivals) == (0, 1, 0)
    assert len(_offer_requests(fake_tmdb)) == 2
    # Still there the next day: not an arrival.
    assert arrivals_run(now=_day(2)).arrivals == 0
    assert ServiceArrival.objects.count() == 1


def test_a_services_duplicate_ids_coming_and_going_are_no_arrival(fake_tmdb: FakeTmdb) -> None:
    film = _movie(fake_tmdb, 500, "Ronin", FR={"flatrate": [PRIME]})
    user = _member(film, services=["amazonprimevideo"])
    arrivals_run(now=_day(0))
    film.offers["FR"] = {"flatrate": [PRIME_OTHER_ID]}  # Amazon Prime Video under its other id
    assert arrivals_run(now=_day(1)).arrivals == 0
    film.offers["FR"] = {"flatrate": [PRIME, PRIME_OTHER_ID]}
    assert arrivals_run(now=_day(2)).arrivals == 0
    assert _arrivals(user) == []
    assert OfferSnapshot.objects.get(day=_day(2).date(), region="FR").brands == {
        "flatrate": ["amazonprimevideo"]
    }


def test_only_the_kinds_the_member_counts(fake_tmdb: FakeTmdb) -> None:
    film = _movie(fake_tmdb, 501, "Thief", FR={"rent": [APPLE]})
    paying = _member(film, services=["plutotv", "netflix"])
    free_too = _member(film, services=["plutotv", "netflix"], kinds=["flatrate", "free", "ads"])
    arrivals_run(now=_day(0))
    film.offers["FR"] = {"ads": [PLUTO, NETFLIX]}
    arrivals_run(now=_day(1))
    assert _arrivals(paying) == []
    assert _arrivals(free_too) == [("Thief", "netflix", "ads"), ("Thief", "plutotv", "ads")]
    # Netflix moves from with-ads to subscription: new to whoever counts only subscriptions.
    film.offers["FR"] = {"flatrate": [NETFLIX], "ads": [PLUTO]}
    arrivals_run(now=_day(2))
    assert _arrivals(paying) == [("Thief", "netflix", "flatrate")]
    assert len(_arrivals(free_too)) == 2


def test_leaving_and_coming_back(fake_tmdb: FakeTmdb) -> None:
    film = _movie(fake_tmdb, 502, "Collateral", FR={})
    user = _member(film, services=["netflix"])
    arrivals_run(now=_day(0))
    film.offers["FR"] = {"flatrate": [NETFLIX]}
    arrivals_run(now=_day(1))
    assert len(_arrivals(user)) == 1
    # The service drops it for a few days and takes it back: the same arrival, not told twice.
    film.offers["FR"] = {}
    arrivals_run(now=_day(2))
    film.offers["FR"] = {"flatrate": [NETFLIX]}
    assert arrivals_run(now=_day(4)).arrivals == 0
    # Gone for longer than REALERT_DAYS, back again: a new arrival.
    film.offers["FR"] = {}
    arrivals_run(now=_day(REALERT_DAYS))
    film.offers["FR"] = {"flatrate": [NETFLIX]}
    assert arrivals_run(now=_day(REALERT_DAYS + 1)).arrivals == 1

    # The member leaves Netflix; the title arrives on Canal+ meanwhile and on Netflix... it already was.
    other = _movie(fake_tmdb, 503, "Manhunter", FR={})
    ann = _member(other, services=["canal"])
    arrivals_run(now=_day(40))
    other.offers["FR"] = {"flatrate": [NETFLIX]}
    arrivals_run(now=_day(41))
    assert _arrivals(ann) == []
    # Back on Netflix: the title was already there yesterday, so nothing arrived.
    User.objects.filter(pk=ann.pk).update(watch_services=["canal", "netflix"])
    assert arrivals_run(now=_day(42)).arrivals == 0
    # Taken out of the watch-later list: no longer checked, never alerted.
    Entry.objects.filter(user=ann).update(status=Status.SEEN)
    other.offers["FR"] = {"flatrate": [NETFLIX, CANAL]}
    assert arrivals_run(now=_day(43)).arrivals == 0


def test_snapshots_are_kept_a_few_days_and_a_failure_is_tried_again_tomorrow(fake_tmdb: FakeTmdb) -> None:
    film = _movie(fake_tmdb, 504, "Miami Vice", FR={})
    user = _member(film, services=["netflix"])
    arrivals_run(now=_day(0))
    fake_tmdb.failure_rate, fake_tmdb.failure_kinds = 1.0, ["500"]
    failed = arrivals_run(now=_day(1))
    assert (failed.fetched, failed.failed, failed.arrivals) == (0, 1, 0)
    fake_tmdb.failure_rate = 0.0
    film.offers["FR"] = {"flatrate": [NETFLIX]}
    assert arrivals_run(now=_day(2)).arrivals == 1  # against day 0's snapshot
    assert _arrivals(user) == [("Miami Vice", "netflix", "flatrate")]
    arrivals_run(now=_day(20))
    assert list(OfferSnapshot.objects.values_list("day", flat=True)) == [_day(20).date()]


def test_without_a_tmdb_key_nothing_is_fetched_and_the_page_says_why(settings: Settings) -> None:
    settings.TMDB_API_KEY = settings.TMDB_READ_TOKEN = ""
    title = TitleFactory(tmdb_id=949)
    user = UserFactory(watch_country="FR", watch_services=["netflix"])
    Entry.objects.create(user=user, title=title, status=Status.LATER)
    result = alerts_service_arrivals_task()
    assert (result["unavailable"], result["fetched"], result["titles"]) == ("no TMDB key", 0, 0)
    assert not OfferSnapshot.objects.exists()
    browser = Client()
    browser.force_login(user)
    assert "this site has no TMDB key" in browser.get("/alerts/").content.decode()
    User.objects.filter(pk=user.pk).update(language="fr")
    french = browser.get("/alerts/").content.decode()
    assert "clé TMDB, donc rien n" in french


def test_the_daily_schedule_is_installed_by_migrate() -> None:
    task = PeriodicTask.objects.get(task="alerts.tasks.alerts_service_arrivals_task")
    assert task.enabled and (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == (
        "0",
        "5",
        "*",
    )


# ------------------------------------------------------------------ where arrivals are shown


def _arrived(fake_tmdb: FakeTmdb, **member: object) -> User:
    film = _movie(fake_tmdb, 949, "Heat", FR={})
    user = _member(film, services=["netflix"], **member)
    arrivals_run(now=_day(0))
    film.offers["FR"] = {"flatrate": [NETFLIX]}
    arrivals_run(now=_day(1))
    return user


def test_the_digest_has_an_arrivals_section_once(fake_tmdb: FakeTmdb) -> None:
    user = _arrived(fake_tmdb, language="fr")  # no saved search: the arrival alone brings a digest
    monday = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    result = digest_run(now=monday)
    assert (result.users, result.items, result.arrivals, result.emails) == (1, 0, 1, 1)
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Des titres que vous voulez voir sont arrivés sur vos services"
    assert "Maintenant sur vos services" in message.body
    assert "Heat (fr) (1995) — Netflix (abonnement)" in message.body
    html = message.alternatives[0][0]
    assert "Maintenant sur vos services" in html and "Heat (fr)" in html
    assert ServiceArrival.objects.get().digest_week == week_of(monday)
    # Next week: already told, no digest.
    assert digest_run(now=monday + timedelta(days=7)).emails == 0
    assert len(mail.outbox) == 1


def test_the_digest_in_english_beside_new_matches(fake_tmdb: FakeTmdb) -> None:
    from alerts.services import saved_search_create

    user = _arrived(fake_tmdb)
    saved_search_create(user=user, name="Everything", media_type="movie", filters={})
    TitleFactory(title_en="Brand new")
    digest_run(now=datetime(2026, 12, 7, 7, 0, tzinfo=UTC))
    (message,) = mail.outbox
    assert message.subject == "New titles for your saved searches"
    new_titles, arrivals = message.body.split("Now on your services")
    assert "Brand new" in new_titles and "Heat" not in new_titles
    assert "Heat (1995) — Netflix (subscription)" in arrivals


def test_an_arrival_of_a_title_since_watched_is_not_e_mailed(fake_tmdb: FakeTmdb) -> None:
    user = _arrived(fake_tmdb)
    Entry.objects.filter(user=user).update(status=Status.SEEN)
    assert digest_run(now=datetime(2026, 12, 7, 7, 0, tzinfo=UTC)).emails == 0


def test_the_alerts_page_in_english_and_french_and_the_api(fake_tmdb: FakeTmdb) -> None:
    user = _arrived(fake_tmdb)
    browser = Client()
    browser.force_login(user)
    page = browser.get("/alerts/").content.decode()
    assert "Now on your services" in page and "Heat</a> (1995) · Netflix (subscription)" in page
    User.objects.filter(pk=user.pk).update(language="fr")
    french = browser.get("/alerts/").content.decode()
    assert "Maintenant sur vos services" in french and "Heat (fr)</a> (1995) · Netflix (abonnement)" in french
    body = bearer_client(user).get("/me/alerts/arrivals").json()
    assert body["count"] == 1
    assert {
        k: body["results"][0][k] for k in ("title", "region", "service", "service_name", "kind", "day")
    } == {
        "title": "Heat",
        "region": "FR",
        "service": "netflix",
        "service_name": "Netflix",
        "kind": "flatrate",
        "day": "2026-12-02",
    }
    assert bearer_client(user).get("/me/alerts/arrivals?page_size=0").status_code == 400


def test_the_page_asks_for_services_first(fake_tmdb: FakeTmdb) -> None:
    user = UserFactory()
    browser = Client()
    browser.force_login(user)
    page = browser.get("/alerts/").content.decode()
    assert 'href="/account/services/"' in page and "your country and your services" in page
    User.objects.filter(pk=user.pk).update(language="fr")
    french = browser.get("/alerts/").content.decode()
    assert '<a href="/account/services/">votre pays et vos services</a>' in french
