from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_shared.db import UtcDateTime, make_metadata
from platform_shared.messaging.tables import attach_messaging_tables
from platform_shared.orgreplica.tables import attach_replica_tables
from platform_shared.references import attach_reference_counter


class Base(DeclarativeBase):
    metadata = make_metadata()


class Risk(Base):
    __tablename__ = "risk"
    __table_args__ = (Index("ix_risk_unit_assessed", "unit_id", "assessed_at", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[uuid.UUID] = mapped_column()
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    probability: Mapped[int] = mapped_column()
    consequence: Mapped[int] = mapped_column()
    risk_value: Mapped[int] = mapped_column()
    band: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    assessed_by: Mapped[uuid.UUID] = mapped_column()
    assessed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


messaging = attach_messaging_tables(Base.metadata)
replica = attach_replica_tables(Base.metadata)
reference_counter = attach_reference_counter(Base.metadata)
