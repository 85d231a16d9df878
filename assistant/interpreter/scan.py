"""A message being read: folded for matching, with a map back to what was typed, and its language."""

import re
import unicodedata

from assistant.interpreter.lexicon import (
    AZERTY_RUNS,
    ELISION,
    ENGLISH_WORDS,
    FRENCH_WORDS,
    LOANWORDS,
    words_in,
)

BLANK = "|"  # replaces understood text: not a letter and not a space, so nothing can match across it
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss"}
_PUNCTUATION = str.maketrans(  # typographic quotes and dashes, as phones type them
    {
        "\u2019": "'",
        "\u2018": "'",
        "`": "'",
        "\u00b4": "'",
        "\u00ab": '"',
        "\u00bb": '"',
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
    }
)


def _fold(message: str) -> tuple[str, list[int]]:
    """Lower-case, accent-free copy of `message`, plus the index of the typed character behind each one.

    Matching on the folded text makes "Comédie", "comedie" and "COMÉDIE" equal; the index map lets titles and
    names be returned with their own capitals and accents.
    """
    text = message.translate(_PUNCTUATION)
    if text.isascii():  # the common case, and every re-read of already folded text
        return text.lower(), list(range(len(text)))
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        lowered = char.lower()
        if lowered.isascii():
            chars.append(lowered)
            origin.append(index)
            continue
        for part in _LIGATURES.get(lowered) or unicodedata.normalize("NFKD", lowered):
            if not unicodedata.combining(part):
                chars.append(part)
                origin.append(index)
    return "".join(chars), origin


class Scan:
    """A message being read: its folded text, where every span already understood is blanked out."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.folded, self._origin = _fold(message)
        self.text = self.folded
        self.free_text: list[tuple[int, int]] = []  # titles and names: not evidence of the message language

    def blank(self, start: int, end: int) -> None:
        self.text = self.text[:start] + BLANK * (end - start) + self.text[end:]

    def take(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        """Every match of `pattern` in what is still unread, blanked so no later rule reads it again."""
        matches = list(pattern.finditer(self.text))
        for match in matches:
            self.blank(match.start(), match.end())
        return matches

    def typed(self, start: int, end: int) -> str:
        """The message's own characters behind a folded span."""
        return self.message[self._origin[start] : self._origin[end - 1] + 1]

    def capitalized(self, position: int) -> bool:
        """Whether the character behind a folded position was typed upper-case (or is a digit: "2001")."""
        if position >= len(self._origin):  # the end of the message
            return False
        char = self.message[self._origin[position]]
        return char.isupper() or char.isdigit()

    def has_accent_outside(self, spans: list[tuple[int, int]]) -> bool:
        """Whether an accented letter was typed outside titles and names (a hint the message is French)."""
        if self.message.isascii():
            return False
        for position, folded in enumerate(self.folded):
            char = self.message[self._origin[position]]
            if char.isalpha() and folded != char.lower() and not any(a <= position < b for a, b in spans):
                return True
        return False


def message_language(scan: Scan) -> str:
    """French when French function words, elisions or accents outweigh English ones (titles excluded)."""
    probe = list(scan.folded)
    for start, end in scan.free_text:
        probe[start:end] = BLANK * (end - start)
    text = LOANWORDS.sub(" ", "".join(probe))
    words = words_in(text)
    french = sum(w in FRENCH_WORDS for w in words) + 2 * len(ELISION.findall(text))
    french += 2 * scan.has_accent_outside(scan.free_text)
    french += sum(any(run in w for run in AZERTY_RUNS) for w in words)
    english = sum(w in ENGLISH_WORDS for w in words)
    return "fr" if french > english else "en"
