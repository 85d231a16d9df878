"""Free text cut out of a message: titles after "like"/"comme"/"find", people after "with"/"avec".

Only the typed text is returned; the catalog's typo-tolerant search resolves it later. Telling a title from
a request ("like Heat" / "like a comedy") leans on the filter rules: a text that is only filters is a request.
"""

import re
from dataclasses import dataclass, field

from assistant.interpreter.filters import only_filters, probe_text
from assistant.interpreter.lexicon import (
    AT_WORD,
    ENGLISH_WORDS,
    FRENCH_WORDS,
    MEDIA_PATTERN,
    STOPWORDS,
    words_in,
    wordset,
)
from assistant.interpreter.scan import BLANK, Scan

MAX_TITLE_CHARS = 80  # longer than any real title: bounds the search for where a title ends

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
_LIKE_VETO = wordset(
    "i you we they he she who would d t dont do does did might may ll should could u also really feel"
)
_COMME_VETO = wordset("quoi as avez a avoir proposes proposez")

_SEARCH_TRIGGER = re.compile(
    AT_WORD
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
_ALWAYS_CUT = wordset("but mais please svp stp s'il except sauf instead plutot starring featuring")
_DETERMINERS = wordset(
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
_PARTICLES = wordset("de del della da di du van von der den ten la le bin al")
_NOT_PEOPLE = wordset(  # capitalized after "de"/"by" or before "movie", but not people: studios, services,
    # holidays, festivals, franchises
    """
    netflix disney pixar marvel dc hbo amazon apple ghibli dreamworks studio studios a24 criterion hollywood
    noel christmas halloween paques easter thanksgiving valentine oscar oscars cannes sundance broadway
    bond batman superman spiderman spider star trek wars potter jedi avengers rocky rambo godzilla bollywood
    """
)
_MAX_NAME_WORDS = 5
# A name typed in lower case after a plain "with"/"avec" ("films with robert de niro") is read only when it
# has two words or more and none is a word people put after "with" for something else ("with talking
# animals", "avec des dinosaures"); the catalog has the last word (the chat drops a name nobody bears).
_LOWER_NAME_MIN_WORDS = 2
_NOT_NAME_WORDS = (
    STOPWORDS
    | ENGLISH_WORDS
    | FRENCH_WORDS
    | wordset(
        """
        animals animal dogs dog cats cat robots robot aliens alien dinosaurs monsters vampires ghosts talking
        car cars chases chase fights fight explosions twist twists plot ending endings happy sad strong female
        male lead leads women woman men man girl girls boy boys friends friend kids kid teens teenagers heroes
        hero villain villains songs song dancing dance music soundtrack story stories characters character
        cast actors actor actress lots lot plenty little few many great amazing beautiful nice cool real
        true based book books novel subtitles dialogue dialogues sex nudity violence gore blood swearing
        animaux chiens chats robots dinosaures monstres fantomes poursuites bagarres explosions fin heureuse
        rebondissements histoire vraie personnages heros heroine femmes femme hommes homme filles garcons
        copains amis acteurs actrices chansons musique beaucoup plein peu jolie belle belles vrais vraie
        mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs his her their
        neveu neveux niece nieces fils fille filles frere soeur mere pere copine copain mari enfant famille
        potes parents cousin cousine nephew daughter wife husband brother sister mom mum dad grandma grandpa
        """
    )
)
# "a Tarantino movie", "un Tarantino", "le dernier Nolan": a surname used for the films it made, after an
# article (and maybe "latest", "dernier", "vieux"…) or first in the message before "movie"/"film".
_WORK_ARTICLE = re.compile(
    r"(?:^|\b(?:a|an|another|any|some|more|other|my|un|une|des|du|le|la|mon|the|ce|cet|cette)"
    r"(?:\s+(?:good|great|old|older|early|late|new|newer|latest|last|recent|classic|bon|vieux|vieil|ancien"
    r"|nouveau|dernier|premier|autre|recent|grand|petit|classique|vrai|meilleur))?)\s*$"
)
# "the" and "le"/"la" alone open most titles ("The Godfather", "La Haine"): a surname only after a word
# such as "latest"/"dernier", or before "movie"/"film".
_TITLE_ARTICLES = wordset("the le la ce cet cette")
_SPACES = re.compile(r"\s*")
_ARTICLE_REACH = 40  # characters: an article and one word such as "latest"
_LATEST = re.compile(r"\b(?:new|newer|latest|last|recent|nouveau|dernier|recent)\b")

# ---------------------------------------------------------------- people


def _name_word_at(scan: Scan, position: int) -> tuple[int, int, str] | None:
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


def _is_name_word(scan: Scan, word: tuple[int, int, str], lower_case_ok: bool) -> bool:
    start, _, text = word
    if not (lower_case_ok or scan.capitalized(start)):
        return False
    return text not in _NOT_PEOPLE and not only_filters(text, french=False)


def _read_name(scan: Scan, position: int, lower_case_ok: bool) -> tuple[int, int] | None:
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


def _read_lower_name(scan: Scan, position: int) -> tuple[int, int] | None:
    """A name typed in lower case after "with"/"avec": two words or more, none a common word."""
    start, end, count, position_ = -1, -1, 0, position
    while count < _MAX_NAME_WORDS and (word := _name_word_at(scan, position_)):
        if word[2] in _PARTICLES and count:  # "robert de niro", "louis de funes"
            following = _name_word_at(scan, word[1])
            if not (following and _plain_name_word(scan, following)):
                break
            word = following
        elif not _plain_name_word(scan, word):
            break
        start = word[0] if start < 0 else start
        end, position_, count = word[1], word[1], count + 1
    return (start, end) if count >= _LOWER_NAME_MIN_WORDS else None


def _plain_name_word(scan: Scan, word: tuple[int, int, str]) -> bool:
    text = word[2]
    return (
        text.isalpha()
        and len(text) > 1
        and text not in _NOT_NAME_WORDS
        and text not in _NOT_PEOPLE
        and not only_filters(text, french=False)
        and not only_filters(text, french=True)
    )


def _inside_name(scan: Scan, trigger: re.Match[str]) -> tuple[int, int] | None:
    """The span of a name of which a "de" is a particle ("Louis de Funès", "Robert De Niro"), or None when
    it is a preposition ("un film de Kubrick")."""
    if trigger["weak"] not in ("de", "d'"):
        return None
    before = list(_WORD_BEFORE.finditer(scan.text, 0, trigger.start()))
    if not before:
        return None
    last = before[-1]
    if last.end() != len(scan.text[: trigger.start()].rstrip()):
        return None  # punctuation between
    if not _is_name_word(scan, (last.start(), last.end(), last[0]), lower_case_ok=False):
        return None
    rest = _read_name(scan, trigger.end(), lower_case_ok=False)
    return (last.start(), rest[1]) if rest else None


_WORD_BEFORE = re.compile(r"[^\W\d_][\w-]*")


def read_people(scan: Scan) -> list[str]:
    """Names after "with"/"avec"/"by"/"de" (capitalized; in lower case, two words or more after "with" or
    "avec") or "starring"/"réalisé par" (any case), and surnames used for their films ("un Tarantino")."""
    people: list[str] = []
    for trigger in list(_PERSON_TRIGGER.finditer(scan.text)):
        if BLANK in scan.text[trigger.start() : trigger.end()]:
            continue  # inside a name read after an earlier trigger
        if (inside := _inside_name(scan, trigger)) is not None:
            scan.free_text.append(inside)  # a particle of a name: no evidence of French
            continue
        lower = trigger["weak"] in ("with", "avec")
        span = _read_name(scan, trigger.end(), lower_case_ok=bool(trigger["strong"]))
        if span is None and lower:
            span = _read_lower_name(scan, trigger.end())
        while span:
            people.append(scan.typed(*span))
            scan.free_text.append(span)
            scan.blank(trigger.start(), span[1])
            link = _NAME_LINK.match(scan.text, span[1])
            if not link:
                break
            following = _read_name(scan, link.end(), lower_case_ok=False)
            if following is None and lower:
                following = _read_lower_name(scan, link.end())
            if following:
                scan.blank(link.start(), link.end())
            span = following
    people += _read_works_of(scan)
    return people


def _read_works_of(scan: Scan) -> list[str]:
    """Surnames used for the films they made: "a Tarantino movie", "un Tarantino", "le dernier Nolan"."""
    people: list[str] = []
    for word in list(_WORD_BEFORE.finditer(scan.text)):
        if BLANK in scan.text[word.start() : word.end()] or not scan.capitalized(word.start()):
            continue
        if word.start() and scan.text[word.start() - 1] not in " \t\"'":
            continue
        before = _WORK_ARTICLE.search(scan.text, max(0, word.start() - _ARTICLE_REACH), word.start())
        if before is None:
            continue
        span = _read_name(scan, word.start(), lower_case_ok=False)
        if span is None or span[0] != word.start():
            continue
        words = words_in(scan.text[span[0] : span[1]])
        if any(w in _NOT_PEOPLE for w in words) or len(words) > 3:
            continue
        after = _SPACES.match(scan.text, span[1])
        media = MEDIA_PATTERN.match(scan.text, after.end() if after else span[1])
        article = words_in(before[0])
        opening = article[0] if article else ""
        if media is None:
            reach = span[1] + MAX_TITLE_CHARS
            rest = _TITLE_STOP.search(scan.text, span[1], reach)
            clause = scan.text[span[1] : rest.start() if rest else reach]
            if not article or (len(article) == 1 and opening in _TITLE_ARTICLES):
                continue  # "The Godfather", "La Haine": titles
            if scan.capitalized(before.start() + before[0].index(opening)) and not clause.strip():
                continue  # "A Beautiful Mind", "Un Prophète" typed alone: a title
            if clause.strip() and not only_filters(clause, french=False):
                continue
        people.append(scan.typed(*span))
        scan.free_text.append(span)
        scan.blank(span[0], span[1])
        if _LATEST.search(before[0]):  # "the latest Nolan": the last of theirs, not a recent year
            scan.blank(before.start(), before.end())
    return people


# ---------------------------------------------------------------- titles


@dataclass
class _Reference:
    """What a "like …" or "find …" points at: titles, a position in the last list, or "this"."""

    titles: list[tuple[int, int]] = field(default_factory=list)
    ordinal: int | None = None
    this: bool = False
    end: int = 0


def _names_follow(scan: Scan, position: int) -> bool:
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


def _title_end(scan: Scan, start: int, french: bool) -> int:
    """Where a title that starts at `start` ends: at punctuation, or before words that are only filters."""
    stop = _TITLE_STOP.search(scan.text, start, start + MAX_TITLE_CHARS)
    end = stop.start() if stop else min(len(scan.text), start + MAX_TITLE_CHARS)
    # Read the filters of the whole stretch once: the rest after a connector is "only filters" when no
    # word that is neither a filter nor a function word starts after it.
    last_content = start + max(probe_text(scan.text[start:end], french).content, default=-1)
    for connector in _CONNECTOR.finditer(scan.text, start, end):
        word = connector["word"]
        if (
            word in _ALWAYS_CUT
            or connector.start() > last_content
            or _names_follow(scan, connector.start("word"))
        ):
            return connector.start()
    return end


def _title_continued(scan: Scan, position: int, french: bool) -> int | None:
    """Where a title goes on after a comma, as in "The Good, the Bad and the Ugly".

    Only a lower-case part that starts with an article and is not a request goes on; a capitalized part is
    another title ("like Heat, Ronin or The Town").
    """
    if scan.capitalized(position) or not _ARTICLE.match(scan.text, position):
        return None
    end = _title_end(scan, position, french)
    return None if only_filters(scan.text[position:end], french) else end


def _is_title(scan: Scan, start: int, end: int, french: bool, capital_required: bool) -> bool:
    """Whether a span after "like"/"find" names a title rather than a request ("like a comedy")."""
    text = scan.text[start:end]
    words = text.split()
    if not words or (capital_required and not scan.capitalized(start)):
        return False
    if words[0] in _DETERMINERS and not scan.capitalized(start):
        return False  # "find me a funny film", "cherche un film": a request, not a title
    probe = probe_text(text, french)
    if probe.content:
        return True
    return not probe.has_filters and scan.capitalized(start)  # "like It", "like Us"


def _read_reference(scan: Scan, position: int, french: bool, capital_required: bool) -> _Reference | None:
    """The titles (or ordinal, or "this") that follow a trigger, or None if what follows is a request."""
    text = scan.text
    while position < len(text) and text[position].isspace():
        position += 1
    prefix = _TITLE_PREFIX.match(text, position)  # always matches: every part of it is optional
    start = prefix.end() if prefix else position
    clause = _TITLE_STOP.search(text, start)
    clause_text = text[start : clause.start() if clause else len(text)]
    ordinal = _ORDINAL.match(clause_text)
    if ordinal and (ordinal.end() == len(clause_text) or only_filters(clause_text[ordinal.end() :], french)):
        value = ordinal["word"] and _ORDINAL_WORDS[ordinal["word"]]
        value = value or int(ordinal["number"] or ordinal["index"])
        return _Reference(ordinal=value, end=start + ordinal.end())
    this = None if scan.capitalized(start) else _THIS.match(clause_text)  # but "like It" is a film
    if this and (this.end() == len(clause_text) or only_filters(clause_text[this.end() :], french)):
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


def _split_alternatives(scan: Scan, span: tuple[int, int]) -> list[tuple[int, int]]:
    """Two titles for "Alien or Predator"."""
    start, end = span
    spans = []
    for separator in _ALTERNATIVE.finditer(scan.text, start, end):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, end))
    return [(a, b) for a, b in spans if b > a]


def _accept(scan: Scan, trigger: re.Match[str], reference: _Reference) -> list[str]:
    titles = []
    for span in reference.titles:
        for part in _split_alternatives(scan, span):
            titles.append(scan.typed(*part))
            scan.free_text.append(part)
    scan.blank(trigger.start(), reference.end)
    return titles


_TRAILING_PUNCTUATION = re.compile(r"[\s.,;:!?…'\"-]+")


def read_similar(scan: Scan, french: bool) -> tuple[list[str], int | None, bool]:
    """Titles after "like"/"comme"/"dans le genre de" …, or an ordinal, or "like this"."""
    titles: list[str] = []
    ordinal: int | None = None
    this = False
    for trigger in list(_SIMILAR_TRIGGER.finditer(scan.text)):
        if BLANK in scan.text[trigger.start() : trigger.end()]:
            continue  # inside a title read after an earlier trigger
        if trigger["like"] or trigger["comme"]:
            veto = _LIKE_VETO if trigger["like"] else _COMME_VETO
            if any(word in veto for word in words_in(scan.folded[: trigger.start()])[-2:]):
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


def read_search(scan: Scan, french: bool) -> list[str]:
    """Titles after "find"/"search for"/"cherche"/"is there"…, unless a request follows ("find a comedy")."""
    titles: list[str] = []
    for trigger in list(_SEARCH_TRIGGER.finditer(scan.text)):
        if BLANK in scan.text[trigger.start() : trigger.end()]:
            continue
        reference = _read_reference(scan, trigger.end(), french, capital_required=False)
        if reference and reference.titles:
            titles += _accept(scan, trigger, reference)
    return titles
