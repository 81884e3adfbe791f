"""Demo of the risk loop, through the public API only: what happened (deviations, including the ones
seed/cases.py made) shows risks; the highest go into the nämnd's internkontrollplan; controls check
them (some performed, with findings whose actions join the risk, some missed); the plan follows up
the hemtjänst a private provider runs (avtalsuppföljning and MAS-tillsyn); an egenkontroll compares
Kolada figures; and next year's yearly analysis starts from all of it (its suggestions)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import Any

from embedded_runner.seed.client import DemoClient
from platform_shared.timeutil import STOCKHOLM

RISKS = "/api/v1/risk/risks"
PLANS = "/api/v1/risk/control-plans"
CONTROLS = "/api/v1/risk/controls"
ANALYSES = "/api/v1/risk/analyses"


def _at(day: date, hour: int = 8) -> str:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM).isoformat()


async def _recent_falls(demo: DemoClient, units: dict[str, Any], today: date) -> None:
    """Falls at Solgården rising over the last weeks (the analysis should notice)."""
    for index, days_ago in enumerate((8, 19, 33, 47), start=1):
        await demo.call(
            "POST",
            "/api/v1/deviations",
            "demo:mia.strand",
            json={
                "type": "hsl",
                "unit_id": units["E-SOL"]["id"],
                "occurred_at": _at(today - timedelta(days=days_ago), 3),
                "description": "Fall nattetid vid toalettbesök.",
                "category": "fall",
                "severity": 3 if index == 2 else 2,
                "source": {"system": "demo", "external_id": f"DEMO-FALL-{index}"},
            },
        )


async def _find(demo: DemoClient, path: str, who: str, match: dict[str, Any], **params: Any) -> Any:
    """What an interrupted step may have made: the first item of a list with the given values."""
    items = await demo.all(path, who, **params)
    return next((i for i in items if all(i.get(k) == v for k, v in match.items())), None)


async def _risk(demo: DemoClient, who: str, unit: dict[str, Any], body: dict[str, Any]) -> Any:
    def find() -> Any:
        return _find(demo, RISKS, f"demo:{who}", {"title": body["title"]}, unit_id=unit["id"])

    return await demo.call("POST", RISKS, f"demo:{who}", json={"unit_id": unit["id"], **body}, find=find)


async def _risks(demo: DemoClient, units: dict[str, Any]) -> dict[str, Any]:
    falls = await _risk(
        demo,
        "erik.sand",
        units["E-SOL"],
        {
            "title": "Fallrisk nattetid vid låg bemanning",
            "process": "Nattillsyn",
            "source": "avvikelser",
            "probability": 3,
            "consequence": 3,
            "actions": [{"description": "Rörelselarm i korridorerna"}],
        },
    )
    missed_care = await _risk(
        demo,
        "omar.said",
        units["E-BJO"],
        {
            "title": "Planerade insatser uteblir vid personalbrist",
            "process": "Genomförande av insatser",
            "source": "avvikelser",
            "probability": 3,
            "consequence": 4,
        },
    )
    logs = await _risk(
        demo,
        "karin.ek",
        units["FORV"],
        {
            "title": "Obehörig åtkomst till personakter upptäcks inte",
            "process": "Informationssäkerhet",
            "source": "granskning",
            "probability": 2,
            "consequence": 4,
        },
    )
    for risk, who in ((falls, "erik.sand"), (missed_care, "omar.said"), (logs, "karin.ek")):
        await demo.call("POST", f"{RISKS}/{risk['id']}/prioritise", f"demo:{who}", json={})
    medicine = await _risk(
        demo,
        "lena.dahl",
        units["E-HTN"],
        {
            "title": "Signeringslistor för läkemedel fylls inte i",
            "process": "Läkemedelshantering",
            "source": "granskning",
            "probability": 2,
            "consequence": 3,
        },
    )
    await demo.call("POST", f"{RISKS}/{medicine['id']}/handle-in-unit", "demo:lena.dahl", json={})
    alarm = await _risk(
        demo,
        "erik.sand",
        units["E-SOL"],
        {
            "title": "Trygghetslarmen är föråldrade",
            "source": "avvikelser",
            "probability": 2,
            "consequence": 4,
        },
    )
    await demo.call(
        "POST",
        f"{RISKS}/{alarm['id']}/escalate",
        "demo:erik.sand",
        json={"reason": "Nytt larmsystem kräver investeringsbeslut för hela verksamhetsområdet."},
    )
    return {"falls": falls, "missed_care": missed_care, "logs": logs}


# The nämnd's follow-up of the unit a private provider runs (seed/org.py PROVIDERS): kind, unit,
# kontrollmoment, method, frequency, reporting occasion, responsible.
PROVIDER_ROWS = (
    (
        "avtalsuppfoljning",
        "E-HTS",
        "Avtalsuppföljning: bemanning och kontinuitet, genomförandeplaner, klagomål och utförarens "
        "egenkontroll enligt förfrågningsunderlaget",
        "aktgranskning",
        "tertialvis",
        "t2",
        "karin.ek",
    ),
    (
        "mas_tillsyn",
        "E-HTS",
        "MAS-tillsyn: läkemedelshantering och delegeringar av hälso- och sjukvårdsuppgifter",
        "stickprov",
        "halvarsvis",
        "arsbokslut",
        "maria.berg",
    ),
)
# What the second avtalsuppföljning found (the others found nothing to remark on).
PROVIDER_FINDING = {
    "description": "Genomförandeplan saknades för tre av tio granskade brukare hos Omsorgsbolaget AB.",
    "action": {
        "description": "Utföraren upprättar saknade genomförandeplaner; redovisas vid nästa uppföljning"
    },
}


async def _plan(demo: DemoClient, units: dict[str, Any], risks: dict[str, Any], year: int) -> Any:
    people = {p["email"].split("@")[0]: p["id"] for p in await demo.all("/api/v1/org/people", demo.admin)}
    plan = await demo.call(
        "POST",
        PLANS,
        "demo:karin.ek",
        json={"unit_id": units["ROOT"]["id"], "year": year},
        find=lambda: _find(demo, PLANS, "demo:karin.ek", {"year": year}, unit_id=units["ROOT"]["id"]),
    )
    rows = [
        (
            risks["falls"],
            "Stickprov: fallriskbedömning och åtgärder i fem journaler",
            "stickprov",
            "manadsvis",
            "t1",
            "erik.sand",
        ),
        (
            risks["missed_care"],
            "Aktgranskning: utförda mot beslutade insatser",
            "aktgranskning",
            "kvartalsvis",
            "t2",
            "omar.said",
        ),
        (
            risks["logs"],
            "Loggkontroll av åtkomst till personakter",
            "loggkontroll",
            "tertialvis",
            "arsbokslut",
            "karin.ek",
        ),
    ]

    async def plan_with_row(risk_id: str) -> Any:
        found = await demo.call("GET", f"{PLANS}/{plan['id']}", "demo:karin.ek")
        return found if any(r["risk_id"] == risk_id for r in found["rows"]) else None

    async def plan_with_follow_up(kind: str, unit_id: str) -> Any:
        found = await demo.call("GET", f"{PLANS}/{plan['id']}", "demo:karin.ek")
        return found if any((r["kind"], r["unit_id"]) == (kind, unit_id) for r in found["rows"]) else None

    for risk, activity, method, frequency, occasion, responsible in rows:
        plan = await demo.call(
            "POST",
            f"{PLANS}/{plan['id']}/rows",
            "demo:karin.ek",
            json={
                "risk_id": risk["id"],
                "control_activity": activity,
                "method": method,
                "frequency": frequency,
                "reporting_occasion": occasion,
                "responsible_id": people[responsible],
            },
            find=lambda risk_id=risk["id"]: plan_with_row(risk_id),
        )
    for kind, code, activity, method, frequency, occasion, responsible in PROVIDER_ROWS:
        unit_id = units[code]["id"]
        plan = await demo.call(
            "POST",
            f"{PLANS}/{plan['id']}/rows",
            "demo:karin.ek",
            json={
                "kind": kind,
                "unit_id": unit_id,
                "control_activity": activity,
                "method": method,
                "frequency": frequency,
                "reporting_occasion": occasion,
                "responsible_id": people[responsible],
            },
            find=lambda kind=kind, unit_id=unit_id: plan_with_follow_up(kind, unit_id),
        )
    return await demo.call(
        "POST",
        f"{PLANS}/{plan['id']}/adopt",
        "demo:eva.lind",  # the socialchef records the nämnd's decision (meeting and §) for it
        json={"meeting_date": f"{year - 1}-12-10", "paragraph": "§ 112", "reference": f"SN {year - 1}/84"},
    )


async def _perform_controls(demo: DemoClient, plan: Any, risks: dict[str, Any], today: date) -> None:
    """Controls due before today: most performed (one with findings per row), every third missed."""
    controls = await demo.all(CONTROLS, "demo:karin.ek", plan_id=plan["id"])
    performer = {
        risks["falls"]["id"]: "erik.sand",
        risks["missed_care"]["id"]: "omar.said",
        risks["logs"]["id"]: "karin.ek",
    }
    by_row: dict[str, list[Any]] = {}
    for control in sorted(controls, key=lambda c: c["due_date"]):
        if control["kind"] == "internkontroll" and date.fromisoformat(control["due_date"]) < today:
            by_row.setdefault(control["row_id"], []).append(control)
    for row_controls in by_row.values():
        for index, control in enumerate(row_controls):
            if index % 3 == 2:
                continue  # missed: the deadline worker reports it (DeadlineMissed)
            body: dict[str, Any] = {
                "result": "ok",
                "performed_on": (date.fromisoformat(control["due_date"]) - timedelta(days=2)).isoformat(),
            }
            if index == 1:
                body["result"] = "avvikelser"
                body["findings"] = [
                    {
                        "description": "Två av fem granskade ärenden saknade dokumenterad uppföljning.",
                        "action": {"description": "Genomgång av rutinen på nästa APT"},
                    }
                ]
            await demo.call(
                "POST",
                f"{CONTROLS}/{control['id']}/perform",
                f"demo:{performer[control['risk_id']]}",
                json=body,
            )


async def _follow_up_providers(demo: DemoClient, plan: Any, today: date) -> None:
    """The provider's follow-ups due before today, all performed: the second avtalsuppföljning found
    genomförandeplaner missing (its action stays with the follow-up: there is no risk to join)."""
    controls = await demo.all(CONTROLS, "demo:karin.ek", plan_id=plan["id"])
    performer = {"avtalsuppfoljning": "karin.ek", "mas_tillsyn": "maria.berg"}
    done = [c for c in controls if c["kind"] in performer and date.fromisoformat(c["due_date"]) < today]
    for control in sorted(done, key=lambda c: (c["kind"], c["due_date"])):
        earlier = [c for c in done if c["kind"] == control["kind"] and c["due_date"] < control["due_date"]]
        body: dict[str, Any] = {
            "result": "ok",
            "performed_on": (date.fromisoformat(control["due_date"]) - timedelta(days=5)).isoformat(),
        }
        if control["kind"] == "avtalsuppfoljning" and len(earlier) == 1:
            body["result"] = "avvikelser"
            body["findings"] = [PROVIDER_FINDING]
        await demo.call(
            "POST",
            f"{CONTROLS}/{control['id']}/perform",
            f"demo:{performer[control['kind']]}",
            json=body,
        )


async def _follow_up(demo: DemoClient, plan: Any, today: date) -> None:
    year = plan["year"]
    for occasion, cutoff in (
        ("t1", date(year, 4, 30)),
        ("t2", date(year, 8, 31)),
        ("arsbokslut", date(year, 12, 31)),
    ):
        if today > cutoff:

            async def followed_up(occasion: str = occasion) -> Any:
                found = await demo.call("GET", f"{PLANS}/{plan['id']}", "demo:karin.ek")
                return found if any(f["occasion"] == occasion for f in found["follow_ups"]) else None

            await demo.call(
                "POST",
                f"{PLANS}/{plan['id']}/follow-up",
                "demo:karin.ek",
                json={"occasion": occasion, "note": "Redovisas för socialnämnden."},
                find=followed_up,
            )


async def _self_assessment(demo: DemoClient, units: dict[str, Any], today: date) -> None:
    planned = await demo.call(
        "POST",
        "/api/v1/risk/self-assessments",
        "demo:lena.dahl",
        find=lambda: _find(
            demo,
            "/api/v1/risk/self-assessments",
            "demo:lena.dahl",
            {"area": "Brukarnöjdhet i hemtjänsten"},
            unit_id=units["E-HTN"]["id"],
        ),
        json={
            "unit_id": units["E-HTN"]["id"],
            "area": "Brukarnöjdhet i hemtjänsten",
            "method": "kolada",
            "period_from": f"{today.year - 1}-01-01",
            "period_to": f"{today.year - 1}-12-31",
        },
    )
    await demo.call(
        "POST",
        f"/api/v1/risk/self-assessments/{planned['id']}/complete",
        "demo:lena.dahl",
        json={
            "result": "brister",
            "analysis": "Färre än i riket upplever att personalen kommer på överenskommen tid.",
            "figures": [
                {"indicator": "U21468 brukarbedömning helhet", "value": 86.0, "reference_value": 88.0},
                {"indicator": "U21401 kommer på avtalad tid", "value": 71.0, "reference_value": 80.0},
            ],
            "actions": [{"description": "Se över planeringen av morgonbesök"}],
        },
    )


async def _yearly_analysis(demo: DemoClient, units: dict[str, Any], today: date) -> None:
    """Next year's analysis for the förvaltning starts from the suggestions (once risk-svc has received
    the deviation events; they travel over the bus)."""
    analysis = await demo.call(
        "POST",
        ANALYSES,
        "demo:karin.ek",
        find=lambda: _find(
            demo,
            ANALYSES,
            "demo:karin.ek",
            {"trigger": "arlig"},
            unit_id=units["FORV"]["id"],
            year=today.year + 1,
        ),
        json={
            "unit_id": units["FORV"]["id"],
            "trigger": "arlig",
            "analysis_date": today.isoformat(),
            "year": today.year + 1,
            "external_participants": ["Enhetschefer", "MAS", "Verksamhetsutvecklare"],
            "action_plan": "Åtgärderna följs upp i kvalitetsrådet varje tertial.",
        },
    )
    path = f"{ANALYSES}/{analysis['id']}/suggestions"
    suggestions = await demo.call("GET", path, "demo:karin.ek")
    for _ in range(100):
        if any(s["kind"] == "pattern" for s in suggestions["items"]):
            break
        await asyncio.sleep(0.1)
        suggestions = await demo.call("GET", path, "demo:karin.ek")
    taken = [s for s in suggestions["items"] if s["kind"] in ("pattern", "failed_controls", "severe_events")][
        :3
    ]
    for suggestion in taken:
        if suggestion.get("taken_by_risk_id"):
            continue  # taken by an interrupted run of the seed
        await demo.call(
            "POST",
            RISKS,
            "demo:karin.ek",
            json={
                "unit_id": suggestion["unit_id"],
                "title": suggestion["title"],
                "source": suggestion["source"],
                "analysis_id": analysis["id"],
                "suggestion_key": suggestion["key"],
                "linked_deviation_ids": suggestion["linked_deviation_ids"],
                "linked_complaint_ids": suggestion["linked_complaint_ids"],
                "probability": 3,
                "consequence": 3,
            },
            find=lambda title=suggestion["title"]: _find(
                demo, RISKS, "demo:karin.ek", {"title": title}, analysis_id=analysis["id"]
            ),
        )
    await demo.call("POST", f"{ANALYSES}/{analysis['id']}/complete", "demo:karin.ek")
    summer = await demo.call(
        "POST",
        ANALYSES,
        "demo:erik.sand",
        find=lambda: _find(
            demo, ANALYSES, "demo:erik.sand", {"trigger": "forandring"}, unit_id=units["E-SOL"]["id"]
        ),
        json={
            "unit_id": units["E-SOL"]["id"],
            "trigger": "forandring",
            "analysis_date": today.isoformat(),
            "change_description": "Sommarbemanning med många nya vikarier.",
        },
    )
    await _risk(
        demo,
        "erik.sand",
        units["E-SOL"],
        {"title": "Vikarier saknar introduktion i läkemedelshantering", "analysis_id": summer["id"]},
    )


async def seed(demo: DemoClient) -> None:
    units = await demo.units_by_code()
    today = demo.now.astimezone(STOCKHOLM).date()
    plan_year = today.year if today.month >= 4 else today.year - 1  # a plan with controls already due
    await _recent_falls(demo, units, today)
    risks = await _risks(demo, units)
    plan = await _plan(demo, units, risks, plan_year)
    await _perform_controls(demo, plan, risks, today)
    await _follow_up_providers(demo, plan, today)
    await _follow_up(demo, plan, today)
    await _self_assessment(demo, units, today)
    await _yearly_analysis(demo, units, today)
