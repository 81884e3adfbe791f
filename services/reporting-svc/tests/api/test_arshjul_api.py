"""The årshjul through the API: the template for every unit, adoption as a recorded decision,
activities planned, moved, struck and done (by hand or by a report adopted), late activities as
deadlines with a Swedish notification, and calendar feeds scoped to their person."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from icalendar import Calendar
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

from platform_shared import tracing
from platform_shared.contracts.org import RoleEnded
from platform_shared.contracts.reporting import KvalitetsradHeld
from platform_shared.contracts.risk import RiskAnalysisCompleted
from platform_shared.testing import wait_until
from reporting_svc.adapters.orm import CalendarFeedToken, Notification, messaging
from reporting_svc.app import deadline_scheduler
from reporting_svc.domain.report_templates import sections_of
from reporting_svc.domain.reports import ReportType
from reporting_svc.service_layer.arshjul.fulfilment import ARSHJUL_GROUP
from reporting_svc.service_layer.rebuild import rebuild

A = "/api/v1/arshjul"


async def call(svc: Any, method: str, path: str, person: str, status: int = 200, **kwargs: Any) -> Any:
    r = await svc.client.request(
        method, path, headers={**svc.org.auth(person), **kwargs.pop("headers", {})}, **kwargs
    )
    assert r.status_code == status, r.text
    return r


async def generated(svc: Any, year: int = 2026) -> dict[str, Any]:
    return (await call(svc, "POST", f"{A}/generate", "kvalitetsledare", json={"year": year})).json()


async def wheel(svc: Any, unit: str, person: str = "kvalitetsledare", year: int = 2026) -> Any:
    return await call(svc, "GET", A, person, params={"year": year, "unit_id": str(svc.org.units[unit])})


def by_key(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["template_key"]: a for a in view["activities"] if not a["inherited"]}


async def test_the_template_generates_the_seed_pattern_for_every_unit_once(svc: Any) -> None:
    svc.clock.set(datetime(2026, 1, 10, 9, tzinfo=UTC))
    await call(svc, "POST", f"{A}/generate", "medarbetare_a", 403, json={"year": 2026})
    first = await generated(svc)
    assert len(first["created"]) == 6 and first["existing"] == 0  # förvaltning, 2 areas, 3 enheter
    assert (await generated(svc))["created"] == []  # idempotent per year and unit

    forvaltning = (await wheel(svc, "forvaltning")).json()
    own = by_key(forvaltning)
    assert forvaltning["status"] == "draft" and forvaltning["parent_id"] is None
    assert own["kvalitetsrad_vb"]["due_on"] == "2026-01-31"
    assert (own["vb"]["due_on"], own["vb"]["period_year"]) == ("2026-02-28", 2025)
    assert (own["vp"]["period_year"], own["psb"]["responsible_role"]) == (2027, "mas")
    assert own["t1"]["reports_to_unit_id"] == str(svc.org.units["namnd"])
    assert {a["status"] for a in forvaltning["activities"]} == {"planned"}

    enhet = (await wheel(svc, "enhet_a", "enhetschef_a")).json()
    copies = by_key(enhet)
    assert copies["t1"]["due_on"] == "2026-05-17"  # a week earlier per level
    assert copies["t1"]["reports_to_unit_id"] == str(svc.org.units["omsorg"])
    assert copies["t1"]["responsible_role"] == "enhetschef"
    assert copies["information_lex_sarah"]["due_on"] == "2026-04-16"  # the template date, at depth 2
    inherited = {a["template_key"] for a in enhet["activities"] if a["inherited"]}
    assert inherited == {"psb", "internkontrollplan"}  # the förvaltning's only, shown to plan by
    await call(
        svc, "GET", A, "enhetschef_c", 404, params={"year": 2026, "unit_id": str(svc.org.units["enhet_a"])}
    )


async def test_adoption_is_a_recorded_decision_by_the_levels_adopter_once(svc: Any) -> None:
    svc.clock.set(datetime(2026, 1, 15, 9, tzinfo=UTC))
    await generated(svc)
    f = (await wheel(svc, "forvaltning")).json()
    path = f"{A}/{f['id']}/adopt"
    await call(svc, "POST", path, "enhetschef_a", 404)  # not hers to see
    await call(svc, "POST", path, "mas", 403, json={})
    stale = {"If-Match": '"99"'}
    await call(svc, "POST", path, "socialchef", 412, json={}, headers=stale)
    adopted = (await call(svc, "POST", path, "socialchef", json={"reference": "SN 2026/3"})).json()
    assert adopted["status"] == "adopted" and adopted["adopted_on"] == "2026-01-15"
    assert adopted["decision"]["text"] == "Fastställd av socialchef 15 januari 2026 (dnr SN 2026/3)"
    again = await call(svc, "POST", path, "socialchef", 409, json={})
    assert again.json()["detail"] == "Årshjulet är redan fastställt"

    e = (await wheel(svc, "enhet_a", "enhetschef_a")).json()
    namnd = {"meeting_date": "2026-01-14", "paragraph": 3}
    refused = await call(svc, "POST", f"{A}/{e['id']}/adopt", "socialchef", 422, json=namnd)
    assert refused.json()["detail"] == "Årshjulet fastställs av enhetschef"
    await call(svc, "POST", f"{A}/{e['id']}/adopt", "enhetschef_a", json={})


async def test_activities_are_planned_moved_struck_and_done_by_the_levels_rules(svc: Any) -> None:
    svc.clock.set(datetime(2026, 3, 2, 9, tzinfo=UTC))
    await generated(svc)
    e = (await wheel(svc, "enhet_a", "enhetschef_a")).json()
    body = {"title": "Brukarundersökning hemtjänst", "due_on": "2026-10-15", "kind": "brukarundersokning"}
    key = {"Idempotency-Key": "brukarundersokning-2026"}
    made = await call(svc, "POST", f"{A}/{e['id']}/activities", "enhetschef_a", 201, json=body, headers=key)
    repeat = await call(svc, "POST", f"{A}/{e['id']}/activities", "enhetschef_a", 201, json=body, headers=key)
    assert repeat.json()["id"] == made.json()["id"] and made.json()["responsible_role"] == "enhetschef"
    wrong_year = {**body, "due_on": "2027-01-10"}
    await call(svc, "POST", f"{A}/{e['id']}/activities", "enhetschef_a", 422, json=wrong_year)

    copies = by_key(e)
    t1 = copies["t1"]
    late = await call(
        svc,
        "POST",
        f"{A}/activities/{t1['id']}/reschedule",
        "enhetschef_a",
        422,
        json={"due_on": "2026-05-30"},
    )
    assert (
        late.json()["detail"]
        == "Aktiviteten lämnar underlag till nivån ovanför och ska vara klar senast 2026-05-24"
    )
    moved = await call(
        svc,
        "POST",
        f"{A}/activities/{t1['id']}/reschedule",
        "enhetschef_a",
        json={"due_on": "2026-05-15"},
        headers={"If-Match": f'"{t1["version"]}"'},
    )
    assert moved.json()["due_on"] == "2026-05-15" and moved.headers["ETag"] == f'"{t1["version"] + 1}"'
    await call(
        svc, "POST", f"{A}/activities/{t1['id']}/cancel", "enhetschef_a", 409
    )  # struck where it comes from

    f = by_key((await wheel(svc, "forvaltning")).json())
    await call(svc, "POST", f"{A}/activities/{f['t2']['id']}/cancel", "kvalitetsledare")
    after = by_key((await wheel(svc, "enhet_a", "enhetschef_a")).json())
    assert after["t2"]["status"] == "cancelled" and after["kvalitetsrad_t2"]["status"] == "planned"

    done = await call(
        svc,
        "POST",
        f"{A}/activities/{copies['kvalitetsrad_vb']['id']}/complete",
        "enhetschef_a",
        json={"note": "APT 20/1"},
    )
    assert (done.json()["status"], done.json()["evidence_type"]) == ("done", "manual")
    assert by_key((await wheel(svc, "enhet_a", "enhetschef_a")).json())["vb"]["status"] == "late"


async def test_an_adopted_report_fulfils_its_arshjul_activity(svc: Any) -> None:
    svc.clock.set(datetime(2026, 2, 2, 9, tzinfo=UTC))
    await generated(svc)
    enhet = str(svc.org.units["enhet_a"])
    report = (
        await call(
            svc,
            "POST",
            "/api/v1/reports",
            "kvalitetsledare",
            201,
            json={"type": "kb", "year": 2025, "unit_id": enhet},
        )
    ).json()
    texts = {s.key: f"Text om {s.heading.lower()}." for s in sections_of(ReportType.KB)}
    path = f"/api/v1/reports/{report['id']}"
    await call(svc, "PATCH", path, "kvalitetsledare", json={"sections": texts})
    await call(svc, "POST", f"{path}/review", "socialchef")
    await call(svc, "POST", f"{path}/adopt", "enhetschef_a", json={"decided_on": "2026-02-01"})

    kb = by_key((await wheel(svc, "enhet_a", "enhetschef_a")).json())["kb"]
    assert (kb["status"], kb["fulfilled_on"]) == ("done", "2026-02-01")
    assert (kb["evidence_type"], kb["evidence_id"]) == ("ReportAdopted", report["id"])
    assert (
        by_key((await wheel(svc, "forvaltning")).json())["kb"]["status"] == "planned"
    )  # the unit's own only


async def _missed(svc: Any, activity_id: str) -> int:
    """DeadlineMissed events of the activity in the outbox."""
    o = messaging.outbox.c
    async with svc.runtime.session_factory() as session:
        rows = (await session.execute(select(o.payload).where(o.event_type == "DeadlineMissed"))).all()
    return sum(1 for (payload,) in rows if activity_id in str(payload))


async def test_a_late_activity_emits_its_deadline_event_once_and_tells_the_responsible(svc: Any) -> None:
    svc.clock.set(datetime(2026, 1, 15, 9, tzinfo=UTC))
    await generated(svc)
    f = (await wheel(svc, "forvaltning")).json()
    await call(svc, "POST", f"{A}/{f['id']}/adopt", "socialchef", json={})
    activity = by_key(f)["kvalitetsrad_vb"]  # 31 January, the kvalitetsledare's
    svc.clock.set(datetime(2026, 2, 1, 9, tzinfo=UTC))
    scheduler = deadline_scheduler(svc.runtime)
    assert await scheduler.tick() > 0
    await scheduler.tick()
    assert await _missed(svc, activity["id"]) == 1
    assert by_key((await wheel(svc, "forvaltning")).json())["kvalitetsrad_vb"]["status"] == "late"

    async def told() -> list[Notification]:
        async with svc.runtime.session_factory() as session:
            stmt = select(Notification).where(Notification.event_type == "DeadlineMissed")
            return list((await session.scalars(stmt)).all())

    async def any_told() -> bool:
        return any(
            n.title == "Försenad i årshjulet: Kvalitetsråd inför verksamhetsberättelsen" for n in await told()
        )

    await wait_until(any_told)
    notice = next(n for n in await told() if n.object_id is not None and str(n.object_id) == activity["id"])
    assert notice.recipient_id == svc.org.people["kvalitetsledare"]
    assert "skulle vara klar senast 31 januari 2026" in notice.body


async def test_a_feed_shows_only_what_its_person_may_see_and_a_revoked_feed_url_answers_404(svc: Any) -> None:
    svc.clock.set(datetime(2026, 1, 10, 9, tzinfo=UTC))
    await generated(svc)
    enhet_c = {"scope": "unit", "unit_id": str(svc.org.units["enhet_c"])}
    await call(svc, "POST", f"{A}/calendar-feeds", "enhetschef_a", 403, json=enhet_c)
    made = (
        await call(svc, "POST", f"{A}/calendar-feeds", "enhetschef_a", 201, json={"scope": "person"})
    ).json()
    secret = made["secret"]
    assert made["url"].endswith(f"/api/v1/arshjul/calendar.ics?feed={secret}")
    listed = (await call(svc, "GET", f"{A}/calendar-feeds", "enhetschef_a")).json()["items"]
    assert [f["id"] for f in listed] == [made["id"]] and secret not in str(listed)
    async with svc.runtime.session_factory() as session:
        stored = await session.get(CalendarFeedToken, uuid.UUID(made["id"]))
        assert stored is not None and secret not in (stored.token_hash, stored.label)

    with tracing.collect_spans(InMemorySpanExporter()) as spans:
        assert isinstance(spans, InMemorySpanExporter)
        r = await svc.client.get(f"{A}/calendar.ics", params={"feed": secret})
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
        server = [s for s in spans.get_finished_spans() if s.name == "GET /api/v1/arshjul/calendar.ics"]
        assert server and secret not in str([dict(s.attributes or {}) for s in spans.get_finished_spans()])
    events = [c for c in Calendar.from_ical(r.content).walk("VEVENT")]
    assert events and {str(e["SUMMARY"]) for e in events} >= {
        "Tertialrapport 1",
        "Rapporteringsskyldigheten enligt lex Sarah på arbetsplatsträff",
    }
    assert all("enhetschef" in str(e["DESCRIPTION"]) for e in events)  # hers, not the förvaltning's
    assert len(events) == 12

    used = (await call(svc, "GET", f"{A}/calendar-feeds", "enhetschef_a")).json()["items"][0]
    assert used["last_used_at"] is not None

    unit = await call(
        svc, "GET", f"{A}/calendar.ics", "enhetschef_a", params={"unit_id": str(svc.org.units["enhet_a"])}
    )
    assert len(Calendar.from_ical(unit.content).walk("VEVENT")) == 12
    await call(
        svc,
        "GET",
        f"{A}/calendar.ics",
        "enhetschef_a",
        404,
        params={"unit_id": str(svc.org.units["forvaltning"])},
    )

    await call(svc, "DELETE", f"{A}/calendar-feeds/{made['id']}", "medarbetare_a", 404)  # not hers
    await call(svc, "DELETE", f"{A}/calendar-feeds/{made['id']}", "enhetschef_a", 204)
    gone = await svc.client.get(f"{A}/calendar.ics", params={"feed": secret})
    assert gone.status_code == 404 and gone.json()["detail"] == "Kalenderflödet finns inte"


async def test_the_overview_is_a_pdf_of_the_year(svc: Any) -> None:
    svc.clock.set(datetime(2026, 6, 10, 9, tzinfo=UTC))
    await generated(svc)
    r = await call(
        svc,
        "GET",
        f"{A}/overview.pdf",
        "kvalitetsledare",
        params={"year": 2026, "unit_id": str(svc.org.units["omsorg"])},
    )
    assert r.content.startswith(b"%PDF") and r.headers["content-type"] == "application/pdf"
    assert "Arshjul" in r.headers["content-disposition"] or "rshjul" in r.headers["content-disposition"]


async def test_a_yearly_risk_analysis_fulfils_its_activity_and_rebuild_leaves_the_arshjul_untouched(
    svc: Any,
) -> None:
    svc.clock.set(datetime(2026, 10, 20, 9, tzinfo=UTC))
    await generated(svc)
    unit = svc.org.units["enhet_a"]
    analysis = RiskAnalysisCompleted(
        analysis_id=uuid.uuid4(),
        unit_id=unit,
        trigger="arlig",
        year=2027,
        risk_count=4,
        completed_at=datetime(2026, 10, 12, 8, tzinfo=UTC),
    )
    change = analysis.model_copy(update={"analysis_id": uuid.uuid4(), "trigger": "forandring"})
    await svc.feed(change, analysis, group=ARSHJUL_GROUP)
    done = by_key((await wheel(svc, "enhet_a", "enhetschef_a")).json())["riskanalys"]
    assert (done["status"], done["fulfilled_on"]) == ("done", "2026-10-12")
    assert (done["evidence_type"], done["evidence_id"]) == (
        "RiskAnalysisCompleted",
        str(analysis.analysis_id),
    )

    before = (await wheel(svc, "enhet_a", "enhetschef_a")).json()
    await rebuild(svc.runtime)
    assert (await wheel(svc, "enhet_a", "enhetschef_a")).json() == before


async def test_a_feed_is_read_as_its_person_is_now_so_an_ended_role_ends_the_unit_feed(svc: Any) -> None:
    svc.clock.set(datetime(2026, 1, 10, 9, tzinfo=UTC))
    await generated(svc)
    body = {"scope": "unit", "unit_id": str(svc.org.units["enhet_a"]), "label": "Enhetens årshjul"}
    secret = (await call(svc, "POST", f"{A}/calendar-feeds", "enhetschef_a", 201, json=body)).json()["secret"]
    assert (await svc.client.get(f"{A}/calendar.ics", params={"feed": secret})).status_code == 200

    person = svc.org.people["enhetschef_a"]
    r = svc.runtime.replica.role.c
    async with svc.runtime.session_factory() as session:
        assignment = await session.scalar(select(r.id).where(r.person_id == person))
    await svc.org_events(
        RoleEnded(person_id=person, assignment_id=assignment, ended_at=datetime(2026, 1, 9, tzinfo=UTC))
    )
    gone = await svc.client.get(f"{A}/calendar.ics", params={"feed": secret})
    assert gone.status_code == 404 and gone.json()["detail"] == "Kalenderflödet finns inte"


async def test_a_kvalitetsrad_held_fulfils_the_earliest_open_kvalitetsrad_activity(svc: Any) -> None:
    svc.clock.set(datetime(2026, 5, 2, 9, tzinfo=UTC))
    await generated(svc)
    copies = by_key((await wheel(svc, "enhet_a", "enhetschef_a")).json())
    january = copies["kvalitetsrad_vb"]["id"]
    await call(
        svc, "POST", f"{A}/activities/{january}/complete", "enhetschef_a", json={"fulfilled_on": "2026-01-15"}
    )
    held = KvalitetsradHeld(
        meeting_id=uuid.uuid4(),
        unit_id=svc.org.units["enhet_a"],
        occasion="t1",
        meeting_on=date(2026, 4, 28),
        held_at=datetime(2026, 4, 28, 13, tzinfo=UTC),
    )
    await svc.feed(held, group=ARSHJUL_GROUP)
    after = by_key((await wheel(svc, "enhet_a", "enhetschef_a")).json())
    assert (after["kvalitetsrad_t1"]["status"], after["kvalitetsrad_t1"]["evidence_type"]) == (
        "done",
        "KvalitetsradHeld",
    )
    assert after["kvalitetsrad_t2"]["status"] == "planned"
