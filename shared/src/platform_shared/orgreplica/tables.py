"""Each service's local replica of org-svc's units, people and role assignments, fed by org.* events."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, Column, Index, MetaData, String, Table, Uuid

from platform_shared.db import JsonType, UtcDateTime


@dataclass(frozen=True)
class ReplicaTables:
    unit: Table
    person: Table
    role: Table


def attach_replica_tables(metadata: MetaData) -> ReplicaTables:
    unit = Table(
        "replica_org_unit",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("parent_id", Uuid, nullable=True, index=True),
        Column("name", String(300), nullable=False),
        Column("code", String(100), nullable=True),
        Column("level", String(40), nullable=False),
        Column("laws", JsonType(), nullable=False),
        Column("valid_from", UtcDateTime(), nullable=False),
        Column("valid_to", UtcDateTime(), nullable=True),
    )
    person = Table(
        "replica_person",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("subject", String(300), nullable=False, unique=True),
        Column("email", String(300), nullable=False),
        Column("name", String(300), nullable=False),
        Column("active", Boolean, nullable=False),
    )
    role = Table(
        "replica_role_assignment",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("person_id", Uuid, nullable=False),
        Column("role", String(40), nullable=False),
        Column("unit_id", Uuid, nullable=False),
        Column("valid_from", UtcDateTime(), nullable=False),
        Column("valid_to", UtcDateTime(), nullable=True),
        Column("acting", Boolean, nullable=False),
        Index("ix_replica_role_assignment_person", "person_id"),
        Index("ix_replica_role_assignment_role_unit", "role", "unit_id"),
    )
    return ReplicaTables(unit=unit, person=person, role=role)
