"""org-svc's operations as an integrator reads them in the OpenAPI document: readable ids, who may call
each one (from the permission matrix), the state it needs and examples (platform_shared.api.openapi_doc
applies the table; a test fails on an entry whose route is gone)."""

from __future__ import annotations

from org_svc.entrypoints.api.document_docs import DOCUMENT_OPERATIONS
from org_svc.entrypoints.api.information_docs import INFORMATION_OPERATIONS
from platform_shared.api.openapi_doc import Operation, Operations
from platform_shared.permissions import Action

READ = (Action.ORG_READ,)
MANAGE = (Action.ORG_MANAGE,)
UNIT = "0190f5a2-6c1e-7a10-9c44-2d1f6b0e0a01"
PARENT = "0190f5a2-6c1e-7a10-9c44-2d1f6b0e0a00"
PERSON = "0190f5a2-7d2f-7b21-8d55-3e2a7c1f1b02"
OPEN_UNIT = "The unit must be open (not closed)."
ACTIVE_PERSON = "The person must be active."
P = "/api/v1/org"

OPERATIONS: Operations = {
    ("POST", f"{P}/units"): Operation(
        "org_units_create",
        MANAGE,
        "The parent unit must be open.",
        example={
            "name": "Hemtjänst Norr",
            "level": "enhet",
            "parent_id": PARENT,
            "code": "HT-N",
            "laws": ["SoL", "HSL"],
        },
    ),
    ("GET", f"{P}/units"): Operation("org_units_list", READ, query={"level": "enhet", "at": "2026-01-01"}),
    ("GET", f"{P}/units/{{unit_id}}"): Operation("org_units_get", READ, query={"at": "2026-01-01"}),
    ("PATCH", f"{P}/units/{{unit_id}}"): Operation(
        "org_units_update",
        MANAGE,
        OPEN_UNIT + " Send the unit's version as `If-Match`.",
        example={
            "name": "Hemtjänst Norra distriktet",
            "laws": ["SoL"],
            "effective_at": "2026-07-01T00:00:00+02:00",
        },
    ),
    ("GET", f"{P}/units/{{unit_id}}/history"): Operation("org_units_history", READ, query={"limit": 50}),
    ("POST", f"{P}/units/{{unit_id}}/move"): Operation(
        "org_units_move",
        MANAGE,
        OPEN_UNIT + " The new parent must be open, one level up, and not inside the unit itself.",
        example={"parent_id": PARENT, "moved_at": "2026-07-01T00:00:00+02:00"},
    ),
    ("POST", f"{P}/units/{{unit_id}}/close"): Operation(
        "org_units_close",
        MANAGE,
        OPEN_UNIT + " Its child units must be closed or moved first.",
        example={"closed_at": "2026-12-31T23:59:59+01:00"},
    ),
    ("GET", f"{P}/me"): Operation(
        "org_me",
        "Any caller with a valid token (a registered person or integration client), also without a role.",
        does="The caller as the services see her: a person (or an integration client), her roles with their "
        "units and the delegations in force. Use it to check a token.",
    ),
    ("POST", f"{P}/people"): Operation(
        "org_people_register",
        MANAGE,
        example={"name": "Maria Lind", "email": "maria.lind@kommun.se", "subject": "oidc|maria.lind"},
    ),
    ("GET", f"{P}/people"): Operation("org_people_list", READ, query={"active": True}),
    ("GET", f"{P}/people/{{person_id}}"): Operation("org_people_get", READ),
    ("PATCH", f"{P}/people/{{person_id}}"): Operation(
        "org_people_update", MANAGE, ACTIVE_PERSON, example={"email": "maria.lind@ny.kommun.se"}
    ),
    ("POST", f"{P}/people/{{person_id}}/deactivate"): Operation(
        "org_people_deactivate", MANAGE, ACTIVE_PERSON
    ),
    ("POST", f"{P}/people/{{person_id}}/reactivate"): Operation(
        "org_people_reactivate", MANAGE, "The person must be deactivated."
    ),
    ("POST", f"{P}/role-assignments"): Operation(
        "org_role_assignments_create",
        MANAGE,
        "The person must be active and the unit open.",
        example={
            "person_id": PERSON,
            "role": "enhetschef",
            "unit_id": UNIT,
            "valid_from": "2026-01-01T00:00:00+01:00",
        },
    ),
    ("GET", f"{P}/role-assignments"): Operation(
        "org_role_assignments_list", READ, query={"unit_id": UNIT, "role": "enhetschef"}
    ),
    ("GET", f"{P}/role-assignments/{{assignment_id}}"): Operation("org_role_assignments_get", READ),
    ("POST", f"{P}/role-assignments/{{assignment_id}}/end"): Operation(
        "org_role_assignments_end",
        MANAGE,
        "The assignment must not have ended.",
        example={"ended_at": "2026-06-30T23:59:59+02:00"},
    ),
    ("POST", f"{P}/delegations"): Operation(
        "org_delegations_grant",
        MANAGE,
        "The unit must be open; `from_role` must own the decision; the person must be active.",
        example={
            "decision_type": "ivo_anmalan_lex_sarah",
            "from_role": "socialchef",
            "unit_id": UNIT,
            "to_person_id": PERSON,
            "reference": "Delegationsordning 2026 §4.2",
        },
    ),
    ("GET", f"{P}/delegations"): Operation(
        "org_delegations_list", READ, query={"decision_type": "ivo_anmalan_lex_sarah"}
    ),
    ("GET", f"{P}/delegations/{{delegation_id}}"): Operation("org_delegations_get", READ),
    ("POST", f"{P}/delegations/{{delegation_id}}/revoke"): Operation(
        "org_delegations_revoke",
        MANAGE,
        "The delegation must not be revoked or ended.",
        example={"revoked_at": "2026-03-01T00:00:00+01:00"},
    ),
    ("GET", f"{P}/duties"): Operation("org_duties_list", READ),
    ("GET", f"{P}/units/{{unit_id}}/responsible"): Operation(
        "org_units_responsible", READ, query={"duty": "decide_ivo_lex_sarah", "at": "2026-03-01"}
    ),
    ("POST", f"{P}/clients"): Operation(
        "org_clients_register",
        MANAGE,
        "The units must be open; the operations must be ones a client may be granted.",
        example={"name": "Lifecare", "unit_ids": [UNIT], "operations": ["case.create", "case.read"]},
    ),
    ("GET", f"{P}/clients"): Operation("org_clients_list", MANAGE, query={"active": True}),
    ("GET", f"{P}/clients/{{client_id}}"): Operation("org_clients_get", MANAGE),
    ("PATCH", f"{P}/clients/{{client_id}}"): Operation(
        "org_clients_update",
        MANAGE,
        "The client must not be revoked.",
        example={"operations": ["case.create", "case.read", "case.attach"]},
    ),
    ("POST", f"{P}/clients/{{client_id}}/revoke"): Operation(
        "org_clients_revoke", MANAGE, "The client must not be revoked."
    ),
    ("POST", f"{P}/clients/{{client_id}}/dev-token"): Operation(
        "org_clients_dev_token", MANAGE, "Only with `AUTH_MODE=dev`; the client must not be revoked."
    ),
    ("POST", f"{P}/imports"): Operation(
        "org_imports_json",
        MANAGE,
        example={
            "units": [
                {
                    "code": "HT-N",
                    "name": "Hemtjänst Norr",
                    "parent_code": "AO",
                    "level": "enhet",
                    "laws": ["SoL"],
                }
            ],
            "people": [
                {
                    "subject": "oidc|maria.lind",
                    "email": "maria.lind@kommun.se",
                    "name": "Maria Lind",
                    "roles": ["enhetschef@HT-N"],
                }
            ],
            "dry_run": True,
        },
    ),
    ("POST", f"{P}/imports/csv"): Operation(
        "org_imports_csv",
        MANAGE,
        example={
            "units": "code,name,parent_code,level,laws\nHT-N,Hemtjänst Norr,AO,enhet,SoL",
            "dry_run": True,
        },
    ),
    ("GET", f"{P}/audit"): Operation(
        "org_audit_list", (Action.AUDIT_READ,), query={"person_id": PERSON, "from": "2026-01-01"}
    ),
}

# The ledningssystem's documents and the information duty (entrypoints/api/document_docs.py,
# information_docs.py).
OPERATIONS = {**OPERATIONS, **DOCUMENT_OPERATIONS, **INFORMATION_OPERATIONS}
