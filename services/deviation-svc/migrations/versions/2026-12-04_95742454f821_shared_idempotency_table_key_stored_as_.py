"""shared idempotency table: key stored as a hash

Revision ID: 95742454f821
Revises: 9670b5970f91
Create Date: 2026-12-04 09:38:09.364913

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import platform_shared.db

revision: str = '95742454f821'
down_revision: str | None = '9670b5970f91'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The old table kept keys in plain text and the whole first answer: it is replaced, not converted
    # (keys are short-lived; a repeat after the upgrade creates anew).
    op.drop_table('idempotency_key')
    op.create_table(
        'idempotency_key',
        sa.Column('actor_id', sa.Uuid(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=False),
        sa.Column('object_id', sa.Uuid(), nullable=False),
        sa.Column('created_at', platform_shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('actor_id', 'key_hash', name=op.f('pk_idempotency_key')),
    )
    op.create_index('ix_idempotency_key_created_at', 'idempotency_key', ['created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_idempotency_key_created_at', table_name='idempotency_key')
    op.drop_table('idempotency_key')
    op.create_table(
        'idempotency_key',
        sa.Column('actor_id', sa.Uuid(), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('scope', sa.String(length=300), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=False),
        sa.Column('response', platform_shared.db.JsonDocument(), nullable=False),
        sa.Column('created_at', platform_shared.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('actor_id', 'key', name=op.f('pk_idempotency_key')),
    )
