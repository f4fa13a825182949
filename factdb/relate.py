"""Decide how two normalized claims relate: same, contradicting (numbers, antonyms), an update, related.

Pure: no store, no I/O.  Stance is not decided here: propositions are polarity-free, a denial joins
the claim it denies and the store compares the mentions' stances (:func:`stances_conflict`).

>>> from factdb.normalize import normalize_claim as nc
>>> relate(nc("Putin has rejected the US peace plan"), nc("The US peace plan was rejected by Putin")).kind
<RelationKind.SAME_AS: 'same_as'>
>>> relate(nc("Strike kills 40 in Kharkiv"), nc("Strike kills 45 in Kharkiv")).reason
'number differs: 40 vs 45'
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz, process

from factdb.models import ContradictionKind, NormalizedClaim, Quantity, RelationKind, Stance
from factdb.normalize import NUM, STOP_WORDS, opposite_classes, stem

_WORD = re.compile(r"[^\W_]+")

__all__ = [
    "APPROX_REL_TOL",
    "RELATED_THRESHOLD",
    "SAME_THRESHOLD",
    "UPDATE_AFTER",
    "Relation",
    "claim_string",
    "numbers_agree",
    "numeric_change",
    "predicate_swap",
    "relate",
    "same_number",
    "similarity",
    "stances_conflict",
]

SAME_THRESHOLD = 88.5
"""``similarity`` at or above which two claims state the same proposition (numbers and entities
permitting).  Calibrated by ``bench/calibrate.py`` (2026-11-26): lowest threshold whose SAME_AS
precision on MRPC train is >= 0.95 with a margin (lower end of the one-sided 95 % Wilson interval):
88.5.  SICK TRAIN+TRIAL contradiction precision >= 0.9 needs less."""

RELATED_THRESHOLD = 50.0
"""``similarity`` at or above which two claims that are not the same are reported as RELATED."""

APPROX_REL_TOL = 0.05
"""Relative tolerance when either figure is approximate ("about 40" vs 41): 5 %, at least ±1.
Exact figures must agree at the coarser precision stated ("4.1%" vs "4.12%", "3 million" vs
3,000,000) and within the same 5 % ("3 million" vs "3.4 million" differ): "destroyed 102 drones" vs
"destroyed 98 drones" is a contradiction."""

UPDATE_AFTER = timedelta(hours=24)
"""A higher figure for the same measure reported more than this later is an update (a death toll
revised upward), not a contradiction."""


@dataclass(frozen=True, slots=True)
class Relation:
    """How claim ``a`` relates to claim ``b``; ``kind`` is None when they are unrelated.

    ``reason`` is what a user reads: "same proposition", "number differs: 40 vs 45 (killed)",
    "antonym predicate: accepted vs rejected", "similar wording, different entities: Kharkiv vs Odesa".
    """

    kind: RelationKind | None
    contradiction: ContradictionKind | None = None
    reason: str = ""


def claim_string(n: NormalizedClaim) -> str:
    """The string that :func:`similarity` compares: the claim's stemmed content tokens."""
    return " ".join(n.tokens)


def similarity(a: NormalizedClaim, b: NormalizedClaim) -> float:
    """How close two claims' wordings are, 0-100: rapidfuzz ``token_sort_ratio`` of the stemmed
    content tokens (so tense, stop words, numbers and word order do not matter, but an extra or
    missing content word does; ``token_set_ratio`` would score a claim inside a longer one as 100).
    """
    return fuzz.token_sort_ratio(claim_string(a), claim_string(b), processor=None)


def stances_conflict(a: Stance, b: Stance) -> bool:
    """True when one mention affirms what the other denies."""
    return a is not b


def same_number(x: Quantity, y: Quantity) -> bool:
    """Whether two stated figures agree within tolerance (see :data:`APPROX_REL_TOL`).

    >>> from factdb.normalize import extract_quantities as q
    >>> same_number(q("about 40")[0], q("41")[0]), same_number(q("40")[0], q("45")[0])
    (True, False)
    """
    if x.unit and y.unit and x.unit != y.unit:
        return False
    a, b = x.value, y.value
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):  # "1e400"-sized digit strings
        return False
    if x.approximate or y.approximate:
        return abs(a - b) <= max(1.0, APPROX_REL_TOL * max(abs(a), abs(b)))
    step = max(_precision(x), _precision(y))
    if not math.isfinite(a / step) or not math.isfinite(b / step):
        return False
    return round(a / step) == round(b / step) and abs(a - b) <= APPROX_REL_TOL * max(abs(a), abs(b))


def numbers_agree(
    xs: Sequence[Quantity], ys: Sequence[Quantity]
) -> tuple[bool, tuple[Quantity, Quantity] | None]:
    """Whether two claims' figures agree one to one; if not, the first disagreeing aligned pair
    (None when they cannot be aligned: different counts of figures)."""
    if len(xs) != len(ys):
        return False, None
    unmatched = list(ys)
    for x in xs:
        hit = next((y for y in unmatched if same_number(x, y)), None)
        if hit is None:
            continue
        unmatched.remove(hit)
    if not unmatched:
        return True, None
    # Align what is left by position: the masked wordings are the same, so slots correspond.
    for x, y in zip(xs, ys, strict=True):
        if not same_number(x, y):
            return False, (x, y)
    return False, None


def numeric_change(
    a_numbers: Sequence[Quantity],
    a_time: datetime | None,
    b_numbers: Sequence[Quantity],
    b_time: datetime | None,
) -> RelationKind:
    """Classify a change of figures between two statements of the same measure.

    - figures agree within tolerance -> SAME_AS;
    - stated more than :data:`UPDATE_AFTER` (24 h) apart and every differing figure is higher in
      the later statement -> UPDATES (a toll revised upward over days);
    - otherwise (same day, unknown times, or a later figure lower) -> CONTRADICTS.
    """
    a_numbers, b_numbers = _figures(a_numbers), _figures(b_numbers)  # a year is no figure
    agree, _ = numbers_agree(a_numbers, b_numbers)
    if agree:
        return RelationKind.SAME_AS
    if a_time is None or b_time is None or abs(b_time - a_time) <= UPDATE_AFTER:
        return RelationKind.CONTRADICTS
    earlier, later = (a_numbers, b_numbers) if a_time < b_time else (b_numbers, a_numbers)
    if len(earlier) != len(later):
        return RelationKind.CONTRADICTS
    if all(same_number(e, n) or n.value > e.value for e, n in zip(earlier, later, strict=True)):
        return RelationKind.UPDATES
    return RelationKind.CONTRADICTS


def relate(
    a: NormalizedClaim,
    b: NormalizedClaim,
    score: float | None = None,
    *,
    a_time: datetime | None = None,
    b_time: datetime | None = None,
    same_threshold: float = SAME_THRESHOLD,
) -> Relation:
    """How ``a`` relates to ``b``.

    ``score`` is their :func:`similarity` when the caller has it already.  ``a_time``/``b_time``
    (when the statements were made) turn a higher later figure into UPDATES (:func:`numeric_change`).
    ``same_threshold`` is for calibration; everything else uses the shipped :data:`SAME_THRESHOLD`.

    - antonym predicates on the same wording (accepted / rejected) -> CONTRADICTS / ANTONYM;
    - wording below ``same_threshold`` -> RELATED (above :data:`RELATED_THRESHOLD`) or None;
    - same wording, a different person/place/organisation in each -> RELATED;
    - same arguments, another predicate ("expected to vote on" / "rejected" the plan) -> RELATED
      (:func:`predicate_swap`);
    - same wording, figures agree -> SAME_AS;
    - same wording, same measure, figures differ -> CONTRADICTS / NUMERIC (or UPDATES);
    - same wording, another year ("in 2016" vs "in 2020") -> RELATED: another event, not a contradiction
      (years are never compared as figures, and a year stated on one side only does not count);
    - same wording, figures that cannot be aligned -> RELATED.
    """
    sim = similarity(a, b) if score is None else score
    conflict = _antonym_conflict(a, b)
    if conflict is not None:
        mapped_b = [stem(conflict[0]) if t == stem(conflict[1]) else t for t in b.tokens]
        mapped = fuzz.token_sort_ratio(claim_string(a), " ".join(mapped_b), processor=None)
        if mapped >= same_threshold and _entity_swap(a, b) is None:
            return Relation(
                RelationKind.CONTRADICTS,
                ContradictionKind.ANTONYM,
                f"antonym predicate: {conflict[0]} vs {conflict[1]}",
            )
    swapped = _entity_swap(a, b)
    if swapped is not None:
        rest = fuzz.token_sort_ratio(_without(a, swapped[0]), _without(b, swapped[1]), processor=None)
        if max(sim, rest) >= same_threshold:
            return Relation(
                RelationKind.RELATED,
                None,
                f"similar wording, different entities: {swapped[0]} vs {swapped[1]}",
            )
    if sim < same_threshold:
        if sim >= RELATED_THRESHOLD:
            return Relation(RelationKind.RELATED, None, "similar wording")
        return Relation(None, None, "different wording")
    predicates = predicate_swap(a, b)
    if predicates is not None:
        return Relation(
            RelationKind.RELATED,
            None,
            f"same arguments, different predicates: {predicates[0]} vs {predicates[1]}",
        )
    years_a, years_b = [q for q in a.numbers if _is_year(q)], [q for q in b.numbers if _is_year(q)]
    values_a, values_b = {q.value for q in years_a}, {q.value for q in years_b}
    if years_a and years_b and values_a != values_b:
        x = next((q for q in years_a if q.value not in values_b), years_a[0])
        y = next((q for q in years_b if q.value not in values_a), years_b[0])
        return Relation(RelationKind.RELATED, None, f"similar wording, different years: {x.text} vs {y.text}")
    figures_a, figures_b = _figures(a.numbers), _figures(b.numbers)
    if len(figures_a) != len(figures_b):  # "one man" is "a man", where the other claim says "a"
        figures_a = [q for q in figures_a if not _is_one(q)]
        figures_b = [q for q in figures_b if not _is_one(q)]
    agree, pair = numbers_agree(figures_a, figures_b)
    if agree:
        return Relation(RelationKind.SAME_AS, None, "same proposition")
    if pair is None:
        return Relation(RelationKind.RELATED, None, "similar wording, different figures")
    x, y = pair
    if x.counted and y.counted and stem(x.counted) != stem(y.counted):
        return Relation(
            RelationKind.RELATED, None, f"similar wording, different measures: {x.counted} vs {y.counted}"
        )
    what = f" ({x.counted or y.counted})" if (x.counted or y.counted) else ""
    kind = numeric_change(a.numbers, a_time, b.numbers, b_time)
    if kind is RelationKind.UPDATES:
        earlier, later = (x, y) if a_time is not None and b_time is not None and a_time <= b_time else (y, x)
        return Relation(RelationKind.UPDATES, None, f"later figure: {_show(earlier)} -> {_show(later)}{what}")
    return Relation(
        RelationKind.CONTRADICTS, ContradictionKind.NUMERIC, f"number differs: {_show(x)} vs {_show(y)}{what}"
    )


def predicate_swap(a: NormalizedClaim, b: NormalizedClaim) -> tuple[str, str] | None:
    """The predicates of two claims that say different things about the same arguments, if they do.

    A pair is a predicate swap when every content word that only one claim has is a predicate
    (:func:`predicates`) and each claim has one: "the council is expected to vote on the plan" /
    "the council rejected the plan" (``expected``, ``vote`` / ``rejected``).  Another form of the
    same verb ("wearing" / "worn"), a prefix ("ride" / "ridden") or a synonym in one opposition
    class ("rose" / "increased") is not a swap; opposite classes ("approved" / "rejected") are a
    swap here and a contradiction in :func:`relate`, which looks for them first.

    When other words differ as well the pair is a rewording, left to :func:`similarity`: on MRPC
    train the looser rule "each claim has a predicate the other lacks" turned 26 of 27 pairs it
    caught into RELATED although they were paraphrases; this one catches 9 (7 paraphrases with
    synonyms, "found" / "discovered").  On SICK TRAIN+TRIAL it catches 45: 26 neutral
    ("sitting" / "running"), 5 contradictions, 14 entailments ("walking" / "pacing").  Symmetric:
    the result for ``(b, a)`` is the reversed pair (``bench/calibrate.py`` measures all this).

    >>> from factdb.normalize import normalize_claim as nc
    >>> predicate_swap(nc("The council is expected to vote on the plan"), nc("The council rejected the plan"))
    ('expected', 'rejected')
    >>> predicate_swap(nc("The council rejected the plan"), nc("The council had rejected the plan")) is None
    True
    """
    tokens_a, tokens_b = set(a.tokens), set(b.tokens)
    only_a, only_b = tokens_a - tokens_b, tokens_b - tokens_a
    verbs_a = [w for w in predicates(a.text) if stem(w) in only_a]
    verbs_b = [w for w in predicates(b.text) if stem(w) in only_b]
    if not verbs_a or not verbs_b:
        return None
    if only_a - {stem(w) for w in verbs_a} or only_b - {stem(w) for w in verbs_b}:
        return None  # other words differ too: a rewording, not a substituted predicate
    if any(_same_verb(x, y) for x in verbs_a for y in verbs_b):
        return None
    return verbs_a[0], verbs_b[0]


def predicates(text: str) -> list[str]:
    """The words of a normalized ``text`` that read as predicates, in order.

    No tagger: a word is a predicate when it is an ``-ed`` or ``-ing`` form (not a noun such as
    "meeting" or "building"), an irregular past or participle ("rose", "worn"), a word of an
    opposition class ("rejects", "ban"), or the verb after a modal head ("expected to *vote*",
    "plans to *build*").  Hedges and auxiliaries are already gone from ``text``.

    >>> predicates("the regional council expected to vote on a compensation plan on monday")
    ['expected', 'vote']
    >>> predicates("a man playing a guitar in the morning")
    ['playing']
    """
    words = text.split()
    found = []
    for i, w in enumerate(words):
        if w == NUM or not w.isalpha() or w in STOP_WORDS:
            continue
        if (
            w in _IRREGULAR_VERBS
            or (len(w) > 5 and w.endswith("ing") and w not in _ING_NOUNS and stem(w) != w)
            or (len(w) > 4 and w.endswith("ed") and stem(w) != w)
            or opposite_classes(w)
            or (i >= 2 and words[i - 1] == "to" and words[i - 2] in _MODAL_HEADS)
        ):
            found.append(w)
    return found


# Irregular past tenses and participles -> the verb, so that "wearing" and "worn" are one verb.
_IRREGULAR_VERBS = {
    form: base
    for base, forms in (
        ("rise", "rose risen"), ("fall", "fell fallen"), ("win", "won"), ("lose", "lost"),
        ("say", "said"), ("tell", "told"), ("go", "went gone"), ("make", "made"),
        ("take", "took taken"), ("give", "gave given"), ("see", "saw seen"), ("find", "found"),
        ("leave", "left"), ("hold", "held"), ("lead", "led"), ("meet", "met"), ("pay", "paid"),
        ("sell", "sold"), ("buy", "bought"), ("think", "thought"), ("begin", "began begun"),
        ("run", "ran"), ("shoot", "shot"), ("stand", "stood"), ("sit", "sat"),
        ("shrink", "shrank shrunk"), ("keep", "kept"), ("send", "sent"), ("spend", "spent"),
        ("build", "built"), ("bring", "brought"), ("catch", "caught"), ("fight", "fought"),
        ("strike", "struck"), ("write", "wrote written"), ("drive", "drove driven"),
        ("break", "broke broken"), ("choose", "chose chosen"), ("speak", "spoke spoken"),
        ("steal", "stole stolen"), ("throw", "threw thrown"), ("fly", "flew flown"),
        ("grow", "grew grown"), ("know", "knew known"), ("draw", "drew drawn"),
        ("hide", "hid hidden"), ("bite", "bit bitten"), ("eat", "ate eaten"), ("flee", "fled"),
        ("feed", "fed"), ("feel", "felt"), ("hear", "heard"), ("lie", "lay"), ("lay", "laid"),
        ("lend", "lent"), ("mean", "meant"), ("seek", "sought"), ("slide", "slid"),
        ("spin", "spun"), ("sweep", "swept"), ("swing", "swung"), ("teach", "taught"),
        ("tear", "tore torn"), ("understand", "understood"), ("wake", "woke"), ("wear", "wore worn"),
        ("withdraw", "withdrew withdrawn"), ("forget", "forgot forgotten"), ("ride", "rode ridden"),
        ("swim", "swam swum"), ("sing", "sang sung"), ("sink", "sank sunk"), ("freeze", "froze frozen"),
    )
    for form in forms.split()
}  # fmt: skip
_ING_NOUNS = frozenset(
    """building morning evening meeting funding spring nothing something anything everything thing
    ceiling clothing housing training bombing shooting hearing ruling rating offering during bring
    string sibling wedding painting setting warning feeling beginning ending financing spending
    earnings savings opening""".split()
)
# "expected to vote", "plans to build": the verb after one of these is a predicate too.
_MODAL_HEADS = frozenset(
    """expected plan plans planned set due going about want wants wanted agreed vowed promised
    threatened decided voted refused failed tried seek seeks sought hope hopes hoped intend intends
    intended aim aims aimed likely able unable ready scheduled poised""".split()
)


def _same_verb(x: str, y: str) -> bool:
    """Two forms of one verb ("wearing"/"worn", "ride"/"ridden"), or synonyms of one opposition
    class ("rose"/"increased")."""
    sx, sy = stem(_IRREGULAR_VERBS.get(x, x)), stem(_IRREGULAR_VERBS.get(y, y))
    if sx == sy or sx.startswith(sy) or sy.startswith(sx) or fuzz.ratio(sx, sy) >= 80:
        return True
    return bool(opposite_classes(x) & opposite_classes(y))


# --------------------------------------------------------------------------------------------


def _precision(q: Quantity) -> float:
    """The step of the stated figure: 1 for "40", 0.1 for "4.1%", 1e6 for "3 million"."""
    text = q.text.replace(",", "")
    digits = "".join(c for c in text if c.isdigit() or c == ".")
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    try:
        scale = q.value / float(digits) if float(digits) else 1.0
    except (ValueError, ZeroDivisionError):
        scale = 1.0
    if not math.isfinite(scale) or scale <= 0:
        scale = 1.0
    return scale * 10.0**-decimals if digits else 1.0


def _is_year(q: Quantity) -> bool:
    """ "in 2016", "the 2020 election": a date, not a measure (another year is another event)."""
    return (
        q.unit is None
        and q.text.isdigit()
        and len(q.text) == 4
        and 1800 <= q.value <= 2100
        and not (q.counted and (q.counted.endswith("s") or q.counted == "people"))
    )


def _figures(numbers: Sequence[Quantity]) -> list[Quantity]:
    """The figures among a claim's numbers: its years left out."""
    return [q for q in numbers if not _is_year(q)]


def _is_one(q: Quantity) -> bool:
    """ "one man": the parser reads it as a figure, but it is no more than "a man"."""
    return q.value == 1 and q.unit is None and not q.approximate


def _show(q: Quantity) -> str:
    return q.text


def _antonym_conflict(a: NormalizedClaim, b: NormalizedClaim) -> tuple[str, str] | None:
    """A predicate of ``a`` and its opposite in ``b`` ("approved", "rejected"), each absent from
    the other claim, if there is such a pair."""
    stems_a, stems_b = set(a.tokens), set(b.tokens)
    words_a = [w for w in dict.fromkeys(a.text.split()) if opposite_classes(w) and stem(w) not in stems_b]
    words_b = [w for w in dict.fromkeys(b.text.split()) if opposite_classes(w) and stem(w) not in stems_a]
    for wa in words_a:
        sides_a = opposite_classes(wa)
        for wb in words_b:
            if any((cls, not side) in sides_a for cls, side in opposite_classes(wb)):
                return wa, wb
    return None


def _entity_swap(a: NormalizedClaim, b: NormalizedClaim) -> tuple[str, str] | None:
    """A named entity of ``a`` absent from ``b`` and one of ``b`` absent from ``a``, if any."""

    def missing(entities: Sequence[str], other: NormalizedClaim) -> list[str]:
        named = {e.lower() for e in other.entities}
        words = set(other.text.split())
        stems = set(other.tokens)
        long_words = [w for w in words if len(w) >= 4]

        def present(word: str) -> bool:  # spelled alike: "HP"/"HP's", "Iraqis"/"Iraqi", typos
            if word in words or stem(word) in stems:
                return True
            if _has_digit(word):  # an identifier: "MH17" is not a typo of "MH370"
                return False
            if len(word) < 4:
                return False
            # Some word with fuzz.ratio >= 80 (the loop run in C).
            alike = process.extractOne(word, long_words, scorer=fuzz.ratio, processor=None, score_cutoff=80)
            return alike is not None

        def absent(entity: str) -> bool:
            words_of = _entity_words(entity)
            return not any(map(present, words_of)) or not all(present(w) for w in words_of if _has_digit(w))

        return [e for e in entities if e.lower() not in named and absent(e)]

    only_a, only_b = missing(a.entities, b), missing(b.entities, a)
    if only_a and only_b:
        return only_a[0], only_b[0]
    return None


def _has_digit(word: str) -> bool:
    return any(ch.isdigit() for ch in word)


def _entity_words(entity: str) -> list[str]:
    return _WORD.findall(entity.lower().replace(".", ""))


def _without(n: NormalizedClaim, entity: str) -> str:
    drop = {stem(w) for w in _entity_words(entity)}
    return " ".join(t for t in n.tokens if t not in drop)
