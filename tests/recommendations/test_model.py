"""The pure parts: EASE weights, sequel detection, diversification."""

import numpy as np
import pytest

from recommendations.diversity import MAX_PER_DIRECTOR, MAX_PER_GENRES, Candidate, diversify
from recommendations.ease import ease_weights
from recommendations.feedback import entry_signal, training_weights
from recommendations.franchises import FranchiseTitle, instalment, sequel_links


def two_audiences(*, k: int, k_negative: int) -> dict[tuple[int, int], float]:
    """EASE weights when titles 10 and 11 are always seen together, 12 and 13 too, and 14 by everyone."""
    people = [(u, t) for u in range(20) for t in ((10, 11, 14) if u % 2 else (12, 13, 14))]
    users = np.array([u for u, _t in people])
    items = np.array([t for _u, t in people])
    found = ease_weights(
        users, items, np.ones(len(people)), l2=1.0, k=k, k_negative=k_negative, min_support=3
    )
    assert found.item_count == 5
    return {(a, b): w for a, b, w in zip(found.items, found.neighbours, found.weights, strict=True)}


def test_ease_links_titles_watched_together_and_never_an_item_to_itself() -> None:
    weights = two_audiences(k=2, k_negative=0)
    assert all(a != b for a, b in weights)
    assert weights[(10, 11)] > weights.get((10, 12), 0.0)
    assert weights[(12, 13)] > weights.get((12, 10), 0.0)
    assert all(w > 0 for w in weights.values())
    assert sum(1 for a, _b in weights if a == 10) <= 2  # k per item


def test_ease_keeps_the_most_negative_weights_too() -> None:
    weights = two_audiences(k=1, k_negative=1)  # 12 and 13 are never seen with 10: they count against it
    assert weights[(10, 11)] > 0
    assert [w for (a, _b), w in weights.items() if a == 10 and w < 0]  # one negative weight kept
    assert sum(1 for a, _b in weights if a == 10) == 2  # k positive + k_negative negative
    assert max(w for (a, b), w in weights.items() if a == 10 and b in (12, 13)) < 0


def test_ease_leaves_out_titles_too_few_people_saw() -> None:
    users = np.array([0, 0, 1, 1, 2, 2, 3])
    items = np.array([1, 2, 1, 2, 1, 2, 3])  # title 3: one person
    found = ease_weights(users, items, np.ones(7), l2=1.0, k=5, k_negative=5, min_support=2)
    assert found.item_count == 2
    assert 3 not in set(found.items) | set(found.neighbours)


def test_ease_without_data_learns_nothing() -> None:
    found = ease_weights(np.array([]), np.array([]), np.array([]), l2=1.0, k=5, k_negative=5, min_support=1)
    assert len(found) == 0 and found.item_count == 0


def test_low_ratings_weigh_less_in_training_and_count_against_at_serving() -> None:
    weights = training_weights(np.array([10.0, 6.0, 2.0, np.nan]))
    assert weights[0] > weights[3] > weights[1] > weights[2] > 0
    assert entry_signal("seen", 10) > entry_signal("seen", None) > entry_signal("seen", 5) > 0
    assert entry_signal("seen", 2) < 0 and entry_signal("hidden", None) < entry_signal("seen", 2)
    assert entry_signal("later", None) > 0


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("The Godfather Part II", ("godfather", 2)),
        ("The Godfather", ("godfather", 1)),
        ("Alien 3", ("alien", 3)),
        ("Terminator 2: Judgment Day", ("terminator", 2)),
        ("Kill Bill: Vol. 1", ("kill bill", 1)),
        ("Rocky IV", ("rocky", 4)),
        ("Apollo 13", ("apollo 13", 1)),  # past any plausible instalment number
        ("2001: A Space Odyssey", ("2001 a space odyssey", 1)),
    ],
)
def test_instalment_numbers(title: str, expected: tuple[str, int]) -> None:
    assert instalment(title) == expected


def _film(pk: int, title: str, year: int, *people: str) -> FranchiseTitle:
    return FranchiseTitle(pk=pk, media_type="movie", title=title, year=year, people=frozenset(people))


def test_a_sequel_continues_the_closest_earlier_instalment_that_shares_people() -> None:
    films = [
        _film(1, "The Godfather", 1972, "Francis Ford Coppola", "Al Pacino"),
        _film(2, "The Godfather Part II", 1974, "Francis Ford Coppola", "Al Pacino"),
        _film(3, "The Godfather: Part III", 1990, "Francis Ford Coppola", "Al Pacino"),
        _film(4, "Alien", 1979, "Ridley Scott", "Sigourney Weaver"),
        _film(5, "Alien 3", 1992, "David Fincher", "Sigourney Weaver"),  # no "Alien 2": continues Alien
        _film(6, "Henry IV", 1984, "Marco Bellocchio"),
        _film(7, "Henry V", 1989, "Kenneth Branagh"),  # no one in common: not a sequel
        _film(8, "Heat 2", 1960, "Someone"),
        _film(9, "Heat", 1995, "Someone"),  # the "sequel" is older: not a sequel
    ]
    assert sequel_links(films) == [(2, 1), (3, 2), (5, 4)]


def _candidate(pk: int, relevance: float, genres: set[int], director: str) -> Candidate:
    return Candidate(pk=pk, relevance=relevance, genres=frozenset(genres), directors=frozenset({director}))


def test_ten_picks_hold_few_titles_of_one_director_or_one_genre_mix_when_others_exist() -> None:
    clones = [_candidate(i, 100 - i, {80, 18}, "Michael Mann") for i in range(12)]
    others = [_candidate(100 + i, 50 - i, {35 + i}, f"Director {i}") for i in range(12)]
    picks = diversify(clones + others, 10)
    assert len(picks) == 10 and len(set(picks)) == 10
    assert sum(pk < 100 for pk in picks) <= min(MAX_PER_DIRECTOR, MAX_PER_GENRES)
    assert picks[0] == 0  # the best still comes first


def test_diversity_gives_way_when_nothing_else_is_left() -> None:
    clones = [_candidate(i, 10 - i, {18}, "Same") for i in range(5)]
    assert diversify(clones, 5) == [0, 1, 2, 3, 4]


def test_the_first_picks_do_not_depend_on_how_many_are_asked_for() -> None:
    rng = np.random.default_rng(1)
    candidates = [
        _candidate(i, float(rng.random()), {int(g) for g in rng.choice(6, 2)}, f"D{rng.integers(5)}")
        for i in range(60)
    ]
    assert diversify(candidates, 40)[:20] == diversify(candidates, 20)
