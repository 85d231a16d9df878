"""Curator edits survive every writer, and every write is in the history: the admin's change forms posted
as a browser does, then the embedded load, the TMDB refresh (fake TMDB), the genre import and the data
source sync run again; provider values accepted in one click; history's before/after and revert."""

from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.forms import CheckboxInput
from django.test import Client

from catalog.ingest.enrichment import title_refresh
from catalog.ingest.genres import genres_import
from catalog.ingest.imdb import BASICS
from catalog.ingest.sources import BOKEH_MOVIES, data_source_sync
from catalog.models import DataSource, FieldLock, Genre, MediaType, Movie, Title
from tests.catalog.test_imdb_datasets import (
    BASICS_ROWS,
    files,  # noqa: F401 - the fixture, used by name
    run,
    write_tsv_gz,
)
from tests.catalog.test_load_catalog import FILMS, _write_movies_db, load, sources  # noqa: F401 - the fixture
from tests.factories import TitleFactory
from tests.fakes.omdb import FakeOmdb
from tests.fakes.tmdb import FakeTmdb, build_world

pytestmark = pytest.mark.django_db

MOVIE = "/admin/catalog/movie/"


def form_data(client: Client, url: str) -> dict[str, Any]:
    """The change form as the browser would post it untouched (text areas with CRLF line endings)."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {"_save": "Save"}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        if isinstance(field.widget, CheckboxInput):
            if form[name].value():
                data[name] = "on"
            continue
        raw = form[name].value()
        if isinstance(raw, list | tuple):  # genres: their ids, none sent when there are none
            if raw:
                data[name] = [str(v) for v in raw]
            continue
        value = field.widget.format_value(raw)
        if value is None:
            value = ""
        if isinstance(value, str):
            value = value.replace("\n", "\r\n")
        data[name] = value
    return data


def post_change(client: Client, url: str, **changes: Any) -> None:
    data = form_data(client, url) | changes
    response = client.post(url, data)
    errors = response.context["adminform"].form.errors if response.context else None
    assert response.status_code == 302, errors


def locks(title: Title) -> dict[str, FieldLock]:
    return {lock.field: lock for lock in FieldLock.objects.filter(title=title)}


def genre_ids(title: Title, *tmdb_ids: int) -> list[int]:
    return sorted(Genre.objects.filter(tmdb_id__in=tmdb_ids).values_list("pk", flat=True))


def test_an_edit_locks_its_fields_and_load_catalog_keeps_it(
    staff_client: Client,
    sources: dict[str, Path],  # noqa: F811
) -> None:
    load(sources)
    amelie = Title.objects.get(imdb_id="tt0211915")
    assert sorted(amelie.genres.values_list("tmdb_id", flat=True)) == [35, 10749]  # Comedy, Romance
    url = f"{MOVIE}{amelie.pk}/change/"
    post_change(staff_client, url, title_fr="Amélie (édition du curateur)", genres=genre_ids(amelie, 10749))

    held = locks(amelie)
    assert set(held) == {"title_fr", "genres"}
    assert held["title_fr"].locked_by is not None and held["title_fr"].provider_seen_at is None
    records = Title.history.filter(id=amelie.pk).count()

    load(sources)  # the re-run the curator used to lose their work to
    amelie.refresh_from_db()
    assert amelie.title_fr == "Amélie (édition du curateur)"
    assert sorted(amelie.genres.values_list("tmdb_id", flat=True)) == [10749]  # Comedy stays removed
    held = locks(amelie)
    assert held["title_fr"].provider_actor == "load_catalog"
    assert held["title_fr"].provider_value == "Le Fabuleux destin d'Amélie Poulain"
    assert held["genres"].provider_value == genre_ids(amelie, 35, 10749)
    assert Title.history.filter(id=amelie.pk).count() == records  # nothing else changed: no record

    page = staff_client.get(url)  # the lock and what the provider says, with its buttons
    assert "Le Fabuleux destin d&#x27;Amélie Poulain" in page.content.decode()
    assert f"{url.removesuffix('change/')}accept/{held['title_fr'].pk}/" in page.content.decode()


def test_history_shows_before_and_after_and_revert_puts_it_back(
    staff_client: Client,
    sources: dict[str, Path],  # noqa: F811
) -> None:
    load(sources)
    amelie = Title.objects.get(imdb_id="tt0211915")
    url = f"{MOVIE}{amelie.pk}/change/"
    post_change(staff_client, url, title_fr="Amélie", genres=genre_ids(amelie, 10749))

    latest = Title.history.filter(id=amelie.pk).first()
    assert latest is not None and latest.history_user is not None
    delta = latest.diff_against(latest.prev_record)
    changed = {c.field: (c.old, c.new) for c in delta.changes}
    assert changed["title_fr"] == ("Le Fabuleux destin d'Amélie Poulain", "Amélie")
    assert "genres" in changed
    history = staff_client.get(f"{MOVIE}{amelie.pk}/history/").content.decode()
    assert "Le Fabuleux destin d&#x27;Amélie Poulain" in history and "Amélie" in history

    baseline = latest.prev_record
    version = staff_client.get(f"{MOVIE}{amelie.pk}/history/{baseline.history_id}/")
    assert version.status_code == 200 and 'name="_save"' not in version.content.decode()  # one revert path
    revert = f"{MOVIE}{amelie.pk}/revert/{baseline.history_id}/"
    preview = staff_client.get(revert)
    assert preview.status_code == 200 and [c[0] for c in preview.context["changes"]] == [
        "French title",
        "genres",
    ]
    assert staff_client.post(revert).status_code == 302
    amelie.refresh_from_db()
    assert amelie.title_fr == "Le Fabuleux destin d'Amélie Poulain"
    assert sorted(amelie.genres.values_list("tmdb_id", flat=True)) == [35, 10749]
    reverted = Title.history.filter(id=amelie.pk).first()
    assert reverted.history_change_reason.startswith("reverted to")
    assert {c.field for c in reverted.diff_against(latest).changes} == {"title_fr", "genres"}


def test_an_unchanged_save_records_nothing(staff_client: Client) -> None:
    title = TitleFactory(
        media_type=MediaType.MOVIE, title_en="Heat", overview_en="Line one.\nLine two.", year=1995
    )
    before = Title.objects.get(pk=title.pk).updated_at
    records = Title.history.filter(id=title.pk).count()  # its creation
    url = f"{MOVIE}{title.pk}/change/"
    post_change(staff_client, url)  # the overview comes back as CRLF, as browsers send it

    assert Title.history.filter(id=title.pk).count() == records
    assert not FieldLock.objects.exists()
    title.refresh_from_db()
    assert title.overview_en == "Line one.\nLine two." and title.updated_at == before
    assert LogEntry.objects.get(object_id=str(title.pk)).get_change_message() == "No fields changed."


def test_a_tmdb_refresh_keeps_the_edit_and_the_provider_value_is_accepted_in_one_click(
    staff_client: Client, fake_tmdb: FakeTmdb, fake_omdb: FakeOmdb
) -> None:
    genres_import(live=False)
    fake = build_world(1, 0, years=range(2020, 2021))[0]
    fake_tmdb.add(fake)
    fake_omdb.add(fake)
    title = TitleFactory(media_type=fake.media_type, imdb_id=fake.imdb_id, title_en="Old name", year=None)
    post_change(staff_client, f"{MOVIE}{title.pk}/change/", title_en="The Curator's Name")
    assert set(locks(title)) == {"title_en"}

    assert title_refresh(title_id=title.pk).refreshed
    title.refresh_from_db()
    assert title.title_en == "The Curator's Name"  # locked
    assert title.title_fr == fake.title["fr"] and title.tmdb_id == fake.tmdb_id  # the rest follows TMDB
    lock = locks(title)["title_en"]
    assert (lock.provider_value, lock.provider_actor) == (fake.title["en"], "TMDB/OMDb refresh")
    refresh = Title.history.filter(id=title.pk).first()
    assert refresh.history_change_reason == "TMDB/OMDb refresh" and refresh.history_user is None

    listed = staff_client.get("/admin/catalog/fieldlock/")
    assert listed.status_code == 200 and fake.title["en"] in listed.content.decode()
    response = staff_client.post(
        "/admin/catalog/fieldlock/", {"action": "accept_provider_values", "_selected_action": [lock.pk]}
    )
    assert response.status_code == 302
    title.refresh_from_db()
    assert title.title_en == fake.title["en"]
    assert not FieldLock.objects.filter(pk=lock.pk).exists()  # back in the providers' hands
    accepted = Title.history.filter(id=title.pk).first()
    assert accepted.history_user is not None
    changes = {c.field: c.new for c in accepted.diff_against(refresh).changes}
    assert changes["title_en"] == fake.title["en"] and "title_fr" not in changes


def test_accept_and_unlock_buttons_of_the_change_page(staff_client: Client) -> None:
    genres_import(live=False)
    title = TitleFactory(media_type=MediaType.MOVIE, title_en="Heat", year=1995, runtime=170)
    url = f"{MOVIE}{title.pk}/change/"
    post_change(staff_client, url, runtime="171", year="1996")
    held = locks(title)
    assert set(held) == {"runtime", "year"}
    from catalog import curation

    curation.apply_provider_values(title, {"runtime": 170, "year": 1995}, "load_catalog")
    base = url.removesuffix("change/")
    assert staff_client.get(f"{base}accept/{held['runtime'].pk}/").status_code == 405
    assert staff_client.post(f"{base}accept/{held['runtime'].pk}/").status_code == 302
    assert staff_client.post(f"{base}unlock/{held['year'].pk}/").status_code == 302
    title.refresh_from_db()
    assert (title.runtime, title.year) == (170, 1996)  # accepted; unlocked (the next load writes it)
    assert not FieldLock.objects.exists()


def test_import_genres_keeps_a_genre_name_edited_in_the_admin(staff_client: Client) -> None:
    genres_import(live=False)
    comedy = Genre.objects.get(tmdb_id=35)
    url = f"/admin/catalog/genre/{comedy.pk}/change/"
    post_change(staff_client, url, name_fr="Comédie (humour)")
    assert FieldLock.objects.get(genre=comedy).field == "name_fr"

    call_command("import_genres", "--offline", stdout=open("/dev/null", "w"))  # noqa: SIM115
    comedy.refresh_from_db()
    assert comedy.name_fr == "Comédie (humour)"
    lock = FieldLock.objects.get(genre=comedy)
    assert (lock.provider_value, lock.provider_actor) == ("Comédie", "import_genres")
    record = Genre.history.filter(id=comedy.pk).first()
    assert [(c.old, c.new) for c in record.diff_against(record.prev_record).changes] == [
        ("Comédie", "Comédie (humour)")
    ]
    assert staff_client.get(f"/admin/catalog/genre/{comedy.pk}/history/").status_code == 200


def test_a_data_source_edit_survives_the_next_sync(staff_client: Client) -> None:
    source = data_source_sync(BOKEH_MOVIES)
    url = f"/admin/catalog/datasource/{source.pk}/change/"
    post_change(staff_client, url, attribution="Film data: Wikidata contributors (CC0).")
    data_source_sync(BOKEH_MOVIES, loaded=True)
    source.refresh_from_db()
    assert source.attribution == "Film data: Wikidata contributors (CC0)."
    assert source.loaded_at is not None  # the sync's own bookkeeping still happens
    assert FieldLock.objects.get(data_source=source).provider_value == BOKEH_MOVIES.attribution
    assert DataSource.history.filter(id=source.pk).count() == 2  # before, after: the sync added none


def test_the_imdb_datasets_import_keeps_edits_of_titles_it_otherwise_follows(
    staff_client: Client,
    files: dict[str, Path],  # noqa: F811
) -> None:
    genres_import(live=False)
    run(files)
    show = Title.objects.get(imdb_id="tt0903747")  # created by the import: it follows newer files
    crime_drama = genre_ids(show, 80, 18)
    post_change(staff_client, f"/admin/catalog/tvshow/{show.pk}/change/", runtime="50", genres=crime_drama)
    assert set(locks(show)) == {"runtime", "genres"}

    newer = [
        (*row[:7], "47", "Crime,Drama,Thriller,Mystery") if row[0] == "tt0903747" else row
        for row in BASICS_ROWS
    ]
    write_tsv_gz(files["basics"], BASICS.columns, newer)
    run(files, "--as-of", "2026-11-27")
    show.refresh_from_db()
    assert show.runtime == 50
    assert sorted(show.genres.values_list("pk", flat=True)) == crime_drama
    held = locks(show)
    assert (held["runtime"].provider_value, held["runtime"].provider_actor) == (47, "import_imdb_datasets")
    assert set(crime_drama) < set(held["genres"].provider_value)  # the files' extra genre, noted


def test_a_movie_saved_or_deleted_outside_the_forms_is_in_title_history() -> None:
    movie = Movie.objects.get(pk=TitleFactory(media_type=MediaType.MOVIE, title_en="Heat", year=1995).pk)
    movie.title_fr = "Heat (VF)"
    movie.save()  # as staff tools do with the admin's rows (Movie and TV show proxies)
    assert Title.history.filter(id=movie.pk).first().title_fr == "Heat (VF)"
    pk = movie.pk
    movie.delete()
    assert Title.history.filter(id=pk).first().history_type == "-"


def test_a_reload_records_history_only_for_the_titles_it_changes(
    sources: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    load(sources)
    assert not Title.history.exists()  # a fresh catalog's bulk load writes none
    changed = [list(f) for f in FILMS]
    changed[2][2] = "Fight Club!"
    sources["movies_db"] = _write_movies_db(tmp_path / "movies2.db", [tuple(f) for f in changed])
    load(sources)
    fight_club = Title.objects.get(imdb_id="tt0137523")
    after, before = Title.history.filter(id=fight_club.pk)
    assert (before.history_change_reason, after.history_change_reason) == (
        "before the first recorded change",
        "load_catalog",
    )
    changes = {c.field: (c.old, c.new) for c in after.diff_against(before).changes}
    assert changes["title_en"] == ("Fight Club", "Fight Club!")
    assert set(Title.history.values_list("id", flat=True)) == {fight_club.pk}


def test_the_bulk_genre_actions_lock_genres_and_are_in_the_history(
    staff_client: Client,
    sources: dict[str, Path],  # noqa: F811
) -> None:
    load(sources)
    amelie, haine = Title.objects.get(imdb_id="tt0211915"), Title.objects.get(imdb_id="tt0113247")
    comedy, war = Genre.objects.get(tmdb_id=35), Genre.objects.get(tmdb_id=10752)
    selected = [amelie.pk, haine.pk]
    staff_client.post(MOVIE, {"action": "genre_remove", "genre": comedy.pk, "_selected_action": selected})
    staff_client.post(MOVIE, {"action": "genre_add", "genre": war.pk, "_selected_action": [haine.pk]})
    assert set(FieldLock.objects.values_list("title_id", "field")) == {
        (amelie.pk, "genres"),
        (haine.pk, "genres"),
    }

    load(sources)  # the re-run used to put Comedy back
    assert sorted(amelie.genres.values_list("tmdb_id", flat=True)) == [10749]
    assert 10752 in haine.genres.values_list("tmdb_id", flat=True)
    latest = Title.history.filter(id=amelie.pk).first()
    assert latest.history_user is not None
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["genres"]


def test_a_french_title_edited_in_the_list_is_locked(staff_client: Client) -> None:
    heat = TitleFactory(media_type=MediaType.MOVIE, title_en="Heat", year=1995, imdb_id="tt0113277")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(heat.pk),
        "form-0-title_fr": "Heat (VF)",
        "form-0-original_language": heat.original_language,
        "_save": "Save",
    }
    assert staff_client.post(f"{MOVIE}?q=tt0113277", data).status_code == 302
    assert set(locks(heat)) == {"title_fr"}
    assert Title.history.filter(id=heat.pk).first().title_fr == "Heat (VF)"
