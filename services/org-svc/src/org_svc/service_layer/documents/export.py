"""The published ledningssystem as one document: the process map, then the documents in force in the
map's order (each once, where it first appears), then those outside the map by kind and title."""

from __future__ import annotations

from typing import Any

__all__ = ["DOCX_MEDIA_TYPE", "PDF_MEDIA_TYPE", "file", "ledningssystem"]

from sqlalchemy import select

from org_svc.adapters.export import (
    DOCX_MEDIA_TYPE,
    PDF_MEDIA_TYPE,
    ExportedDocument,
    Ledningssystem,
    MapEntry,
    to_docx,
    to_pdf,
)
from org_svc.adapters.orm import Document, DocumentUnit, DocumentVersion, OrgUnit, Person
from org_svc.domain.documents.kinds import KIND_TITLES, DocumentKind
from org_svc.domain.documents.process_map import NODE_TITLES, NodeKind
from org_svc.service_layer.context import QueryCtx
from org_svc.service_layer.documents.queries import process_map
from platform_shared.decisions import ROLE_TITLES, Decision
from platform_shared.timeutil import local_date

PROCESS_TYPE_TITLES = {
    "huvudprocess": "Huvudprocess",
    "stodprocess": "Stödprocess",
    "ledningsprocess": "Ledningsprocess",
}
_KIND_ORDER = list(DocumentKind)


def _entries(nodes: list[dict[str, Any]], depth: int = 0) -> list[MapEntry]:
    found: list[MapEntry] = []
    for node in nodes:
        kind = NodeKind(node["kind"])
        title = PROCESS_TYPE_TITLES.get(node["process_type"] or "", NODE_TITLES[kind])
        found.append(MapEntry(depth, title, node["name"], tuple(d["title"] for d in node["documents"])))
        found.extend(_entries(node["children"], depth + 1))
    return found


def _order(nodes: list[dict[str, Any]]) -> list[Any]:
    ids: list[Any] = []
    for node in nodes:
        ids.extend(d["id"] for d in node["documents"])
        ids.extend(_order(node["children"]))
    return list(dict.fromkeys(ids))


async def ledningssystem(ctx: QueryCtx) -> Ledningssystem:
    tree = await process_map(ctx)
    session = ctx.session
    rows = (
        await session.execute(
            select(Document, DocumentVersion)
            .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
            .where(Document.status == "active")
        )
    ).all()
    units = {u.id: u for u in await session.scalars(select(OrgUnit))}
    applies: dict[Any, list[str]] = {}
    for document_id, unit_id in await session.execute(select(DocumentUnit.document_id, DocumentUnit.unit_id)):
        applies.setdefault(document_id, []).append(units[unit_id].name)
    owners = {d.owner_person_id for d, _v in rows if d.owner_person_id}
    names = dict((await session.execute(select(Person.id, Person.name).where(Person.id.in_(owners)))).all())
    placed = _order(tree)
    by_id = {d.id: (d, v) for d, v in rows}
    rest = sorted(
        (d.id for d, _v in rows if d.id not in placed),
        key=lambda i: (_KIND_ORDER.index(DocumentKind(by_id[i][0].kind)), by_id[i][0].title),
    )
    documents = []
    for document_id in [*[i for i in placed if i in by_id], *rest]:
        d, v = by_id[document_id]
        owner = f"{ROLE_TITLES.get(d.owner_role, d.owner_role)}, {units[d.owner_unit_id].name}"
        if d.owner_person_id in names:
            owner += f" ({names[d.owner_person_id]})"
        facts = [
            ("Dokumenttyp", KIND_TITLES[DocumentKind(d.kind)]),
            ("Ägare", owner),
            ("Gäller för", ", ".join(sorted(applies.get(d.id, []))) + " med underliggande enheter"),
        ]
        if d.legal_basis:
            facts.append(("Stöd i författning", ", ".join(d.legal_basis)))
        if v.decision:
            facts.append(("Beslut", Decision.from_dict(v.decision).describe(role_phrase="Fastställd av")))
        facts.append(
            ("Version", f"{v.number}, gäller från {v.valid_from.isoformat() if v.valid_from else '–'}")
        )
        if d.next_review_on:
            facts.append(("Nästa granskning", d.next_review_on.isoformat()))
        documents.append(
            ExportedDocument(
                f"{KIND_TITLES[DocumentKind(d.kind)]}: {v.title}", tuple(facts), v.purpose, v.body
            )
        )
    root = next((u for u in units.values() if u.parent_id is None), None)
    return Ledningssystem(
        organisation=root.name if root else "",
        made_on=local_date(ctx.now()),
        process_map=tuple(_entries(tree)),
        documents=tuple(documents),
    )


async def file(ctx: QueryCtx, extension: str) -> tuple[bytes, str]:
    """The ledningssystem as `pdf` or `docx`, with its media type."""
    system = await ledningssystem(ctx)
    if extension == "docx":
        return to_docx(system), DOCX_MEDIA_TYPE
    return to_pdf(system), PDF_MEDIA_TYPE
