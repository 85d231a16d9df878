import pytest
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import Genre, MediaType, Title
from catalog.ranking import titles_rescore
from library.models import Entry, Status
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


def discover(
    client: APIClient, body: dict | None = None, route: str = "movies", query: str = "", **headers: str
):
    """POST the feed's filters; `query` is its query string (page_size, cursor)."""
    return client.post(f"/{route}/search-by-filters{query}", body or {}, format="json", **headers)


def titles_of(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [card["title"] for card in response.json()["results"]]


def test_default_feed_is_ranked_by_vote_weighted_score(api_client: APIClient, catalog: dict) -> None:
    names = titles_of(discover(api_client))
    assert names[0] == "The Godfather"
    # 9.5 from 12 votes does not beat 8.9 from 2,000,000: with so few votes it is pulled to the catalog mean.
    assert names.index("Pulp Fiction") < names.index("Obscure Gem")
    gem = next(c for c in discover(api_client).json()["results"] if c["title"] == "Obscure Gem")
    assert gem["imdb_rating"] == 9.5 and gem["score"] < 8.6
    assert names[-1] == "Untitled Documentary"  # no rating at all: last, never dropped
    scores = [c["score"] for c in discover(api_client).json()["results"] if c["score"] is not None]
    assert scores == sorted(scores, reverse=True)


def test_the_card_has_the_contract_fields(api_client: APIClient, catalog: dict) -> None:
    card = discover(api_client).json()["results"][0]
    assert set(card) == {
        "id",
        "media_type",
        "tmdb_id",
        "imdb_id",
        "title",
        "original_title",
        "original_language",
        "overview",
        "year",
        "release_date",
        "genres",
        "runtime",
        "imdb_rating",
        "imdb_votes",
        "score",
        "poster_url",
        "trailer_url",
        "user_status",
        "first_air_year",  # a TV show's: null on a movie, as every field a title lacks
        "last_air_year",
        "number_of_seasons",
        "catalog_rating",  # the one the filters' min_rating compares, to one decimal
        "catalog_rating_source",
        "offers",  # where to watch it in the caller's country: null without a country
    }
    assert (card["imdb_rating"], card["imdb_votes"], card["user_status"]) == (9.2, 1_500_000, None)
    assert (card["catalog_rating"], card["catalog_rating_source"]) == (9.2, "imdb")
    assert (card["first_air_year"], card["last_air_year"], card["number_of_seasons"]) == (None, None, None)
    assert card["genres"] == [{"id": 80, "name": "Crime"}, {"id": 18, "name": "Drama"}]  # TMDB's ids


def test_cards_in_french_with_per_field_fallback(api_client: APIClient, catalog: dict) -> None:
    response = discover(api_client, {"languages": ["fr"]}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "fr"
    cards = {c["title"]: c for c in response.json()["results"]}
    amelie = cards["Le Fabuleux Destin d'Amélie Poulain"]
    assert amelie["genres"] == [{"id": 35, "name": "Comédie"}, {"id": 10749, "name": "Romance"}]
    assert amelie["overview"].startswith("Le Fabuleux")
    english_only = discover(api_client, {"genres": ["Horror"]}, HTTP_ACCEPT_LANGUAGE="fr").json()["results"]
    alien = next(c for c in english_only if c["year"] == 1979)
    assert alien["title"] == "Alien" and alien["overview"] == "Alien: a film from 1979."  # English fallback
    assert [g["name"] for g in alien["genres"]] == ["Horreur", "Science-Fiction"]
    assert set(titles_of(discover(api_client, {"languages": ["fr"]}, HTTP_ACCEPT_LANGUAGE="en"))) == {
        "Amélie",
        "La Haine",
    }


@pytest.mark.parametrize(
    ("genres", "expected"),
    [
        ([35], {"Amélie"}),
        (["comedy"], {"Amélie"}),
        (["Comédie"], {"Amélie"}),
        (["COMEDIE", "horreur"], {"Amélie", "Alien", "Get Out"}),
        (["Sci-Fi"], {"Alien", "A Clockwork Orange"}),
        (["science fiction"], {"Alien", "A Clockwork Orange"}),
    ],
)
def test_genres_by_id_or_name_in_either_language(
    api_client: APIClient, catalog: dict, genres: list, expected: set[str]
) -> None:
    assert set(titles_of(discover(api_client, {"genres": genres}))) == expected


def test_exclude_genres(api_client: APIClient, catalog: dict) -> None:
    names = set(titles_of(discover(api_client, {"genres": ["Crime"], "exclude_genres": ["Drame"]})))
    assert names == {"Pulp Fiction", "A Clockwork Orange"}


def test_tv_genres_and_route(api_client: APIClient, catalog: dict) -> None:
    assert titles_of(discover(api_client, {"genres": ["Crime"]}, route="tvshows")) == ["Breaking Bad"]
    # TMDB's TV list has no horror genre of its own: files it under Sci-Fi & Fantasy.
    assert titles_of(discover(api_client, {"genres": ["Horror"]}, route="tvshows")) == []
    response = discover(api_client, {"genres": ["Romance"]}, route="tvshows")  # no TV romance genre at all
    assert response.status_code == 400
    assert "genres" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"year_from": 1990, "year_to": 1999}, {"Heat", "La Haine", "Obscure Gem", "Pulp Fiction"}),
        ({"year_from": 2010}, {"Get Out", "Untitled Documentary"}),
        ({"min_rating": 8.5}, {"The Godfather", "Alien", "Obscure Gem", "Pulp Fiction"}),
        ({"min_votes": 1_000_000}, {"The Godfather", "Pulp Fiction"}),
        ({"languages": ["FR"]}, {"Amélie", "La Haine"}),
        ({"languages": ["fr", "en"], "min_votes": 1_000_000}, {"The Godfather", "Pulp Fiction"}),
        ({"runtime_min": 150}, {"The Godfather", "Heat", "Pulp Fiction"}),
        ({"runtime_max": 100}, {"La Haine", "Obscure Gem"}),
        ({"genres": ["Crime"], "year_to": 1980, "min_rating": 8}, {"The Godfather", "A Clockwork Orange"}),
    ],
)
def test_each_filter(api_client: APIClient, catalog: dict, body: dict, expected: set[str]) -> None:
    assert set(titles_of(discover(api_client, body))) == expected


@pytest.mark.parametrize(
    ("sort_by", "first"),
    [
        ("score", "The Godfather"),
        ("rating", "Obscure Gem"),
        ("votes", "Pulp Fiction"),
        ("year", "Get Out"),
        ("title", "A Clockwork Orange"),
    ],
)
def test_sort_orders(api_client: APIClient, catalog: dict, sort_by: str, first: str) -> None:
    assert titles_of(discover(api_client, {"sort_by": sort_by}))[0] == first


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"genres": ["Space Opera"]}, "genres"),
        ({"exclude_genres": [123456]}, "exclude_genres"),
        ({"genres": "Comedy"}, "genres"),
        ({"year_from": 2000, "year_to": 1990}, "year_to"),
        ({"year_from": "nineteen"}, "year_from"),
        ({"year_to": 3000}, "year_to"),
        ({"min_rating": 11}, "min_rating"),
        ({"min_rating": -1}, "min_rating"),
        ({"min_votes": -5}, "min_votes"),
        ({"languages": ["xx"]}, "languages"),
        ({"languages": ["french"]}, "languages"),
        ({"runtime_min": 200, "runtime_max": 100}, "runtime_max"),
        ({"sort_by": "popularity"}, "sort_by"),
        ({"page": 2}, "page"),  # paging is in the query string
        ({"page_size": 20}, "page_size"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_filters_are_400_naming_the_field(
    api_client: APIClient, catalog: dict, body: dict, field: str
) -> None:
    response = discover(api_client, body)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


def test_bad_filter_errors_in_french(api_client: APIClient, catalog: dict) -> None:
    response = discover(
        api_client, {"genres": ["Space Opera"], "year_from": 2000, "year_to": 1990}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "inconnu" in response.json()["errors"]["genres"][0].lower()
    assert response.json()["errors"]["year_to"] == [
        "« Jusqu’à l’année » ne doit pas précéder « À partir de l’année »."  # noqa: RUF001 (French apostrophes)
    ]


def test_callers_titles_of_every_status_are_excluded(
    auth_client: APIClient, user: User, catalog: dict
) -> None:
    for name, status in (
        ("The Godfather", Status.SEEN),
        ("Pulp Fiction", Status.LATER),
        ("Alien", Status.HIDDEN),
    ):
        Entry.objects.create(user=user, title=catalog[name], status=status)
    body = discover(auth_client).json()
    names = [c["title"] for c in body["results"]]
    assert not {"The Godfather", "Pulp Fiction", "Alien"} & set(names)
    assert body["excluded_count"] == 3
    assert all(c["user_status"] is None for c in body["results"])
    assert discover(auth_client, {"genres": ["Horror"]}).json()["excluded_count"] == 1  # only matches count


def test_anonymous_callers_get_the_same_feed_without_exclusion(
    api_client: APIClient, user: User, catalog: dict
) -> None:
    Entry.objects.create(user=user, title=catalog["The Godfather"], status=Status.SEEN)
    body = discover(api_client).json()
    assert body["results"][0]["title"] == "The Godfather"
    assert body["excluded_count"] == 0


def test_pages_stay_full_after_marking_hundreds_of_top_titles(auth_client: APIClient, user: User) -> None:
    titles = [TitleFactory(imdb_rating=9.0 - i * 0.01, imdb_votes=10_000 + i) for i in range(300)]
    titles_rescore(media_type=MediaType.MOVIE)
    ranked = list(Title.objects.order_by("-score", "pk").values_list("pk", flat=True))  # the feed's order
    Entry.objects.bulk_create([Entry(user=user, title_id=pk, status=Status.SEEN) for pk in ranked[:260]])
    first = discover(auth_client, query="?page_size=20").json()
    assert len(first["results"]) == 20
    assert first["excluded_count"] == 260
    assert [c["id"] for c in first["results"]] == ranked[260:280]
    assert first["next"] is not None
    second = auth_client.post(first["next"], {}, format="json").json()
    assert [c["id"] for c in second["results"]] == ranked[280:300]
    assert second["next"] is None
    assert len(titles) == 300


def test_constant_number_of_queries(
    auth_client: APIClient, user: User, catalog: dict, django_assert_max_num_queries
) -> None:
    genres = list(Genre.objects.all()[:4])
    for i in range(120):
        title = TitleFactory(imdb_rating=7, imdb_votes=100 + i)
        title.genres.set(genres)
        if i % 2:
            Entry.objects.create(user=user, title=title, status=Status.SEEN)
    titles_rescore(media_type=MediaType.MOVIE)
    # user, the ranking, the user's titles and whether they have hide rules (one query), the page, its genres
    with django_assert_max_num_queries(5):
        assert len(discover(auth_client, query="?page_size=100").json()["results"]) == 70
    with django_assert_max_num_queries(2):  # then the ranking and the titles are held: user, their titles
        assert len(discover(auth_client, query="?page_size=100").json()["results"]) == 70


# ---------------------------------------------------------------- detail and similar


def test_detail_shows_people_and_ratings_with_source_and_date(api_client: APIClient, catalog: dict) -> None:
    godfather = catalog["The Godfather"]
    body = api_client.get(f"/movies/{godfather.pk}", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert body["title"] == "Le Parrain"
    assert body["directors"] == ["Francis Ford Coppola"]
    assert body["actors"] == ["Marlon Brando", "Al Pacino"]
    imdb = next(r for r in body["ratings"] if r["source"] == "imdb")
    # The source says only a year: `as_of` (a day) stays null, `as_of_year` has it.
    assert (imdb["value"], imdb["votes"], imdb["as_of"], imdb["as_of_year"], imdb["used_for_score"]) == (
        9.2,
        1_500_000,
        None,
        2005,
        True,
    )
    amelie = api_client.get(f"/movies/{catalog['Amélie'].pk}").json()
    assert [(r["source"], r["value"], r["reviews"], r["used_for_score"]) for r in amelie["ratings"]] == [
        ("critics", 8.1, 231, True)
    ]


def test_detail_of_the_wrong_media_type_or_unknown_is_404(api_client: APIClient, catalog: dict) -> None:
    assert api_client.get(f"/movies/{catalog['The Bureau'].pk}").status_code == 404
    assert api_client.get(f"/tvshows/{catalog['The Bureau'].pk}").status_code == 200
    assert api_client.get("/movies/999999").status_code == 404
    assert api_client.get("/movies/abc").status_code == 404


def test_detail_carries_the_callers_status(auth_client: APIClient, user: User, catalog: dict) -> None:
    Entry.objects.create(user=user, title=catalog["Heat"], status=Status.LATER)
    assert auth_client.get(f"/movies/{catalog['Heat'].pk}").json()["user_status"] == "later"
