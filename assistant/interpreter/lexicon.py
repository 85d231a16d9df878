"""The English and French words the offline interpreter knows, as tables and regexes over folded text.

Kept apart from the rules that use them so a word can be added without reading any code; the regexes are
compiled once, at import.
"""

import re
from collections.abc import Sequence

from catalog.genres import (
    ACTION,
    ADVENTURE,
    ANIMATION,
    COMEDY,
    CRIME,
    DOCUMENTARY,
    DRAMA,
    FAMILY,
    FANTASY,
    HISTORY,
    HORROR,
    MUSIC,
    MYSTERY,
    ROMANCE,
    SCIENCE_FICTION,
    THRILLER,
    TV_MOVIE,
    WAR,
    WESTERN,
)

WORD = re.compile(r"[^\W_]+")


def words_in(text: str) -> list[str]:
    return WORD.findall(text)


def wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


AT_WORD = r"(?<![^\W_])(?=[a-z0-9])"  # a word start: `\b` before a word, but it fails faster elsewhere
AT_TERM = rf"(?:{AT_WORD}|(?=[<>]))"  # … or a comparison sign


def table(patterns: Sequence[str]) -> re.Pattern[str]:
    """One regex for a table of alternatives; `int(match.lastgroup[1:])` is the row that matched.

    Rows are tried in order at each position, so multi-word rows ("comedie romantique") come before the
    shorter rows they contain ("comedie"). Asserting a word start first spares trying every row at every
    other position: twice as fast as a plain `\b`.
    """
    rows = "|".join(f"(?P<_{i}>{p})" for i, p in enumerate(patterns))
    return re.compile(rf"{AT_WORD}(?:{rows})\b")


def row(match: re.Match[str]) -> int:
    return int((match.lastgroup or "_0")[1:])


# ---------------------------------------------------------------- word tables (English | French)

# Moments that call for a mood ("a rainy Sunday", "un dimanche pluvieux") and a child's age ("my 8 year old",
# "mon fils de 10 ans": 12 and under is a child's film; older is not read as an audience).
_MOMENT = r"(?:days?|sundays?|afternoons?|evenings?|nights?|weekends?)"
_MOMENT_FR = r"(?:jours?|journees?|dimanches?|apres[\s-]midis?|soir(?:ee)?s?|week[\s-]?ends?)"
_AGE = r"(?:[1-9]|1[0-2]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_AGE_FR = r"(?:[1-9]|1[0-2]|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze)"
_CHILD_AGE = (
    rf"(?:(?:my|our|a|an|the|for)\s+)?{_AGE}[\s-]*(?:(?:years?|yrs?)[\s-]*olds?|y/?o)"
    r"(?:\s+(?:son|daughter|kids?|child|boy|girl|nephew|niece|grandson|granddaughter|twins))?"
    r"(?:\s+(?:can|could|will|would)\s+(?:watch|enjoy|like|see))?"
    rf"|for\s+ages?\s+{_AGE}(?:\s*(?:\+|and\s+up|and\s+over))?"
)
_CHILD = (
    r"(?:fils|filles?|enfants?|neveux?|nieces?|petits?|petites?|petit[\s-]fils|petite[\s-]fille|gamins?"
    r"|gamines?|garcons?|jumeaux|jumelles|loulous?)"
)
_CHILD_AGE_FR = (
    rf"(?:pour\s+)?(?:(?:mon|ma|mes|notre|nos|un|une|des|les)\s+)?{_CHILD}\s+(?:de\s+)?{_AGE_FR}\s+ans"
    rf"|pour\s+(?:les\s+|un\s+|une\s+)?{_AGE_FR}\s+ans|(?:a\s+partir\s+de|des)\s+{_AGE_FR}\s+ans"
)

# Everyday words for TMDB's movie genres (their ids and canonical names live in catalog.genres; every
# canonical English and French name is read here too). Rows that are pure look-aheads imply a genre without
# using the word up ("sitcom" is comedy *and* TV).
GENRES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    (r"romantic\s+comed(?:y|ies)|rom[\s-]?coms?", r"comedies?\s+romantiques?", (COMEDY, ROMANCE)),
    (r"musicals?|music", r"comedies?\s+musicales?|musiques?|musicales?|musicaux", (MUSIC,)),
    (  # a mood, and the moments that call for one: a rainy Sunday, a lazy evening, something light
        r"feel[\s-]?good|uplifting|heart[\s-]?warming|cheer\s+(?:me|us)\s+up|cozy|cosy|comfort(?:ing)?"
        r"|relaxing|chill(?:ed)?|easy[\s-]?going"
        r"|light(?=\s*$|\s+(?:and|movies?|films?|shows?|comed(?:y|ies)|stuff|tonight)\b)"
        rf"|(?:rainy|lazy|cold|snowy)\s+{_MOMENT}|{_MOMENT}\s+(?:in|on|at)\s+the\s+(?:couch|sofa)",
        r"reconfortants?|qui\s+fait\s+du\s+bien|feel[\s-]?good|remonte\s+le\s+moral|cosy|cocooning"
        r"|doudou|detente|(?:pour\s+)?(?:se|me|nous)\s+(?:detendre|poser|relaxer)|decompresser"
        r"|sans\s+prise\s+de\s+tete|sous\s+(?:la|un)\s+(?:couette|plaid)|legere?s?"
        rf"|{_MOMENT_FR}\s+(?:pluvieux|pluvieuse|de\s+pluie|d'hiver|tranquilles?|cosy|au\s+chaud)",
        (COMEDY, FAMILY),
    ),
    (  # an audience: films for children are family films or cartoons, never horror or adult genres
        r"for\s+(?:the\s+|my\s+|little\s+)?(?:kids|children|family)|kids|children(?:'s)?|family[\s-]friendly"
        rf"|toddlers?|little\s+ones|preschool(?:ers)?|{_CHILD_AGE}",
        r"pour\s+(?:les\s+|mes\s+|des\s+)?(?:enfants|petits|gamins|gosses|famille)|enfants|en\s+famille|famille"
        rf"|tout[\s-]petits|{_CHILD_AGE_FR}",
        (FAMILY, ANIMATION),
    ),
    (  # an occasion: a film to watch as a couple is a romance or a comedy, never horror or war
        r"date(?:[\s-]night)?(?=\s+(?:movies?|films?|shows?|ideas?)\b)|date[\s-]night|(?:for|on)\s+a\s+(?:first\s+)?date"
        r"|valentine'?s?(?:\s+day)?",
        r"(?:pour\s+)?(?:un|une|mon|ma|notre)\s+(?:rencard|rendez[\s-]vous(?:\s+galant)?"
        r"|premier\s+rendez[\s-]vous)|saint[\s-]valentin",
        (ROMANCE, COMEDY),
    ),
    (r"(?=sitcoms?\b)", "", (COMEDY,)),
    (r"(?=docu[\s-]?series\b)", "", (DOCUMENTARY,)),
    (r"", r"histoires?\s+d'amour", (ROMANCE,)),  # before History's "histoire"
    (r"tv\s+movies?", r"telefilms?", (TV_MOVIE,)),
    (r"biopics?|biographical", r"biopics?|biographiques?", (DRAMA, HISTORY)),
    (
        r"cry(?:ing)?\s+laughing|comed(?:y|ies)|funny|funnier|funniest|hilarious|laugh(?:s|ing)?|fun|humou?r"
        r"|lighthearted",
        r"pleurer\s+de\s+rire|mourir\s+de\s+rire|comedies?|droles?|marrants?|marrantes?|rigolos?"
        r"|rigolotes?|humour|comiques?|rire",
        (COMEDY,),
    ),
    (
        r"horror|scary|scarier|scariest|frightening|terrifying|creepy|spooky|slashers?|zombies?",
        r"horreur|effrayant(?:e|s|es)?|flippant(?:e|s|es)?|epouvante|peur",
        (HORROR,),
    ),
    (
        r"cartoons?|animated|animation|anime",
        r"dessins?[\s-]+animes?|animation|animes?",
        (ANIMATION,),
    ),
    (
        r"crime|criminal|gangsters?|mafia|mob|heists?|noir(?!\s+et\s+blanc)",
        r"polars?|policiers?|policieres?|criminel(?:le)?s?|braquages?|cambriolages?",
        (CRIME,),
    ),
    (r"thrillers?|suspense(?:ful)?", r"thrillers?|suspense|haletant(?:e|s|es)?", (THRILLER,)),
    (
        r"sci[\s-]?fi|science[\s-]+fiction|space|sf|futuristic",
        r"science[\s-]+fiction|sf|espace|futuristes?",
        (SCIENCE_FICTION,),
    ),
    (
        r"dramas?|dramatic|sad|sadder|tear[\s-]?jerkers?|moving|emotional|make\s+me\s+cry"
        r"|(?:to\s+)?(?:have\s+a\s+(?:good\s+)?)?cry(?!\s+laughing)(?:\s+(?:to|at|over|my\s+eyes\s+out))?"
        r"|weep(?:ies|y)?"
        r"|(?:bring|need)\s+(?:the\s+)?tissues",
        r"drames?|dramatiques?|tristes?|emouvant(?:e|s|es)?|bouleversant(?:e|s|es)?|qui\s+fait\s+pleurer"
        r"|poignant(?:e|s|es)?|(?:pour|a|de\s+quoi)\s+pleurer|pleurer|chialer|larmes|mouchoirs",
        (DRAMA,),
    ),
    (
        r"documentar(?:y|ies)|docus?|docs?",
        r"documentaires?",
        (DOCUMENTARY,),
    ),
    (r"westerns?|cowboys?", r"westerns?", (WESTERN,)),
    (r"(?<!star\s)wars?|military|world\s+war\s+(?:i|ii|one|two)", r"guerres?|militaires?", (WAR,)),
    (r"fantasy|fantasies|magic(?:al)?|wizards?", r"fantastiques?|magie|magiques?", (FANTASY,)),
    (r"adventures?|adventurous", r"aventures?", (ADVENTURE,)),
    (r"action(?:[\s-]packed)?", r"action", (ACTION,)),
    (
        r"myster(?:y|ies)|mysterious|whodunn?its?|detectives?",
        r"mysteres?|mysterieu(?:x|se|ses)|enigmes?|enquetes?",
        (MYSTERY,),
    ),
    (
        r"history|historical|period\s+(?:pieces?|dramas?)",
        r"histoire|historiques?|d'epoque",
        (HISTORY,),
    ),
    (
        r"family|families",
        r"familia(?:l|le|les|ux)",
        (FAMILY,),
    ),
    (
        r"romance|romances|romantic|love\s+stor(?:y|ies)",
        r"romance|romances|romantiques?|d'amour",
        (ROMANCE,),
    ),
)
# Rows naming several genres at once that a title must all have ("a romantic comedy" is both).
GENRES_ALL = frozenset({0})
# Rows that say who or what mood a film is for rather than its genre: any of their genres, and what such
# a film must never be. Beside one of them, a genre named outright is required ("animated film for kids").
MOOD_EXCLUDES: dict[int, tuple[int, ...]] = {
    2: (HORROR, WAR),  # feel-good
    3: (HORROR, THRILLER, CRIME, WAR, ROMANCE),  # for kids: nothing frightening, violent or for grown-ups
    4: (HORROR, WAR),  # a date
}
GENRE_PATTERN = table(["|".join(filter(None, (en, fr))) for en, fr, _ in GENRES])

LANGUAGES: tuple[tuple[str, str, str], ...] = (
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
LANGUAGE_PATTERN = table([f"{en}|{fr}" for _, en, fr in LANGUAGES])
_LANGUAGE_WORDS = "|".join(f"{en}|{fr}" for _, en, fr in LANGUAGES)
# "with English subtitles" / "sous-titré en anglais" / "en VF" say how to watch, not the original language.
SUBTITLES = re.compile(
    AT_WORD + r"(?:(?:with|avec)\s+(?:des\s+)?)?(?:(?:english|french|anglais|francais)\s+)?"
    r"(?:subtitles?|subs|subtitled|sous[\s-]*titres?|sous[\s-]*titree?s?|vostfr|vost|vf|vo|dubbed|doublee?s?)"
    rf"(?:\s+(?:in|en)\s+(?:{_LANGUAGE_WORDS}))?\b"
)

MEDIA: tuple[tuple[str, str, str], ...] = (
    (
        "tv",
        r"tv[\s-]?shows?|tv[\s-]?series|tv|television",
        r"series?|feuilletons?|emissions?|mini[\s-]?series?",
    ),
    ("tv", r"(?:mini[\s-]?|docu[\s-]?)?series|shows?|sitcoms?|seasons?|episodes?", r"sitcoms?|saisons?"),
    ("movie", r"movies?|films?|flicks?|cinema|feature\s+films?", r"films?|long[\s-]?metrages?|cinema"),
)
MEDIA_PATTERN = table([f"{en}|{fr}" for _, en, fr in MEDIA])
# "show me …" is a verb, not a TV show.
SHOW_VERB = re.compile(r"^\W*show\b|\bshow\s+(?:me|us)\b")

ADJUSTMENTS: tuple[tuple[str, str, str], ...] = (
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
ADJUSTMENT_PATTERN = table([f"{en}|{fr}" for _, en, fr in ADJUSTMENTS])

# Words that turn the next filter around: "not horror", "pas de films d'horreur", "no horror or romance".
_NEGATORS = (
    r"not|no|without|except|nothing|hate|avoid|never|anything\s+but|other\s+than|don'?t\s+(?:want|like|need)"
    r"|less|fewer|moins"
    r"|(?:is|are|was|were|does|do)n'?t"
    r"|pas|sans|sauf|aucune?|ni|non|jamais|evite[rz]?|deteste[rz]?|a\s+part|autre\s+que|hors"
)
_FILLERS = (
    r"a|an|any|the|too|very|more|really|so|of|de|d|du|des|les|le|la|l|un|une|trop|tres|en|films?|movies?"
    r"|series|shows?|ones?|anything|something|stuff|genre|type|kind|sort|trucs?|chose"
)
NEGATED = re.compile(
    rf"\b(?:{_NEGATORS})(?:[\s'-]+(?:{_FILLERS}))*"
    rf"(?:[\s'-]+\w+[\s'-]+(?:or|nor|ni|ou)(?:[\s'-]+(?:{_FILLERS}))*)*[\s'-]*$"
)

# ---------------------------------------------------------------- numbers: runtime, years, ratings

HOURS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "un": 1, "une": 1, "deux": 2, "trois": 3}
_DURATION = (
    r"(?:(?P<hours>\d+(?:[.,]\d+)?|an?|one|two|three|une?|deux|trois)\s*(?:hours?|hrs?|heures?|h(?![a-z]))"
    r"(?:\s*(?:and\s+a\s+half|et\s+demie?)(?P<half>)"
    r"|\s*(?:and\s+)?(?P<extra>\d{1,2})(?:\s*(?:minutes?|mins?|mn))?)?"
    r"|(?P<half_hour>half\s+an\s+hour|une\s+demi[\s-]heure)"
    r"|(?P<minutes>\d{2,3})\s*(?:minutes?|mins?|mn|m)(?![a-z]))"
)
RUNTIME = re.compile(
    AT_TERM + r"(?:(?:runtime|duree|lasting|qui\s+dure)\s+)?"
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

EN_DECADES = {"twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950}
EN_DECADES |= {"sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990}
FR_DECADES = {"vingt": 1920, "trente": 1930, "quarante": 1940, "cinquante": 1950, "soixante": 1960}
FR_DECADES |= {"soixante dix": 1970, "quatre vingt": 1980, "quatre vingts": 1980, "quatre vingt dix": 1990}
TIME = re.compile(
    AT_WORD + r"(?:(?P<mod>after|post|later\s+than|newer\s+than|since|starting(?:\s+(?:in|from))?|from|depuis"
    r"|a\s+partir\s+d[e']|apres|before|pre|older\s+than|earlier\s+than|prior\s+to|until|till|up\s+to|through"
    r"|avant|jusqu'?\s*(?:en|a|aux|au)|in|en|during|pendant|de|des|du|dans)[\s-]*)?"
    r"(?:the\s+|les\s+|l'|la\s+)?"
    r"(?:(?P<part>early|late|mid|debut\s+des|fin\s+des|milieu\s+des)[\s-]*)?"
    r"(?:annees\s+(?:(?P<fr_century>19|20)?(?P<fr_decade>\d)0|(?P<fr_word>"
    + "|".join(sorted((w.replace(" ", r"[\s-]+") for w in FR_DECADES), key=len, reverse=True))
    + r"))"
    r"|\b(?P<century>19|20)?(?P<decade>\d)0'?s"
    r"|(?P<en_word>" + "|".join(EN_DECADES) + r")"
    r"|(?P<year>19\d\d|20[0-4]\d))\b"
    r"(?:\s+(?P<since>onwards?|and\s+later|or\s+later|and\s+after|or\s+newer|and\s+up|et\s+plus|ou\s+plus"
    r"|et\s+apres|a\s+nos\s+jours)"
    r"|\s+(?P<until>and\s+before|or\s+earlier|or\s+before|et\s+avant|ou\s+avant))?"
)
AFTER = {"after", "post", "later than", "newer than", "apres"}
SINCE = {"since", "starting", "starting in", "starting from", "depuis", "a partir de", "a partir d'"}
BEFORE = {"before", "pre", "older than", "earlier than", "prior to", "avant"}
UNTIL = {"until", "till", "up to", "through"}

RATING = re.compile(
    AT_TERM + r"(?:(?P<named>rated|rating|score|notee?s?|note)\s+(?:of\s+|de\s+)?)?"
    r"(?:(?P<above>above|over|more\s+than|higher\s+than|greater\s+than|at\s+least|minimum|min|plus\s+d[e']"
    r"|au[\s-]+dessus\s+d[e']|au\s+moins|superieure?s?\s+(?:ou\s+egale?s?\s+)?a|>=?)\s*)?"
    r"(?<![\d.,])(?P<value>\d{1,2}(?:[.,]\d{1,2})?)"
    r"(?P<scale>\s*(?:/|sur|out\s+of)\s*(?:10|5)\b|\s*(?:stars?|etoiles?)\b)?"
    r"(?P<plus>\s*\+|\s+(?:or\s+(?:more|higher|above)|ou\s+plus|minimum|and\s+up|et\s+plus)\b)?"
    r"(?![\d.,])"
)
# "more than 3 seasons", "plus de 10 films": counts, not ratings (checked on the text before media are read).
COUNTED = re.compile(r"\s*(?:seasons?|saisons?|episodes?|films?|movies?|series|votes?|ans|years|%)")
QUALITY_TOP = re.compile(
    AT_WORD + r"(?:excellent(?:e|s|es)?|masterpieces?|chefs?[\s-]*d'?\s*oeuvres?|outstanding|exceptional"
    r"|exceptionnel(?:le)?s?|must[\s-](?:see|watch)|incontournables?|best|greatest|top[\s-]rated"
    r"|meilleur(?:e)?s?|cultes?)\b"
)
QUALITY = re.compile(
    AT_WORD + r"(?:(?P<very>very|really|extremely|super|truly|tres|vraiment|hyper|extremement)\s+)?"
    r"(?:good(?!\s+for\b)|great|well[\s-](?:rated|reviewed|received)|highly[\s-](?:rated|acclaimed)"
    r"|(?:critically\s+)?acclaimed|quality|bien[\s-]notee?s?|bons?(?!\s*[,!])|bonnes?(?!\s*[,!])"
    r"|de\s+qualite|acclamee?s?|super(?=\s+(?:films?|series?|movies?|shows?)\b))\b"
)
RECENT = re.compile(
    AT_WORD
    + r"(?:recent|recently\s+released|latest|new\s+releases?|brand[\s-]new|newest|recente?s?|nouveautes?"
    r"|dernieres?\s+sorties?|sortie?s?\s+recemment)\b"
)
OLD = re.compile(
    AT_WORD
    + r"(?:(?<!year\s)(?<!years\s)(?<!year-)old(?:ies|[\s-]school)?|(?<!modern\s)classics?|classiques?"
    r"|vieu[xs]|vieilles?|anciens?|anciennes?|retro|d'antan|golden\s+age|de\s+l'age\s+d'or)\b"
)
SHORT = re.compile(r"\b(?:short|quick)\b")
SHORT_FR = re.compile(r"\bcourte?s?\b")  # only in French: "court" is an English word too
LONG = re.compile(r"(?<!\bas\s)(?<!\bhow\s)\blong(?:s|ue|ues)?\b(?!\s+as\b)")

# ---------------------------------------------------------------- conversation words

RESET = re.compile(
    AT_WORD + r"(?:start\s+(?:over|again|afresh|from\s+scratch)|from\s+scratch|reset|restart|never\s*mind"
    r"|forget\s+(?:that|it|this|everything|all\s+that|about\s+(?:it|that))|new\s+search"
    r"|clear\s+(?:all|everything)"
    r"|something\s+(?:else\s+entirely|(?:completely|totally|entirely)\s+different|different\s+entirely)"
    r"|(?:on\s+)?recommence[rz]?|recommencons|(?:on\s+)?repar(?:t|s|tir)\s+(?:de|a)\s+zero"
    r"|oublie[rz]?\s+(?:ca|cela|tout)|laisse[rz]?\s+tomber|tout\s+(?:a\s+fait\s+)?autre\s+chose"
    r"|rien\s+a\s+voir|nouvelle\s+recherche|(?:completement|totalement)\s+different)\b"
)
RESET_WEAK = re.compile(r"\b(?:something\s+else|autre\s+chose|quelque\s+chose\s+d'autre)\b")
# A message that is only "plus" or "the rest": more of the same ("plus" alone, never "plus récent").
MORE_ONLY = re.compile(
    r"^\W*(?:plus|encore\s+plus|others|la\s+suite|next|et\s+apres|and\s+then)\W*"
    r"(?:(?:please|pls|svp|stp|s'il\s+(?:te|vous)\s+plait)\W*)?$"
)
MORE = re.compile(
    AT_WORD
    + r"(?:more|another(?:\s+one)?|one\s+more|others|other\s+(?:ones?|suggestions?|ideas?|options?|results?"
    r"|titles?|picks?)|next|keep\s+going|anything\s+else|what\s+else|encore|d'\s*autres?|une?\s+autre"
    r"|autres?\s+(?:suggestions?|idees?|propositions?|choix)|la\s+suite|suivants?|continue[rz]?)\b"
)
SIMILAR_NO_TITLE = re.compile(
    AT_WORD + r"(?:(?:something|anything|more|others?|films?|movies?|shows?|ones?)\s+similar"
    r"|similar\s+(?:ones?|films?|movies?|shows?|series|titles|stuff)|more\s+of\s+the\s+same"
    r"|(?:quelque|autre)\s+chose\s+de\s+(?:similaire|semblable|pareil|proche)"
    r"|(?:des|d')\s*(?:(?:films?|series?|trucs?)\s+)?similaires|dans\s+le\s+meme\s+(?:genre|style|esprit)"
    r"|du\s+meme\s+(?:genre|style|acabit)|(?:the\s+)?same\s+(?:kind|genre|style|vibe)(?:\s+of\s+\w+)?"
    r"|in\s+the\s+same\s+vein)\b"
)
# Where a follow-up begins: "only French ones", "mais des années 80", "not horror".
REFINE_START = re.compile(
    r"^\W*(?:only|just|but|and|not|no(?!\s*[,.!])|without|except|rather|instead|also|same|what\s+about"
    r"|how\s+about|make\s+(?:it|them)|seulement|uniquement|mais|et|pas|sans|sauf|plutot|juste|que|aussi"
    r"|pareil|et\s+si)\b"
)
# "Actually make it a comedy", "finalement une comédie": the genre named replaces the current one.
REPLACE = re.compile(
    AT_WORD + r"(?:actually|instead|rather|make\s+(?:it|that|them)|change\s+(?:it\s+)?to|switch\s+to"
    r"|finalement|plutot|en\s+fait|change\s+pour|remplace|passons\s+a)\b"
)
# Greetings, thanks, requests for help: answered with what the assistant can do, not with a list.
SMALL_TALK = re.compile(
    AT_WORD + r"(?:h(?:e+l+o+|i+|ey+|owdy)|yo|good\s+(?:morning|evening|afternoon|night)"
    r"|thanks?(?:\s+you)?|thx|cheers|bye|goodbye|help|what\s+can\s+you\s+do|how\s+does\s+(?:it|this)\s+work|who\s+are\s+you"
    r"|how\s+are\s+you|ok(?:ay)?|cool|nice|great|lol|test(?:ing)?|bonjour|bonsoir|salut|coucou|merci"
    r"|au\s+revoir|a\+|aide(?:[\s-]moi)?|au\s+secours|qu'est[\s-]ce\s+que\s+tu\s+(?:sais\s+)?(?:fais|faire)"
    r"|que\s+sais[\s-]tu\s+faire|tu\s+sers\s+a\s+quoi|qui\s+es[\s-]tu|comment\s+(?:ca\s+va|vas[\s-]tu)"
    r"|ca\s+va|d'accord|super|genial)\b"
)
# A question the assistant cannot answer ("what's the weather?"): no filter, a question word first.
QUESTION = re.compile(
    r"^\W*(?:what|who|why|when|where|how|which|do\s+you|are\s+you|can\s+you\s+(?!recommend|suggest|find)"
    r"|quel(?:le)?s?|qui|pourquoi|quand|ou|comment|est[\s-]ce\s+que|tu\s+(?:es|peux|connais))\b"
)
# Greetings that hold a word filters read ("good" morning): taken before the filters.
GREETING = re.compile(
    AT_WORD + r"(?:good\s+(?:morning|evening|afternoon|night|day)|bonne\s+(?:soiree|nuit|journee))\b"
)
# A contrast that opens the message: "no, a comedy", "non, plutôt un drame" replaces the genre.
CONTRAST_START = re.compile(r"^\W*(?:no|non|nope|nah)\s*[,.!;:-]")
# English words French speakers use as they are: no evidence of English.
LOANWORDS = re.compile(r"\bfeel[\s-]?good\b|\bhappy[\s-]?end\b|\broad[\s-]?movie\b|\bthriller\b|\bwestern\b")
AZERTY_RUNS = ("azer", "qsdf", "wxcv")  # mashing a French keyboard
KEYBOARD_RUNS = ("qwert", "asdf", "zxcv", "azert", "qsdf", "wxcv", "hjkl", "uiop", "jkl", "dfg", "sdf", "fgh")
REFINE_PRONOUN = re.compile(r"\b(?:ones|those|them|ceux|celles|ceux[\s-]la|celles[\s-]la)\b")

# Words that carry no request on their own: a text made only of these and filters is not a title.
STOPWORDS = wordset("""
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

FRENCH_WORDS = wordset("""
    le la les un une des du de avec comme pas sans annees annee tres plus moins et ou mais pour qui que
    quelque chose je tu vous nous moi est ca cela sur dans en au aux encore autre autres seulement uniquement
    cherche trouve recherche veux voudrais aime oublie recommence recommencons aussi bien bon bonne mieux
    ceux celles cette ce avant apres depuis entre heure heures note notes serie drole droles comedie
    comedies horreur policier polar dessin documentaire guerre aventure fantastique historique familial
    enfants francais francaise anglais coreen japonais espagnol italien allemand chinois classique
    classiques ancien anciens vieux court courte courts longue sorti svp stp merci trop vraiment quoi il y
    bonjour bonsoir salut coucou aide triste emouvant finalement plutot enfants famille par realise realisee
    """)
ENGLISH_WORDS = wordset("""
    the a an with like something anything movie movies show shows and from in not no only just more some
    please me i want find search look is there any of to for but without older newer shorter longer better
    funny scary good great rated under over less than hours else start forget reset another one ones other
    similar by starring directed that it this what can you recommend give kids comedy horror series
    """)
ELISION = re.compile(r"\b(?:[dljcnmst]|qu|jusqu|lorsqu|puisqu)'(?=[a-z])")
