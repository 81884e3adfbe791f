"""The process map: processes, sub-processes and activities in their order (domain/process_map.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from org_svc.adapters.orm import OrgUnit, ProcessNode
from org_svc.domain.documents.process_map import Node, NodeKind, ProcessType, check_placement
from org_svc.domain.model import OrgRuleViolation
from org_svc.service_layer.context import CommandCtx
from org_svc.service_layer.documents.access import require_map_keeper
from platform_shared.context import Created
from platform_shared.contracts import documents as ev
from platform_shared.errors import invalid
from platform_shared.ids import new_id
from platform_shared.roles import Role

NODE_NOT_FOUND = "Processen finns inte"


def as_node(row: ProcessNode) -> Node:
    return Node(row.id, NodeKind(row.kind), row.parent_id, row.position, row.retired_at is not None)


@dataclass(frozen=True)
class DefineNode:
    kind: NodeKind
    name: str
    parent_id: uuid.UUID | None = None
    process_type: ProcessType | None = None
    description: str | None = None
    position: int | None = None  # default: last among its siblings
    owner_role: Role | None = None
    owner_unit_id: uuid.UUID | None = None


async def define_node(ctx: CommandCtx, cmd: DefineNode) -> Created[ProcessNode]:
    require_map_keeper(ctx)
    return await ctx.once(ProcessNode, lambda: _define(ctx, cmd))


async def _define(ctx: CommandCtx, cmd: DefineNode) -> Created[ProcessNode]:
    parent = await ctx.session.get(ProcessNode, cmd.parent_id) if cmd.parent_id else None
    if cmd.parent_id is not None and parent is None:
        raise invalid("parent_id", "finns inte", NODE_NOT_FOUND)
    check_placement(cmd.kind, cmd.process_type, as_node(parent) if parent else None)
    if not cmd.name.strip():
        raise OrgRuleViolation("name", "Ange ett namn")
    if cmd.owner_unit_id is not None and await ctx.session.get(OrgUnit, cmd.owner_unit_id) is None:
        raise invalid("owner_unit_id", "finns inte", "Enheten finns inte")
    siblings = await ctx.session.scalar(
        select(func.count())
        .select_from(ProcessNode)
        .where(ProcessNode.parent_id.is_(None) if parent is None else ProcessNode.parent_id == parent.id)
    )
    node = ProcessNode(
        id=new_id(),
        parent_id=parent.id if parent else None,
        kind=cmd.kind.value,
        process_type=cmd.process_type.value if cmd.process_type else None,
        name=cmd.name.strip(),
        description=cmd.description,
        position=cmd.position or (siblings or 0) + 1,
        owner_role=cmd.owner_role.value if cmd.owner_role else None,
        owner_unit_id=cmd.owner_unit_id,
    )
    ctx.session.add(node)
    ctx.emit(
        ev.ProcessNodeDefined(
            node_id=node.id,
            parent_id=node.parent_id,
            kind=node.kind,
            process_type=node.process_type,
            name=node.name,
            position=node.position,
            owner_role=node.owner_role,
            owner_unit_id=node.owner_unit_id,
            defined_at=ctx.now(),
        )
    )
    await ctx.created(node.id)
    await ctx.commit()
    return Created(node)
