"""Sentence splitting for news text: spans into the original text, never a rewritten copy.

A blank line always ends a sentence.  Inside a paragraph a sentence ends at ``.``, ``!`` or ``?``
(possibly followed by closing quotes or brackets) when whitespace and then the start of a new
sentence follow, except after titles and abbreviations ("Mr", "Gen.", "U.S.", "Jan.", "No. 5",
"a.m."), initials ("J. R. R. Tolkien") and inside bracketed ellipses ("[...]").  Markdown headings
and list items, and short unpunctuated lines (captions, bylines, datelines), are sentences of
their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SentenceSpan", "split_sentences"]


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """One sentence: ``text[start:end]``, the paragraph it belongs to and whether it is a line of its own.

    ``line`` is True when the sentence is a whole line of a block (a heading, a list item, a
    caption or an unpunctuated short line) rather than running prose.
    """

    start: int
    end: int
    paragraph: int
    line: bool = False


_BLOCK_SEP = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# A terminator run, closing quotes/brackets glued to it, then whitespace.
_BOUNDARY = re.compile(r"(?:[.!?]+|\u2026)[\"'\u201d\u2019)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+([\"'\u201c\u2018(\[]*)(\S)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")

# Titles and abbreviations after which a period never ends a sentence.
_NEVER_END = frozenset(
    """mr mrs ms messrs mme dr prof sen rep gov gen lt col capt cmdr adm sgt cpl pvt maj brig
    st mt ft hon rev fr sr jr esq no nos vs v etc cf al approx dept est fig inc ltd corp co bros
    pres supt insp det atty""".split()
)
# Abbreviations that may end a sentence: they do only when a typical sentence opener follows.
_MAYBE_END = frozenset(
    """jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    u.s u.k u.n e.u u.s.a a.m p.m i.e e.g d.c""".split()
)
_OPENERS = frozenset(
    """the a an he she it they we i you this that these those there his her its their our my
    but and so yet however meanwhile in on at after before during when while if as according
    officials police authorities some many most no one two three mr mrs ms dr president""".split()
)
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+\u2022]|\d{1,3}[.)])[ \t]+")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]")


_ASCII_WORD = re.compile(r"[A-Za-z']+")


def _is_boundary(text: str, term_start: int, term_end: int, para_end: int) -> bool:
    """Whether the terminator text[term_start:term_end] ends a sentence."""
    nxt = _NEXT_START.match(text, term_end, para_end)
    if nxt is None:
        return False
    opener, first = nxt.group(1), nxt.group(2)
    term = text[term_start:term_end]
    if "[" in opener or (term.startswith(".") and term_start > 0 and text[term_start - 1] == "["):
        return False
    if first.islower():
        return False
    if not (first.isupper() or first.isdigit() or opener):
        return False
    if not term.startswith("."):
        return True
    if term.startswith("..") or term.startswith("\u2026"):
        return True
    m = _WORD_BEFORE.search(text, max(0, term_start - 12), term_start + 1)
    if m is None:
        return True
    word = m.group(1)
    low = word.lower().rstrip(".")
    if len(word) == 1 and word.isupper():  # an initial: "J. R. R. Tolkien" (but 'on X. "Russia...')
        return bool(opener) and not opener.startswith("(")
    if low in _NEVER_END:
        if low in ("no", "nos") and not first.isdigit():
            return True
        return False
    if low in _MAYBE_END or ("." in word and len(word) <= 6):
        if low in ("a.m", "p.m"):
            return first.isupper() and "(" not in opener and "[" not in opener
        following = _ASCII_WORD.match(text[nxt.start(2):nxt.start(2) + 20])
        return bool(following) and following.group(0).lower() in _OPENERS
    return True


def _line_units(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Cut a block into units: lines that stand alone (headings, list items, short unpunctuated lines) and prose."""
    units: list[tuple[int, int, bool]] = []
    lines: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        lines.append((pos, stop))
        pos = stop + 1
    if len(lines) == 1:
        return [(start, end, False)]
    prose_start: int | None = None
    prose_end = start
    for i, (ls, le) in enumerate(lines):
        line = text[ls:le]
        stripped = line.strip()
        standalone = bool(
            _HEADING.match(line)
            or _LIST_ITEM.match(line)
            or (stripped and len(stripped) < 60 and stripped[-1] not in ".!?,;:\"'\u201d\u2019")
        )
        if standalone and i + 1 == len(lines) and prose_start is not None and not (
            _HEADING.match(line) or _LIST_ITEM.match(line)
        ):
            standalone = False  # the short tail of a wrapped paragraph
        if standalone:
            if prose_start is not None:
                units.append((prose_start, prose_end, False))
                prose_start = None
            units.append((ls, le, True))
        else:
            if prose_start is None:
                prose_start = ls
            prose_end = le
    if prose_start is not None:
        units.append((prose_start, prose_end, False))
    return units


def split_sentences(text: str) -> list[SentenceSpan]:
    """The sentences of ``text`` as spans (whitespace trimmed), in order.

    >>> text = "Mr. Smith left at 4 p.m. He was 4.5 km away."
    >>> [text[s.start:s.end] for s in split_sentences(text)]
    ['Mr. Smith left at 4 p.m.', 'He was 4.5 km away.']
    """
    spans: list[SentenceSpan] = []
    block_start = 0
    paragraph = 0
    n = len(text)
    for sep in (*_BLOCK_SEP.finditer(text), None):
        block_end = n if sep is None else sep.start()
        if text[block_start:block_end].strip():
            for us, ue, standalone in _line_units(text, block_start, block_end):
                if standalone:
                    _append(spans, text, us, ue, paragraph, True)
                    continue
                cur = us
                for m in _BOUNDARY.finditer(text, us, ue):
                    if _is_boundary(text, m.start(), m.end(), ue):
                        _append(spans, text, cur, m.end(), paragraph, False)
                        cur = m.end()
                _append(spans, text, cur, ue, paragraph, False)
            paragraph += 1
        if sep is None:
            break
        block_start = sep.end()
    return spans


def _append(spans: list[SentenceSpan], text: str, start: int, end: int, paragraph: int, line: bool) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(SentenceSpan(start, end, paragraph, line))
