"""The retrieval index kept in the store: terms with document frequencies, and postings.

:class:`StoreIndex` serves :class:`factdb.models.ClaimIndex` from SQL so that every CLI
invocation starts instantly at any store size (PITFALLS: rebuilding an in-memory index of 1M
claims costs ~6 s per process).  The same queries run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from factdb.models import StoredClaimView
from factdb.store.codec import normalized_from_row
from factdb.store.schema import Claim, ClaimTerm, Term

_claims = Claim.__table__
_terms = Term.__table__
_postings = ClaimTerm.__table__
_POSTINGS_BY_TERM = (
    select(_postings.c.claim_id)
    .where(_postings.c.term_id == bindparam("term_id"))
    .order_by(_postings.c.claim_id.desc())
    .limit(bindparam("limit"))
)

COOCCURRENCE_SCAN = 30_000
"""Postings rows a query may scan to find claims sharing two of its rarest terms (see
:meth:`StoreIndex.postings`); ~2-4 ms on SQLite at 1M claims."""


class StoreIndex:
    """:class:`factdb.models.ClaimIndex` over a store session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._term_ids: dict[str, int] = {}
        self._df: dict[str, int] = {}
        # Views read in this session (ingest makes one index per source; merges happen elsewhere).
        self._views: dict[int, StoredClaimView] = {}

    def claim_count(self) -> int:
        """The number of claims ever created (the highest id: O(1), close enough for idf)."""
        return int(self.session.execute(select(func.max(_claims.c.id))).scalar() or 0)

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """For each known term, how many claims contain it."""
        wanted = sorted(set(terms))
        if not wanted:
            return {}
        rows = self.session.execute(
            select(_terms.c.term, _terms.c.id, _terms.c.df).where(_terms.c.term.in_(wanted))
        ).all()
        self._term_ids.update((term, term_id) for term, term_id, _ in rows)
        self._df.update((term, df) for term, _, df in rows)
        return {term: df for term, _, df in rows}

    def postings(self, terms: Sequence[str], *, limit_per_term: int) -> dict[str, list[int]]:
        """For each term, claims containing it (at most ``limit_per_term``): all of them when they
        fit, newest first; otherwise the claims that also contain other query terms come first
        (see :data:`COOCCURRENCE_SCAN`), then the newest."""
        missing = [t for t in terms if t not in self._term_ids]
        if missing:
            self.document_frequencies(missing)
        found: dict[str, list[int]] = {}
        for term in terms:
            term_id = self._term_ids.get(term)
            if term_id is None:
                continue
            found[term] = self.session.execute(
                _POSTINGS_BY_TERM, {"term_id": term_id, "limit": limit_per_term}
            ).scalars().all()
        capped = [t for t in found if self._df.get(t, 0) > limit_per_term]
        if capped and len(found) >= 2:
            self._put_cooccurring_first(found, capped, limit_per_term)
        return found

    def _put_cooccurring_first(self, found: dict[str, list[int]], capped: list[str], limit: int) -> None:
        """In the lists of capped terms, put first the claims sharing >= 2 of the query's rarest terms.

        A recency cap alone misses an old claim whose every term is common (a store full of
        look-alikes: "unemployment in Alabama fell to 4.1 percent in October 2019" among thousands
        of months and states).  The rarest terms whose postings total at most ``COOCCURRENCE_SCAN``
        rows are intersected in SQL (one index range scan per term, grouped by claim).
        """
        chosen, total = [], 0
        for term in sorted(found, key=lambda t: (self._df[t], t)):
            if total + self._df[term] > COOCCURRENCE_SCAN:
                break
            chosen.append(self._term_ids[term])
            total += self._df[term]
        if len(chosen) < 2:
            return
        shared = func.count().label("shared")
        co = self.session.execute(
            select(_postings.c.claim_id)
            .where(_postings.c.term_id.in_(chosen))
            .group_by(_postings.c.claim_id)
            .having(func.count() >= 2)
            .order_by(shared.desc(), _postings.c.claim_id.desc())
            .limit(limit)
            .add_columns(shared)
        ).all()
        if not co:
            return
        rank = {claim_id: i for i, (claim_id, _) in enumerate(co)}
        contains: dict[int, set[int]] = {}
        capped_ids = {self._term_ids[t]: t for t in capped}
        for term_id, claim_id in self.session.execute(
            select(_postings.c.term_id, _postings.c.claim_id).where(
                _postings.c.term_id.in_(sorted(capped_ids)), _postings.c.claim_id.in_(sorted(rank))
            )
        ).all():
            contains.setdefault(term_id, set()).add(claim_id)
        for term_id, term in capped_ids.items():
            first = sorted(contains.get(term_id, ()), key=rank.__getitem__)
            if first:
                seen = set(first)
                found[term] = (first + [c for c in found[term] if c not in seen])[:limit]

    def claims(self, claim_ids: Sequence[int]) -> list[StoredClaimView]:
        """The unmerged claims with these ids, in id order (each read once per index: the final
        matches of a query are among its shortlist)."""
        if not claim_ids:
            return []
        wanted = sorted(set(claim_ids))
        missing = [claim_id for claim_id in wanted if claim_id not in self._views]
        if missing:
            rows = self.session.execute(
                select(
                    _claims.c.id,
                    _claims.c.proposition,
                    _claims.c.normalized,
                    _claims.c.tokens,
                    _claims.c.numbers,
                    _claims.c.entities,
                    _claims.c.antonym_text,
                ).where(_claims.c.id.in_(missing), _claims.c.merged_into_id.is_(None))
            ).all()
            for row in rows:
                self._views[row[0]] = StoredClaimView(
                    claim_id=row[0], proposition=row[1], normalized=normalized_from_row(*row[2:])
                )
        return [self._views[claim_id] for claim_id in wanted if claim_id in self._views]


def _insert_ignoring_duplicates(session: Session, table, rows: list[dict], key: str):
    dialect = session.get_bind().dialect.name
    maker = pg_insert if dialect == "postgresql" else sqlite_insert
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
    increments: dict[int, int] = {}
    for _, terms in per_claim:
        for t in terms:
            increments[term_ids[t]] = increments.get(term_ids[t], 0) + 1
    # Sorted ids: concurrent writers lock the shared rows in one order (no deadlock).
    by_count: dict[int, list[int]] = {}
    for term_id in sorted(increments):
        by_count.setdefault(increments[term_id], []).append(term_id)
    for count, ids in sorted(by_count.items()):
        session.execute(update(_terms).where(_terms.c.id.in_(ids)).values(df=_terms.c.df + count))
    session.execute(
        insert(_postings),
        [{"term_id": term_ids[t], "claim_id": claim_id} for claim_id, terms in per_claim for t in terms],
    )


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
