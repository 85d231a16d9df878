"""Keyword search that knows people and fame: a person's titles first, famous titles winning near-ties, no
unrelated titles when nothing matches, a pointer to the other media type, every name of a title.

Titles come from factories with the credits and votes each case needs; requests go through the API and
the Search page. They run on SQLite (rapidfuzz candidates) and on PostgreSQL (pg_trgm) in CI."""

from urllib.parse import quote_plus

import pytest
from django.test import Client
from rest_framework.test import APIClient

from catalog.models import Credit, Person, Title
from catalog.people import credits_rebuild
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


def film(title: str, *, score: float = 7.0, votes: int = 1000, **fields: object) -> Title:
    return TitleFactory(title_en=title, score=score, imdb_votes=votes, **fields)


def search(client: APIClient, query: str, route: str = "movies") -> dict:
    response = client.post(f"/{route}/search-by-keywords", {"query": query}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def names(body: dict) -> list[str]:
    return [card["title"] for card in body["results"]]


@pytest.fixture
def directors(db: None) -> dict[str, Title]:
    """Two directors with a few films each, an actor with a near name, and titles holding the words."""
    return {
        "Paths of Glory": film("Paths of Glory", score=8.4, directors=["Stanley Kubrick"]),
        "The Shining": film("The Shining", score=8.2, directors=["Stanley Kubrick"], cast=["Jack Nicholson"]),
        "Spartacus": film("Spartacus", score=7.6, directors=["Stanley Kubrick"], cast=["Kirk Douglas"]),
        "Stanley Kubrick: A Life in Pictures": film(
            "Stanley Kubrick: A Life in Pictures", score=7.9, cast=["Stanley Kubrick", "Vivian Kubrick"]
        ),
        "Kubrick's Corner": film("Kubrick's Corner", score=5.0),
        "Leon": film("Léon: The Professional", score=8.5, cast=["Jean Reno", "Natalie Portman"]),
        "Ronin": film("Ronin", score=7.2, cast=["Robert De Niro", "Jean Reno"]),
        "The Grand Illusion": film("The Grand Illusion", score=8.1, directors=["Jean Renoir"]),
        "The Rules of the Game": film("The Rules of the Game", score=8.0, directors=["Jean Renoir"]),
        "Rear Window": film("Rear Window", votes=100_000, score=8.5, directors=["Alfred Hitchcock"]),
        "Psycho": film("Psycho", votes=100_000, score=8.5, directors=["Alfred Hitchcock"]),
        "Vertigo": film("Vertigo", votes=100_000, score=8.3, directors=["Alfred Hitchcock"]),
        "Hitchcock": film("Hitchcock", votes=0, critics_reviews=200, score=6.8, cast=["Anthony Hopkins"]),
        "The Hitchcock Files": film("The Hitchcock Files", score=6.0),
        "Fargo": film("Fargo", score=8.1, directors=["Joel Coen", "Ethan Coen"]),
        "The Big Lebowski": film("The Big Lebowski", score=8.1, directors=["Joel Coen", "Ethan Coen"]),
        "No Country for Old Men": film(
            "No Country for Old Men", score=8.2, directors=["Joel Coen", "Ethan Coen"]
        ),
    }


def test_a_directors_name_lists_their_films_first_best_first(api_client: APIClient, directors: dict) -> None:
    body = search(api_client, "kubrick")
    assert names(body)[:3] == ["Paths of Glory", "The Shining", "Spartacus"]
    # the titles that merely hold the word come after the films
    assert set(names(body)[3:]) == {"Stanley Kubrick: A Life in Pictures", "Kubrick's Corner"}
    assert body["people"] == [{"name": "Stanley Kubrick", "role": "director", "titles": 4}]
    assert body["good_match"] is True


def test_a_misspelt_name_finds_the_person(api_client: APIClient, directors: dict) -> None:
    assert search(api_client, "kubrik")["people"][0]["name"] == "Stanley Kubrick"
    assert names(search(api_client, "stanley kubrik"))[0] == "Paths of Glory"


def test_an_actor_and_not_a_near_name(api_client: APIClient, directors: dict) -> None:
    body = search(api_client, "jean reno")
    assert body["people"] == [{"name": "Jean Reno", "role": "actor", "titles": 2}]
    assert names(body)[:2] == ["Léon: The Professional", "Ronin"]
    assert "The Grand Illusion" not in names(body)  # Jean Renoir's
    assert search(api_client, "renoir")["people"][0]["name"] == "Jean Renoir"
    assert search(api_client, "de niro")["people"] == [
        {"name": "Robert De Niro", "role": "actor", "titles": 1}
    ]


def test_at_most_one_title_named_like_the_person_comes_first(api_client: APIClient, directors: dict) -> None:
    body = search(api_client, "hitchcock")
    assert names(body)[:4] == ["Hitchcock", "Rear Window", "Psycho", "Vertigo"]
    assert names(body)[4:] == ["The Hitchcock Files"]
    assert body["people"][0] == {"name": "Alfred Hitchcock", "role": "director", "titles": 3}


def test_a_pair_of_directors_is_named_together(api_client: APIClient, directors: dict) -> None:
    body = search(api_client, "coen")
    assert {p["name"] for p in body["people"]} == {"Joel Coen", "Ethan Coen"}
    assert names(body) == ["No Country for Old Men", "Fargo", "The Big Lebowski"]


def test_famous_titles_win_near_ties(api_client: APIClient) -> None:
    film("3 Godfathers", score=7.0, votes=800)
    film("The Godfather", score=9.2, votes=120_000)
    film("The Godfather Part II", score=9.0, votes=70_000)
    film("The Dark Knight Rises", score=7.2, votes=0, movielens_ratings=40, critics_reviews=376)
    film("The Dark Knight", score=8.2, votes=0, movielens_ratings=99, critics_reviews=341)
    assert names(search(api_client, "godfater"))[0] == "The Godfather"
    assert names(search(api_client, "dark knight"))[:2] == ["The Dark Knight", "The Dark Knight Rises"]


def test_a_title_is_found_by_any_of_its_names(api_client: APIClient) -> None:
    godfather = film(
        "The Godfather",
        title_fr="Le Parrain",
        original_title="The Godfather",
        alternate_titles=["Der Pate", "Il padrino"],
    )
    film("Purple Rain", score=6.5)
    film("Hard Rain", score=5.8)
    for query in ("le parrain", "le parain", "der pate", "il padrino", "godfather"):
        assert search(api_client, query)["results"][0]["id"] == godfather.pk, query
    amelie = film("Amélie", original_title="Le Fabuleux Destin d'Amélie Poulain", original_language="fr")
    assert search(api_client, "fabuleux destin")["results"][0]["id"] == amelie.pk


def test_no_good_match_says_so(api_client: APIClient) -> None:
    film("Death in Paradise", media_type="tv")
    film("Twin Town", score=6.0)
    body = search(api_client, "zorvath quendel")
    assert body["results"] == [] and body["good_match"] is False
    tv = search(api_client, "twin peak", route="tvshows")
    assert (tv["results"], tv["good_match"]) == ([], False)  # not Death in Paradise
    html = Client().get("/search/?q=zorvath+quendel").content.decode()
    assert "No good match for “zorvath quendel”" in html
    assert 'class="cards"' not in html


def test_the_other_media_type_is_pointed_at(api_client: APIClient) -> None:
    show = film("Breaking Bad", media_type="tv", score=None, votes=0)
    film("Breaking Away", score=7.7)
    body = search(api_client, "breaking bad")
    assert body["other_media_type"]["media_type"] == "tv"
    assert body["other_media_type"]["title"]["id"] == show.pk
    assert search(api_client, "breaking away")["other_media_type"] is None
    assert search(api_client, "breaking bad", route="tvshows")["other_media_type"] is None
    html = Client().get("/search/?q=breaking+bad&media=movie").content.decode()
    assert "A TV show matches better: “Breaking Bad”." in html
    assert f'href="/search/?q={quote_plus("breaking bad")}&amp;media=tv"' in html


def test_the_search_page_says_whose_films_lead(directors: dict) -> None:
    browser = Client()
    html = browser.get("/search/?q=kubrick&media=movie").content.decode()
    assert "Films by Stanley Kubrick" in html
    assert "Films with Jean Reno" in browser.get("/search/?q=jean+reno&media=movie").content.decode()
    french = browser.get("/search/?q=kubrick&media=movie&lang=fr").content.decode()
    assert "Films de Stanley Kubrick" in french


# ---------------------------------------------------------------- the person index


def test_saving_a_title_keeps_its_credits(db: None) -> None:
    title = film("Heat", directors=["Michael Mann"], cast=["Al Pacino", "Robert De Niro", "Jr."])
    assert set(Credit.objects.filter(title=title).values_list("person__name", "role")) == {
        ("Michael Mann", "director"),
        ("Al Pacino", "actor"),
        ("Robert De Niro", "actor"),
    }  # "Jr." is what a comma left of someone's name, not a name
    title.cast = ["Al Pacino", "Val Kilmer"]
    title.save()
    assert set(Credit.objects.filter(title=title, role="actor").values_list("person__name", flat=True)) == {
        "Al Pacino",
        "Val Kilmer",
    }
    assert Person.objects.get(search_name="val kilmer").titles == 1
    assert Person.objects.get(search_name="robert de niro").titles == 0


def test_the_rebuild_follows_bulk_writes_and_writes_nothing_twice(db: None) -> None:
    heat = film("Heat", directors=["Michael Mann"])
    Title.objects.filter(pk=heat.pk).update(directors=["Michael Mann"], cast=["Al Pacino"], search_people="x")
    film("Ronin", cast=["Jean Reno"]).delete()
    assert credits_rebuild() == 1  # Al Pacino's credit added
    assert credits_rebuild() == 0
    assert set(Person.objects.values_list("name", "titles")) == {("Michael Mann", 1), ("Al Pacino", 1)}
