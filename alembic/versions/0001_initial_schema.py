"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 16:17:32.319319
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposition', sa.Text(), nullable=False),
    sa.Column('normalized', sa.Text(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('tokens', sa.Text(), nullable=False),
    sa.Column('numbers', sa.Text(), nullable=False),
    sa.Column('entities', sa.Text(), nullable=False),
    sa.Column('antonym_text', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IS NULL OR status IN ('reported', 'corroborated', 'disputed', 'confirmed', 'false', 'misleading', 'unproven', 'retracted')", name=op.f('ck_claims_status')),
    sa.ForeignKeyConstraint(['merged_into_id'], ['claims.id'], name=op.f('fk_claims_merged_into_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('key', name=op.f('uq_claims_key'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_status'), ['status'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('outlet', sa.String(length=300), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('author', sa.String(length=300), nullable=True),
    sa.Column('language', sa.String(length=35), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fingerprint', sa.BigInteger(), nullable=False),
    sa.Column('story_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['story_id'], ['sources.id'], name=op.f('fk_sources_story_id_sources')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_sources_content_hash'))
    )
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sources_added_at'), ['added_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sources_published_at'), ['published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sources_story_id'), ['story_id'], unique=False)

    op.create_table('speakers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('role', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('person', 'organisation', 'unknown')", name=op.f('ck_speakers_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speakers')),
    sa.UniqueConstraint('key', name=op.f('uq_speakers_key'))
    )
    op.create_table('terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('df', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_terms')),
    sa.UniqueConstraint('term', name=op.f('uq_terms_term'))
    )
    op.create_table('claim_terms',
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_terms_claim_id_claims'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['term_id'], ['terms.id'], name=op.f('fk_claim_terms_term_id_terms')),
    sa.PrimaryKeyConstraint('term_id', 'claim_id', name=op.f('pk_claim_terms'))
    )
    with op.batch_alter_table('claim_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_terms_claim_id'), ['claim_id'], unique=False)

    op.create_table('mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('origin_claim_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=True),
    sa.Column('speaker_role', sa.String(length=300), nullable=True),
    sa.Column('stance', sa.String(length=8), nullable=False),
    sa.Column('hedged', sa.Boolean(), nullable=False),
    sa.Column('hedge_cue', sa.String(length=100), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('start_offset', sa.Integer(), nullable=False),
    sa.Column('end_offset', sa.Integer(), nullable=False),
    sa.Column('quantities', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stance IN ('affirms', 'denies')", name=op.f('ck_mentions_stance')),
    sa.CheckConstraint('start_offset >= 0 AND end_offset >= start_offset', name=op.f('ck_mentions_offsets')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_mentions_claim_id_claims')),
    sa.ForeignKeyConstraint(['origin_claim_id'], ['claims.id'], name=op.f('fk_mentions_origin_claim_id_claims')),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_mentions_source_id_sources'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_id'], ['speakers.id'], name=op.f('fk_mentions_speaker_id_speakers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentions'))
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentions_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_origin_claim_id'), ['origin_claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reviewer', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('reported', 'corroborated', 'disputed', 'confirmed', 'false', 'misleading', 'unproven', 'retracted')", name=op.f('ck_reviews_status')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_reviews_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_claim_id'), ['claim_id'], unique=False)

    op.create_table('speaker_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=300), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['speaker_id'], ['speakers.id'], name=op.f('fk_speaker_aliases_speaker_id_speakers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker_aliases')),
    sa.UniqueConstraint('key', name=op.f('uq_speaker_aliases_key'))
    )
    with op.batch_alter_table('speaker_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_aliases_speaker_id'), ['speaker_id'], unique=False)

    op.create_table('claim_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('related_claim_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('contradiction', sa.String(length=10), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('decider', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('mention_id', sa.Integer(), nullable=True),
    sa.Column('related_mention_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("contradiction IS NULL OR contradiction IN ('polarity', 'numeric', 'antonym')", name=op.f('ck_claim_relations_contradiction')),
    sa.CheckConstraint("decider IN ('matcher', 'reviewer')", name=op.f('ck_claim_relations_decider')),
    sa.CheckConstraint("kind IN ('same_as', 'contradicts', 'updates', 'related')", name=op.f('ck_claim_relations_kind')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_relations_claim_id_claims')),
    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], name=op.f('fk_claim_relations_mention_id_mentions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['related_claim_id'], ['claims.id'], name=op.f('fk_claim_relations_related_claim_id_claims')),
    sa.ForeignKeyConstraint(['related_mention_id'], ['mentions.id'], name=op.f('fk_claim_relations_related_mention_id_mentions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_relations')),
    sa.UniqueConstraint('claim_id', 'related_claim_id', 'kind', name=op.f('uq_claim_relations_claim_id_related_claim_id_kind'))
    )
    with op.batch_alter_table('claim_relations', schema=None) as batch_op:
        batch_op.create_index('ix_claim_relations_kind_created_at', ['kind', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_relations_mention_id'), ['mention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_relations_related_claim_id'), ['related_claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_relations_related_mention_id'), ['related_mention_id'], unique=False)

    op.create_table('claim_status_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('valid_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cause', sa.String(length=8), nullable=False),
    sa.Column('mention_id', sa.Integer(), nullable=True),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('reviewer', sa.String(length=300), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.CheckConstraint("cause IN ('mention', 'review', 'merge', 'unmerge')", name=op.f('ck_claim_status_events_cause')),
    sa.CheckConstraint("status IN ('reported', 'corroborated', 'disputed', 'confirmed', 'false', 'misleading', 'unproven', 'retracted')", name=op.f('ck_claim_status_events_status')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_status_events_claim_id_claims')),
    sa.ForeignKeyConstraint(['mention_id'], ['mentions.id'], name=op.f('fk_claim_status_events_mention_id_mentions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_claim_status_events_review_id_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_status_events'))
    )
    with op.batch_alter_table('claim_status_events', schema=None) as batch_op:
        batch_op.create_index('ix_claim_status_events_claim_id_valid_at', ['claim_id', 'valid_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_status_events_mention_id'), ['mention_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_status_events_recorded_at'), ['recorded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_status_events_review_id'), ['review_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('claim_status_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_status_events_review_id'))
        batch_op.drop_index(batch_op.f('ix_claim_status_events_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_claim_status_events_mention_id'))
        batch_op.drop_index('ix_claim_status_events_claim_id_valid_at')

    op.drop_table('claim_status_events')
    with op.batch_alter_table('claim_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_relations_related_mention_id'))
        batch_op.drop_index(batch_op.f('ix_claim_relations_related_claim_id'))
        batch_op.drop_index(batch_op.f('ix_claim_relations_mention_id'))
        batch_op.drop_index('ix_claim_relations_kind_created_at')

    op.drop_table('claim_relations')
    with op.batch_alter_table('speaker_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_aliases_speaker_id'))

    op.drop_table('speaker_aliases')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_claim_id'))

    op.drop_table('reviews')
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentions_speaker_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_source_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_origin_claim_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_claim_id'))

    op.drop_table('mentions')
    with op.batch_alter_table('claim_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_terms_claim_id'))

    op.drop_table('claim_terms')
    op.drop_table('terms')
    op.drop_table('speakers')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sources_story_id'))
        batch_op.drop_index(batch_op.f('ix_sources_published_at'))
        batch_op.drop_index(batch_op.f('ix_sources_added_at'))

    op.drop_table('sources')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claims_status'))
        batch_op.drop_index(batch_op.f('ix_claims_merged_into_id'))
        batch_op.drop_index(batch_op.f('ix_claims_created_at'))

    op.drop_table('claims')
