"""Kvalitetsråd through the API (/api/v1/kvalitetsrad): the agenda from the template, a justerat
protokoll locked, announced once one level up and down, open actions carried to the next meeting,
the protokoll as PDF and DOCX; and the verksamhetsplan as report type vp."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime
from typing import Any, get_args

from docx import Document

from platform_shared.contracts.reporting import KvalitetsradHeld
from reporting_svc.domain.arshjul.fulfilment import EvidenceKind, evidence_from_event
from reporting_svc.domain.kvalitetsrad import AGENDA_KEYS, Direction, FollowUpOutcome, MeetingStatus, Occasion
from reporting_svc.domain.report_templates import sections_of
from reporting_svc.domain.reports import ReportType
from reporting_svc.entrypoints.api.kvalitetsrad_schemas import (
    DirectionName,
    OccasionName,
    OutcomeName,
    StatusName,
)
from reporting_svc.service_layer.rebuild import rebuild

KR = "/api/v1/kvalitetsrad"
NOW = datetime(2026, 9, 20, 9, 0, tzinfo=UTC)


async def _call(svc: Any, method: str, path: str, person: str, status: int = 200, **kwargs: Any) -> Any:
    headers = {**svc.org.auth(person), **kwargs.pop("headers", {})}
    r = await svc.client.request(method, path, headers=headers, **kwargs)
    assert r.status_code == status, r.text
    return r


def _item(meeting: dict[str, Any], key: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in meeting["items"] if i["key"] == key)
    return found


async def _plan(svc: Any, unit: str, on: str, chef: str, occasion: str = "t2") -> dict[str, Any]:
    p = svc.org.people
    body = {
        "unit_id": str(svc.org.units[unit]),
        "occasion": occasion,
        "meeting_on": on,
        "participant_ids": [str(p[chef]), str(p["kvalitetsledare"])],
        "secretary_id": str(p["kvalitetsledare"]),
        "chef_id": str(p[chef]),
    }
    meeting: dict[str, Any] = (await _call(svc, "POST", KR, "kvalitetsledare", 201, json=body)).json()
    return meeting


async def _hold_and_justera(svc: Any, meeting: dict[str, Any], chef: str) -> dict[str, Any]:
    path = f"{KR}/{meeting['id']}"
    svc.clock.set(
        datetime.fromisoformat(f"{meeting['meeting_on']}T14:00:00+00:00")
    )  # held and justerat that day
    await _call(svc, "POST", f"{path}/held", "kvalitetsledare")
    done: dict[str, Any] = (await _call(svc, "POST", f"{path}/justera", chef)).json()
    return done


async def _action(svc: Any, meeting: dict[str, Any], text: str, status: int = 201) -> dict[str, Any]:
    body = {
        "item_key": "klagomal",
        "description": text,
        "owner_id": str(svc.org.people["enhetschef_a"]),
        "due_date": "2026-12-31",
    }
    action: dict[str, Any] = (
        await _call(svc, "POST", f"{KR}/{meeting['id']}/actions", "kvalitetsledare", status, json=body)
    ).json()
    return action


async def test_a_justerat_protokoll_cannot_change(svc: Any) -> None:
    svc.clock.set(NOW)
    meeting = await _plan(svc, "enhet_a", "2026-09-10", "enhetschef_a")
    path = f"{KR}/{meeting['id']}"
    assert [i["key"] for i in meeting["items"]] == list(AGENDA_KEYS)
    assert meeting["items"][0]["heading"] == "Uppföljning inför T1, T2, VP och VB"
    assert meeting["items"][-1]["heading"] == "Övrigt"
    assert (meeting["period_from"], meeting["period_to"]) == ("2026-05-01", "2026-08-31")
    assert [f["key"] for f in _item(meeting, "klagomal")["figures"]] == ["klagomal_slag", "klagomal_kategori"]
    assert meeting["status"] == "planned" and meeting["title"].startswith(
        "Kvalitetsråd inför tertialrapport 2"
    )

    notes = {"notes": "Två klagomål på maten.", "decisions": "Kosten tas upp med köket."}
    await _call(svc, "PUT", f"{path}/items/klagomal", "medarbetare_a", 404, json=notes)
    await _call(svc, "PUT", f"{path}/items/klagomal", "namnd", 403, json=notes)  # reads aggregates only
    await _call(svc, "PUT", f"{path}/items/nope", "kvalitetsledare", 422, json=notes)
    await _call(
        svc, "PUT", f"{path}/items/klagomal", "kvalitetsledare", 412, json=notes, headers={"If-Match": '"9"'}
    )
    r = await _call(
        svc, "PUT", f"{path}/items/klagomal", "kvalitetsledare", json=notes, headers={"If-Match": '"1"'}
    )
    assert r.headers["etag"] == '"2"' and _item(r.json(), "klagomal")["notes"] == notes["notes"]
    await _action(svc, meeting, "Ny rutin för matbeställning")
    await _call(svc, "POST", f"{path}/justera", "enhetschef_a", 409)  # not held yet
    await _call(svc, "POST", f"{path}/held", "kvalitetsledare")
    await _call(svc, "POST", f"{path}/justera", "kvalitetsledare", 403)  # the named chef justerar
    done = (await _call(svc, "POST", f"{path}/justera", "enhetschef_a")).json()
    assert done["status"] == "justerat" and done["figures_frozen"] is True
    assert _item(done, "klagomal")["actions"][0]["description"] == "Ny rutin för matbeställning"

    for method, sub, body in (
        ("PUT", "/items/klagomal", {"notes": "Ändrat i efterhand"}),
        ("PATCH", "", {"meeting_on": "2026-09-11"}),
        ("POST", "/held", None),
        ("POST", "/justera", None),
    ):
        r = await _call(svc, method, f"{path}{sub}", "enhetschef_a", 409, json=body)
        assert r.json()["detail"] == "Protokollet är justerat och kan inte ändras"
    await _action(svc, meeting, "En åtgärd i efterhand", 409)
    assert (
        _item((await _call(svc, "GET", path, "enhetschef_a")).json(), "klagomal")["notes"] == notes["notes"]
    )

    types = [e["type"] for e in await svc.outbox()]
    assert [t for t in types if "Kvalitetsrad" in t] == [
        "KvalitetsradPlanned",
        "KvalitetsradHeld",
        "KvalitetsradProtokollJusterat",
        "KvalitetsradActionDecided",
    ]
    justerat = (await svc.outbox("KvalitetsradProtokollJusterat"))[0]["data"]
    assert justerat["unit_id"] == str(svc.org.units["enhet_a"]) and justerat["meeting_on"] == "2026-09-10"

    pdf = await _call(svc, "GET", f"{path}/protokoll", "enhetschef_a", params={"format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    docx = await _call(svc, "GET", f"{path}/protokoll", "enhetschef_a", params={"format": "docx"})
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Nedtecknat av: " in text and "Justeras: " in text and "§ 3 Klagomål, synpunkter och beröm" in text


async def test_a_unit_protokoll_is_listed_at_the_avdelnings_next_meeting(svc: Any) -> None:
    svc.clock.set(NOW)
    unit_meeting = await _hold_and_justera(
        svc, await _plan(svc, "enhet_a", "2026-09-08", "enhetschef_a"), "enhetschef_a"
    )
    avdelning = await _plan(svc, "omsorg", "2026-09-15", "socialchef")
    listed = _item(avdelning, "anmalan_av_protokoll")["protokoll"]
    assert [(p["meeting_id"], p["direction"]) for p in listed] == [(unit_meeting["id"], "from_below")]
    sibling = await _plan(svc, "enhet_b", "2026-09-16", "socialchef")
    assert _item(sibling, "anmalan_av_protokoll")["protokoll"] == []  # siblings do not see each other's

    avdelning = await _hold_and_justera(svc, avdelning, "socialchef")
    assert [p["meeting_id"] for p in _item(avdelning, "anmalan_av_protokoll")["protokoll"]] == [
        unit_meeting["id"]
    ]
    later = await _plan(svc, "omsorg", "2026-09-18", "socialchef")
    assert _item(later, "anmalan_av_protokoll")["protokoll"] == []  # announced once
    down = await _plan(svc, "enhet_a", "2026-09-19", "enhetschef_a")
    assert [(p["meeting_id"], p["direction"]) for p in _item(down, "anmalan_av_protokoll")["protokoll"]] == [
        (avdelning["id"], "from_above")
    ]
    event = (await svc.outbox("KvalitetsradProtokollJusterat"))[1]["data"]
    assert event["announced_meeting_ids"] == [unit_meeting["id"]]


async def test_open_actions_carry_to_the_next_meeting(svc: Any) -> None:
    svc.clock.set(NOW)
    first = await _plan(svc, "enhet_a", "2026-09-01", "enhetschef_a")
    action = await _action(svc, first, "Ny rutin för matbeställning")
    await _hold_and_justera(svc, first, "enhetschef_a")

    second = await _plan(svc, "enhet_a", "2026-09-10", "enhetschef_a")
    carried = _item(second, "balanslistor")["carried_actions"]
    assert [(c["action_id"], c["outcome"]) for c in carried] == [(action["id"], None)]
    path = f"{KR}/{second['id']}"
    svc.clock.set(NOW)
    await _call(svc, "POST", f"{path}/held", "kvalitetsledare")
    r = await _call(svc, "POST", f"{path}/justera", "enhetschef_a", 409)
    assert "inte uppföljda" in r.json()["detail"]
    follow = {"action_id": action["id"], "outcome": "dropped"}
    await _call(svc, "POST", f"{path}/follow-ups", "kvalitetsledare", 422, json=follow)
    await _call(svc, "POST", f"{path}/follow-ups", "kvalitetsledare", json={**follow, "outcome": "continues"})
    await _call(svc, "POST", f"{path}/justera", "enhetschef_a")

    third = await _plan(svc, "enhet_a", "2026-09-18", "enhetschef_a")
    assert [c["action_id"] for c in _item(third, "balanslistor")["carried_actions"]] == [action["id"]]
    follow = {"action_id": action["id"], "outcome": "done", "note": "Rutinen gäller från 1 oktober."}
    await _call(svc, "POST", f"{KR}/{third['id']}/follow-ups", "kvalitetsledare", json=follow)
    third = await _hold_and_justera(svc, third, "enhetschef_a")
    assert _item(third, "balanslistor")["carried_actions"][0]["outcome"] == "done"
    fourth = await _plan(svc, "enhet_a", "2026-09-19", "enhetschef_a")
    assert _item(fourth, "balanslistor")["carried_actions"] == []
    outcomes = [e["data"]["outcome"] for e in await svc.outbox("KvalitetsradActionFollowedUp")]
    assert outcomes == ["continues", "done"]


async def test_rebuild_leaves_meetings_made_through_the_api_untouched(svc: Any) -> None:
    svc.clock.set(NOW)
    meeting = await _plan(svc, "enhet_a", "2026-09-01", "enhetschef_a")
    await _action(svc, meeting, "Ny rutin för matbeställning")
    done = await _hold_and_justera(svc, meeting, "enhetschef_a")
    await rebuild(svc.runtime)
    assert (await _call(svc, "GET", f"{KR}/{meeting['id']}", "enhetschef_a")).json() == done


async def test_the_meeting_links_the_units_kvalitetsrad_report_as_its_printed_underlag(svc: Any) -> None:
    svc.clock.set(NOW)
    unit = str(svc.org.units["enhet_a"])
    made = {}
    for kind in ("kvalitetsrad", "t2"):
        body = {"type": kind, "year": 2026, "unit_id": unit}
        made[kind] = (await _call(svc, "POST", "/api/v1/reports", "kvalitetsledare", 201, json=body)).json()[
            "id"
        ]
    meeting = await _plan(svc, "enhet_a", "2026-09-10", "enhetschef_a")
    path = f"{KR}/{meeting['id']}"
    r = await _call(svc, "PATCH", path, "kvalitetsledare", 422, json={"report_id": made["t2"]})
    assert r.json()["errors"][0]["field"] == "report_id"
    linked = (
        await _call(svc, "PATCH", path, "kvalitetsledare", json={"report_id": made["kvalitetsrad"]})
    ).json()
    assert linked["report_id"] == made["kvalitetsrad"]


async def test_a_vp_report_can_be_created_and_adopted(svc: Any) -> None:
    svc.clock.set(datetime(2026, 12, 10, 9, tzinfo=UTC))  # the plan for the coming year, before it starts
    body = {"type": "vp", "year": 2027, "unit_id": str(svc.org.units["forvaltning"])}
    report = (await _call(svc, "POST", "/api/v1/reports", "kvalitetsledare", 201, json=body)).json()
    assert report["title"] == "Verksamhetsplan 2027, forvaltning" and report["figures"] == []
    keys = [s["key"] for s in report["sections"]]
    assert keys == [s.key for s in sections_of(ReportType.VP)]
    assert {"mal_och_aktiviteter", "riskanalys_och_internkontroll", "kvalitetsrad_och_uppfoljning"} <= set(
        keys
    )
    path = f"/api/v1/reports/{report['id']}"
    text = {k: f"Plan för {k}." for k in keys}
    await _call(svc, "PATCH", path, "kvalitetsledare", json={"sections": text})
    await _call(svc, "POST", f"{path}/review", "socialchef")
    adopted = await _call(
        svc, "POST", f"{path}/adopt", "socialchef", json={"meeting_date": "2026-12-09", "paragraph": "§ 101"}
    )
    assert adopted.json()["status"] == "adopted" and adopted.json()["decision"]["body"] == "namnd"


def test_the_api_offers_exactly_the_domains_occasions_statuses_outcomes_and_directions() -> None:
    pairs = ((OccasionName, Occasion), (StatusName, MeetingStatus), (OutcomeName, FollowUpOutcome))
    for literal, enum in (*pairs, (DirectionName, Direction)):
        assert set(get_args(literal)) == {e.value for e in enum}


def test_a_held_kvalitetsrad_is_evidence_for_the_arshjul_on_the_day_it_met() -> None:
    unit = uuid.uuid4()
    held = KvalitetsradHeld(
        meeting_id=uuid.uuid4(), unit_id=unit, occasion="t2", meeting_on=date(2026, 9, 10), held_at=NOW
    )
    evidence = evidence_from_event(held.event_type, held.model_dump())
    assert evidence is not None and evidence.kind is EvidenceKind.MEETING_HELD
    assert (evidence.unit_id, evidence.occurred_on) == (unit, date(2026, 9, 10))  # not when it was recorded
