"""Each service's local replica of org-svc's units, people, roles, delegations and integration clients,
fed by org.* events. Unit parents are kept over time so figures can follow the organisation as it was."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Boolean, Column, Date, Index, MetaData, String, Table, Uuid

from platform_shared.db import JsonType, UtcDateTime


@dataclass(frozen=True)
class ReplicaTables:
    unit: Table
    unit_parent: Table
    person: Table
    role: Table
    delegation: Table
    client: Table
    unit_regi: Table


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
    unit_parent = Table(
        "replica_unit_parent",
        metadata,
        Column("unit_id", Uuid, primary_key=True),
        Column("valid_from", UtcDateTime(), primary_key=True),
        Column("parent_id", Uuid, nullable=True, index=True),
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
    delegation = Table(
        "replica_delegation",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("decision_type", String(60), nullable=False),
        Column("from_role", String(40), nullable=False),
        Column("unit_id", Uuid, nullable=False),
        Column("to_person_id", Uuid, nullable=True, index=True),
        Column("to_role", String(40), nullable=True),
        Column("valid_from", UtcDateTime(), nullable=False),
        Column("valid_to", UtcDateTime(), nullable=True),
    )
    client = Table(
        "replica_system_client",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("subject", String(300), nullable=False, unique=True),
        Column("name", String(300), nullable=False),
        Column("unit_ids", JsonType(), nullable=False),
        Column("operations", JsonType(), nullable=False),
        Column("active", Boolean, nullable=False),
    )
    # How a unit is run over time: egen regi, or a private provider under a contract (LOU/LOV). No row
    # for a time means egen regi.
    unit_regi = Table(
        "replica_unit_regi",
        metadata,
        Column("unit_id", Uuid, primary_key=True),
        Column("valid_from", UtcDateTime(), primary_key=True),
        Column("valid_to", UtcDateTime(), nullable=True),
        Column("regi", String(20), nullable=False),
        Column("procurement_form", String(10), nullable=True),
        Column("provider_name", String(300), nullable=True),
        Column("organisationsnummer", String(11), nullable=True),
        Column("contract_reference", String(100), nullable=True),
        Column("contract_from", Date, nullable=True),
        Column("contract_to", Date, nullable=True),
    )
    return ReplicaTables(
        unit=unit,
        unit_parent=unit_parent,
        person=person,
        role=role,
        delegation=delegation,
        client=client,
        unit_regi=unit_regi,
    )
