"""The ledningssystem's documents (/api/v1/org/documents), the process map and the tenant's decision
rules. If-Match names the document's ETag on its own changes, the version's on a version's steps."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status

from org_svc.adapters.orm import Document, DocumentVersion
from org_svc.domain.documents.kinds import DocumentKind
from org_svc.domain.documents.review import ReviewState
from org_svc.entrypoints.api.deps import Command
from org_svc.entrypoints.api.deps import Query as QueryDep
from org_svc.entrypoints.api.document_schemas import (
    AuthorityRead,
    AuthorityRulesBody,
    DecisionCreate,
    DocumentCreate,
    DocumentPage,
    DocumentRead,
    DocumentUpdate,
    ProcessMapRead,
    ProcessNodeCreate,
    ProcessNodeRead,
    PublishBody,
    ReviewCreate,
    ReviewPage,
    ReviewRead,
    RevisionProposalPage,
    RevisionProposalRead,
    RevisionProposalSettle,
    VersionCreate,
    VersionRead,
    VersionUpdate,
)
from org_svc.service_layer.context import Ctx
from org_svc.service_layer.documents import commands, export, process_map, proposals, queries
from platform_shared.api.deps import with_etag
from platform_shared.api.pagination import PageDep

router = APIRouter()
Number = Annotated[int, Path(ge=1, le=100_000, description="The version's number (1, 2, …)")]
D = "/documents/{document_id}"
V = D + "/versions/{number}"


async def document_model(ctx: Ctx, d: Document, response: Response) -> DocumentRead:
    return with_etag(response, DocumentRead.model_validate(await queries.view(ctx, d)))


def version_model(v: DocumentVersion, response: Response) -> VersionRead:
    return with_etag(response, VersionRead.of(queries.version_view(v)))


@router.post(
    "/documents", status_code=status.HTTP_201_CREATED, summary="Register a document with its first draft"
)
async def register_document(body: DocumentCreate, ctx: Command, response: Response) -> DocumentRead:
    created = await commands.register(ctx, body.command())
    response.status_code = created.status
    return await document_model(ctx, created.value, response)


@router.get("/documents", summary="List and search documents (Swedish free text in `q`)")
async def list_documents(
    ctx: QueryDep,
    page: PageDep,
    q: Annotated[
        str | None, Query(max_length=500, description="Swedish free text over title and text")
    ] = None,
    unit_id: Annotated[uuid.UUID | None, Query(description="Documents that apply to this unit")] = None,
    kind: Annotated[list[DocumentKind] | None, Query()] = None,
    process_node_id: Annotated[uuid.UUID | None, Query(description="Linked to the node or below")] = None,
    review_state: ReviewState | None = None,
    include_withdrawn: bool = False,
) -> DocumentPage:
    f = queries.DocumentFilter(
        q, unit_id, tuple(kind or ()), process_node_id, review_state, include_withdrawn
    )
    items, next_cursor = await queries.documents(ctx, f, page)
    return DocumentPage.model_validate({"items": items, "next_cursor": next_cursor})


@router.get("/documents/authority", summary="Who adopts which documents: the tenant's rules and the defaults")
async def get_authority(ctx: QueryDep) -> AuthorityRead:
    return AuthorityRead.model_validate(await queries.authority_rules(ctx))


@router.put("/documents/authority", summary="Replace the tenant's rules for who adopts documents")
async def put_authority(body: AuthorityRulesBody, ctx: Command) -> AuthorityRead:
    rules = [commands.AuthorityRule(r.kind, r.scope, tuple(r.deciders)) for r in body.rules]
    await commands.set_authority(ctx, rules)
    return AuthorityRead.model_validate(await queries.authority_rules(ctx))


@router.get(
    "/documents/export.{extension}",
    summary="The published ledningssystem as one PDF or DOCX: the process map, then the documents",
    response_class=Response,
    responses={
        200: {
            "content": {export.PDF_MEDIA_TYPE: {}, export.DOCX_MEDIA_TYPE: {}},
            "description": "The file",
        }
    },
)
async def export_ledningssystem(extension: Literal["pdf", "docx"], ctx: QueryDep) -> Response:
    content, media_type = await export.file(ctx, extension)
    disposition = f'attachment; filename="ledningssystem.{extension}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/documents/process-map", summary="The process map with the documents in force at each place")
async def get_process_map(ctx: QueryDep, include_retired: bool = False) -> ProcessMapRead:
    return ProcessMapRead.model_validate(
        {"processes": await queries.process_map(ctx, include_retired=include_retired)}
    )


@router.post(
    "/documents/process-nodes",
    status_code=status.HTTP_201_CREATED,
    summary="Add a process, sub-process or activity to the process map",
)
async def define_process_node(body: ProcessNodeCreate, ctx: Command, response: Response) -> ProcessNodeRead:
    created = await process_map.define_node(ctx, body.command())
    response.status_code = created.status
    return with_etag(response, ProcessNodeRead.model_validate(created.value))


@router.get(D, summary="One document: details, who decides it, its versions and review state")
async def get_document(document_id: uuid.UUID, ctx: QueryDep, response: Response) -> DocumentRead:
    return await document_model(ctx, await queries.document(ctx, document_id), response)


@router.patch(D, summary="Change owner, units, place in the process map, legal basis or review interval")
async def update_document(
    document_id: uuid.UUID, body: DocumentUpdate, ctx: Command, response: Response
) -> DocumentRead:
    d = await commands.change_details(ctx, body.command(document_id))
    return await document_model(ctx, d, response)


@router.post(D + "/withdraw", summary="Withdraw (upphäv) the document: its version in force is superseded")
async def withdraw_document(document_id: uuid.UUID, ctx: Command, response: Response) -> DocumentRead:
    return await document_model(ctx, await commands.withdraw(ctx, document_id), response)


@router.post(D + "/versions", status_code=status.HTTP_201_CREATED, summary="Start a new draft version")
async def draft_version(
    document_id: uuid.UUID, body: VersionCreate, ctx: Command, response: Response
) -> VersionRead:
    created = await commands.draft_version(ctx, commands.DraftVersion(document_id, **body.model_dump()))
    response.status_code = created.status
    return version_model(created.value, response)


@router.get(V, summary="One version, as it was decided and published (every version stays readable)")
async def get_version(
    document_id: uuid.UUID, number: Number, ctx: QueryDep, response: Response
) -> VersionRead:
    return version_model(await queries.version(ctx, document_id, number), response)


@router.patch(V, summary="Edit the draft")
async def edit_version(
    document_id: uuid.UUID, number: Number, body: VersionUpdate, ctx: Command, response: Response
) -> VersionRead:
    cmd = commands.EditVersion(document_id, number, **body.model_dump())
    return version_model(await commands.edit_version(ctx, cmd), response)


@router.post(V + "/submit", summary="draft → review")
async def submit_version(
    document_id: uuid.UUID, number: Number, ctx: Command, response: Response
) -> VersionRead:
    return version_model(await commands.step(ctx, document_id, number, "submit"), response)


@router.post(V + "/return", summary="review or decided → draft")
async def return_version(
    document_id: uuid.UUID, number: Number, ctx: Command, response: Response
) -> VersionRead:
    return version_model(await commands.step(ctx, document_id, number, "return"), response)


@router.post(V + "/decide", summary="review → decided, by one who may adopt this kind at this scope")
async def decide_version(
    document_id: uuid.UUID, number: Number, body: DecisionCreate, ctx: Command, response: Response
) -> VersionRead:
    cmd = commands.Decide(document_id, number, **body.model_dump())
    return version_model(await commands.decide(ctx, cmd), response)


@router.post(V + "/publish", summary="decided → published; the version before is superseded")
async def publish_version(
    document_id: uuid.UUID, number: Number, body: PublishBody, ctx: Command, response: Response
) -> VersionRead:
    cmd = commands.Publish(document_id, number, body.valid_from)
    return version_model(await commands.publish(ctx, cmd), response)


@router.post(
    D + "/reviews",
    status_code=status.HTTP_201_CREATED,
    summary="Record a review of the version in force: granskad utan ändring",
)
async def confirm_review(
    document_id: uuid.UUID, body: ReviewCreate, ctx: Command, response: Response
) -> ReviewRead:
    created = await commands.confirm(ctx, commands.Confirm(document_id, body.reviewed_on, body.note))
    response.status_code = created.status
    return ReviewRead.model_validate(created.value)


@router.get(D + "/reviews", summary="The document's reviews, newest first")
async def list_reviews(document_id: uuid.UUID, ctx: QueryDep) -> ReviewPage:
    return ReviewPage(items=[ReviewRead.model_validate(r) for r in await queries.reviews(ctx, document_id)])


@router.get(
    D + "/revision-proposals", summary="Proposals to revise the document (deviations, förbättringsförslag)"
)
async def list_proposals(document_id: uuid.UUID, ctx: QueryDep) -> RevisionProposalPage:
    rows = await proposals.proposals(ctx, document_id)
    return RevisionProposalPage(items=[RevisionProposalRead.model_validate(proposals.view(p)) for p in rows])


@router.post(
    D + "/revision-proposals/{proposal_id}/settle",
    summary="Accept a proposal, or reject it with a motivation",
)
async def settle_proposal(
    document_id: uuid.UUID,
    proposal_id: uuid.UUID,
    body: RevisionProposalSettle,
    ctx: Command,
    response: Response,
) -> RevisionProposalRead:
    p = await proposals.settle(
        ctx, proposals.Settle(document_id, proposal_id, body.decision, body.motivation)
    )
    return with_etag(response, RevisionProposalRead.model_validate(proposals.view(p)))
