"""risk-svc's operations as an integrator reads them in the OpenAPI document: readable ids, who may call
each one (from the permission matrix), the state it needs and examples (platform_shared.api.openapi_doc
applies the table; a test fails on an entry whose route is gone)."""

from __future__ import annotations

from platform_shared.api.openapi_doc import Operation, Operations
from platform_shared.permissions import Action

UNIT = "0190f5a2-6c1e-7a10-9c44-2d1f6b0e0a01"
PERSON = "0190f5a2-7d2f-7b21-8d55-3e2a7c1f1b02"
RISK = "0190f5a3-1a2b-7c3d-8e4f-5a6b7c8d9e01"
READ = (Action.RISK_READ,)
MANAGE = (Action.RISK_MANAGE,)
PREPARE = (Action.CONTROL_PLAN_PREPARE,)
PERFORM = (Action.CONTROL_PERFORM,)
OPEN_RISK = "The risk must not be closed."
ASSESSED = "The risk must be `assessed` (or already `prioritised` / `handled_in_unit`, to change the choice)."
DRAFT_PLAN = "The plan must be a `draft`."
R = "/api/v1/risk"

OPERATIONS: Operations = {
    ("POST", f"{R}/risks"): Operation(
        "risks_identify",
        (Action.RISK_CONTRIBUTE,),
        example={
            "unit_id": UNIT,
            "title": "Missade besök vid schemaändring",
            "description": "Besök faller bort när planeringen inte uppdateras efter schemaändringar.",
            "process": "Planering av hemtjänstinsatser",
            "source": "avvikelser",
            "probability": 3,
            "consequence": 3,
        },
        does="Identify a risk (riskanalys, SOSFS 2011:9 5 kap. 1 §). With `probability` and `consequence` it "
        "is assessed at once, which needs `risk.manage`.",
    ),
    ("GET", f"{R}/risks"): Operation("risks_list", READ, query={"status": "assessed", "prioritised": True}),
    ("GET", f"{R}/risks/{{risk_id}}"): Operation("risks_get", READ),
    ("PATCH", f"{R}/risks/{{risk_id}}"): Operation(
        "risks_update", MANAGE, OPEN_RISK, {"process": "Planering och schemaläggning"}
    ),
    ("GET", f"{R}/risks/{{risk_id}}/history"): Operation("risks_history", READ),
    ("POST", f"{R}/risks/{{risk_id}}/assess"): Operation(
        "risks_assess", MANAGE, OPEN_RISK, {"probability": 2, "consequence": 3, "note": "Efter ny rutin"}
    ),
    ("POST", f"{R}/risks/{{risk_id}}/prioritise"): Operation(
        "risks_prioritise", MANAGE, ASSESSED, {"motivation": "Hög konsekvens för brukarna"}
    ),
    ("POST", f"{R}/risks/{{risk_id}}/handle-in-unit"): Operation(
        "risks_handle_in_unit", MANAGE, ASSESSED, {"motivation": "Hanteras i enhetens egen planering"}
    ),
    ("POST", f"{R}/risks/{{risk_id}}/escalate"): Operation(
        "risks_escalate",
        MANAGE,
        OPEN_RISK + " The responsible unit must have a parent.",
        {"reason": "Risken berör flera enheter och kräver beslut på förvaltningsnivå."},
    ),
    ("POST", f"{R}/risks/{{risk_id}}/follow-up"): Operation(
        "risks_follow_up",
        MANAGE,
        "The risk must be `prioritised`, `handled_in_unit` or `followed_up`.",
        {"note": "Inga missade besök sedan checklistan infördes.", "probability": 1, "consequence": 3},
    ),
    ("POST", f"{R}/risks/{{risk_id}}/close"): Operation(
        "risks_close",
        MANAGE,
        "The risk must be `followed_up` and all its actions done.",
        {"note": "Risken är hanterad."},
    ),
    ("POST", f"{R}/risks/{{risk_id}}/actions"): Operation(
        "risks_actions_add",
        MANAGE,
        OPEN_RISK,
        {
            "description": "Inför checklista vid schemaändring",
            "responsible_id": PERSON,
            "due_date": "2026-05-31",
        },
    ),
    ("POST", f"{R}/risks/{{risk_id}}/actions/{{action_id}}/complete"): Operation(
        "risks_actions_complete", MANAGE, "The action must be `planerad`.", {"note": "Checklistan används."}
    ),
    ("GET", f"{R}/matrix"): Operation("risks_matrix", READ, query={"unit_id": UNIT, "date": "2026-03-01"}),
    ("POST", f"{R}/analyses"): Operation(
        "risk_analyses_prepare",
        MANAGE,
        example={
            "unit_id": UNIT,
            "trigger": "arlig",
            "analysis_date": "2026-02-15",
            "year": 2026,
            "participant_ids": [PERSON],
            "external_participants": ["Brukarrådets representant"],
        },
    ),
    ("GET", f"{R}/analyses"): Operation("risk_analyses_list", READ, query={"year": 2026, "trigger": "arlig"}),
    ("GET", f"{R}/analyses/{{analysis_id}}"): Operation("risk_analyses_get", READ),
    ("PATCH", f"{R}/analyses/{{analysis_id}}"): Operation(
        "risk_analyses_update",
        MANAGE,
        "The analysis must be a `draft`.",
        {"action_plan": "Åtgärderna följs upp på APT i maj."},
    ),
    ("POST", f"{R}/analyses/{{analysis_id}}/complete"): Operation(
        "risk_analyses_complete", MANAGE, "The analysis must be a `draft` and every risk in it assessed."
    ),
    ("GET", f"{R}/analyses/{{analysis_id}}/suggestions"): Operation("risk_analyses_suggestions", READ),
    ("POST", f"{R}/control-plans"): Operation(
        "control_plans_create",
        PREPARE,
        example={"unit_id": UNIT, "year": 2027},
        does="Draft the nämnd's internkontrollplan for a year (one plan per nämnd and year).",
    ),
    ("GET", f"{R}/control-plans"): Operation("control_plans_list", PREPARE, query={"year": 2027}),
    ("GET", f"{R}/control-plans/{{plan_id}}"): Operation("control_plans_get", PREPARE),
    ("GET", f"{R}/control-plans/{{plan_id}}/proposals"): Operation(
        "control_plans_proposals", PREPARE, DRAFT_PLAN
    ),
    ("POST", f"{R}/control-plans/{{plan_id}}/rows"): Operation(
        "control_plans_rows_add",
        PREPARE,
        DRAFT_PLAN,
        {
            "kind": "internkontroll",
            "risk_id": RISK,
            "control_activity": "Stickprov på planeringen efter schemaändringar",
            "method": "stickprov",
            "frequency": "kvartalsvis",
            "reporting_occasion": "t2",
            "responsible_id": PERSON,
        },
    ),
    ("PATCH", f"{R}/control-plans/{{plan_id}}/rows/{{row_id}}"): Operation(
        "control_plans_rows_update", PREPARE, DRAFT_PLAN, {"frequency": "manadsvis"}
    ),
    ("DELETE", f"{R}/control-plans/{{plan_id}}/rows/{{row_id}}"): Operation(
        "control_plans_rows_delete", PREPARE, DRAFT_PLAN
    ),
    ("POST", f"{R}/control-plans/{{plan_id}}/adopt"): Operation(
        "control_plans_adopt",
        (Action.CONTROL_PLAN_ADOPT,),
        DRAFT_PLAN + " It must have at least one row; the meeting falls before the plan's year, within"
        " the tenant's adoption window (`plan_adoption_window_months`).",
        {"meeting_date": "2026-12-10", "paragraph": 92, "reference": "SN 2026/45"},
    ),
    ("POST", f"{R}/control-plans/{{plan_id}}/follow-up"): Operation(
        "control_plans_follow_up",
        PREPARE,
        "The plan must be `adopted`; the occasions in order t1, t2, arsbokslut.",
        {"occasion": "t1", "note": "Alla kontroller utförda; två avvikelser åtgärdade."},
    ),
    ("GET", f"{R}/controls"): Operation(
        "controls_list", PERFORM + READ, query={"status": "scheduled", "due_before": "2026-06-30"}
    ),
    ("GET", f"{R}/controls/{{control_id}}"): Operation("controls_get", PERFORM + READ),
    ("POST", f"{R}/controls/{{control_id}}/perform"): Operation(
        "controls_perform",
        PERFORM,
        "The control must be `scheduled` (or `missed`).",
        {
            "result": "avvikelser",
            "performed_on": "2026-04-15",
            "note": "Tio planeringar granskade",
            "findings": [
                {
                    "description": "Två besök saknades i planeringen",
                    "action": {"description": "Komplettera planeringen", "due_date": "2026-04-30"},
                }
            ],
        },
    ),
    ("POST", f"{R}/controls/{{control_id}}/findings"): Operation(
        "controls_findings_add",
        PERFORM,
        "The control must be `performed`.",
        {"description": "Ytterligare ett besök saknades vid omkontroll"},
    ),
    ("POST", f"{R}/self-assessments"): Operation(
        "self_assessments_plan",
        MANAGE,
        example={
            "unit_id": UNIT,
            "area": "Genomförandeplaner",
            "method": "aktgranskning",
            "period_from": "2026-01-01",
            "period_to": "2026-06-30",
        },
    ),
    ("GET", f"{R}/self-assessments"): Operation(
        "self_assessments_list", READ, query={"unit_id": UNIT, "status": "draft"}
    ),
    ("GET", f"{R}/self-assessments/{{assessment_id}}"): Operation("self_assessments_get", READ),
    ("PATCH", f"{R}/self-assessments/{{assessment_id}}"): Operation(
        "self_assessments_update",
        MANAGE,
        "The egenkontroll must be a `draft`.",
        {"area": "Genomförandeplaner, SoL"},
    ),
    ("POST", f"{R}/self-assessments/{{assessment_id}}/complete"): Operation(
        "self_assessments_complete",
        MANAGE,
        "The egenkontroll must be a `draft`.",
        {
            "result": "brister",
            "analysis": "Var femte genomförandeplan var inte uppföljd inom sex månader.",
            "figures": [{"indicator": "Uppföljda planer (%)", "value": 80, "reference_value": 95}],
            "actions": [{"description": "Påminnelse i verksamhetssystemet", "due_date": "2026-09-30"}],
        },
    ),
    ("GET", f"{R}/settings"): Operation("risk_settings_get", READ),
    ("PATCH", f"{R}/settings"): Operation(
        "risk_settings_update",
        "Permission `risk.manage` over the whole organisation (its root unit): socialchef, "
        "forvaltningschef, kvalitetsledare.",
        example={"bands": {"medium_from": 4, "high_from": 8, "very_high_from": 12}},
    ),
}

GOAL = "0190f5a4-2b3c-7d4e-8f5a-6b7c8d9e0f01"
INDICATOR = "0190f5a4-3c4d-7e5f-8a6b-7c8d9e0f1a02"
ACTIVE_GOAL = "The goal must be `active`."
ACTIVE_INDICATOR = "The indicator must be `active`."
GOAL_OPERATIONS: Operations = {
    ("POST", f"{R}/goals"): Operation(
        "goals_set",
        MANAGE,
        example={
            "unit_id": UNIT,
            "parent_id": GOAL,
            "title": "Brukarna ska känna sig trygga med hemtjänsten",
            "perspective": "malgrupp",
            "prioritised": True,
            "from_year": 2026,
            "to_year": 2026,
            "factors": [
                {"kind": "kritisk_faktor", "perspective": "verksamhet", "text": "Kontinuitet i personalen"}
            ],
        },
        does="Set a goal for a unit. Its level follows the unit's (nämndmål → förvaltningens → "
        "verksamhetens → enhetens mål); every goal but a nämndmål breaks down a goal of a unit above "
        "(`parent_id`). One prioritised goal per unit and year.",
    ),
    ("GET", f"{R}/goals"): Operation("goals_list", READ, query={"unit_id": UNIT, "year": 2026}),
    ("GET", f"{R}/goals/{{goal_id}}"): Operation("goals_get", READ),
    ("PATCH", f"{R}/goals/{{goal_id}}"): Operation(
        "goals_update", MANAGE, ACTIVE_GOAL, {"title": "Brukarna ska känna sig trygga"}
    ),
    ("POST", f"{R}/goals/{{goal_id}}/end"): Operation(
        "goals_end", MANAGE, ACTIVE_GOAL + " No active goal may be broken down from it."
    ),
    ("POST", f"{R}/indicators"): Operation(
        "indicators_define",
        MANAGE,
        ACTIVE_GOAL,
        {
            "goal_id": GOAL,
            "name": "Andel besök utförda av ordinarie personal",
            "definition": "Besök av brukarens kontaktmannagrupp delat med alla besök under månaden",
            "unit_of_measure": "procent",
            "direction": "higher_is_better",
            "target": 85,
            "threshold": 75,
            "frequency": "manadsvis",
            "source": "entered",
            "aggregation": "rate",
            "rate_scale": 100,
        },
        does="Define an indicator of a goal: target (målvärde) and gränsvärde in its direction, how often "
        "it is followed up, where its values come from and how the values of several units combine.",
    ),
    ("GET", f"{R}/indicators"): Operation("indicators_list", READ, query={"goal_id": GOAL}),
    ("GET", f"{R}/indicators/{{indicator_id}}"): Operation("indicators_get", READ),
    ("PATCH", f"{R}/indicators/{{indicator_id}}"): Operation(
        "indicators_update", MANAGE, ACTIVE_INDICATOR, {"target": 90, "threshold": 80}
    ),
    ("POST", f"{R}/indicators/{{indicator_id}}/retire"): Operation(
        "indicators_retire", MANAGE, ACTIVE_INDICATOR
    ),
    ("POST", f"{R}/indicators/{{indicator_id}}/measurements"): Operation(
        "indicators_measurements_record",
        MANAGE,
        ACTIVE_INDICATOR + " Its source must be `entered`.",
        {
            "period": "2026-02",
            "numerator": 140,
            "denominator": 200,
            "comment": "Många sjukskrivningar i februari",
            "analysis": "Vikarier utan introduktion",
            "activities": [
                {
                    "description": "Introducera vikariepoolen i gruppen",
                    "owner_id": PERSON,
                    "due_date": "2026-04-30",
                }
            ],
        },
        does="Record a period's value (a rate as numerator and denominator) with comment and analysis. A "
        "value below the gränsvärde needs an activity with owner and due date (for a monthly indicator due "
        "by the end of the month after the one it is recorded in) unless one is still running: else 422 "
        "naming `activities`. A value for a period already measured replaces it (200).",
    ),
    ("GET", f"{R}/indicators/{{indicator_id}}/measurements"): Operation("indicators_measurements_list", READ),
    ("POST", f"{R}/indicators/{{indicator_id}}/activities"): Operation(
        "indicators_activities_plan",
        MANAGE,
        ACTIVE_INDICATOR,
        {"description": "Schemaläggning med fasta grupper", "owner_id": PERSON, "due_date": "2026-04-30"},
    ),
    ("GET", f"{R}/indicators/{{indicator_id}}/activities"): Operation("indicators_activities_list", READ),
    ("POST", f"{R}/activities/{{activity_id}}/complete"): Operation(
        "indicator_activities_complete",
        "The activity's owner, or `risk.manage` at its unit.",
        "The activity must be `planned`.",
    ),
    ("POST", f"{R}/activities/{{activity_id}}/follow-up"): Operation(
        "indicator_activities_follow_up",
        "The activity's owner, or `risk.manage` at its unit.",
        "The activity must be `completed`.",
        {"effective": True, "effect": "Andelen steg till 82 procent i april"},
    ),
    ("GET", f"{R}/scorecards/{{unit_id}}"): Operation(
        "scorecards_get",
        (Action.RISK_READ, Action.STATS_READ),
        query={"as_of": "2026-03-10"},
        does="The unit's styrkort as of a day: each indicator at its latest ended period against target and "
        "gränsvärde, the trend over 13 periods, status and open activities; each child unit's statuses "
        "and its worst status; values combined upward only where the indicator sums or is a rate. With "
        "`Accept: application/pdf` the same styrkort as PDF, a small chart of each indicator's trend.",
    ),
}
OPERATIONS = {**OPERATIONS, **GOAL_OPERATIONS}

GUARANTEE = "0190f5a4-5e6f-7a7b-8c8d-9e0f1a2b3c04"
ACTIVE_GUARANTEE = "The garanti must be `active`."
G = f"{R}/guarantees"
GUARANTEE_OPERATIONS: Operations = {
    ("POST", G): Operation(
        "guarantees_adopt",
        MANAGE,
        example={
            "unit_id": UNIT,
            "area": "sjalvbestammande",
            "title": "Du får bestämma när du vill duscha",
            "commitment": "Du och personalen kommer överens om dag och tid för din dusch. Kan tiden inte "
            "hållas får du en ny tid samma vecka.",
            "valid_from": "2026-01-01",
            "indicator_ids": [INDICATOR],
        },
        does="Adopt a värdighetsgaranti (seed 003 §2.3) in one of the seven areas of the national "
        "värdegrund, for the unit and the units below it. The indicators named follow it up (active, in "
        "its unit's subtree). Complaints name it as not kept (deviation-svc, `guarantee_ids`).",
    ),
    ("GET", G): Operation(
        "guarantees_list",
        "Where the caller reads risks or their aggregates, and the garantier of the units above those.",
        query={"unit_id": UNIT, "area": "trygghet", "status": "active"},
        does="Garantier with their indicators' latest status and the complaints that named them as not kept "
        "(in all and this year). `unit_id`: those that apply to the unit, its own and those of the units "
        "above it.",
    ),
    ("GET", f"{G}/coverage"): Operation(
        "guarantees_coverage",
        READ,
        query={"unit_id": UNIT, "as_of": "2026-03-10"},
        does="The seven areas of the värdegrund for a unit, each with the garantier in force there that day "
        "(its own and those of the units above); an area without one is shown as a gap.",
    ),
    ("GET", f"{G}/{{guarantee_id}}"): Operation(
        "guarantees_get",
        "Where the caller reads risks or their aggregates, or a unit below the garanti's.",
    ),
    ("PATCH", f"{G}/{{guarantee_id}}"): Operation(
        "guarantees_update",
        MANAGE,
        ACTIVE_GUARANTEE,
        {"valid_to": "2026-12-31", "indicator_ids": [INDICATOR]},
    ),
    ("POST", f"{G}/{{guarantee_id}}/withdraw"): Operation(
        "guarantees_withdraw",
        MANAGE,
        ACTIVE_GUARANTEE,
        does="Withdraw a garanti: kept with its indicators and the complaints that named it; no complaint "
        "received from now on counts against it.",
    ),
}
OPERATIONS = {**OPERATIONS, **GUARANTEE_OPERATIONS}

IMPORT = "0190f5a4-4d5e-7f6a-8b7c-8d9e0f1a2b03"
IMPORT_OPERATIONS: Operations = {
    ("POST", f"{R}/imports"): Operation(
        "comparison_imports_create",
        "Permission `risk.manage` at any unit (the figures are the municipality's).",
        example={"file": "kolada_sample.csv", "kind": "values"},
        does="Upload a file in Kolada's open-data shape (multipart `file`; `kind=values`: columns kpi, "
        "municipality, period, gender, value; `kind=titles`: kpi, title). CSV in UTF-8 with `,` or `;`, "
        "or XLSX. Each row is checked on its own; refused rows come back with their row number and "
        "reason. Idempotent per kpi/municipality/period/gender: a value held is left alone, another "
        "replaces it. A file that cannot be read at all is refused whole (422 naming `file`).",
    ),
    ("GET", f"{R}/imports"): Operation(
        "comparison_imports_list",
        "Permission `risk.manage` or `stats.read` at any unit.",
        query={"limit": 20},
    ),
    ("GET", f"{R}/imports/comparisons"): Operation(
        "comparison_imports_compare",
        "Permission `risk.manage` or `stats.read` at any unit.",
        query={"kpi": "U21468", "municipality": ["0138", "0486"], "from": 2019, "to": 2024, "gender": "T"},
    ),
    ("GET", f"{R}/imports/{{import_id}}"): Operation(
        "comparison_imports_get", "Permission `risk.manage` or `stats.read` at any unit."
    ),
    ("GET", f"{R}/imports/kpis"): Operation(
        "comparison_kpis_list",
        "Permission `risk.manage` or `stats.read` at any unit.",
        query={"limit": 50},
        does="Every KPI with imported values or a title, in id order: its title (null while it has none) "
        "and where the title came from (`file`, `manual`).",
    ),
    ("PUT", f"{R}/imports/kpis/{{kpi}}"): Operation(
        "comparison_kpis_set_title",
        "Permission `risk.manage` at any unit (the figures are the municipality's).",
        example={"title": "Brukarbedömning hemtjänst äldreomsorg - helhetssyn, andel (%)"},
        does="Enter a KPI's title by hand (source `manual`); comparisons show it. The KPI id is a letter "
        "and five digits (`U21468`, 422 naming `kpi` otherwise). A later titles file replaces it.",
    ),
}
OPERATIONS = {**OPERATIONS, **IMPORT_OPERATIONS}
