"""reporting-svc's operations as an integrator reads them in the OpenAPI document: readable ids, who may
call each one (from the permission matrix), the state it needs and examples
(platform_shared.api.openapi_doc applies the table; a test fails on an entry whose route is gone)."""

from __future__ import annotations

from platform_shared.api.openapi_doc import Operation, Operations
from platform_shared.permissions import Action

UNIT = "0190f5a2-6c1e-7a10-9c44-2d1f6b0e0a01"
STATS = (Action.STATS_READ,)
WRITE = (Action.REPORT_WRITE,)
HOOKS = (Action.WEBHOOK_MANAGE,)
MINE = "Any signed-in person: her own notifications only."
SMALL = " Figures below the tenant's suppression threshold are hidden for aggregate readers."
PERIOD = {"from": "2026-01-01", "to": "2026-04-30", "unit_id": UNIT}
REP = "/api/v1/reports"
W = "/api/v1/webhooks"
A = "/api/v1/arshjul"
SEES = (*STATS, *WRITE, Action.REPORT_APPROVE, Action.REPORT_ADOPT)
ANYONE = "Any signed-in person: the feed shows what she may see."
KR = "/api/v1/kvalitetsrad"
PERSON = "0190f5a2-6c1e-7a10-9c44-2d1f6b0e0b01"
SECRETARY = "0190f5a2-6c1e-7a10-9c44-2d1f6b0e0b02"
LOCKED = "Not once the protokoll is justerat (409). Send the meeting's version as `If-Match`."

OPERATIONS: Operations = {
    ("GET", f"{REP}/deviations/summary"): Operation(
        "reports_deviations_summary",
        STATS,
        query=PERIOD,
        does="Deviations reported in a period, per type and per unit." + SMALL,
    ),
    ("GET", f"{REP}/statistics/{{subject}}"): Operation(
        "reports_statistics", STATS, query={**PERIOD, "period": "month", "by": "category", "format": "json"}
    ),
    ("GET", f"{REP}/statistics/deviations/lead-times"): Operation(
        "reports_lead_times", STATS, query={**PERIOD, "type": ["lex_sarah"]}
    ),
    ("GET", f"{REP}/statistics/deviations/by-document"): Operation(
        "reports_deviations_by_document",
        STATS,
        query=PERIOD,
        does="Deviations reported in a period that name a rutin (an org-svc document) as not followed or "
        "missing, per rutin, most named first." + SMALL,
    ),
    ("GET", f"{REP}/patterns"): Operation(
        "reports_patterns", STATS, query={"unit_id": UNIT, "subject": "deviations", "period": "month"}
    ),
    ("GET", f"{REP}/settings"): Operation("reports_settings_get", STATS),
    ("PATCH", f"{REP}/settings"): Operation(
        "reports_settings_update",
        (Action.REPORT_APPROVE,),
        example={"suppression_threshold": 5, "pattern_rise_factor": 1.5},
    ),
    ("POST", REP): Operation(
        "reports_create",
        WRITE,
        example={"type": "t1", "year": 2026, "unit_id": UNIT, "tertial": 1, "title": "Tertialrapport 1 2026"},
        does="Start a report (draft) for a unit and period: its figures come from the read models and stay "
        "live until the report is adopted.",
    ),
    ("GET", REP): Operation("reports_list", WRITE + STATS, query={"year": 2026, "status": "draft"}),
    ("GET", f"{REP}/{{report_id}}"): Operation("reports_get", WRITE + STATS),
    ("PATCH", f"{REP}/{{report_id}}"): Operation(
        "reports_update",
        WRITE,
        "The report must be a `draft`. Send its version as `If-Match`.",
        {"sections": {"analysis": "Antalet avvikelser ökade under perioden, främst läkemedel."}},
    ),
    ("POST", f"{REP}/{{report_id}}/review"): Operation(
        "reports_review", (Action.REPORT_APPROVE,), "The report must be a `draft`."
    ),
    ("POST", f"{REP}/{{report_id}}/reopen"): Operation(
        "reports_reopen", (Action.REPORT_APPROVE,), "The report must be `reviewed`."
    ),
    ("POST", f"{REP}/{{report_id}}/adopt"): Operation(
        "reports_adopt",
        (Action.REPORT_ADOPT,),
        "The report must be `reviewed`, its period ended (looking-back reports) and no section empty;"
        " the förvaltning's reports are adopted by the nämnd (meeting date and §), others by a role.",
        {"meeting_date": "2027-05-20", "paragraph": 85, "reference": "SN 2027/12"},
    ),
    ("POST", f"{REP}/{{report_id}}/report-to-namnd"): Operation(
        "reports_report_to_namnd", (Action.REPORT_ADOPT,), "The report must be `adopted`."
    ),
    ("GET", f"{REP}/{{report_id}}/document"): Operation(
        "reports_document", WRITE + STATS, query={"format": "pdf"}
    ),
    ("GET", "/api/v1/notifications"): Operation("notifications_list", MINE, query={"unread": True}),
    ("GET", "/api/v1/notifications/unread-count"): Operation("notifications_unread_count", MINE),
    ("POST", "/api/v1/notifications/{notification_id}/read"): Operation(
        "notifications_mark_read", MINE, "The notification must be the caller's own."
    ),
    ("POST", W): Operation(
        "webhooks_create",
        HOOKS,
        example={
            "url": "https://arende.kommun.se/hooks/kvalitet",
            "event_types": ["se.kvalitet.deviation.reported.v1"],
            "unit_id": UNIT,
            "description": "Ärendesystemet",
        },
        does="Subscribe an https URL to event types (and a unit's subtree). The answer carries the signing "
        "secret, shown this once.",
    ),
    ("GET", W): Operation("webhooks_list", HOOKS, query={"limit": 50}),
    ("GET", f"{W}/{{subscription_id}}"): Operation("webhooks_get", HOOKS),
    ("PATCH", f"{W}/{{subscription_id}}"): Operation("webhooks_update", HOOKS, example={"active": False}),
    ("DELETE", f"{W}/{{subscription_id}}"): Operation("webhooks_delete", HOOKS),
    ("POST", f"{W}/{{subscription_id}}/rotate-secret"): Operation("webhooks_rotate_secret", HOOKS),
    ("GET", f"{W}/{{subscription_id}}/deliveries"): Operation(
        "webhooks_deliveries_list", HOOKS, query={"status": "dead"}
    ),
    ("GET", f"{W}/{{subscription_id}}/deliveries/{{delivery_id}}"): Operation(
        "webhooks_deliveries_get", HOOKS
    ),
    ("POST", f"{W}/{{subscription_id}}/deliveries/{{delivery_id}}/replay"): Operation(
        "webhooks_deliveries_replay", HOOKS, "The subscription must be active."
    ),
    ("GET", "/api/v1/dashboard"): Operation(
        "dashboard_get", (*STATS, Action.CASE_READ), query={"unit_id": UNIT}
    ),
    ("GET", A): Operation(
        "arshjul_get",
        SEES,
        query={"year": 2026, "unit_id": UNIT},
        does="A unit's årshjul for a year: its own activities and the levels above's it carries no copy of, "
        "each with its status (planned, due_soon, done with what fulfilled it, late, cancelled).",
    ),
    ("POST", f"{A}/generate"): Operation(
        "arshjul_generate",
        WRITE,
        example={"year": 2026},
        does="The default template (seed 001, 003, 004) for every unit that keeps an årshjul; a unit "
        "that has one for the year keeps it, so a repeat changes nothing. The caller needs report.write on "
        "every unit.",
    ),
    ("POST", A): Operation(
        "arshjul_create", WRITE, example={"year": 2026, "unit_id": UNIT}, does="An empty årshjul for a unit."
    ),
    ("POST", f"{A}/{{arshjul_id}}/adopt"): Operation(
        "arshjul_adopt",
        (Action.REPORT_ADOPT,),
        "The årshjul must be `draft`, have activities and its year not be over.",
        example={"decided_on": "2026-01-15"},
        does="Fastställ the årshjul as a recorded decision: the förvaltning's by the socialchef or "
        "förvaltningschef (or the nämnd: meeting_date and paragraph), a lower level's by its chef. Its open "
        "activities become deadlines (rule arshjul_activity).",
    ),
    ("POST", f"{A}/{{arshjul_id}}/activities"): Operation(
        "arshjul_activities_create",
        WRITE,
        example={
            "title": "Brukarundersökning hemtjänst",
            "due_on": "2026-10-15",
            "kind": "brukarundersokning",
        },
    ),
    ("PATCH", f"{A}/activities/{{activity_id}}"): Operation(
        "arshjul_activities_update",
        WRITE,
        "The activity must not be cancelled.",
        example={"title": "Ny rubrik"},
    ),
    ("POST", f"{A}/activities/{{activity_id}}/reschedule"): Operation(
        "arshjul_activities_reschedule",
        WRITE,
        "The activity must be open (not done or cancelled).",
        example={"due_on": "2026-06-05"},
        does="Move within the year; a copy that feeds a higher level's activity stays on or before it.",
    ),
    ("POST", f"{A}/activities/{{activity_id}}/cancel"): Operation(
        "arshjul_activities_cancel",
        WRITE,
        "The activity must be open and planned on this level (not inherited).",
        does="Strike the activity where it comes from, and its copies on the levels below.",
    ),
    ("POST", f"{A}/activities/{{activity_id}}/complete"): Operation(
        "arshjul_activities_complete",
        WRITE,
        "The activity must be open.",
        example={"fulfilled_on": "2026-05-28", "note": "Protokoll i diariet"},
    ),
    ("GET", f"{A}/calendar.ics"): Operation(
        "arshjul_calendar",
        ANYONE,
        query={"unit_id": UNIT},
        does="iCalendar: a unit's activities (a unit the caller may see), or without unit_id the caller's "
        "own (those whose responsible role she holds at that unit). Calendar clients use "
        "`?feed=<secret>` from POST /arshjul/calendar-feeds instead of a token; a revoked feed answers 404.",
    ),
    ("POST", f"{A}/calendar-feeds"): Operation(
        "arshjul_calendar_feeds_create",
        ANYONE,
        example={"scope": "unit", "unit_id": UNIT, "label": "Outlook"},
        does="A feed URL for a calendar client. The answer carries the secret and the URL, shown this once; "
        "only the secret's SHA-256 is kept.",
    ),
    ("GET", f"{A}/calendar-feeds"): Operation("arshjul_calendar_feeds_list", "The caller's own feeds."),
    ("DELETE", f"{A}/calendar-feeds/{{feed_id}}"): Operation(
        "arshjul_calendar_feeds_revoke",
        "The caller's own feeds.",
        does="Revoke: the URL answers 404 from now.",
    ),
    ("GET", f"{A}/overview.pdf"): Operation("arshjul_overview", SEES, query={"year": 2026, "unit_id": UNIT}),
    # --- kvalitetsråd (issue 14) ---
    ("POST", KR): Operation(
        "kvalitetsrad_plan",
        WRITE,
        example={
            "unit_id": UNIT,
            "occasion": "t1",
            "meeting_on": "2026-05-12",
            "participant_ids": [PERSON, SECRETARY],
            "secretary_id": SECRETARY,
            "chef_id": PERSON,
        },
        does="Plan a kvalitetsråd for a unit: its agenda is seed 004's dagordning, with the figures of the "
        "period the occasion prepares (live until justerat).",
    ),
    ("GET", KR): Operation("kvalitetsrad_list", WRITE + STATS, query={"unit_id": UNIT, "status": "justerat"}),
    ("GET", f"{KR}/{{meeting_id}}"): Operation(
        "kvalitetsrad_get",
        WRITE + STATS,
        does="One kvalitetsråd: agenda items with notes, decisions, actions and figures; the balanslista "
        "(open actions of the unit's earlier meetings) and the justerade protokoll one level up and down "
        "it announces." + SMALL,
    ),
    ("PATCH", f"{KR}/{{meeting_id}}"): Operation(
        "kvalitetsrad_update", WRITE, LOCKED, {"meeting_on": "2026-05-14"}
    ),
    ("PUT", f"{KR}/{{meeting_id}}/items/{{key}}"): Operation(
        "kvalitetsrad_write_item",
        WRITE,
        LOCKED,
        {"notes": "Två klagomål på maten under tertialen.", "decisions": "Kosten tas upp med köket."},
    ),
    ("POST", f"{KR}/{{meeting_id}}/actions"): Operation(
        "kvalitetsrad_decide_action",
        WRITE,
        LOCKED,
        {
            "item_key": "klagomal",
            "description": "Ny rutin för matbeställning",
            "owner_id": PERSON,
            "due_date": "2026-06-30",
        },
    ),
    ("POST", f"{KR}/{{meeting_id}}/follow-ups"): Operation(
        "kvalitetsrad_follow_up",
        WRITE,
        LOCKED + " The action is an open one of the unit's earlier justerade kvalitetsråd.",
        {"action_id": UNIT, "outcome": "done", "note": "Rutinen gäller från 1 juni."},
    ),
    ("POST", f"{KR}/{{meeting_id}}/held"): Operation(
        "kvalitetsrad_held",
        WRITE,
        "The meeting must be `planned` and its day come; who attended is required.",
        {"participant_ids": [PERSON, SECRETARY]},
    ),
    ("POST", f"{KR}/{{meeting_id}}/justera"): Operation(
        "kvalitetsrad_justera",
        (Action.REPORT_ADOPT,),
        "The meeting must be `held`, written down by a secretary other than the caller, every action with "
        "owner and due date and every carried action followed up. The chef named as `chef_id` justerar "
        "(none named: whoever may adopt reports at the unit). After it nothing changes (409).",
    ),
    ("GET", f"{KR}/{{meeting_id}}/protokoll"): Operation(
        "kvalitetsrad_protokoll", WRITE + STATS, query={"format": "pdf"}
    ),
}
