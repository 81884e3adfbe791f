"""The ledningssystem's operations in the OpenAPI document (merged into openapi_docs.OPERATIONS)."""

from __future__ import annotations

from platform_shared.api.openapi_doc import Operation, Operations
from platform_shared.permissions import Action

READ = (Action.ORG_READ,)
WRITE = (
    "The document's owner, or one who holds a chef role (socialchef, förvaltningschef, verksamhetschef, "
    "avdelningschef, enhetschef), the MAS or a kvalitetsledare at the owner's unit or above it."
)
DECIDE = (
    "One who may adopt the document's kind at its scope (the tenant's rules, `GET /documents/authority`): "
    "the nämnd (recorded by a socialchef, förvaltningschef or kvalitetsledare), or the caller in her "
    "deciding role held for every unit the document applies to."
)
MAP = "A socialchef, förvaltningschef, kvalitetsledare or systemadministratör."
DOCUMENT = "0190f5a2-8e3a-7c32-9e66-4f3b8d2a2c03"
UNIT = "0190f5a2-6c1e-7a10-9c44-2d1f6b0e0a01"
NODE = "0190f5a2-9f4b-7d43-8f77-5a4c9e3b3d04"
P = "/api/v1/org/documents"
D = P + "/{document_id}"
V = D + "/versions/{number}"
ACTIVE = "The document must not be withdrawn."
NUMBER = {"number": 1}

DOCUMENT_OPERATIONS: Operations = {
    ("POST", P): Operation(
        "org_documents_register",
        WRITE,
        "A rutin's places in the process map are activities; a process description's are processes.",
        example={
            "kind": "rutin",
            "title": "Rutin för läkemedelshantering",
            "purpose": "Säker hantering av läkemedel i hemtjänsten",
            "body": "## Signering\n\nSignera varje given dos.",
            "owner_role": "enhetschef",
            "owner_unit_id": UNIT,
            "unit_ids": [UNIT],
            "legal_basis": ["HSLF-FS 2017:37"],
            "process_node_ids": [NODE],
        },
    ),
    ("GET", P): Operation(
        "org_documents_list",
        READ,
        query={"q": "läkemedel", "unit_id": UNIT, "kind": ["rutin"]},
        does="Documents in force and in the works. `q` searches title, purpose and text in Swedish, "
        'inflected forms included (websearch syntax: all words, "phrases", `or`, `-word`), best first; '
        "`unit_id` gives the documents that apply to the unit (set for it or a unit above it).",
    ),
    ("GET", P + "/authority"): Operation("org_documents_authority_get", READ),
    ("PUT", P + "/authority"): Operation(
        "org_documents_authority_put",
        MAP,
        example={"rules": [{"kind": "instruktion", "scope": "enhet", "deciders": ["enhetschef", "mas"]}]},
    ),
    ("GET", P + "/export.{extension}"): Operation(
        "org_documents_export",
        READ,
        query={"extension": "pdf"},
        does="The published ledningssystem as one file (`pdf` or `docx`): the process map, then every "
        "document in force in the map's order with its facts (owner, units, legal basis, decision, "
        "version, next review) and its text.",
    ),
    ("GET", P + "/process-map"): Operation(
        "org_documents_process_map", READ, query={"include_retired": False}
    ),
    ("POST", P + "/process-nodes"): Operation(
        "org_documents_process_nodes_create",
        MAP,
        "A sub-process or activity sits in an active process or sub-process.",
        example={"kind": "process", "name": "Genomföra insatser", "process_type": "huvudprocess"},
    ),
    ("GET", D): Operation("org_documents_get", READ),
    ("PATCH", D): Operation(
        "org_documents_update",
        WRITE,
        ACTIVE + " Send the document's version as `If-Match`.",
        example={"review_interval_months": 24, "legal_basis": ["SOSFS 2011:9"]},
    ),
    ("POST", D + "/withdraw"): Operation(
        "org_documents_withdraw", WRITE, ACTIVE + " Send the document's version as `If-Match`."
    ),
    ("POST", D + "/versions"): Operation(
        "org_documents_versions_create",
        WRITE,
        ACTIVE + " No other version may be in the works (draft, review or decided).",
        example={"change_summary": "Ny signeringslista", "minor_revision": False},
    ),
    ("GET", V): Operation("org_documents_versions_get", READ, query=NUMBER),
    ("PATCH", V): Operation(
        "org_documents_versions_update",
        WRITE,
        "The version must be a draft. Send the version's ETag as `If-Match`.",
        example={"body": "## Signering\n\nSignera varje given dos i signeringslistan."},
        query=NUMBER,
    ),
    ("POST", V + "/submit"): Operation(
        "org_documents_versions_submit", WRITE, "The version must be a draft.", query=NUMBER
    ),
    ("POST", V + "/return"): Operation(
        "org_documents_versions_return", WRITE, "The version must be in review or decided.", query=NUMBER
    ),
    ("POST", V + "/decide"): Operation(
        "org_documents_versions_decide",
        DECIDE,
        "The version must be in review.",
        example={"body": "role", "role": "enhetschef", "decided_on": "2026-03-12"},
        query=NUMBER,
    ),
    ("POST", V + "/publish"): Operation(
        "org_documents_versions_publish",
        WRITE,
        "The version must be decided; a rutin must belong to an activity of the process map.",
        example={"valid_from": "2026-03-15"},
        query=NUMBER,
    ),
    ("POST", D + "/reviews"): Operation(
        "org_documents_reviews_create",
        WRITE,
        "The document must have a version in force.",
        example={"outcome": "confirmed", "reviewed_on": "2026-03-12", "note": "Granskad på APT"},
    ),
    ("GET", D + "/reviews"): Operation("org_documents_reviews_list", READ),
    ("GET", D + "/revision-proposals"): Operation(
        "org_documents_revision_proposals_list",
        READ,
        does="Proposals to revise the document: a deviation that names it (the rutin was not followed "
        "or was missing) and a förbättringsförslag its chef accepted as a revision of it (deviation-svc's "
        "events), with their status.",
    ),
    ("POST", D + "/revision-proposals/{proposal_id}/settle"): Operation(
        "org_documents_revision_proposals_settle",
        WRITE,
        "The proposal must be open (to accept) or open or accepted (to reject, with a motivation). "
        "Publishing a new version marks the accepted ones done.",
        example={"decision": "reject", "motivation": "Rutinen är tydlig; den följdes inte."},
    ),
}
