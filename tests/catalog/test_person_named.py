"""catalog.people.person_named: a whole name is that person only; a surname alone is its best-known bearer."""

import pytest

from catalog.people import person_named
from tests.factories import TitleFactory

pytestmark = pytest.mark.django_db


def test_a_whole_name_never_means_a_longer_one() -> None:
    TitleFactory(title_en="Grand Illusion", directors=["Jean Renoir"], imdb_votes=40_000)
    assert person_named("Jean Reno") is None
    TitleFactory(title_en="Léon", cast=["Jean Reno"], imdb_votes=1_000_000)
    assert person_named("jean reno").name == "Jean Reno"
    assert person_named("Jean Renoir").name == "Jean Renoir"


def test_a_surname_alone_is_the_best_known_of_that_name() -> None:
    TitleFactory(title_en="Tales from Earthsea", directors=["Goro Miyazaki"], imdb_votes=40_000)
    TitleFactory(title_en="Two Films", cast=["Aoi Miyazaki"], imdb_votes=1_000)
    TitleFactory(title_en="Spirited Away", directors=["Hayao Miyazaki"], imdb_votes=800_000)
    assert person_named("Miyazaki").name == "Hayao Miyazaki"
    assert person_named("miyazakí").name == "Hayao Miyazaki"  # typed without care for accents
    assert person_named("Zyzzyx") is None
    assert person_named("") is None
