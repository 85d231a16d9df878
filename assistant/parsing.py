"""Offline interpreter for the chat assistant: one message in, one structured request out.

Pure Python on purpose (no database, no Django, no network): it is fast, deterministic and testable alone.
Another module turns an Interpretation into catalog queries and resolves the title and person texts with
the catalog's typo-tolerant search, so this one only cuts those texts out of the message.

How a message is read:
1. it is folded (lower case, accents stripped) with a map back to the typed characters, so titles and
   names come back exactly as typed;
2. free text is read first: titles after "like"/"comme", searches, people after "with"/"avec". Every span
   understood is blanked, so "like The Good, the Bad and the Ugly" never also yields a rating filter;
3. filters are read from what is left, with small EN/FR word tables and regexes;
4. the intent is decided last, from what was found.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

INTENTS = ("discover", "similar", "search", "refine", "more", "reset")


@dataclass(frozen=True)
class Interpretation:
    """What one chat message asks for; an empty field means the message did not say."""

    intent: str  # one of INTENTS
    language: str  # "en" | "fr": the language the message is written in (default "en")
    media_type: str | None = None  # "movie" | "tv"
    genres: tuple[int, ...] = ()  # TMDB movie genre ids wanted (any of them)
    exclude_genres: tuple[int, ...] = ()  # TMDB movie genre ids not wanted
    year_from: int | None = None
    year_to: int | None = None
    min_rating: float | None = None  # 0..10
    runtime_min: int | None = None  # minutes
    runtime_max: int | None = None
    languages: tuple[str, ...] = ()  # ISO 639-1 original languages
    people: tuple[str, ...] = ()  # person names as typed
    titles: tuple[str, ...] = ()  # title texts as typed
    adjustments: tuple[str, ...] = ()  # "older", "newer", "shorter", "longer", "better"
    ordinal: int | None = None  # "like the second one" -> 2 (1-based)


# ---------------------------------------------------------------- folding

_BLANK = "|"  # replaces understood text: not a letter and not a space, so nothing can match across it
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


class _Scan:
    """A message being read: its folded text, where every span already understood is blanked out."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.folded, self._origin = _fold(message)
        self.text = self.folded
        self.free_text: list[tuple[int, int]] = []  # titles and names: not evidence of the message language

    def blank(self, start: int, end: int) -> None:
        self.text = self.text[:start] + _BLANK * (end - start) + self.text[end:]

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


_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_AT_WORD = r"(?<![^\W_])(?=[a-z0-9])"  # a word start: `\b` before a word, but it fails faster elsewhere
_AT_TERM = rf"(?:{_AT_WORD}|(?=[<>]))"  # … or a comparison sign


def _table(patterns: Sequence[str]) -> re.Pattern[str]:
    """One regex for a table of alternatives; `int(match.lastgroup[1:])` is the row that matched.

    Rows are tried in order at each position, so multi-word rows ("comedie romantique") come before the
    shorter rows they contain ("comedie"). Asserting a word start first spares trying every row at every
    other position: twice as fast as a plain `\b`.
    """
    rows = "|".join(f"(?P<_{i}>{p})" for i, p in enumerate(patterns))
    return re.compile(rf"{_AT_WORD}(?:{rows})\b")


def _row(match: re.Match[str]) -> int:
    return int((match.lastgroup or "_0")[1:])


# ---------------------------------------------------------------- word tables (English | French)

# Rows that are pure look-aheads imply a genre without using the word up ("sitcom" is comedy *and* TV).
_GENRES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    (r"romantic\s+comed(?:y|ies)|rom[\s-]?coms?", r"comedies?\s+romantiques?", (35, 10749)),
    (r"musicals?|music", r"comedies?\s+musicales?|musiques?|musicales?|musicaux", (10402,)),
    (r"feel[\s-]?good|uplifting|heart[\s-]?warming", r"reconfortants?|qui\s+fait\s+du\s+bien", (35, 10751)),
    (r"(?=sitcoms?\b)", "", (35,)),
    (r"(?=docu[\s-]?series\b)", "", (99,)),
    (r"", r"histoires?\s+d'amour", (10749,)),  # before History's "histoire"
    (r"tv\s+movies?", r"telefilms?", (10770,)),
    (r"biopics?|biographical", r"biopics?|biographiques?", (18, 36)),
    (
        r"comed(?:y|ies)|funny|funnier|funniest|hilarious|laugh(?:s|ing)?|fun|humou?r|lighthearted",
        r"comedies?|droles?|marrants?|marrantes?|rigolos?|rigolotes?|humour|comiques?|rire",
        (35,),
    ),
    (
        r"horror|scary|scarier|scariest|frightening|terrifying|creepy|spooky|slashers?|zombies?",
        r"horreur|effrayant(?:e|s|es)?|flippant(?:e|s|es)?|epouvante|peur",
        (27,),
    ),
    (
        r"cartoons?|animated|animation|anime",
        r"dessins?[\s-]+animes?|animation|animes?",
        (16,),
    ),
    (
        r"crime|criminal|gangsters?|mafia|mob|heists?|noir(?!\s+et\s+blanc)",
        r"polars?|policiers?|policieres?|criminel(?:le)?s?|braquages?|cambriolages?",
        (80,),
    ),
    (r"thrillers?|suspense(?:ful)?", r"thrillers?|suspense|haletant(?:e|s|es)?", (53,)),
    (
        r"sci[\s-]?fi|science[\s-]+fiction|space|sf|futuristic",
        r"science[\s-]+fiction|sf|espace|futuristes?",
        (878,),
    ),
    (r"dramas?|dramatic", r"drames?|dramatiques?", (18,)),
    (
        r"documentar(?:y|ies)|docus?|docs?",
        r"documentaires?",
        (99,),
    ),
    (r"westerns?|cowboys?", r"westerns?", (37,)),
    (r"(?<!star\s)wars?|military|world\s+war\s+(?:i|ii|one|two)", r"guerres?|militaires?", (10752,)),
    (r"fantasy|fantasies|magic(?:al)?|wizards?", r"fantastiques?|magie|magiques?", (14,)),
    (r"adventures?|adventurous", r"aventures?", (12,)),
    (r"action(?:[\s-]packed)?", r"action", (28,)),
    (
        r"myster(?:y|ies)|mysterious|whodunn?its?|detectives?",
        r"mysteres?|mysterieu(?:x|se|ses)|enigmes?|enquetes?",
        (9648,),
    ),
    (
        r"history|historical|period\s+(?:pieces?|dramas?)",
        r"histoire|historiques?|d'epoque",
        (36,),
    ),
    (
        r"family|families|family[\s-]friendly|for\s+(?:the\s+)?(?:kids|children)|kids|children(?:'s)?",
        r"familia(?:l|le|les|ux)|en\s+famille|pour\s+(?:les\s+)?(?:enfants|petits)|enfants",
        (10751,),
    ),
    (
        r"romance|romances|romantic|love\s+stor(?:y|ies)",
        r"romance|romances|romantiques?|d'amour",
        (10749,),
    ),
)
_GENRE_PATTERN = _table(["|".join(filter(None, (en, fr))) for en, fr, _ in _GENRES])

_LANGUAGES: tuple[tuple[str, str, str], ...] = (
    ("fr", r"french|france|francophone", r"francais(?:es?)?|quebecois(?:es?)?|francophones?"),
    ("en", r"english|american|british|uk|england|usa", r"anglais(?:es?)?|americain(?:es?|s)?|britanniques?"),
    ("ko", r"korean|korea|south\s+korea", r"coreen(?:nes?|s)?|coree(?:\s+du\s+sud)?"),
    ("ja", r"japanese|japan", r"japonais(?:es?)?|japon"),
    ("es", r"spanish|spain|mexican|mexico", r"espagnol(?:es?|s)?|espagne|mexicain(?:es?|s)?|mexique"),
    ("it", r"italian|italy", r"italien(?:nes?|s)?|italie"),
    ("de", r"german|germany", r"allemand(?:es?|s)?|allemagne"),
    ("zh", r"chinese|china|mandarin|cantonese", r"chinois(?:es?)?|chine|cantonais"),
    ("hi", r"indian|india|hindi|bollywood", r"indien(?:nes?|s)?|inde"),
    ("sv", r"swedish|sweden", r"suedois(?:es?)?|suede"),
    ("da", r"danish|denmark", r"danois(?:es?)?|danemark"),
    ("no", r"norwegian|norway", r"norvegien(?:nes?|s)?|norvege"),
    ("fi", r"finnish|finland", r"finlandais(?:es?)?|finlande"),
    ("nl", r"dutch|netherlands", r"neerlandais(?:es?)?|hollandais(?:es?)?|pays[\s-]bas"),
    ("pt", r"portuguese|portugal|brazilian|brazil", r"portugais(?:es?)?|bresilien(?:nes?|s)?|bresil"),
    ("ru", r"russian|russia", r"russes?|russie"),
    ("tr", r"turkish|turkey", r"turcs?|turques?|turquie"),
    ("pl", r"polish|poland", r"polonais(?:es?)?|pologne"),
    ("th", r"thai|thailand", r"thailandais(?:es?)?|thailande"),
    ("fa", r"iranian|iran|persian|farsi", r"iranien(?:nes?|s)?|persan"),
    ("ar", r"arabic", r"arabes?"),
    ("el", r"greek|greece", r"grecs?|grecques?|grece"),
    ("he", r"hebrew|israeli", r"hebreu|israelien(?:nes?|s)?"),
)
_LANGUAGE_PATTERN = _table([f"{en}|{fr}" for _, en, fr in _LANGUAGES])
_LANGUAGE_WORDS = "|".join(f"{en}|{fr}" for _, en, fr in _LANGUAGES)
# "with English subtitles" / "sous-titré en anglais" / "en VF" say how to watch, not the original language.
_SUBTITLES = re.compile(
    _AT_WORD + r"(?:(?:with|avec)\s+(?:des\s+)?)?(?:(?:english|french|anglais|francais)\s+)?"
    r"(?:subtitles?|subs|subtitled|sous[\s-]*titres?|sous[\s-]*titree?s?|vostfr|vost|vf|vo|dubbed|doublee?s?)"
    rf"(?:\s+(?:in|en)\s+(?:{_LANGUAGE_WORDS}))?\b"
)

_MEDIA: tuple[tuple[str, str, str], ...] = (
    (
        "tv",
        r"tv[\s-]?shows?|tv[\s-]?series|tv|television",
        r"series?|feuilletons?|emissions?|mini[\s-]?series?",
    ),
    ("tv", r"(?:mini[\s-]?|docu[\s-]?)?series|shows?|sitcoms?|seasons?|episodes?", r"sitcoms?|saisons?"),
    ("movie", r"movies?|films?|flicks?|cinema|feature\s+films?", r"films?|long[\s-]?metrages?|cinema"),
)
_MEDIA_PATTERN = _table([f"{en}|{fr}" for _, en, fr in _MEDIA])
# "show me …" is a verb, not a TV show.
_SHOW_VERB = re.compile(r"^\W*show\b|\bshow\s+(?:me|us)\b")

_ADJUSTMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "older",
        r"older(?!\s+than)|earlier(?!\s+than)|less\s+recent",
        r"plus\s+(?:vieu[xs]|vieilles?|anciens?|anciennes?)|moins\s+recente?s?",
    ),
    ("newer", r"newer(?!\s+than)|more\s+(?:recent|modern)", r"plus\s+(?:recente?s?|modernes?|jeunes?)"),
    ("shorter", r"shorter(?!\s+than)|less\s+long", r"plus\s+courte?s?|moins\s+longs?|moins\s+longues?"),
    ("longer", r"longer(?!\s+than)", r"plus\s+longs?|plus\s+longues?"),
    (
        "better",
        r"better(?:[\s-](?:rated|reviewed|ones?))?|higher[\s-]rated",
        r"mieux\s+notee?s?|mieux|meilleures?\s+notes?",
    ),
)
_ADJUSTMENT_PATTERN = _table([f"{en}|{fr}" for _, en, fr in _ADJUSTMENTS])

# Words that turn the next filter around: "not horror", "pas de films d'horreur", "no horror or romance".
_NEGATORS = (
    r"not|no|without|except|nothing|hate|avoid|never|anything\s+but|other\s+than|don'?t\s+(?:want|like|need)"
    r"|(?:is|are|was|were|does|do)n'?t"
    r"|pas|sans|sauf|aucune?|ni|non|jamais|evite[rz]?|deteste[rz]?|a\s+part|autre\s+que|hors"
)
_FILLERS = (
    r"a|an|any|the|too|very|more|really|so|of|de|d|du|des|les|le|la|l|un|une|trop|tres|en|films?|movies?"
    r"|series|shows?|ones?|anything|something|stuff|genre|type|kind|sort|trucs?|chose"
)
_NEGATED = re.compile(
    rf"\b(?:{_NEGATORS})(?:[\s'-]+(?:{_FILLERS}))*"
    rf"(?:[\s'-]+\w+[\s'-]+(?:or|nor|ni|ou)(?:[\s'-]+(?:{_FILLERS}))*)*[\s'-]*$"
)

# ---------------------------------------------------------------- numbers: runtime, years, ratings

_HOURS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "un": 1, "une": 1, "deux": 2, "trois": 3}
_DURATION = (
    r"(?:(?P<hours>\d+(?:[.,]\d+)?|an?|one|two|three|une?|deux|trois)\s*(?:hours?|hrs?|heures?|h(?![a-z]))"
    r"(?:\s*(?:and\s+a\s+half|et\s+demie?)(?P<half>)"
    r"|\s*(?:and\s+)?(?P<extra>\d{1,2})(?:\s*(?:minutes?|mins?|mn))?)?"
    r"|(?P<half_hour>half\s+an\s+hour|une\s+demi[\s-]heure)"
    r"|(?P<minutes>\d{2,3})\s*(?:minutes?|mins?|mn|m)(?![a-z]))"
)
_RUNTIME = re.compile(
    _AT_TERM + r"(?:(?:runtime|duree|lasting|qui\s+dure)\s+)?"
    r"(?:(?P<at_most>under|less\s+than|(?:no|not)\s+longer\s+than|pas\s+plus\s+long(?:ue)?s?\s+que"
    r"|shorter\s+than|below|at\s+most|(?:no|not)\s+more\s+than|within|up\s+to|max(?:imum)?"
    r"|moins\s+d[e']|en\s+dessous\s+d[e']|au\s+plus|au\s+maximum|pas\s+plus\s+d[e']"
    r"|inferieure?s?\s+a|<=?)"
    r"|(?P<at_least>over|more\s+than|longer\s+than|at\s+least|above|plus\s+d[e']|au\s+moins|minimum"
    r"|superieure?s?\s+a|>=?))?\s*"
    + _DURATION
    + r"(?:\s*(?P<then_max>max(?:imum|i)?|or\s+less|ou\s+moins|tops|at\s+most|au\s+plus)"
    r"|\s*(?P<then_min>min(?:imum)?|or\s+more|ou\s+plus|at\s+least|au\s+moins|and\s+up))?"
)

_EN_DECADES = {"twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950}
_EN_DECADES |= {"sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990}
_FR_DECADES = {"vingt": 1920, "trente": 1930, "quarante": 1940, "cinquante": 1950, "soixante": 1960}
_FR_DECADES |= {"soixante dix": 1970, "quatre vingt": 1980, "quatre vingts": 1980, "quatre vingt dix": 1990}
_TIME = re.compile(
    _AT_WORD
    + r"(?:(?P<mod>after|post|later\s+than|newer\s+than|since|starting(?:\s+(?:in|from))?|from|depuis"
    r"|a\s+partir\s+d[e']|apres|before|pre|older\s+than|earlier\s+than|prior\s+to|until|till|up\s+to|through"
    r"|avant|jusqu'?\s*(?:en|a|aux|au)|in|en|during|pendant|de|des|du|dans)[\s-]*)?"
    r"(?:the\s+|les\s+|l'|la\s+)?"
    r"(?:(?P<part>early|late|mid|debut\s+des|fin\s+des|milieu\s+des)[\s-]*)?"
    r"(?:annees\s+(?:(?P<fr_century>19|20)?(?P<fr_decade>\d)0|(?P<fr_word>"
    + "|".join(sorted((w.replace(" ", r"[\s-]+") for w in _FR_DECADES), key=len, reverse=True))
    + r"))"
    r"|\b(?P<century>19|20)?(?P<decade>\d)0'?s"
    r"|(?P<en_word>" + "|".join(_EN_DECADES) + r")"
    r"|(?P<year>19\d\d|20[0-4]\d))\b"
    r"(?:\s+(?P<since>onwards?|and\s+later|or\s+later|and\s+after|or\s+newer|and\s+up|et\s+plus|ou\s+plus"
    r"|et\s+apres|a\s+nos\s+jours)"
    r"|\s+(?P<until>and\s+before|or\s+earlier|or\s+before|et\s+avant|ou\s+avant))?"
)
_AFTER = {"after", "post", "later than", "newer than", "apres"}
_SINCE = {"since", "starting", "starting in", "starting from", "depuis", "a partir de", "a partir d'"}
_BEFORE = {"before", "pre", "older than", "earlier than", "prior to", "avant"}
_UNTIL = {"until", "till", "up to", "through"}

_RATING = re.compile(
    _AT_TERM + r"(?:(?P<named>rated|rating|score|notee?s?|note)\s+(?:of\s+|de\s+)?)?"
    r"(?:(?P<above>above|over|more\s+than|higher\s+than|greater\s+than|at\s+least|minimum|min|plus\s+d[e']"
    r"|au[\s-]+dessus\s+d[e']|au\s+moins|superieure?s?\s+(?:ou\s+egale?s?\s+)?a|>=?)\s*)?"
    r"(?<![\d.,])(?P<value>\d{1,2}(?:[.,]\d{1,2})?)"
    r"(?P<scale>\s*(?:/|sur|out\s+of)\s*(?:10|5)\b|\s*(?:stars?|etoiles?)\b)?"
    r"(?P<plus>\s*\+|\s+(?:or\s+(?:more|higher|above)|ou\s+plus|minimum|and\s+up|et\s+plus)\b)?"
    r"(?![\d.,])"
)
# "more than 3 seasons", "plus de 10 films": counts, not ratings (checked on the text before media are read).
_COUNTED = re.compile(r"\s*(?:seasons?|saisons?|episodes?|films?|movies?|series|votes?|ans|years|%)")
_QUALITY_TOP = re.compile(
    _AT_WORD + r"(?:excellent(?:e|s|es)?|masterpieces?|chefs?[\s-]*d'?\s*oeuvres?|outstanding|exceptional"
    r"|exceptionnel(?:le)?s?|must[\s-](?:see|watch)|incontournables?|best|greatest|top[\s-]rated"
    r"|meilleur(?:e)?s?|cultes?)\b"
)
_QUALITY = re.compile(
    _AT_WORD + r"(?:(?P<very>very|really|extremely|super|truly|tres|vraiment|hyper|extremement)\s+)?"
    r"(?:good(?!\s+for\b)|great|well[\s-](?:rated|reviewed|received)|highly[\s-](?:rated|acclaimed)"
    r"|(?:critically\s+)?acclaimed|quality|bien[\s-]notee?s?|bons?(?!\s*[,!])|bonnes?(?!\s*[,!])"
    r"|de\s+qualite|acclamee?s?|super(?=\s+(?:films?|series?|movies?|shows?)\b))\b"
)
_RECENT = re.compile(
    _AT_WORD
    + r"(?:recent|recently\s+released|latest|new\s+releases?|brand[\s-]new|newest|recente?s?|nouveautes?"
    r"|dernieres?\s+sorties?|sortie?s?\s+recemment)\b"
)
_OLD = re.compile(
    _AT_WORD
    + r"(?:(?<!year\s)(?<!years\s)(?<!year-)old(?:ies|[\s-]school)?|(?<!modern\s)classics?|classiques?"
    r"|vieu[xs]|vieilles?|anciens?|anciennes?|retro|d'antan|golden\s+age|de\s+l'age\s+d'or)\b"
)
_SHORT = re.compile(r"\b(?:short|quick)\b")
_SHORT_FR = re.compile(r"\bcourte?s?\b")  # only in French: "court" is an English word too
_LONG = re.compile(r"(?<!\bas\s)(?<!\bhow\s)\blong(?:s|ue|ues)?\b(?!\s+as\b)")

MAX_MESSAGE_CHARS = 500  # a chat request is a sentence or two; beyond that, reading time would grow
MAX_TITLE_CHARS = 80  # longer than any real title: bounds the search for where a title ends
RECENT_FROM = 2015
OLD_UNTIL = 1979
SHORT_MAX = 100
LONG_MIN = 120

# ---------------------------------------------------------------- conversation words

_RESET = re.compile(
    _AT_WORD + r"(?:start\s+(?:over|again|afresh|from\s+scratch)|from\s+scratch|reset|restart|never\s*mind"
    r"|forget\s+(?:that|it|this|everything|all\s+that|about\s+(?:it|that))|new\s+search"
    r"|clear\s+(?:all|everything)"
    r"|something\s+(?:else\s+entirely|(?:completely|totally|entirely)\s+different|different\s+entirely)"
    r"|(?:on\s+)?recommence[rz]?|recommencons|(?:on\s+)?repar(?:t|s|tir)\s+(?:de|a)\s+zero"
    r"|oublie[rz]?\s+(?:ca|cela|tout)|laisse[rz]?\s+tomber|tout\s+(?:a\s+fait\s+)?autre\s+chose"
    r"|rien\s+a\s+voir|nouvelle\s+recherche|(?:completement|totalement)\s+different)\b"
)
_RESET_WEAK = re.compile(r"\b(?:something\s+else|autre\s+chose|quelque\s+chose\s+d'autre)\b")
_MORE = re.compile(
    _AT_WORD
    + r"(?:more|another(?:\s+one)?|one\s+more|others|other\s+(?:ones?|suggestions?|ideas?|options?|results?"
    r"|titles?|picks?)|next|keep\s+going|anything\s+else|what\s+else|encore|d'\s*autres?|une?\s+autre"
    r"|autres?\s+(?:suggestions?|idees?|propositions?|choix)|la\s+suite|suivants?|continue[rz]?)\b"
)
_SIMILAR_NO_TITLE = re.compile(
    _AT_WORD + r"(?:(?:something|anything|more|others?|films?|movies?|shows?|ones?)\s+similar"
    r"|similar\s+(?:ones?|films?|movies?|shows?|series|titles|stuff)|more\s+of\s+the\s+same"
    r"|(?:quelque|autre)\s+chose\s+de\s+(?:similaire|semblable|pareil|proche)"
    r"|(?:des|d')\s*(?:(?:films?|series?|trucs?)\s+)?similaires|dans\s+le\s+meme\s+(?:genre|style|esprit)"
    r"|du\s+meme\s+(?:genre|style|acabit)|(?:the\s+)?same\s+(?:kind|genre|style|vibe)(?:\s+of\s+\w+)?"
    r"|in\s+the\s+same\s+vein)\b"
)
# Where a follow-up begins: "only French ones", "mais des années 80", "not horror".
_REFINE_START = re.compile(
    r"^\W*(?:only|just|but|and|not|no(?!\s*[,.!])|without|except|rather|instead|also|same|what\s+about"
    r"|how\s+about|make\s+(?:it|them)|seulement|uniquement|mais|et|pas|sans|sauf|plutot|juste|que|aussi"
    r"|pareil|et\s+si)\b"
)
_REFINE_PRONOUN = re.compile(r"\b(?:ones|those|them|ceux|celles|ceux[\s-]la|celles[\s-]la)\b")

# ---------------------------------------------------------------- titles and people

_SIMILAR_TRIGGER = re.compile(
    r"(?P<strong>\b(?:(?:similar|similaires?|semblables?|comparables?|close|proches?)\s+(?:to|a|as|de|d')"
    r"|in\s+the\s+(?:vein|style|spirit)\s+of|along\s+the\s+lines\s+of|reminiscent\s+of|akin\s+to|resembling"
    r"|(?:the\s+)?same\s+(?:vibe|style|kind|genre|feel|tone)\s+as"
    r"|(?:dans|du)\s+(?:le\s+)?(?:meme\s+)?(?:genre|style|esprit)\s+(?:de|que|d'|qu')"
    r"|de\s+la\s+meme\s+veine\s+que|a\s+la\s+(?:maniere|facon)\s+d[e']|facon|qui\s+ressemblen?t?\s+a"
    r"|ressemblant\s+a|i\s+(?:really\s+|just\s+)?(?:liked|loved|enjoyed|adored)"
    r"|j'?\s*ai\s+(?:bien\s+|beaucoup\s+|vraiment\s+|trop\s+)?(?:aime|adore|kiffe|apprecie))"
    r"(?![a-z]))"
    r"|(?P<like>\b(?:more\s+)?like\b)|(?P<comme>\b(?:plus\s+)?comme\b)|(?P<genre>\bgenre\b)"
)
# "I like comedies", "would you like…": the verb, not the preposition.
_LIKE_VETO = _wordset(
    "i you we they he she who would d t dont do does did might may ll should could u also really feel"
)
_COMME_VETO = _wordset("quoi as avez a avoir proposes proposez")

_SEARCH_TRIGGER = re.compile(
    _AT_WORD
    + r"(?:find(?:\s+me)?|search(?:\s+for)?|look\s+(?:up|for)|looking\s+for|lookup|is\s+there|are\s+there"
    r"|do\s+you\s+have|have\s+you\s+got|got\s+any|show\s+me|montre[\s-]*moi|called|titled|named|intitulee?s?|qui\s+s'?appelle"
    r"|(?:je\s+)?(?:re)?cherche[rz]?(?:[\s-]+moi)?|trouve[rz]?(?:[\s-]+moi)?|tu\s+as|vous\s+avez"
    r"|avez[\s-]+vous|as[\s-]+tu|y\s+a[\s-]+t[\s-]+il|est[\s-]+ce\s+qu'?\s*il\s+y\s+a)\b"
)
_TITLE_PREFIX = re.compile(
    r"(?:(?:me|moi|us|nous|for\s+me|pour\s+moi)\s+)?"
    r"(?:(?:the\s+(?:movie|film|show|series|tv\s+show|tv\s+series|title)|le\s+film|la\s+serie|le\s+titre"
    r"|the\s+one\s+called)\s+)?"
)
_ALTERNATIVE = re.compile(r"\s+(?:or|ou)\s+")
_COMMA = re.compile(r"\s*,\s*")
_ARTICLE = re.compile(r"(?:the|le|la|les|l')\b")
_TITLE_STOP = re.compile(r"\s*(?:[,;!?()\[\]|]|(?<!\bmr)(?<!\bmrs)(?<!\bdr)(?<!\bst)(?<!\bvs)\.(?=\s|$))")
# Words that may start the end of a title: cut there when the rest is only filters ("Heat in French").
_CONNECTOR = re.compile(
    r"\s+(?P<word>and|et|but|mais|in|en|from|des|dans|with|avec|without|sans|not|pas|no|only|seulement"
    r"|uniquement|that|qui|or|ou|for|pour|as|under|over|less|more|moins|plus|rated|bien|tres|very|shorter"
    r"|longer|older|newer|better|mieux|please|svp|stp|since|depuis|after|apres|before|avant|between|entre"
    r"|around|about|which|starring|featuring|directed|realise|by|par|made|sorti|released|except|sauf"
    r"|instead|plutot|preferably|set|during|pendant|funnier|scarier|s'il)\b"
)
_ALWAYS_CUT = _wordset("but mais please svp stp s'il except sauf instead plutot starring featuring")
_DETERMINERS = _wordset(
    "a an some something anything any me us good great un une des du quelque quelques moi nous more other"
)
_THIS = re.compile(
    r"(?:this|that|it|these|those|them|this\s+one|that\s+one|the\s+last\s+one|ca|cela|ceci"
    r"|celui[\s-]?(?:ci|la)|celle[\s-]?(?:ci|la)|ceux[\s-]?(?:ci|la)|ce\s+(?:film|titre)|cette\s+serie"
    r"|le\s+dernier|la\s+derniere)"
)
_ORDINAL_WORDS = {
    "first": 1, "premier": 1, "premiere": 1, "second": 2, "seconde": 2, "deuxieme": 2,
    "third": 3, "troisieme": 3, "fourth": 4, "quatrieme": 4, "fifth": 5, "cinquieme": 5,
    "sixth": 6, "sixieme": 6, "seventh": 7, "septieme": 7, "eighth": 8, "huitieme": 8,
    "ninth": 9, "neuvieme": 9, "tenth": 10, "dixieme": 10,
}  # fmt: skip
_ORDINAL = re.compile(
    r"(?:the\s+|le\s+|la\s+|l')?(?:(?P<word>" + "|".join(_ORDINAL_WORDS) + r")"
    r"|(?P<number>\d{1,2})\s*(?:st|nd|rd|th|er|ere|eme|e)|(?:number|numero|no|n°|#)\s*(?P<index>\d{1,2}))"
    r"(?:\s+(?:one|film|movie|show|series|serie|title|titre|pick|suggestion|result|resultat|proposition"
    r"|choice|choix))?"
)

_PERSON_TRIGGER = re.compile(
    r"(?P<strong>\b(?:starring|featuring|feat\.?|directed\s+by|made\s+by|realisee?s?\s+par"
    r"|mise?s?\s+en\s+scene\s+par|joue\s+par|played\s+by|with\s+(?:the\s+)?(?:actor|actress)"
    r"|avec\s+l'(?:acteur|actrice)|by\s+(?:the\s+)?director|(?:du|de\s+la)\s+(?:realisateur|realisatrice"
    r"|cineaste))\b)"
    r"|(?P<weak>\b(?:with|avec|by|par|de)\b|\bd')"
)
_NAME_WORD = re.compile(r"\s*([^\W\d_][\w.'-]*)")
_NAME_LINK = re.compile(r"\s*(?:,|&|\band\b|\bet\b)\s*")
_PARTICLES = _wordset("de del della da di du van von der den ten la le bin al")
_NOT_PEOPLE = _wordset(  # capitalized after "de"/"by" but not people: studios, services, holidays
    """
    netflix disney pixar marvel dc hbo amazon apple ghibli dreamworks studio studios
    noel christmas halloween paques
    """
)
_MAX_NAME_WORDS = 5

# Words that carry no request on their own: a text made only of these and filters is not a title.
_STOPWORDS = _wordset("""
    a an the some something anything any me us i m d ll s t to of for with and or in on at from by please pls
    want wanna would like one ones that this these those them it its is are be was were show give get
    watch watching see recommend suggest can could you we my our your kind sort type stuff thing things maybe
    perhaps also too very really just only but not no more less than which what as so now then tonight today
    night evening weekend need looking look find search there have got do does else other others thanks
    thank hey hi hello ok okay without except ideally preferably around about set made released out between
    un une des de du le la les l en et ou pour avec sans moi nous je j tu vous on il y au aux quelque chose
    truc trucs qui que qu est c ce cet cette ces soit sont svp stp plait te voudrais veux voir regarder envie
    ai aime propose proposer conseille recommande donne montre type style plus moins tres trop vraiment
    aussi seulement uniquement juste mais pas ne n ni soir merci bonjour salut dans sur par entre vers ca
    cela autre autres encore sorti sortis sortie sorties genre peu
    """)

# ---------------------------------------------------------------- message language

_FRENCH_WORDS = _wordset("""
    le la les un une des du de avec comme pas sans annees annee tres plus moins et ou mais pour qui que
    quelque chose je tu vous nous moi est ca cela sur dans en au aux encore autre autres seulement uniquement
    cherche trouve recherche veux voudrais aime oublie recommence recommencons aussi bien bon bonne mieux
    ceux celles cette ce avant apres depuis entre heure heures note notes serie drole droles comedie
    comedies horreur policier polar dessin documentaire guerre aventure fantastique historique familial
    enfants francais francaise anglais coreen japonais espagnol italien allemand chinois classique
    classiques ancien anciens vieux court courte courts longue sorti svp stp merci trop vraiment quoi il y
    """)
_ENGLISH_WORDS = _wordset("""
    the a an with like something anything movie movies show shows and from in not no only just more some
    please me i want find search look is there any of to for but without older newer shorter longer better
    funny scary good great rated under over less than hours else start forget reset another one ones other
    similar by starring directed that it this what can you recommend give kids comedy horror series
    """)
_ELISION = re.compile(r"\b(?:[dljcnmst]|qu|jusqu|lorsqu|puisqu)'(?=[a-z])")


def _message_language(scan: _Scan) -> str:
    """French when French function words, elisions or accents outweigh English ones (titles excluded)."""
    probe = list(scan.folded)
    for start, end in scan.free_text:
        probe[start:end] = _BLANK * (end - start)
    text = "".join(probe)
    words = _words(text)
    french = sum(w in _FRENCH_WORDS for w in words) + 2 * len(_ELISION.findall(text))
    french += 2 * scan.has_accent_outside(scan.free_text)
    english = sum(w in _ENGLISH_WORDS for w in words)
    return "fr" if french > english else "en"


# ---------------------------------------------------------------- filters


@dataclass
class _Filters:
    """Filters found so far; mutable while reading, frozen into an Interpretation at the end."""

    media: list[str] = field(default_factory=list)
    genres: list[int] = field(default_factory=list)
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


def _negated(scan: _Scan, start: int) -> bool:
    """Whether the words just before `start` negate it ("not", "pas de films d'", "no horror or")."""
    return bool(_NEGATED.search(scan.folded[max(0, start - 60) : start]))


def _add(items: list, *values: object) -> None:
    for value in values:
        if value not in items:
            items.append(value)


def _decade_range(match: re.Match[str]) -> tuple[int, int]:
    """First and last year named by a decade or year match, narrowed by "early"/"late"/"début des"…."""
    if match["year"]:
        year = int(match["year"])
        return year, year
    if match["fr_word"]:
        start = _FR_DECADES[" ".join(re.split(r"[\s-]+", match["fr_word"]))]
    elif match["en_word"]:
        start = _EN_DECADES[match["en_word"]]
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


def _read_years(scan: _Scan, found: _Filters) -> None:
    for match in scan.take(_TIME):
        first, last = _decade_range(match)
        modifier = re.sub(r"\s+", " ", match["mod"] or "")
        if match["since"] or modifier in _SINCE:
            found.year_from_bound = first
        elif match["until"] or modifier in _UNTIL or modifier.startswith("jusqu"):
            found.year_to_bound = last
        elif modifier in _AFTER:
            found.year_from_bound = last + 1
        elif modifier in _BEFORE:
            found.year_to_bound = first - 1
        else:
            found.periods.append((first, last))


def _minutes(match: re.Match[str]) -> int:
    if match["minutes"]:
        return int(match["minutes"])
    if match["half_hour"]:
        return 30
    hours = match["hours"]
    total = _HOURS[hours] * 60 if hours in _HOURS else round(float(hours.replace(",", ".")) * 60)
    if match["half"] is not None:
        total += 30
    elif match["extra"]:
        total += int(match["extra"])
    return total


def _read_runtime(scan: _Scan, found: _Filters) -> None:
    for match in scan.take(_RUNTIME):
        minutes = _minutes(match)
        if match["at_least"] or match["then_min"]:
            found.runtime_min = minutes
        else:  # "under 2 hours", "1h30 max", and a bare "a 90 minute film": no longer than that
            found.runtime_max = minutes


def _read_ratings(scan: _Scan, found: _Filters) -> None:
    for match in list(_RATING.finditer(scan.text)):
        if not (match["named"] or match["above"] or match["scale"] or match["plus"]):
            continue  # a bare number is not a rating
        if _COUNTED.match(scan.folded, match.end()):
            continue
        value = float(match["value"].replace(",", "."))
        out_of_five = bool(match["scale"]) and re.search(r"5|star|etoile", match["scale"]) is not None
        value = value * 2 if out_of_five else value
        if value <= 10:
            found.ratings.append(value)
            scan.blank(match.start(), match.end())
    for match in scan.take(_QUALITY_TOP):
        if not _negated(scan, match.start()):
            found.ratings.append(8.0)
    for match in scan.take(_QUALITY):
        if not _negated(scan, match.start()):
            found.ratings.append(8.0 if match["very"] else 7.0)


def _read_filters(scan: _Scan, french: bool) -> _Filters:
    """Every filter in what is still unread of `scan`; the order matters (longer phrases first)."""
    found = _Filters()
    scan.take(_SHOW_VERB)
    for match in scan.take(_ADJUSTMENT_PATTERN):
        _add(found.adjustments, _ADJUSTMENTS[_row(match)][0])
    for match in scan.take(_GENRE_PATTERN):
        ids = _GENRES[_row(match)][2]
        _add(found.excluded if _negated(scan, match.start()) else found.genres, *ids)
    scan.take(_SUBTITLES)
    for match in scan.take(_LANGUAGE_PATTERN):
        if not _negated(scan, match.start()):
            _add(found.languages, _LANGUAGES[_row(match)][0])
    for match in scan.take(_MEDIA_PATTERN):
        media = _MEDIA[_row(match)][0]
        if _negated(scan, match.start()):
            if found.excluded:  # "no horror movies": the genre is refused, not the medium
                continue
            media = "movie" if media == "tv" else "tv"  # there are only two: "not a series" is a film
        _add(found.media, media)
    _read_runtime(scan, found)
    _read_years(scan, found)
    _read_ratings(scan, found)
    found.recent = bool(scan.take(_RECENT))
    found.old = bool(scan.take(_OLD))
    if scan.take(_SHORT) or (french and scan.take(_SHORT_FR)):
        found.runtime_max = found.runtime_max or SHORT_MAX
    for match in scan.take(_LONG):
        if _negated(scan, match.start()):  # "not too long", "pas trop long"
            found.runtime_max = found.runtime_max or LONG_MIN
        else:
            found.runtime_min = found.runtime_min or LONG_MIN
    # "scary but not a slasher", "a comedy but not a rom-com": what is asked for outright stays asked for.
    found.excluded = [genre for genre in found.excluded if genre not in found.genres]
    return found


@dataclass(frozen=True)
class _Probe:
    """What reading filters alone makes of a piece of text."""

    content: tuple[int, ...]  # where the words that are neither filters nor function words start
    has_filters: bool


@lru_cache(maxsize=4096)
def _probe(text: str, french: bool) -> _Probe:
    """Read the filters of a piece of text on its own; used to tell titles and names from requests.

    Cached: title and name reading ask about the same words and stretches again and again.
    """
    scan = _Scan(text)
    found = _read_filters(scan, french)
    content = tuple(m.start() for m in _WORD.finditer(scan.text) if m[0] not in _STOPWORDS)
    return _Probe(content, found.found())


def _only_filters(text: str, french: bool) -> bool:
    """Whether `text` holds nothing but filters and function words, so it cannot be a title or a name."""
    return not _probe(text, french).content


# ---------------------------------------------------------------- people


def _name_word_at(scan: _Scan, position: int) -> tuple[int, int, str] | None:
    match = _NAME_WORD.match(scan.text, position)
    if not match:
        return None
    start, end = match.span(1)
    word = match[1]
    while word and (word[-1] in "'-" or (word[-1] == "." and not re.fullmatch(r"(?:[a-z]\.)+", word))):
        word, end = word[:-1], end - 1
    if word.endswith("'s"):
        word, end = word[:-2], end - 2
    return (start, end, word) if word else None


def _is_name_word(scan: _Scan, word: tuple[int, int, str], lower_case_ok: bool) -> bool:
    start, _, text = word
    if not (lower_case_ok or scan.capitalized(start)):
        return False
    return text not in _NOT_PEOPLE and not _only_filters(text, french=False)


def _read_name(scan: _Scan, position: int, lower_case_ok: bool) -> tuple[int, int] | None:
    """The span of the person's name at `position`.

    Capitalized words (any words after "starring"), with particles inside ("Guillermo del Toro"), up to
    punctuation, a keyword or a filter ("and", "in", "French"), so "with Jean Reno in French" stops at "in".
    """
    start, end, count = -1, -1, 0
    while count < _MAX_NAME_WORDS and (word := _name_word_at(scan, position)):
        word_start = word[0]
        if word[2] in _PARTICLES and (count or scan.capitalized(word_start)):  # "del Toro", "De Niro"
            following = _name_word_at(scan, word[1])
            if not (following and _is_name_word(scan, following, lower_case_ok=False)):
                break
            word = following
        elif not _is_name_word(scan, word, lower_case_ok):
            break
        start = word_start if start < 0 else start
        end, position, count = word[1], word[1], count + 1
    return (start, end) if count else None


def _read_people(scan: _Scan) -> list[str]:
    """Names after "with"/"avec"/"by"/"de" (capitalized) or "starring"/"réalisé par" (any case)."""
    people: list[str] = []
    for trigger in list(_PERSON_TRIGGER.finditer(scan.text)):
        if _BLANK in scan.text[trigger.start() : trigger.end()]:
            continue  # inside a name read after an earlier trigger
        span = _read_name(scan, trigger.end(), lower_case_ok=bool(trigger["strong"]))
        while span:
            people.append(scan.typed(*span))
            scan.free_text.append(span)
            scan.blank(trigger.start(), span[1])
            link = _NAME_LINK.match(scan.text, span[1])
            if not link:
                break
            following = _read_name(scan, link.end(), lower_case_ok=False)
            if following:
                scan.blank(link.start(), link.end())
            span = following
    return people


# ---------------------------------------------------------------- titles


@dataclass
class _Reference:
    """What a "like …" or "find …" points at: titles, a position in the last list, or "this"."""

    titles: list[tuple[int, int]] = field(default_factory=list)
    ordinal: int | None = None
    this: bool = False
    end: int = 0


def _names_follow(scan: _Scan, position: int) -> bool:
    """Whether a title stops here, before "with Al Pacino" or "avec Audrey Tautou".

    After "with" and "by" only a name of two words or more counts ("Dances with Wolves", "Stand by Me" go
    on), and "de" never cuts a title ("La Cité de Dieu").
    """
    trigger = _PERSON_TRIGGER.match(scan.text, position)
    if not trigger or trigger["weak"] in ("de", "d'", "par"):
        return False
    span = _read_name(scan, trigger.end(), lower_case_ok=bool(trigger["strong"]))
    if span is None:
        return False
    return trigger["weak"] not in ("with", "by") or len(scan.text[span[0] : span[1]].split()) >= 2


def _title_end(scan: _Scan, start: int, french: bool) -> int:
    """Where a title that starts at `start` ends: at punctuation, or before words that are only filters."""
    stop = _TITLE_STOP.search(scan.text, start, start + MAX_TITLE_CHARS)
    end = stop.start() if stop else min(len(scan.text), start + MAX_TITLE_CHARS)
    # Read the filters of the whole stretch once: the rest after a connector is "only filters" when no
    # word that is neither a filter nor a function word starts after it.
    last_content = start + max(_probe(scan.text[start:end], french).content, default=-1)
    for connector in _CONNECTOR.finditer(scan.text, start, end):
        word = connector["word"]
        if (
            word in _ALWAYS_CUT
            or connector.start() > last_content
            or _names_follow(scan, connector.start("word"))
        ):
            return connector.start()
    return end


def _title_continued(scan: _Scan, position: int, french: bool) -> int | None:
    """Where a title goes on after a comma, as in "The Good, the Bad and the Ugly".

    Only a lower-case part that starts with an article and is not a request goes on; a capitalized part is
    another title ("like Heat, Ronin or The Town").
    """
    if scan.capitalized(position) or not _ARTICLE.match(scan.text, position):
        return None
    end = _title_end(scan, position, french)
    return None if _only_filters(scan.text[position:end], french) else end


def _is_title(scan: _Scan, start: int, end: int, french: bool, capital_required: bool) -> bool:
    """Whether a span after "like"/"find" names a title rather than a request ("like a comedy")."""
    text = scan.text[start:end]
    words = text.split()
    if not words or (capital_required and not scan.capitalized(start)):
        return False
    if words[0] in _DETERMINERS and not scan.capitalized(start):
        return False  # "find me a funny film", "cherche un film": a request, not a title
    probe = _probe(text, french)
    if probe.content:
        return True
    return not probe.has_filters and scan.capitalized(start)  # "like It", "like Us"


def _read_reference(scan: _Scan, position: int, french: bool, capital_required: bool) -> _Reference | None:
    """The titles (or ordinal, or "this") that follow a trigger, or None if what follows is a request."""
    text = scan.text
    while position < len(text) and text[position].isspace():
        position += 1
    start = _TITLE_PREFIX.match(text, position).end()
    clause = _TITLE_STOP.search(text, start)
    clause_text = text[start : clause.start() if clause else len(text)]
    ordinal = _ORDINAL.match(clause_text)
    if ordinal and (ordinal.end() == len(clause_text) or _only_filters(clause_text[ordinal.end() :], french)):
        value = ordinal["word"] and _ORDINAL_WORDS[ordinal["word"]]
        value = value or int(ordinal["number"] or ordinal["index"])
        return _Reference(ordinal=value, end=start + ordinal.end())
    this = None if scan.capitalized(start) else _THIS.match(clause_text)  # but "like It" is a film
    if this and (this.end() == len(clause_text) or _only_filters(clause_text[this.end() :], french)):
        return _Reference(this=True, end=start + this.end())
    if text.startswith('"', start):
        close = text.find('"', start + 1)
        close = close if close > start else len(text)
        inner = text[start + 1 : close]
        first = start + 1 + len(inner) - len(inner.lstrip())
        last = start + 1 + len(inner.rstrip())
        return _Reference(titles=[(first, last)] if last > first else [], end=min(close + 1, len(text)))
    reference = _Reference()
    while True:
        end = _title_end(scan, start, french)
        while (comma := _COMMA.match(text, end)) and (longer := _title_continued(scan, comma.end(), french)):
            end = longer
        while end > start and text[end - 1] in " '\"-":
            end -= 1
        if not _is_title(scan, start, end, french, capital_required):
            break
        reference.titles.append((start, end))
        reference.end = end
        comma = _COMMA.match(text, end)  # "like Heat, Ronin or The Town"
        if not comma or not scan.capitalized(comma.end()):
            break
        start = comma.end()
    return reference if reference.titles else None


def _split_alternatives(scan: _Scan, span: tuple[int, int]) -> list[tuple[int, int]]:
    """Two titles for "Alien or Predator"."""
    start, end = span
    spans = []
    for separator in _ALTERNATIVE.finditer(scan.text, start, end):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, end))
    return [(a, b) for a, b in spans if b > a]


def _accept(scan: _Scan, trigger: re.Match[str], reference: _Reference) -> list[str]:
    titles = []
    for span in reference.titles:
        for part in _split_alternatives(scan, span):
            titles.append(scan.typed(*part))
            scan.free_text.append(part)
    scan.blank(trigger.start(), reference.end)
    return titles


_TRAILING_PUNCTUATION = re.compile(r"[\s.,;:!?…'\"-]+")


def _read_similar(scan: _Scan, french: bool) -> tuple[list[str], int | None, bool]:
    """Titles after "like"/"comme"/"dans le genre de" …, or an ordinal, or "like this"."""
    titles: list[str] = []
    ordinal: int | None = None
    this = False
    for trigger in list(_SIMILAR_TRIGGER.finditer(scan.text)):
        if _BLANK in scan.text[trigger.start() : trigger.end()]:
            continue  # inside a title read after an earlier trigger
        if trigger["like"] or trigger["comme"]:
            veto = _LIKE_VETO if trigger["like"] else _COMME_VETO
            if any(word in veto for word in _words(scan.folded[: trigger.start()])[-2:]):
                continue
        if not _TRAILING_PUNCTUATION.sub("", scan.text[trigger.end() :]):
            scan.blank(trigger.start(), trigger.end())  # "something like": similar to what? the reply asks
            this = True
            continue
        reference = _read_reference(scan, trigger.end(), french, capital_required=bool(trigger["genre"]))
        if reference is None:
            continue
        titles += _accept(scan, trigger, reference)
        ordinal = ordinal or reference.ordinal
        this = this or reference.this
    return titles, ordinal, this


def _read_search(scan: _Scan, french: bool) -> list[str]:
    """Titles after "find"/"search for"/"cherche"/"is there"…, unless a request follows ("find a comedy")."""
    titles: list[str] = []
    for trigger in list(_SEARCH_TRIGGER.finditer(scan.text)):
        if _BLANK in scan.text[trigger.start() : trigger.end()]:
            continue
        reference = _read_reference(scan, trigger.end(), french, capital_required=False)
        if reference and reference.titles:
            titles += _accept(scan, trigger, reference)
    return titles


# ---------------------------------------------------------------- entry point


def interpret(message: str) -> Interpretation:
    """Read one chat message (English or French) into an Interpretation."""
    scan = _Scan(message[:MAX_MESSAGE_CHARS])
    french_guess = _message_language(scan) == "fr"  # first guess, before titles are known
    similar_titles, ordinal, like_this = _read_similar(scan, french_guess)
    search_titles = [] if similar_titles or ordinal else _read_search(scan, french_guess)
    people = _read_people(scan)
    like_this = bool(scan.take(_SIMILAR_NO_TITLE)) or like_this
    similar = bool(similar_titles or ordinal or like_this)
    reset = bool(scan.take(_RESET)) or (not similar and bool(scan.take(_RESET_WEAK)))
    language = _message_language(scan)
    found = _read_filters(scan, language == "fr")
    more = bool(scan.take(_MORE))

    if reset:
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
        or _REFINE_START.match(scan.folded)
        or _REFINE_PRONOUN.search(scan.folded)
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
    )
