"""A self-contained HTML report of a store: overview, contradictions side by side, claim timelines.

:func:`build_report` returns the page as a string, :func:`write_report` writes it atomically.
The page makes no network request: styles, the one small script and every chart are inline, and a
Content-Security-Policy meta tag forbids loading anything (the script is allowed by its hash only,
so even a ``<script>`` that slipped through escaping would not run).  It reads fully with
JavaScript off; the script only adds a filter box.

Charts are inline SVG drawn by the template from coordinates computed here, rather than a charting
library or a canvas: SVG needs no script and no download, stays readable (and printable) with
JavaScript off, scales with the page, carries ``<title>`` tooltips natively, and its text goes
through the same Jinja2 autoescaping as the rest of the page.

Every piece of source text reaches the page through Jinja2 with autoescaping on; links are written
only for ``http``/``https`` URLs (anything else is shown as text).

Size: a report draws timelines only for a selection of claims, never for the whole store: the
claims given with ``claim_ids``, or else the claims in the contradictions shown (at most
:data:`MAX_CONTRADICTIONS`, newest first) plus the :data:`MAX_TIMELINES` most-contested claims
(both affirmed and denied, most mentions first); with ``speaker`` or ``since`` that speaker's /
period's newest claims fill the selection up to :data:`MAX_TIMELINES`.  A timeline draws and lists
at most :data:`MAX_MARKS` mentions (spread evenly over its life) and as many recorded-time rows.
So the page stays within a few megabytes however large the store.

Jinja2 is the optional extra ``report`` (``pip install 'factdb[report]'``).
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select

from factdb import __version__, track
from factdb.errors import MissingExtra
from factdb.models import ClaimFact, ClaimHistory, ClaimStatus, FactKind, MentionRecord, Stance
from factdb.queries import (
    Contradiction,
    claim_history,
    list_claims,
    list_contradictions,
    most_contested_claims,
    store_stats,
)
from factdb.store import Store
from factdb.store.facts import claim_facts
from factdb.store.schema import Source

MAX_TIMELINES = 50
"""How many most-contested claims get a timeline when no ``claim_ids`` are given."""
MAX_CONTRADICTIONS = 100
"""How many contradictions (newest first) the report shows."""
MAX_MARKS = 200
"""How many mentions one timeline draws (the rest are counted, not drawn)."""
NEWEST_IN_OVERVIEW = 5
CONTEXT_CHARS = 240  # source text shown around a contradicting quote, each side

_SVG_WIDTH = 760
_PLOT_LEFT = 20
_PLOT_RIGHT = _SVG_WIDTH - 20
_LANE = 13  # vertical step between stacked marks
_MARK_GAP = 11  # marks closer than this (px) stack instead of overlapping

STATUS_ORDER = [status.value for status in ClaimStatus]


def build_report(
    store: Store,
    *,
    claim_ids: Sequence[int] | None = None,
    since: datetime | None = None,
    speaker: str | None = None,
    as_of: datetime | None = None,
) -> str:
    """The HTML report of ``store`` as one self-contained page.

    ``claim_ids`` draws timelines for these claims only (and their contradictions); ``since``
    keeps claims and contradictions stated in sources published on/after then; ``speaker``
    those of that speaker (any alias); ``as_of`` shows the world as it stood then (mentions
    published and verdicts given by that time; statuses as of then).
    """
    env = _environment()
    page = _gather(store, claim_ids=claim_ids, since=since, speaker=speaker, as_of=as_of)
    script = _static(env, "report.js")
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'"
    )
    from markupsafe import Markup  # a Jinja2 dependency: the script and styles are ours, not data

    return env.get_template("report.html.j2").render(
        page=page,
        csp=csp,
        script=Markup(script),
        style=Markup(_static(env, "report.css")),
        version=__version__,
        max_contradictions=MAX_CONTRADICTIONS,
    )


def write_report(store: Store, path: str | os.PathLike[str], **filters) -> Path:
    """Write :func:`build_report` to ``path`` atomically (a temporary file, then a rename); return it."""
    target = Path(path)
    html = build_report(store, **filters)
    directory = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(html)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes it private; a report is an ordinary file
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


# ---------------------------------------------------------------------------------------------
# What the template gets


@dataclass
class Segment:
    """A run of source text; ``mark`` when it is the quoted statement."""

    text: str
    mark: bool = False


@dataclass
class Side:
    """One side of a contradiction, ready to show."""

    mention: MentionRecord | None
    claim_id: int
    proposition: str
    context: list[Segment]
    link: str | None
    anchor: str | None  # the claim's timeline in this page, when drawn


@dataclass
class ContradictionView:
    contradiction: Contradiction
    sides: tuple[Side, Side]
    filter_text: str
    anchor: str


@dataclass
class Mark:
    x: float
    y: float
    css: str  # affirms / denies / hedged
    title: str


@dataclass
class Band:
    x: float
    width: float
    css: str
    label: str
    title: str


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Axis:
    """A time axis drawn as SVG: marks above, status bands, ticks below."""

    height: float
    marks: list[Mark] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    verdicts: list[Mark] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    band_y: float = 0.0
    axis_y: float = 0.0


@dataclass
class KnownRow:
    """A row of the recorded-time view: what factdb learned at ``recorded_at``, the status it then knew."""

    recorded_at: datetime
    what: str
    valid_at: datetime
    status: str | None


@dataclass
class TimelineView:
    history: ClaimHistory
    anchor: str
    affirms: int
    denies: int
    hedged: int
    speakers: list[str]
    valid_axis: Axis
    recorded_axis: Axis
    verdicts: list
    known: list[KnownRow]
    listed: list[MentionRecord]  # the mentions drawn and listed (all, or MAX_MARKS spread over time)
    not_drawn: int
    not_known: int
    filter_text: str


@dataclass
class SpeakerRow:
    name: str
    roles: list[str]
    claims: int
    affirms: int
    denies: int
    filter_text: str


@dataclass
class Page:
    generated_at: datetime
    filters: list[tuple[str, str]]
    stats: dict
    report_status: dict[str, int]
    newest: list[ContradictionView]
    contested: list[TimelineView]
    contradictions: list[ContradictionView]
    timelines: list[TimelineView]
    speakers: list[SpeakerRow]
    selection_note: str
    statuses: list[str]


# ---------------------------------------------------------------------------------------------
# Gathering


def _gather(store: Store, *, claim_ids, since, speaker, as_of) -> Page:
    contested_ids: list[int] = []
    if claim_ids:
        # A merged claim's id gives the claim it was merged into (NoSuchClaim for an unknown id).
        asked = [claim_history(store, claim_id, as_of=as_of) for claim_id in dict.fromkeys(claim_ids)]
        selected = list(dict.fromkeys(h.claim_id for h in asked))
        contradictions = _contradictions(store, claim_ids=selected, since=since, speaker=speaker, as_of=as_of)
        note = f"the {len(selected)} claim(s) asked for"
    else:
        contradictions = _contradictions(store, claim_ids=None, since=since, speaker=speaker, as_of=as_of)
        contested_ids = [
            c.claim_id
            for c in most_contested_claims(
                store, speaker=speaker, since=since, as_of=as_of, limit=MAX_TIMELINES
            )
        ]
        in_contradictions = [i for c in contradictions for i in (c.claim_id, c.other_claim_id)]
        selected = list(dict.fromkeys(contested_ids + in_contradictions))
        note = (
            f"the claims in the contradictions shown (at most {MAX_CONTRADICTIONS}, newest first) and the "
            f"{MAX_TIMELINES} most-contested claims (both affirmed and denied)"
        )
        if speaker or since:
            extra = list_claims(store, speaker=speaker, since=since, limit=MAX_TIMELINES)
            room = max(0, MAX_TIMELINES - len(contested_ids))
            selected = list(dict.fromkeys(selected + [c.claim_id for c in extra][:room]))
            note += ", filled with the newest matching claims"
    if claim_ids:
        histories = list({h.claim_id: h for h in asked}.values())
    else:
        histories = [claim_history(store, claim_id, as_of=as_of) for claim_id in selected]
        histories = list({h.claim_id: h for h in histories if h.mentions}.values())
    if since is not None and not claim_ids:
        histories = [h for h in histories if any(_when(m) >= since for m in h.mentions)]
    with store.read() as session:
        facts = {h.claim_id: claim_facts(session, h.claim_id) for h in histories}
    timelines = [_timeline(h, facts[h.claim_id], as_of=as_of) for h in histories]
    timelines.sort(
        key=lambda t: (-(min(t.affirms, 1) * min(t.denies, 1)), -(t.affirms + t.denies), t.history.claim_id)
    )
    drawn = {t.history.claim_id: t.anchor for t in timelines}
    with store.read() as session:
        views = [_contradiction_view(session, c, drawn, i) for i, c in enumerate(contradictions)]
    by_id = {t.history.claim_id: t for t in timelines}
    report_status: dict[str, int] = {}
    for t in timelines:
        key = t.history.status.value if t.history.status else "none"
        report_status[key] = report_status.get(key, 0) + 1
    filters = [
        (name, value)
        for name, value in (
            ("claims", ", ".join(str(i) for i in claim_ids) if claim_ids else None),
            ("since", _fmt(since) if since else None),
            ("speaker", speaker),
            ("as of", _fmt(as_of) if as_of else None),
        )
        if value
    ]
    return Page(
        generated_at=datetime.now(timezone.utc),
        filters=filters,
        stats=store_stats(store),
        report_status=dict(sorted(report_status.items(), key=lambda kv: _status_rank(kv[0]))),
        newest=views[:NEWEST_IN_OVERVIEW],
        contested=[by_id[i] for i in contested_ids if i in by_id][:10],
        contradictions=views,
        timelines=timelines,
        speakers=_speakers(timelines),
        selection_note=note,
        statuses=STATUS_ORDER,
    )


def _contradictions(store: Store, *, claim_ids, since, speaker, as_of) -> list[Contradiction]:
    # `since`/`as_of` are about when the two statements were published (valid time).  A
    # contradiction is detected when its later statement is recorded, which is after that
    # statement's publication, so "detected since" is a safe first cut in the database.
    post_filter = since is not None or as_of is not None
    found = list_contradictions(
        store,
        since=since,
        speaker=speaker,
        claim_ids=claim_ids or None,
        limit=MAX_CONTRADICTIONS * (5 if post_filter else 1),
    )
    kept = []
    for c in found:
        times = [_when(m) for m in (c.side, c.other_side) if m is not None]
        if as_of is not None and any(t > as_of for t in times):
            continue
        if since is not None and times and max(times) < since:
            continue
        kept.append(c)
    return kept[:MAX_CONTRADICTIONS]


def _contradiction_view(session, c: Contradiction, drawn: dict[int, str], index: int) -> ContradictionView:
    sides = []
    for mention, claim_id, proposition in (
        (c.side, c.claim_id, c.proposition),
        (c.other_side, c.other_claim_id, c.other_proposition),
    ):
        sides.append(
            Side(
                mention=mention,
                claim_id=mention.claim_id if mention else claim_id,
                proposition=proposition,
                context=_context(session, mention),
                link=safe_url(mention.url) if mention else None,
                anchor=drawn.get(claim_id),
            )
        )
    words = [c.proposition, c.other_proposition, c.kind.value]
    words += [
        part for m in (c.side, c.other_side) if m for part in (m.speaker, m.outlet, m.speaker_role) if part
    ]
    return ContradictionView(
        contradiction=c,
        sides=(sides[0], sides[1]),
        filter_text=_filter_text(words),
        anchor=f"contradiction-{index + 1}",
    )


def _context(session, mention: MentionRecord | None) -> list[Segment]:
    """The quote in its paragraph (trimmed to :data:`CONTEXT_CHARS` each side), the quote marked."""
    if mention is None:
        return []
    start = max(0, mention.start - CONTEXT_CHARS)
    length = (mention.end + CONTEXT_CHARS) - start
    # substr is 1-based and counts characters on both SQLite and PostgreSQL, as Python offsets do.
    window = session.execute(
        select(func.substr(Source.__table__.c.text, start + 1, length)).where(
            Source.__table__.c.id == mention.source_id
        )
    ).scalar()
    offset = mention.start - start
    if not window or window[offset : offset + len(mention.quote)] != mention.quote:
        return [Segment(mention.quote, mark=True)]
    before, after = window[:offset], window[offset + len(mention.quote) :]
    before = before.rsplit("\n", 1)[-1]
    after = after.split("\n", 1)[0]
    if len(before) == CONTEXT_CHARS and start > 0:
        before = "…" + before.split(" ", 1)[-1]
    if len(after) == CONTEXT_CHARS:
        after = after.rsplit(" ", 1)[0] + "…"
    return [
        s
        for s in (Segment(before.lstrip()), Segment(mention.quote, mark=True), Segment(after.rstrip()))
        if s.text
    ]


def _timeline(history: ClaimHistory, facts: list[ClaimFact], *, as_of) -> TimelineView:
    mentions = list(history.mentions)
    drawn = _thin(mentions, MAX_MARKS)
    reviews = [c for c in history.changes if c.cause is FactKind.REVIEW]
    valid_times = [_when(m) for m in drawn] + [c.valid_at for c in history.changes]
    end = as_of if as_of is not None and valid_times and as_of >= max(valid_times) else None
    valid_axis = _axis(
        [(_when(m), _stance_css(m), _mention_title(m, _when(m))) for m in drawn],
        [(c.valid_at, c.status.value) for c in history.changes],
        [(c.valid_at, c.status.value, _verdict_title(c)) for c in reviews],
        end=end,
    )
    if as_of is not None:
        facts = [f for f in facts if f.valid_at <= as_of]
    recorded = sorted(
        [(f.recorded_at, f) for f in facts],
        key=lambda pair: (pair[0], pair[1].kind.value, pair[1].ref_id or 0),
    )
    by_mention = {m.mention_id: m for m in mentions}
    known: list[KnownRow] = []
    recorded_marks = []
    for recorded_at, fact in _thin(recorded, MAX_MARKS):
        status = track.status_at(facts, as_of=as_of, known_at=recorded_at)
        if fact.kind is FactKind.MENTION:
            m = by_mention.get(fact.ref_id)
            what = f"{fact.stance.value if fact.stance else 'mention'} — {_who(m) if m else 'a source'}"
            css = _stance_css(m) if m else (fact.stance.value if fact.stance else "affirms")
        else:
            what = f"verdict {fact.status.value if fact.status else ''} by {fact.reviewer or 'a reviewer'}"
            css = "verdict"
        known.append(KnownRow(recorded_at, what, fact.valid_at, status.value if status else None))
        recorded_marks.append((recorded_at, css, f"recorded {_fmt(recorded_at)}: {what}"))
    recorded_axis = _axis(
        [m for m in recorded_marks if m[1] != "verdict"],
        [],
        [(t, "verdict", title) for t, css, title in recorded_marks if css == "verdict"],
        compact=True,
    )
    speakers = sorted({m.speaker for m in mentions if m.speaker})
    words = [str(history.claim_id), history.proposition] + speakers + [m.outlet for m in mentions if m.outlet]
    return TimelineView(
        history=history,
        anchor=f"claim-{history.claim_id}",
        affirms=sum(m.stance is Stance.AFFIRMS for m in mentions),
        denies=sum(m.stance is Stance.DENIES for m in mentions),
        hedged=sum(m.hedged for m in mentions),
        speakers=speakers,
        valid_axis=valid_axis,
        recorded_axis=recorded_axis,
        verdicts=reviews,
        known=known,
        listed=drawn,
        not_drawn=len(mentions) - len(drawn),
        not_known=len(recorded) - len(known),
        filter_text=_filter_text(words),
    )


def _speakers(timelines: list[TimelineView]) -> list[SpeakerRow]:
    rows: dict[str, dict] = {}
    for t in timelines:
        for m in t.history.mentions:
            if not m.speaker:
                continue
            row = rows.setdefault(m.speaker, {"roles": set(), "claims": set(), "affirms": 0, "denies": 0})
            if m.speaker_role:
                row["roles"].add(m.speaker_role)
            row["claims"].add(t.history.claim_id)
            row["affirms" if m.stance is Stance.AFFIRMS else "denies"] += 1
    return [
        SpeakerRow(
            name=name,
            roles=sorted(r["roles"]),
            claims=len(r["claims"]),
            affirms=r["affirms"],
            denies=r["denies"],
            filter_text=_filter_text([name, *r["roles"]]),
        )
        for name, r in sorted(rows.items(), key=lambda kv: (-len(kv[1]["claims"]), kv[0].lower()))
    ]


# ---------------------------------------------------------------------------------------------
# Drawing


def _axis(marks, changes, verdicts, *, end: datetime | None = None, compact: bool = False) -> Axis:
    """Place marks (time, css, title), status bands (from each change to the next) and verdicts on an axis."""
    times = [t for t, *_ in marks] + [t for t, *_ in changes] + [t for t, *_ in verdicts]
    if end is not None:
        times.append(end)
    if not times:
        return Axis(height=0)
    low, high = min(times), max(times)
    span = high - low
    pad = max(span * 0.04, timedelta(hours=2))
    low, high = low - pad, high + pad
    total = (high - low).total_seconds()

    def x_of(when: datetime) -> float:
        return round(_PLOT_LEFT + (when - low).total_seconds() / total * (_PLOT_RIGHT - _PLOT_LEFT), 1)

    placed: list[Mark] = []
    level_ends: list[float] = []
    for when, css, title in sorted(marks, key=lambda m: m[0]):
        x = x_of(when)
        level = next((i for i, last in enumerate(level_ends) if x - last >= _MARK_GAP), len(level_ends))
        if level == len(level_ends):
            level_ends.append(x)
        level_ends[level] = x
        placed.append(Mark(x=x, y=float(level), css=css, title=title))
    levels = max(1, len(level_ends))
    top = 10
    for mark in placed:  # lowest level sits next to the band
        mark.y = top + (levels - 1 - mark.y) * _LANE + 6
    band_y = top + levels * _LANE + 2
    band_height = 0 if compact else 16
    bands = []
    ordered = sorted(changes, key=lambda c: c[0])
    for i, (when, status) in enumerate(ordered):
        until = ordered[i + 1][0] if i + 1 < len(ordered) else high
        x0, x1 = x_of(when), x_of(until)
        label = status if x1 - x0 > 8 * len(status) + 8 else ""
        bands.append(
            Band(x=x0, width=max(x1 - x0, 1.5), css=status, label=label, title=f"{status} from {_fmt(when)}")
        )
    placed_verdicts = [
        Mark(x=x_of(when), y=band_y + band_height / 2, css=status, title=title)
        for when, status, title in verdicts
    ]
    if compact:
        for v in placed_verdicts:
            v.y = band_y - 6
    axis_y = band_y + band_height + 6
    # A label centred on a tick near either end would run out of the chart: those ticks go unlabelled.
    ticks = [
        Tick(x, label if _PLOT_LEFT + 36 <= x <= _PLOT_RIGHT - 36 else "")
        for x, label in ((x_of(t), label) for t, label in _ticks(low, high))
    ]
    return Axis(
        height=axis_y + 22,
        marks=placed,
        bands=bands,
        verdicts=placed_verdicts,
        ticks=ticks,
        band_y=band_y,
        axis_y=axis_y,
    )


_STEPS = [
    (timedelta(hours=1), "%d %b %H:%M"),
    (timedelta(hours=3), "%d %b %H:%M"),
    (timedelta(hours=6), "%d %b %H:%M"),
    (timedelta(hours=12), "%d %b %H:%M"),
    (timedelta(days=1), "%d %b"),
    (timedelta(days=2), "%d %b"),
    (timedelta(days=7), "%d %b"),
    (timedelta(days=14), "%d %b"),
    (timedelta(days=30), "%b %Y"),
    (timedelta(days=91), "%b %Y"),
    (timedelta(days=365), "%Y"),
    (timedelta(days=365 * 5), "%Y"),
    (timedelta(days=365 * 25), "%Y"),
]


def _ticks(low: datetime, high: datetime, most: int = 7) -> list[tuple[datetime, str]]:
    """Round tick times between ``low`` and ``high`` (UTC), at most ``most`` of them."""
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    for step, fmt in _STEPS:
        if (high - low) / step <= most:
            break
    if step >= timedelta(days=30):  # calendar months / years
        months = max(1, round(step.days / 30.4))
        first = datetime(low.year, low.month, 1, tzinfo=timezone.utc)
        out = []
        current = first
        while current <= high:
            if current >= low:
                out.append((current, current.strftime(fmt)))
            month = current.month - 1 + months
            current = current.replace(year=current.year + month // 12, month=month % 12 + 1)
        return out
    first = epoch + step * -((epoch - low) // step)  # the first multiple of step at or after low
    out = []
    current = first
    while current <= high:
        out.append((current, current.strftime(fmt).lstrip("0")))
        current += step
    return out


# ---------------------------------------------------------------------------------------------
# Small helpers


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL that can be a link, else None (shown as text)."""
    if not url:
        return None
    candidate = url.strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def _thin(items: list, most: int) -> list:
    """``items`` when there are at most ``most``, else ``most`` of them evenly spread, first and last kept."""
    if len(items) <= most:
        return list(items)
    return [items[round(i * (len(items) - 1) / (most - 1))] for i in range(most)]


def _when(m: MentionRecord) -> datetime:
    return m.published_at or m.recorded_at


def _stance_css(m: MentionRecord) -> str:
    return "hedged" if m.hedged else m.stance.value


def _who(m: MentionRecord) -> str:
    if m.speaker:
        who = f"{m.speaker_role} {m.speaker}" if m.speaker_role else m.speaker
        return f"{who} ({m.outlet})" if m.outlet else who
    return m.outlet or "unknown outlet"


def _mention_title(m: MentionRecord, when: datetime) -> str:
    hedge = f", hedged ({m.hedge_cue})" if m.hedged and m.hedge_cue else (", hedged" if m.hedged else "")
    return f"{_fmt(when)} — {m.stance.value}{hedge} — {_who(m)}: “{m.quote}”"


def _verdict_title(change) -> str:
    note = f": {change.note}" if change.note else ""
    return (
        f"{_fmt(change.valid_at)} — verdict {change.status.value} by {change.reviewer or 'a reviewer'}{note}"
    )


def _filter_text(words: Iterable[str | None]) -> str:
    return " ".join(" ".join(w.split()) for w in words if w).lower()


def _fmt(value: datetime | None) -> str:
    if value is None:
        return "—"
    value = value.astimezone(timezone.utc)
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.strftime("%Y-%m-%d")
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


def _environment():
    try:
        import jinja2
    except ImportError:
        raise MissingExtra("the HTML report", "report", "Jinja2") from None
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("factdb", "templates"),
        autoescape=True,  # every template here is HTML: escape everything that is not marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _fmt
    env.filters["who"] = _who
    env.filters["safe_url"] = safe_url
    return env


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _static(env, name: str) -> str:
    source, _, _ = env.loader.get_source(env, name)
    return source
