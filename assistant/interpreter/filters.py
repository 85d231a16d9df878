"""Filters read from what is left of a message: genres, media, original languages, years, ratings, runtime.

Each rule blanks what it understood, so a later one never reads the same words twice; the order of
`read_filters` is the priority of the rules.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from assistant.interpreter.lexicon import (
    ADJUSTMENT_PATTERN,
    ADJUSTMENTS,
    AFTER,
    BEFORE,
    COUNTED,
    EN_DECADES,
    FR_DECADES,
    GENRE_PATTERN,
    GENRES,
    GENRES_ALL,
    HOURS,
    LANGUAGE_PATTERN,
    LANGUAGES,
    LONG,
    MEDIA,
    MEDIA_PATTERN,
    MOOD_EXCLUDES,
    NEGATED,
    OLD,
    QUALITY,
    QUALITY_TOP,
    RATING,
    RECENT,
    RUNTIME,
    SHORT,
    SHORT_FR,
    SHOW_VERB,
    SINCE,
    STOPWORDS,
    SUBTITLES,
    TIME,
    UNTIL,
    WORD,
    row,
)
from assistant.interpreter.scan import Scan

RECENT_FROM = 2015
OLD_UNTIL = 1979
SHORT_MAX = 100
LONG_MIN = 120


@dataclass
class FoundFilters:
    """Filters found so far; mutable while reading, frozen into an Interpretation at the end."""

    media: list[str] = field(default_factory=list)
    genres: list[int] = field(default_factory=list)
    required: list[int] = field(default_factory=list)  # genres every title must have
    excluded: list[int] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    periods: list[tuple[int, int]] = field(default_factory=list)  # "in the 90s": union of all
    year_from_bound: int | None = None  # "after 2010", "since 2010"
    year_to_bound: int | None = None  # "before 1980", "until 1980"
    recent: bool = False
    old: bool = False
    ratings: list[float] = field(default_factory=list)
    runtime_min: int | None = None
    runtime_max: int | None = None
    adjustments: list[str] = field(default_factory=list)

    def wanted(self) -> bool:
        """Whether anything positive was asked for (exclusions and adjustments aside)."""
        return bool(
            self.media
            or self.genres
            or self.languages
            or self.periods
            or self.year_from_bound
            or self.year_to_bound
            or self.recent
            or self.old
            or self.ratings
            or self.runtime_min
            or self.runtime_max
        )

    def found(self) -> bool:
        return self.wanted() or bool(self.excluded or self.adjustments)

    def years(self) -> tuple[int | None, int | None]:
        """Union of the periods named, each side replaced by an explicit bound ("90s, after 1995")."""
        year_from = min((lo for lo, _ in self.periods), default=None)
        year_to = max((hi for _, hi in self.periods), default=None)
        if self.year_from_bound is not None:
            year_from = self.year_from_bound
        if self.year_to_bound is not None:
            year_to = self.year_to_bound
        if year_from is None and self.recent:
            year_from = RECENT_FROM
        if year_to is None and self.old:
            year_to = OLD_UNTIL
        return year_from, year_to


def _negated(scan: Scan, start: int) -> bool:
    """Whether the words just before `start` negate it ("not", "pas de films d'", "no horror or")."""
    return bool(NEGATED.search(scan.folded[max(0, start - 60) : start]))


_Item = TypeVar("_Item")


def _add(items: list[_Item], *values: _Item) -> None:
    for value in values:
        if value not in items:
            items.append(value)


def _decade_range(match: re.Match[str]) -> tuple[int, int]:
    """First and last year named by a decade or year match, narrowed by "early"/"late"/"début des"…."""
    if match["year"]:
        year = int(match["year"])
        return year, year
    if match["fr_word"]:
        start = FR_DECADES[" ".join(re.split(r"[\s-]+", match["fr_word"]))]
    elif match["en_word"]:
        start = EN_DECADES[match["en_word"]]
    else:
        century = match["century"] or match["fr_century"]
        digit = int(match["decade"] or match["fr_decade"])
        if not century:  # "00s" and "10s" are this century, "20s"…"90s" the last one ("les années 20")
            century = "20" if digit <= 1 else "19"
        start = int(century) * 100 + digit * 10
    part = (match["part"] or "").split(" ")[0]
    if part in ("early", "debut"):
        return start, start + 4
    if part in ("mid", "milieu"):
        return start + 3, start + 6
    if part in ("late", "fin"):
        return start + 5, start + 9
    return start, start + 9


def _read_years(scan: Scan, found: FoundFilters) -> None:
    for match in scan.take(TIME):
        first, last = _decade_range(match)
        modifier = re.sub(r"\s+", " ", match["mod"] or "")
        if match["since"] or modifier in SINCE:
            found.year_from_bound = first
        elif match["until"] or modifier in UNTIL or modifier.startswith("jusqu"):
            found.year_to_bound = last
        elif modifier in AFTER:
            found.year_from_bound = last + 1
        elif modifier in BEFORE:
            found.year_to_bound = first - 1
        else:
            found.periods.append((first, last))


def _minutes(match: re.Match[str]) -> int:
    if match["minutes"]:
        return int(match["minutes"])
    if match["half_hour"]:
        return 30
    hours = match["hours"]
    total = HOURS[hours] * 60 if hours in HOURS else round(float(hours.replace(",", ".")) * 60)
    if match["half"] is not None:
        total += 30
    elif match["extra"]:
        total += int(match["extra"])
    return total


def _read_runtime(scan: Scan, found: FoundFilters) -> None:
    for match in scan.take(RUNTIME):
        minutes = _minutes(match)
        if match["at_least"] or match["then_min"]:
            found.runtime_min = minutes
        else:  # "under 2 hours", "1h30 max", and a bare "a 90 minute film": no longer than that
            found.runtime_max = minutes


def _read_ratings(scan: Scan, found: FoundFilters) -> None:
    for match in list(RATING.finditer(scan.text)):
        if not (match["named"] or match["above"] or match["scale"] or match["plus"]):
            continue  # a bare number is not a rating
        if COUNTED.match(scan.folded, match.end()):
            continue
        value = float(match["value"].replace(",", "."))
        out_of_five = bool(match["scale"]) and re.search(r"5|star|etoile", match["scale"]) is not None
        value = value * 2 if out_of_five else value
        if value <= 10:
            found.ratings.append(value)
            scan.blank(match.start(), match.end())
    for match in scan.take(QUALITY_TOP):
        if not _negated(scan, match.start()):
            found.ratings.append(8.0)
    for match in scan.take(QUALITY):
        if not _negated(scan, match.start()):
            found.ratings.append(8.0 if match["very"] else 7.0)


def _read_genres(scan: Scan, found: FoundFilters) -> None:
    """Genres wanted and refused. A mood or an audience ("feel-good", "for kids") is any of its genres and
    refuses what such a film never is; beside one, a genre named outright is required ("animated film for
    kids" is animated); "a romantic comedy" requires both of its genres."""
    named: list[int] = []
    mood_excludes: list[int] = []
    for match in scan.take(GENRE_PATTERN):
        index = row(match)
        ids = GENRES[index][2]
        if _negated(scan, match.start()):
            _add(found.excluded, *ids)
            continue
        _add(found.genres, *ids)
        if index in GENRES_ALL:
            _add(found.required, *ids)
        elif index in MOOD_EXCLUDES:
            _add(mood_excludes, *MOOD_EXCLUDES[index])
        elif len(ids) == 1:
            _add(named, *ids)
    if mood_excludes:
        _add(found.required, *named)
        _add(found.excluded, *(genre for genre in mood_excludes if genre not in found.genres))


def read_filters(scan: Scan, french: bool) -> FoundFilters:
    """Every filter in what is still unread of `scan`; the order matters (longer phrases first)."""
    found = FoundFilters()
    scan.take(SHOW_VERB)
    for match in scan.take(ADJUSTMENT_PATTERN):
        _add(found.adjustments, ADJUSTMENTS[row(match)][0])
    _read_genres(scan, found)
    scan.take(SUBTITLES)
    for match in scan.take(LANGUAGE_PATTERN):
        if not _negated(scan, match.start()):
            _add(found.languages, LANGUAGES[row(match)][0])
    for match in scan.take(MEDIA_PATTERN):
        media = MEDIA[row(match)][0]
        if _negated(scan, match.start()):
            if found.excluded:  # "no horror movies": the genre is refused, not the medium
                continue
            media = "movie" if media == "tv" else "tv"  # there are only two: "not a series" is a film
        _add(found.media, media)
    _read_runtime(scan, found)
    _read_years(scan, found)
    _read_ratings(scan, found)
    found.recent = bool(scan.take(RECENT))
    found.old = bool(scan.take(OLD))
    if scan.take(SHORT) or (french and scan.take(SHORT_FR)):
        found.runtime_max = found.runtime_max or SHORT_MAX
    for match in scan.take(LONG):
        if _negated(scan, match.start()):  # "not too long", "pas trop long"
            found.runtime_max = found.runtime_max or LONG_MIN
        else:
            found.runtime_min = found.runtime_min or LONG_MIN
    # "scary but not a slasher", "a comedy but not a rom-com": what is asked for outright stays asked for.
    found.excluded = [genre for genre in found.excluded if genre not in found.genres]
    return found


@dataclass(frozen=True)
class Probe:
    """What reading filters alone makes of a piece of text."""

    content: tuple[int, ...]  # where the words that are neither filters nor function words start
    has_filters: bool


@lru_cache(maxsize=4096)
def probe_text(text: str, french: bool) -> Probe:
    """Read the filters of a piece of text on its own; used to tell titles and names from requests.

    Cached: title and name reading ask about the same words and stretches again and again.
    """
    scan = Scan(text)
    found = read_filters(scan, french)
    content = tuple(m.start() for m in WORD.finditer(scan.text) if m[0] not in STOPWORDS)
    return Probe(content, found.found())


def only_filters(text: str, french: bool) -> bool:
    """Whether `text` holds nothing but filters and function words, so it cannot be a title or a name."""
    return not probe_text(text, french).content
