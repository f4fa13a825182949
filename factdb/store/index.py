"""The retrieval index kept in the store: terms with document frequencies, and postings.

:class:`StoreIndex` serves :class:`factdb.models.ClaimIndex` from SQL so that every CLI
invocation starts instantly at any store size (PITFALLS: rebuilding an in-memory index of 1M
claims costs ~6 s per process).  The same queries run on SQLite and PostgreSQL.

Postings are kept twice: ``claim_terms`` (one row per claim and term: the record, which merges,
integrity checks and exports read) and ``posting_blocks`` (each term's claim ids packed in sorted
blocks of :data:`BLOCK_IDS`), which a match reads: a term in 20k claims is ~40 rows, decoded in C.
A match runs four reads through the driver's cursor (claim count, terms, posting blocks, claims)
and a fifth when a co-occurring claim must be looked up in a common term.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Sequence
from itertools import chain, filterfalse, islice

import numpy as np
from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from factdb.models import StoredClaimView
from factdb.store.codec import normalized_from_row, pack_ids, unpack_ids
from factdb.store.schema import Claim, ClaimTerm, PostingBlock, Term

_claims = Claim.__table__
_terms = Term.__table__
_postings = ClaimTerm.__table__
_blocks = PostingBlock.__table__

BLOCK_IDS = 512
"""Claim ids a posting block holds when filled by appending (2 KB: one SQLite page)."""

BLOCK_DTYPE = np.dtype("<u4")
"""How :func:`factdb.store.codec.pack_ids` lays ids out, for reading blocks straight into numpy."""

COOCCURRENCE_SCAN = 30_000
"""Postings a query may scan to find claims sharing two of its rarest terms (see
:meth:`StoreIndex.postings`): ~60 posting blocks, intersected in Python."""


class StoreIndex:
    """:class:`factdb.models.ClaimIndex` over a store session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._term_ids: dict[str, int] = {}
        self._df: dict[str, int] = {}
        # Claims read in this session (ingest makes one index per source; merges happen elsewhere).
        self._views: dict[int, StoredClaimView] = {}
        self._tokens: dict[int, tuple[str, ...]] = {}
        # Claims stored in this transaction and not indexed yet, by term (see note_unindexed).
        self._unindexed: dict[str, list[int]] = {}

    def _rows(self, sql: str, params: Sequence) -> list[tuple]:
        """Rows of ``sql`` (``?`` placeholders) through the driver's own cursor, in the session's
        transaction.  SQLAlchemy's execution costs ~0.1 ms a statement (more than these reads on
        SQLite), and a match runs four of them."""
        connection = self.session.connection()
        if connection.dialect.paramstyle != "qmark":
            sql = sql.replace("?", "%s")
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
            return cursor.fetchall()
        finally:
            cursor.close()

    def claim_count(self) -> int:
        """The number of claims ever created (the highest id: O(1), close enough for idf)."""
        return int(self._rows("SELECT max(id) FROM claims", ())[0][0] or 0)

    def note_unindexed(self, claim_id: int, terms: Sequence[str]) -> None:
        """Serve a claim stored in this transaction as if it were indexed under ``terms`` (the
        caller indexes it with :func:`add_postings_many` before the transaction ends): ingest
        indexes a source's new claims in one batch, and every query in between sees them.

        ``claim_id`` must be newer than every indexed claim (it comes last in each posting list).
        """
        for term in dict.fromkeys(terms):
            self._unindexed.setdefault(term, []).append(claim_id)
            if term in self._df:
                self._df[term] += 1

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """For each known term, how many claims contain it."""
        wanted = sorted(set(terms))
        if not wanted:
            return {}
        rows = self._rows(f"SELECT term, id, df FROM terms WHERE term IN ({_marks(wanted)})", wanted)
        self._term_ids.update((term, term_id) for term, term_id, _ in rows)
        stored = {term: df for term, _, df in rows}
        found = {
            term: stored.get(term, 0) + len(self._unindexed.get(term, ()))
            for term in wanted
            if term in stored or term in self._unindexed
        }
        self._df.update(found)
        return found

    def postings(self, terms: Sequence[str], *, limit_per_term: int) -> dict[str, list[int]]:
        """For each term, claims containing it (at most ``limit_per_term``): all of them when they
        fit, newest first; otherwise the claims that also contain other query terms come first
        (see :data:`COOCCURRENCE_SCAN`), then the newest.

        One statement reads the posting blocks: every block of the terms read whole (those within
        the cap, and the rarest capped ones the co-occurrence scans), the newest blocks of the others.
        """
        missing = [t for t in terms if t not in self._df]
        if missing:
            self.document_frequencies(missing)
        known = [t for t in dict.fromkeys(terms) if t in self._df]
        capped = {t for t in known if self._df.get(t, 0) > limit_per_term}
        chosen = self._cooccurrence_terms(known) if capped and len(known) >= 2 else []
        whole = [t for t in known if t not in capped or t in chosen]
        ids = self._read_postings(whole, [t for t in known if t in capped and t not in chosen], limit_per_term)
        found = {t: ids[t][: -limit_per_term - 1 : -1].tolist() if t in ids else [] for t in known}
        if len(chosen) >= 2:
            self._put_cooccurring_first(found, ids, chosen, [t for t in known if t in capped], limit_per_term)
        return found

    def _cooccurrence_terms(self, terms: list[str]) -> list[str]:
        """The query's rarest terms whose postings total at most :data:`COOCCURRENCE_SCAN`."""
        chosen, total = [], 0
        for term in sorted(terms, key=lambda t: (self._df[t], t)):
            if total + self._df[term] > COOCCURRENCE_SCAN:
                break
            chosen.append(term)
            total += self._df[term]
        return chosen

    def _read_postings(self, whole: list[str], newest: list[str], limit: int) -> dict[str, np.ndarray]:
        """Claim ids (ascending) of each term: all of them for ``whole``, at least the newest
        ``limit`` for ``newest``, from the posting blocks in one statement."""
        parts, params = [], []
        stored_whole = [t for t in whole if t in self._term_ids]
        if stored_whole:
            parts.append(
                f"SELECT term_id, first_id, ids FROM posting_blocks WHERE term_id IN ({_marks(stored_whole)})"
            )
            params.extend(self._term_ids[t] for t in stored_whole)
        last_blocks = -(-limit // BLOCK_IDS) + 1  # the last block may be nearly empty
        for k, term in enumerate(t for t in newest if t in self._term_ids):
            parts.append(
                f"SELECT * FROM (SELECT term_id, first_id, ids FROM posting_blocks WHERE term_id = ? "
                f"ORDER BY first_id DESC LIMIT ?) AS newest_{k}"
            )
            params.extend((self._term_ids[term], last_blocks))
        rows = self._rows(" UNION ALL ".join(parts), params) if parts else []
        by_term: dict[int, list[tuple[int, bytes]]] = {}
        for term_id, first_id, raw in rows:
            by_term.setdefault(term_id, []).append((first_id, raw))
        names = {self._term_ids[t]: t for t in chain(whole, newest) if t in self._term_ids}
        found = {}
        for term_id, blocks in by_term.items():
            ids = np.frombuffer(b"".join(raw for _, raw in sorted(blocks)), dtype=BLOCK_DTYPE)
            if len(blocks) > 1 and (ids[1:] < ids[:-1]).any():  # blocks overlap (concurrent first writers)
                ids = np.sort(ids)
            found[names[term_id]] = ids
        for term in chain(whole, newest):
            if term in self._unindexed:  # the newest claims, after every indexed one
                unindexed = np.array(self._unindexed[term], dtype=BLOCK_DTYPE)
                found[term] = np.concatenate((found[term], unindexed)) if term in found else unindexed
        short = [t for t in newest if len(found.get(t, ())) < min(limit, self._df[t])]
        if short:  # blocks emptied by merges: read those terms whole
            found.update(self._read_postings(short, [], limit))
        return found

    def _put_cooccurring_first(
        self, found: dict[str, list[int]], ids: dict[str, np.ndarray], chosen: list[str], capped: list[str], limit: int
    ) -> None:
        """In the lists of capped terms, put first the claims sharing >= 2 of the ``chosen`` terms
        (most shared first, then the newest; at most ``limit``).

        A recency cap alone misses an old claim whose every term is common (a store full of
        look-alikes: "unemployment in Alabama fell to 4.1 percent in October 2019" among thousands
        of months and states).  The chosen terms' whole posting lists (up to
        :data:`COOCCURRENCE_SCAN` ids) are merged and counted with numpy (~0.3 ms for 30k ids; a
        ``Counter`` takes ~10x that, the SQL ``GROUP BY`` it replaces 5-8 ms); the capped terms
        read only in part are probed in ``claim_terms`` for the co-occurring claims.
        """
        lists = [ids[t] for t in chosen if t in ids]
        if len(lists) < 2:
            return
        # Each list is sorted: a stable sort merges the runs (~8x faster than quicksort on 30k ids).
        every = np.sort(np.concatenate(lists), kind="stable")
        starts = np.flatnonzero(np.concatenate(([True], every[1:] != every[:-1])))
        counts = np.diff(np.append(starts, len(every)))
        several = counts >= 2
        if not several.any():
            return
        claims, shared = every[starts[several]].astype(np.int64), counts[several]
        rank = claims[np.lexsort((-claims, -shared))[:limit]]
        contains: dict[str, list[int]] = {}
        for term in capped:
            whole = ids.get(term) if term in chosen else None
            if whole is not None and len(whole):  # read whole: look the co-occurring claims up in it
                at = np.minimum(np.searchsorted(whole, rank), len(whole) - 1)
                contains[term] = rank[whole[at] == rank].tolist()
        probed_terms = [t for t in capped if t not in chosen]
        if probed_terms:  # without this lookup, close-hit recall at 1M claims fell from 0.959 to 0.950
            top = rank.tolist()
            position = {claim_id: i for i, claim_id in enumerate(top)}
            probed = {self._term_ids[t]: t for t in probed_terms if t in self._term_ids}
            rows = self._postings_among(sorted(probed), sorted(top)) if probed else []
            for term_id, claim_id in rows:
                contains.setdefault(probed[term_id], []).append(claim_id)
            for term in probed_terms:
                unindexed = [claim_id for claim_id in self._unindexed.get(term, ()) if claim_id in position]
                if unindexed:
                    contains.setdefault(term, []).extend(unindexed)
                if term in contains:
                    contains[term].sort(key=position.__getitem__)
        for term, first in contains.items():
            if first:
                rest = filterfalse(set(first).__contains__, found[term])  # the newest others, in order
                found[term] = first[:limit] + list(islice(rest, max(0, limit - len(first))))

    def _postings_among(self, term_ids: list[int], claim_ids: list[int]) -> list[tuple[int, int]]:
        """The ``(term_id, claim_id)`` postings of ``claim_terms`` among these terms and claims."""
        if self.session.get_bind().dialect.name == "postgresql":
            # PostgreSQL 15 reads every posting of the terms and filters them by claim (~35k rows
            # for ~900 pairs, 3.6 ms at 1M claims); joined on the pairs, it looks each up in the
            # primary key (2.4 ms, round trip included).
            pairs = [(term_id, claim_id) for term_id in term_ids for claim_id in claim_ids]
            return self._rows(
                "SELECT t.term_id, t.claim_id FROM claim_terms AS t "
                "JOIN unnest(?::int[], ?::int[]) AS p (term_id, claim_id) "
                "ON t.term_id = p.term_id AND t.claim_id = p.claim_id",
                [[term_id for term_id, _ in pairs], [claim_id for _, claim_id in pairs]],
            )
        return self._rows(
            f"SELECT term_id, claim_id FROM claim_terms WHERE term_id IN ({_marks(term_ids)}) "
            f"AND claim_id IN ({_marks(claim_ids)})",
            [*term_ids, *claim_ids],
        )

    def claim_tokens(self, claim_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """The tokens of the unmerged claims with these ids, in id order: a shortlist of ~150 is
        ranked on them, and only the few it returns are read whole (:meth:`claims`)."""
        wanted = sorted(set(claim_ids))
        missing = [claim_id for claim_id in wanted if claim_id not in self._tokens]
        if missing:
            rows = self._rows(
                f"SELECT id, tokens FROM claims WHERE id IN ({_marks(missing)}) AND merged_into_id IS NULL", missing
            )
            self._tokens.update((claim_id, tuple(tokens.split())) for claim_id, tokens in rows)
        return {claim_id: self._tokens[claim_id] for claim_id in wanted if claim_id in self._tokens}

    def statuses(self, claim_ids: Sequence[int]) -> dict[int, str | None]:
        """The current status of each claim with these ids (``claims.status``; None when unknown)."""
        wanted = sorted(set(claim_ids))
        if not wanted:
            return {}
        return dict(self._rows(f"SELECT id, status FROM claims WHERE id IN ({_marks(wanted)})", wanted))

    def claims(self, claim_ids: Sequence[int]) -> list[StoredClaimView]:
        """The unmerged claims with these ids, in id order (each read once per index: the final
        matches of a query are among its shortlist)."""
        if not claim_ids:
            return []
        wanted = sorted(set(claim_ids))
        missing = [claim_id for claim_id in wanted if claim_id not in self._views]
        if missing:
            rows = self._rows(
                "SELECT id, proposition, normalized, tokens, numbers, entities, antonym_text FROM claims "
                f"WHERE id IN ({_marks(missing)}) AND merged_into_id IS NULL",
                missing,
            )
            for row in rows:
                self._views[row[0]] = StoredClaimView(
                    claim_id=row[0], proposition=row[1], normalized=normalized_from_row(*row[2:])
                )
        return [self._views[claim_id] for claim_id in wanted if claim_id in self._views]


def _marks(values: Sequence) -> str:
    return ", ".join("?" * len(values))


def _insert_ignoring_duplicates(session: Session, table, rows: list[dict], key: str):
    # Only the store's own dialect: importing the PostgreSQL one costs 30-70 ms on a SQLite store.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as maker
    else:
        from sqlalchemy.dialects.sqlite import insert as maker
    return session.execute(maker(table).on_conflict_do_nothing(index_elements=[key]), rows)


def add_postings(session: Session, claim_id: int, terms: Sequence[str]) -> None:
    """Index ``claim_id`` under ``terms`` and count it in their document frequencies."""
    add_postings_many(session, [(claim_id, terms)])


def add_postings_many(session: Session, items: Sequence[tuple[int, Sequence[str]]]) -> None:
    """Index each ``(claim_id, terms)`` pair, in a few statements for the whole batch (a new claim
    id appears once in ``items``)."""
    per_claim = [(claim_id, sorted(set(terms))) for claim_id, terms in items]
    distinct = sorted({t for _, terms in per_claim for t in terms})
    if not distinct:
        return
    _insert_ignoring_duplicates(session, _terms, [{"term": t, "df": 0} for t in distinct], "term")
    term_ids = dict(session.execute(select(_terms.c.term, _terms.c.id).where(_terms.c.term.in_(distinct))).all())
    new_ids: dict[int, list[int]] = {}
    for claim_id, terms in per_claim:
        for t in terms:
            new_ids.setdefault(term_ids[t], []).append(claim_id)
    # Sorted ids: concurrent writers lock the shared rows in one order (no deadlock).
    by_count: dict[int, list[int]] = {}
    for term_id in sorted(new_ids):
        by_count.setdefault(len(new_ids[term_id]), []).append(term_id)
    for count, ids in sorted(by_count.items()):
        session.execute(update(_terms).where(_terms.c.id.in_(ids)).values(df=_terms.c.df + count))
    session.execute(
        insert(_postings),
        [{"term_id": term_id, "claim_id": claim_id} for term_id, claims in new_ids.items() for claim_id in claims],
    )
    add_to_posting_blocks(session, new_ids)


def appended_blocks(last: array | None, ids: Sequence[int]) -> tuple[array | None, list[array]]:
    """Append ascending ``ids`` (all newer than ``last``'s) to a term's postings: ``last`` filled up
    to :data:`BLOCK_IDS` (None when it took none of them), then new blocks of :data:`BLOCK_IDS`.

    Appending one claim at a time or a batch at once gives the same blocks (the bulk loader of the
    benchmarks relies on it).

    >>> grown, new = appended_blocks(array("I", range(1, 511)), range(511, 1100))
    >>> len(grown), [(b[0], len(b)) for b in new]
    (512, [(513, 512), (1025, 75)])
    """
    ids = list(ids)
    grown = None
    if last is not None and len(last) < BLOCK_IDS and ids:
        grown = array("I", last)
        room = BLOCK_IDS - len(last)
        grown.extend(ids[:room])
        ids = ids[room:]
    return grown, [array("I", ids[i : i + BLOCK_IDS]) for i in range(0, len(ids), BLOCK_IDS)]


def last_blocks(session: Session | Connection, term_ids: Sequence[int]) -> dict[int, tuple[int, array]]:
    """Each term's last posting block: term id -> (first id, claim ids); on PostgreSQL the rows
    are locked until the transaction ends (concurrent writers append in turn)."""
    if not term_ids:
        return {}
    later = _blocks.alias("later")
    last = select(func.max(later.c.first_id)).where(later.c.term_id == _blocks.c.term_id).scalar_subquery()
    query = (
        select(_blocks.c.term_id, _blocks.c.first_id, _blocks.c.ids)
        .where(_blocks.c.term_id.in_(sorted(term_ids)), _blocks.c.first_id == last)
        .order_by(_blocks.c.term_id)
    )
    dialect = session.get_bind().dialect if isinstance(session, Session) else session.dialect
    if dialect.name == "postgresql":
        query = query.with_for_update(of=_blocks)
    return {term_id: (first_id, unpack_ids(raw)) for term_id, first_id, raw in session.execute(query).all()}


def add_to_posting_blocks(session: Session | Connection, new_ids: dict[int, list[int]]) -> None:
    """Add claim ids (term id -> ids) to the terms' posting blocks: appended to each term's last
    block (new blocks when it is full); an id older than the last block's newest (an unmerged
    claim) goes into the block whose range holds it.  ``claim_terms`` is the caller's to write
    (:func:`add_postings_many`; the benchmarks' bulk loader calls this with a connection)."""
    tails = last_blocks(session, list(new_ids))
    updates, inserts, older = [], [], []
    for term_id in sorted(new_ids):
        ids = sorted(new_ids[term_id])
        first_id, last = tails.get(term_id, (None, None))
        if last is not None:
            cut = bisect.bisect_right(ids, last[-1])
            if cut:
                older.append((term_id, ids[:cut]))
            ids = ids[cut:]
        grown, new = appended_blocks(last, ids)
        if grown is not None:
            updates.append({"t": term_id, "f": first_id, "ids": pack_ids(grown)})
        inserts.extend({"term_id": term_id, "first_id": block[0], "ids": pack_ids(block)} for block in new)
    if updates:
        session.execute(
            update(_blocks)
            .where(_blocks.c.term_id == bindparam("t"), _blocks.c.first_id == bindparam("f"))
            .values(ids=bindparam("ids")),
            updates,
        )
    if inserts:
        session.execute(insert(_blocks), inserts)
    for term_id, ids in older:
        for claim_id in ids:
            _change_block(session, term_id, claim_id, add=True)


def _change_block(session: Session | Connection, term_id: int, claim_id: int, *, add: bool) -> None:
    """Insert ``claim_id`` into (or remove it from) the block of ``term_id`` whose range holds it."""
    query = select(_blocks.c.first_id, _blocks.c.ids).where(_blocks.c.term_id == term_id)
    row = session.execute(
        query.where(_blocks.c.first_id <= claim_id).order_by(_blocks.c.first_id.desc()).limit(1)
    ).first()
    if row is None and add:  # older than the term's every block: the first block takes it
        row = session.execute(query.order_by(_blocks.c.first_id).limit(1)).first()
    if row is None:
        if add:
            session.execute(insert(_blocks).values(term_id=term_id, first_id=claim_id, ids=pack_ids([claim_id])))
        return
    first_id, ids = row[0], unpack_ids(row[1])
    i = bisect.bisect_left(ids, claim_id)
    present = i < len(ids) and ids[i] == claim_id
    if add == present:
        return
    if add:
        ids.insert(i, claim_id)
    else:
        del ids[i]
    where = (_blocks.c.term_id == term_id) & (_blocks.c.first_id == first_id)
    if ids:
        session.execute(update(_blocks).where(where).values(first_id=ids[0], ids=pack_ids(ids)))
    else:
        session.execute(delete(_blocks).where(where))


def remove_postings(session: Session, claim_id: int) -> None:
    """Take ``claim_id`` out of the index (a merged claim is no longer retrieved)."""
    term_ids = list(
        session.execute(
            select(_postings.c.term_id).where(_postings.c.claim_id == claim_id).order_by(_postings.c.term_id)
        ).scalars()
    )
    if not term_ids:
        return
    session.execute(update(_terms).where(_terms.c.id.in_(term_ids)).values(df=_terms.c.df - 1))
    session.execute(delete(_postings).where(_postings.c.claim_id == claim_id))
    for term_id in term_ids:
        _change_block(session, term_id, claim_id, add=False)
