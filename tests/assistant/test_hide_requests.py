"""A chat message asking never to see a kind of title again makes a hide rule, in English and French, and
the next answers leave those titles out; other messages that start alike are still requests."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from catalog.models import Title
from library.models import HideRule

pytestmark = pytest.mark.django_db


def chat(client: APIClient, message: str) -> dict:
    response = client.post("/chat", {"message": message}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


@pytest.mark.parametrize(
    ("message", "kind", "label"),
    [
        ("no more horror", "genre", "Horror"),
        ("plus de films d'horreur", "genre", "Horreur"),
        ("Never show me films by Stanley Kubrick", "person", "Stanley Kubrick"),
        ("rien avant 1970", "before", "1970"),
        ("nothing after 2010", "after", "2010"),
    ],
)
def test_a_hide_request_makes_a_rule(
    auth_client: APIClient, user: User, catalog: dict[str, Title], message: str, kind: str, label: str
) -> None:
    answer = chat(auth_client, message)
    assert answer["intent"] == "hide" and answer["results"] == []
    assert label in answer["reply"]
    assert HideRule.objects.filter(user=user, kind=kind).count() == 1


def test_the_next_answers_leave_the_rules_titles_out(
    auth_client: APIClient, user: User, catalog: dict[str, Title]
) -> None:
    horror = {t.title_en for t in catalog.values() if t.genres.filter(name_en="Horror").exists()}
    assert horror & {c["title"] for c in chat(auth_client, "a horror film")["results"]}
    chat(auth_client, "no more horror")
    assert not horror & {c["title"] for c in chat(auth_client, "a horror film")["results"]}


@pytest.mark.parametrize("message", ["plus de 8/10", "plus de 2 heures", "no more than 90 minutes"])
def test_requests_that_start_alike_are_still_requests(
    auth_client: APIClient, user: User, catalog: dict[str, Title], message: str
) -> None:
    assert chat(auth_client, message)["intent"] != "hide"
    assert not HideRule.objects.exists()
