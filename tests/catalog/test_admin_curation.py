"""Curation in the admin, driven through its forms: adding titles, refused values, the ranked search,
worklists, bulk actions, hiding, merging, and the operations pages that say what really runs."""

import re

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.ingest.genres import genres_import
from catalog.ingest.sources import BOKEH_MOVIES, GGPLOT2_MOVIES, data_source_sync
from catalog.models import Genre, MediaType, Title, TitleNeighbour
from catalog.selectors import titles_for_cards
from catalog.services import titles_merge
from discovery.filters import discovery_filters_from
from discovery.selectors import title_ids_ranked, titles_search_page
from library.models import Entry, Status
from tests.factories import TitleFactory, UserFactory

pytestmark = pytest.mark.django_db

MOVIES = "/admin/catalog/movie/"


@pytest.fixture
def films() -> dict[str, Title]:
    genres_import(live=False)
    source, ratings = data_source_sync(BOKEH_MOVIES), data_source_sync(GGPLOT2_MOVIES)
    heat = Title.objects.create(
        media_type=MediaType.MOVIE,
        title_en="Heat",
        year=1995,
        imdb_id="tt0113277",
        imdb_votes=600_000,
        source=source,
        source_key="tt0113277",
        score=8.0,
        rating_source=ratings,
    )
    amelie = Title.objects.create(
        media_type=MediaType.MOVIE,
        title_en="Amélie",
        title_fr="Le Fabuleux destin d'Amélie Poulain",
        year=2001,
        imdb_id="tt0211915",
        cast=["Audrey Tautou"],
        source=source,
        source_key="tt0211915",
        score=7.9,
        imdb_votes=700_000,
    )
    amelie.genres.set(Genre.objects.filter(tmdb_id=35))
    # Titles that hold the word, better scored: a plain substring search listed them before Heat.
    for n, name in enumerate(["The Heat", "Heat Wave", "In the Heat of the Night", "Cold Heat"]):
        Title.objects.create(
            media_type=MediaType.MOVIE,
            title_en=name,
            year=1990 + n,
            source=source,
            source_key=f"h{n}",
            score=9.0,
        )
    return {"heat": heat, "amelie": amelie}


def _names(response) -> list[str]:
    return [t.title_en for t in response.context["cl"].result_list]


def _add_data(**values: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title_en": "Delicatessen",
        "title_fr": "",
        "original_title": "",
        "original_language": "fr",
        "alternate_titles": "",
        "year": "1991",
        "release_date": "",
        "runtime": "99",
        "first_air_year": "",
        "last_air_year": "",
        "number_of_seasons": "",
        "directors": "Jean-Pierre Jeunet\nMarc Caro",
        "writers": "",
        "cast": "",
        "countries": "FR",
        "overview_en": "",
        "overview_fr": "",
        "trailer_url_en": "",
        "trailer_url_fr": "",
        "poster_path": "",
        "imdb_id": "tt0101700",
        "tmdb_id": "",
        "genres": [],
    }
    data.update(values)
    return data


def test_add_a_movie_with_the_staff_source(staff_client: Client, films: dict[str, Title]) -> None:
    response = staff_client.post(f"{MOVIES}add/", _add_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Title.objects.get(imdb_id="tt0101700")
    assert added.media_type == MediaType.MOVIE
    assert added.source.key == "staff" and added.provenance == {"curated": True}
    assert added.directors == ["Jean-Pierre Jeunet", "Marc Caro"]  # a list, one name a line


def test_add_a_tv_show(staff_client: Client, films: dict[str, Title]) -> None:
    data = _add_data(
        title_en="The Bureau", imdb_id="", year="2015", first_air_year="2015", last_air_year="2020"
    )
    response = staff_client.post("/admin/catalog/tvshow/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Title.objects.get(title_en="The Bureau").media_type == MediaType.TV


def test_bad_values_are_refused_on_their_fields_in_words(
    staff_client: Client, films: dict[str, Title]
) -> None:
    data = _add_data(
        year="99999", imdb_id="abc", countries="France", original_language="french", first_air_year="2001"
    )
    response = staff_client.post(f"{MOVIES}add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    # On PostgreSQL the column's own range (a small integer) is said beside ours.
    assert any("not a plausible year" in message for message in errors["year"]), errors["year"]
    assert "is not an IMDb id" in errors["imdb_id"][0]
    assert "“FRANCE”" in errors["countries"][0] or "“France”" in errors["countries"][0]
    assert "not a language code" in errors["original_language"][0]
    assert "Only TV shows" in errors["first_air_year"][0]
    assert not Title.objects.filter(title_en="Delicatessen").exists()


def test_a_duplicate_imdb_id_names_the_other_title(staff_client: Client, films: dict[str, Title]) -> None:
    response = staff_client.post(f"{MOVIES}add/", _add_data(imdb_id="tt0113277"))
    assert response.context["adminform"].form.errors["imdb_id"] == [
        "IMDb id tt0113277 is already used by Heat (1995)."
    ]


def test_the_media_type_cannot_be_changed(staff_client: Client, films: dict[str, Title]) -> None:
    heat = films["heat"]
    url = f"{MOVIES}{heat.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    assert "media_type" not in form.fields
    response = staff_client.post(
        url, _add_data(title_en="Heat", year="1995", imdb_id="tt0113277", media_type="tv")
    )
    assert response.status_code == 302
    heat.refresh_from_db()
    assert heat.media_type == MediaType.MOVIE


def test_tv_only_genres_are_not_offered_for_movies(staff_client: Client, films: dict[str, Title]) -> None:
    form = staff_client.get(f"{MOVIES}add/").context["adminform"].form
    offered = {g.name_en for g in form.fields["genres"].queryset}
    assert "Comedy" in offered and not {"Soap", "Talk", "News"} & offered
    soap = Genre.objects.get(name_en="Soap")
    response = staff_client.post(f"{MOVIES}add/", _add_data(genres=[soap.pk]))
    assert "genres" in response.context["adminform"].form.errors


@pytest.mark.parametrize(("query", "first"), [("heat", "Heat"), ("amelei", "Amélie"), ("tautou", "Amélie")])
def test_search_is_ranked_and_forgives_typos(
    staff_client: Client, films: dict[str, Title], query: str, first: str
) -> None:
    response = staff_client.get(MOVIES, {"q": query})
    assert _names(response)[0] == first


def test_french_title_and_language_edited_in_the_list(staff_client: Client, films: dict[str, Title]) -> None:
    heat = films["heat"]
    page = staff_client.get(MOVIES, {"q": "tt0113277"})
    assert _names(page) == ["Heat"]
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(heat.pk),
        "form-0-title_fr": "Heat (VF)",
        "form-0-original_language": "en",
        "_save": "Save",
    }
    response = staff_client.post(f"{MOVIES}?q=tt0113277", data)
    assert response.status_code == 302
    heat.refresh_from_db()
    assert heat.title_fr == "Heat (VF)"
    data["form-0-original_language"] = "english"
    response = staff_client.post(f"{MOVIES}?q=tt0113277", data)
    assert response.status_code == 200 and "not a language code" in response.content.decode()


def test_worklists_and_the_stale_filter(staff_client: Client, films: dict[str, Title]) -> None:
    heat, amelie = films["heat"], films["amelie"]
    Title.objects.filter(pk=heat.pk).update(refresh_error="TMDB: 404", cache_update_date=timezone.now())
    assert "Amélie" not in _names(staff_client.get(MOVIES, {"todo": "no_fr"}))
    assert "Heat" in _names(staff_client.get(MOVIES, {"todo": "no_fr"}))
    no_genre = _names(staff_client.get(MOVIES, {"todo": "no_genre"}))
    assert "Heat" in no_genre and "Amélie" not in no_genre
    assert _names(staff_client.get(MOVIES, {"todo": "refresh_failed"})) == ["Heat"]
    assert _names(staff_client.get(MOVIES, {"cache": "stale"})) == []  # never refreshed is not stale
    Title.objects.filter(pk=amelie.pk).update(cache_update_date=timezone.now() - timezone.timedelta(days=90))
    assert _names(staff_client.get(MOVIES, {"cache": "stale"})) == ["Amélie"]


def test_bulk_genre_actions(staff_client: Client, films: dict[str, Title]) -> None:
    heat, amelie = films["heat"], films["amelie"]
    drama = Genre.objects.get(name_en="Drama")
    selected = [heat.pk, amelie.pk]
    staff_client.post(MOVIES, {"action": "genre_add", "genre": drama.pk, "_selected_action": selected})
    assert set(drama.titles.values_list("pk", flat=True)) == set(selected)
    staff_client.post(MOVIES, {"action": "genre_remove", "genre": drama.pk, "_selected_action": [heat.pk]})
    assert list(drama.titles.values_list("pk", flat=True)) == [amelie.pk]
    soap = Genre.objects.get(name_en="Soap")
    offered = staff_client.get(MOVIES).content.decode()
    assert f'<option value="{drama.pk}">' in offered and f'<option value="{soap.pk}">' not in offered
    response = staff_client.post(
        MOVIES, {"action": "genre_add", "genre": soap.pk, "_selected_action": selected}, follow=True
    )
    assert response.status_code == 200 and not soap.titles.exists()  # not a movie genre: refused


def test_hide_keeps_titles_out_of_the_public_catalog(
    staff_client: Client, api_client: APIClient, films: dict[str, Title]
) -> None:
    heat = films["heat"]
    staff_client.post(MOVIES, {"action": "hide", "_selected_action": [heat.pk]})
    heat.refresh_from_db()
    assert heat.hidden
    assert not titles_for_cards().filter(pk=heat.pk).exists()
    assert staff_client.get(f"/title/{heat.pk}/").status_code == 404
    assert api_client.get(f"/movies/{heat.pk}").status_code == 404
    assert api_client.get(f"/movies/{films['amelie'].pk}").status_code == 200
    assert "Heat" in _names(staff_client.get(MOVIES, {"todo": "hidden"}))
    assert "Heat" in _names(staff_client.get(MOVIES, {"q": "heat"}))  # staff still find it
    found = titles_search_page(query="heat", media_type=MediaType.MOVIE, page=1, page_size=20)
    assert heat not in found.items and found.items
    ranked = title_ids_ranked(
        media_type=MediaType.MOVIE,
        filters=discovery_filters_from({}, media_type=MediaType.MOVIE),
        language="en",
        limit=50,
    )
    assert heat.pk not in ranked and films["amelie"].pk in ranked
    staff_client.post(MOVIES, {"action": "show", "_selected_action": [heat.pk]})
    heat.refresh_from_db()
    assert not heat.hidden


def test_a_large_delete_is_refused_before_any_page_is_built(
    staff_client: Client, films: dict[str, Title]
) -> None:
    many = [TitleFactory(source=films["heat"].source).pk for _ in range(51)]
    response = staff_client.post(MOVIES, {"action": "delete_selected", "_selected_action": many}, follow=True)
    assert "at most 50 are deleted at once" in response.content.decode()
    assert Title.objects.filter(pk__in=many).count() == 51
    few = staff_client.post(MOVIES, {"action": "delete_selected", "_selected_action": many[:2]})
    assert few.status_code == 200 and "Are you sure" in few.content.decode()


def test_merge_moves_entries_and_neighbours_to_the_kept_title(
    staff_client: Client, films: dict[str, Title]
) -> None:
    heat, amelie = films["heat"], films["amelie"]
    copy = Title.objects.create(
        media_type=MediaType.MOVIE,
        title_en="Heat (1995 copy)",
        title_fr="Heat",
        year=1995,
        tmdb_id=949,
        source=heat.source,
        source_key="copy",
    )
    both, only = UserFactory(), UserFactory()
    Entry.objects.create(user=both, title=heat, status=Status.LATER)
    Entry.objects.create(user=both, title=copy, status=Status.SEEN, rating=9)
    Entry.objects.create(user=only, title=copy, status=Status.HIDDEN)
    TitleNeighbour.objects.create(title=amelie, neighbour=copy, kind="similar", score=0.5)
    TitleNeighbour.objects.create(title=copy, neighbour=amelie, kind="similar", score=0.5)
    staff_client.post(MOVIES, {"action": "merge_two", "_selected_action": [heat.pk, copy.pk]})
    assert not Title.objects.filter(pk=copy.pk).exists()
    heat.refresh_from_db()
    assert heat.title_fr == "Heat" and heat.tmdb_id == 949 and "Heat (1995 copy)" in heat.alternate_titles
    assert Entry.objects.get(user=both).status == Status.SEEN  # what they watched wins
    assert Entry.objects.get(user=both).rating == 9 and Entry.objects.get(user=only).title == heat
    assert TitleNeighbour.objects.filter(title=amelie, neighbour=heat).exists()
    assert TitleNeighbour.objects.filter(title=heat, neighbour=amelie).exists()


def test_merge_refuses_a_movie_and_a_tv_show(films: dict[str, Title]) -> None:
    show = TitleFactory(media_type=MediaType.TV, imdb_id=None)
    with pytest.raises(ValueError, match="cannot be merged"):
        titles_merge(keep=films["heat"], duplicate=show)


def test_data_sources_count_every_contribution(staff_client: Client, films: dict[str, Title]) -> None:
    page = staff_client.get("/admin/catalog/datasource/").content.decode()
    ggplot = re.search(r"ggplot2movies.*?</tr>", page, re.S)
    assert ggplot is not None and "1 ratings" in ggplot.group(0)


def test_index_shows_catalog_health_and_that_nothing_runs_in_the_background(
    staff_client: Client, films: dict[str, Title]
) -> None:
    with override_settings(CELERY_BROKER_URL=""):
        page = staff_client.get("/admin/").content.decode()
    assert 'id="catalog-health"' in page and "?todo=no_fr" in page
    assert "No broker" in page


def test_periodic_tasks_say_they_do_not_run_without_a_broker(staff_client: Client) -> None:
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.first()
    assert task is not None  # installed by migrations
    with override_settings(CELERY_BROKER_URL=""):
        listing = staff_client.get("/admin/django_celery_beat/periodictask/").content.decode()
        ran = staff_client.post(
            "/admin/django_celery_beat/periodictask/",
            {"action": "run_tasks", "_selected_action": [task.pk]},
            follow=True,
        ).content.decode()
    assert "no broker, nothing runs periodic tasks" in listing
    assert "Nothing was run" in ran and "successfully" not in ran


def test_entry_rating_out_of_range_in_words_and_titles_by_autocomplete(
    staff_client: Client, films: dict[str, Title]
) -> None:
    user = UserFactory()
    data = {
        "user": user.pk,
        "title": films["heat"].pk,
        "status": "seen",
        "rating": "11",
        "watched_at_0": "",
        "watched_at_1": "",
    }
    response = staff_client.post("/admin/library/entry/add/", data)
    assert response.context["adminform"].form.errors["rating"] == ["A rating is from 1 to 10, not 11."]
    found = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "library", "model_name": "entry", "field_name": "title", "term": "heat"},
    ).json()
    assert found["results"][0]["id"] == str(films["heat"].pk)
