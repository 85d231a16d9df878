"""Every staff write goes through curation, and the admin keeps nothing of a request on its shared
instances: a title added by hand is locked where staff typed, a merge and a hide are in the history with
the staff user, a TMDB refresh is one record holding its new score."""

import re
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client, override_settings
from django_celery_beat.models import PeriodicTask

from catalog.ingest.enrichment import title_refresh
from catalog.ingest.genres import genres_import
from catalog.ingest.sources import BOKEH_MOVIES, data_source_sync
from catalog.models import DataSource, FieldLock, Genre, MediaType, Title
from tests.catalog.test_admin_curation import _add_data
from tests.factories import TitleFactory, UserFactory
from tests.fakes.omdb import FakeOmdb
from tests.fakes.tmdb import FakeTitle, FakeTmdb

pytestmark = pytest.mark.django_db

MOVIES = "/admin/catalog/movie/"


@pytest.fixture
def staff_user(db: None) -> Any:
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(staff_user: Any) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


def locks(title: Title) -> dict[str, FieldLock]:
    return {lock.field: lock for lock in FieldLock.objects.filter(title=title)}


def test_a_title_added_in_the_admin_is_locked_where_staff_typed_and_a_refresh_keeps_it(
    staff_client: Client, fake_tmdb: FakeTmdb, fake_omdb: FakeOmdb
) -> None:
    genres_import(live=False)
    comedy = Genre.objects.get(tmdb_id=35)
    fake = FakeTitle(
        media_type="movie",
        tmdb_id=892,
        imdb_id="tt0101700",
        title={"en": "Delicatessen (TMDB)", "fr": "Delicatessen"},
        overview={"en": "A butcher feeds his tenants."},
        release_date="1991-04-17",
        runtime=100,
        genre_ids=[35, 878],
        directors=["Marc Caro", "Jean-Pierre Jeunet"],
        countries=["FR"],
    )
    fake_tmdb.add(fake)
    response = staff_client.post(f"{MOVIES}add/", _add_data(tmdb_id="892", genres=[comedy.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Title.objects.get(imdb_id="tt0101700")
    held = locks(added)
    assert set(held) == {
        "title_en",
        "original_language",
        "year",
        "runtime",
        "directors",
        "countries",
        "imdb_id",
        "tmdb_id",
        "genres",
    }  # what staff typed; the blanks (French title, overview…) are left for providers
    assert all(lock.locked_by is not None for lock in held.values())

    assert title_refresh(title_id=added.pk).refreshed
    added.refresh_from_db()
    assert (added.title_en, added.runtime) == ("Delicatessen", 99)  # staff's values stay
    assert added.directors == ["Jean-Pierre Jeunet", "Marc Caro"]
    assert list(added.genres.values_list("tmdb_id", flat=True)) == [35]
    assert added.title_fr == "Delicatessen" and added.overview_en == "A butcher feeds his tenants."
    held = locks(added)
    assert (held["title_en"].provider_value, held["title_en"].provider_actor) == (
        "Delicatessen (TMDB)",
        "TMDB/OMDb refresh",
    )
    assert held["runtime"].provider_value == 100
    page = staff_client.get(f"{MOVIES}{added.pk}/change/").content.decode()
    assert "Delicatessen (TMDB)" in page  # shown beside the lock, to accept in one click


@pytest.fixture
def pair() -> tuple[Title, Title]:
    genres_import(live=False)
    source = data_source_sync(BOKEH_MOVIES)
    heat = TitleFactory(
        media_type=MediaType.MOVIE, title_en="Heat", title_fr="", year=1995, imdb_votes=600_000, source=source
    )
    copy = TitleFactory(
        media_type=MediaType.MOVIE,
        title_en="Heat (copy)",
        title_fr="Heat : la confrontation",
        year=1995,
        imdb_id=None,
        imdb_votes=10,
        source=source,
    )
    copy.genres.set(Genre.objects.filter(tmdb_id=80))
    return heat, copy


def test_a_merge_locks_what_it_changed_and_is_in_both_histories(
    staff_client: Client, staff_user: Any, pair: tuple[Title, Title]
) -> None:
    heat, copy = pair
    records = Title.history.filter(id=heat.pk).count()
    response = staff_client.post(MOVIES, {"action": "merge_two", "_selected_action": [heat.pk, copy.pk]})
    assert response.status_code == 302
    heat.refresh_from_db()
    assert heat.title_fr == "Heat : la confrontation"
    assert {"title_fr", "alternate_titles", "genres"} <= set(locks(heat))
    assert locks(heat)["title_fr"].locked_by == staff_user
    merged = Title.history.filter(id=heat.pk).first()
    assert merged.history_user == staff_user and merged.history_change_reason.startswith("merged with")
    assert Title.history.filter(id=heat.pk).count() == records + 1
    gone = Title.history.filter(id=copy.pk).first()
    assert gone.history_type == "-" and gone.history_user == staff_user
    assert gone.history_change_reason.startswith(f"merged into #{heat.pk}")


def test_hide_and_show_are_in_the_history_with_the_staff_user(
    staff_client: Client, staff_user: Any, pair: tuple[Title, Title]
) -> None:
    heat, copy = pair
    copy_records = Title.history.filter(id=copy.pk).count()
    Title.objects.filter(pk=copy.pk).update(hidden=True)  # hidden already: hiding again changes nothing
    staff_client.post(MOVIES, {"action": "hide", "_selected_action": [heat.pk, copy.pk]})
    hidden = Title.history.filter(id=heat.pk).first()
    assert hidden.hidden and hidden.history_user == staff_user
    assert hidden.history_change_reason == "hidden from the catalog"
    assert Title.history.filter(id=copy.pk).count() == copy_records  # no phantom change
    staff_client.post(MOVIES, {"action": "show", "_selected_action": [heat.pk]})
    shown = Title.history.filter(id=heat.pk).first()
    assert not shown.hidden and shown.history_change_reason == "shown in the catalog again"
    assert not FieldLock.objects.filter(title=heat).exists()


def test_the_list_pages_keep_nothing_of_a_request_on_the_shared_admin(staff_client: Client) -> None:
    """gunicorn's threads share one ModelAdmin per model: what one request computed must not be read by
    another."""
    data_source_sync(BOKEH_MOVIES)
    for model, url in (
        (PeriodicTask, "/admin/django_celery_beat/periodictask/"),
        (DataSource, "/admin/catalog/datasource/"),
    ):
        model_admin = admin.site._registry[model]
        before = dict(vars(model_admin))
        with override_settings(CELERY_BROKER_URL=""):
            assert staff_client.get(url).status_code == 200
        assert dict(vars(model_admin)) == before, model


def test_a_data_source_page_counts_now_not_at_the_last_list(staff_client: Client) -> None:
    source = data_source_sync(BOKEH_MOVIES)
    TitleFactory(source=source)
    listed = staff_client.get("/admin/catalog/datasource/").content.decode()
    assert re.search(r"Wikidata films.*?1 titles", listed, re.S)
    TitleFactory(source=source)
    page = staff_client.get(f"/admin/catalog/datasource/{source.pk}/change/").content.decode()
    assert "2 titles" in page


def test_a_refresh_is_one_history_record_holding_its_new_score(
    fake_tmdb: FakeTmdb, fake_omdb: FakeOmdb
) -> None:
    genres_import(live=False)
    fake = FakeTitle(
        media_type="movie",
        tmdb_id=949,
        imdb_id="tt0113277",
        title={"en": "Heat", "fr": "Heat"},
        release_date="1995-12-15",
        imdb_rating="8.3",
        imdb_votes="700,000",
    )
    fake_tmdb.add(fake)
    fake_omdb.add(fake)
    title = TitleFactory(
        media_type=MediaType.MOVIE, imdb_id="tt0113277", title_en="Heat?", year=None, score=None
    )
    records = Title.history.filter(id=title.pk).count()
    assert title_refresh(title_id=title.pk).refreshed
    title.refresh_from_db()
    assert title.score is not None  # the first rated movie: scored once the refresh wrote its rating
    refreshes = Title.history.filter(id=title.pk)
    assert refreshes.count() == records + 1
    latest = refreshes.first()
    assert latest.history_change_reason == "TMDB/OMDb refresh"
    assert latest.score == title.score and latest.imdb_votes == 700_000
