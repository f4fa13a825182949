"""reviews.origin_claim_id: the claim a verdict was given on, so that unmerge gives it back

Stores written before it cannot tell where a verdict on a merged claim came from: the column
starts equal to the review's claim.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 19:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_claim_id', sa.Integer(), nullable=True))
    op.execute('UPDATE reviews SET origin_claim_id = claim_id')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.alter_column('origin_claim_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_reviews_origin_claim_id'), ['origin_claim_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_reviews_origin_claim_id_claims'), 'claims', ['origin_claim_id'], ['id']
        )


def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reviews_origin_claim_id_claims'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reviews_origin_claim_id'))
        batch_op.drop_column('origin_claim_id')
