"""sources.claims_extracted: how many claims extraction gave when the source was added

``factdb db verify`` checks that every source is whole: all the mentions its add wrote, or none.
It did so by extracting each source's text again and comparing the count with the source's
mentions, which ties the check to the installed extractor: an extractor that reads one more claim
in a text would report every older source holding that text as half-written.  The count is now
stored with the source, in the transaction that writes its mentions, and the check compares with
it (no re-extraction).

Stores written before it have NULL here: those sources are still checked by re-extraction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 12:10:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claims_extracted', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_column('claims_extracted')
