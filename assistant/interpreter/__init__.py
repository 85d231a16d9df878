"""Offline interpreter for the chat assistant: one message in, one structured request out.

Pure Python on purpose (no database, no Django, no network): it is fast, deterministic and testable alone.
Another module turns an Interpretation into catalog queries and resolves the title and person texts with
the catalog's typo-tolerant search, so this one only cuts those texts out of the message.

How a message is read:
1. it is folded (lower case, accents stripped) with a map back to the typed characters, so titles and
   names come back exactly as typed (`scan`);
2. free text is read first: titles after "like"/"comme", searches, people after "with"/"avec". Every span
   understood is blanked, so "like The Good, the Bad and the Ugly" never also yields a rating filter
   (`references`);
3. filters are read from what is left, with small EN/FR word tables and regexes (`filters`, `lexicon`);
4. the intent is decided last, from what was found.
"""

from assistant.interpreter.audience import read_audience
from assistant.interpreter.filters import read_filters
from assistant.interpreter.lexicon import (
    CONTRAST_START,
    ENGLISH_WORDS,
    FRENCH_WORDS,
    GREETING,
    KEYBOARD_RUNS,
    MORE,
    MORE_ONLY,
    QUESTION,
    REFINE_PRONOUN,
    REFINE_START,
    REPLACE,
    RESET,
    RESET_WEAK,
    SIMILAR_NO_TITLE,
    SMALL_TALK,
    STOPWORDS,
    words_in,
)
from assistant.interpreter.references import read_people, read_search, read_similar
from assistant.interpreter.scan import Scan, message_language
from assistant.interpreter.types import INTENTS, Interpretation
from assistant.state import MAX_MESSAGE_CHARS

__all__ = ["INTENTS", "Interpretation", "interpret"]


def interpret(message: str) -> Interpretation:
    """Read one chat message (English or French) into an Interpretation."""
    scan = Scan(message[:MAX_MESSAGE_CHARS])
    french_guess = message_language(scan) == "fr"  # first guess, before titles are known
    audience = read_audience(scan)  # "for the two of us", "on Netflix": before titles and genres
    similar_titles, ordinal, like_this = read_similar(scan, french_guess)
    search_titles = [] if similar_titles or ordinal else read_search(scan, french_guess)
    people = read_people(scan)
    like_this = bool(scan.take(SIMILAR_NO_TITLE)) or like_this
    similar = bool(similar_titles or ordinal or like_this)
    reset = bool(scan.take(RESET)) or (not similar and bool(scan.take(RESET_WEAK)))
    language = message_language(scan)
    scan.take(GREETING)
    found = read_filters(scan, language == "fr")
    more = bool(MORE_ONLY.match(scan.text)) or bool(scan.take(MORE))
    replacing = bool(scan.take(REPLACE)) or bool(CONTRAST_START.match(scan.folded))
    understood = bool(found.found() or people or similar_titles or search_titles or ordinal or reset or more)
    understood = understood or bool(audience.group or audience.on_my_services or audience.services)

    if not understood and _small_talk(scan, like_this):
        intent = "clarify"
    elif reset:
        intent = "reset"
    elif similar:
        intent = "similar"
    elif search_titles:
        intent = "search"
    elif more and not found.found() and not people:
        intent = "more"
    elif (
        found.adjustments
        or more
        or (replacing and bool(found.genres))
        or REFINE_START.match(scan.folded)
        or REFINE_PRONOUN.search(scan.folded)
        or (found.excluded and not found.wanted() and not people)
    ):
        intent = "refine"
    else:
        intent = "discover"

    year_from, year_to = found.years()
    return Interpretation(
        intent=intent,
        language=language,
        media_type=found.media[0] if len(found.media) == 1 else None,
        genres=tuple(found.genres),
        required_genres=tuple(found.required),
        exclude_genres=tuple(found.excluded),
        year_from=year_from,
        year_to=year_to,
        min_rating=max(found.ratings) if found.ratings else None,
        runtime_min=found.runtime_min,
        runtime_max=found.runtime_max,
        languages=tuple(found.languages),
        people=tuple(people),
        titles=tuple(similar_titles or search_titles),
        adjustments=tuple(found.adjustments),
        ordinal=ordinal,
        group=audience.group,
        on_my_services=audience.on_my_services,
        services=audience.services,
    )


_VOWELS = frozenset("aeiouy")
_KNOWN = STOPWORDS | ENGLISH_WORDS | FRENCH_WORDS


def _gibberish(word: str) -> bool:
    """A word no one types on purpose: no vowel, a run along the keyboard, a letter thrice or five
    consonants in a row ("asdfgh", "zzzz", "xkcdqwrt"); a real but unknown word ("Ratatouille") is not."""
    if len(word) < 3 or word.isdigit():
        return False
    if not _VOWELS & set(word) or any(run in word for run in KEYBOARD_RUNS):
        return True
    if any(word[i] == word[i + 1] == word[i + 2] for i in range(len(word) - 2)):
        return True
    consonants = 0
    for char in word:
        consonants = 0 if char in _VOWELS or not char.isalpha() else consonants + 1
        if consonants >= 5:
            return True
    return False


def _small_talk(scan: Scan, like_this: bool) -> bool:
    """Nothing to search for: a greeting, thanks, a request for help, a question the catalog cannot
    answer ("what's the weather like?") or keyboard mashing."""
    if SMALL_TALK.search(scan.folded) or QUESTION.match(scan.folded):
        return True
    if like_this:  # "something like": the reply asks which title
        return False
    unknown = [word for word in words_in(scan.text) if word not in _KNOWN]
    return bool(unknown) and all(_gibberish(word) for word in unknown)
