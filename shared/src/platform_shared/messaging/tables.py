"""Outbox, inbox and dead-letter tables, attached to each service's own MetaData so its Alembic owns them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    text,
)

from platform_shared.db import JsonType, UtcDateTime


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    inbox: Table
    dead_letter: Table


def attach_messaging_tables(metadata: MetaData) -> MessagingTables:
    outbox = Table(
        "outbox_message",
        metadata,
        Column("seq", BigInteger().with_variant(Integer(), "sqlite"), Identity(), primary_key=True),
        Column("event_id", Uuid, nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("payload", JsonType(), nullable=False),
        Column("headers", JsonType(), nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("published_at", UtcDateTime(), nullable=True),
        # A row the bus refused: its attempts, error and next try (its key waits until then).
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("last_error", Text, nullable=True),
        Column("next_attempt_at", UtcDateTime(), nullable=True),
        # Published rows are kept: they are the service's event log (read models rebuild from it).
        Index(
            "ix_outbox_message_unpublished",
            "seq",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
        Index(
            "ix_outbox_message_refused",
            "topic",
            "key",
            "seq",
            postgresql_where=text("published_at IS NULL AND next_attempt_at IS NOT NULL"),
            sqlite_where=text("published_at IS NULL AND next_attempt_at IS NOT NULL"),
        ),
    )
    inbox = Table(
        "inbox_message",
        metadata,
        Column("consumer", String(200), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("received_at", UtcDateTime(), nullable=False),
    )
    dead_letter = Table(
        "dead_letter",
        metadata,
        Column("id", BigInteger().with_variant(Integer(), "sqlite"), Identity(), primary_key=True),
        Column("consumer", String(200), nullable=False, index=True),
        Column("topic", String(200), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("key", String(200), nullable=True),
        Column("event_id", Uuid, nullable=True),
        Column("event_type", String(200), nullable=True),
        Column("value", LargeBinary, nullable=False),
        Column("headers", JsonType(), nullable=True),
        Column("error", Text, nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("failed_at", UtcDateTime(), nullable=False),
        # Set when a redrive applied it (or found it already applied): no longer holds its key.
        Column("resolved_at", UtcDateTime(), nullable=True),
        Column("resolution", String(40), nullable=True),
        # Open dead letters hold the later events of their key (order per aggregate).
        Index(
            "ix_dead_letter_open",
            "consumer",
            "key",
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
    )
    return MessagingTables(outbox=outbox, inbox=inbox, dead_letter=dead_letter)
