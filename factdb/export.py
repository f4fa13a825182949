"""Writers over claim histories: JSON, JSON Lines, CSV and schema.org ClaimReview JSON-LD.  Pure.

Every writer is byte-stable: the same histories give the same bytes.  Keys are sorted, times are
ISO 8601 in UTC with a ``Z`` (``2026-01-02T03:04:05Z``; microseconds only when set), text is
written as UTF-8 characters (``ensure_ascii=False``), and each claim's mentions and status changes
are put in a canonical time order whatever order they came in.  Histories are written in the order
given, so the writers can stream.  U+2028, U+2029 and U+0085 are escaped in all JSON output: they
are valid in JSON strings but line-splitting readers treat them as line breaks.

Writers take a text stream; open files with ``encoding="utf-8"`` (``"utf-8-sig"`` if Excel must
detect the encoding) and, for CSV, ``newline=""`` so the ``\\r\\n`` row endings pass unchanged.

CSV (:data:`CSV_COLUMNS`): one row per mention (``event="mention"``) and per status change
(``event="status"``), merged in valid-time order per claim:

- ``time_valid``: a mention's ``published_at`` (its ``recorded_at`` when the date is unknown, as
  status tracking does); a change's ``valid_at``.  ``time_recorded``: when factdb learned it.
- ``status``, ``cause`` (mention / review), ``reviewer``, ``note``: status rows only.
- ``ref_id``: the mention id on mention rows; the causing mention or review id on status rows.
- ``stance``, ``speaker``, ``speaker_role``, ``outlet``, ``url``, ``title``, ``published_at``,
  ``quote``, ``hedged`` (true / false): mention rows only; the rest are empty.
- Formula neutralising (OWASP CSV injection): every cell that starts with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return gets a leading ``'``.  That includes negative numbers such as
  ``-5`` in a quote: a spreadsheet must never evaluate a cell, and the cost is one character.
  factdb's own numeric columns (ids) are never negative.

ClaimReview (:func:`claimreview`): one schema.org ``ClaimReview`` per status change, oldest first.
``reviewRating.alternateName`` is the status in words (``"False"``, ``"Disputed"``); only verdicts
that rate truth get a number on the 1 (worst) - 5 (best) scale, see :data:`RATING_VALUES`.
"""

from __future__ import annotations

import csv
import dataclasses
import enum
import json
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any, TextIO

from factdb.models import (
    ClaimHistory,
    ClaimStatus,
    FactKind,
    MentionRecord,
    SpeakerKind,
    Stance,
    StatusChange,
)
from factdb.track import require_aware

__all__ = [
    "CSV_COLUMNS",
    "RATING_VALUES",
    "claimreview",
    "histories_to_json",
    "history_to_dict",
    "jsonld_for_html",
    "write_claimreview",
    "write_csv",
    "write_jsonl",
]

CSV_COLUMNS = (
    "claim_id",
    "proposition",
    "event",
    "time_valid",
    "time_recorded",
    "status",
    "cause",
    "ref_id",
    "stance",
    "speaker",
    "speaker_role",
    "outlet",
    "url",
    "title",
    "published_at",
    "quote",
    "hedged",
    "reviewer",
    "note",
)

#: ``reviewRating.ratingValue`` per verdict, ``bestRating`` 5, ``worstRating`` 1.  UNPROVEN and
#: RETRACTED say nothing about truth, and derived statuses are no one's rating: they get only
#: ``alternateName``.
RATING_VALUES = {ClaimStatus.CONFIRMED: 5, ClaimStatus.MISLEADING: 2, ClaimStatus.FALSE: 1}

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Valid inside JSON strings, but line breaks to str.splitlines() and JavaScript before ES2019.
_LINE_SAFE = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\u0085": "\\u0085"})
# In HTML a JSON-LD <script> ends at the first "</script"; "<!--" and "&" change parsing too.
_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def history_to_dict(history: ClaimHistory) -> dict[str, Any]:
    """The history as JSON-ready values: enums as their values, times as ISO 8601 UTC strings.

    Mentions and changes are put in canonical time order; every field is present (None as null).
    """
    canonical = dataclasses.replace(
        history,
        mentions=tuple(_sorted_mentions(history.mentions)),
        changes=tuple(_sorted_changes(history.changes)),
    )
    return _plain(canonical)


def histories_to_json(histories: Iterable[ClaimHistory]) -> str:
    """The histories as one JSON array, indented by two spaces, keys sorted (no final newline)."""
    return _dumps([history_to_dict(h) for h in histories], indent=2)


def write_json(histories: Iterable[ClaimHistory], out: TextIO) -> int:
    """Stream the histories as one JSON array (the same bytes as :func:`histories_to_json` plus a
    final newline) without holding them all in memory; return how many were written."""
    count = 0
    out.write("[")
    for history in histories:
        body = _dumps(history_to_dict(history), indent=2).replace("\n", "\n  ")
        out.write(("," if count else "") + "\n  " + body)
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_jsonl(histories: Iterable[ClaimHistory], out: TextIO) -> int:
    """Write one compact JSON object per claim and line; return how many lines were written."""
    count = 0
    for history in histories:
        out.write(_dumps(history_to_dict(history)) + "\n")
        count += 1
    return count


def write_csv(histories: Iterable[ClaimHistory], out: TextIO) -> int:
    """Write a header and one row per mention and per status change; return the number of rows.

    Columns are :data:`CSV_COLUMNS`; rows end in ``\\r\\n``; cells a spreadsheet would run as a
    formula are prefixed with ``'`` (see the module docstring).
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for history in histories:
        for row in _csv_rows(history):
            writer.writerow([neutralise_cell(row.get(column)) for column in CSV_COLUMNS])
            count += 1
    return count


def claimreview(
    history: ClaimHistory,
    *,
    site_url: str | None = None,
    publisher: str = "factdb",
    verdicts_only: bool = False,
) -> list[dict[str, Any]]:
    """The claim's status history as schema.org ``ClaimReview`` objects, one per change, oldest first.

    ``url`` is ``<site_url>/claims/<claim_id>`` or ``urn:factdb:claim:<claim_id>`` without a site.
    ``author`` is the reviewer (a Person) for a verdict, else the ``publisher`` organisation, which
    is also every review's ``publisher``; ``reviewBody`` is the reviewer's note.  ``itemReviewed``
    is the Claim: its author is the speaker (or the outlet) of its first affirming mention, and
    its appearances are the affirming mentions' articles (all mentions' if none affirms).
    ``verdicts_only=True`` leaves out derived statuses (reported, corroborated, disputed), which
    are factdb's bookkeeping rather than a fact-check: what Google's ClaimReview guidelines expect.

    >>> from datetime import datetime, timezone
    >>> from factdb.models import ClaimHistory, FactKind, StatusChange
    >>> t = datetime(2026, 1, 2, tzinfo=timezone.utc)
    >>> h = ClaimHistory(7, "The bridge opens in May", t, ClaimStatus.FALSE, (),
    ...                  (StatusChange(ClaimStatus.FALSE, t, t, FactKind.REVIEW, reviewer="Ann"),))
    >>> review = claimreview(h)[0]
    >>> review["url"], review["reviewRating"]["alternateName"], review["reviewRating"]["ratingValue"]
    ('urn:factdb:claim:7', 'False', 1)
    """
    claim_id = history.claim_id
    url = f"{site_url.rstrip('/')}/claims/{claim_id}" if site_url else f"urn:factdb:claim:{claim_id}"
    mentions = _sorted_mentions(history.mentions)
    reviews = []
    for change in _sorted_changes(history.changes):
        if verdicts_only and not ClaimStatus(change.status).is_verdict:
            continue
        author = (
            {"@type": "Person", "name": change.reviewer}
            if change.reviewer and change.cause == FactKind.REVIEW
            else {"@type": "Organization", "name": publisher}
        )
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": url,
            "claimReviewed": history.proposition,
            "datePublished": _iso(change.valid_at),
            "author": author,
            "publisher": {"@type": "Organization", "name": publisher},
            "reviewRating": _rating(ClaimStatus(change.status)),
            "itemReviewed": _claim(mentions),  # a fresh dict each: reviews share no mutable parts
        }
        if change.note:
            review["reviewBody"] = change.note
        reviews.append(review)
    return reviews


def write_claimreview(
    histories: Iterable[ClaimHistory],
    out: TextIO,
    *,
    site_url: str | None = None,
    publisher: str = "factdb",
    verdicts_only: bool = False,
) -> int:
    """Write every claim's ClaimReviews as one JSON array, one review per line; return the count.

    Plain JSON (for files and APIs); to embed a review in HTML use :func:`jsonld_for_html`.
    """
    count = 0
    out.write("[")
    for history in histories:
        reviews = claimreview(history, site_url=site_url, publisher=publisher, verdicts_only=verdicts_only)
        for review in reviews:
            out.write(("\n" if count == 0 else ",\n") + _dumps(review))
            count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def jsonld_for_html(obj: Any) -> str:
    """``obj`` as JSON safe to place inside ``<script type="application/ld+json">``.

    ``<``, ``>`` and ``&`` (and U+2028, U+2029, U+0085) are written as ``\\uXXXX`` escapes,
    which decode to the same characters, so no string can close the script element.

    >>> jsonld_for_html({"q": "</script><b>&"})
    '{"q":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    return _dumps(obj).translate(_HTML_SAFE)


def _dumps(value: Any, *, indent: int | None = None) -> str:
    """The one JSON encoding of every writer: sorted keys, characters as-is, line breaks escaped."""
    separators = (",", ": ") if indent else (",", ":")
    text = json.dumps(
        value, ensure_ascii=False, sort_keys=True, indent=indent, separators=separators, allow_nan=False
    )
    return text.translate(_LINE_SAFE)


def _iso(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``; naive datetimes are refused."""
    require_aware(value, "a datetime to export")
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    """Dataclasses, enums, datetimes and tuples as JSON values (dataclass fields become keys)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def _mention_time(mention: MentionRecord) -> datetime:
    """When the mention holds in the world: its publication, else when factdb recorded it."""
    return mention.published_at or mention.recorded_at


def _sorted_mentions(mentions: Iterable[MentionRecord]) -> list[MentionRecord]:
    return sorted(mentions, key=lambda m: (_mention_time(m), m.recorded_at, m.mention_id))


def _sorted_changes(changes: Iterable[StatusChange]) -> list[StatusChange]:
    return sorted(
        changes,
        key=lambda c: (
            c.valid_at,
            0 if c.cause == FactKind.MENTION else 1,
            c.recorded_at,
            c.ref_id is not None,
            c.ref_id or 0,
            ClaimStatus(c.status).value,
            c.reviewer or "",
            c.note or "",
        ),
    )


def _csv_rows(history: ClaimHistory) -> Iterator[dict[str, Any]]:
    """The claim's mention rows and status rows, merged in valid-time order."""
    claim = {"claim_id": history.claim_id, "proposition": history.proposition}
    rows = []
    for m in history.mentions:
        key = (_mention_time(m), 0, m.recorded_at, m.mention_id)
        rows.append((key, {
            **claim,
            "event": "mention",
            "time_valid": _mention_time(m),
            "time_recorded": m.recorded_at,
            "ref_id": m.mention_id,
            "stance": m.stance,
            "speaker": m.speaker,
            "speaker_role": m.speaker_role,
            "outlet": m.outlet,
            "url": m.url,
            "title": m.title,
            "published_at": m.published_at,
            "quote": m.quote,
            "hedged": m.hedged,
        }))
    for position, c in enumerate(_sorted_changes(history.changes)):
        key = (c.valid_at, 1, c.recorded_at, position)
        rows.append((key, {
            **claim,
            "event": "status",
            "time_valid": c.valid_at,
            "time_recorded": c.recorded_at,
            "status": c.status,
            "cause": c.cause,
            "ref_id": c.ref_id,
            "reviewer": c.reviewer,
            "note": c.note,
        }))
    rows.sort(key=lambda keyed: keyed[0])
    return (row for _, row in rows)


def neutralise_cell(value: Any) -> str:
    """One CSV cell as text, with a leading ``'`` when a spreadsheet would run it as a formula."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, enum.Enum):
        text = str(value.value)
    elif isinstance(value, datetime):
        text = _iso(value)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _rating(status: ClaimStatus) -> dict[str, Any]:
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": status.value.capitalize()}
    if status in RATING_VALUES:
        rating.update(ratingValue=RATING_VALUES[status], bestRating=5, worstRating=1)
    return rating


def _claim(mentions: list[MentionRecord]) -> dict[str, Any]:
    """The schema.org Claim reviewed: who first said it, when, and where it appeared."""
    affirming = [m for m in mentions if m.stance == Stance.AFFIRMS] or mentions
    claim: dict[str, Any] = {"@type": "Claim"}
    if not affirming:
        return claim
    first = affirming[0]
    if first.speaker:
        kind = "Organization" if first.speaker_kind == SpeakerKind.ORGANISATION else "Person"
        claim["author"] = {"@type": kind, "name": first.speaker}
        if kind == "Person" and first.speaker_role:
            claim["author"]["jobTitle"] = first.speaker_role
    elif first.outlet:
        claim["author"] = {"@type": "Organization", "name": first.outlet}
    claim["datePublished"] = _iso(_mention_time(first))
    appeared_in: dict[str, MentionRecord] = {}  # the earliest mention per URL, in time order
    for m in affirming:
        if m.url:
            appeared_in.setdefault(m.url, m)
    if appeared_in:
        claim["appearance"] = [_creative_work(m) for m in appeared_in.values()]
        claim["firstAppearance"] = _creative_work(next(iter(appeared_in.values())))
    return claim


def _creative_work(mention: MentionRecord) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": mention.url}
    if mention.title:
        work["headline"] = mention.title
    if mention.published_at:
        work["datePublished"] = _iso(mention.published_at)
    if mention.outlet:
        work["publisher"] = {"@type": "Organization", "name": mention.outlet}
    return work
