"""The process map (SOSFS 2011:9 4 kap. 2–3 §§; seed 001 §3.3, seed 003 §3): processes have
sub-processes and activities in an order; the rutiner an activity needs belong to it. A document may
belong to several places in the map.

Top-level processes are huvudprocesser (the core work: myndighetsutövning, genomföra insatser …),
stödprocesser (Lex Sarah, synpunktshantering, the quality process …) or ledningsprocesser (the
nämnd's planning and follow-up).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from org_svc.domain.documents.kinds import DocumentKind
from org_svc.domain.model import OrgConflict, OrgRuleViolation


class NodeKind(StrEnum):
    PROCESS = "process"
    SUBPROCESS = "subprocess"
    ACTIVITY = "activity"


class ProcessType(StrEnum):
    HUVUDPROCESS = "huvudprocess"
    STODPROCESS = "stodprocess"
    LEDNINGSPROCESS = "ledningsprocess"


NODE_TITLES: dict[NodeKind, str] = {
    NodeKind.PROCESS: "Process",
    NodeKind.SUBPROCESS: "Delprocess",
    NodeKind.ACTIVITY: "Aktivitet",
}

_ALLOWED_PARENTS: dict[NodeKind, frozenset[NodeKind | None]] = {
    NodeKind.PROCESS: frozenset({None}),
    NodeKind.SUBPROCESS: frozenset({NodeKind.PROCESS, NodeKind.SUBPROCESS}),
    NodeKind.ACTIVITY: frozenset({NodeKind.PROCESS, NodeKind.SUBPROCESS}),
}


@dataclass(frozen=True)
class Node:
    id: uuid.UUID
    kind: NodeKind
    parent_id: uuid.UUID | None
    position: int
    retired: bool = False


def check_placement(kind: NodeKind, process_type: ProcessType | None, parent: Node | None) -> None:
    """A process stands at the top with its type; a sub-process or an activity sits in a process or
    a sub-process; an activity has nothing below it."""
    parent_kind = parent.kind if parent else None
    if parent_kind not in _ALLOWED_PARENTS[kind]:
        where = NODE_TITLES[parent_kind].lower() if parent_kind else "högsta nivån"
        raise OrgRuleViolation("parent_id", f"En {NODE_TITLES[kind].lower()} kan inte ligga under {where}")
    if parent is not None and parent.retired:
        raise OrgConflict("Processen är avvecklad")
    if (kind is NodeKind.PROCESS) != (process_type is not None):
        raise OrgRuleViolation(
            "process_type", "Processtyp anges för processer på högsta nivån, och bara för dem"
        )


def check_no_cycle(
    node_id: uuid.UUID, new_parent_id: uuid.UUID | None, parents: Mapping[uuid.UUID, uuid.UUID | None]
) -> None:
    """Moving a node below itself (or below one of its own sub-processes) is refused."""
    current = new_parent_id
    while current is not None:
        if current == node_id:
            raise OrgRuleViolation("parent_id", "En process kan inte ligga under sig själv")
        current = parents.get(current)


def ordered(siblings: Iterable[Node]) -> list[Node]:
    """Activities in their order (aktiviteternas inbördes ordning); ties by id keep it stable."""
    return sorted(siblings, key=lambda n: (n.position, str(n.id)))


def move_to_position(siblings: Iterable[Node], node_id: uuid.UUID, position: int) -> dict[uuid.UUID, int]:
    """New positions 1..n after moving one node to `position` among its siblings (clamped)."""
    rest = [n.id for n in ordered(siblings) if n.id != node_id]
    index = max(0, min(position - 1, len(rest)))
    rest.insert(index, node_id)
    return {nid: i + 1 for i, nid in enumerate(rest)}


def check_retire(node: Node, active_children: int, linked_documents: int) -> None:
    """A node is retired (never deleted: documents and history point at it) once nothing active
    hangs below it and no document in force belongs only to it."""
    if node.retired:
        raise OrgConflict("Processen är redan avvecklad")
    if active_children:
        raise OrgConflict("Avveckla eller flytta delprocesser och aktiviteter först")
    if linked_documents:
        raise OrgConflict("Flytta eller avveckla dokumenten som hör hit först")


# A rutin belongs to an activity (seed 001 §3.3: rutiner for every activity); a process description
# to a process or sub-process; the other kinds may hang anywhere (or nowhere).
_LINKABLE: dict[DocumentKind, frozenset[NodeKind]] = {
    DocumentKind.RUTIN: frozenset({NodeKind.ACTIVITY}),
    DocumentKind.PROCESS: frozenset({NodeKind.PROCESS, NodeKind.SUBPROCESS}),
}


def check_link(kind: DocumentKind, node: Node) -> None:
    allowed = _LINKABLE.get(kind, frozenset(NodeKind))
    if node.kind not in allowed:
        where = " eller ".join(NODE_TITLES[k].lower() for k in sorted(allowed))
        raise OrgRuleViolation("process_node_ids", f"En {kind.value} hör till en {where}")
    if node.retired:
        raise OrgConflict("Processen är avvecklad")


def check_placed(kind: DocumentKind, linked_nodes: int) -> None:
    """A rutin is published in its place: it belongs to at least one activity of the process map."""
    if kind is DocumentKind.RUTIN and linked_nodes == 0:
        raise OrgRuleViolation("process_node_ids", "Koppla rutinen till minst en aktivitet i processkartan")
