"""What every service's OpenAPI document (and the embedded runner's merged one) says beyond its routes:
how to authenticate (a bearer `securitySchemes`, with the issuer's OIDC discovery URL when one is
configured) on every operation that needs a token, one `Problem` schema (RFC 9457) for every error
answer, and each operation's readable id, description (what it does, who may call it, which state it
needs) and examples from the service's table of operations (`<svc>/entrypoints/api/openapi_docs.py`),
so the route decorators stay short. Done once, when the document is first asked for: nothing on the
request path."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from platform_shared.api.context import command_context, query_context
from platform_shared.api.deps import current_principal
from platform_shared.api.problems import PROBLEM_JSON, PROBLEM_SCHEMA_REF
from platform_shared.permissions import CLIENT_OPERATIONS, DELEGABLE, PERMISSIONS, Action, Scope

# Every way a route gets its caller runs through one of these (docs/ENGINEERING.md).
AUTHENTICATING: frozenset[Callable[..., Any]] = frozenset({current_principal, query_context, command_context})
BEARER = "bearer"
OIDC = "oidc"


class ProblemFieldError(BaseModel):
    field: str = Field(description="The input the message is about (`body.unit_id`, `If-Match`, …)")
    message: str = Field(description="What is wrong with it, in Swedish")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details (`application/problem+json`); `title` and `detail` are
    Swedish."""

    type: str = Field(description="A URI naming the kind of problem", examples=["/problems/not-found"])
    title: str = Field(examples=["Hittades inte"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["Avvikelsen finns inte"])
    errors: list[ProblemFieldError] | None = Field(default=None, description="Each bad input (422)")


# What the HTTP layer answers by itself (platform_shared.api.limits, overload, the framework's body
# parsing), before or around any route: documented on every operation it can happen to.
_HTTP_LAYER_ANSWERS = (
    ("431", "Headers (or the token) too large"),
    ("503", "Overloaded: try again after Retry-After seconds"),
)
_BODY_ANSWERS = (
    ("400", "A body that cannot be read (not UTF-8, not the declared form)"),
    ("413", "Body larger than the operation takes"),
    ("415", "A content type the operation does not take"),
)


# `deviations_report`, `org_units_create`: what a generated client names its methods after.
OPERATION_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$|^[a-z]+$")
ANY_STAFF = "Any signed-in person with an active role, and any registered integration client."


@dataclass(frozen=True)
class Operation:
    """One operation as an integrator reads it. `who` is the permission-matrix actions any one of which
    admits the caller (the roles and their reach are written out from the matrix), or a sentence when
    no single action decides it; `state` is what the object must be in (None: no state needed)."""

    operation_id: str
    who: tuple[Action, ...] | str
    state: str | None = None
    example: Any = None  # a request body that validates against the operation's schema
    query: Mapping[str, Any] = field(default_factory=dict)  # parameter name → an example value
    does: str | None = None  # what it does, when the route's summary does not say enough


Operations = Mapping[tuple[str, str], Operation]  # (METHOD, path) → Operation


def in_states(states: Iterable[StrEnum], noun: str) -> str:
    """`The deviation must be reported or received.` from a state machine's allowed-from set."""
    names = sorted(f"`{s.value}`" for s in states)
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"The {noun} must be {listed}."


_REACH = {
    Scope.ALL: "every unit",
    Scope.SUBTREE: "their unit and its subtree",
    Scope.ASSIGNED: "objects they are assigned to",
    Scope.OWN: "their own",
    Scope.AGGREGATE: "de-identified figures only",
}


def who_may(actions: tuple[Action, ...] | str) -> str:
    """The roles the permission matrix grants the actions, with their reach; integration clients when
    the action can be granted to one."""
    if isinstance(actions, str):
        return actions
    by_reach: dict[str, list[str]] = {}
    for action in actions:
        for role, grants in PERMISSIONS[action].items():
            for grant in grants:
                reach = _REACH[grant.scope]
                if grant.case_types:
                    reach += ", " + "/".join(sorted(grant.case_types)) + " cases only"
                if role.value not in by_reach.setdefault(reach, []):
                    by_reach[reach].append(role.value)
    parts = [f"{', '.join(roles)} ({reach})" for reach, roles in by_reach.items()]
    names = " or ".join(f"`{a.value}`" for a in actions)
    text = f"Permission {names}: " + "; ".join(parts) + "."
    clients = [a for a in actions if a in CLIENT_OPERATIONS]
    if clients:
        text += " Integration clients granted " + " or ".join(f"`{a.value}`" for a in clients) + "."
    if any(a in DELEGABLE.values() for a in actions):
        text += " Also a person the decision is delegated to (delegationsordning)."
    return text


def document_api(
    app: FastAPI,
    oidc_issuer: str | None = None,
    service: str | None = None,
    operations: Operations | None = None,
) -> None:
    """`app.openapi()` with the security schemes, each protected operation's security, the Problem
    schema on every error answer, and the operations' ids, descriptions and examples."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = describe(generate(), app.routes, oidc_issuer)
            if service is not None:
                apply_operations(spec, {**common_operations(service), **(operations or {})})
                name_form_bodies(spec)
            describe_fields(spec)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def describe(spec: dict[str, Any], routes: Iterable[Any], oidc_issuer: str | None) -> dict[str, Any]:
    components = spec.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(security_schemes(oidc_issuer))
    schemas = components.setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    requirement: list[dict[str, list[str]]] = [{BEARER: []}]
    if oidc_issuer:
        requirement.append({OIDC: []})
    for route in routing.iter_route_contexts(list(routes)):  # (included routers with their prefixes)
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        protected = _authenticates(route.dependant)
        for method in route.methods or ():
            operation = spec.get("paths", {}).get(route.path_format or "", {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status, text in _HTTP_LAYER_ANSWERS:
                responses.setdefault(status, {"description": text})
            if "requestBody" in operation:
                for status, text in _BODY_ANSWERS:
                    responses.setdefault(status, {"description": text})
            responses = operation.setdefault("responses", {})
            for status, text in _HTTP_LAYER_ANSWERS:
                responses.setdefault(status, {"description": text})
            if "requestBody" in operation:
                for status, text in _BODY_ANSWERS:
                    responses.setdefault(status, {"description": text})
            if protected:
                operation["security"] = requirement
                operation.setdefault("responses", {}).setdefault(
                    "401", {"description": "No token, or one that is not valid"}
                )
            _same_body_on_every_success(operation)
            for status, answer in operation.get("responses", {}).items():
                if status[:1] in ("4", "5"):
                    answer["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}}
    if not _referenced(spec, "#/components/schemas/HTTPValidationError"):
        schemas.pop("HTTPValidationError", None)
        if not _referenced(spec, "#/components/schemas/ValidationError"):
            schemas.pop("ValidationError", None)
    return spec


def _same_body_on_every_success(operation: dict[str, Any]) -> None:
    """A second success answer declared by description only (`200` for a repeat of a `201`) carries the
    route's model too: without it a generated client reads the repeat's body as nothing."""
    answers = operation.get("responses", {})
    bodies = [a["content"] for s, a in answers.items() if s.startswith("2") and "content" in a]
    for status, answer in answers.items():
        if bodies and status.startswith("2") and status != "204" and "content" not in answer:
            answer["content"] = copy.deepcopy(bodies[0])


def security_schemes(oidc_issuer: str | None) -> dict[str, Any]:
    schemes: dict[str, Any] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "An access token: from the OIDC issuer in production, a dev token "
            "(var/dev-tokens.json) in the embedded default. Roles come from the organisation, "
            "never from the token.",
        }
    }
    if oidc_issuer:
        schemes[OIDC] = {
            "type": "openIdConnect",
            "openIdConnectUrl": f"{oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
            "description": "The configured OIDC issuer (its discovery document)",
        }
    return schemes


def _authenticates(dependant: Dependant) -> bool:
    call = dependant.call
    return (
        call in AUTHENTICATING
        or bool(getattr(call, "authenticates", False))  # a context of query_context_or
        or any(_authenticates(d) for d in dependant.dependencies)
    )


def _referenced(node: Any, ref: str) -> bool:
    if isinstance(node, dict):
        return node.get("$ref") == ref or any(_referenced(v, ref) for v in node.values())
    if isinstance(node, list):
        return any(_referenced(v, ref) for v in node)
    return False


def common_operations(name: str) -> dict[tuple[str, str], Operation]:
    """The routes every service has: health, readiness, metrics and its dead letters."""
    ops = f"/api/v1/ops/{name}/dead-letters"
    admin = (Action.OPS_DEAD_LETTERS,)
    return {
        ("GET", "/health"): Operation("health", "Anyone.", does="Liveness: 200 while the process answers."),
        ("GET", "/ready"): Operation(
            "ready",
            "Anyone.",
            does="Readiness: 200 while the database answers, 503 (a Problem) when not; the body tells "
            "the state of the bus and of every worker loop.",
        ),
        ("GET", "/metrics"): Operation(
            "metrics", "Anyone.", does="Prometheus metrics of this process (text exposition format)."
        ),
        ("GET", ops): Operation(
            f"ops_{name}_dead_letters_list",
            admin,
            query={"include_resolved": False, "limit": 100},
            does=f"The events {name}-svc's consumers could not apply (dead letters), oldest first; "
            "resolved ones only with `include_resolved`.",
        ),
        ("POST", f"{ops}/redrive"): Operation(
            f"ops_{name}_dead_letters_redrive",
            admin,
            "The dead letters must be open (not yet resolved).",
            example={"ids": [12, 13]},
            does="Apply dead letters again (by id, or every open one oldest first) once their cause is "
            "fixed; each answers with its outcome.",
        ),
    }


def apply_operations(spec: dict[str, Any], table: Operations) -> list[tuple[str, str]]:
    """Each operation of `table` gets its id, description and examples; the entries that name no
    operation of the document are returned (tests fail on them, so the table cannot rot)."""
    paths = spec.get("paths", {})
    unknown: list[tuple[str, str]] = []
    for (method, path), doc in table.items():
        operation = paths.get(path, {}).get(method.lower())
        if operation is None:
            unknown.append((method, path))
            continue
        operation["operationId"] = doc.operation_id
        does = doc.does or operation.get("summary", "")
        parts = [does + ("" if does.endswith(".") else ".")]
        if operation.get("description"):  # the route's docstring
            parts.append(operation["description"])
        parts.append(f"**Who may call it:** {who_may(doc.who)}")
        if doc.state:
            parts.append(f"**State needed:** {doc.state}")
        operation["description"] = "\n\n".join(parts)
        if doc.example is not None:
            for content in operation.get("requestBody", {}).get("content", {}).values():
                content["example"] = copy.deepcopy(doc.example)
        for parameter in operation.get("parameters", []):
            if parameter["name"] in doc.query:
                parameter["example"] = doc.query[parameter["name"]]
    for path, item in paths.items():
        for method, operation in item.items():
            _request_example(path, method, operation)
    return unknown


EXAMPLE_ID = "0193f1c2-7a4e-7b1d-9c3e-2f5a6b7c8d90"


def _request_example(path: str, method: str, operation: dict[str, Any]) -> None:
    """Every operation shows a request: its path ids get an example value, and one that takes no input
    at all says so with the request itself (what a person pastes into a terminal first)."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "path" and "example" not in parameter:
            schema = parameter.get("schema", {})
            parameter["example"] = EXAMPLE_ID if schema.get("format") == "uuid" else "exempel"
    if not operation.get("parameters") and "requestBody" not in operation:
        curl = f"curl -H 'Authorization: Bearer <token>' -X {method.upper()} http://127.0.0.1:8000{path}"
        operation["description"] = operation.get("description", "") + f"\n\n**Example:** `{curl}`"
        operation["x-request-example"] = curl


def name_form_bodies(spec: dict[str, Any]) -> None:
    """FastAPI names a form body after the route's generated id (`Body_upload_api_v1_deviations_…`), a
    name a generated client would carry: it becomes `<OperationId>Form` (`OrgImportsCsvForm`)."""
    schemas = spec.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content.get("schema", {}).get("$ref", "")
                old = ref.removeprefix(prefix)
                if old.startswith("Body_") and old in schemas and "operationId" in operation:
                    new = "".join(w.capitalize() for w in operation["operationId"].split("_")) + "Form"
                    schemas[new] = schemas.pop(old)
                    schemas[new]["title"] = new
                    content["schema"]["$ref"] = prefix + new


# Fields many schemas share, described once (a model's own `Field(description=…)` wins).
FIELD_DESCRIPTIONS: dict[str, str] = {
    "owner_unit_id": "The unit whose role owns it",
    "status_title": "The status, as people read it (Swedish)",
    "status_label": "The status, as people read it (Swedish)",
    "kind_title": "The kind, as people read it (Swedish)",
    "perspective": "The styrkort perspective (ekonomi, målgrupp, verksamhet, medarbetare)",
    "owner_role": "The role that owns it",
    "owner_person_id": "The person holding the owning role (org-svc person id)",
    "document_id": "A document of the ledningssystem (`/api/v1/org/documents/{document_id}`)",
    "document_version_id": "A version of a ledningssystem document",
    "revises_document_id": "The document (rutin) it proposes to revise",
    "decision": "The recorded decision: who decided, when, and for the nämnd the meeting and §",
    "decisions": "The decisions recorded",
    "indicator_id": "The indicator (`/api/v1/risk/indicators/{indicator_id}`)",
    "parent_indicator_id": "The indicator one level up it rolls up into",
    "goal_id": "The goal (`/api/v1/risk/goals/{goal_id}`)",
    "meeting_on": "The day of the meeting (Stockholm date)",
    "meeting_id": "The kvalitetsråd meeting",
    "scope": "Whose it is: a unit's, or the person's own",
    "item_id": "The information item",
    "item_key": "The information item's key",
    "item_title": "The information item's title (Swedish)",
    "purpose": "What it is for (Swedish)",
    "due_on": "The day it is due (Stockholm date)",
    "given_on": "The day it was given (Stockholm date)",
    "provider": "Who runs it under which contract (private regi only)",
    "provider_name": "The provider's name",
    "contract_from": "First day of the contract",
    "contract_to": "Last day of the contract; none: until further notice",
    "direction": "Whether a higher or a lower value is better",
    "target": "The value aimed for",
    "period": "The period (a month `YYYY-MM`, a tertial `YYYY-T1` or a year `YYYY`)",
    "numerator": "The count over (a rate's numerator)",
    "denominator": "The count under (a rate's denominator)",
    "action": "The action it led to",
    "action_id": "The action",
    "body": "The text (Markdown, Swedish)",
    "principal": "Of principal importance (av principiell vikt): the nämnd decides it",
    "process_node_ids": "Its places in the process map",
    "legal_basis": "The laws and regulations it rests on",
    "review_interval_months": "How often it is reviewed, in months",
    "next_review_on": "The day the next review is due",
    "last_reviewed_on": "The day it was last reviewed",
    "superseded_at": "When a later version replaced it",
    "change_summary": "What changed in this version (Swedish)",
    "minor_revision": "A small change the owner may publish herself",
    "number": "The version's number (1, 2, …)",
    "position": "Its place in the order",
    "children": "The nodes under it",
    "process_type": "huvudprocess, delprocess or stödprocess",
    "unit_of_measure": "What the value is counted in (e.g. procent, antal)",
    "aggregation": "How the children's values combine (sum, rate, or not at all)",
    "kpi": "The Kolada KPI id (e.g. `U21468`)",
    "municipality": "The four-digit kommunkod",
    "recorded_by": "Who recorded it (org-svc person id)",
    "reviewed_by": "Who reviewed it (org-svc person id)",
    "from_year": "The first year it applies",
    "to_year": "The last year it applies; none: until further notice",
    "years": "The years it applies",
    "factors": "Success and critical factors",
    "report_id": "The report (`/api/v1/reports/{report_id}`)",
    "justerat_at": "When the protokoll was justerat (then locked)",
    "secretary_id": "Who records the protokoll (org-svc person id)",
    "chef_id": "The chef who justerar the protokoll (org-svc person id)",
    "as_of": "The day the figures are as of (Stockholm date)",
    "unchanged": "Rows that were already there with the same value",
    "values": "The values, one per period",
    "notes": "Notes (Swedish)",
    "rate_scale": "A rate's scale (100: per cent, 1000: per thousand)",
    "computed_source": "The product's own figure it is computed from",
    "definition": "How it is defined (Swedish)",
    "activities": "The activities planned for it",
    "reports_to_unit_id": "The unit it reports to",
    "responsible_role": "The role responsible",
    "target_id": "What it concerns",
    "first": "First day (Stockholm date)",
    "last": "Last day (Stockholm date)",
    "figures_suppressed": "True when small figures are hidden for this reader",
    "occasion_label": "The occasion, as people read it",
    "filename": "The file's name",
    "file": "The file",
    "summary": "A short summary",
    "heading": "The heading (Swedish)",
    "guidance": "What to write here (Swedish)",
    "row": "The row",
    "informed": "How many are informed",
    "not_informed": "How many are not yet informed",
    "last_used_at": "When it was last used",
    "id": "The object's id (UUID v7: sorts by creation time)",
    "unit_id": "The organisational unit (org-svc `/api/v1/org/units/{unit_id}`)",
    "parent_id": "The parent unit",
    "person_id": "A person of org-svc (`/api/v1/org/people/{person_id}`)",
    "responsible_id": "The person responsible (org-svc person id)",
    "owner_id": "The person who owns it (org-svc person id)",
    "investigator_id": "The person who investigates (org-svc person id)",
    "version": "Optimistic concurrency: send it back as `If-Match` to change the object",
    "status": "Where the object is in its lifecycle",
    "reference": "The human-readable reference (e.g. `AV-2026-0042`), unique per tenant",
    "created_at": "When it was created (UTC, RFC 3339)",
    "updated_at": "When it last changed (UTC, RFC 3339)",
    "occurred_at": "When it happened (RFC 3339 with offset)",
    "discovered_at": "When it was discovered (RFC 3339 with offset)",
    "reported_at": "When it was reported (UTC)",
    "received_at": "When it was received",
    "closed_at": "When it was closed",
    "completed_at": "When it was completed",
    "sent_at": "When it was sent",
    "informed_at": "When they were informed",
    "valid_from": "First day it applies (Stockholm date)",
    "valid_to": "Last day it applies (Stockholm date), none: until further notice",
    "due_date": "The day it is due (Stockholm date)",
    "planned_start": "The day it is planned to start (Stockholm date)",
    "items": "The page's objects",
    "next_cursor": "Pass as `cursor` to get the next page; none on the last page",
    "description": "Free text describing it (Swedish)",
    "motivation": "Why (free text, Swedish); kept in the history",
    "reason": "Why (free text, Swedish); kept in the history",
    "note": "A note (free text, Swedish)",
    "comment": "A comment (free text, Swedish)",
    "title": "The title (Swedish)",
    "name": "The name, as people read it",
    "text": "The text (Swedish)",
    "type": "The kind",
    "kind": "The kind",
    "category": "The category (the tenant's category list)",
    "year": "The calendar year",
    "unit_name": "The unit's name, as it was named at the time",
    "laws": "The laws the unit's activity falls under (SoL, LSS, HSL, LVU, LVM)",
    "severity": "Severity 1 (low) to 4 (very serious)",
    "probability": "Probability 1 (unlikely) to 4 (very likely)",
    "consequence": "Consequence 1 (minor) to 4 (very serious)",
    "actions": "The actions decided or planned for it",
    "subjects": "The people it concerns (protected: only those who may read the case see them)",
    "effect": "The effect observed at follow-up (free text)",
    "effective": "Whether the action had the intended effect",
    "goal": "What the action is meant to achieve",
    "horizon": "How soon the action is meant to work",
    "cause_area": "The area of the cause (e.g. rutiner, kompetens, kommunikation)",
    "at": "When it happened (UTC)",
    "actor_id": "Who did it (org-svc person id)",
    "actor_name": "Who did it, by name",
    "event_types": "The event types (CloudEvents `type`) it concerns",
    "url": "An https URL",
    "active": "Whether it is in use",
    "count": "How many",
    "total": "The total",
    "suppressed": "True when the figure is hidden because it is below the tenant's suppression threshold",
    "period_from": "First day of the period (Stockholm date)",
    "period_to": "Last day of the period (Stockholm date)",
    "immediate_measures": "What was done at once to make the situation safe",
    "degree": "The degree decided or proposed",
    "email": "The person's e-mail address",
    "subject": "The person's subject in the OIDC issuer's tokens",
    "role": "A role of the organisation (socialchef, enhetschef, …)",
    "acting": "Acting (tillförordnad) in the role",
    "code": "The unit's code in the case system (e.g. the Lifecare or Treserva unit code)",
    "level": "The level of the unit in the organisation tree",
    "source": "Where it came from",
    "read_at": "When the person read it; none while unread",
    "message": "The message (Swedish)",
    "link": "Where in the product it points",
    "deadline": "The legal or configured deadline",
    "due_at": "When it is due (UTC)",
    "method": "The method used (the enum lists the choices)",
    "deviation_id": "The deviation (`/api/v1/deviations/{deviation_id}`)",
    "channel": "How it came in or was sent",
    "risk_value": "Probability × consequence (1–16)",
    "key": "A stable key identifying the row or figure",
    "figures": "The figures (counts, values) it is based on",
    "created_by": "Who created it (org-svc person id)",
    "deadlines": "Its legal and configured deadlines, with their due time and whether they are met",
    "assessed_at": "When it was assessed",
    "decided_at": "When it was decided",
    "risk_id": "The risk (`/api/v1/risk/risks/{risk_id}`)",
    "band": "The risk band the value falls in (the tenant's bands)",
    "rows": "The table's rows",
    "followed_up_at": "When it was followed up",
    "decided_by": "Who decided (org-svc person id)",
    "discovered_how": "How it was discovered",
    "ivo_case_number": "IVO's case number (diarienummer) of the anmälan",
    "result": "The outcome (the enum lists the choices)",
    "analysis_id": "The risk analysis it belongs to",
    "linked_deviation_ids": "Deviations this risk is based on",
    "linked_complaint_ids": "Complaints this risk is based on",
    "label": "What a person reads (Swedish)",
    "dry_run": "Check and report only; change nothing",
    "unit_ids": "The units (with their subtrees) the client may act for",
    "operations": "The permission-matrix actions the client may call (e.g. `case.create`)",
    "event_type": "The CloudEvents `type` of the event",
    "error": "What went wrong",
    "decision_type": "The delegable decision (e.g. `ivo_anmalan_lex_sarah`)",
    "outcome": "What it led to",
    "risk": "The assessed risk to the data subjects' rights and freedoms (GDPR art. 33–34)",
    "ended_at": "When it ended",
    "cause": "What caused it",
    "data_categories": "The kinds of personal data concerned",
    "subject_groups": "The groups of data subjects concerned",
    "approx_subjects": "About how many data subjects are concerned",
    "approx_records": "About how many records are concerned",
    "likely_consequences": "The likely consequences for the data subjects",
    "measures": "The measures taken or planned",
    "dpo_consulted": "Whether the data protection officer was consulted",
    "imy_reported_at": "When IMY was notified",
    "complainant_type": "Who complains (brukare, närstående, …; `anonym` gets no acknowledgement)",
    "conclusion": "The investigation's conclusion",
    "individual_informed": "Whether the brukare or patient was informed",
    "representative_informed": "Whether the legal representative or närstående was informed",
    "police_reported": "Whether it was reported to the police",
    "investigation_attached": "Whether the completed investigation went with the anmälan",
    "namnd_informed_at": "When the nämnd was informed of the anmälan",
    "assessed_by": "Who assessed it (org-svc person id)",
    "analysis_date": "The day the analysis was made",
    "change_description": "The change that calls for the analysis (a `forandring` analysis)",
    "participant_ids": "The people taking part (org-svc person ids)",
    "external_participants": "Others taking part, by name or role",
    "action_plan": "The plan of actions that follows from the analysis",
    "frequency": "How often the control is performed",
    "reporting_occasion": "When the result is reported to the nämnd (t1, t2 or arsbokslut)",
    "process": "The process or activity the risk belongs to",
    "area": "What is examined",
    "periods": "How many periods are compared",
    "threshold": "The small-cell threshold: counts below it are hidden",
    "object_type": "The kind of object it is about",
    "object_id": "The object it is about",
    "registered_at": "When it was registered",
    "revoked_at": "When it was revoked; none while in force",
    "attempts": "How many times it was tried",
    "to_person_id": "The person the decision is delegated to",
    "to_role": "The role the decision is delegated to",
    "from_role": "The role that owns the decision",
    "duty": "A duty of the catalogue (`/api/v1/org/duties`)",
    "roles": "Roles, each with its unit",
    "effective_at": "When the change takes effect",
    "recorded_at": "When it was recorded",
    "executed_at": "When it was carried out",
    "imy_required": "Whether IMY must be notified (within 72 hours of discovery)",
    "imy_due_at": "When the notification to IMY is due (72 hours after discovery)",
    "subjects_not_informed_reason": "Why the data subjects are not informed despite a high risk",
    "reported_by": "Who reported it (org-svc person id)",
    "response_due_at": "When the reply to the complainant is due",
    "responded_at": "When the complainant was answered",
    "escalated_deviation_id": "The deviation the complaint was escalated to",
    "investigation_started_at": "When the investigation started",
    "response": "The reply to the complainant (Swedish)",
    "proposed_degree": "The degree the investigator proposes",
    "analysis_team": "Who took part in the analysis",
    "individual_involvement": "How the brukare or patient (or närstående) took part",
    "reporter_id": "Who reported it (org-svc person id)",
    "documented_in_record": "Whether it is documented in the personal record",
    "documentation_motivation": "Why it is not documented in the record",
    "patient_informed_at": "When the patient was informed (Lex Maria)",
    "patient_view_given": "Whether the patient could give her view (Lex Maria)",
    "no_immediate_measures_needed": "No immediate measures were needed (instead of `immediate_measures`)",
    "section": "The part of the investigation (SOSFS 2011:5) it belongs to",
    "author_title": "The writer's title or role",
    "rationale": "Why the anmälan is made",
    "investigation_sent_at": "When the investigation was sent to IVO",
    "anonymous": "Submitted anonymously: the proposer is not shown",
    "submitted_at": "When it was submitted",
    "moved_from_complaint": "The complaint it came from, when one was moved here",
    "step": "The step taken",
    "to_status": "The state it moved to",
    "from_unit_id": "The unit before the step",
    "to_unit_id": "The unit after the step",
    "protected_identity": "Skyddade personuppgifter: the identity is never shown",
    "trigger": "Why the analysis is made: `arlig` (yearly) or `forandring` (a change)",
    "completed_by": "Who completed it (org-svc person id)",
    "medium_from": "The lowest risk value of the medium band",
    "high_from": "The lowest risk value of the high band",
    "very_high_from": "The lowest risk value of the very high band",
    "findings": "What the control found",
    "decided_on": "The day of the decision",
    "occasion": "The follow-up occasion (t1, t2 or arsbokslut)",
    "prioritised_at": "When it was prioritised",
    "adopted_by": "Who adopted it (org-svc person id)",
    "adopted_at": "When it was adopted",
    "control_activity": "What is controlled (the kontrollmoment)",
    "probability_label": "The probability as people read it",
    "consequence_label": "The consequence as people read it",
    "min_risk_value": "Risks with at least this value are proposed for prioritisation",
    "min_consequence": "Risks with at least this consequence are proposed for prioritisation",
    "responsible_unit_id": "The unit responsible for the risk (changes when it is escalated)",
    "prioritised": "Whether the risk is prioritised (proposed for the internkontrollplan)",
    "bands": "The risk bands by risk value",
    "suggestions": "The rule for suggesting risks from a unit's history",
    "yearly_analysis_levels": "The unit levels that make a yearly risk analysis",
    "analysis": "The analysis (free text, Swedish)",
    "value": "The measured value",
    "higher_is_better": "Whether a higher value is better (for the comparison)",
    "deviations": "Deviations",
    "complaints": "Complaints",
    "period_months": "The length of a period in months",
    "min_count": "The fewest events that count as a pattern",
    "rise_factor": "How many times its own baseline a count must be to count as rising",
    "recurring_periods": "In how many periods in a row a category must occur to count as recurring",
    "severe_from": "The severity from which one event is suggested",
    "columns": "The table's columns",
    "counts": "The counts",
    "tertial": "The tertial (1–3) of the year",
    "pattern_min_count": "The fewest events in a period that can make a pattern",
    "pattern_rise_factor": "How many times its baseline a category must be to count as rising",
    "pattern_recurring_periods": "In how many periods in a row a category must occur to count as recurring",
    "ivo_reminder_interval_hours": "How often the IVO deadline reminders repeat, in hours",
    "end_missing_roles": "End a listed person's roles the file lacks",
    "failed_at": "When it failed",
    "resolved_at": "When it was resolved",
    "topic": "The Kafka topic",
    "partition": "The topic's partition",
    "offset": "The message's offset in its partition",
    "service": "The service that wrote it",
    "client_id": "The integration client",
}


def describe_fields(spec: dict[str, Any]) -> None:
    """Properties without a description get the common one for their name."""
    for schema in spec.get("components", {}).get("schemas", {}).values():
        for name, prop in schema.get("properties", {}).items():
            if "description" not in prop and name in FIELD_DESCRIPTIONS:
                prop["description"] = FIELD_DESCRIPTIONS[name]


def field_counts(spec: dict[str, Any]) -> tuple[int, int]:
    """(described, total) properties of the component schemas."""
    schemas = spec.get("components", {}).get("schemas", {}).values()
    props = [p for s in schemas for p in s.get("properties", {}).values()]
    return sum(1 for p in props if p.get("description")), len(props)
