import pytest
from django.test import Client

from accounts.models import User
from catalog.ingest.genres import genres_import
from catalog.ingest.sources import BOKEH_MOVIES, CURATED_TV, data_source_sync
from catalog.models import DataSource, Genre, Keyword, MediaType, Title
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def titles() -> dict[str, Title]:
    genres_import(live=False)
    films, tv = data_source_sync(BOKEH_MOVIES), data_source_sync(CURATED_TV)
    amelie = Title.objects.create(
        media_type=MediaType.MOVIE,
        title_en="Amélie",
        title_fr="Le Fabuleux destin d'Amélie Poulain",
        original_language="fr",
        year=2001,
        imdb_id="tt0211915",
        cast=["Audrey Tautou"],
        directors=["Jean-Pierre Jeunet"],
        source=films,
        source_key="tt0211915",
        score=7.9,
    )
    amelie.genres.set(Genre.objects.filter(tmdb_id__in=[35, 10749]))
    heat = Title.objects.create(
        media_type=MediaType.MOVIE,
        title_en="Heat",
        year=1995,
        imdb_id="tt0113277",
        original_language="en",
        source=films,
        source_key="tt0113277",
    )
    bureau = Title.objects.create(
        media_type=MediaType.TV,
        title_en="The Bureau",
        title_fr="Le Bureau des légendes",
        year=2015,
        first_air_year=2015,
        source=tv,
        source_key="the-bureau-2015",
    )
    return {"amelie": amelie, "heat": heat, "bureau": bureau}


def _names(response) -> list[str]:
    return [t.title_en for t in response.context["cl"].result_list]


def test_movie_and_tv_changelists_are_separate(staff_client: Client, titles: dict[str, Title]) -> None:
    movies = staff_client.get("/admin/catalog/movie/")
    shows = staff_client.get("/admin/catalog/tvshow/")
    assert movies.status_code == shows.status_code == 200
    assert sorted(_names(movies)) == ["Amélie", "Heat"]
    assert _names(shows) == ["The Bureau"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("amelie", ["Amélie"]),
        ("Fabuleux", ["Amélie"]),
        ("TAUTOU", ["Amélie"]),
        ("jeunet", ["Amélie"]),
        ("tt0113277", ["Heat"]),
    ],
)
def test_title_search_covers_titles_people_and_ids(
    staff_client: Client, titles: dict[str, Title], query: str, expected: list[str]
) -> None:
    response = staff_client.get("/admin/catalog/movie/", {"q": query})
    assert response.status_code == 200
    assert _names(response) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"decade": "2000"}, ["Amélie"]),
        ({"language": "fr"}, ["Amélie"]),
        ({"cache": "never"}, ["Amélie", "Heat"]),
        ({"cache": "fresh"}, []),
    ],
)
def test_title_filters(
    staff_client: Client, titles: dict[str, Title], params: dict, expected: list[str]
) -> None:
    response = staff_client.get("/admin/catalog/movie/", params)
    assert response.status_code == 200
    assert sorted(_names(response)) == expected


def test_genre_filter(staff_client: Client, titles: dict[str, Title]) -> None:
    comedy = Genre.objects.get(tmdb_id=35)
    response = staff_client.get("/admin/catalog/movie/", {"genres__id__exact": comedy.pk})
    assert _names(response) == ["Amélie"]


def test_change_and_add_forms_render_with_provider_fields_read_only(
    staff_client: Client, titles: dict[str, Title]
) -> None:
    response = staff_client.get(f"/admin/catalog/movie/{titles['amelie'].pk}/change/")
    assert response.status_code == 200
    form_fields = response.context["adminform"].form.fields
    assert "title_fr" in form_fields
    assert "imdb_rating" not in form_fields and "cache_update_date" not in form_fields
    assert staff_client.get("/admin/catalog/tvshow/add/").status_code == 200


def test_staff_can_edit_a_title_and_its_search_fields_follow(
    staff_client: Client, titles: dict[str, Title]
) -> None:
    heat = titles["heat"]
    url = f"/admin/catalog/movie/{heat.pk}/change/"
    form = staff_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields}
    data.update(
        {
            "title_fr": "Heat (VF)",
            "genres": [],
            "alternate_titles": "",
            "directors": "Michael Mann",
            "writers": "",
            "cast": "",
            "countries": "us",
        }
    )
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    heat.refresh_from_db()
    assert heat.title_fr == "Heat (VF)" and "michael mann" in heat.search_people
    assert heat.directors == ["Michael Mann"] and heat.countries == ["US"]


def test_genre_data_source_and_user_admins_render(staff_client: Client, titles: dict[str, Title]) -> None:
    for url in (
        "/admin/catalog/genre/",
        "/admin/catalog/datasource/",
        "/admin/accounts/user/",
        f"/admin/catalog/genre/{Genre.objects.get(tmdb_id=35).pk}/change/",
        f"/admin/catalog/datasource/{DataSource.objects.first().pk}/change/",
        f"/admin/accounts/user/{User.objects.first().pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/",
    ):
        assert staff_client.get(url).status_code == 200, url
    assert staff_client.get("/admin/accounts/user/", {"q": User.objects.first().email}).status_code == 200


def test_admin_is_for_staff_only(client: Client, titles: dict[str, Title]) -> None:
    client.force_login(UserFactory())
    assert client.get("/admin/catalog/movie/").status_code == 302


@pytest.mark.parametrize("decade", ["\u00b2", "\u0661\u0669\u0669\u0660", "9" * 5000, "-10", "abc"])
def test_a_decade_that_is_no_number_filters_nothing(
    staff_client: Client, titles: dict[str, Title], decade: str
) -> None:
    """The decade "²" passed `str.isdigit()` and failed `int()`, as did 5,000 digits: a 500."""
    response = staff_client.get("/admin/catalog/movie/", {"decade": decade})
    assert response.status_code == 200
    assert sorted(_names(response)) == ["Amélie", "Heat"]


def test_keywords_are_listed_read_only_with_their_title_counts(
    staff_client: Client, titles: dict[str, Title]
) -> None:
    """TMDB's keywords are written by refreshes: staff find them (by name or TMDB id) and see how many titles
    carry each, but cannot add, edit or delete one that the next refresh would overwrite."""
    time_travel = Keyword.objects.create(id=4379, name="time travel")
    Keyword.objects.create(id=9882, name="space")
    titles["heat"].keywords.add(time_travel)
    titles["amelie"].keywords.add(time_travel)

    listing = staff_client.get("/admin/catalog/keyword/", {"q": "time"})
    assert listing.status_code == 200
    rows = listing.context["cl"].result_list
    assert [(k.name, k.title_count) for k in rows] == [("time travel", 2)]
    assert staff_client.get("/admin/catalog/keyword/", {"q": "9882"}).context["cl"].result_count == 1
    assert b"/admin/catalog/keyword/add/" not in listing.content
    assert staff_client.get("/admin/catalog/keyword/add/").status_code == 403
    change = f"/admin/catalog/keyword/{time_travel.pk}/change/"
    assert staff_client.post(change, {"name": "x"}).status_code == 403
    time_travel.refresh_from_db()
    assert time_travel.name == "time travel"
