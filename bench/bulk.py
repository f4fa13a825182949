"""Bulk loader for benchmark SET-UP: writes what ``factdb add`` would write, a million claims in minutes.

Adding a million claims through ``factdb add`` one article at a time takes hours, so the stores
the benchmarks measure are built here.  Nothing measured goes through this module: it only
prepares stores that the product's own code paths are then timed on.

What it writes, and how it stays equal to the product:

- ``claims``: the product's ``normalize_claim`` output and ``claim_key`` (from
  :mod:`bench.generate`), columns encoded with the store's own codec;
- ``terms`` / ``claim_terms``: one posting per distinct token, as ``add_postings`` writes;
  ``df`` recomputed from the postings after each load (what ``add_postings`` counts);
  ``posting_blocks`` by the product's own ``add_to_posting_blocks``;
- ``sources``: articles of 20 claims each (the claims' texts joined) with the product's
  ``content_hash`` and SimHash ``fingerprint``, one every 30 minutes from 2016 on, each its own
  story; each also mentions two earlier claims, a quarter of them denied (the negated text),
  so claims have several mentions and polarity contradictions arise; ``claims_extracted`` is the
  source's mention count (its generated text is not what extraction would read claim for claim,
  so ``db verify`` checks these sources against the count, as it does sources added by ingest);
- ``speakers`` / ``speaker_aliases``: a speaker on 60% of mentions, aliases as
  ``resolve_speaker`` makes them (the full key, and the surname when no one has it yet);
- ``mentions``, ``claim_status_events`` and ``claims.status``: status events computed by the
  product's :func:`factdb.track.changes_after` as each source arrives, as ingest appends them;
- ``claim_relations``: a polarity contradiction when a claim is first both affirmed and denied
  (as ``_record_polarity``), and, for a look-alike with other figures than the stored claim it
  varies, the relation the product's ``relate`` + ``numeric_change`` decide (numeric
  contradiction or update), as ingest records for a match.

Rows go in with SQLAlchemy Core ``executemany`` in large batches on SQLite and with ``COPY`` on
PostgreSQL, ids given explicitly (PostgreSQL sequences are advanced afterwards).  A store is
grown from ``n0`` to ``n1`` claims by loading the plan's rows in between (sizes are multiples
of :data:`CLAIMS_PER_SOURCE`).  ``tests/test_bench.py`` checks that bulk-loaded claims, terms,
postings and posting blocks equal those the product's ``writes.insert_claim`` writes.
"""

from __future__ import annotations

import multiprocessing
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import Connection, select, text

from bench.generate import Corpus, negate, speaker_names
from factdb import track
from factdb.fingerprint import fingerprint
from factdb.models import ClaimFact, ContradictionKind, FactKind, RelationKind, Stance
from factdb.relate import numeric_change, relate
from factdb.store import Store
from factdb.store.codec import names_to_json, quantities_to_json
from factdb.store.index import add_to_posting_blocks
from factdb.store.schema import (
    Claim,
    ClaimRelation,
    ClaimStatusEvent,
    ClaimTerm,
    Mention,
    Source,
    Speaker,
    SpeakerAlias,
    Term,
)
from factdb.store.writes import content_hash, speaker_key

CLAIMS_PER_SOURCE = 20
EXTRA_MENTIONS = 2  # earlier claims each source mentions again
DENY_SHARE = 0.25  # of those extra mentions
SPEAKER_SHARE = 0.6
T0 = datetime(2016, 1, 1, tzinfo=timezone.utc)
OUTLETS = ("Bench Wire", "Daily Bench", "The Benchmark", "Bench Times", "Evening Bench", "Bench Post")


@dataclass
class Plan:
    """Every row the loader writes for the corpus's claims, grouped by source (in order)."""

    corpus: Corpus
    seed: int
    speakers: list[str]
    sources: list[dict] = field(default_factory=list)
    mentions: list[list[dict]] = field(default_factory=list)  # per source
    events: list[list[dict]] = field(default_factory=list)  # per source
    relations: list[list[dict]] = field(default_factory=list)  # per source
    statuses: list[dict[int, str | None]] = field(default_factory=list)  # per source: claim id -> status after it
    speaker_first: dict[int, int] = field(default_factory=dict)  # speaker index -> first source index
    claim_created: dict[int, datetime] = field(default_factory=dict)


def _fingerprint_all(texts: list[str], processes: int) -> list[int]:
    if processes <= 1 or len(texts) < 2000:
        return [fingerprint(t) for t in texts]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return pool.map(fingerprint, texts, chunksize=200)


def plan(corpus: Corpus, *, seed: int = 6, processes: int = 2) -> Plan:
    """All rows for every complete source of the corpus (sources of 20 claims each, in order)."""
    claims = corpus.claims
    n_sources = len(claims) // CLAIMS_PER_SOURCE
    speakers = speaker_names(3000, seed=seed)
    out = Plan(corpus, seed, speakers)
    facts: dict[int, list[ClaimFact]] = {}
    first_mention: dict[int, dict[str, int]] = {}
    polarity_done: set[int] = set()
    mention_id = event_id = relation_id = 0
    texts: list[str] = []
    for s in range(n_sources):
        rng = random.Random(seed * 100_003 + s)
        source_id = s + 1
        published = T0 + timedelta(minutes=30 * s)
        added = published + timedelta(hours=1)
        picks = [(i, Stance.AFFIRMS) for i in range(s * CLAIMS_PER_SOURCE, (s + 1) * CLAIMS_PER_SOURCE)]
        if s > 0:
            for _ in range(EXTRA_MENTIONS):
                j = rng.randrange(s * CLAIMS_PER_SOURCE)
                picks.append((j, Stance.DENIES if rng.random() < DENY_SHARE else Stance.AFFIRMS))
        parts, offset, rows = [], 0, []
        for i, stance in picks:
            quote = claims[i].proposition if stance is Stance.AFFIRMS else negate(claims[i].proposition)
            speaker = rng.randrange(len(speakers)) if rng.random() < SPEAKER_SHARE else None
            if speaker is not None:
                out.speaker_first.setdefault(speaker, s)
            mention_id += 1
            rows.append(
                {
                    "id": mention_id, "claim_id": i + 1, "origin_claim_id": i + 1, "source_id": source_id,
                    "speaker_id": None if speaker is None else speaker + 1, "speaker_role": None,
                    "stance": stance.value, "hedged": False, "hedge_cue": None, "quote": quote,
                    "start_offset": offset, "end_offset": offset + len(quote),
                    "quantities": quantities_to_json(claims[i].normalized.numbers), "recorded_at": added,
                }
            )  # fmt: skip
            parts.append(quote)
            offset += len(quote) + 1
        texts.append(" ".join(parts))
        out.sources.append(
            {
                "id": source_id, "content_hash": content_hash(texts[-1]), "text": texts[-1],
                "url": f"https://bench.example/{source_id}", "outlet": OUTLETS[s % len(OUTLETS)],
                "title": f"Bench article {source_id}", "author": None, "language": "en",
                "published_at": published, "added_at": added, "fingerprint": 0, "story_id": source_id,
                "claims_extracted": len(rows),
            }
        )  # fmt: skip
        out.mentions.append(rows)
        # Relations and status, per touched claim, in the order ingest does them.
        relations, events, statuses = [], [], {}
        new_facts: dict[int, list[ClaimFact]] = {}
        for row in rows:
            claim_id = row["claim_id"]
            first_mention.setdefault(claim_id, {}).setdefault(row["stance"], row["id"])
            new_facts.setdefault(claim_id, []).append(
                ClaimFact(FactKind.MENTION, published, added, Stance(row["stance"]), str(source_id), ref_id=row["id"])
            )
            if claim_id not in out.claim_created:
                out.claim_created[claim_id] = added
                relation = _lookalike_relation(claims, claim_id - 1, published, out, first_mention, row["id"])
                if relation is not None:
                    relation_id += 1
                    relations.append({"id": relation_id, **relation, "created_at": added})
        for claim_id, new in new_facts.items():
            seen = first_mention[claim_id]
            if claim_id not in polarity_done and "affirms" in seen and "denies" in seen:
                polarity_done.add(claim_id)
                relation_id += 1
                relations.append(
                    {
                        "id": relation_id, "claim_id": claim_id, "related_claim_id": claim_id, "kind": "contradicts",
                        "contradiction": "polarity", "score": 100.0, "decider": "matcher",
                        "reason": "one source affirms what another denies", "mention_id": seen["affirms"],
                        "related_mention_id": seen["denies"], "created_at": added,
                    }
                )  # fmt: skip
            before = facts.get(claim_id, [])
            changes = track.changes_after(before, new)
            facts[claim_id] = before + new
            for change in changes:
                event_id += 1
                events.append(
                    {
                        "id": event_id, "claim_id": claim_id, "status": change.status.value,
                        "valid_at": change.valid_at, "recorded_at": change.recorded_at, "cause": change.cause.value,
                        "mention_id": change.ref_id if change.cause is FactKind.MENTION else None,
                        "review_id": change.ref_id if change.cause is FactKind.REVIEW else None,
                        "reviewer": change.reviewer, "note": change.note,
                    }
                )  # fmt: skip
            current = track.status_at(facts[claim_id])
            statuses[claim_id] = current.value if current else None
        out.relations.append(relations)
        out.events.append(events)
        out.statuses.append(statuses)
    for source, signature in zip(out.sources, _fingerprint_all(texts, processes)):
        source["fingerprint"] = signature
    return out


def _lookalike_relation(claims, i: int, published: datetime, plan_: Plan, first_mention, mention_id: int):
    """What ingest records when claim ``i`` (a look-alike with other figures) meets the claim it varies."""
    claim = claims[i]
    if claim.origin != "number" or claim.base is None or claim.base >= i:
        return None
    base = claims[claim.base]
    rel = relate(claim.normalized, base.normalized)
    if rel.kind not in (RelationKind.CONTRADICTS, RelationKind.UPDATES):
        return None
    kind, contradiction = rel.kind, rel.contradiction
    if contradiction is ContradictionKind.NUMERIC or kind is RelationKind.UPDATES:
        base_time = plan_.claim_created.get(claim.base + 1)
        base_time = base_time - timedelta(hours=1) if base_time else None
        kind = numeric_change(base.normalized.numbers, base_time, claim.normalized.numbers, published)
        if kind is RelationKind.SAME_AS:
            return None
        contradiction = ContradictionKind.NUMERIC if kind is RelationKind.CONTRADICTS else None
    return {
        "claim_id": i + 1, "related_claim_id": claim.base + 1, "kind": kind.value,
        "contradiction": contradiction.value if contradiction else None, "score": 0.95, "decider": "matcher",
        "reason": rel.reason, "mention_id": mention_id,
        "related_mention_id": min(first_mention.get(claim.base + 1, {}).values(), default=None),
    }  # fmt: skip


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

_BATCH = 20_000


def _write(connection: Connection, table, rows: list[dict]) -> None:
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        columns = list(rows[0])
        cursor = connection.connection.dbapi_connection.cursor()
        with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    for start in range(0, len(rows), _BATCH):
        connection.execute(table.insert(), rows[start : start + _BATCH])


def load(store: Store, plan_: Plan, n0: int, n1: int) -> dict[str, int]:
    """Grow the store from the plan's first ``n0`` claims to its first ``n1``; return rows written per table."""
    if n0 % CLAIMS_PER_SOURCE or n1 % CLAIMS_PER_SOURCE:
        raise ValueError(f"sizes must be multiples of {CLAIMS_PER_SOURCE}")
    s0, s1 = n0 // CLAIMS_PER_SOURCE, n1 // CLAIMS_PER_SOURCE
    if s1 > len(plan_.sources):
        raise ValueError(f"the plan has {len(plan_.sources) * CLAIMS_PER_SOURCE} claims, not {n1}")
    claims = plan_.corpus.claims
    status_now: dict[int, str | None] = {}
    for statuses in plan_.statuses[s0:s1]:
        status_now.update(statuses)
    counts: dict[str, int] = {}
    with store.engine.begin() as connection:
        # Speakers first used in these sources, with their aliases (as resolve_speaker adds them).
        taken = set(connection.execute(select(SpeakerAlias.__table__.c.key)).scalars())
        speakers, aliases = [], []
        alias_id = int(connection.execute(text("SELECT coalesce(max(id), 0) FROM speaker_aliases")).scalar())
        for k, first in sorted(plan_.speaker_first.items(), key=lambda kv: (kv[1], kv[0])):
            if not s0 <= first < s1:
                continue
            name = plan_.speakers[k]
            key = speaker_key(name)
            speakers.append(
                {"id": k + 1, "name": name, "key": key, "kind": "person", "role": None,
                 "created_at": plan_.sources[first]["added_at"]}
            )  # fmt: skip
            for alias_key, alias in ((key, name), (key.split()[-1], key.split()[-1])):
                if alias_key not in taken:
                    taken.add(alias_key)
                    alias_id += 1
                    aliases.append({"id": alias_id, "speaker_id": k + 1, "alias": alias, "key": alias_key})
        # Terms: ids in first-seen order; df recomputed from the postings below.
        term_ids = dict(connection.execute(select(Term.__table__.c.term, Term.__table__.c.id)).all())
        next_term = max(term_ids.values(), default=0)
        new_terms, postings, claim_rows = [], [], []
        for i in range(n0, n1):
            c = claims[i]
            for term in sorted(set(c.normalized.tokens)):
                term_id = term_ids.get(term)
                if term_id is None:
                    next_term += 1
                    term_id = term_ids[term] = next_term
                    new_terms.append({"id": term_id, "term": term, "df": 0})
                postings.append({"term_id": term_id, "claim_id": i + 1})
            claim_rows.append(
                {
                    "id": i + 1, "proposition": c.proposition, "normalized": c.normalized.text, "key": c.key,
                    "tokens": " ".join(c.normalized.tokens), "numbers": quantities_to_json(c.normalized.numbers),
                    "entities": names_to_json(c.normalized.entities), "antonym_text": c.normalized.antonym_text,
                    "created_at": plan_.claim_created[i + 1], "status": status_now.pop(i + 1, None),
                    "merged_into_id": None,
                }
            )  # fmt: skip
        tables = (
            (Source.__table__, plan_.sources[s0:s1]),
            (Speaker.__table__, speakers),
            (SpeakerAlias.__table__, aliases),
            (Claim.__table__, claim_rows),
            (Term.__table__, new_terms),
            (ClaimTerm.__table__, postings),
            (Mention.__table__, [m for rows in plan_.mentions[s0:s1] for m in rows]),
            (ClaimRelation.__table__, [r for rows in plan_.relations[s0:s1] for r in rows]),
            (ClaimStatusEvent.__table__, [e for rows in plan_.events[s0:s1] for e in rows]),
        )
        for table, rows in tables:
            _write(connection, table, rows)
            counts[table.name] = len(rows)
        # Posting blocks through the product's own function (what add_postings_many writes).
        new_ids: dict[int, list[int]] = {}
        for posting in postings:
            new_ids.setdefault(posting["term_id"], []).append(posting["claim_id"])
        add_to_posting_blocks(connection, new_ids)
        # Earlier claims whose status these sources changed.
        if status_now:
            connection.execute(
                text("UPDATE claims SET status = :status WHERE id = :id"),
                [{"id": claim_id, "status": status} for claim_id, status in status_now.items()],
            )
        _recount_df(connection)
        if connection.dialect.name == "postgresql":
            for table in ("sources", "speakers", "speaker_aliases", "claims", "terms", "mentions",
                          "claim_relations", "claim_status_events"):  # fmt: skip
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
    if store.dialect == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    return counts


def _recount_df(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "UPDATE terms SET df = c.n FROM (SELECT term_id, count(*) AS n FROM claim_terms GROUP BY term_id) AS c "
            "WHERE c.term_id = terms.id AND terms.df <> c.n"
        )
    else:
        connection.exec_driver_sql(
            "UPDATE terms SET df = (SELECT count(*) FROM claim_terms WHERE claim_terms.term_id = terms.id)"
        )
