"""Read models only: facts projected from other services' events, and the notifications they cause."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

from sqlalchemy import Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.db import UtcDateTime, make_metadata
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.orgreplica.tables import attach_replica_tables


class Base(DeclarativeBase):
    metadata = make_metadata()


class DeviationFact(Base):
    """One row per reported deviation (from DeviationReported); ids and facts, no description."""

    __tablename__ = "deviation_fact"
    __table_args__ = (Index("ix_deviation_fact_reported_unit", "reported_at", "unit_id"),)

    deviation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    category: Mapped[str | None] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(20))


class RiskFact(Base):
    """One row per risk, its latest assessment (from RiskAssessed)."""

    __tablename__ = "risk_fact"
    __table_args__ = (Index("ix_risk_fact_assessed_unit", "assessed_at", "unit_id"),)

    risk_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    probability: Mapped[int] = mapped_column()
    consequence: Mapped[int] = mapped_column()
    risk_value: Mapped[int] = mapped_column()
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("event_id", "recipient_id"),
        Index("ix_notification_recipient_created", "recipient_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    recipient_id: Mapped[uuid.UUID] = mapped_column()
    event_id: Mapped[uuid.UUID] = mapped_column()
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    deviation_id: Mapped[uuid.UUID | None] = mapped_column()
    reference: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


deviation_fact = cast(Table, DeviationFact.__table__)
risk_fact = cast(Table, RiskFact.__table__)
notification = cast(Table, Notification.__table__)

messaging = attach_messaging_tables(Base.metadata)
replica = attach_replica_tables(Base.metadata)
