"""claims.numbers and claims.key recomputed by the installed normalizer (one number parser)

Since "One number parser" (cf0b5a3) and "Years: kept beside extraction's figures" (67ae41f),
``normalize_claim`` reads a claim's figures with :mod:`factdb.quantities` and keeps the
proposition's years beside extraction's figures.  Text and tokens are unchanged, but ``numbers``
(a day of the month is no figure any more, a year is kept) and so the key that hashes them changed
for a few percent of claims.  A store written before holds the old values: a claim stated again
misses the exact-key lookup, and matching, comparing the new numbers with the old ones, may store
it a second time.

This is a data migration that applies the installed normalizer, on purpose: it imports product
code (:func:`factdb.quantities.find_quantities`, :func:`factdb.normalize.normalize_claim`,
:mod:`factdb.store.codec`, :func:`factdb.store.writes.claim_key`), so it computes each claim's
numbers and key exactly as ingest (``factdb.ingest.prepare``) computes them for the same
candidate now:

    normalize_claim(candidate.proposition, candidate.quantities, candidate.entities)

from what the store keeps of the candidate that created the claim: ``claims.proposition``,
``claims.entities`` and its first mention (the lowest ``mentions.id`` whose ``origin_claim_id``
is the claim; merges move ``claim_id``, never ``origin_claim_id``).  Extraction's figures are read
again from that mention's ``quote`` (``candidate.text``, the sentence extraction reads them from:
``quantities=find_quantities(sentence)``), not taken from ``mentions.quantities``: the same parser
change altered what extraction reads ("$8B", "3km", "5G", "a billionaire"), and a store written
before holds the old reading there.

- Only rows whose numbers or key change are written; running it again changes nothing.
- A claim whose normalized text or tokens are not what the installed normalizer gives (not one
  of the changes above), or that has no mention, is left as it is.
- A claim's new key may already belong to another claim (the two differed only by what the old
  parser read as a figure, "on March 14" and "on March 15"): keys are unique, and a migration
  does not merge, so the later claim keeps its old key and numbers (the earlier one, or the
  one already holding the key, keeps it).  Such claims are counted and logged;
  ``factdb merge`` can join them.
- Claims are read in batches by id and written per batch: memory stays bounded by the batch
  (plus the rare claims waiting for a later claim to give up the key they want).

Downgrade is a no-op: the old parser's numbers cannot be recomputed without the old code, and
the old code reads a store with new keys the way the new code reads one with old keys: a claim
stated again may be stored twice until merged, and nothing is lost.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 20:10:00
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

from factdb.normalize import normalize_claim
from factdb.quantities import find_quantities
from factdb.store.codec import names_from_json, quantities_to_json
from factdb.store.writes import claim_key

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000
"""Claims read, recomputed and written at a time."""

_log = logging.getLogger("alembic.runtime.migration")

# The columns this migration reads and writes, as they are at this revision (not the models,
# which later revisions may change).
_claims = sa.table(
    "claims",
    sa.column("id", sa.Integer),
    sa.column("proposition", sa.Text),
    sa.column("normalized", sa.Text),
    sa.column("tokens", sa.Text),
    sa.column("key", sa.String),
    sa.column("numbers", sa.Text),
    sa.column("entities", sa.Text),
)
_mentions = sa.table(
    "mentions", sa.column("id", sa.Integer), sa.column("origin_claim_id", sa.Integer), sa.column("quote", sa.Text)
)


class Rekeyed:
    """What :func:`rekey` did: claims read, and those written, left as they were, or not keyed.

    (Plain classes here: Alembic loads migration scripts outside ``sys.modules``, where
    ``dataclasses`` cannot resolve annotations.)"""

    def __init__(self) -> None:
        self.claims = 0
        self.numbers_only = 0  # numbers rewritten, key unchanged
        self.rekeyed = 0  # numbers and key rewritten
        self.collisions = 0  # new key held by another claim: old key and numbers kept
        self.text_differs = 0  # normalized text or tokens differ from the stored ones: left as is
        self.no_mention = 0  # no mention to read extraction's figures from: left as is


class _Change(NamedTuple):
    claim_id: int
    old_key: str
    key: str
    numbers: str


def upgrade() -> None:
    done = rekey(op.get_bind())
    _log.info(
        "Rekeyed claims: %d read, %d new keys, %d new numbers only; left as they were: %d whose new "
        "key another claim holds, %d whose text the normalizer now reads otherwise, %d without a mention",
        done.claims, done.rekeyed, done.numbers_only, done.collisions, done.text_differs, done.no_mention,
    )


def downgrade() -> None:
    """Nothing to undo (see the module docstring): the new numbers and keys stay."""


def rekey(connection: sa.Connection, *, batch: int = BATCH) -> Rekeyed:
    """Recompute every claim's numbers and key with the installed normalizer; return the counts."""
    done = Rekeyed()
    keys = _Keys(connection)
    first_mention = (
        sa.select(sa.func.min(_mentions.c.id))
        .where(_mentions.c.origin_claim_id == _claims.c.id)
        .correlate(_claims)
        .scalar_subquery()
    )
    query = (
        sa.select(
            _claims.c.id, _claims.c.proposition, _claims.c.normalized, _claims.c.tokens, _claims.c.key,
            _claims.c.numbers, _claims.c.entities, _mentions.c.quote,
        )
        .select_from(_claims.outerjoin(_mentions, _mentions.c.id == first_mention))
        .where(_claims.c.id > sa.bindparam("after"))
        .order_by(_claims.c.id)
        .limit(batch)
    )
    after = 0
    while rows := connection.execute(query, {"after": after}).all():
        after = rows[-1].id
        done.claims += len(rows)
        changes = [change for row in rows if (change := _recomputed(row, done)) is not None]
        keys.write(changes, done)
    done.collisions += keys.waiting()
    return done


def _recomputed(row, done: Rekeyed) -> _Change | None:
    """The claim's new numbers and key as ingest computes them now, or None when unchanged."""
    if row.quote is None:
        done.no_mention += 1
        return None
    normalized = normalize_claim(row.proposition, find_quantities(row.quote), names_from_json(row.entities))
    if normalized.text != row.normalized or " ".join(normalized.tokens) != row.tokens:
        done.text_differs += 1
        return None
    numbers, key = quantities_to_json(normalized.numbers), claim_key(normalized)
    if numbers == row.numbers and key == row.key:
        return None
    return _Change(row.id, row.key, key, numbers)


class _Keys:
    """Writes claims' new keys without ever giving one key to two claims.

    Claims come in id order.  A claim whose new key no claim holds takes it; one whose new key is
    held for good (by an earlier claim, or by a claim keeping its key) keeps its old key.  When the
    holder is a claim not read yet, or one itself waiting, the claim waits: it takes the key if
    the holder moves to another key, else keeps its own in the end.  A key an earlier claim waits
    for is kept for it: ids decide who takes a key, not the order in which keys are freed.
    """

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.waiting_for: dict[str, _Change] = {}  # key -> the (earliest) claim waiting for it
        self.waiting_ids: set[int] = set()

    def write(self, changes: list[_Change], done: Rekeyed) -> None:
        """Write one batch's changes (in id order), with the keys that frees for earlier claims."""
        wanted = sorted({c.key for c in changes if c.key != c.old_key})
        holder: dict[str, int | None] = dict.fromkeys(wanted)
        if wanted:
            holder.update(
                self.connection.execute(sa.select(_claims.c.key, _claims.c.id).where(_claims.c.key.in_(wanted))).all()
            )
        updates: list[_Change] = []
        for change in changes:
            if change.key == change.old_key:
                updates.append(change)
                done.numbers_only += 1
                continue
            held_by = holder[change.key]
            if change.key in self.waiting_for:
                done.collisions += 1  # an earlier claim waits for this key
            elif held_by is None:
                self._take(change, holder, updates, done)
            elif held_by < change.claim_id and held_by not in self.waiting_ids:
                done.collisions += 1  # held for good
            else:
                self.waiting_for[change.key] = change
                self.waiting_ids.add(change.claim_id)
        if updates:
            self.connection.execute(
                sa.update(_claims)
                .where(_claims.c.id == sa.bindparam("claim"))
                .values(key=sa.bindparam("new_key"), numbers=sa.bindparam("new_numbers")),
                [{"claim": c.claim_id, "new_key": c.key, "new_numbers": c.numbers} for c in updates],
            )

    def _take(self, change: _Change, holder: dict[str, int | None], updates: list[_Change], done: Rekeyed) -> None:
        """Give ``change`` its new key, then its old key to the claim waiting for it (and so on):
        ``updates`` keeps the order in which the unique keys allow them to be written."""
        while change is not None:
            updates.append(change)
            done.rekeyed += 1
            holder[change.key] = change.claim_id
            holder[change.old_key] = None
            self.waiting_ids.discard(change.claim_id)
            change = self.waiting_for.pop(change.old_key, None)

    def waiting(self) -> int:
        """How many claims still wait for a key (they keep their own)."""
        return len(self.waiting_for)
