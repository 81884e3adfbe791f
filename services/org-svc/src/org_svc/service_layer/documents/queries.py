"""Reading documents: one with its versions, a version, its reviews, the list and the Swedish free-text
search (adapters/search.py), the process map and the tenant's decision rules."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, and_, cast, func, or_, select

from org_svc.adapters.orm import (
    Document,
    DocumentAuthorityRule,
    DocumentProcessLink,
    DocumentReview,
    DocumentUnit,
    DocumentVersion,
    OrgUnit,
    ProcessNode,
    RevisionProposal,
)
from org_svc.adapters.search import matches
from org_svc.domain.documents.authority import DEFAULT_DECIDERS, DEFAULT_MINOR_REVISION_DECIDERS
from org_svc.domain.documents.kinds import KIND_TITLES, SCOPE_TITLES, DocumentKind, Scope, scope_of
from org_svc.domain.documents.review import DEFAULT_REMINDER_DAYS, ReviewState, review_state
from org_svc.domain.documents.versions import IN_WORKS, STATUS_TITLES, VersionStatus
from org_svc.domain.model import UnitLevel
from org_svc.service_layer.context import Ctx, QueryCtx
from org_svc.service_layer.documents.access import readable_document, require_reader, version_of
from org_svc.service_layer.documents.commands import authority
from platform_shared.pagination import PageRequest, keyset_page
from platform_shared.timeutil import local_date


def _today(ctx: Ctx) -> date:
    return local_date(ctx.now())


async def _units_of(ctx: Ctx, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in ids}
    rows = await ctx.session.execute(
        select(DocumentUnit.document_id, DocumentUnit.unit_id).where(DocumentUnit.document_id.in_(ids))
    )
    for document_id, unit_id in rows:
        found[document_id].append(unit_id)
    return {k: sorted(v) for k, v in found.items()}


async def _nodes_of(ctx: Ctx, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in ids}
    rows = await ctx.session.execute(
        select(DocumentProcessLink.document_id, DocumentProcessLink.node_id).where(
            DocumentProcessLink.document_id.in_(ids)
        )
    )
    for document_id, node_id in rows:
        found[document_id].append(node_id)
    return {k: sorted(v) for k, v in found.items()}


def _review_state(d: Document, today: date) -> ReviewState | None:
    return review_state(d.next_review_on, today) if d.next_review_on and d.status == "active" else None


async def summaries(ctx: Ctx, documents: list[Document]) -> list[dict[str, Any]]:
    """The list's view of documents: details, the version in force and the review state."""
    ids = [d.id for d in documents]
    units, nodes = await _units_of(ctx, ids), await _nodes_of(ctx, ids)
    current_ids = [d.current_version_id for d in documents if d.current_version_id]
    numbers = dict(
        (
            await ctx.session.execute(
                select(DocumentVersion.id, DocumentVersion.number).where(DocumentVersion.id.in_(current_ids))
            )
        ).all()
    )
    today = _today(ctx)
    return [
        {
            "id": d.id,
            "kind": DocumentKind(d.kind),
            "kind_title": KIND_TITLES[DocumentKind(d.kind)],
            "title": d.title,
            "principal": d.principal,
            "owner_role": d.owner_role,
            "owner_unit_id": d.owner_unit_id,
            "owner_person_id": d.owner_person_id,
            "unit_ids": units[d.id],
            "process_node_ids": nodes[d.id],
            "legal_basis": list(d.legal_basis or []),
            "review_interval_months": d.review_interval_months,
            "next_review_on": d.next_review_on,
            "last_reviewed_on": d.last_reviewed_on,
            "review_state": _review_state(d, today),
            "status": d.status,
            "current_version": numbers.get(d.current_version_id) if d.current_version_id else None,
            "created_at": d.created_at,
            "version": d.version,
        }
        for d in documents
    ]


async def view(ctx: Ctx, d: Document) -> dict[str, Any]:
    """One document: its details, scope and who decides it, every version (summary), open proposals."""
    [summary] = await summaries(ctx, [d])
    unit_levels = [
        UnitLevel(level)
        for level in (
            await ctx.session.scalars(select(OrgUnit.level).where(OrgUnit.id.in_(summary["unit_ids"])))
        ).all()
    ]
    scope = scope_of(unit_levels, principal=d.principal) if unit_levels else None
    rules = await authority(ctx)
    versions = (
        await ctx.session.scalars(
            select(DocumentVersion)
            .where(DocumentVersion.document_id == d.id)
            .order_by(DocumentVersion.number)
        )
    ).all()
    open_proposals = await ctx.session.scalar(
        select(func.count())
        .select_from(RevisionProposal)
        .where(RevisionProposal.document_id == d.id, RevisionProposal.status == "open")
    )
    return {
        **summary,
        "scope": scope,
        "scope_title": SCOPE_TITLES[scope] if scope else None,
        "deciders": list(rules.deciders(DocumentKind(d.kind), scope)) if scope else [],
        "versions": [
            {
                "number": v.number,
                "status": VersionStatus(v.status),
                "status_title": STATUS_TITLES[VersionStatus(v.status)],
                "title": v.title,
                "minor_revision": v.minor_revision,
                "decided_on": v.decided_on,
                "valid_from": v.valid_from,
            }
            for v in versions
        ],
        "open_proposals": open_proposals or 0,
    }


async def document(ctx: QueryCtx, document_id: uuid.UUID) -> Document:
    return await readable_document(ctx, document_id)


async def version(ctx: QueryCtx, document_id: uuid.UUID, number: int) -> DocumentVersion:
    return await version_of(ctx, await readable_document(ctx, document_id), number)


def version_view(v: DocumentVersion) -> dict[str, Any]:
    return {
        **{
            c: getattr(v, c)
            for c in (
                "id",
                "document_id",
                "number",
                "title",
                "purpose",
                "body",
                "change_summary",
                "minor_revision",
                "decided_on",
                "valid_from",
                "created_at",
                "submitted_at",
                "published_at",
                "superseded_at",
                "superseded_by_id",
                "version",
            )
        },
        "status": VersionStatus(v.status),
        "status_title": STATUS_TITLES[VersionStatus(v.status)],
        "decision": v.decision,
    }


async def reviews(ctx: QueryCtx, document_id: uuid.UUID) -> list[DocumentReview]:
    d = await readable_document(ctx, document_id)
    rows = await ctx.session.scalars(
        select(DocumentReview)
        .where(DocumentReview.document_id == d.id)
        .order_by(DocumentReview.reviewed_on.desc(), DocumentReview.id.desc())
    )
    return list(rows.all())


# --- list and search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentFilter:
    q: str | None = None
    unit_id: uuid.UUID | None = None  # documents applying to this unit (the unit or one above it)
    kind: tuple[DocumentKind, ...] = ()
    process_node_id: uuid.UUID | None = None  # linked to the node or one below it
    review_state: ReviewState | None = None
    include_withdrawn: bool = False


async def _below(ctx: Ctx, node_id: uuid.UUID) -> list[uuid.UUID]:
    rows = (await ctx.session.execute(select(ProcessNode.id, ProcessNode.parent_id))).all()
    children: dict[uuid.UUID | None, list[uuid.UUID]] = {}
    for node, parent in rows:
        children.setdefault(parent, []).append(node)
    found, todo = [], [node_id]
    while todo:
        current = todo.pop()
        if current in found:
            continue
        found.append(current)
        todo.extend(children.get(current, []))
    return found


async def documents(
    ctx: QueryCtx, f: DocumentFilter, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    require_reader(ctx)
    d = Document
    stmt = select(d)
    if not f.include_withdrawn:
        stmt = stmt.where(d.status == "active")
    if f.kind:
        stmt = stmt.where(d.kind.in_([k.value for k in f.kind]))
    if f.unit_id is not None:
        above = await ctx.caller.directory.ancestors_and_self(f.unit_id)
        stmt = stmt.where(
            d.id.in_(select(DocumentUnit.document_id).where(DocumentUnit.unit_id.in_(above or [f.unit_id])))
        )
    if f.process_node_id is not None:
        nodes = await _below(ctx, f.process_node_id)
        stmt = stmt.where(
            d.id.in_(select(DocumentProcessLink.document_id).where(DocumentProcessLink.node_id.in_(nodes)))
        )
    if f.review_state is not None:
        stmt = _by_review_state(stmt, f.review_state, _today(ctx))
    if f.q is None or not f.q.strip():
        rows, cursor = await keyset_page(ctx.session, stmt, [d.title, d.id], page)
        return await summaries(ctx, rows), cursor
    return await _search(ctx, stmt, f.q, page)


def _by_review_state(stmt: Any, state: ReviewState, today: date) -> Any:
    soon = today + timedelta(days=DEFAULT_REMINDER_DAYS)
    n = Document.next_review_on
    if state is ReviewState.OVERDUE:
        return stmt.where(n < today)
    if state is ReviewState.DUE_SOON:
        return stmt.where(n >= today, n <= soon)
    return stmt.where(n > soon)


RANK_SCALE = 1_000_000  # ranks as whole numbers, so that a page's cursor carries them exactly


async def _search(
    ctx: QueryCtx, stmt: Any, q: str, page: PageRequest
) -> tuple[list[dict[str, Any]], str | None]:
    """Swedish free text over the version in force (a document without one: its version in the
    works), best first (ties by id)."""
    found = matches(ctx.session.get_bind().dialect.name, q)
    if found is None:
        return [], None
    hits = found.subquery("hits")
    v = DocumentVersion
    rank = cast(func.round(hits.c.rank * RANK_SCALE), Integer).label("rank")
    searched = (
        stmt.with_only_columns(Document.id, rank)
        .join(v, v.document_id == Document.id)
        .join(hits, hits.c.version_id == v.id)
        .where(
            or_(
                v.id == Document.current_version_id,
                and_(Document.current_version_id.is_(None), v.status.in_([s.value for s in IN_WORKS])),
            )
        )
    )
    rows, cursor = await keyset_page(ctx.session, searched, [rank, Document.id], page, scalars=False)
    ids = [row.id for row in rows]
    by_id = {d.id: d for d in await ctx.session.scalars(select(Document).where(Document.id.in_(ids)))}
    return await summaries(ctx, [by_id[i] for i in ids]), cursor


# --- the process map ---------------------------------------------------------------------------


async def process_map(ctx: Ctx, *, include_retired: bool = False) -> list[dict[str, Any]]:
    """The map as a tree: processes in order, their sub-processes and activities, each with the
    documents in force that belong to it."""
    require_reader(ctx)
    stmt = select(ProcessNode)
    if not include_retired:
        stmt = stmt.where(ProcessNode.retired_at.is_(None))
    nodes = list((await ctx.session.scalars(stmt)).all())
    links = (
        await ctx.session.execute(
            select(DocumentProcessLink.node_id, Document.id, Document.kind, Document.title)
            .join(Document, Document.id == DocumentProcessLink.document_id)
            .where(Document.status == "active", Document.current_version_id.is_not(None))
            .order_by(Document.title, Document.id)
        )
    ).all()
    docs: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for node_id, document_id, kind, title in links:
        docs.setdefault(node_id, []).append({"id": document_id, "kind": DocumentKind(kind), "title": title})
    children: dict[uuid.UUID | None, list[ProcessNode]] = {}
    for n in nodes:
        children.setdefault(n.parent_id, []).append(n)

    def tree(parent: uuid.UUID | None) -> list[dict[str, Any]]:
        return [
            {
                "id": n.id,
                "parent_id": n.parent_id,
                "kind": n.kind,
                "process_type": n.process_type,
                "name": n.name,
                "description": n.description,
                "position": n.position,
                "owner_role": n.owner_role,
                "owner_unit_id": n.owner_unit_id,
                "retired": n.retired_at is not None,
                "documents": docs.get(n.id, []),
                "children": tree(n.id),
                "version": n.version,
            }
            for n in sorted(children.get(parent, []), key=lambda n: (n.position, str(n.id)))
        ]

    return tree(None)


async def authority_rules(ctx: QueryCtx) -> dict[str, Any]:
    """The tenant's rules and, for each scope, the defaults that apply where no rule is set."""
    require_reader(ctx)
    rows = (
        await ctx.session.scalars(select(DocumentAuthorityRule).order_by(DocumentAuthorityRule.kind))
    ).all()
    return {
        "rules": [{"kind": r.kind, "scope": r.scope, "deciders": list(r.deciders)} for r in rows],
        "defaults": [
            *({"kind": "*", "scope": s.value, "deciders": list(DEFAULT_DECIDERS[s])} for s in Scope),
            {"kind": "*", "scope": "minor_revision", "deciders": list(DEFAULT_MINOR_REVISION_DECIDERS)},
        ],
    }
