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


class StoreIndex:
    """:class:`factdb.models.ClaimIndex` over a store session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._term_ids: dict[str, int] = {}

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
        return {term: df for term, _, df in rows}

    def postings(self, terms: Sequence[str], *, limit_per_term: int) -> dict[str, list[int]]:
        """For each term, the newest claims containing it (at most ``limit_per_term``)."""
        missing = [t for t in terms if t not in self._term_ids]
        if missing:
            self.document_frequencies(missing)
        found: dict[str, list[int]] = {}
        for term in terms:
            term_id = self._term_ids.get(term)
            if term_id is None:
                continue
            found[term] = list(
                self.session.execute(_POSTINGS_BY_TERM, {"term_id": term_id, "limit": limit_per_term}).scalars()
            )
        return found

    def claims(self, claim_ids: Sequence[int]) -> list[StoredClaimView]:
        """The unmerged claims with these ids."""
        if not claim_ids:
            return []
        rows = self.session.execute(
            select(
                _claims.c.id,
                _claims.c.proposition,
                _claims.c.normalized,
                _claims.c.tokens,
                _claims.c.numbers,
                _claims.c.entities,
                _claims.c.antonym_text,
            ).where(_claims.c.id.in_(sorted(set(claim_ids))), _claims.c.merged_into_id.is_(None))
        ).all()
        return [
            StoredClaimView(claim_id=row[0], proposition=row[1], normalized=normalized_from_row(*row[2:]))
            for row in rows
        ]


def _insert_ignoring_duplicates(session: Session, table, rows: list[dict], key: str):
    dialect = session.get_bind().dialect.name
    maker = pg_insert if dialect == "postgresql" else sqlite_insert
    return session.execute(maker(table).on_conflict_do_nothing(index_elements=[key]), rows)


def add_postings(session: Session, claim_id: int, terms: Sequence[str]) -> None:
    """Index ``claim_id`` under ``terms`` and count it in their document frequencies."""
    distinct = sorted(set(terms))
    if not distinct:
        return
    _insert_ignoring_duplicates(session, _terms, [{"term": t, "df": 0} for t in distinct], "term")
    term_ids = list(
        session.execute(select(_terms.c.id).where(_terms.c.term.in_(distinct)).order_by(_terms.c.id)).scalars()
    )
    # Sorted ids: concurrent writers lock the shared rows in one order (no deadlock).
    session.execute(update(_terms).where(_terms.c.id.in_(term_ids)).values(df=_terms.c.df + 1))
    session.execute(insert(_postings), [{"term_id": t, "claim_id": claim_id} for t in term_ids])


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
