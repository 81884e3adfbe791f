from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.db import UtcDateTime, make_metadata
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.orgreplica.tables import attach_replica_tables
from platform_shared.references import attach_reference_counter


class Base(DeclarativeBase):
    metadata = make_metadata()


class Deviation(Base):
    __tablename__ = "deviation"
    __table_args__ = (
        UniqueConstraint("source_system", "source_external_id"),
        Index("ix_deviation_unit_reported", "unit_id", "reported_at", "id"),
        Index("ix_deviation_status_reported", "status", "reported_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[uuid.UUID] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100))
    reporter_id: Mapped[uuid.UUID] = mapped_column(index=True)
    source_system: Mapped[str | None] = mapped_column(String(100))
    source_external_id: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class IvoNotification(Base):
    __tablename__ = "ivo_notification"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    deviation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deviation.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    degree: Mapped[str] = mapped_column(String(40))
    rationale: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[uuid.UUID] = mapped_column()
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime())


messaging = attach_messaging_tables(Base.metadata)
replica = attach_replica_tables(Base.metadata)
reference_counter = attach_reference_counter(Base.metadata)
