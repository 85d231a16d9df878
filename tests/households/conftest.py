# The recommender's fixtures: titles with genres, learned weights written as training writes them, marks.
from tests.recommendations.conftest import genres, link, make_title, mark  # noqa: F401
