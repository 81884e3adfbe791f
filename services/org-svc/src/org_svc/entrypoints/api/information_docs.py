"""The information duty's operations in the OpenAPI document (merged into openapi_docs.OPERATIONS)."""

from __future__ import annotations

from platform_shared.api.openapi_doc import Operation, Operations
from platform_shared.permissions import Action

UNIT = "0190f5a2-6c1e-7a10-9c44-2d1f6b0e0a01"
PERSON = "0190f5a2-7d2f-7b21-8d55-3e2a7c1f1b02"
ITEM = "0190f5a2-aa11-7e54-8a88-6b5d0f4c4e05"
P = "/api/v1/org/information"

INFORMATION_OPERATIONS: Operations = {
    ("GET", f"{P}/items"): Operation(
        "org_information_items_list",
        (Action.ORG_READ,),
        does="What staff must be told: the defaults (lex Sarah yearly, lex Maria under HSL, new or revised "
        "rutiner) and the tenant's own items.",
    ),
    ("POST", f"{P}/items"): Operation(
        "org_information_items_create",
        (Action.INFORMATION_MANAGE,),
        example={
            "key": "brandskydd",
            "title": "Brandskydd och utrymning",
            "trigger": "role_start",
            "due_days": 14,
            "repeat_months": 12,
        },
    ),
    ("PATCH", f"{P}/items/{{item_id}}"): Operation(
        "org_information_items_update",
        (Action.INFORMATION_MANAGE,),
        example={"due_days": 14},
        does="The tenant sets the number of days (the defaults' come from the domain), the title, the "
        "text, the repeat (`null` stops it) or `active`. Dues already open keep their date. Send the "
        "item's version as `If-Match`.",
    ),
    ("POST", f"{P}/records"): Operation(
        "org_information_records_create",
        (Action.INFORMATION_RECORD,),
        "A medarbetare may record `self_acknowledged` for herself only, for items that allow it (a rutin).",
        {
            "item_id": ITEM,
            "unit_id": UNIT,
            "method": "group",
            "given_on": "2026-03-12",
            "occasion": "Arbetsplatsträff 12 mars",
            "participant_ids": [PERSON],
        },
        does="Record that information was given: to one person, to a group at an arbetsplatsträff (it "
        "meets the item for every participant), or acknowledged by the person herself.",
    ),
    ("GET", f"{P}/records"): Operation(
        "org_information_records_list", (Action.INFORMATION_RECORD,), query={"unit_id": UNIT}
    ),
    ("GET", f"{P}/dues"): Operation(
        "org_information_dues_list",
        (Action.INFORMATION_RECORD,),
        "Without `unit_id` (or with `mine=true`): the caller's own.",
        query={"unit_id": UNIT, "status": "overdue"},
        does="Who is due to be told what, with the status (pending, due_soon, overdue, met, met_late).",
    ),
    ("GET", f"{P}/coverage"): Operation(
        "org_information_coverage",
        (Action.INFORMATION_RECORD,),
        query={"unit_id": UNIT},
        does="Per unit and item: how many are informed, not yet informed and overdue, and the share "
        "informed (the figures of the kvalitetsberättelse).",
    ),
}
