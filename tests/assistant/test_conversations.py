"""The evaluation table (conversations.yaml): every message alone, field by field, and every conversation
with a `final` through the chat service, with the request it leaves in the session.

The same table drives bench/assistant_quality.py on the real catalog; here the small catalog of
tests/catalog_fixture.py serves, with the namesakes the table asks about.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml

from accounts.models import User
from assistant.interpreter import Interpretation, interpret
from assistant.models import ChatSession
from assistant.services import chat_turn
from assistant.state import ConversationState
from catalog.models import Title
from tests.factories import TitleFactory, UserFactory

TABLE = Path(__file__).with_name("conversations.yaml")
CONVERSATIONS: list[dict[str, Any]] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))["conversations"]
TURNS = [
    (conversation["lang"], message, meaning)
    for conversation in CONVERSATIONS
    for message, meaning in conversation["turns"]
]
IN_CONTEXT = [c for c in CONVERSATIONS if "final" in c]
GENRE_FIELDS = ("genres", "required_genres", "exclude_genres")


def interpretation(language: str, meaning: dict[str, Any]) -> Interpretation:
    """The whole Interpretation a table row describes: lists become tuples, numbers stay numbers; keyboard
    mashing says nothing of a language but its keyboard's, so such a row names the language read."""
    fields = {key: tuple(value) if isinstance(value, list) else value for key, value in meaning.items()}
    return Interpretation(**{"language": language, **fields})  # a row may say its own language


def conversation_id(conversation: dict[str, Any]) -> str:
    return " / ".join(message for message, _ in conversation["turns"])


@pytest.mark.parametrize(
    ("language", "message", "meaning"), TURNS, ids=[f"{lang}:{message}" for lang, message, _ in TURNS]
)
def test_every_message_alone(language: str, message: str, meaning: dict[str, Any]) -> None:
    assert interpret(message) == interpretation(language, meaning)


def test_the_table_is_large_and_half_french() -> None:
    assert len(TURNS) >= 300
    assert sum(language == "fr" for language, _, _ in TURNS) >= len(TURNS) / 2
    assert sum(len(c["turns"]) > 1 for c in CONVERSATIONS) >= 60  # conversations of 2 to 4 turns
    assert all(1 <= len(c["turns"]) <= 4 for c in CONVERSATIONS)


@pytest.fixture
def namesakes(catalog: dict[str, Title]) -> None:
    """People the table names whose names are close to another's, or a surname several people share."""
    TitleFactory(
        title_en="Léon: The Professional", cast=["Jean Reno", "Natalie Portman"], imdb_votes=1_200_000
    )
    TitleFactory(title_en="Grand Illusion", directors=["Jean Renoir"], imdb_votes=40_000)
    TitleFactory(title_en="Spirited Away", directors=["Hayao Miyazaki"], imdb_votes=900_000)
    TitleFactory(title_en="Tales from Earthsea", directors=["Goro Miyazaki"], imdb_votes=40_000)
    TitleFactory(title_en="Taxi Driver", directors=["Martin Scorsese"], cast=["Robert De Niro"], year=1976)
    TitleFactory(title_en="Ronin", cast=["Robert De Niro", "Jean Reno"], year=1998)
    TitleFactory(title_en="Sicario", cast=["Benicio del Toro", "Emily Blunt"], year=2015)
    TitleFactory(title_en="La Chèvre", cast=["Gérard Depardieu", "Pierre Richard"], year=1981)
    TitleFactory(title_en="Gone with the Wind", cast=["Olivia de Havilland"], year=1939)
    TitleFactory(title_en="Inception", directors=["Christopher Nolan"], imdb_votes=2_500_000, year=2010)
    TitleFactory(title_en="Westworld", writers=["Jonathan Nolan"], imdb_votes=50_000)
    TitleFactory(title_en="Breathless", cast=["Jean-Paul Belmondo"], year=1960, imdb_votes=80_000)
    TitleFactory(title_en="Rear Window", directors=["Alfred Hitchcock"], year=1954)


@pytest.fixture
def someone(db: None) -> User:
    return UserFactory()


def _normalized(filters: dict[str, Any]) -> dict[str, Any]:
    return {key: sorted(value) if key in GENRE_FIELDS else value for key, value in filters.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("conversation", IN_CONTEXT, ids=[conversation_id(c) for c in IN_CONTEXT])
def test_every_conversation_in_context(conversation: dict[str, Any], namesakes: None, someone: User) -> None:
    session_id = None
    for message, _meaning in conversation["turns"]:
        turn = chat_turn(user=someone, message=message, session_id=session_id)
        session_id = turn.session.pk
    final = conversation["final"]
    assert turn.intent == final["intent"]
    state = ConversationState.from_json(ChatSession.objects.get(pk=session_id).state)
    if "filters" in final:
        assert _normalized(state.filters.to_json()) == _normalized(final["filters"])
    if "similar_to" in final:
        assert state.anchor is not None
        assert Title.objects.get(pk=state.anchor).title_en == final["similar_to"]
    if "query" in final:
        assert (state.mode, state.query) == ("search", final["query"])
    if final["intent"] == "clarify":
        assert turn.titles == []
        assert "Alien" in turn.reply  # examples of what to ask, in the language read
        french = interpret(conversation["turns"][-1][0]).language == "fr"
        assert ("Dites-moi" in turn.reply) is french
