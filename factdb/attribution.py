"""Who says a sentence: reporting frames, speaker noun phrases, names and roles.

Works on a *frame*: the sentence with every quoted stretch (double quotes) blanked out, so that
"said" inside a quotation is never taken for the reporting verb.

Speaker kinds (a policy matching relies on):

* PERSON: a named person ("Dmitry Peskov", "Putin"), or one unnamed office holder
  ("a spokesperson", "Chelyabinsk's governor");
* ORGANISATION: a named organisation, outlet, state or body ("the FSB", "Reuters", "Iran",
  "Ukraine's air force", "the Investigative Committee", "the German government");
* UNKNOWN: vague groups and unnamed sources or documents ("officials", "residents", "a source",
  "reports", "the statement", "media").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factdb.models import SpeakerKind

__all__ = [
    "Attribution", "Speaker", "find_attribution", "split_name_role", "speaker_kind", "blank_quotes", "named_subject",
    "gender_cue",
]

BLANK = "\u2592"

# Reporting verbs, by the way they take their content.
_SAY_VERBS = (
    "said says say told tells tell stated states announced announces claimed claims alleged alleges "
    "confirmed confirms reported reports warned warns insisted insists added adds noted notes wrote "
    "writes explained explains continued continues indicated indicates estimated estimates acknowledged "
    "acknowledges admitted admits agreed agrees revealed reveals cautioned argued argues asserted asserts "
    "maintained maintains predicted predicts promised promises pledged vowed threatened threatens "
    "conceded concluded suggested suggests believe believes believed tweeted speculated mentioned "
    "declared declares disclosed testified observed remarked replied responded recalled stressed "
    "emphasised emphasized assured reiterated repeated read reads described describes called calls commented comments "
    "accused accuses urged urges demanded suggest cited quoted defended defends criticised criticized "
    "condemned blamed spoke"
).split()
_NEG_VERBS = "denied denies deny dismissed dismisses rejected rejects refuted refutes disputed disputes".split()
_PARTICIPLES = (
    "saying claiming adding noting warning insisting stating telling announcing accusing describing "
    "alleging explaining arguing suggesting indicating confirming denying dismissing rejecting estimating speaking"
).split()
# Ambiguous -s forms: a verb only right after a name, an adverb or a closed appositive.
_AMBIGUOUS = frozenset("reports claims estimates notes states promises reads calls read found".split())


def _alternation(words: set[str]) -> str:
    """A regex alternation of ``words`` grouped by first letter (longest first), so a match fails fast."""
    by_first: dict[str, list[str]] = {}
    for w in words:
        by_first.setdefault(w[0], []).append(re.escape(w[1:]))
    return "|".join(
        f"{first}(?:{'|'.join(sorted(rests, key=len, reverse=True))})" for first, rests in sorted(by_first.items())
    )


_VERB_RE = re.compile(
    r"\b(?=[a-z])(" + _alternation(set(_SAY_VERBS + _NEG_VERBS + _PARTICIPLES))
    + r"|ruled out|pushed back on|(?:placed|places|put|puts)(?=\s+(?:the|its|their)\s+(?:[\w-]+\s+){0,3}(?:toll|count|tally|figure|total|number\s+of)\b))\b"
)
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
_PASSIVE_BEFORE = re.compile(
    r"\b(?:was|were|been|being|be|is|are)\s+(?:(?:\w+ly|on\s+[A-Z]\w+|also|later|then|not|first|widely|initially|earlier)\s+)*$"
)
_PASSIVE_BY = re.compile(r"\b(?:was|were|is|are|been|being)\s+(?:\w+ly\s+)?(?:told|informed|briefed|quoted|cited)\s+by\s+")

_LEADING_CONJUNCTIONS = frozenset("but and or so however meanwhile nonetheless nevertheless instead".split())
_SKIP_BACK = frozenset(
    """also further later subsequently reportedly initially strongly then has have had previously earlier
    would will repeatedly publicly officially quickly since yet already again recently once now still
    first separately jointly privately formally openly did does do there here""".split()
)
_PARTICLES = frozenset("al bin ibn de del dela della di da dos du van von der den la le el abu ben ter".split())
_CONNECT = frozenset("of for the and from at 's to on within inside in".split())
_DETERMINERS = frozenset("the a an its his her their our this that these those some one two several many".split())
HONORIFICS = frozenset("mr mr. mrs mrs. ms ms. dr dr. mx sir dame prof prof. messrs".split())
ROLE_WORDS = frozenset(
    """president minister secretary spokesman spokeswoman spokesperson governor senator sen sen. general
    gen gen. superintendent director ceo chairman chairwoman chair chief ambassador envoy commander mayor
    leader official prosecutor judge editor campaigner barrister lawyer attorney rapporteur head deputy
    premier chancellor king queen prince princess emir sheikh pope representative rep rep. admiral commandant
    captain colonel sergeant lieutenant inspector professor correspondent reporter journalist analyst
    researcher advisor adviser aide founder owner manager executive speaker secretary-general
    vice-president vp counsel officer lord baron cardinal bishop archbishop rabbi imam cleric
    coordinator administrator commissioner councillor councilor congressman congresswoman lawmaker
    mp member expert economist scientist doctor nurse witness activist diplomat strategist
    superintendent marshal major mayor-elect president-elect candidate justice mp coach trainer physician
    surgeon coroner sheriff pathologist chairperson organiser organizer negotiator mediator pastor priest
    reverend rev rev. duke duchess earl countess viscount marquess ayatollah sultan lama""".split()
)
_VAGUE_HEADS = frozenset(
    """officials official sources source reports report residents protesters critics witnesses experts
    analysts researchers media figures letter statement statements documents document people insiders
    observers lawmakers diplomats investigators authorities activists scientists locals study survey
    data footage video records rumours rumors organizers organisers associates allies supporters relatives family colleagues
    aides doctors memo memos memorandum email emails dossier assessment cable transcript message messages
    tweet tweets agencies services ministries governments groups organisations organizations companies departments
    bodies institutions parties rebels militants insurgents troops soldiers fighters opinion opinions summary
    ruling rulings verdict judgment judgement filing filings indictment complaint lawsuit affidavit""".split()
)
_PERSON_NOUNS = frozenset(
    """protester resident witness student activist worker survivor soldier villager passenger eyewitness
    engineer teacher nurse farmer""".split()
)
_ORG_HEADS = frozenset(
    """government ministry agency committee service council office army military police forces force
    movement church party department authority court commission company group organisation organization
    coalition navy guard center centre institute university college hospital website site newspaper
    network channel tv union bank board administration embassy parliament congress senate cabinet
    kremlin pentagon federation association league foundation corporation inc fund team campaign
    command directorate bureau unit regime house opposition junta media outlet paper daily times post press
    tass reuters bbc cnn nbc pbs abc cbs afp ap yonhap kcna xinhua interfax ria broadcaster radio
    television station commission secretariat alliance front brigade militia corps taliban
    houthis hezbollah hamas isis isil news insider international watch crescent borders frontières
    airlines airways journal gazette herald tribune telegraph chronicle magazine jazeera arabiya
    inspectorate regulator watchdog tribunal observatory consortium firm utility hydro energy electric
    motors industries holdings pharma pharmaceuticals telecom mining petroleum steel shipping logistics
    railways technologies systems labs software capital partners ventures studios chemicals construction""".split()
)
_COUNTRIES = frozenset(
    """iran iraq russia ukraine china india pakistan afghanistan syria turkey israel egypt germany france
    britain uk us usa america japan korea yemen saudi arabia qatar lebanon jordan canada mexico brazil
    australia italy spain poland belarus georgia armenia azerbaijan kazakhstan nigeria kenya ethiopia
    somalia sudan libya tunisia algeria morocco venezuela colombia cuba argentina chile peru philippines
    indonesia malaysia thailand vietnam myanmar bangladesh taiwan singapore moscow washington beijing
    kyiv kiev tehran london paris berlin brussels ankara riyadh damascus baghdad kabul tokyo seoul
    pyongyang europe nato eu un""".split()
)
_COUNTRY_NAMES = frozenset(
    ["united states", "united kingdom", "united nations", "united arab emirates", "south korea", "north korea",
     "new zealand", "south africa", "sri lanka", "saudi arabia", "european union", "white house", "hong kong",
     "czech republic", "el salvador", "costa rica", "ivory coast", "vatican city", "south sudan"]
)
_KNOWN_ORGS = frozenset(
    """reuters bloomberg yonhap tass interfax xinhua kremlin pentagon taliban hamas hezbollah twitter
    facebook google amnesty greenpeace unicef unesco who nato opec interpol europol frontex fars irna isna
    tasnim wafa bernama kyodo ansa efe dpa wikileaks wikinews wikipedia youtube instagram tiktok vatican
    bundestag knesset duma gazprom rosneft boeing airbus""".split()
)
_KNOWN_ORG_NAMES = frozenset(["red cross", "scotland yard", "downing street", "save the children"])
_INVERTIBLE = frozenset(
    """said says added adds wrote writes continued continues explained noted notes asked replied told warned insisted
    stated claimed claims reported recalled stressed observed remarked responded tweeted argued argues commented
    comments cautioned countered conceded says reads states concluded concludes announced confirmed admitted
    acknowledged""".split()
)
_QUOTE_ONLY = frozenset(
    """spoke speaking continued continues added adds wrote writes read reads explained explains noted notes replied
    responded recalled stressed observed remarked repeated reiterated testified""".split()
)
_NOT_HEADS = frozenset("one same other first last latest next time day year way fact case end second third latter former".split())
_NOUN_STARTERS = frozenset(
    "initial some the these those early media unconfirmed new such conflicting latest recent official "
    "first further other local several many press news".split()
)
_PRONOUNS = {"he": SpeakerKind.PERSON, "she": SpeakerKind.PERSON, "they": None, "it": None}
_TOKEN = re.compile(r"\u2592+|[\w\u00c0-\u024f][\w\u00c0-\u024f'\u2019&-]*(?:\.[\w\u00c0-\u024f'\u2019&-]+)*|[,;:()\[\]]|\S")
_INTRO_WORDS = frozenset(
    """on in at yesterday today tomorrow last late early earlier later after before during speaking
    meanwhile however separately also recently subsequently for since as with following despite while
    when then overnight monday tuesday wednesday thursday friday saturday sunday january
    february march april may june july august september october november december but and so
    referring writing responding asked addressing by until from within amid under throughout per among""".split()
)
_REL_CUT = re.compile(r"\s+(?:who|which|that|whose)\s+.*$")


@dataclass(frozen=True, slots=True)
class Speaker:
    """A resolved speaker: name as written (honorifics and role removed), role and kind."""

    name: str
    role: str | None
    kind: SpeakerKind


@dataclass(frozen=True, slots=True)
class Attribution:
    """A reporting frame found in a sentence.

    ``speaker_text``: the speaker noun phrase as written (may be a pronoun); ``appositive``: a role
    given beside it ("Abdurrahman Mangal, spokesperson for the provincial governor,");
    ``verb``: the reporting verb, lower-cased; ``negative``: the verb denies its content;
    ``negated``: a negative verb is itself negated ("did not deny", "never disputed");
    ``content``: the span of the sentence holding what is claimed (quotes included), or None when
    the content is the quotation itself; ``structure``: "subject", "trailing", "inverted",
    "according", "passive" or "participle".
    """

    speaker_text: str
    appositive: str | None
    verb: str
    negative: bool
    content: tuple[int, int] | None
    structure: str
    verb_end: int
    remove: tuple[int, int] | None = None  # for "according to X": the phrase to cut out of the sentence
    negated: bool = False  # a negative verb itself negated: "did not deny (that) P" affirms P


def blank_quotes(sentence: str, inside: bool) -> tuple[str, bool]:
    """The sentence with double-quoted stretches (marks included) replaced by BLANK, and whether a quote is open at its end.

    ``inside``: a quotation is already open at the sentence start.

    >>> blank_quotes('He said "no" twice.', False)
    ('He said \u2592\u2592\u2592\u2592 twice.', False)
    """
    out = []
    pos = 0
    for m in _QUOTE_MARK.finditer(sentence):
        stretch = sentence[pos:m.start()]
        out.append(BLANK * len(stretch) if inside else stretch)
        out.append(BLANK)
        mark = m.group(0)
        inside = (not inside) if mark == '"' else mark == "\u201c"
        pos = m.end()
    if not pos:  # no quotation mark: most sentences
        return (BLANK * len(sentence) if inside else sentence), inside
    stretch = sentence[pos:]
    out.append(BLANK * len(stretch) if inside else stretch)
    return "".join(out), inside


_QUOTE_MARK = re.compile('["\u201c\u201d]')


def _tokens(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    end = len(text) if end is None else end
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def _norm(tok: str) -> str:
    t = tok.lower()
    if t.endswith("'s") or t.endswith("\u2019s"):
        t = t[:-2]
    return t.strip(".,")


def _np_ok(words: list[str], first_in_sentence: bool) -> bool:
    """Whether collected words look like a speaker: a name, a group or office noun, or a pronoun."""
    if not words:
        return False
    low = [_norm(w) for w in words]
    if len(words) == 1 and low[0] in _PRONOUNS:
        return True
    head = low[-1]
    if head in _VAGUE_HEADS or head in _ORG_HEADS or head in ROLE_WORDS or head in _PERSON_NOUNS:
        return True
    if len(words) >= 2 and (low[0] in _DETERMINERS or words[0].endswith(("'s", "\u2019s"))) and words[-1].isalpha() and words[-1].islower():
        return True
    caps = [w for i, w in enumerate(words) if w[:1].isupper() and not (i == 0 and first_in_sentence and _norm(w) in _DETERMINERS)]
    return bool(caps) and _name_word(words[-1]) or (words[-1].endswith(")") and bool(caps))


_PARTICLE_PREFIX = re.compile(r"(?:al|el|ul|ad|an|ar|as|ash|at|az|bin|ibn|abu|ben)-[A-Z\u00c0-\u024f]")


def _name_word(word: str) -> bool:
    """Whether ``word`` can end a name: capitalised, or a particle glued to a capitalised name ("al-Amr")."""
    return word[:1].isupper() or bool(_PARTICLE_PREFIX.match(word))


def _det_before(toks: list[tuple[str, int, int]], i: int) -> bool:
    """Whether a determiner or a possessive stands one to three lower-case words before token ``i``."""
    for j in range(i - 1, max(-1, i - 4), -1):
        tok = toks[j][0]
        if tok.lower() in _DETERMINERS or tok.endswith(("'s", "\u2019s")):
            return True
        if not (tok.isalpha() and tok.islower()) or tok in _STOP_NOUN_RUN:
            return False
    return False


_TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday yesterday today tonight week month year
    morning evening afternoon night""".split()
)
_STOP_NOUN_RUN = frozenset("and or but that which who is are was were has have had be been not to of in on at by".split())


def _scan_back(frame: str, end: int, floor: int) -> tuple[int, list[str]] | None:
    """The speaker noun phrase ending at ``end`` (after skipping adverbs), as (start offset, words)."""
    toks = _tokens(frame, floor, end)
    i = len(toks) - 1
    while i >= 0 and (toks[i][0].lower() in _SKIP_BACK or toks[i][0].lower() in _TIME_WORDS or (
            toks[i][0].lower() in ("on", "in", "last", "this") and i + 1 < len(toks) and toks[i + 1][0].lower() in _TIME_WORDS)):
        i -= 1  # "Police on Tuesday said"
    words: list[tuple[str, int]] = []
    depth = 0
    coordinated = False
    while i >= 0:
        tok, ts, _ = toks[i]
        low = tok.lower()
        if tok == "." and words and i > 0 and toks[i - 1][2] == ts and toks[i - 1][0].lower() + "." in HONORIFICS:
            words.append((toks[i - 1][0] + ".", toks[i - 1][1]))  # "Dr. Lena Park": the title's stop is no boundary
            i -= 1
        elif tok == ")":
            depth += 1
            words.append((tok, ts))
        elif tok == "(":
            if depth == 0:
                break
            depth -= 1
            words.append((tok, ts))
        elif depth > 0:
            words.append((tok, ts))
        elif tok[:1].isupper() or low in _PARTICLES or low.startswith("al-"):
            words.append((tok, ts))
        elif low in _DETERMINERS and not (low == "the" and i > 0 and toks[i - 1][0].lower() in ("of", "and", "for", "to", "within", "from")):
            words.append((tok, ts))
            i = _article_before(toks, i - 1, words)
            if not coordinated and _and_before(toks, i, words):
                i, coordinated = i - 1, True
                continue
            break
        elif low in _CONNECT and words:
            words.append((tok, ts))
        elif not words and low in _PRONOUNS:
            words.append((tok, ts))
            i -= 1
            break
        elif not words and tok.isalpha() and tok.islower() and low not in _NOT_HEADS and _det_before(toks, i) and (
            not _modifier_ok(low)
            or _is_head(low) and not _modifier_ok(toks[i - 1][0].lower())
        ):
            # "the auditor said", "the grid operator said", "the regional education office said": a
            # determiner and up to three nouns
            while i >= 0 and toks[i][0].lower() not in _DETERMINERS and not toks[i][0].endswith(("'s", "\u2019s")):
                words.append((toks[i][0], toks[i][1]))
                i -= 1
            if i >= 0:
                words.append((toks[i][0], toks[i][1]))
                i = _article_before(toks, i - 1, words)
                if not coordinated and _and_before(toks, i, words):
                    i, coordinated = i - 1, True
                    continue
            break
        elif tok[:1].islower() and tok.replace("'", "").replace("\u2019", "").isalpha() and len(words) < 8 and (
            _is_head(low) or (words and (_modifier_ok(low) or low.endswith(("'s", "\u2019s"))))
        ):
            words.append((tok, ts))  # "the chief engineer", "the company's press office"
        else:
            break
        i -= 1
        if len(words) > 14:
            return None
    while words and (words[-1][0].lower() in _CONNECT - {"the"} or (
            len(words) > 1 and words[-1][0].lower() in _LEADING_CONJUNCTIONS)):
        words.pop()  # "and", and "But" in "But officials said"
    if not words:
        return None
    words.reverse()
    texts = [w for w, _ in words]
    if texts and texts[-1].lower() in _CONNECT:
        return None
    first_in_sentence = not frame[floor:words[0][1]].strip()
    if not _np_ok([w for w in texts if w not in "()"], first_in_sentence or texts[0].lower() in _DETERMINERS):
        return None
    return words[0][1], texts


_MODIFIERS = frozenset(
    """state military provincial regional local federal senior former deputy chief top foreign interior
    defence defense anonymous unnamed initial several emergency emergencies security election health
    police government intelligence news press other coast civil national international prime spokesperson
    independent medical rescue fire army air naval opposition rebel party western eastern northern
    southern central public official hospital ministry agency internal leaked british american russian
    military's army's""".split()
)


def _article_before(toks: list[tuple[str, int, int]], i: int, words: list[tuple[str, int]]) -> int:
    """After a number or quantifier taken as a phrase's determiner, the article before it too ("the
    two witnesses", "its several offices"); returns the index of the token before the phrase."""
    if i >= 0 and words[-1][0].lower() not in ("the", "a", "an") and toks[i][0].lower() in _ARTICLES_BEFORE_NUMBER:
        words.append((toks[i][0], toks[i][1]))
        i -= 1
    return i


_ARTICLES_BEFORE_NUMBER = frozenset("the these those its their his her our".split())


def _and_before(toks: list[tuple[str, int, int]], i: int, words: list[tuple[str, int]]) -> bool:
    """Whether token ``i`` is an "and" after another speaker's head noun ("the police and the army"):
    it is taken into ``words``, and the caller goes on with the first speaker."""
    if i >= 1 and toks[i][0].lower() == "and" and _is_head(toks[i - 1][0].lower()):
        words.append((toks[i][0], toks[i][1]))
        return True
    return False


def _is_head(low: str) -> bool:
    """Whether a lower-case word can end a speaker noun phrase: "officials", "ministry", "spokesman", "student"."""
    return low in _VAGUE_HEADS or low in _ORG_HEADS or low in ROLE_WORDS or low in _PERSON_NOUNS


def _modifier_ok(low: str) -> bool:
    return low in _MODIFIERS or low in _VAGUE_HEADS or low in _ORG_HEADS or low in ROLE_WORDS or low in _PERSON_NOUNS


# up to three lower-case words, the last an organisation, group or office noun ("finance committee")
_LOWER_WORDS_THEN_HEAD = re.compile(
    r"(?:[a-z]+\s+){0,2}(?:" + "|".join(map(re.escape, sorted(_ORG_HEADS | _VAGUE_HEADS | ROLE_WORDS))) + r")\b"
)
_VERBAL_ENDING = re.compile(r"(?:ed|ing|ly)$")
_LOWER_WORDS_THEN_CAPITAL = re.compile(r"(?:\s+[a-z]+){0,2}\s+[A-Z]")
_PHRASE_END = re.compile(r"\s*(?:$|[,;.:!?\u2592])")


def _scan_forward(frame: str, start: int, limit: int) -> tuple[int, list[str]]:
    """The noun phrase starting at ``start``: (end offset, words); empty when none."""
    words: list[str] = []
    end = start
    depth = 0
    last_good_end = start
    last_good_len = 0
    for tm in _TOKEN.finditer(frame, start, limit):
        tok, ts, te = tm.group(0), tm.start(), tm.end()
        low = tok.lower()
        if tok == "." and words and ts == end and words[-1].lower() + "." in HONORIFICS:
            words[-1] += "."  # "Dr. Lena Park"
            end = te
            continue
        if tok == "(":
            depth += 1
        elif tok == ")":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and not words and low in _PRONOUNS:
            return te, [tok]
        elif depth == 0 and tok.isalpha() and tok.islower() and low not in _STOP_NOUN_RUN and low not in _PRONOUNS and not _VERBAL_ENDING.search(low) \
                and all(w.islower() for w in words) and len(words) < 3 and _LOWER_WORDS_THEN_CAPITAL.match(frame[te:te + 40]):
            pass  # "wrote student protester Joshua Wong": a lower-case title before the name
        elif depth == 0 and len(words) == 1 and words[0].lower() in _DETERMINERS and tok.isalpha() and tok.islower() \
                and _PHRASE_END.match(frame[te:]):
            words.append(tok)  # "said the engineer."
            return te, words
        elif depth == 0 and low in _DETERMINERS and words and words[-1].lower() not in ("of", "for", "and", "to", "from", "in", "at"):
            break  # "Rathbun the Scientology property": a name does not take an article after it
        elif depth == 0 and words and tok.islower() and tok.endswith(("'s", "\u2019s")) and tok[:-2].isalpha():
            pass  # "the Afghan team's coach"
        elif depth == 0 and words and words[-1].endswith(("'s", "\u2019s")) and tok.isalpha() and tok.islower() \
                and low not in _STOP_NOUN_RUN and _LOWER_WORDS_THEN_HEAD.match(frame[ts:ts + 40]):
            pass  # "the council's finance committee": the possessed noun's modifiers
        elif depth == 0 and not (
            tok[:1].isupper() or low in _PARTICLES or low.startswith("al-") or low in _CONNECT
            or low in _DETERMINERS or (tok.isalpha() and _modifier_ok(low))
        ):
            break
        words.append(tok)
        end = te
        if depth == 0 and (tok[:1].isupper() or _norm(tok) in _VAGUE_HEADS or _norm(tok) in _ORG_HEADS
                           or _norm(tok) in ROLE_WORDS or tok == ")") and tok.lower() not in _DETERMINERS:
            last_good_end, last_good_len = end, len(words)
        if len(words) > 14:
            break
    return last_good_end, words[:last_good_len]


_TIME_INTRO = re.compile(
    r"^(?:(?:the|a|an|one|two|three|four|five|six|several|a\s+few|few|\d+)\s+)?"
    r"(?:(?:previous|following|next|same|prior|day|days|week|weeks|month|months|hours?|minutes?|years?)\s+)?"
    r"(?:day|days|week|weeks|month|months|years?|morning|evening|afternoon|night|weekend|hours?|minutes?|later|earlier|ago)$",
    re.IGNORECASE,
)


_DIGIT = re.compile(r"\d")


def _is_intro(text: str) -> bool:
    """Whether ``text`` (what precedes a subject) is an introductory adverbial rather than a clause."""
    t = text.strip().rstrip(",").strip()
    if not t:
        return True
    words = t.split()
    first = words[0].lower().strip("\u2592")
    if first in _INTRO_WORDS and len(words) <= 20:
        return True
    if first in ("this", "that") and len(words) <= 3:
        return True  # "This week,", "That day,"
    if len(words) <= 4 and _TIME_INTRO.match(t):
        return True  # "The previous day,", "Two days later,"
    if len(words) > 12:
        return False
    return first in _INTRO_WORDS or first.endswith("ing") or bool(_DIGIT.match(first))


_RESPONSIBILITY_AFTER = re.compile(r"\s+(?:responsibility|credit)\b")
_THAT_OR_COLON_AFTER = re.compile(r"\s*(?:that\b|:)")
_OF_AFTER = re.compile(r"\s+of\b")
_SPEAKER_BEFORE_CALLED = re.compile(r"\b(?:officials|government|ministry|police|he|she|they|it)\s*$", re.IGNORECASE)
_PARTICLE_AFTER_CALLED = re.compile(r"\s+(?:for|on|off|in|up|out|back)\b")
_REJECTED_CLAIM = re.compile(
    r"\s+(?:as\s+\S+\s+)?(?:the|any|these|those|all|such)?\s*(?:\w+\s+)?(?:claims?|allegations?|accusations?|reports?|"
    r"suggestions?|notion|idea|charges?|assertions?|rumou?rs?)\b"
)
_DENIED_THING = re.compile(r"\s+(?:\w+\s+)?(?:funding|entry|access|visas?|bail|permission|a visa|the request|requests?)\b")
_INVERTED_SPEAKER_AFTER = re.compile(
    r"\s+(?:[A-Z]|the\s|a\s|an\s|(?:(?!(?:an?|the|from|of|to|in|on|at|for|with|by)\s)[a-z]+\s+){1,3}[A-Z])"
)
_INVERTED_SPEAKER_END = re.compile(r"\s*(?:$|[,;.:(\u2592!?]|(?:on|in|at|yesterday|today|last|earlier|later)\b)")
_AND_OR_BUT_BEFORE = re.compile(r"\b(?:and|but)\s*$")
_RELATIVE_PRONOUN_BEFORE = re.compile(r"\b(?:which|whom|who|whose)\s*$")
_PREPOSITION_WHICH_BEFORE = re.compile(r"\b(?:by|in|under|through)\s+which\s*$")
_TIME_OR_VENUE = re.compile(r"\b(?:on\s+\w+day|yesterday|today|in a statement|on Twitter)\b")
# what may follow the verb of a trailing frame: where or when ("..., the minister said at a news
# conference in Kyiv."), and after "told" whom ("..., Kellan told reporters in Dunrask.")
_VENUE_TO_END = (
    r"(?:\s+(?:in|at|on|during|after|before|via|from)\s+[^,;:\u2592]{1,50}?)?\s*[.!]?\s*$"
)
_NO_CLAUSE = r"(?!.*\b(?:that|was|were|is|are|had|has|have|will|would|could|did)\b)"
_ONLY_VENUE = re.compile(_NO_CLAUSE + _VENUE_TO_END)
_ONLY_OBJECT_AND_VENUE = re.compile(
    _NO_CLAUSE
    + r"(?:\s+(?:reporters|journalists|lawmakers|parliament|the\s+[\w-]+(?:\s+[\w-]+)?|[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*)*))?"
    + _VENUE_TO_END
)
_QUOTATION_FOLLOWS = re.compile(r"\s*[,:]?\s*\u2592")
_SUBORDINATOR_BEFORE = re.compile(r"\b(?:that|as|and|but|while|because|after|when)\s*$")
_COLON_BEFORE_QUOTATION = re.compile(r":\s*\u2592")
_OBJECT_PRONOUN = re.compile(r"(him|her|them|it)\b")
_NAME_APPOSITIVE = re.compile(r",\s*([A-Z][\w'\u2019.-]+(?:\s+(?:[A-Z][\w'\u2019.-]+|al|bin|de|dela|van|von)){1,3}),")
_TRAILING_ROLE = re.compile(r",\s*((?:the|a|an)\s+[^,;:\u2592]{2,80}?)\s*(?=[;:.]|$)")


def find_attribution(sentence: str, frame: str) -> Attribution | None:
    """The reporting frame of ``sentence`` (``frame`` is it with quotes blanked), or None when the outlet asserts it."""
    n = len(frame)
    acc = _ACCORDING.search(frame)
    passive = _PASSIVE_BY.search(frame)
    if passive is not None:
        end, words = _scan_forward(frame, passive.end(), n)
        if words:
            return Attribution(" ".join(words), None, "told", False, None, "passive", end)
    for m in _VERB_RE.finditer(frame):
        verb = m.group(1)
        vs, ve = m.start(1), m.end(1)
        before = frame[:vs]
        if _PASSIVE_BEFORE.search(before):
            continue  # passive: "was reported", "were denied"
        if verb in ("claimed", "claims", "claim") and _RESPONSIBILITY_AFTER.match(frame[ve:]):
            continue
        if verb in _QUOTE_ONLY and BLANK not in frame and not _THAT_OR_COLON_AFTER.match(frame[ve:]):
            continue  # "spoke on the phone", "violence continued": events unless they frame a quotation
        if _AGENT_AFTER.match(frame[ve:]):
            continue  # "the toll announced by the governor's office": a passive participle
        if verb in ("accused", "accuses") and _OF_AFTER.match(frame[ve:]):
            continue  # "people accused of crimes": a participle, not an accusation
        if verb in ("called", "calls") and not any(w[:1].isupper() for w in before.split()[-4:]) and not _SPEAKER_BEFORE_CALLED.search(before):
            continue  # "a holiday called National Day"
        if verb in ("called", "calls") and _PARTICLE_AFTER_CALLED.match(frame[ve:]):
            continue  # "called for talks": an event
        negative = verb in _NEG_VERBS or verb in ("ruled out", "pushed back on", "denying", "dismissing", "rejecting")
        negated = _NEGATED_AUX.search(before) if negative else None
        if negated is not None:  # "The government did not deny that ...": the speaker stands before the auxiliary
            vs, before = negated.start(), before[:negated.start()]
        if verb in ("rejected", "rejects", "disputed", "disputes", "dismissed", "dismisses") and not _REJECTED_CLAIM.match(frame[ve:]):
            continue  # "rejected the plan": an event, not a denial
        if verb in ("denied", "denies", "deny") and _DENIED_THING.match(frame[ve:]):
            continue
        prev_tok = before.rstrip()[-1:] if before.rstrip() else ""
        if verb in _AMBIGUOUS:
            prev_words = before.split()
            pw = prev_words[-1] if prev_words else ""
            ok = (pw.lower() in _SKIP_BACK or pw.endswith(",") or pw.endswith(")")
                  or (pw[:1].isupper() and (len(prev_words) > 1 or pw.lower() not in _NOUN_STARTERS))
                  or _norm(pw) in _VAGUE_HEADS or _norm(pw) in _ORG_HEADS or (pw.endswith(BLANK) and verb in _INVERTIBLE))
            if not ok:
                continue
        after = frame[ve:]
        # Inverted: '"...," said Delfin Lorenzana' / '..., said the ministry.'
        if prev_tok in (",", BLANK) or (not before.strip()):
            if verb in _INVERTIBLE and _INVERTED_SPEAKER_AFTER.match(after):
                end, words = _scan_forward(frame, ve, n)
                if words and not (len(words) == 1 and words[0].lower() in ("the", "a", "an")) and _INVERTED_SPEAKER_END.match(frame[end:]):
                    app = _appositive_after(frame, end)
                    return Attribution(" ".join(_without_venue(words)), app, verb, negative, None, "inverted", ve,
                                       negated=negated is not None)
        if verb in _PARTICIPLES:
            pw = before.split()[-1] if before.split() else ""
            issued = _ISSUED.search(before)
            if issued is not None:
                got = _scan_back(frame, issued.start(), 0)
                if got is not None and (_is_intro(frame[:got[0]]) or _AND_OR_BUT_BEFORE.search(frame[:got[0]])):
                    return Attribution(" ".join(got[1]), None, verb, negative, (ve, n), "participle", ve, negated=negated is not None)
                continue
            if not (pw.endswith(",") or pw[:1].isupper()):
                continue
            got = _scan_back(frame, vs, 0)
            if got is None or got[1][-1] in (",",):
                cut = max(before.rfind(" and the "), before.rfind("; "), before.rfind(" but the "))
                subject = _clause_subject(frame[cut + 5:vs] if cut > 0 else frame[:vs])
                if subject is None:
                    continue
                words, app = subject
            else:
                words, app = got[1], None
            return Attribution(" ".join(words), app, verb, negative, (ve, n), "participle", ve, negated=negated is not None)
        floor = max(before.rfind(";"), before.rfind(":"), 0)
        if floor:
            floor += 1
        got = _scan_back(frame, vs, floor)
        appositive = None
        if got is None:
            stripped = before.rstrip()
            k = len(stripped)
            toks_before = stripped.split()
            while toks_before and toks_before[-1].lower() in _SKIP_BACK:
                k = stripped.rfind(toks_before.pop())
                stripped = stripped[:k].rstrip()
            if stripped.endswith(",") or stripped.endswith("),"):
                inner = stripped[:-1]
                c = _aside_start(frame, inner, floor)
                if c >= 0:
                    appositive = inner[c + 1:].strip()
                    got = _scan_back(frame, c, floor)
                    generic = got is not None and got[1][0].lower() in _DETERMINERS and not any(
                        w[:1].isupper() for w in got[1][1:])
                    if generic and any(w[:1].isupper() for w in appositive.split()):
                        # "One news site, Znak.com, claims": the name is the appositive
                        _, named = _scan_forward(frame, frame.find(appositive, c), c + 1 + len(appositive) + 1)
                        if named:
                            role_np = " ".join(got[1])
                            got, appositive = (got[0], named), role_np
            if got is None and _AND_OR_BUT_BEFORE.search(before) and verb in _SAY_VERBS:
                subject = _clause_subject(frame)
                if subject is not None:
                    words, app = subject
                    return Attribution(" ".join(words), app, verb, negative, (ve, n), "subject", ve, negated=negated is not None)
        if got is None:
            continue
        np_start, words = got
        if words and words[0] == BLANK:
            continue
        pre = frame[:np_start]
        if _COPULA_BEFORE.search(pre):
            continue  # "Trump's was the only identity disclosed": a complement, not a speaker
        if _DOCUMENT_BY_BEFORE.match(pre):  # "A report by Human Rights Watch said": its author speaks
            return Attribution(" ".join(words), appositive, verb, negative, (ve, n), "subject", ve, negated=negated is not None)
        if _OBJECT_BEFORE.search(pre):
            subject = _clause_subject(pre) if _AGENT_BEFORE.search(pre) else None
            if subject is None or not _np_ok(subject[0], True):
                continue
            return Attribution(" ".join(subject[0]), subject[1], verb, negative, (ve, n), "subject", ve, negated=negated is not None)
        if pre.rstrip().endswith(BLANK) or (pre.rstrip().endswith(",") and pre.rstrip()[:-1].rstrip().endswith(BLANK)):
            return Attribution(" ".join(words), appositive, verb, negative, None, "inverted", ve, negated=negated is not None)
        if _RELATIVE_PRONOUN_BEFORE.search(pre) or _PREPOSITION_WHICH_BEFORE.search(pre):
            continue  # a reporting verb in a relative clause: the outlet asserts the main clause
        rest_words = _TIME_OR_VENUE.sub("", frame[ve:]).split()
        trailing = pre.rstrip().endswith(",") and len(pre.split()) >= 3 and (
            len([w for w in rest_words if w.strip(".,;:!?")]) < 2
            or (_ONLY_OBJECT_AND_VENUE if verb in ("told", "tells") else _ONLY_VENUE).match(frame[ve:])
        ) and not _QUOTATION_FOLLOWS.match(frame[ve:])  # 'Speaking to X, he said, "..."': the quotation follows
        if not trailing and (_is_intro(pre) or _SUBORDINATOR_BEFORE.search(pre)):
            return Attribution(" ".join(words), appositive, verb, negative, (ve, n), "subject", ve, negated=negated is not None)
        cut = pre.rstrip()
        if cut.endswith(","):
            cut = cut[:-1]
        if len(cut.split()) < (3 if trailing else 4) and not cut.endswith(BLANK):
            if "," in cut or ";" in cut or pre.rstrip().endswith(","):
                continue
            # not a clause before the speaker: the noun phrase runs from the sentence start ("Aid worker Tom Hale")
            head = frame[:vs]
            if appositive and (aside := head.rfind(appositive)) > 0:
                head = head[:aside].rstrip().rstrip(",")  # "The opinion of the Court, released on Wednesday,"
            whole = [w for w in head.split() if w.lower() not in _SKIP_BACK]
            return Attribution(" ".join(whole), appositive, verb, negative, (ve, n), "subject", ve, negated=negated is not None)
        return Attribution(" ".join(words), appositive, verb, negative, (0, len(cut)), "trailing", ve, negated=negated is not None)
    colon = _COLON_BEFORE_QUOTATION.search(frame)
    if colon is not None and acc is None:
        subject = _clause_subject(frame[:colon.start()])
        if subject is not None and _np_ok(subject[0], True):
            return Attribution(" ".join(subject[0]), subject[1], "stated", False, (colon.end() - 1, n), "colon", colon.start())
    if acc is not None:
        end, words = _scan_forward(frame, acc.end(), n)
        pm = _OBJECT_PRONOUN.match(frame[acc.end():])
        if pm:
            end, words = acc.end() + pm.end(), [{"him": "he", "her": "she", "them": "they", "it": "it"}[pm.group(1)]]
        if words:
            pre = frame[:acc.start()].rstrip()
            if pre.endswith(",") and not _is_intro(pre):
                content = (0, len(pre) - 1)
            else:
                rest = end
                comma = frame.find(",", end)
                if comma >= 0 and not frame[end:comma].strip(" ,()\u2592").strip():
                    rest = comma + 1
                elif comma >= 0 and comma - end < 60 and acc.start() < 3:
                    rest = comma + 1
                content = (rest, n) if not pre.strip() or _is_intro(pre) else (0, n)
                if pre.strip() and not _is_intro(pre):
                    content = (0, n)
            app = _NAME_APPOSITIVE.match(frame[end:])
            if app and _norm(words[-1]) in ROLE_WORDS:
                # "According to the team's coach, Alireza Mehraban, ...": the appositive is the name
                return Attribution(app.group(1), " ".join(words), "according", False, (end + app.end(), n), "according", end)
            cut_start = acc.start()
            while cut_start > 0 and frame[cut_start - 1] in " ,":
                cut_start -= 1
            cut_end = end
            role = None
            if pre.endswith(","):
                # "..., according to Ivo Marek, a representative of the union.": the role goes too
                trailing = _TRAILING_ROLE.match(frame[end:])
                if trailing:
                    role, cut_end = _REL_CUT.sub("", trailing.group(1)), end + trailing.end()
            while cut_end < n and frame[cut_end] in " ,":
                cut_end += 1
            return Attribution(" ".join(words), role, "according", False, content, "according", end, (cut_start, cut_end))
    return None


# "released a statement (on Friday) saying", "posted findings estimating": the participle frames a document
_ISSUED = re.compile(
    r"\b(?:released|releases|issued|issues|put\s+out|published|publishes|posted|posts|sent|sends|shared|delivered|made)\s+"
    r"(?:(?:a|an|the|its|their|his|her|new|joint|written|brief|short|press|public|official|separate|further)\s+){0,3}"
    r"(?:statement|report|findings|study|letter|message|tweet|post|video|communiqu\u00e9|communique|note|release|notice|update|paper)s?"
    r"\s+(?:(?:on|late\s+on|early\s+on)\s+\w+day\s+|yesterday\s+|today\s+|online\s+)?$"
)
_NEGATED_AUX = re.compile(
    r"\b(?:(?:did|does|do|has|have|had|would|will|could|can)(?:\s+not|n['\u2019]t)|never|not)\s+(?:\w+ly\s+)?$", re.IGNORECASE
)
# what precedes a noun phrase that is an object or an agent, not a subject
def _without_venue(words: list[str]) -> list[str]:
    """A speaker phrase without the place or medium after a name: "Joshua Wong on Twitter" -> "Joshua Wong"."""
    for i in range(2, len(words) - 1):
        if words[i] in ("on", "in", "via") and all(w[:1].isupper() and _norm(w) not in ROLE_WORDS for w in words[i - 2:i]):
            return words[:i]
    return words


_AGENT_AFTER = re.compile(
    r"\s+by\s+(?:the|a|an|its|his|her|their|(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|"
    r"February|March|April|May|June|July|August|September|October|November|December)\b)[A-Z])"
)  # "announced by the governor's office", not "said by Friday"
_DOCUMENT_BY_BEFORE = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}(?:report|study|statement|survey|letter|analysis|review|investigation|assessment|"
    r"audit|poll|memo)s?\s+(?:by|from)\s*$",
    re.IGNORECASE,
)
_COPULA_BEFORE = re.compile(r"\b(?:is|was|are|were|be|been|being)\s*$", re.IGNORECASE)
_OBJECT_BEFORE = re.compile(r"\b(?:by|to|with|about|against)\s*$")
_AGENT_BEFORE = re.compile(r"^[^,\u2592]{3,80}?\s+[a-z]+(?:ed|en|wn)\s+by\s*$")
# an aside between a speaker and the verb: "X, in remarks to Y, said", "X, who led A, B and C, said"
_ASIDE_OPENER = re.compile(
    r"\s*(?:who|whose|which|in|at|on|during|speaking|talking|writing|responding|replying|appearing|addressing|"
    r"asked|quoted|interviewed)\b"
)


def _aside_start(frame: str, inner: str, floor: int) -> int:
    """The comma opening the aside that ``inner`` (the text before a verb, less its last comma) ends with.

    The last comma, unless an aside opened by a relative pronoun, a preposition or a participle
    starts at an earlier comma and a speaker stands before it ("X, who led A, B and C, said").
    """
    last = inner.rfind(",")
    c = last
    for _ in range(4):
        if c <= floor:
            break
        if _ASIDE_OPENER.match(inner, c + 1):
            got = _scan_back(frame, c, floor)
            if got is not None and _is_intro(frame[floor:got[0]]):
                return c
        c = inner.rfind(",", floor, c)
    return last


_ROLE_APPOSITIVE = re.compile(r",\s*((?:the|a|an)\s+[^,;:\u2592]{2,80}?)\s*(?:[,;:.]|$)")


def _appositive_after(frame: str, end: int) -> str | None:
    m = _ROLE_APPOSITIVE.match(frame[end:])
    if m:
        return _REL_CUT.sub("", m.group(1))
    return None


_PARTITIVE = re.compile(
    r"(?:One|Some|Many|Most|Several|Two|Three|Each|Both|All|Another)\s+of\s+(?:the|these|those|its|their|his|her|our)\s+"
    r"[^,;\u2592]{1,40},\s*"
)


_COMMA_NEXT = re.compile(r"\s*,")
_COMMA_ASIDE = re.compile(r",\s*([^,;\u2592]{2,120}?),")


def _clause_subject(frame: str) -> tuple[list[str], str | None] | None:
    """The subject noun phrase of the main clause (after an introductory adverbial)."""
    start = 0
    comma = frame.find(",")
    if 0 <= comma < 80 and _is_intro(frame[:comma]):
        start = comma + 1
    while start < len(frame) and frame[start].isspace():
        start += 1
    end, words = _scan_forward(frame, start, min(len(frame), start + 200))
    if not words:
        part = _PARTITIVE.match(frame, start)
        if part is None:
            return None
        end, words = _scan_forward(frame, part.end(), min(len(frame), part.end() + 200))
        return (words, None) if words and _COMMA_NEXT.match(frame[end:]) else None
    app = None
    m = _COMMA_ASIDE.match(frame[end:])
    if m:
        app = m.group(1)
        if words[-1].lower() in _DETERMINERS or (len(words) <= 4 and all(w[:1].islower() or w.lower() in _DETERMINERS or w == "One" for w in words)):
            _, w2 = _scan_forward(frame, end + m.start(1), end + m.end(1))
            if w2:
                return w2, None
    return words, app


_LEADING_THAT = re.compile(r"\s*(?:that\s+)?")


def named_subject(frame: str, start: int = 0) -> Speaker | None:
    """The person named as the subject of the clause that starts at ``start`` of ``frame``, if one is.

    An introductory adverbial ("On Monday,", "Speaking to Ann Lee of the BBC,") and a leading
    "that" are skipped: a name inside them is not the subject.  Roles are split off.

    >>> named_subject("The previous day, Crown Prince Omar bin Said of Qatar accepted the offer.")
    Speaker(name='Omar bin Said', role='Crown Prince of Qatar', kind=<SpeakerKind.PERSON: 'person'>)
    >>> named_subject("Speaking to Ann Lee of the BBC, he said the talks were over.") is None
    True
    """
    m = _LEADING_THAT.match(frame[start:start + 8])
    pos = start + (m.end() if m else 0)
    comma = frame.find(",", pos, pos + 80)
    if comma >= 0 and _is_intro(frame[pos:comma]):
        pos = comma + 1
    if not _NAME_START.match(frame, pos):
        return None  # most sentences: "The ministry ...", "It ...", a quotation
    _, words = _scan_forward(frame, pos, min(len(frame), pos + 150))
    if not words or words[0].lower() in _PRONOUNS or words[0].lower() in _INTRO_WORDS or not any(w[:1].isupper() for w in words):
        return None
    name, role = split_name_role(" ".join(words))
    if (len(name.split()) < 2 and role is None) or not all(_name_word(w) or w in _PARTICLES for w in name.split()):
        return None
    kind = speaker_kind(name, role)
    return Speaker(name, role, kind) if kind is SpeakerKind.PERSON and name[:1].isupper() else None


# a person's name (two capitalised words) among the first words: "Aid worker Tom Hale", "Crown Prince Omar bin Said"
_NAME_START = re.compile(
    r"\s*(?:(?:[Tt]he|[Aa]n?|[Ff]ormer|then|late)\s+)?"
    r"(?!(?:The|This|That|These|Those|It|Its|In|On|At|He|She|They|We|I|There|Their|His|Her|A|An|But|And)\b)"
    r"(?:[\w.'\u2019-]+\s+){0,3}?[A-Z\u00c0-\u00de][\w.'\u2019-]*\s+(?:(?:al|bin|ibn|de|van|von)\s+)?[A-Z\u00c0-\u00de]"
)
_MALE = frozenset("mr mr. sir lord king prince spokesman chairman congressman businessman father son brother husband".split())
_FEMALE = frozenset(
    """mrs mrs. ms ms. miss dame lady queen princess spokeswoman chairwoman congresswoman businesswoman mother daughter
    sister wife""".split()
)


def gender_cue(*texts: str | None) -> str | None:
    """"m" or "f" when an honorific or a role in ``texts`` says so ("Mr Vance", "spokeswoman Ina Berg"), else None.

    >>> gender_cue("Mrs Ortiz"), gender_cue("Kremlin spokesman Dmitry Peskov"), gender_cue("the minister")
    ('f', 'm', None)
    """
    for text in texts:
        for w in (text or "").lower().split():
            if w in _MALE:
                return "m"
            if w in _FEMALE:
                return "f"
    return None


_LEADING_THE_OR_BOTH = re.compile(r"^(?:the|both)\s+", re.IGNORECASE)


def speaker_kind(name: str, role: str | None, known_people: frozenset[str] | set[str] = frozenset()) -> SpeakerKind:
    """PERSON, ORGANISATION or UNKNOWN for a speaker name (see the module docstring for the policy)."""
    words = name.split()
    if not words:
        return SpeakerKind.UNKNOWN
    if " and " in name and not role:
        first = speaker_kind(_LEADING_THE_OR_BOTH.sub("", name.split(" and ")[0]), None, known_people)
        if first is SpeakerKind.ORGANISATION or (first is SpeakerKind.PERSON and " " in name.split(" and ")[0].strip()):
            return first  # "Saudi Arabia and the United States", "Reuters and NBC", "Ann Lee and Tom Hale"
    low = [_norm(w) for w in words]
    prep = next((i for i, w in enumerate(low) if i > 0 and w in ("of", "in", "at", "from", "for", "within")), None)
    head = (low[prep - 1] if prep is not None else low[-1]).strip("()")
    if head in _VAGUE_HEADS and not role:
        return SpeakerKind.UNKNOWN
    if head in ROLE_WORDS or head in _PERSON_NOUNS:
        return SpeakerKind.PERSON  # "a spokesperson for the ministry"
    head = low[-1].strip("()")
    if head in _VAGUE_HEADS or (len(words) <= 3 and any(w in _VAGUE_HEADS for w in low) and low[0] in ("a", "an", "some", "initial", "anonymous")):
        return SpeakerKind.UNKNOWN
    if head in ROLE_WORDS or head in _PERSON_NOUNS:
        return SpeakerKind.PERSON
    if any(w in _ORG_HEADS for w in low) or any(w.isupper() and len(w.strip("()")) >= 2 for w in words):
        if role is None or not role:
            return SpeakerKind.ORGANISATION
    if ".com" in name or ".org" in name:
        return SpeakerKind.ORGANISATION
    if len(words) == 1:
        if name in known_people:
            return SpeakerKind.PERSON
        if head in _COUNTRIES or head in _KNOWN_ORGS:
            return SpeakerKind.ORGANISATION
        return SpeakerKind.PERSON if role else (SpeakerKind.PERSON if words[0][:1].isupper() else SpeakerKind.UNKNOWN)
    if not any(w[:1].isupper() for w in words):
        return SpeakerKind.UNKNOWN  # "the grid operator": an unnamed body or person
    if any(w in _COUNTRIES for w in low) and not role and name not in known_people:
        return SpeakerKind.ORGANISATION  # "Turkey's foreign ministry", but not "Valeska Paris" named earlier
    if " ".join(low) in _COUNTRY_NAMES or " ".join(low) in _KNOWN_ORG_NAMES:
        return SpeakerKind.ORGANISATION
    if any(w in _ORG_HEADS for w in low):
        return SpeakerKind.ORGANISATION
    return SpeakerKind.PERSON


_PARTICIPLE_OR_NUMBER = re.compile(r"[a-z]+(?:ed|ing)$|\d")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\s*\(\s*[^()]*?\s*\)")
_NAME_ONLY = re.compile(
    r"(?:[A-Z][\w'\u2019.-]*|al|bin|de|dela|van|von)(?:\s+(?:[A-Z][\w'\u2019.-]*|al|bin|de|dela|van|von)){1,3}"
)


def split_name_role(np: str, appositive: str | None = None) -> tuple[str, str | None]:
    """The speaker's name and role from a noun phrase ("Kremlin spokesman Dmitry Peskov" -> ("Dmitry Peskov", "Kremlin spokesman")).

    Honorifics ("Mr", "Dr") are dropped; a leading article is dropped; an appositive role
    ("Mangal, spokesperson for the governor,") becomes the role.
    """
    words = [w for w in np.replace("\u2019", "'").split() if w != BLANK]
    while words and words[0].lower() in ("the", "a", "an", "both"):
        words = words[1:]
    while words and words[-1] in ("of", "for", "and", "the", ","):
        words = words[:-1]
    role_app = None
    if appositive:
        app = appositive.strip().strip(",").strip()
        app = _REL_CUT.sub("", app)
        first = app.split()[0].lower() if app.split() else ""
        if first not in ("in", "on", "at", "citing", "speaking", "who", "which", "quoting", "via", "with", "during",
                         "after", "before", "according", "also", "however", "writing", "reportedly") and not _PARTICIPLE_OR_NUMBER.match(first):
            role_app = _LEADING_ARTICLE.sub("", app)
    if not words:
        return np.strip(), role_app
    while len(words) > 1 and words[0].lower() in ("his", "her", "its", "their", "our"):
        words = words[1:]
    if any(_norm(w) in ROLE_WORDS for w in words) and any("(" in w for w in words):
        words = " ".join(words)
        words = _PARENTHESIS.sub("", words).split()  # "Member of Parliament (MP) Yvette Cooper"
    words = [w for w in words if w.lower() not in HONORIFICS] or words
    if role_app and any(_norm(w) in ROLE_WORDS for w in words) and _NAME_ONLY.fullmatch(role_app):
        # "a State Department spokesperson, Morgan Ortagus, said": the appositive is the name
        return _clean_name(role_app), " ".join(words)
    low = [_norm(w) for w in words]
    if "and" in low[1:-1] and not any(w in ROLE_WORDS for w in low) and any(_name_word(w) for w in words):
        # "Saudi Arabia and the United States", "the CIA and other intelligence agencies": they speak together
        return _clean_name(" ".join(words)), role_app
    # an "of ..." tail after a name: "Graciano Mijares of the police", "Hassan Rouhani of Iran"
    last_role = max((i for i, w in enumerate(low) if w in ROLE_WORDS), default=-1)
    caps_after = [i for i in range(last_role + 1, len(words)) if words[i][:1].isupper() or low[i] in _PARTICLES]
    if last_role >= 0 and caps_after:
        rest = words[last_role + 1:]
        role_words = words[:last_role + 1]
        tail_of: list[str] = []
        last_of = max((i for i, w in enumerate(rest) if w == "of" and i > 0), default=-1)
        if rest and rest[0].lower() in ("of", "for", "to") and last_of > 0 and last_of + 1 < len(rest) and (
            rest[last_of + 1].lower() == "the" or _norm(rest[last_of + 1]) in _COUNTRIES
        ) and sum(1 for w in rest[1:last_of] if w[:1].isupper()) >= 3:
            # "Member of Parliament Yvette Cooper of the Labour Party": the last "of ..." belongs to the role
            tail_of, rest = rest[last_of:], rest[:last_of]
            words = role_words + rest
        if rest and rest[0].lower() in ("of", "for", "to"):
            # "Secretary of State Mike Pompeo": the name is the last two or three capitalised words
            k = len(words)
            name_start = k
            count = 0
            while name_start - 1 > last_role + 1 and (words[name_start - 1][:1].isupper() or low[name_start - 1] in _PARTICLES) and count < 3:
                name_start -= 1
                if words[name_start] not in _PARTICLES:  # "bin", "van"; but "Ben Wallace" is a first name
                    count += 1
                if count == 2 and name_start - 1 > last_role and low[name_start - 1] not in _PARTICLES:
                    break
            before_name = [w for w in low[last_role + 1:name_start] if w != "the"]
            if name_start <= last_role + 2 or (before_name and before_name[-1] in _PLACE_PREPOSITIONS):
                # "Duke of Sussex", "Secretary of State": the title alone, its "of" phrase no name;
                # "head of police in Kabul": an unnamed office holder, and where
                return _clean_name(" ".join(words)), role_app
            name_words = words[name_start:]
            role_words = words[:name_start]
        else:
            name_words = rest
        of_idx = next((i for i, w in enumerate(name_words) if w.lower() in ("of", "for") and i > 0), None)
        role_tail: list[str] = []
        if of_idx is not None:
            role_tail = name_words[of_idx:]
            name_words = name_words[:of_idx]
        name = " ".join(name_words)
        role = " ".join(role_words + role_tail + tail_of)
        if name and any(w[:1].isupper() for w in name_words):
            return _clean_name(name), role or role_app or None
    # a lower-case description before a name: "engineer Paul Brandt"
    if len(words) >= 2 and words[-1][:1].isupper() and any(w.islower() and w.isalpha() for w in words[:-1]):
        k = len(words)
        while k > 0 and (words[k - 1][:1].isupper() or low[k - 1] in _PARTICLES):
            k -= 1
        if 0 < k < len(words) and "of" not in low[:k] and low[k - 1] not in _PLACE_PREPOSITIONS and not any(
            low[j] in _ORG_HEADS or low[j] in _VAGUE_HEADS or low[j] in _COUNTRIES for j in range(k, len(words))
        ):  # not "hospital officials in Omsk": a place, not a name
            return _clean_name(" ".join(words[k:])), role_app or " ".join(words[:k])
    # possessive affiliation: "BBC's Jonathan Marcus"
    for i, w in enumerate(words[:-1]):
        if "of" in low[:i]:
            break
        if w.endswith("'s") and all(x[:1].isupper() for x in words[i + 1:]) and len(words) - i - 1 >= 2:
            if any(_norm(x) in _ORG_HEADS for x in words[i + 1:]):
                break  # "Saudi Arabia's Civil Defense Authority": an organisation, named whole
            return _clean_name(" ".join(words[i + 1:])), role_app or " ".join(words[:i + 1])[:-2]
    of_idx = next((i for i, w in enumerate(words) if w.lower() == "of" and i > 1), None)
    if of_idx is not None and all(x[:1].isupper() or _norm(x) in _PARTICLES for x in words[:of_idx]) and of_idx <= 4 and not any(
        _norm(x) in _ORG_HEADS for x in words[:of_idx]
    ) and not any(_norm(x) in _COUNTRIES for x in words[:of_idx]) and low[0] not in _VAGUE_HEADS:
        return _clean_name(" ".join(words[:of_idx])), role_app or " ".join(words[of_idx + 1:]) or None
    return _clean_name(" ".join(words)), role_app


_PLACE_PREPOSITIONS = frozenset("in at from near outside inside across".split())


def _clean_name(name: str) -> str:
    name = name.strip().strip(",;:").strip()
    name = name.replace("( ", "(").replace(" )", ")")
    if name.endswith("'s"):
        name = name[:-2]
    if name.endswith(".") and "." not in name[:-1].split()[-1] if name.split() else False:
        name = name[:-1]
    return name
