"""A title's and an entry's values are checked where they are typed: on their field, in words."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from catalog.models import MediaType, Title
from library.models import Entry, Status
from tests.factories import DataSourceFactory, TitleFactory, UserFactory

pytestmark = pytest.mark.django_db


def _errors(title: Title) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        title.full_clean()
    return caught.value.message_dict


def _title(**values) -> Title:
    defaults = {
        "media_type": MediaType.MOVIE,
        "title_en": "A film",
        "year": 2001,
        "source": DataSourceFactory(),
    }
    return Title(**{**defaults, **values})


def test_a_plausible_title_is_clean() -> None:
    _title(
        imdb_id="tt0110912",
        original_language="fr",
        countries=["FR", "SU"],
        directors=["Jean-Pierre Jeunet"],
        release_date=datetime.date(2001, 4, 25),
    ).full_clean()


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"year": 99999}, "year", "not a plausible year"),
        ({"year": 1200}, "year", "not a plausible year"),
        ({"imdb_id": "abc"}, "imdb_id", "is not an IMDb id"),
        ({"imdb_id": "tt123"}, "imdb_id", "is not an IMDb id"),
        ({"original_language": "french"}, "original_language", "is not a language code"),
        ({"countries": ["France"]}, "countries", "“France”"),
        ({"countries": "FR"}, "countries", "a list of codes"),
        ({"directors": "Jean-Pierre Jeunet"}, "directors", "list of names"),
        ({"cast": ["", "Audrey Tautou"]}, "cast", "empty names"),
        ({"first_air_year": 2001}, "first_air_year", "Only TV shows"),
        ({"release_date": datetime.date(1999, 1, 1)}, "release_date", "not in the title's year (2001)"),
    ],
)
def test_bad_values_are_named_on_their_field(values: dict, field: str, words: str) -> None:
    errors = _errors(_title(**values))
    assert field in errors
    assert words in " ".join(errors[field])


def test_air_years_in_order_on_a_tv_show() -> None:
    errors = _errors(_title(media_type=MediaType.TV, first_air_year=2015, last_air_year=2010))
    assert "before the first (2015)" in errors["last_air_year"][0]


def test_a_duplicate_imdb_id_names_the_title_that_has_it() -> None:
    TitleFactory(title_en="Pulp Fiction", year=1994, imdb_id="tt0110912")
    errors = _errors(_title(imdb_id="tt0110912"))
    assert errors["imdb_id"] == ["IMDb id tt0110912 is already used by Pulp Fiction (1994)."]
    assert "__all__" not in errors


def test_an_entry_rating_out_of_range_is_said_in_words() -> None:
    entry = Entry(user=UserFactory(), title=TitleFactory(), status=Status.SEEN, rating=11)
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert caught.value.message_dict == {"rating": ["A rating is from 1 to 10, not 11."]}
