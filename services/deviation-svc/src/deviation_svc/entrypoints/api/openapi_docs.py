"""deviation-svc's operations as an integrator reads them in the OpenAPI document: readable ids, who may
call each one and the state it needs, both taken from the state machines of the domain (the step's
allowed-from states and its Action of the permission matrix), and examples
(platform_shared.api.openapi_doc applies the table; a test fails on an entry whose route is gone)."""

from __future__ import annotations

from deviation_svc.domain import breaches, complaints, lifecycle
from deviation_svc.domain.actions import MOVES, ActionStep
from deviation_svc.domain.breaches import BreachStep
from deviation_svc.domain.complaints import ComplaintStep
from deviation_svc.domain.lifecycle import Step
from deviation_svc.domain.model import DeviationType
from deviation_svc.domain.proposals import OPEN as OPEN_PROPOSAL
from platform_shared.api.openapi_doc import Operation, Operations, in_states
from platform_shared.permissions import Action

UNIT = "0190f5a2-6c1e-7a10-9c44-2d1f6b0e0a01"
PERSON = "0190f5a2-7d2f-7b21-8d55-3e2a7c1f1b02"
READ = (Action.CASE_READ,)
CREATE = (Action.CASE_CREATE,)
D = "/api/v1/deviations"
C = "/api/v1/complaints"
IP = "/api/v1/improvement-proposals"
B = "/api/v1/data-breaches"


IVO_STEPS = (Step.IVO_DECISION, Step.IVO_RECORD)  # not for an avvikelse


def step(s: Step) -> tuple[tuple[Action, ...], str]:
    """Who may take a deviation step (over every type of case) and the states it is taken from."""
    types = [DeviationType.LEX_SARAH, DeviationType.HSL] if s in IVO_STEPS else list(DeviationType)
    actions = tuple(dict.fromkeys(a for t in types for a in lifecycle.actions_for(s, t)))
    return actions, in_states(lifecycle.ALLOWED_FROM[s], "deviation")


def deviation(operation_id: str, s: Step, example: object = None, extra: str = "") -> Operation:
    who, state = step(s)
    return Operation(operation_id, who, (state + " " + extra).strip(), example)


def action(operation_id: str, s: ActionStep, example: object = None) -> Operation:
    who, state = step(Step.ACTIONS)
    return Operation(operation_id, who, state + " " + in_states(MOVES[s][0], "action"), example)


def complaint(operation_id: str, s: ComplaintStep, example: object = None) -> Operation:
    return Operation(
        operation_id, (complaints.WHO[s],), in_states(complaints.ALLOWED_FROM[s], "complaint"), example
    )


def breach(operation_id: str, s: BreachStep, example: object = None) -> Operation:
    return Operation(
        operation_id, (breaches.WHO[s],), in_states(breaches.ALLOWED_FROM[s], "data breach"), example
    )


IF_MATCH = "Send the object's version as `If-Match`."

OPERATIONS: Operations = {
    # ---- deviations ----
    ("POST", D): Operation(
        "deviations_report",
        CREATE,
        example={
            "type": "lex_sarah",
            "unit_id": UNIT,
            "occurred_at": "2026-03-02T07:40:00+01:00",
            "description": "Brukaren fick inte sina läkemedel på morgonen; besöket missades.",
            "category": "utforande",
            "immediate_measures": "Sjuksköterska kontaktades och läkemedlen gavs 09.15.",
            "severity": 3,
        },
        does="Report a deviation: an avvikelse, a risk of or an actual missförhållande (`lex_sarah`, "
        "SoL 14 kap., LSS 24 a §) or a vårdskada (`hsl`, Lex Maria). With `source` (the case system's "
        "id) or an `Idempotency-Key` a repeat answers 200 with the first report.",
    ),
    ("POST", f"{D}/batch"): Operation(
        "deviations_report_batch",
        CREATE,
        example={
            "reports": [
                {
                    "type": "avvikelse",
                    "unit_id": UNIT,
                    "occurred_at": "2025-11-03T14:20:00+01:00",
                    "description": "Insats uteblev; brukaren fick vänta på hjälp med måltiden.",
                    "source": {"system": "lifecare", "external_id": "AVV-LC-20251103-17"},
                }
            ]
        },
        does="A case system's backfill: up to 200 reports, each with its `source`, in one transaction, "
        "all or nothing (an error names `reports[i]`). A source reported before, or repeated in the "
        "batch, answers `already_reported` with its deviation, so the batch may be sent again.",
    ),
    ("GET", D): Operation(
        "deviations_list",
        READ,
        query={"status": ["reported", "received"], "type": ["lex_sarah"], "overdue": True},
    ),
    ("GET", f"{D}/{{deviation_id}}"): Operation("deviations_get", READ + CREATE),
    ("PATCH", f"{D}/{{deviation_id}}"): deviation(
        "deviations_update",
        Step.EDIT,
        {"category": "lakemedel", "severity": 2, "individual_informed": True},
        IF_MATCH,
    ),
    ("POST", f"{D}/{{deviation_id}}/subjects"): deviation(
        "deviations_add_subject", Step.EDIT, {"name": "Anna Andersson", "personnummer": "19400101-1234"}
    ),
    ("POST", f"{D}/{{deviation_id}}/receive"): deviation(
        "deviations_receive",
        Step.RECEIVE,
        {"immediate_measures": "Ny rutin för överlämning vid morgonpasset från i dag."},
        "Give immediate measures or `no_immediate_measures_needed: true`.",
    ),
    ("POST", f"{D}/{{deviation_id}}/start-investigation"): deviation(
        "deviations_start_investigation",
        Step.START_INVESTIGATION,
        {"investigator_id": PERSON, "method": "lex_sarah"},
    ),
    ("GET", f"{D}/{{deviation_id}}/investigation"): Operation("deviations_investigation_get", READ),
    ("POST", f"{D}/{{deviation_id}}/investigation/entries"): deviation(
        "deviations_investigation_add_entry",
        Step.ADD_INVESTIGATION_ENTRY,
        {
            "section": "causes",
            "kind": "fact",
            "entry_date": "2026-03-04",
            "source": "Samtal med personal på morgonpasset",
            "text": "Besöket låg inte i planeringen efter schemaändringen.",
            "author_title": "Utredare, kvalitetsledare",
            "cause_area": "rutiner_riktlinjer",
        },
    ),
    ("POST", f"{D}/{{deviation_id}}/complete-investigation"): deviation(
        "deviations_complete_investigation",
        Step.COMPLETE_INVESTIGATION,
        {
            "conclusion": "Planeringen uppdaterades inte efter schemaändringen.",
            "proposed_degree": "pataglig_risk_missforhallande",
        },
    ),
    ("POST", f"{D}/{{deviation_id}}/decision"): deviation(
        "deviations_decide",
        Step.DECIDE,
        {
            "degree": "pataglig_risk_missforhallande",
            "motivation": "Brukaren utsattes för en påtaglig risk för missförhållande.",
        },
        "Lex Sarah: the socialchef (or delegate) decides; an avvikelse: the chef in scope.",
    ),
    ("POST", f"{D}/{{deviation_id}}/close"): deviation(
        "deviations_close", Step.CLOSE, {"motivation": "Åtgärderna är genomförda och har följts upp."}
    ),
    ("POST", f"{D}/{{deviation_id}}/void"): deviation(
        "deviations_void", Step.VOID, {"reason": "Registrerad två gånger; se AV-2026-0041."}
    ),
    ("POST", f"{D}/{{deviation_id}}/reopen"): deviation("deviations_reopen", Step.REOPEN),
    ("POST", f"{D}/{{deviation_id}}/reclassify"): deviation(
        "deviations_reclassify",
        Step.RECLASSIFY,
        {"type": "lex_sarah", "motivation": "Händelsen utgör en påtaglig risk för missförhållande."},
    ),
    ("GET", f"{D}/{{deviation_id}}/history"): Operation("deviations_history", READ, query={"limit": 50}),
    ("POST", f"{D}/{{deviation_id}}/actions"): deviation(
        "deviations_actions_create",
        Step.ACTIONS,
        {
            "description": "Inför kontroll av planeringen vid varje schemaändring.",
            "horizon": "lang",
            "goal": "Inga missade besök efter schemaändringar.",
            "cause_area": "rutiner_riktlinjer",
            "responsible_id": PERSON,
            "due_date": "2026-05-31",
        },
    ),
    ("GET", f"{D}/{{deviation_id}}/actions"): Operation("deviations_actions_list", READ),
    ("PATCH", f"{D}/{{deviation_id}}/actions/{{action_id}}"): action(
        "deviations_actions_update", ActionStep.EDIT, {"due_date": "2026-06-30"}
    ),
    ("POST", f"{D}/{{deviation_id}}/actions/{{action_id}}/plan"): action(
        "deviations_actions_plan", ActionStep.PLAN, {"responsible_id": PERSON, "due_date": "2026-05-31"}
    ),
    ("POST", f"{D}/{{deviation_id}}/actions/{{action_id}}/complete"): action(
        "deviations_actions_complete", ActionStep.COMPLETE, {"executed_at": "2026-05-20T15:00:00+02:00"}
    ),
    ("POST", f"{D}/{{deviation_id}}/actions/{{action_id}}/follow-up"): action(
        "deviations_actions_follow_up",
        ActionStep.FOLLOW_UP,
        {"effect": "Inga missade besök under uppföljningsperioden.", "effective": True},
    ),
    ("POST", f"{D}/{{deviation_id}}/actions/{{action_id}}/reject"): action(
        "deviations_actions_reject", ActionStep.REJECT, {"reason": "Ersätts av en bredare åtgärd."}
    ),
    ("POST", f"{D}/{{deviation_id}}/ivo-decision"): deviation(
        "deviations_ivo_decide",
        Step.IVO_DECISION,
        {
            "degree": "allvarligt_missforhallande",
            "rationale": "Brukaren blev utan tillsyn under kvällen.",
        },
        "Only a `lex_sarah` (decided by the socialchef or delegate) or `hsl` (MAS or delegate) case; an "
        "avvikelse is reclassified first.",
    ),
    ("GET", f"{D}/{{deviation_id}}/ivo-notification"): Operation(
        "deviations_ivo_notification_get",
        (Action.IVO_DECISION_LEX_SARAH, Action.IVO_DECISION_LEX_MARIA, Action.CASE_READ),
        "An IVO anmälan must have been decided.",
        query={"format": "json"},
    ),
    ("POST", f"{D}/{{deviation_id}}/ivo-notification/sent"): deviation(
        "deviations_ivo_notification_sent",
        Step.IVO_RECORD,
        {
            "sent_at": "2026-03-05T10:00:00+01:00",
            "ivo_case_number": "IVO 3.5.1-12345/2026",
            "channel": "e_tjanst",
        },
        "An IVO anmälan must have been decided.",
    ),
    ("POST", f"{D}/{{deviation_id}}/ivo-notification/investigation-sent"): deviation(
        "deviations_ivo_investigation_sent",
        Step.IVO_RECORD,
        {"sent_at": "2026-04-01T10:00:00+02:00"},
        "The anmälan must have been sent.",
    ),
    ("POST", f"{D}/{{deviation_id}}/ivo-notification/namnd-informed"): deviation(
        "deviations_ivo_namnd_informed",
        Step.IVO_RECORD,
        {"informed_at": "2026-03-20T18:00:00+01:00"},
        "The anmälan must have been sent.",
    ),
    ("POST", f"{D}/{{deviation_id}}/attachments"): deviation(
        "deviations_attachments_upload", Step.ATTACH, {"file": "fotografi.jpg"}
    ),
    ("GET", f"{D}/{{deviation_id}}/attachments"): Operation("deviations_attachments_list", READ),
    ("GET", f"{D}/{{deviation_id}}/attachments/{{attachment_id}}"): Operation(
        "deviations_attachments_download", READ
    ),
    # ---- complaints ----
    ("POST", C): Operation(
        "complaints_register",
        CREATE,
        example={
            "kind": "klagomal",
            "channel": "telefon",
            "complainant_type": "narstaende",
            "unit_id": UNIT,
            "text": "Min mamma har inte fått hjälp med dusch på två veckor.",
            "received_at": "2026-03-02T13:10:00+01:00",
        },
    ),
    ("GET", C): Operation("complaints_list", READ, query={"status": ["mottagen"], "kind": ["klagomal"]}),
    ("GET", f"{C}/{{complaint_id}}"): Operation("complaints_get", READ),
    ("PATCH", f"{C}/{{complaint_id}}"): complaint(
        "complaints_update", ComplaintStep.EDIT, {"category": "utforande", "channel": "e_post"}
    ),
    ("POST", f"{C}/{{complaint_id}}/acknowledge"): complaint(
        "complaints_acknowledge", ComplaintStep.ACKNOWLEDGE
    ),
    ("POST", f"{C}/{{complaint_id}}/start-investigation"): complaint(
        "complaints_start_investigation", ComplaintStep.START_INVESTIGATION
    ),
    ("POST", f"{C}/{{complaint_id}}/respond"): complaint(
        "complaints_respond",
        ComplaintStep.RESPOND,
        {"response": "Vi har gått igenom planeringen och duschen är nu inplanerad två gånger i veckan."},
    ),
    ("POST", f"{C}/{{complaint_id}}/escalate"): complaint(
        "complaints_escalate",
        ComplaintStep.ESCALATE,
        {"type": "lex_sarah", "description": "Utebliven hygien i två veckor: risk för missförhållande."},
    ),
    ("POST", f"{C}/{{complaint_id}}/close"): complaint("complaints_close", ComplaintStep.CLOSE),
    # ---- improvement proposals ----
    ("POST", IP): Operation(
        "improvement_proposals_submit",
        CREATE,
        example={
            "unit_id": UNIT,
            "title": "Checklista vid schemaändring",
            "text": "En kort checklista skulle göra att inga besök faller bort när schemat ändras.",
            "anonymous": False,
        },
    ),
    ("GET", IP): Operation("improvement_proposals_list", READ + CREATE, query={"mine": True}),
    ("GET", f"{IP}/{{proposal_id}}"): Operation("improvement_proposals_get", READ + CREATE),
    ("POST", f"{IP}/{{proposal_id}}/assess"): Operation(
        "improvement_proposals_assess",
        (Action.CASE_ACTIONS,),
        in_states(OPEN_PROPOSAL, "proposal"),
        {
            "decision": "accept",
            "outcome": "action",
            "action": {
                "description": "Inför checklistan",
                "responsible_id": PERSON,
                "due_date": "2026-04-30",
            },
        },
    ),
    ("POST", f"{IP}/{{proposal_id}}/actions/{{action_id}}/complete"): Operation(
        "improvement_proposals_actions_complete",
        (Action.CASE_ACTIONS,),
        in_states(MOVES[ActionStep.COMPLETE][0], "action"),
        {"completed_at": "2026-04-28T12:00:00+02:00"},
    ),
    ("POST", f"{IP}/{{proposal_id}}/actions/{{action_id}}/follow-up"): Operation(
        "improvement_proposals_actions_follow_up",
        (Action.CASE_ACTIONS,),
        in_states(MOVES[ActionStep.FOLLOW_UP][0], "action"),
        {"effect": "Checklistan används vid varje schemaändring.", "effective": True},
    ),
    # ---- data breaches ----
    ("POST", B): Operation(
        "data_breaches_report",
        CREATE,
        example={
            "unit_id": UNIT,
            "discovered_at": "2026-03-03T08:15:00+01:00",
            "description": "En genomförandeplan skickades med e-post till fel mottagare.",
            "data_categories": ["halsa", "personnummer"],
            "subject_groups": ["brukare"],
            "approx_subjects": 1,
        },
    ),
    ("GET", B): Operation("data_breaches_list", READ, query={"overdue": True}),
    ("GET", f"{B}/{{breach_id}}"): Operation("data_breaches_get", READ),
    ("PATCH", f"{B}/{{breach_id}}"): breach(
        "data_breaches_update", BreachStep.EDIT, {"measures": "Mottagaren har raderat e-postmeddelandet."}
    ),
    ("POST", f"{B}/{{breach_id}}/assess"): breach(
        "data_breaches_assess",
        BreachStep.ASSESS,
        {"risk": "risk", "motivation": "Hälsouppgifter om en brukare till en enskild mottagare."},
    ),
    ("POST", f"{B}/{{breach_id}}/report-to-imy"): breach(
        "data_breaches_report_to_imy",
        BreachStep.REPORT_TO_IMY,
        {"imy_ref": "IMY-2026-1234", "imy_reported_at": "2026-03-04T09:00:00+01:00"},
    ),
    ("POST", f"{B}/{{breach_id}}/inform-subjects"): breach(
        "data_breaches_inform_subjects",
        BreachStep.INFORM_SUBJECTS,
        {"informed_at": "2026-03-04T14:00:00+01:00"},
    ),
    ("POST", f"{B}/{{breach_id}}/remedy"): breach("data_breaches_remedy", BreachStep.REMEDY),
    ("POST", f"{B}/{{breach_id}}/close"): breach("data_breaches_close", BreachStep.CLOSE),
}
