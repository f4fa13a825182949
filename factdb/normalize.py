"""Reduce a proposition to what matching compares: :class:`~factdb.models.NormalizedClaim`.

Pure and total: every function here accepts any Unicode string and never raises.

The pipeline of :func:`normalize_claim`:

1. leftover negation rewritten away as :func:`split_polarity` does ("no man" -> "a man");
   NFKC, typographic quotes and dashes unified, URLs and ``pic.twitter.com`` links removed,
   ``@handles`` and ``#CamelCaseTags`` turned into words ("@IlhanMN" -> "Ilhan MN");
2. numbers masked as ``<num>`` (``"4.1%"``, ``"1,000"``, ``"$3 million"``, ``"twenty"``, and
   dates and times too); the figures themselves are read by :mod:`factdb.quantities`, the one
   number parser, which leaves dates, times, ages and labels out and keeps years apart;
3. a framing attribution of a raw sentence dropped ("..., the Kremlin said", "According to X, ...");
   lower-cased; hedges (``reportedly``, ``may``) and auxiliaries (``has``, ``had``, ``was``)
   dropped, so "Putin had not rejected the plan" and "Putin rejected the plan" have the same
   ``text``;
4. ``entities``: capitalised spans (not weekdays or months), unless extraction gave them;
   ``tokens``: content words, stop words removed, stemmed by a small suffix stripper
   ("rejected", "rejects", "rejecting" -> ``reject``); numbers are not tokens;
5. ``antonym_text``: ``text`` with antonym predicates mapped to one side of their pair.

Raw text that may carry negation should go through :func:`split_polarity` first: it returns the
positive proposition and the stance, so that a denial joins the claim it denies.
:func:`normalize_claim` drops leftover negation the same way, but the stance is then lost.

>>> n = normalize_claim("Putin has rejected the U.S. peace plan")
>>> n.text
'putin rejected the us peace plan'
>>> n.tokens
('putin', 'reject', 'us', 'peac', 'plan')
>>> split_polarity("Putin has not rejected the US peace plan")
('Putin has rejected the US peace plan', <Stance.DENIES: 'denies'>)
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence

from factdb.models import NormalizedClaim, Quantity, Stance
from factdb.quantities import find_quantities, find_years

__all__ = [
    "NUM",
    "extract_entities",
    "extract_quantities",
    "normalize_claim",
    "split_polarity",
    "stem",
]

NUM = "<num>"
"""The mask that replaces every number in ``NormalizedClaim.text``."""

# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------

STOP_WORDS = frozenset(
    """a an the and or but if then than so as of at by for from in into on onto to with within
    without about above after against along among around before behind below beneath beside
    between beyond during except inside near off out outside over past since through throughout
    till toward towards under underneath until unto up upon via
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves this that these those who whom
    whose which what when where why how there here
    be am is are was were been being have has had having do does did doing will would shall should
    can could may might must ought
    all any both each few more most other some such only own same too very just also even still
    yet again further once s t d ll m o re ve y
    said says say saying told tells tell according reportedly allegedly apparently
    somebody someone something somewhere""".split()
)

# Dropped from ``text`` as well as from ``tokens``: they change neither the fact nor its polarity.
AUXILIARIES = frozenset(
    "be am is are was were been being have has had having do does did will would shall".split()
)
HEDGES = frozenset(
    """reportedly allegedly apparently possibly probably likely perhaps maybe supposedly seemingly
    purportedly reputedly may might could""".split()
)
NEGATIONS = frozenset("not no never nobody nothing none neither nor nowhere".split())

_CONTRACTIONS = {
    "won't": "will not",
    "can't": "can not",
    "cannot": "can not",
    "shan't": "shall not",
    "ain't": "is not",
}

# Number words that the mask covers.  The mask only says where numbers are written, so that
# ``text`` and ``tokens`` (and so stored claim keys) stay as they were; what a figure is worth is
# read by factdb.quantities.
_UNITS = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty"
).split()
_TENS = "thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = "hundred thousand million billion trillion".split()

# Antonym predicates: (canonical, positive forms, negative forms).  Strict pairs with their
# inflections only, never synonyms, so that equal ``antonym_text`` with different ``text`` means
# opposite statements.
_ANTONYM_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("accept", "accept accepts accepted accepting", "reject rejects rejected rejecting"),
    ("confirm", "confirm confirms confirmed confirming", "deny denies denied denying"),
    ("rise", "rise rises rose risen rising", "fall falls fell fallen falling"),
    ("increase", "increase increases increased increasing", "decrease decreases decreased decreasing"),
    ("win", "win wins won winning", "lose loses lost losing"),
    ("approve", "approve approves approved approving", "veto vetoes vetoed vetoing"),
    ("guilty", "guilty", "innocent"),
    ("allow", "allow allows allowed allowing", "ban bans banned banning"),
    ("open", "open opens opened opening", "close closes closed closing"),
    ("convict", "convict convicts convicted convicting", "acquit acquits acquitted acquitting"),
    ("support", "support supports supported supporting", "oppose opposes opposed opposing"),
    ("legal", "legal", "illegal"),
    ("true", "true", "false"),
    ("alive", "alive", "dead"),
    ("survive", "survive survives survived surviving", "die dies died dying"),
    ("enter", "enter enters entered entering", "leave leaves left leaving"),
    ("start", "start starts started starting", "stop stops stopped stopping"),
    ("stand", "stand stands stood standing", "sit sits sat sitting"),
    ("full", "full", "empty"),
    ("indoors", "indoors inside", "outdoors outside"),
    ("arrive", "arrive arrives arrived arriving", "depart departs departed departing"),
    ("expand", "expand expands expanded expanding", "shrink shrinks shrank shrunk shrinking"),
)
ANTONYMS: dict[str, tuple[str, bool]] = {
    word: (canonical, positive)
    for canonical, pos, neg in _ANTONYM_PAIRS
    for forms, positive in ((pos, True), (neg, False))
    for word in forms.split()
}
"""Word -> (canonical side of its antonym pair, True for the positive side)."""

# Opposite predicates for :func:`factdb.relate.relate`: (class, positive words, negative words).
# Unlike the strict pairs above, each side lists synonyms (compared by stem, so inflections
# follow), and a word may sit in several classes ("rejected" opposes "accepted" and "approved").
_OPPOSITE_CLASSES: tuple[tuple[str, str, str], ...] = (
    ("up", "rise increase grow climb gain jump surge soar raise hike expand",
     "fall decrease decline drop shrink plunge sink slump slide cut reduce lower"),
    ("more", "more higher larger bigger greater", "less fewer lower smaller"),
    ("accept", "accept approve adopt endorse pass ratify", "reject veto refuse"),
    ("confirm", "confirm admit acknowledge", "deny refute"),
    ("win", "win", "lose"),
    ("guilty", "guilty convict", "innocent acquit"),
    ("allow", "allow permit legalize", "ban prohibit forbid outlaw"),
    ("open", "open reopen", "close shut"),
    ("support", "support favor", "oppose"),
    ("legal", "legal", "illegal"),
    ("true", "true", "false"),
    ("alive", "alive survive", "dead die"),
    ("enter", "enter arrive", "leave depart exit"),
    ("start", "start begin launch resume", "stop halt suspend"),
    ("stand", "stand", "sit"),
    ("full", "full", "empty"),
    ("inside", "indoors inside", "outdoors outside"),
    ("agree", "agree", "disagree"),
    ("succeed", "succeed", "fail"),
)  # fmt: skip

_IRREGULAR = {
    "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "won": "win", "lost": "lose",
    "men": "man", "women": "woman", "children": "child", "people": "people", "said": "say",
    "told": "tell", "went": "go", "gone": "go", "made": "make", "took": "take", "taken": "take",
    "gave": "give", "given": "give", "saw": "see", "seen": "see", "found": "find", "left": "leave",
    "held": "hold", "led": "lead", "met": "meet", "paid": "pay", "sold": "sell", "bought": "buy",
    "thought": "think", "began": "begin", "begun": "begin", "ran": "run", "shot": "shoot",
    "hit": "hit", "killed": "kill", "dead": "dead", "died": "die", "dies": "die", "dying": "die",
    "stood": "stand", "sat": "sit", "shrank": "shrink", "shrunk": "shrink", "us": "us", "u": "u",
}  # fmt: skip

# --------------------------------------------------------------------------------------------
# Regular expressions
# --------------------------------------------------------------------------------------------

_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛′`´"} | {c: '"' for c in "“”„‟″«»"})
_DASHES = re.compile(r"[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]")
_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S*", re.IGNORECASE)
_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}")
_TAG = re.compile(r"[@#](\w+)")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NUMBER_WORDS = "|".join(sorted([*_UNITS, *_TENS, *_SCALES, "dozen", "dozens"], key=len, reverse=True))
_NUMBER_MASK = re.compile(
    r"(?P<cur>[$£€¥])?\s?"
    r"(?:(?P<digits>(?<![\w.,])\d+(?:[.,]\d+)*(?![\w]))"
    rf"|(?P<words>\b(?:{_NUMBER_WORDS})(?:[\s-]+(?:{_NUMBER_WORDS}|one\b|and(?=[\s-]+(?:{_NUMBER_WORDS}))))*\b))"
    rf"(?P<scale>\s+(?:{'|'.join(_SCALES)})\b)?"
    r"(?P<pct>\s?%|\s+per\s?cent\b)?",
    re.IGNORECASE,
)
_WORD = re.compile(r"<num>|[^\W_]+")
_ENTITY = re.compile(r"\b(?:[A-Z][\w'.&-]*|[A-Z]{2,})(?:\s+(?:of|de|the|for|and)?\s*(?:[A-Z][\w'.&-]*))*")
_NEG_CONTRACTION = re.compile(r"(\w)n ?'t\b", re.IGNORECASE)  # "didn't", tokenized "didn 't"
_SAYING = (
    r"(?:said|says|say|told\s+\w+|claimed|claims|stated|states|reported|reports|announced|added|insisted)"
)
_ATTRIBUTION_AFTER = re.compile(
    rf"[,:]\s*[\"']?\s*[^,\"]{{1,60}}?\s+{_SAYING}(?:\s+on\s+\w+)?\s*[.!]?\s*$", re.IGNORECASE
)
_ATTRIBUTION_BEFORE = re.compile(r"^\s*according\s+to\s+[^,]{1,60},\s*", re.IGNORECASE)
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today tonight yesterday tomorrow
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)  # dates are compared as dates (numbers), not as named entities
_CLAUSE_BREAKS = frozenset("and but or while whereas although".split())


# --------------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)
def opposite_classes(word: str) -> frozenset[tuple[str, bool]]:
    """The opposition classes of a word: ``(class, True for the positive side)`` pairs.

    >>> sorted(opposite_classes("rejected"))
    [('accept', False)]
    >>> opposite_classes("approved") & {("accept", True)}
    frozenset({('accept', True)})
    """
    return OPPOSITES.get(stem(word), frozenset())


@functools.lru_cache(maxsize=1 << 16)  # pure; the index and relate stem the same words again and again
def stem(word: str) -> str:
    """A small English suffix stripper for the index: inflections of one word share a stem.

    >>> [stem(w) for w in ("rejected", "rejects", "rejecting", "reject")]
    ['reject', 'reject', 'reject', 'reject']
    >>> stem("denies") == stem("denied") == stem("deny")
    True
    """
    w = _IRREGULAR.get(word, word)
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith(("ies", "ied")) and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("ss", "us", "is")):
        pass
    elif w.endswith(("ches", "shes", "xes", "zes", "ses")) and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s"):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        base = w[: -len(suffix)]
        if w.endswith(suffix) and len(base) >= 3 and any(c in "aeiouy" for c in base):
            w = base
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def split_polarity(text: str) -> tuple[str, Stance]:
    """Pull the negation out of a raw sentence: the positive proposition and the stance toward it.

    A clause with an odd number of negations ("not", "n't", "never", "no", "nobody") makes the
    stance DENIES: "it is not true that nobody came" affirms, "they are not singing and are not
    dancing" denies (clauses split at "and", "but", "or", commas and semicolons).
    "no"/"nobody"/"nothing" become "a"/"somebody"/"something" so that the positive proposition
    still reads as a sentence; "not"/"never" are dropped.

    >>> split_polarity("A man is not playing a guitar")
    ('A man is playing a guitar', <Stance.DENIES: 'denies'>)
    >>> split_polarity("There is no man standing in the background")
    ('There is a man standing in the background', <Stance.DENIES: 'denies'>)
    """
    text = _expand_contractions(_unify(text))
    negated_clause = False
    negations = 0  # in the current clause
    out: list[str] = []
    for piece in re.split(r"(\s+)", text):
        core = piece.strip(".,;:!?\"'()")
        low = core.lower()
        if low in _CLAUSE_BREAKS or piece.rstrip().endswith((",", ";")):
            negated_clause |= negations % 2 == 1
            negations = 0
        if low in NEGATIONS and core:
            negations += 1
            replacement = {"no": "a", "nobody": "somebody", "nothing": "something", "none": "some",
                           "nowhere": "somewhere"}.get(low, "")  # fmt: skip
            if replacement and core[0].isupper():
                replacement = replacement.capitalize()
            piece = piece.replace(core, replacement, 1) if replacement else piece.replace(core, "", 1)
        out.append(piece)
    negated_clause |= negations % 2 == 1
    positive = re.sub(r"\s{2,}", " ", "".join(out)).strip()
    positive = re.sub(r"\s+([.,;:!?])", r"\1", positive)
    return positive, Stance.DENIES if negated_clause else Stance.AFFIRMS


def extract_quantities(text: str) -> tuple[Quantity, ...]:
    """The numbers stated in ``text``, with value, unit, counted thing and approximation, and its
    years: :func:`factdb.quantities.find_quantities` with ``years=True``.

    >>> [(q.value, q.unit) for q in extract_quantities("Inflation rose to 4.1% from 3.9 percent")]
    [(4.1, '%'), (3.9, '%')]
    >>> q = extract_quantities("about two hundred people were killed")[0]
    >>> (q.value, q.counted, q.approximate)
    (200.0, 'people', True)
    >>> [q.text for q in extract_quantities("Trump won Pennsylvania on November 3, 2020")]
    ['2020']
    """
    return find_quantities(_unify(text), years=True)


def extract_entities(text: str) -> tuple[str, ...]:
    """Capitalised spans of ``text`` (names of people, places, organisations), in order, unique.

    A capitalised stop word opening a sentence ("The", "A") is not an entity.

    >>> extract_entities("The strike on Kharkiv was condemned by the United Nations.")
    ('Kharkiv', 'United Nations')
    """
    text = _strip_social(_unify(text))
    found: list[str] = []
    for m in _ENTITY.finditer(text):
        words = m.group(0).split()
        while words and (words[0].lower() in STOP_WORDS or words[0].lower() in NEGATIONS):
            words.pop(0)
        while words and words[-1].lower() in ("of", "de", "the", "for", "and"):
            words.pop()
        span = " ".join(w.rstrip(".'") if not re.fullmatch(r"(?:[A-Z]\.)+", w) else w for w in words)
        if span and span not in found and not span.isdigit() and span.lower() not in _CALENDAR:
            found.append(span)
    return tuple(found)


def normalize_claim(
    proposition: str, quantities: Sequence[Quantity] = (), entities: Sequence[str] = ()
) -> NormalizedClaim:
    """Reduce a proposition (or a raw sentence) to the :class:`NormalizedClaim` that matching compares.

    ``quantities`` and ``entities`` from extraction are kept as given; when empty they are found
    in ``proposition`` (:func:`extract_quantities`).  ``numbers`` always carries the years of
    ``proposition``, which extraction leaves out: a year is no figure to contradict, but another
    year is another event (:func:`factdb.relate.relate`).  Never raises; idempotent on ``text``.

    >>> a = normalize_claim("Putin had rejected the US peace plan")
    >>> b = normalize_claim("Putin rejected the US peace plan")
    >>> a.text == b.text, a.antonym_text
    (True, 'putin accept the us peace plan')
    """
    clean = _strip_attribution(_strip_social(split_polarity(proposition)[0]))
    if quantities:
        given = {q.value for q in quantities}
        numbers = (*quantities, *(y for y in find_years(clean) if y.value not in given))
    else:
        numbers = find_quantities(clean, years=True)
    ents = tuple(entities) if entities else extract_entities(clean)
    masked = _mask(clean)
    words = [w for w in _words(masked) if w not in NEGATIONS and w not in HEDGES and w not in AUXILIARIES]
    text = " ".join(words)
    tokens = tuple(stem(w) for w in words if w != NUM and w not in STOP_WORDS and not w.isdigit())
    antonym_text = None
    if any(w in ANTONYMS for w in words):
        antonym_text = " ".join(ANTONYMS[w][0] if w in ANTONYMS else w for w in words)
    return NormalizedClaim(
        text=text, tokens=tokens, numbers=numbers, entities=ents, antonym_text=antonym_text
    )


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _unify(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _DASHES.sub("-", text)


def _strip_social(text: str) -> str:
    # Handles and hashtags keep their words: "(@IlhanMN)" names the speaker a claim is often
    # about (dropping them cost 0.05 MAP@5 on CheckThat! 2020 train+dev).
    text = _URL.sub(" ", text)
    text = _TAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)) + " ", text)
    return _ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)


def _strip_attribution(text: str) -> str:
    # Raw sentences only (extraction removes attribution itself): "..., the Kremlin said." and
    # "According to the UN, ..." frame the claim without being part of it.
    text = _ATTRIBUTION_AFTER.sub("", text)
    return _ATTRIBUTION_BEFORE.sub("", text)


def _expand_contractions(text: str) -> str:
    for short, long in _CONTRACTIONS.items():
        text = re.sub(rf"\b{short}\b", long, text, flags=re.IGNORECASE)
    return _NEG_CONTRACTION.sub(r"\1 not", text)


def _words(text: str) -> list[str]:
    """Lower-cased words; pure digit runs become the number mask.  Stable under re-application."""
    low = text
    for _ in range(3):  # lower() and NFKC can each undo the other on exotic characters
        nxt = unicodedata.normalize("NFKC", low.lower())
        if nxt == low:
            break
        low = nxt
    low = re.sub(r"'s\b", "", low)
    return [
        NUM if w != NUM and any(c.isdigit() for c in w) and w.isdigit() else w for w in _WORD.findall(low)
    ]


def _mask(text: str) -> str:
    out, last = [], 0
    for m in _NUMBER_MASK.finditer(text):
        start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        out.append(text[last:start])
        out.append(f" {NUM} percent " if m.group("pct") else f" {NUM} ")
        last = m.end()
    out.append(text[last:])
    return "".join(out)


OPPOSITES: dict[str, frozenset[tuple[str, bool]]] = {}
"""Stem -> its opposition classes (see :func:`opposite_classes`)."""
for _class, _positive, _negative in _OPPOSITE_CLASSES:
    for _side_words, _side in ((_positive, True), (_negative, False)):
        for _word in _side_words.split():
            OPPOSITES[stem(_word)] = OPPOSITES.get(stem(_word), frozenset()) | {(_class, _side)}
