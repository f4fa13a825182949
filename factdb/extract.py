"""Claim extraction: text -> :class:`~factdb.models.ClaimCandidate` values.

The pipeline is :func:`parse_document` (header block -> :class:`~factdb.models.Document`) then
:func:`extract_claims` (sentences -> claims); :func:`extract` chains the two.  Everything here is
pure and deterministic (no I/O), stdlib-only, and never raises on any string.

What counts as a claim: every check-worthy declarative sentence (events, numbers, positions
taken, denials, accusations, plans), including background facts the outlet asserts.  Not claims:
questions, headings, captions and photo credits, bylines, datelines, the title repeated in the
body, short fragments (fewer than four words) and unpunctuated stand-alone lines.  Opinions and
exhortations ("should", "must" + active verb, "it is time", exclamations, "so sad", "a big
mistake", thoughts and prayers) are returned only with ``include_opinions=True`` and are marked
``is_opinion``.

Propositions (what matching compares) follow one policy:

* attribution removed ("X said (that)", "according to X", "..., he said"), the quotation marks
  dropped, honorifics removed ("Mr Putin" -> "Putin"), the first letter capitalised, no final stop;
* hedging adverbs removed ("reportedly", "allegedly", "likely", "apparently", "presumably" ...);
  modal verbs ("may", "could") are kept, and the sentence is marked ``hedged`` with its cue;
* tense as written, except that do-support is folded into the verb when negation is removed:
  "did not reject" -> "rejected", "does not hold" -> "holds", "has not rejected" -> "has rejected";
* negation removed from the main clause only (before "but", "because", ";", "[...]", a relative
  "which"/"who"), each removal flipping the stance; "no casualties were reported" ->
  "casualties were reported"; "no one" -> "someone";
* denial frames flip the stance and keep only what is denied: "X denied (that) P", "X dismissed
  the claim(s) that P", "it was 'not correct' to say that P", "pushed back on any suggestion that
  P", "those who say P are lying".  "there is no evidence (that) P" gives P, DENIES, hedged with
  cue "no evidence".  A denial of an earlier statement ("Iran denied the accusation") takes the
  proposition of the latest claim made by someone else.  Double negation affirms, and so does a
  negated denial ("did not deny that P").

Speakers carried from sentence to sentence: a quotation running on, or a paragraph that is only a
quotation, keeps the last speaker; "he"/"she" is the latest person who spoke or was named as the
subject of a clause (a reported clause too: "the paper reported that Carl Ostrow had resigned"),
never a person named as an object in the same sentence ("Speaking to Ann Lee, he said"), never
someone named inside the claim the pronoun attributes ("X was arrested, he said"), and never
someone known to be of the other gender (from "Mr"/"Ms", "spokesman"/"spokeswoman", "said she",
or an earlier "she said").
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone

from factdb.attribution import (
    BLANK,
    HONORIFICS,
    ROLE_WORDS,
    Attribution,
    Speaker,
    blank_quotes,
    find_attribution,
    gender_cue,
    named_subject,
    speaker_kind,
    split_name_role,
)
from factdb.models import ClaimCandidate, Document, Extraction, SourceMeta, SpeakerKind, Stance
from factdb.quantities import find_quantities
from factdb.sentences import SentenceSpan, split_sentences

__all__ = ["parse_document", "extract_claims", "extract"]

# ---------------------------------------------------------------- document header

_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z_-]{0,30})[ \t]*:[ \t]*(.*?)[ \t]*$")
_DATE_FIRST_LINE = re.compile(r"^\ufeff?date[ \t]+(\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]+)?)[ \t]*\r?\n")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HEADER_KEYS = {
    "url": "url", "link": "url", "outlet": "outlet", "publisher": "outlet", "source": "outlet",
    "published": "published_at", "date": "published_at", "published_at": "published_at",
    "title": "title", "headline": "title", "author": "author", "byline": "author", "language": "language",
    "lang": "language", "license": None, "licence": None,
}


def _parse_date(value: str) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        if _ISO_DATE.fullmatch(value):
            return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None


def parse_document(text: str, meta: SourceMeta | None = None) -> Document:
    """The document in ``text``: its body (what claim offsets point into) and its metadata.

    An optional header block at the top, ``key: value`` lines ended by a blank line (url, outlet
    or publisher, published or date, title, author, language; other keys such as ``license`` are
    ignored), or a first line ``date YYYY-MM-DD``, is read into :class:`SourceMeta` and left out of
    the body.  Dates become timezone-aware UTC datetimes.  Fields set in ``meta`` win over the
    header's.

    >>> doc = parse_document("title: Quake\\npublished: 2020-01-02\\n\\nA quake hit Lima.")
    >>> doc.text, doc.meta.title, doc.meta.published_at.isoformat()
    ('A quake hit Lima.', 'Quake', '2020-01-02T00:00:00+00:00')
    """
    fields: dict[str, object] = {}
    body = text
    m = _DATE_FIRST_LINE.match(text)
    if m:
        fields["published_at"] = _parse_date(m.group(1))
        body = text[m.end():]
    else:
        header_end = _header_end(text)
        if header_end is not None:
            for line in text[:header_end].splitlines():
                hm = _HEADER_LINE.match(line.lstrip("\ufeff"))
                if not hm:
                    continue
                key = _HEADER_KEYS.get(hm.group(1).lower())
                if key is None or key in fields:
                    continue
                value = hm.group(2)
                fields[key] = _parse_date(value) if key == "published_at" else (value or None)
            body = text[header_end:]
    found = SourceMeta(**{k: v for k, v in fields.items() if v is not None})  # type: ignore[arg-type]
    if meta is not None:
        found = found.merged_with(meta)
    return Document(text=body, meta=found)


def _header_end(text: str) -> int | None:
    """Where the body starts when ``text`` opens with a header block, else None."""
    pos = 0
    known = 0
    lines = 0
    while pos < len(text):
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        if not line.strip():
            if known and lines:
                end = nl + 1 if nl >= 0 else len(text)
                while end < len(text) and text[end] in "\r\n":
                    end += 1
                return end
            return None
        hm = _HEADER_LINE.match(line.lstrip("\ufeff"))
        if not hm or lines > 40:
            return None
        if hm.group(1).lower() in _HEADER_KEYS:
            known += 1
        lines += 1
        if nl < 0:
            return None
        pos = nl + 1
    return None


# ---------------------------------------------------------------- non-claims

# The lookahead is a quick first-character check (every alternative starts at the start of the
# text, at "(" or "\u00a9", or at a word beginning with one of those letters): it lets the search
# skip most positions without trying each alternative.  Keep it in step with the alternatives
# (tests/test_extract.py compares the pattern with and without it).
_CAPTION_START = r"(?=^|[(\u00a9]|\b[acefgiprsv])"
_CAPTION = re.compile(
    _CAPTION_START
    + r"(?:^\s*!\[[^\]]*\]\([^)]*\)\s*$|\b(?:Photo|Photograph|Picture|Image|Video|Graphic|Illustration)s?\s*(?::|by\b|via\b|credit\b|courtesy\b)"
    r"|^\s*(?:Image|Photo|Photograph|Caption|Credit|Pictured|Picture|Source|File photo|Video|Watch|Graphic)s?\s*[:\-\u2014|]"
    r"|\bvia (?:AP|Reuters|AFP|Getty|EPA|Shutterstock)\b|\(via (?:Twitter|Instagram)\)"
    r"|\((?:[^()]{0,80}[,/]\s*)?(?:AP|Reuters|AFP|EPA|Getty Images|Shutterstock|Bloomberg|Anadolu|Xinhua|TASS|"
    r"AP Photo|Reuters/[^()]*|AFP/[^()]*|EPA-EFE)(?:\s*(?:Photo|Images))?\s*\)\s*$"
    r"|\b(?:AP|AFP|Reuters|EPA|Getty) (?:Photo|Images|Photographer)\b|\u00a9|\bGetty Images\b|\bfile photo\b"
    r"|\bShutterstock\b|^\s*\(.*\)\s*$|\bPictured\s*:|\bCredit\s*:)",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^\s*(?:By|Reporting by|Written by|Additional reporting by|Editing by|Edited by|Compiled by|Story by|"
    r"Words by|Report by)\s+[A-Z][\w.'-]*(?:[\s,]+(?:and\s+)?[A-Z][\w.'-]*){0,8}\s*(?:[,|\-\u2014]\s*[\w .,'/-]{0,60})?\s*$"
)
_BOILERPLATE = re.compile(
    r"^\s*(?:Follow|Share|Read more|Read also|Sign up|Subscribe|Advertisement|Related|Click here|"
    r"Contact|Email|Updated|Published|Last updated|This story|This article)\b",
    re.IGNORECASE,
)
_DATE_ONLY = re.compile(
    r"^\s*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s*)?(?:(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2},?\s*\d{0,4}|"
    r"\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\s*\d{0,4}|"
    r"\d{4}-\d{2}-\d{2})[\w :.,]*$",
    re.IGNORECASE,
)
_DATELINE_PREFIX = re.compile(
    r"(?:[A-Z][A-Z.' -]{2,40}(?:,\s*[A-Z][A-Za-z.' -]{1,30})?(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}))?"
    r"\s*(?:\((?:AP|Reuters|AFP|[A-Z][A-Za-z. ]{1,20})\))?\s*[-\u2014\u2013]+\s*)"
)
_LIST_MARK = re.compile(r"^(?:#{1,6}\s|[-*+\u2022]\s+|\d{1,3}[.)]\s+)")
_WORDS = re.compile(r"[A-Za-z\u00c0-\u024f0-9][\w'\u2019-]*")

# ---------------------------------------------------------------- stance, hedging, opinion

# the lookahead: the first letters of the cues below, a quick check (keep it in step; tests/test_extract.py
# compares the pattern with and without it)
_HEDGES_START = r"(?=\b(?i:[abcefilmprstu]))"
_HEDGES = re.compile(
    _HEDGES_START
    + r"\b((?i:allegedly|alleged|reportedly|apparently|presumably|possibly|probably|perhaps|likely|unlikely|"
    r"supposedly|purportedly|suspected|believed to|thought to|expected to|feared|"
    r"suggests?|speculated|estimated|estimating|estimates|I think|it appears|seems to|appears to|"
    r"if provoked|if)|may|might|could|May(?= (?:be|have|not)\b)|Might|Could)\b"
)
_HEDGE_ADVERBS = re.compile(
    r"\s*\b(?:reportedly|allegedly|apparently|presumably|supposedly|purportedly|probably|possibly)\b,?"
    r"|\s*[\"\u201c']?\blikely\b[\"\u201d']?(?=\s+(?:to\s+)?(?:be|have|[a-z]+ed|[a-z]+s)\b|\s*[a-zA-Z]+'s\b)",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(?:should|ought to|must(?!\s+(?:not\s+)?(?:be|have)\s+\w+(?:ed|en|wn)\b)|(?:we|you|they|everyone)\s+needs?\s+to|deserves?|"
    r"it is time|it's time|let us|let's|thoughts and prayers|condolences|we appreciate|thank you)\b"
    r"|\b(?:is|was|are|were|'s)\s+(?:so|very|really|truly|simply|just)?\s*(?:a\s+)?(?:big|huge|great|terrible|grave|total)?\s*"
    r"(?:sad|shameful|disgraceful|outrageous|unacceptable|frustrating|ridiculous|wonderful|terrible|awful|"
    r"mistake|disgrace|shame|win|calamity|tragedy|heartbreaking|painful)\b"
    r"|^(?:Imagine|Let|Remember|Consider|Stop|Think)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(  # every break starts at a space, a comma or a semicolon: the lookahead skips other positions fast
    r"(?=[\s,;])(?:,?\s+but\s|;|\s+because\s|\s+although\s|\s+though\s|,?\s+while\s|\s+whereas\s|\s+unless\s|"
    r"(?:,\s*|\s+)which\s|\s+who\s|\s+whose\s|,\s*where\s|\s+so that\s|"
    r"\s+(?:that\s+)?so\s+(?=(?:\w+\s+){1,2}?(?:could|can|would|will|might|may)\b)|"
    r",\s*however\b|\s+if\s|\s+whilst\s|,\s*with\s|,\s*and\s|\s+as\s+(?=\w+\s+(?:is|was|are|were)\b)|\s+after\s+\w+\s+(?:had|has|was|were)\b)"
)
# negation after a complementiser or relative "that" is not the main clause's ("assurances that it would not ...");
# "that day" is a determiner
_NEGATION_SCOPE = re.compile(
    _CLAUSE_BREAK.pattern[:-1] + r"|\s+that\s+(?!(?:day|night|week|weekend|month|year|morning|evening|afternoon|time|moment|point|area)\b))"
)
_DO_NOT = re.compile(r"\b(do|does|did)(?:\s+not|n['\u2019]t)\s+(?:\w+ly\s+)?([a-z]+)", re.IGNORECASE)
_AUX_NOT = re.compile(
    r"\b(is|was|are|were|has|have|had|will|would|can|could|should|must|may|might|need)\s+not\b"
    r"|\b(is|was|are|were|has|have|had|would|could|should|must|need)n['\u2019]t\b"
    r"|\b(won|can)['\u2019]t\b|\b(can)not\b",
    re.IGNORECASE,
)
_LEADING_SUBORDINATE = re.compile(
    r"^(?:If|Unless|Although|Though|While|Whereas|Because|Since|When|Whether|Even if|Even though|Once|Until)\b[^,]{3,150},\s*"
)
_NOT = re.compile(r"\s*\bnot(?:\s+yet)?\b(?!\s+\w+ing\b)(?!\s+only\b)|\s*\bnever\b", re.IGNORECASE)
# "told not to": the negation belongs to an instruction, not to the claim
_INSTRUCTION_BEFORE = re.compile(r"\b(?:told|asked|ordered|urged|warned|advised|decided|agreed|chose|promised|instructed)\s*$", re.IGNORECASE)
_NO_ONE = re.compile(r"\b(no one|nobody|nothing|none|no longer|neither|nor)\b", re.IGNORECASE)
_NO_DET = re.compile(r"\b[Nn]o\s+(?=[a-zA-Z])")
_EMBEDDED_DENIAL = re.compile(
    r"^(?:it|this|that)\s+(?:is|was|'s|would be)\s+(?:simply\s+)?['\"\u2018\u201c]?(?:not\s+correct|not\s+true|not\s+accurate|"
    r"untrue|false|incorrect|wrong|inaccurate|a\s+lie|nonsense|baseless|groundless)['\"\u2019\u201d]?"
    r"\s+(?:to\s+(?:say|suggest|claim|report|state)\s+)?(?:that\s+)?(.+)$",
    re.IGNORECASE,
)
_NO_EVIDENCE = re.compile(
    r"^(?:there\s+(?:is|was|has\s+been|have\s+been|were)\s+(?:currently\s+|still\s+|so\s+far\s+|absolutely\s+)?)?"
    r"no\s+(?:evidence|proof|indication|sign|signs|basis)\s+(?:whatsoever\s+)?"
    r"(?:to\s+support\s+(?:the\s+)?(?:\w+\s+)?(?:claims?|allegations?)?\s*(?:that|of)?\s*|that\s+|of\s+|for\s+)?(.+)$",
    re.IGNORECASE,
)
_SUGGESTION_THAT = re.compile(
    r"^(?:as\s+\S+\s+)?(?:the|any|these|those|all|such|a)?\s*(?:\w+\s+)?(?:claims?|allegations?|accusations?|reports?|"
    r"suggestions?|notion|idea|charges?|assertions?|rumou?rs?)\s*(?:that\s+(.+)|(?:from|by|of|about)\s+[^,]+?(?:\s+as\s+\w+)?|as\s+\w+.*|)$",
    re.IGNORECASE,
)
_LYING = re.compile(
    r"^(.{8,}?)\s+(?:is|are|was|were)\s+(?:lying|false|untrue|baseless|groundless|a lie|lies|fabricated|fake)\b",
    re.IGNORECASE,
)
_ACCUSED_OF = re.compile(r"^(.{2,80}?)\s+of\s+([a-z]+ing)\b(.*)$")
_PRONOUN_SUBJECT = re.compile(r"^(he|she|it|they)\s+(?=(?:had|has|have|was|were|is|are|would|will|could|did|does|[a-z]+ed)\b)", re.IGNORECASE)
_IRREGULAR_PAST = {
    "be": "was", "have": "had", "do": "did", "go": "went", "say": "said", "make": "made", "take": "took",
    "give": "gave", "come": "came", "see": "saw", "know": "knew", "get": "got", "find": "found",
    "think": "thought", "tell": "told", "become": "became", "leave": "left", "feel": "felt",
    "blow": "blew", "grow": "grew", "draw": "drew", "shake": "shook", "swear": "swore", "tear": "tore",
    "bite": "bit", "ride": "rode", "sink": "sank", "sing": "sang", "drink": "drank", "ring": "rang",
    "swim": "swam", "freeze": "froze", "wake": "woke", "bind": "bound", "dig": "dug", "feed": "fed",
    "light": "lit", "slide": "slid", "spin": "spun", "stick": "stuck", "swing": "swung", "bend": "bent",
    "lend": "lent", "spend": "spent", "deal": "dealt", "eat": "ate", "drop": "dropped", "stop": "stopped",
    "bring": "brought", "begin": "began", "keep": "kept", "hold": "held", "write": "wrote",
    "stand": "stood", "hear": "heard", "let": "let", "mean": "meant", "set": "set", "meet": "met",
    "run": "ran", "pay": "paid", "sit": "sat", "speak": "spoke", "lose": "lost", "send": "sent",
    "build": "built", "fall": "fell", "cut": "cut", "sell": "sold", "win": "won", "lead": "led",
    "understand": "understood", "shoot": "shot", "put": "put", "read": "read", "fight": "fought",
    "flee": "fled", "hit": "hit", "seek": "sought", "catch": "caught", "teach": "taught", "buy": "bought",
    "break": "broke", "choose": "chose", "drive": "drove", "fly": "flew", "rise": "rose", "steal": "stole",
    "strike": "struck", "throw": "threw", "wear": "wore", "withdraw": "withdrew", "forget": "forgot",
    "hide": "hid", "spread": "spread", "lie": "lied",
}


_DOUBLING = frozenset(
    """admit commit permit omit submit emit transmit regret occur recur refer prefer confer deter transfer incur
    equip forbid upset""".split()
)


_CONSONANT_Y_END = re.compile(r"[^aeiou]y$")
_SHORT_CVC = re.compile(r"^[^aeiou]*[aeiou][bdgklmnprt]$")  # "stop", "plan": one vowel, then a consonant to double
_CONSONANT_VOWEL_L_END = re.compile(r"[^aeiou][aeiou]l$")  # "cancel", "travel"
_SIBILANT_OR_O_END = re.compile(r"(?:s|sh|ch|x|z|o)$")


def _past(verb: str) -> str:
    """The simple past of a base verb: "reject" -> "rejected", "stop" -> "stopped", "say" -> "said"."""
    v = verb.lower()
    if v in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[v]
    for prefix in ("mis", "re", "over", "under", "out", "with", "fore", "up", "be"):
        if v.startswith(prefix) and v[len(prefix):] in _IRREGULAR_PAST:
            return prefix + _IRREGULAR_PAST[v[len(prefix):]]  # mislead -> misled
    if v.endswith("e"):
        return v + "d"
    if _CONSONANT_Y_END.search(v):
        return v[:-1] + "ied"
    if v in _DOUBLING or (_SHORT_CVC.search(v) and len(v) <= 4) or _CONSONANT_VOWEL_L_END.search(v):
        return v + v[-1] + "ed"  # stop -> stopped, admit -> admitted, cancel -> cancelled (British spelling)
    return v + "ed"


def _past_from_gerund(word: str) -> str:
    """The past tense of the verb in a gerund: "covering" -> "covered", "using" -> "used", "hiding" -> "hid".

    Stem + "ed" is right for regular verbs, whether they drop an "e" (us-ing -> us-ed) or double
    a consonant (rigg-ing -> rigg-ed); irregular verbs come from a table.
    """
    stem = word[:-3]
    if len(stem) == 2 and stem.endswith("y"):  # lying, dying
        return stem[0] + "ied"
    for base in (stem, stem + "e"):
        if base in _IRREGULAR_PAST or any(base.startswith(p) and base[len(p):] in _IRREGULAR_PAST for p in ("mis", "re", "over", "under")):
            return _past(base)
    return stem + "ed"


def _third_person(verb: str) -> str:
    v = verb.lower()
    if v in ("have",):
        return "has"
    if v in ("be",):
        return "is"
    if _SIBILANT_OR_O_END.search(v):
        return v + "es"
    if _CONSONANT_Y_END.search(v):
        return v[:-1] + "ies"
    return v + "s"


def _may_have_hedge_adverb(text: str) -> bool:
    """Whether ``text`` has "ly" in any case: _HEDGE_ADVERBS matches only then (every one ends in "-ly")."""
    return "ly" in text.lower()


def _may_have_not(text: str) -> bool:
    """Whether ``text`` has "not", "n't" or "never" in any case: _DO_NOT, _AUX_NOT and _NOT match only then.

    A quick check before those patterns, which cost far more than a substring test.
    """
    low = text.lower()
    return "not" in low or "n't" in low or "n\u2019t" in low or "never" in low


def _remove_negation(text: str) -> tuple[str, int]:
    """``text`` with negation removed from its main clause, and how many negations were removed."""
    lead = _LEADING_SUBORDINATE.match(text)
    prefix = text[: lead.end()] if lead else ""
    text = text[len(prefix):]
    brk = _NEGATION_SCOPE.search(text, 3)
    head, tail = (text[: brk.start()], text[brk.start():]) if brk else (text, "")
    flips = 0

    def do_not(m: re.Match[str]) -> str:
        nonlocal flips
        flips += 1
        aux, verb = m.group(1).lower(), m.group(2)
        if aux == "did":
            return _past(verb)
        if aux == "does":
            return _third_person(verb)
        return verb

    if _may_have_not(head):
        head = _DO_NOT.sub(do_not, head)

    def aux_not(m: re.Match[str]) -> str:
        nonlocal flips
        flips += 1
        word = next(g for g in m.groups() if g)
        return {"won": "will", "can": "can"}.get(word.lower(), word)

    if _may_have_not(head):
        head = _AUX_NOT.sub(aux_not, head)

    def no_one(m: re.Match[str]) -> str:
        nonlocal flips
        flips += 1
        w = m.group(1).lower()
        if w == "nor":
            return "or"  # "neither ... nor" is one negation
        word = {"no one": "someone", "nobody": "somebody", "nothing": "something", "none": "some",
                "no longer": "still", "neither": "either"}[w]
        return word.capitalize() if m.group(1)[:1].isupper() else word

    head = _NO_ONE.sub(no_one, head)

    def no_det(m: re.Match[str]) -> str:
        nonlocal flips
        flips += 1
        return ""

    head = _NO_DET.sub(no_det, head)

    def not_(m: re.Match[str]) -> str:
        nonlocal flips
        if _INSTRUCTION_BEFORE.search(m.string, 0, m.start()):
            return m.group(0)
        flips += 1
        return ""

    if _may_have_not(head):
        head = _NOT.sub(not_, head)
    return prefix + head + tail, flips


_ELLIPSIS_BRACKET = re.compile(r"\s*\[(?:\.\.\.|\u2026)\]\s*")  # "[...]": words left out of a quotation
_EDITORIAL_BRACKET = re.compile(r"\[([^\]]{1,40})\]")  # "[the minister]": words an editor put in
_SINGLE_QUOTE_MARK = re.compile(r"(?<![A-Za-z])['\u2018]|['\u2019](?![A-Za-z])")  # not an apostrophe
_WHITESPACE_RUN = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([,.;:!?])")  # used once whitespace runs are single spaces
_HONORIFIC_BEFORE_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Mx)\.?\s+(?=[A-Z])")
_LEADING_CONJUNCTION = re.compile(r"^(?:that|and|but|so)\s+", re.IGNORECASE)


def _clean_text(text: str) -> str:
    """Quotation marks and editorial brackets removed, spaces collapsed."""
    if "[" in text:  # the bracket patterns need one; most sentences have none
        text = _ELLIPSIS_BRACKET.sub(" ", text)
        text = _EDITORIAL_BRACKET.sub(r"\1", text)
    text = text.replace('"', "").replace("\u201c", "").replace("\u201d", "")
    if "'" in text or "\u2018" in text or "\u2019" in text:
        text = _SINGLE_QUOTE_MARK.sub("", text)
    text = " ".join(text.split())  # whitespace runs collapsed and the ends stripped (str.split and \s agree on whitespace)
    # a function, not the template r"\1": re parses a template in Python on every call
    text = _SPACE_BEFORE_PUNCTUATION.sub(lambda m: m.group(1), text)
    return text


def _cut_at_ellipsis(text: str) -> str:
    """``text`` up to its first "[...]" (all of it when there is none)."""
    return _ELLIPSIS_BRACKET.split(text, maxsplit=1)[0] if "[" in text else text


def _strip_honorifics(text: str) -> str:
    return _HONORIFIC_BEFORE_NAME.sub("", text)


def _finish(text: str) -> str:
    text = text.strip().strip(",;:-\u2014 ").strip()
    while text and text[-1] in ".!?,;:":
        text = text[:-1].rstrip()
    text = _LEADING_CONJUNCTION.sub("", text)
    if text[:1].islower():
        text = text[0].upper() + text[1:]
    return text


# ---------------------------------------------------------------- entities

_ENTITY = re.compile(
    r"(?:[A-Z][\w'\u2019.&-]*|al-[A-Z][\w-]*)(?:\s+(?:(?:of|the|de|del|dela|al|bin|ibn|van|von|der|for|and the)\s+)*"
    r"(?:[A-Z][\w'\u2019.&-]*|al-[A-Z][\w-]*))*"
)
_NOT_ENTITY = frozenset(
    """former retired late then acting interim the a an in on at it he she they we i this that these those there his her its their our my but and
    so yet however meanwhile after before during when while if as according officials some many most one
    two three four five six seven eight nine ten monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december yesterday
    today tomorrow last late early earlier later also both all no not for from by with to of what who
    why how where which initial several other another each every such despite following recently""".split()
)


def _entities(text: str, first_is_start: bool = True, known: dict[str, str] | None = None) -> tuple[str, ...]:
    """Capitalised names, places and organisations in ``text`` (honorifics and titles removed)."""
    out: list[str] = []
    lead = len(text) - len(text.lstrip("\"'\u201c "))
    for m in _ENTITY.finditer(text):
        words = m.group(0).split()
        if m.start() <= lead and first_is_start and len(words) == 1 and not (
            words[0][1:].lower() != words[0][1:] or (known and words[0] in known) or m.group(0).lower() in HONORIFICS
        ):
            continue  # a capital only because the sentence starts here
        while words and (words[0].lower().strip(".,") in _NOT_ENTITY or words[0].lower() in HONORIFICS):
            words = words[1:]
        while words and words[-1].lower() in ("of", "the", "for", "and", "de", "al", "bin"):
            words = words[:-1]
        if not words:
            continue
        low = [w.lower().strip(".,") for w in words]
        last_role = max((i for i, w in enumerate(low) if w in ROLE_WORDS), default=-1)
        if 0 <= last_role < len(words) - 1 and words[last_role + 1].lower() not in ("of", "for"):
            words = words[last_role + 1:]
        elif last_role == len(words) - 1:
            continue
        name = " ".join(words).rstrip(".,")
        if name.endswith("'s") or name.endswith("\u2019s"):
            name = name[:-2]
        if len(name) < 2 or name.lower() in _NOT_ENTITY or name in out:
            continue
        out.append(name)
    return tuple(out)


# ---------------------------------------------------------------- extraction

_PERSON_NAME = re.compile(
    r"\b([A-Z][^\W\d_]+)((?:\s+(?:(?:al|bin|ibn|de|dela|van|von)\s+)?[A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?){1,2})\b"
)


_NEXT_LOWER_WORD = re.compile(r"\s+([a-z]+)")


class _Context:
    """What is carried from sentence to sentence: the last speakers, known full names, last claims."""

    def __init__(self) -> None:
        self.last: Speaker | None = None
        self.last_person: Speaker | None = None
        self.last_org: Speaker | None = None
        self.surnames: dict[str, str] = {}
        self.claims: list[ClaimCandidate] = []
        self.speakers: list[Speaker] = []
        # people "he"/"she" may point to: (sentence, 1 for a speaker or 0 for a named subject, person)
        self.persons: list[tuple[int, int, Speaker]] = []
        self.genders: dict[str, str] = {}
        self.sentence_no = 0

    def recent_person(self, gender: str | None = None, *, skip_sentence: int = -1) -> Speaker | None:
        """The person "he"/"she" most likely points to.

        The latest person who spoke or was named as the subject of a clause (a speaker before a
        subject named in the same sentence), passing over anyone known to be of the other
        ``gender`` ("m"/"f") and anyone named as a subject in ``skip_sentence`` (the sentence of
        "..., he said": a pronoun does not point into its own claim).
        """
        ranked = sorted(
            (p for p in self.persons[-16:] if not (p[0] == skip_sentence and p[1] == 0)),
            key=lambda p: (p[0], p[1]), reverse=True,
        )
        for _, _, person in ranked:
            if gender is None or self.genders.get(person.name, gender) == gender:
                return person
        return ranked[0][2] if ranked else None

    def note(self, speaker: Speaker) -> None:
        self.speakers.append(speaker)
        self.last = speaker
        if speaker.kind is SpeakerKind.PERSON:
            self.last_person = speaker
            self.persons.append((self.sentence_no, 1, speaker))
            words = speaker.name.split()
            if len(words) >= 2 and words[0][:1].isupper():
                self.surnames.setdefault(words[-1], speaker.name)
        elif speaker.kind is SpeakerKind.ORGANISATION:
            self.last_org = speaker

    def mention(self, person: Speaker) -> None:
        """``person`` is named as the subject of a clause in the current sentence."""
        name = person.name
        if " " not in name and name in self.surnames:
            person = Speaker(self.surnames[name], person.role, person.kind)
        elif len(name.split()) >= 2:
            self.surnames.setdefault(name.split()[-1], name)
        self.persons.append((self.sentence_no, 0, person))

    def learn_gender(self, name: str, gender: str | None) -> None:
        if gender is not None:
            self.genders.setdefault(name, gender)

    def learn_names(self, text: str) -> None:
        self.sentence_no += 1
        for m in _PERSON_NAME.finditer(text):
            words = m.group(0).split()
            roles = [i for i, w in enumerate(words) if w.lower() in ROLE_WORDS]
            if roles:
                words = words[roles[-1] + 1:]  # "Prime Minister Johnson", "Crown Prince Omar": a title is no name
            while words and (words[0].lower() in _NOT_ENTITY or words[0].lower() in HONORIFICS):
                words = words[1:]
            if len(words) < 2 or words[-1].lower() in _NOT_ENTITY:
                continue
            nxt = _NEXT_LOWER_WORD.match(text[m.end():m.end() + 30])
            if nxt and (nxt.group(1) in ROLE_WORDS or nxt.group(1) in ("adviser", "aide", "ally", "supporter", "administration")):
                continue  # "Former Trump adviser Michael Flynn": the name is a modifier here
            self.surnames.setdefault(words[-1], " ".join(words))


_DOCUMENT_FROM = re.compile(
    r"^(?:(?:the|a|an|its|their|one|another|new|latest|joint|written|official)\s+){0,2}"
    r"(?:statement|report|letter|memo|study|survey|filing|ruling|opinion|summary|indictment|complaint|communiqu\u00e9"
    r"|communique|release|post|tweet|document)s?\s+(?:from|by|of|issued\s+by|released\s+by)\s+(\S.*)$",
    re.IGNORECASE,
)
_GENERIC_ORG = frozenset("agency website site newspaper paper organisation organization group church company ministry outlet broadcaster".split())


def _resolve(att: Attribution, ctx: _Context) -> Speaker | None:
    text = att.speaker_text.replace(BLANK, "").strip()
    low = text.lower()
    if low in ("he", "she", "him", "her"):
        own_claim_first = att.structure in ("trailing", "inverted")
        person = ctx.recent_person("m" if low in ("he", "him") else "f", skip_sentence=ctx.sentence_no if own_claim_first else -1)
        if person is not None:
            ctx.learn_gender(person.name, "m" if low in ("he", "him") else "f")
        return person or ctx.last
    if low in ("they", "it", "them"):
        return ctx.last_org or ctx.last
    if low in ("i", "my"):
        return ctx.last_person or ctx.last
    if low in ("we", "you", "our"):
        return ctx.last
    words = low.split()
    if len(words) == 2 and words[0] in ("the", "this") and words[1] in _GENERIC_ORG and ctx.last_org is not None:
        if words[1] in ctx.last_org.name.lower() or words[1] in ("agency", "website", "site", "newspaper", "outlet"):
            return ctx.last_org
    issuer = _DOCUMENT_FROM.match(text)
    if issuer is not None:  # "a statement from the health ministry": the ministry speaks
        return _resolve(replace(att, speaker_text=issuer.group(1), appositive=None), ctx)
    name, role = split_name_role(text, att.appositive)
    if not name or not any(ch.isalpha() for ch in name):
        return None
    if " " not in name and name in ctx.surnames and name[:1].isupper():
        name = ctx.surnames[name]
    if role is None and all(w.lower() in ROLE_WORDS for w in name.split()):
        # "the President insists": the last speaker who holds that office
        for sp in reversed(ctx.speakers):
            if sp.role and name.lower() in sp.role.lower():
                return sp
        return Speaker(name, None, SpeakerKind.PERSON)
    known = set(ctx.surnames.values()) | set(ctx.surnames)
    kind = speaker_kind(name, role, known)
    if kind is SpeakerKind.PERSON and _named_after_the(low, name, role, known):
        kind = SpeakerKind.ORGANISATION  # "the Guardian", "the Red Cross": nobody's name follows "the"
    return Speaker(name, role, kind)


def _named_after_the(low: str, name: str, role: str | None, known: set[str]) -> bool:
    """Whether the speaker phrase ``low`` (lower case) is "the" and then exactly ``name``, in capitals:
    an organisation or a place ("the Guardian", "the Red Cross", "the Vatican"), never a person."""
    words = name.split()
    return (
        low.startswith("the ")
        and low[4:].strip() == name.lower()
        and not role
        and (len(words) > 1 or name not in known)  # a surname may follow "the" in a headline style
        and words[0][:1].isupper()
        and all(w[:1].isupper() or w in ("of", "for", "and", "the") for w in words)
        and not any(w.lower() in ROLE_WORDS for w in words)
    )


def extract_claims(document: Document, *, include_opinions: bool = False) -> Extraction:
    """The claims stated in ``document``, in text order.

    Each candidate's ``text`` is ``document.text[start:end]``.  Opinions and exhortations are left
    out unless ``include_opinions``.  Never raises.
    """
    try:
        return Extraction(document=document, claims=tuple(_extract(document, include_opinions)))
    except Exception:  # pragma: no cover - a safety net: extraction must never fail an ingest
        return Extraction(document=document, claims=())


def extract(text: str, meta: SourceMeta | None = None, *, include_opinions: bool = False) -> Extraction:
    """:func:`parse_document` then :func:`extract_claims`.

    >>> ex = extract('"It was not correct to say that Mr Putin had rejected the plan," Kremlin spokesman Dmitry Peskov said.')
    >>> c = ex.claims[0]; (c.proposition, c.stance.value, c.speaker, c.speaker_role)
    ('Putin had rejected the plan', 'denies', 'Dmitry Peskov', 'Kremlin spokesman')
    """
    return extract_claims(parse_document(text, meta), include_opinions=include_opinions)


_TITLE_WORD = re.compile(r"[a-z0-9]+")
_FIRST_PERSON_START = re.compile(r"\s*(?:I|We|My|Our)\b")
_ALLEGATIONS_COLON = re.compile(r"\b(?:these|those|the)\s+(?:allegations|accusations|claims|reports)\s*:\s*\S")


def _norm_title(text: str) -> str:
    return " ".join(_TITLE_WORD.findall(text.lower()))


def _extract(document: Document, include_opinions: bool) -> list[ClaimCandidate]:
    text = document.text
    spans = split_sentences(text)
    title = _norm_title(document.meta.title) if document.meta.title else None
    ctx = _Context()
    out: list[ClaimCandidate] = []

    # Quote state, frames and attributions for every sentence first: quotations span sentences.
    infos: list[tuple[SentenceSpan, str, bool, bool, Attribution | None]] = []
    inside = False
    paragraph = -1
    for sp in spans:
        if sp.paragraph != paragraph:
            paragraph = sp.paragraph
            inside = False
        sentence = text[sp.start:sp.end]
        frame, inside_end = blank_quotes(sentence, inside)
        att = find_attribution(sentence, frame) if BLANK * len(frame) != frame else None
        infos.append((sp, frame, inside, inside_end, att))
        inside = inside_end

    # Quote groups: runs of sentences joined by an open quotation.
    group_att: list[Attribution | None] = [None] * len(infos)
    i = 0
    while i < len(infos):
        j = i
        while j + 1 < len(infos) and infos[j][3] and infos[j + 1][0].paragraph == infos[j][0].paragraph:
            j += 1
        found = next((infos[k][4] for k in range(i, j + 1) if infos[k][4] is not None), None)
        for k in range(i, j + 1):
            group_att[k] = found
        i = j + 1

    paragraph = -1
    para_speaker: Speaker | None = None
    prev_para_speaker: Speaker | None = None
    block_speaker: Speaker | None = None
    caption_blocks, caption_free = _caption_paragraphs(text, spans)
    for idx, (sp, frame, inside_start, inside_end, att) in enumerate(infos):
        if sp.paragraph != paragraph:
            paragraph = sp.paragraph
            prev_para_speaker = para_speaker or prev_para_speaker
            para_speaker = None
            block_speaker = None
        start, end = sp.start, sp.end
        sentence = text[start:end]
        ctx.learn_names(sentence)
        if sp.paragraph in caption_blocks:
            continue
        # markers and datelines are not part of the claim
        lm = _LIST_MARK.match(sentence)
        if lm and not sentence.lstrip().startswith("#"):
            start += lm.end()
        dm = _DATELINE_PREFIX.match(text, start, end)
        if dm and dm.end() < end - 10:
            start = dm.end()
        sentence = text[start:end]
        frame = frame[start - sp.start:]
        # a one-sentence paragraph _caption_paragraphs found no caption in: its sentence has none either
        caption_checked = start == sp.start and sp.paragraph in caption_free
        if not _is_claim_shaped(sentence, sp, title, caption_checked=caption_checked):
            continue
        subject = named_subject(frame)
        if subject is not None:
            ctx.mention(subject)
        quoted = BLANK in frame
        starts_quoted = frame.lstrip()[:1] == BLANK
        speaker: Speaker | None = None
        use_att = att
        if use_att is None and (quoted and (starts_quoted or inside_start)):
            use_att = group_att[idx]
        if use_att is not None:
            speaker = _resolve(use_att, ctx)
        elif starts_quoted or inside_start:
            first_of_para = idx == 0 or infos[idx - 1][0].paragraph != sp.paragraph
            speaker = para_speaker or (prev_para_speaker if first_of_para or inside_start else None) or ctx.last
        elif block_speaker is not None:
            speaker = block_speaker
        elif _FIRST_PERSON_START.match(frame):
            speaker = ctx.last_person or ctx.last
        if speaker is not None:
            ctx.note(speaker)
            para_speaker = speaker
            if att is not None and speaker.kind is SpeakerKind.PERSON:
                ctx.learn_gender(speaker.name, _speaker_gender(att, infos[idx][1], speaker))
        if att is not None and att.content is not None and att.structure in ("subject", "participle"):
            reported = named_subject(infos[idx][1], att.content[0])  # "PBS revealed that Omar bin Said had ..."
            if reported is not None and (speaker is None or reported.name != speaker.name):
                ctx.mention(reported)
        if att is not None and _ALLEGATIONS_COLON.search(frame):
            block_speaker = speaker
        cand = _candidate(text, start, end, sentence, frame, att, speaker, ctx)
        if cand is None:
            continue
        if cand.is_opinion and not include_opinions:
            continue
        ctx.claims.append(cand)
        out.append(cand)
    return out


_SUBJECT_PRONOUN_AFTER_FRAME = re.compile(r"\s*,?\s*(?:that\s+)?(he|she)\b", re.IGNORECASE)


def _speaker_gender(att: Attribution, frame: str, speaker: Speaker) -> str | None:
    """The speaker's gender when the frame shows it: "Mr", "spokeswoman", or "X said she ..." (her own claim)."""
    cue = gender_cue(att.speaker_text, att.appositive, speaker.role)
    if cue is None and att.content is not None and att.structure in ("subject", "participle"):
        m = _SUBJECT_PRONOUN_AFTER_FRAME.match(frame[att.content[0]:att.content[0] + 20])
        if m:
            cue = "m" if m.group(1).lower() == "he" else "f"
    return cue


def _caption_paragraphs(text: str, spans: list[SentenceSpan]) -> tuple[set[int], set[int]]:
    """Paragraphs (or stand-alone lines) that are captions or photo credits, and the one-sentence
    paragraphs checked and found not to be (their sentence needs no second look for a credit)."""
    by_para: dict[int, list[SentenceSpan]] = {}
    for sp in spans:
        by_para.setdefault(sp.paragraph, []).append(sp)
    captions: set[int] = set()
    caption_free: set[int] = set()
    for para, sps in by_para.items():
        block = text[sps[0].start:sps[-1].end]
        if len(block) < 300:
            if _CAPTION.search(block):
                captions.add(para)  # a short block with a credit or an image is a caption, all of it
            elif len(sps) == 1:
                caption_free.add(para)
    return captions, caption_free


_LOWER_LETTER = re.compile(r"[a-z]")


def _is_claim_shaped(sentence: str, sp: SentenceSpan, title: str | None, *, caption_checked: bool = False) -> bool:
    """Whether ``sentence`` can state a claim; ``caption_checked``: _CAPTION is known not to match it
    (a match in the stripped sentence would be one in the sentence)."""
    stripped = sentence.strip()
    if not stripped or stripped.startswith("#"):
        return False
    words = _WORDS.findall(stripped)
    if len(words) < 4:
        return False
    if sp.line and stripped[-1] not in ".!?\"'\u201d\u2019)":
        return False
    if len(stripped) < 400 and not caption_checked and _CAPTION.search(stripped):
        return False
    if _BYLINE.match(stripped) or _BOILERPLATE.match(stripped) or _DATE_ONLY.match(stripped):
        return False
    if title and _norm_title(stripped) == title:
        return False
    # a question, unless a declarative frame quotes it
    tail = stripped.rstrip("\"'\u201d\u2019) ")
    if tail.endswith("?"):
        q = stripped.find('"')
        if q < 0:
            q = stripped.find("\u201c")
        if q <= 0 or not _LOWER_LETTER.search(stripped[:q]):
            return False
    return True


_PERFECT_AUX_BEFORE = re.compile(r"\b(?:has|have)\s+(?:\w+ly\s+)?$")
_ALLEGATIONS_THEN_COLON = re.compile(
    r"^(?:the|these|those|all|such)\s+(?:\w+\s+)?(?:allegations|accusations|claims|reports|charges)\s*:\s*(.+)$", re.IGNORECASE
)
_AS_TAIL = re.compile(r"\s+as\s+.*$")
_SUGGESTION_THAT_CLAUSE = re.compile(r"^(?:any|the)\s+suggestions?\s+that\s+(.+)$", re.IGNORECASE)
_URGED_TO = re.compile(r"^(.{2,80}?)\s+to\s+(\w+)(.*)$")
_GERUND_START = re.compile(r"^(?:ever\s+)?([a-z]+ing)\b(.*)$")
_IF_CLAUSE = re.compile(r"\bif\b[^,]{3,60},", re.IGNORECASE)


def _candidate(
    text: str, start: int, end: int, sentence: str, frame: str, own: Attribution | None,
    speaker: Speaker | None, ctx: _Context,
) -> ClaimCandidate | None:
    """The claim stated by one sentence: ``own`` is the sentence's own reporting frame, if any."""
    content = unattributed = _content(sentence, frame, own)
    cut = _SECOND_FRAME.search(content)
    if cut and own is not None and own.structure != "participle":
        content = content[: cut.start()]
    if own is not None and own.content is not None and own.structure in ("subject", "participle", "relative") and not (
        own.negative or own.verb in ("accused", "accuses", "accusing", "urged", "urges", "told", "tells", "telling")
    ) and own.verb in _EVENT_VERBS and not _is_clause(content):
        content = sentence  # "The minister confirmed the plan": an event with an object, not reported speech
    toll = _TOLL.match(content) if own is not None and own.verb in _TOLL_VERBS else None
    if toll:  # "X has placed the death toll at 300" -> "The death toll is 300"
        present = own.verb.endswith("s") or _PERFECT_AUX_BEFORE.search(frame[: own.verb_end - len(own.verb)])
        content = f"The {toll.group(1)} {'is' if present else 'was'} {toll.group(2)}"
    if own is not None and own.structure in ("subject", "trailing", "according", "participle") and ";" in content:
        content = content.split(";", 1)[0]  # a second independent clause is the outlet's
    flips = 1 if own is not None and own.negated else 0  # "did not deny": the denial itself is negated
    hedge_cue: str | None = None
    negative_frame = own is not None and own.negative
    content = content.strip()
    # "X denied these allegations: She was never forced" - the colon statement is X's own words
    colon = _ALLEGATIONS_THEN_COLON.match(content)
    if colon and negative_frame:
        content = colon.group(1)
        negative_frame = False
    if negative_frame:
        flips += 1
        m = _SUGGESTION_THAT.match(content.rstrip(" .;:!\"'\u201d"))
        if m:
            if m.group(1):
                content = m.group(1)
            else:
                content = _AS_TAIL.sub("", content)
                previous = next((c for c in reversed(ctx.claims) if c.speaker and (speaker is None or c.speaker != speaker.name)), None)
                if previous is not None:
                    content = previous.proposition
                    if previous.stance is Stance.DENIES:
                        flips += 1
    content = _cut_at_ellipsis(content) or content
    content = _clean_text(content)
    content = _strip_honorifics(content)
    for pattern in (_EMBEDDED_DENIAL,):
        m = pattern.match(content)
        if m:
            content = m.group(1)
            flips += 1
    m = _NO_EVIDENCE.match(content)
    if m and len(m.group(1).split()) >= 2:
        content = m.group(1)
        flips += 1
        hedge_cue = "no evidence"
    m = _LYING.match(content)
    if m:
        content = m.group(1)
        flips += 1
    m = _SUGGESTION_THAT_CLAUSE.match(content)
    if m:
        content = m.group(1)
    if own is not None and own.verb in ("accused", "accuses", "accusing"):
        m = _ACCUSED_OF.match(content)
        if m:
            content = f"{m.group(1)} {_past_from_gerund(m.group(2))}{m.group(3)}"
    elif own is not None and own.verb in ("urged", "urges", "called"):
        m = _URGED_TO.match(content)
        if m and own.verb != "called":
            content = f"{m.group(1)} should {m.group(2)}{m.group(3)}"
    if speaker is not None and own is not None and own.structure in ("subject", "participle"):
        pm = _PRONOUN_SUBJECT.match(content)
        pronoun = pm.group(1).lower() if pm else ""
        if pm and (speaker.kind is SpeakerKind.PERSON if pronoun in ("he", "she") else
                   speaker.kind is SpeakerKind.ORGANISATION if pronoun == "it" else speaker.kind is not SpeakerKind.PERSON) \
                and _gender_agrees(pronoun, speaker, ctx) and not _EXPLETIVE_IT.match(content):
            content = _speaker_as_subject(own, speaker) + content[pm.end(1):]
    if speaker is not None and own is not None and own.structure in ("subject", "participle"):
        # not "Its wind speeds reached 185 mph, according to the hurricane center": there "its" is the storm's
        pm = _POSSESSIVE_START.match(content)
        pronoun = pm.group(1).lower() if pm else ""
        owner = _speaker_as_subject(own, speaker) if pm else ""
        if pm and not _PREPOSITION_INSIDE.search(owner) and (
            # "his"/"her" only for a person whose gender the article showed ("Mr", "spokeswoman", "she said")
            (pronoun in ("his", "her") and speaker.kind is SpeakerKind.PERSON and speaker.name in ctx.genders
             and _gender_agrees(pronoun, speaker, ctx))
            or (pronoun == "its" and speaker.kind is SpeakerKind.ORGANISATION)
            or (pronoun == "their" and speaker.kind is not SpeakerKind.PERSON and owner.endswith("s"))
        ):
            # "The company says its engineers found ..." -> "The company's engineers found ..."
            content = owner + ("'" if owner.endswith("s") else "'s") + content[pm.end(1):]
    if own is not None and own.negative and speaker is not None:
        gm = _GERUND_START.match(content)
        if gm:  # "Moscow denied targeting civilians" -> "Moscow targeted civilians"
            written = own.speaker_text.replace(BLANK, "").strip()
            content = f"{written if written.lower() not in ('he', 'she', 'it', 'they') else speaker.name} {_past_from_gerund(gm.group(1))}{gm.group(2)}"
    bm = _BELIEVE.match(content)
    if bm:  # "they believe gas was the trigger": the belief is a hedge on what follows
        content = bm.group(2)
        hedge_cue = hedge_cue or bm.group(1).lower()
    if _may_have_hedge_adverb(content):
        content = _HEDGE_ADVERBS.sub("", content)
    content, neg = _remove_negation(content)
    flips += neg
    single_spaced = _WHITESPACE_RUN.sub(" ", content)
    entities = _entities(single_spaced, first_is_start=sentence.lstrip("\"'\u201c ").startswith(content.strip()[:12]), known=ctx.surnames)
    proposition = _finish(single_spaced)
    if len(_WORDS.findall(proposition)) < 2:
        proposition = _finish(_clean_text(_strip_honorifics(sentence)))
    stance = Stance.DENIES if flips % 2 else Stance.AFFIRMS
    if hedge_cue is None:
        hm = _HEDGES.search(sentence)
        if hm:
            hedge_cue = hm.group(1).lower()
            if hedge_cue == "if" and not _IF_CLAUSE.search(sentence) and "if provoked" not in sentence.lower():
                hedge_cue = None
    opinion_region = _cut_at_ellipsis(_clean_text(unattributed))
    is_opinion = bool(_OPINION.search(_main_clause(opinion_region))) or sentence.rstrip("\"'\u201d\u2019 ").endswith("!")
    return ClaimCandidate(
        text=text[start:end],
        start=start,
        end=end,
        proposition=proposition,
        stance=stance,
        speaker=speaker.name if speaker else None,
        speaker_role=speaker.role if speaker else None,
        speaker_kind=speaker.kind if speaker else SpeakerKind.UNKNOWN,
        hedged=hedge_cue is not None,
        hedge_cue=hedge_cue,
        quantities=find_quantities(sentence),
        entities=entities,
        is_opinion=is_opinion,
    )


# "It is concluded that ...", "It was clear that ...": an "it" that stands for nobody
_EXPLETIVE_IT = re.compile(r"it\s+(?:is|was|has\s+been|had\s+been)\s+(?:not\s+)?\w+\s+(?:that|to|whether)\b", re.IGNORECASE)
_PREPOSITION_INSIDE = re.compile(r"\s(?:of|in|at|from|for|on|with)\s", re.IGNORECASE)
_POSSESSIVE_START = re.compile(r"^(his|her|its|their)\s+(?=[a-z])", re.IGNORECASE)


def _gender_agrees(pronoun: str, speaker: Speaker, ctx: _Context) -> bool:
    """False when ``pronoun`` is "he"/"his" or "she"/"her" and the speaker is known to be of the other gender."""
    wanted = {"he": "m", "his": "m", "she": "f", "her": "f"}.get(pronoun)
    known = ctx.genders.get(speaker.name)
    return wanted is None or known is None or known == wanted


def _speaker_as_subject(own: Attribution, speaker: Speaker) -> str:
    """The speaker as the subject of their own reported clause: a person by name, anyone else as
    written ("the ministry", "Officials")."""
    written = own.speaker_text.replace(BLANK, "").replace("( ", "(").replace(" )", ")").strip()
    if written.lower() in ("he", "she", "it", "they") or speaker.kind is SpeakerKind.PERSON:
        return speaker.name
    return written


_TOLL_VERBS = frozenset("placed places put puts estimated estimates".split())
_TOLL = re.compile(
    r"^\s*(?:the|its|their)\s+((?:[\w-]+\s+){0,3}?(?:toll|count|tally|figure|total|number\s+of\s+[\w-]+))\s+(?:at\s+)?(.+)$",
    re.IGNORECASE | re.DOTALL,
)
_BELIEVE = re.compile(r"^(?:they|he|she|it|we|i)\s+(believes?|think|thinks|suspects?)\s+(?:that\s+)?(.{8,})$", re.IGNORECASE)
_EVENT_VERBS = frozenset(
    """announced announces confirmed confirms revealed reveals reported reports declared declares promised promises
    described describes called calls defended defends criticised criticized condemned blamed demanded cited quoted
    acknowledged acknowledges admitted admits agreed agrees predicted pledged vowed threatened threatens conceded
    concluded disclosed mentioned stressed emphasised emphasized reiterated repeated recalled continued continues
    added adds noted notes stated states spoke speaking tweeted commented comments""".split()
)
_SECOND_FRAME = re.compile(r",\s+(?:saying|adding|noting|claiming|explaining|arguing|insisting|warning)\b")
_FINITE = frozenset(
    """is are was were has have had will would could can may might must should did does do been be being 's
    found said told took made hit lost left won saw gave came went held led sent fled shot struck fell rose began
    killed died""".split()
)
_CLAUSE_STOP = frozenset("which who whose where whom to so because after when while as if since until".split())


_LEADING_ADVERBIAL = re.compile(r"^\s*(?:that\s+)?(?:in|on|at|by|since|after|before|during|last|earlier|later)\b[^,;\u2592]{1,40},\s*")


_CLAUSE_TOKEN = re.compile(r"\d[\d,.]*\d|[\w'\u2019]+|[,;:\u2592\"\u201c]")


def _is_clause(content: str) -> bool:
    """Whether what follows a reporting verb is a clause ("the plan was dropped") rather than an object ("the plan")."""
    content = _LEADING_ADVERBIAL.sub("", content, count=1)
    words = _CLAUSE_TOKEN.findall(content[:200])
    if not words:
        return False
    if words[0].lower() in ("that", '"', "\u201c", ":") or content.lstrip()[:1] in ('"', "\u201c", ":"):
        return True
    for i, w in enumerate(words[:10]):
        low = w.lower()
        if low in _CLAUSE_STOP or w in (",", ";", ":"):
            return False
        if i >= 1 and (low in _FINITE or (low.endswith("ed") and len(low) > 4) or low.endswith("n't")):
            return True
    return False


def _main_clause(text: str) -> str:
    brk = _CLAUSE_BREAK.search(text, 3)
    return text[: brk.start()] if brk else text


_BLANKED_RUN = re.compile(r"\u2592+")
_TOLD_OBJECT = re.compile(
    r"\s*(?:the\s+)?(?:reporters|journalists|press|media|state media|lawmakers|the newspaper|"
    r"(?:a|an|the)\s+(?:[\w-]+\s+){0,2}(?:conference|briefing|meeting|audience|crowd|rally|hearing|committee|"
    r"court|panel|summit|session|gathering|newspaper|broadcaster|channel|station|agency|radio|television)|"
    r"(?:[A-Z][\w.'&-]*(?:\s+[A-Z][\w.'&-]*)*))\b"
)
_LEADING_TIME_OR_THAT = re.compile(
    r"^\s*,?\s*(?:on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(?:night|morning|evening|afternoon))?"
    r"|yesterday(?:\s+(?:night|morning|evening|afternoon))?|today|last\s+\w+|on\s+Twitter|in\s+a\s+statement"
    r"|in\s+an\s+interview|by\s+(?:tele)?phone|by\s+e-?mail|in\s+a\s+(?:tele)?phone\s+(?:call|interview)|on\s+(?:television|TV|radio)"
    r"|(?:in|at)\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*(?=\s*,?\s*(?:on\s+\w+day\s*,?\s*)?that\b)"
    r"|earlier|later|that|subsequently|also|then|further|repeatedly|strongly)\b\s*,?"
)
_LEADING_COMMA_OR_COLON = re.compile(r"^\s*[,:]\s*")
_INTRO_BEFORE_QUOTE = re.compile(r"^[^\"\u201c:,]{0,60}[:,]\s*(?=[\"\u201c])")


def _content(sentence: str, frame: str, att: Attribution | None) -> str:
    """The part of the sentence that states the claim (attribution left out)."""
    if att is None:
        return sentence
    if att.remove is not None:
        a, b = att.remove
        if a == 0:
            return sentence[b:]
        return (sentence[:a] + " " + sentence[b:]).strip()
    if att.content is None:
        # the claim is what is quoted
        parts = _BLANKED_RUN.findall(frame)
        if parts:
            pieces = []
            for m in _BLANKED_RUN.finditer(frame):
                pieces.append(sentence[m.start():m.end()])
            joined = " ".join(pieces)
            if len(_WORDS.findall(joined)) >= 3:
                return joined
        if att.structure == "inverted" and not parts:
            # "Forty people died in the blast, said the ministry.": the claim is what comes before
            before = sentence[: att.verb_end - len(att.verb)].rstrip().rstrip(",;").rstrip()
            if len(_WORDS.findall(before)) >= 3:
                return before
        return sentence
    s, e = att.content
    body = sentence[s:e]
    if att.structure in ("subject", "participle", "relative"):
        # skip the object of "told", time adverbials and "that"
        if att.verb in ("told", "tells", "tell", "telling"):
            m = _TOLD_OBJECT.match(body)
            if m:
                body = body[m.end():]
        prev = None
        while prev != body:
            prev = body
            body = _LEADING_TIME_OR_THAT.sub("", body)
        body = _LEADING_COMMA_OR_COLON.sub("", body)
        # "said at a press conference: "..."": the quotation is the claim
        m = _INTRO_BEFORE_QUOTE.match(body)
        if m:
            body = body[m.end():]
    return body
