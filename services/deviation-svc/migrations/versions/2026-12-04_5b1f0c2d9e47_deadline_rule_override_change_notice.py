"""deadline_rule_override: a change notice (PostgreSQL NOTIFY) for the per-process cache

Revision ID: 5b1f0c2d9e47
Revises: 1ec5b3fd3a3b
Create Date: 2026-12-04 22:05:00

"""
from collections.abc import Sequence

from alembic import op

from platform_shared.deadlines.overrides import override_notify_sql

revision: str = '5b1f0c2d9e47'
down_revision: str | None = '1ec5b3fd3a3b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite (the embedded default) has no NOTIFY: there the overrides are read on every use.
    if op.get_bind().dialect.name == "postgresql":
        for statement in override_notify_sql()[0]:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in override_notify_sql()[1]:
            op.execute(statement)
