"""idempotency table (key stored as a hash)

Revision ID: 7c1e0a9d4b21
Revises: ba739f8cee79
Create Date: 2026-12-04 12:36:41.022754

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import platform_shared.db


revision: str = '7c1e0a9d4b21'
down_revision: str | None = 'ba739f8cee79'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Idempotency-Key on every creating POST (platform_shared.idempotency): the key only as a hash.
    op.create_table('idempotency_key',
    sa.Column('actor_id', sa.Uuid(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('object_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', platform_shared.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('actor_id', 'key_hash', name=op.f('pk_idempotency_key'))
    )
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.create_index('ix_idempotency_key_created_at', ['created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('idempotency_key', schema=None) as batch_op:
        batch_op.drop_index('ix_idempotency_key_created_at')

    op.drop_table('idempotency_key')
