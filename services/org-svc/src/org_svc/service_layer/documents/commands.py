"""Documents under document control: register (with the first draft), change the details, draft a
new version, edit the draft, the version's steps (submit, return, decide, publish), review (confirm
the version in force) and withdraw. One commit each: load and check → domain rule → change → emit."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy import delete, select

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
from org_svc.adapters.search import index_version
from org_svc.domain.documents import review as rules_review
from org_svc.domain.documents import versions as rules_versions
from org_svc.domain.documents.authority import (
    DEFAULT_MINOR_REVISION_DECIDERS,
    DecisionAuthority,
    check_decider_covers,
    check_deciders,
)
from org_svc.domain.documents.kinds import DocumentKind, Scope, scope_of
from org_svc.domain.documents.process_map import Node, NodeKind, check_link, check_placed
from org_svc.domain.documents.proposals import ProposalStatus, settled_by_publication
from org_svc.domain.documents.versions import VersionCommand, VersionStatus
from org_svc.domain.model import OrgConflict, OrgRuleViolation, UnitLevel
from org_svc.service_layer.context import CommandCtx, Ctx
from org_svc.service_layer.documents import reviews
from org_svc.service_layer.documents.access import (
    held_roles,
    readable_document,
    require_map_keeper,
    require_writer,
    version_of,
    writable_document,
)
from org_svc.service_layer.information import dues as information_dues
from platform_shared.context import Created
from platform_shared.contracts import documents as ev
from platform_shared.contracts.common import DecisionFacts
from platform_shared.decisions import NAMND_RECORDERS, Decision, DecisionInvalid
from platform_shared.errors import Forbidden, check_version, invalid
from platform_shared.ids import new_id
from platform_shared.roles import Role
from platform_shared.timeutil import local_date

# --- shared reads ----------------------------------------------------------------------------------


async def unit_ids_of(ctx: CommandCtx, document_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await ctx.session.scalars(
        select(DocumentUnit.unit_id)
        .where(DocumentUnit.document_id == document_id)
        .order_by(DocumentUnit.unit_id)
    )
    return list(rows.all())


async def node_ids_of(ctx: CommandCtx, document_id: uuid.UUID) -> list[uuid.UUID]:
    rows = await ctx.session.scalars(
        select(DocumentProcessLink.node_id)
        .where(DocumentProcessLink.document_id == document_id)
        .order_by(DocumentProcessLink.node_id)
    )
    return list(rows.all())


async def _levels(ctx: CommandCtx, unit_ids: Iterable[uuid.UUID]) -> list[UnitLevel]:
    ids = list(dict.fromkeys(unit_ids))
    if not ids:
        raise OrgRuleViolation("unit_ids", "Ange minst en enhet som dokumentet gäller för")
    rows = {u.id: u for u in await ctx.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(ids)))}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise invalid("unit_ids", "finns inte", "Enheten finns inte")
    return [UnitLevel(rows[i].level) for i in ids]


async def scope(ctx: CommandCtx, document: Document) -> Scope:
    return scope_of(await _levels(ctx, await unit_ids_of(ctx, document.id)), principal=document.principal)


async def _check_nodes(ctx: CommandCtx, kind: DocumentKind, node_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
    ids = list(dict.fromkeys(node_ids))
    rows = {n.id: n for n in await ctx.session.scalars(select(ProcessNode).where(ProcessNode.id.in_(ids)))}
    for node_id in ids:
        row = rows.get(node_id)
        if row is None:
            raise invalid("process_node_ids", "finns inte", "Processen finns inte")
        check_link(
            kind, Node(row.id, NodeKind(row.kind), row.parent_id, row.position, row.retired_at is not None)
        )
    return ids


async def _owner(
    ctx: CommandCtx, role: Role, unit_id: uuid.UUID, person_id: uuid.UUID | None
) -> uuid.UUID | None:
    """The person holding the owner's role at the owner's unit (named, or the one who holds it)."""
    if await ctx.session.get(OrgUnit, unit_id) is None:
        raise invalid("owner_unit_id", "finns inte", "Enheten finns inte")
    holders = [h.person_id for h in await ctx.caller.directory.holders([role.value], unit_id)]
    if person_id is None:
        return holders[0] if len(holders) == 1 else None
    if person_id not in holders:
        raise OrgRuleViolation("owner_person_id", "Personen har inte ägarens roll på enheten")
    return person_id


def today(ctx: CommandCtx) -> date:
    return local_date(ctx.now())


async def authority(ctx: Ctx) -> DecisionAuthority:
    """The tenant's rules (document_authority_rule) over the defaults."""
    by_scope: dict[Scope, tuple[str, ...]] = {}
    by_kind: dict[tuple[DocumentKind, Scope], tuple[str, ...]] = {}
    minor = DEFAULT_MINOR_REVISION_DECIDERS
    for row in await ctx.session.scalars(select(DocumentAuthorityRule)):
        deciders = tuple(row.deciders)
        if row.scope == "minor_revision":
            minor = deciders
        elif row.kind == "*":
            by_scope[Scope(row.scope)] = deciders
        else:
            by_kind[(DocumentKind(row.kind), Scope(row.scope))] = deciders
    return DecisionAuthority(by_scope=by_scope, by_kind_and_scope=by_kind, minor_revision_deciders=minor)


async def _facts(ctx: CommandCtx, d: Document) -> dict[str, object]:
    return {
        "document_id": d.id,
        "kind": d.kind,
        "title": d.title,
        "principal": d.principal,
        "owner_role": d.owner_role,
        "owner_unit_id": d.owner_unit_id,
        "owner_person_id": d.owner_person_id,
        "unit_ids": await unit_ids_of(ctx, d.id),
        "process_node_ids": await node_ids_of(ctx, d.id),
        "legal_basis": list(d.legal_basis or []),
        "review_interval_months": d.review_interval_months,
    }


async def _index(ctx: CommandCtx, v: DocumentVersion) -> None:
    await index_version(
        ctx.session, version_id=v.id, document_id=v.document_id, title=v.title, purpose=v.purpose, body=v.body
    )


def _legal_basis(items: Iterable[str]) -> list[str]:
    found = [i.strip() for i in items if i.strip()]
    if any(len(i) > 100 for i in found):
        raise OrgRuleViolation("legal_basis", "En författningshänvisning får vara högst 100 tecken")
    return list(dict.fromkeys(found))


# --- register ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterDocument:
    kind: DocumentKind
    title: str
    owner_role: Role
    owner_unit_id: uuid.UUID
    unit_ids: tuple[uuid.UUID, ...]
    purpose: str | None = None
    body: str | None = None
    owner_person_id: uuid.UUID | None = None
    principal: bool = False
    legal_basis: tuple[str, ...] = ()
    process_node_ids: tuple[uuid.UUID, ...] = ()
    review_interval_months: int = rules_review.DEFAULT_INTERVAL_MONTHS


async def register(ctx: CommandCtx, cmd: RegisterDocument) -> Created[Document]:
    owner = await _owner(ctx, cmd.owner_role, cmd.owner_unit_id, cmd.owner_person_id)
    await require_writer(ctx, cmd.owner_unit_id, owner)
    return await ctx.once(Document, lambda: _register(ctx, cmd, owner))


async def _register(ctx: CommandCtx, cmd: RegisterDocument, owner: uuid.UUID | None) -> Created[Document]:
    scope_of(await _levels(ctx, cmd.unit_ids), principal=cmd.principal)
    nodes = await _check_nodes(ctx, cmd.kind, cmd.process_node_ids)
    rules_review.check_interval(cmd.review_interval_months)
    rules_versions.check_content(cmd.title, cmd.body, 0)
    now = ctx.now()
    document = Document(
        id=new_id(),
        kind=cmd.kind.value,
        title=cmd.title.strip(),
        principal=cmd.principal,
        owner_role=cmd.owner_role.value,
        owner_unit_id=cmd.owner_unit_id,
        owner_person_id=owner,
        legal_basis=_legal_basis(cmd.legal_basis),
        review_interval_months=cmd.review_interval_months,
        status="active",
        created_by=ctx.caller.id,
        created_at=now,
    )
    ctx.session.add(document)
    await ctx.session.flush()
    for unit_id in dict.fromkeys(cmd.unit_ids):
        ctx.session.add(DocumentUnit(document_id=document.id, unit_id=unit_id))
    for node_id in nodes:
        ctx.session.add(DocumentProcessLink(document_id=document.id, node_id=node_id))
    version = DocumentVersion(
        id=new_id(),
        document_id=document.id,
        number=1,
        status=VersionStatus.DRAFT.value,
        title=document.title,
        purpose=cmd.purpose,
        body=cmd.body,
        created_by=ctx.caller.id,
        created_at=now,
    )
    ctx.session.add(version)
    await ctx.session.flush()
    await _index(ctx, version)
    ctx.emit(ev.DocumentRegistered(**await _facts(ctx, document), registered_at=now))
    ctx.emit(
        ev.DocumentVersionDrafted(
            document_id=document.id, kind=document.kind, version_id=version.id, number=1, drafted_at=now
        )
    )
    await ctx.created(document.id)
    await ctx.commit()
    return Created(document)


# --- details -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeDetails:
    """Only the fields given change (None: unchanged)."""

    document_id: uuid.UUID
    owner_role: Role | None = None
    owner_unit_id: uuid.UUID | None = None
    owner_person_id: uuid.UUID | None = None
    unit_ids: tuple[uuid.UUID, ...] | None = None
    process_node_ids: tuple[uuid.UUID, ...] | None = None
    legal_basis: tuple[str, ...] | None = None
    review_interval_months: int | None = None
    principal: bool | None = None


async def change_details(ctx: CommandCtx, cmd: ChangeDetails) -> Document:
    d = await writable_document(ctx, cmd.document_id)
    if d.status != "active":
        raise OrgConflict("Dokumentet är upphävt")
    if cmd.owner_role is not None or cmd.owner_unit_id is not None or cmd.owner_person_id is not None:
        role = cmd.owner_role or Role(d.owner_role)
        unit = cmd.owner_unit_id or d.owner_unit_id
        d.owner_person_id = await _owner(ctx, role, unit, cmd.owner_person_id)
        d.owner_role, d.owner_unit_id = role.value, unit
        await require_writer(ctx, d.owner_unit_id, d.owner_person_id)
    if cmd.principal is not None:
        d.principal = cmd.principal
    if cmd.unit_ids is not None:
        scope_of(await _levels(ctx, cmd.unit_ids), principal=d.principal)
        await ctx.session.execute(delete(DocumentUnit).where(DocumentUnit.document_id == d.id))
        for unit_id in dict.fromkeys(cmd.unit_ids):
            ctx.session.add(DocumentUnit(document_id=d.id, unit_id=unit_id))
    if cmd.process_node_ids is not None:
        nodes = await _check_nodes(ctx, DocumentKind(d.kind), cmd.process_node_ids)
        if d.current_version_id is not None:
            check_placed(DocumentKind(d.kind), len(nodes))
        await ctx.session.execute(delete(DocumentProcessLink).where(DocumentProcessLink.document_id == d.id))
        for node_id in nodes:
            ctx.session.add(DocumentProcessLink(document_id=d.id, node_id=node_id))
    if cmd.legal_basis is not None:
        d.legal_basis = _legal_basis(cmd.legal_basis)
    if cmd.review_interval_months is not None and cmd.review_interval_months != d.review_interval_months:
        rules_review.check_interval(cmd.review_interval_months)
        d.review_interval_months = cmd.review_interval_months
        base = await _review_base(ctx, d)
        if base is not None:
            d.next_review_on = rules_review.next_review_on(base, d.review_interval_months)
    await ctx.session.flush()
    if d.current_version_id is not None:
        await reviews.schedule(ctx.uow, d, met=False)
    ctx.emit(
        ev.DocumentDetailsChanged(
            **await _facts(ctx, d),
            next_review_on=d.next_review_on,
            changed_at=ctx.now(),
        )
    )
    await ctx.commit()
    return d


async def _review_base(ctx: CommandCtx, d: Document) -> date | None:
    """The day the review interval counts from: the last confirmation, else the version's valid_from."""
    if d.current_version_id is None:
        return None
    current = await ctx.session.get(DocumentVersion, d.current_version_id)
    valid_from = current.valid_from if current else None
    if d.last_reviewed_on and (valid_from is None or d.last_reviewed_on > valid_from):
        return d.last_reviewed_on
    return valid_from


# --- versions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftVersion:
    """A new draft from the version in force (its text unless other text is given)."""

    document_id: uuid.UUID
    minor_revision: bool = False
    title: str | None = None
    purpose: str | None = None
    body: str | None = None
    change_summary: str | None = None


async def draft_version(ctx: CommandCtx, cmd: DraftVersion) -> Created[DocumentVersion]:
    d = await writable_document(ctx, cmd.document_id, if_match=False)
    return await ctx.once(DocumentVersion, lambda: _draft(ctx, d, cmd))


async def _draft(ctx: CommandCtx, d: Document, cmd: DraftVersion) -> Created[DocumentVersion]:
    if d.status != "active":
        raise OrgConflict("Dokumentet är upphävt")
    existing = (
        await ctx.session.execute(
            select(DocumentVersion.number, DocumentVersion.status).where(DocumentVersion.document_id == d.id)
        )
    ).all()
    rules_versions.check_new_version_allowed(VersionStatus(s) for _n, s in existing)
    if cmd.minor_revision and d.current_version_id is None:
        raise OrgRuleViolation(
            "minor_revision", "Första versionen av ett dokument är ingen mindre revidering"
        )
    base = await ctx.session.get(DocumentVersion, d.current_version_id) if d.current_version_id else None
    title = cmd.title if cmd.title is not None else (base.title if base else d.title)
    body = cmd.body if cmd.body is not None else (base.body if base else None)
    rules_versions.check_content(title, body, 0)
    now = ctx.now()
    version = DocumentVersion(
        id=new_id(),
        document_id=d.id,
        number=rules_versions.next_number(n for n, _s in existing),
        status=VersionStatus.DRAFT.value,
        title=title.strip(),
        purpose=cmd.purpose if cmd.purpose is not None else (base.purpose if base else None),
        body=body,
        change_summary=cmd.change_summary,
        minor_revision=cmd.minor_revision,
        created_by=ctx.caller.id,
        created_at=now,
    )
    ctx.session.add(version)
    await ctx.session.flush()
    await _index(ctx, version)
    ctx.emit(
        ev.DocumentVersionDrafted(
            document_id=d.id,
            kind=d.kind,
            version_id=version.id,
            number=version.number,
            minor_revision=version.minor_revision,
            drafted_at=now,
        )
    )
    await ctx.created(version.id)
    await ctx.commit()
    return Created(version)


async def _version(
    ctx: CommandCtx, document_id: uuid.UUID, number: int, *, write: bool = True
) -> tuple[Document, DocumentVersion]:
    """The document and its version, If-Match naming the version's ETag. `write`: the caller works
    with the document (else: the decision's own rules say who may)."""
    d = await (
        writable_document(ctx, document_id, if_match=False) if write else readable_document(ctx, document_id)
    )
    if d.status != "active":
        raise OrgConflict("Dokumentet är upphävt")
    v = await version_of(ctx, d, number)
    await ctx.session.refresh(v, with_for_update=True)
    check_version(ctx.if_match, v.version)
    return d, v


@dataclass(frozen=True)
class EditVersion:
    document_id: uuid.UUID
    number: int
    title: str | None = None
    purpose: str | None = None
    body: str | None = None
    change_summary: str | None = None


async def edit_version(ctx: CommandCtx, cmd: EditVersion) -> DocumentVersion:
    d, v = await _version(ctx, cmd.document_id, cmd.number)
    rules_versions.check_editable(VersionStatus(v.status))
    title = cmd.title if cmd.title is not None else v.title
    body = cmd.body if cmd.body is not None else v.body
    rules_versions.check_content(title, body, 0)
    v.title, v.body = title.strip(), body
    if cmd.purpose is not None:
        v.purpose = cmd.purpose
    if cmd.change_summary is not None:
        v.change_summary = cmd.change_summary
    if d.current_version_id is None:
        d.title = v.title
    await _index(ctx, v)
    await ctx.commit()
    return v


StepName = Literal["submit", "return"]


async def step(ctx: CommandCtx, document_id: uuid.UUID, number: int, name: StepName) -> DocumentVersion:
    """submit (draft → review) or return (review or decided → draft; the decision is dropped)."""
    d, v = await _version(ctx, document_id, number)
    command = VersionCommand(name)
    target = rules_versions.next_status(VersionStatus(v.status), command)
    now = ctx.now()
    common = {"document_id": d.id, "kind": d.kind, "version_id": v.id, "number": v.number}
    if command is VersionCommand.SUBMIT:
        rules_versions.check_content(v.title, v.body, 0)
        v.submitted_at = now
        ctx.emit(ev.DocumentVersionSubmitted(**common, submitted_at=now))
    else:
        v.decision, v.decided_on = None, None
        ctx.emit(ev.DocumentVersionReturned(**common, returned_at=now))
    v.status = target.value
    await ctx.commit()
    return v


@dataclass(frozen=True)
class Decide:
    """The decision: the nämnd's (meeting date and §, recorded by an official who serves it) or the
    caller's own, in one of her deciding roles (`role`, and `unit_id` when she holds it at several)."""

    document_id: uuid.UUID
    number: int
    body: Literal["namnd", "role"]
    decided_on: date | None = None
    role: Role | None = None
    unit_id: uuid.UUID | None = None
    meeting_date: date | None = None
    paragraph: int | str | None = None
    reference: str | None = None


async def _root_unit(ctx: CommandCtx, unit_id: uuid.UUID) -> uuid.UUID:
    return (await ctx.caller.directory.ancestors_and_self(unit_id))[-1]


async def _decision(ctx: CommandCtx, d: Document, cmd: Decide) -> Decision:
    held = held_roles(ctx)
    try:
        if cmd.body == "namnd":
            recorders = sorted({r for r, _u in held} & NAMND_RECORDERS)
            if not recorders:
                raise Forbidden(
                    "Nämndens beslut registreras av socialchef, förvaltningschef eller kvalitetsledare"
                )
            if cmd.meeting_date is None:
                raise DecisionInvalid("meeting_date", "Ett nämndbeslut anges med sammanträdets datum")
            return Decision.by_namnd(
                unit_id=await _root_unit(ctx, d.owner_unit_id),
                meeting_date=cmd.meeting_date,
                paragraph=cmd.paragraph if cmd.paragraph is not None else "",
                recorded_by=ctx.caller.id,
                recorder_role=recorders[0],
                reference=cmd.reference,
            )
        if cmd.role is None:
            raise DecisionInvalid("role", "Ange i vilken roll du beslutar")
        units = [u for r, u in held if r is cmd.role and (cmd.unit_id is None or u == cmd.unit_id)]
        if not units:
            raise Forbidden("Du har inte den rollen på enheten")
        return Decision.by_role(
            role=cmd.role,
            person_id=ctx.caller.id,
            unit_id=units[0],
            decided_on=cmd.decided_on or today(ctx),
            reference=cmd.reference,
        )
    except DecisionInvalid as err:
        raise invalid(err.field, err.message, err.message) from err


async def decide(ctx: CommandCtx, cmd: Decide) -> DocumentVersion:
    d, v = await _version(ctx, cmd.document_id, cmd.number, write=False)
    target = rules_versions.next_status(VersionStatus(v.status), VersionCommand.DECIDE)
    decision = await _decision(ctx, d, cmd)
    try:
        decision.check_not_after(today(ctx))
    except DecisionInvalid as err:
        raise invalid(err.field, err.message, err.message) from err
    rules = await authority(ctx)
    rules.check(
        DocumentKind(d.kind),
        await scope(ctx, d),
        decision,
        minor_revision=v.minor_revision,
        has_published_version=d.current_version_id is not None,
    )
    check_decider_covers(
        decision,
        [await ctx.caller.directory.ancestors_and_self(u) for u in await unit_ids_of(ctx, d.id)],
    )
    v.status, v.decision, v.decided_on = target.value, decision.as_dict(), decision.decided_on
    ctx.emit(
        ev.DocumentVersionDecided(
            document_id=d.id,
            kind=d.kind,
            version_id=v.id,
            number=v.number,
            decision=DecisionFacts.of(decision),
            minor_revision=v.minor_revision,
        )
    )
    await ctx.commit()
    return v


@dataclass(frozen=True)
class Publish:
    document_id: uuid.UUID
    number: int
    valid_from: date | None = None  # default today


async def publish(ctx: CommandCtx, cmd: Publish) -> DocumentVersion:
    d, v = await _version(ctx, cmd.document_id, cmd.number)
    target = rules_versions.next_status(VersionStatus(v.status), VersionCommand.PUBLISH)
    day = today(ctx)
    valid_from = cmd.valid_from or day
    assert v.decided_on is not None
    rules_versions.check_valid_from(valid_from, v.decided_on, day)
    check_placed(DocumentKind(d.kind), len(await node_ids_of(ctx, d.id)))
    now = ctx.now()
    previous = await ctx.session.get(DocumentVersion, d.current_version_id) if d.current_version_id else None
    if previous is not None:
        previous.status = rules_versions.next_status(
            VersionStatus(previous.status), VersionCommand.SUPERSEDE
        ).value
        previous.superseded_at, previous.superseded_by_id = now, v.id
        ctx.emit(
            ev.DocumentVersionSuperseded(
                document_id=d.id,
                kind=d.kind,
                version_id=previous.id,
                number=previous.number,
                superseded_by_version_id=v.id,
                superseded_at=now,
            )
        )
    v.status, v.valid_from, v.published_at = target.value, valid_from, now
    d.current_version_id, d.title = v.id, v.title
    d.next_review_on = rules_review.next_review_on(valid_from, d.review_interval_months)
    if previous is not None:
        d.last_reviewed_on = valid_from
    await ctx.session.flush()
    await reviews.schedule(ctx.uow, d, met=True)
    unit_ids, node_ids = await unit_ids_of(ctx, d.id), await node_ids_of(ctx, d.id)
    ctx.emit(
        ev.DocumentVersionPublished(
            document_id=d.id,
            kind=d.kind,
            version_id=v.id,
            number=v.number,
            title=v.title,
            owner_role=d.owner_role,
            owner_unit_id=d.owner_unit_id,
            owner_person_id=d.owner_person_id,
            unit_ids=unit_ids,
            process_node_ids=node_ids,
            valid_from=valid_from,
            next_review_on=d.next_review_on,
            supersedes_version_id=previous.id if previous else None,
            published_at=now,
        )
    )
    if previous is not None:
        await _record_review(ctx, d, v, rules_review.ReviewOutcome.REVISED, valid_from, None)
    await information_dues.open_for_published_version(
        ctx.uow, DocumentKind(d.kind), v.id, valid_from, unit_ids
    )
    await _settle_accepted(ctx, d, v)
    await ctx.commit()
    return v


async def _settle_accepted(ctx: CommandCtx, d: Document, v: DocumentVersion) -> None:
    """Accepted proposals are done when a new version is published."""
    now = ctx.now()
    for p in await ctx.session.scalars(select(RevisionProposal).where(RevisionProposal.document_id == d.id)):
        if settled_by_publication(ProposalStatus(p.status)):
            p.status, p.version_id, p.resolved_at = ProposalStatus.DONE.value, v.id, now
            ctx.emit(
                ev.RevisionProposalSettled(
                    proposal_id=p.id,
                    document_id=d.id,
                    status=p.status,
                    version_id=v.id,
                    settled_by=ctx.caller.id,
                    settled_at=now,
                )
            )


async def _record_review(
    ctx: CommandCtx,
    d: Document,
    v: DocumentVersion,
    outcome: rules_review.ReviewOutcome,
    reviewed_on: date,
    note: str | None,
) -> DocumentReview:
    assert d.next_review_on is not None
    row = DocumentReview(
        id=new_id(),
        document_id=d.id,
        version_id=v.id,
        outcome=outcome.value,
        reviewed_on=reviewed_on,
        reviewed_by=ctx.caller.id,
        note=note,
        next_review_on=d.next_review_on,
        recorded_at=ctx.now(),
    )
    ctx.session.add(row)
    ctx.emit(
        ev.DocumentReviewed(
            document_id=d.id,
            kind=d.kind,
            review_id=row.id,
            version_id=v.id,
            outcome=outcome.value,
            reviewed_on=reviewed_on,
            reviewed_by=ctx.caller.id,
            owner_unit_id=d.owner_unit_id,
            unit_ids=await unit_ids_of(ctx, d.id),
            next_review_on=d.next_review_on,
        )
    )
    return row


# --- review and withdrawal ---------------------------------------------------------------------


@dataclass(frozen=True)
class Confirm:
    """Granskad utan ändring: the version in force still holds, on `reviewed_on` (default today)."""

    document_id: uuid.UUID
    reviewed_on: date | None = None
    note: str | None = None


async def confirm(ctx: CommandCtx, cmd: Confirm) -> Created[DocumentReview]:
    d = await writable_document(ctx, cmd.document_id, if_match=False)
    return await ctx.once(DocumentReview, lambda: _confirm(ctx, d, cmd))


async def _confirm(ctx: CommandCtx, d: Document, cmd: Confirm) -> Created[DocumentReview]:
    current = await ctx.session.get(DocumentVersion, d.current_version_id) if d.current_version_id else None
    day = today(ctx)
    reviewed_on = cmd.reviewed_on or day
    rules_review.check_review(
        has_published_version=current is not None and d.status == "active",
        published_on=current.valid_from if current else None,
        reviewed_on=reviewed_on,
        today=day,
    )
    assert current is not None
    d.last_reviewed_on = reviewed_on
    d.next_review_on = rules_review.next_review_on(reviewed_on, d.review_interval_months)
    await ctx.session.flush()
    await reviews.schedule(ctx.uow, d, met=True)
    row = await _record_review(ctx, d, current, rules_review.ReviewOutcome.CONFIRMED, reviewed_on, cmd.note)
    await ctx.created(row.id)
    await ctx.commit()
    return Created(row)


async def withdraw(ctx: CommandCtx, document_id: uuid.UUID) -> Document:
    """Upphävd: the version in force is superseded without a successor; the review deadline ends."""
    d = await writable_document(ctx, document_id)
    if d.status != "active":
        raise OrgConflict("Dokumentet är redan upphävt")
    now = ctx.now()
    current = await ctx.session.get(DocumentVersion, d.current_version_id) if d.current_version_id else None
    if current is not None:
        current.status = VersionStatus.SUPERSEDED.value
        current.superseded_at = now
        ctx.emit(
            ev.DocumentVersionSuperseded(
                document_id=d.id, kind=d.kind, version_id=current.id, number=current.number, superseded_at=now
            )
        )
    d.status, d.withdrawn_at, d.next_review_on = "withdrawn", now, None
    await reviews.schedule(ctx.uow, d, met=False)
    ctx.emit(ev.DocumentWithdrawn(document_id=d.id, kind=d.kind, withdrawn_at=now))
    await ctx.commit()
    return d


# --- the tenant's decision rules ---------------------------------------------------------------


@dataclass(frozen=True)
class AuthorityRule:
    kind: str  # a DocumentKind value or "*"
    scope: str  # a Scope value or "minor_revision"
    deciders: tuple[str, ...] = field(default=())


async def set_authority(ctx: CommandCtx, rules: list[AuthorityRule]) -> None:
    """Replace the tenant's rules (no row: the default)."""
    require_map_keeper(ctx)
    seen: set[tuple[str, str]] = set()
    for rule in rules:
        if rule.kind != "*" and rule.kind not in DocumentKind.__members__.values():
            raise OrgRuleViolation("kind", "Okänd dokumenttyp")
        if rule.scope != "minor_revision" and rule.scope not in Scope.__members__.values():
            raise OrgRuleViolation("scope", "Okänd omfattning")
        if (rule.kind, rule.scope) in seen:
            raise OrgRuleViolation("rules", "Varje dokumenttyp och omfattning anges en gång")
        seen.add((rule.kind, rule.scope))
        check_deciders(rule.deciders)
    await ctx.session.execute(delete(DocumentAuthorityRule))
    now = ctx.now()
    for rule in rules:
        ctx.session.add(
            DocumentAuthorityRule(
                kind=rule.kind,
                scope=rule.scope,
                deciders=list(rule.deciders),
                updated_by=ctx.caller.id,
                updated_at=now,
            )
        )
    await ctx.commit()
