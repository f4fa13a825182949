"""Numbers stated in a sentence, as :class:`~factdb.models.Quantity` values.

Policy (what matching can rely on):

* Digits ("1,000", "4.1", "5.7 million"), number words ("fourteen", "twenty-one", "a million",
  "three-and-a-half million"), percentages ("85%", "five percent" -> unit ``"%"``), money
  ("$3 million" -> 3e6 ``"USD"``, "one million rubles" -> 1e6 ``"RUB"``) and measures
  ("two miles" -> unit ``"mi"``, "185 mph") are quantities.
* Years (a bare 1800-2100 not followed by a plural noun), dates ("August 10", "October 2 2018"),
  clock times ("7:45 p.m.", "6am", "0100 UTC"), ordinals, model numbers ("737-800") and labels
  ("Category 5", "No. 5") are NOT quantities: matching must never compare "in 2019" as a count.
  ``find_quantities(..., years=True)`` and :func:`find_years` read the years apart (unitless):
  normalization keeps them, because another year is another event.
* Digits run together with letters ("5G", "10cc", "7Up", "4chan", the "1990s") are not quantities,
  except a unit ("3km"), money with a scale letter ("$8B", "$5m", "270k") and a multiple ("13x").
  A scale word is a whole word ("a billion", not "a billionaire"); "scores" counts only in
  "scores of".
* Vague plurals take the lower bound of "two X": "dozens" -> 24, "hundreds" -> 200,
  "thousands" -> 2000, "hundreds of millions" -> 2e8; they are ``approximate``.
* A range ("between 36 and 40", "from 45% to 60%", "ten to 32 pages") gives two quantities, low
  and high, both ``approximate`` and sharing the unit and what is counted.
* ``approximate`` is also set after "about", "around", "some", "nearly", "at least", "over",
  "more than", "up to", "an estimated" ... and before "or more".
* ``counted`` is the noun that follows ("36 shells", "killing two people" -> "people"); when the
  number stands alone before a casualty predicate ("39 are confirmed dead", "190 were dead",
  "killing 107 or more") it is ``"dead"`` or ``"injured"``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from factdb.models import Quantity

__all__ = ["find_quantities", "find_years"]

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "bn": 1e9, "b": 1e9, "t": 1e12, "m": 1e6, "k": 1e3}
_VAGUE = {"dozens": 24.0, "hundreds": 200.0, "thousands": 2000.0, "millions": 2e6, "billions": 2e9,
          "scores": 40.0, "tens": 20.0}
_CURRENCY_SYMBOL = {"$": "USD", "us$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "₽": "RUB"}
_CURRENCY_WORD = {
    "dollar": "USD", "dollars": "USD", "ruble": "RUB", "rubles": "RUB", "rouble": "RUB", "roubles": "RUB",
    "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP", "yuan": "CNY", "rupee": "INR",
    "rupees": "INR", "yen": "JPY", "riyal": "SAR", "riyals": "SAR", "hryvnia": "UAH", "rials": "IRR",
}
_MEASURE = {
    "%": "%", "percent": "%", "per cent": "%", "percentage points": "pp",
    "km": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km",
    "mile": "mi", "miles": "mi", "mph": "mph", "km/h": "km/h", "kph": "km/h",
    "m": "m", "metres": "m", "meters": "m", "metre": "m", "meter": "m", "feet": "ft", "ft": "ft",
    "kg": "kg", "kilograms": "kg", "tonnes": "t", "tons": "t", "hour": "h", "hours": "h",
    "day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
    "year": "year", "years": "year", "minutes": "min", "seconds": "s",
}
_MONTHS = ("january february march april may june july august september october november december "
           "jan feb mar apr jun jul aug sep sept oct nov dec").split()
_MONTHS_SET = frozenset(_MONTHS)

_WORD_NUM = (r"(?:(?:" + "|".join(sorted(_TENS_WORDS, key=len, reverse=True)) + r")(?:-(?:"
             + "|".join(sorted((w for w in _UNITS_WORDS if _UNITS_WORDS[w] < 10 and w != "zero"), key=len, reverse=True))
             + r"))?|" + "|".join(sorted(_UNITS_WORDS, key=len, reverse=True)) + r"|a|an)")
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:hundred|thousand|million|billion|trillion|bn)"

# One number phrase: optional currency, a digit or word number (with "and-a-half"), optional scales.
# The lookahead is a quick check of how a number phrase can start (a digit, or a word beginning with
# a letter that starts a number word, after an optional currency and space): it lets the search
# skip most positions without trying each alternative.  Keep it in step with the alternatives
# (tests/test_extract.py compares the pattern with and without it).
_NUMBER_START = r"(?=(?:US\$|[$£€¥₹₽])?\s?(?:\d|\b[abdefhmnostz]))"
_NUMBER = re.compile(
    _NUMBER_START
    + r"(?P<cur>US\$|\$|£|€|¥|₹|₽)?\s?"
    r"(?:(?P<dig>" + _DIGITS + r")(?:(?P<suffix>bn|b|t|m|k)(?![a-z]))?(?![\w,]*\d)"
    r"|(?P<dozen>\ba dozen\b)"
    r"|(?P<word>\b" + _WORD_NUM + r"\b)(?P<half>-and-a-half| and a half)?"
    r"|(?P<vague>\b(?:dozens|hundreds|thousands|millions|billions|scores(?=\s+of\b))\b))"
    r"(?P<scale>(?:[\s-]+(?:" + _SCALE + r")s?\b)*(?:\s+of\s+(?:millions|thousands|billions))?)"
    r"(?P<pct>\s?%)?",
    re.IGNORECASE,
)
# What a number phrase needs besides "a" or "an" (which _quantity_at drops unless a scale word
# follows): a digit, or one of these words (plurals and "twenty-one" contain them).  _read skips
# _NUMBER when a sentence has none; a substring test is far quicker than the pattern.
_NUMBER_WORDS = (*_UNITS_WORDS, *_TENS_WORDS, "dozen", "scores", "hundred", "thousand", "million", "billion", "trillion", "bn")
_DIGIT_CHARS = "0123456789"
# Typographic marks, none of them a letter or a digit in any case: a sentence that is ASCII once
# they are gone has no "\u017fix" (long s) or Arabic-Indic digit that _NUMBER would read as a number.
_NOT_LETTERS = str.maketrans("", "", "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00a0\u00a3\u20ac\u00a5\u20b9\u20bd\u00a9")
_TIME_AFTER = re.compile(r"\s?(?::\d{2}|(?:a\.?m\.?|p\.?m\.?|am|pm)\b|\s?(?:UTC|GMT|hrs)\b)", re.IGNORECASE)
_APPROX_BEFORE = re.compile(
    r"(?:about|around|approximately|roughly|some|nearly|almost|over|more than|at least|up to|"
    r"an estimated|estimated|upwards of|fewer than|less than|close to|under|just over|just under|"
    r"in excess of|as many as|as much as|presumably|reportedly|exceeded|exceed|exceeds)\s+$",
    re.IGNORECASE,
)
_APPROX_AFTER = re.compile(r"\s*(?:\+|or more|or so|-plus|plus)\b", re.IGNORECASE)
_RANGE_BETWEEN = re.compile(r"\b(?:between|from)\s+$", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"\s*(?:to|and|-|–|—)\s*$", re.IGNORECASE)
_NEXT_WORDS = re.compile(r"[\s-]*([A-Za-z](?:[A-Za-z'’.-]*[A-Za-z])?)(?:(?<=[A-Z])\.)?")
_LABEL_BEFORE = re.compile(
    r"\b(?:category|no\.?|number|flight|article|section|chapter|route|level|class|grade|phase|"
    r"boeing|airbus|posts?|room|page|gate|highway|resolution|paragraph|team|version|model)\s+$",
    re.IGNORECASE,
)
_SKIP_COUNTED = frozenset(
    """of the a an and or to in on at from for by with per as than who which that were are was is
    have has had be been will would could may might more most other others each all some about
    over under nearly those these their its his her our my only just people's confirmed""".split()
)
_CASUALTY = {
    "dead": "dead", "died": "dead", "killed": "dead", "deaths": "dead", "fatalities": "dead",
    "wounded": "injured", "injured": "injured", "hurt": "injured", "missing": "missing",
    "arrested": "arrested",
}
_CASUALTY_VERB_BEFORE = re.compile(r"\b(killing|killed|wounding|wounded|injuring|injured)\s+(?:at least\s+|over\s+|more than\s+|some\s+)?$", re.IGNORECASE)
_TIMES_AFTER = re.compile(r"(?:x|yrs?)\b", re.IGNORECASE)  # "13x less deadly", "in 51yrs"
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b")
_FOLLOW_AGE = re.compile(r"-(?:year|month|week|day)s?-old\b|\s+(?:years?|months?)\s+old\b", re.IGNORECASE)
_SCALE_WORD = re.compile(r"hundred|thousand|million|billion|trillion|bn")
_NAME_COMMA_BEFORE = re.compile(r"[A-Z][\w'-]+,\s*$")  # "Maria Ivanova, 45": a name before an age
_COMMA_NEXT = re.compile(r"\s*,")
_OF_NOUN_AFTER = re.compile(r"\s+of\s+([a-z]+)")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+$")
_YEAR_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|since|of|from|by|until|till|before|after|year|the|early|late|mid|during|"
    r"between|and|to|around|circa|c\.)\s+$"
)
_CLOCK_ZONE_AFTER = re.compile(r"\s*(?:UTC|GMT|hours|hrs)\b")


def _word_value(word: str) -> float | None:
    w = word.lower()
    if w in ("a", "an"):
        return 1.0
    if w in _UNITS_WORDS:
        return float(_UNITS_WORDS[w])
    if "-" in w:
        tens, _, unit = w.partition("-")
        if tens in _TENS_WORDS and unit in _UNITS_WORDS:
            return float(_TENS_WORDS[tens] + _UNITS_WORDS[unit])
    if w in _TENS_WORDS:
        return float(_TENS_WORDS[w])
    return None


def find_quantities(sentence: str, *, years: bool = False) -> tuple[Quantity, ...]:
    """The quantities stated in ``sentence`` (offsets are into ``sentence``), in order.

    ``years=True`` also returns bare years ("in 2016", "October 2019", "the 2020 election"; not
    decades, dates, times or ages) as unitless quantities: not figures to compare, but what tells
    one event from another (see :func:`find_years`).

    >>> [(q.value, q.counted) for q in find_quantities("Officials said 111 drones hit, killing two people.")]
    [(111.0, 'drones'), (2.0, 'people')]
    >>> [q.text for q in find_quantities("Trump won 20 electoral votes in 2016", years=True)]
    ['20', '2016']
    """
    return tuple(q for q, _ in _read(sentence, years=years))


def find_years(sentence: str) -> tuple[Quantity, ...]:
    """The bare years of ``sentence``, which :func:`find_quantities` leaves out by default.

    >>> [q.value for q in find_years("Unemployment fell to 4.1 percent in October 2019")]
    [2019.0]
    """
    return tuple(q for q, is_year in _read(sentence, years=True) if is_year)


def _may_have_number(sentence: str, lower: str) -> bool:
    """Whether _NUMBER can find a quantity or a year in ``sentence`` (``lower`` is it lowercased)."""
    if not sentence.isascii() and not sentence.translate(_NOT_LETTERS).isascii():
        return True  # re.IGNORECASE and \d read some other characters as letters or digits
    return any(d in sentence for d in _DIGIT_CHARS) or any(w in lower for w in _NUMBER_WORDS)


def _read(sentence: str, *, years: bool) -> list[tuple[Quantity, bool]]:
    """Every quantity of ``sentence`` in order, with whether it is a year (only when ``years``)."""
    figures: list[Quantity] = []
    found_years: list[Quantity] = []
    lower = sentence.lower()
    if not _may_have_number(sentence, lower):
        return []
    for m in _NUMBER.finditer(sentence):
        q = _quantity_at(sentence, lower, m, years=years)
        if q is not None:
            (found_years if q.unit == _YEAR else figures).append(q)
    read = [(q, False) for q in _mark_ranges(sentence, figures)]
    read += [(replace(q, unit=None), True) for q in found_years]
    return sorted(read, key=lambda pair: pair[0].start)


_YEAR = "\x00year"  # the unit a year carries between _quantity_at and _read, which gives it back as None


def _quantity_at(sentence: str, lower: str, m: re.Match[str], *, years: bool = False) -> Quantity | None:
    start, end = m.start(), m.end()
    if m.group("cur") is None:
        while start < end and sentence[start].isspace():
            start += 1
    approximate = False
    dig, word, vague = m.group("dig"), m.group("word"), m.group("vague")
    scale_text = (m.group("scale") or "").lower()
    if dig is not None:
        if start > 0 and (sentence[start - 1].isalnum() or sentence[start - 1] in "-:/."):
            if not (sentence[start - 1] == "-" and start > 1 and sentence[start - 2].isspace()):
                return None  # part of a code, a time or an identifier ("737-800", "4:00", "F-16")
        tail = sentence[m.end("dig"):m.end("dig") + 8]
        if _TIME_AFTER.match(tail) and not m.group("suffix"):
            return None
        if _ORDINAL_AFTER.match(tail):
            return None
        if tail.startswith("-") and tail[1:2].isdigit():
            return None
        rest = sentence[m.end("suffix") if m.group("suffix") else m.end("dig"):]
        if rest[:1].isalpha() and not _UNIT_RE.match(rest) and not _TIMES_AFTER.match(rest):
            return None  # "5G", "10cc", "4chan", "7up", the "1990s": a name or a decade, not a figure
        value = float(dig.replace(",", ""))
        suffix = (m.group("suffix") or "").lower()
        if suffix:
            if suffix in ("m", "b", "t") and not (m.group("cur")):
                return None  # "5m" is more likely metres, "3D" or "5B" a name; "$5m", "$8B" are money
            value *= _SCALES[suffix]
    elif word is not None:
        w = word.lower()
        if w in ("a", "an") and not scale_text.strip():
            return None
        if w == "one" and not scale_text.strip():
            # "one of the", "one another", "no one": only a count before a noun or unit
            nxt = _NEXT_WORDS.match(sentence, m.end())
            if nxt is None or nxt.group(1).lower() in ("of", "another", "day", "side", "who", "which", "that", "such"):
                return None
            before = lower[max(0, start - 4):start]
            if before.endswith("no ") or before.endswith("any "):
                return None
        value = _word_value(word) or 0.0
        if m.group("half"):
            value += 0.5
    elif vague is not None:
        value = _VAGUE[vague.lower()]
        approximate = True
    else:
        value = 12.0
    scale_head, _, scale_of = scale_text.partition(" of ")
    for scale in _SCALE_WORD.findall(scale_head):
        value *= _SCALES[scale]
    if scale_of.strip():
        value *= _VAGUE[scale_of.strip()] / 2
    if dig is not None and not scale_text.strip() and not m.group("pct") and not m.group("cur"):
        if _is_date_or_year(sentence, lower, m.start("dig"), m.end("dig"), value):
            if years and _is_year_reading(sentence, lower, dig, value, start, end):
                return Quantity(value=value, text=dig, unit=_YEAR, start=start, end=m.end("dig"))
            return None
    if _LABEL_BEFORE.search(lower[max(0, start - 20):start]):
        return None
    if _FOLLOW_AGE.match(sentence, end):
        return None
    if dig is not None and _NAME_COMMA_BEFORE.search(sentence[max(0, start - 30):start]) and _COMMA_NEXT.match(sentence[end:]) and value < 120:
        return None  # "Maria Ivanova, 45, said": an age
    before = sentence[max(0, start - 40):start]
    if _APPROX_BEFORE.search(before):
        approximate = True
    unit: str | None = None
    if m.group("cur"):
        unit = _CURRENCY_SYMBOL.get(m.group("cur").lower())
    if m.group("pct"):
        unit = "%"
    counted: str | None = None
    pos = end
    after = _APPROX_AFTER.match(sentence, pos)
    if after:
        approximate = True
        pos = after.end()
        end = pos
    if unit is None:
        unit, pos2 = _unit_after(sentence, lower, pos)
        if unit is not None:
            end = pos2
            pos = pos2
    if unit is not None:
        of = _OF_NOUN_AFTER.match(sentence[pos:pos + 40])
        counted = of.group(1) if of else None  # "5 tonnes of grain"
    else:
        counted = _counted_after(sentence, pos)
    if counted is None and unit is None:
        cv = _CASUALTY_VERB_BEFORE.search(lower[max(0, start - 30):start])
        if cv:
            counted = "injured" if cv.group(1).startswith(("wound", "injur")) else "dead"
    return Quantity(value=value, text=sentence[start:end], unit=unit, counted=counted,
                    approximate=approximate, start=start, end=end)


def _is_date_or_year(sentence: str, lower: str, start: int, end: int, value: float) -> bool:
    digits = sentence[start:end]
    prev = _WORD_BEFORE.search(lower[max(0, start - 12):start])
    nxt = _NEXT_WORDS.match(sentence, end)
    if prev and prev.group(1) in _MONTHS_SET:
        return True  # "August 10", "Jan. 5"
    if nxt and nxt.group(1).lower() in _MONTHS_SET and value <= 31 and not sentence[end:end + 1] == "-":
        return True  # "10 August"
    if _is_bare_year(digits, value):
        if nxt is None or not sentence[end:nxt.start(1)].isspace():
            return True
        if _YEAR_PREPOSITION_BEFORE.search(lower[max(0, start - 10):start]):
            return True
        word = nxt.group(1).lower()
        return not (word.endswith("s") or word in ("people", "men", "women", "children", "police"))
    if "," not in digits and len(digits) == 4 and _CLOCK_ZONE_AFTER.match(sentence[end:end + 7]):
        return True
    return False


def _is_year_reading(sentence: str, lower: str, digits: str, value: float, start: int, end: int) -> bool:
    """A date-or-year that is a year: not a day ("March 14"), a label ("Flight 1900") or a clock
    time ("1900 GMT")."""
    return (
        _is_bare_year(digits, value)
        and not _LABEL_BEFORE.search(lower[max(0, start - 20):start])
        and not _CLOCK_ZONE_AFTER.match(sentence[end:end + 7])
    )


def _is_bare_year(digits: str, value: float) -> bool:
    return "," not in digits and "." not in digits and len(digits) == 4 and 1800 <= value <= 2100


_UNIT_RE = re.compile(
    r"\s?(percentage points|per cent|percent|km/h|kph|mph|kilometres|kilometers|kilometre|kilometer|km|"
    r"miles|mile|metres|meters|metre|meter|feet|ft|kg|kilograms|tonnes|tons|hours|hour|days|day|weeks|week|"
    r"months|month|years|year|minutes|seconds|m)\b",
    re.IGNORECASE,
)
_CURRENCY_RE = re.compile(
    r"\s?(dollars|dollar|rubles|ruble|roubles|rouble|euros|euro|pounds|pound|yuan|rupees|rupee|yen|riyals|riyal|hryvnia|rials)\b",
    re.IGNORECASE,
)


def _unit_after(sentence: str, lower: str, pos: int) -> tuple[str | None, int]:
    m = _CURRENCY_RE.match(sentence, pos)
    if m:
        return _CURRENCY_WORD[m.group(1).lower()], m.end()
    m = _UNIT_RE.match(sentence, pos)
    if m:
        word = m.group(1).lower()
        if word == "m" and not sentence[m.start(1) - 1:m.start(1)].isdigit():
            return None, pos
        return _MEASURE[word], m.end()
    return None, pos


def _counted_after(sentence: str, pos: int) -> str | None:
    words: list[str] = []
    for m in _NEXT_WORDS.finditer(sentence, pos):
        if m.start() != pos and not sentence[pos:m.start()].strip() == "":
            break
        words.append(m.group(1))
        pos = m.end()
        if len(words) >= 4:
            break
    casualty: str | None = None
    for i, w in enumerate(words):
        lw = w.lower()
        if lw in _CASUALTY and i <= 2:
            casualty = _CASUALTY[lw]
            break
        if lw in _SKIP_COUNTED:
            continue
        if w[:1].isupper() and i + 1 < len(words):
            continue  # "two million Syrian refugees": skip the adjective
        if lw in _MEASURE or lw in _CURRENCY_WORD or lw in _SCALES or lw in _MONTHS_SET:
            return None
        if i == 0 or (i >= 1 and words[i - 1].lower() in ("of", "more", "other") or words[i - 1][:1].isupper()):
            return lw
        return None
    return casualty


def _mark_ranges(sentence: str, found: list[Quantity]) -> tuple[Quantity, ...]:
    """Two quantities joined as a range share unit and counted, and are approximate."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        gap = sentence[a.end:b.start]
        if gap.strip() == "of" and b.counted and not a.counted:
            out[i] = Quantity(a.value, a.text, a.unit or b.unit, b.counted, a.approximate, a.start, a.end)  # "111 of 115 drones"
            continue
        if not _RANGE_JOIN.fullmatch(gap) or not gap.strip():
            continue
        if gap.strip().lower() == "and" and not _RANGE_BETWEEN.search(sentence[max(0, a.start - 10):a.start]):
            continue
        unit = a.unit or b.unit
        counted = a.counted or b.counted
        out[i] = Quantity(a.value, a.text, unit, counted, True, a.start, a.end)
        out[i + 1] = Quantity(b.value, b.text, unit, counted, True, b.start, b.end)
    return tuple(out)
