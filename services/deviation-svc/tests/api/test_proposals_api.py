"""Förbättringsförslag through the API: submitted by anyone (anonymously if she chooses), assessed by
the unit's chef (accepted into an action or a rutin revision, rejected with a motivation, forwarded up),
followed by the proposer; complaints of kind forbattringsforslag become proposals."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from deviation_svc.adapters.orm import Complaint, ImprovementProposal, ImprovementProposalStep
from deviation_svc.service_layer.proposals.moved import MovedProposals
from platform_shared.testing import wait_until

PATH = "/api/v1/improvement-proposals"
NOT_FOUND = {"status": 404, "type": "/problems/not-found", "detail": "Förbättringsförslaget finns inte"}


async def _propose(svc: Any, person: str = "medarbetare_a", **body: Any) -> dict[str, Any]:
    payload = {
        "unit_id": svc.unit("enhet_a"),
        "title": "Digital signering",
        "text": "Signera läkemedel i appen i stället för på papper.",
        **body,
    }
    return dict((await svc.call("POST", PATH, person, 201, json=payload)).json())


async def _assess(
    svc: Any, proposal_id: str, person: str = "enhetschef_a", expect: int | None = 200, **body: Any
) -> Any:
    r = await svc.call("POST", f"{PATH}/{proposal_id}/assess", person, expect, json=body)
    return r.json()


def _problem(r: Any) -> dict[str, Any]:
    body = r.json()
    return {"status": r.status_code, "type": body.get("type"), "detail": body.get("detail")}


async def test_a_proposal_is_submitted_by_anyone_and_its_proposer_follows_its_status(svc: Any) -> None:
    p = await _propose(svc)
    assert p["reference"].startswith("FF-2026-") and p["status"] == "submitted"
    assert p["proposer_id"] == svc.person("medarbetare_a") and p["unit_id"] == p["origin_unit_id"]
    assert [s["step"] for s in p["steps"]] == ["submitted"] and p["action"] is None
    # the chef sees it; another medarbetare of the unit does not; its proposer does
    assert (await svc.call("GET", f"{PATH}/{p['id']}", "enhetschef_a", 200)).json()["title"] == p["title"]
    assert (await svc.call("GET", f"{PATH}/{p['id']}", "medarbetare_b")).status_code == 404
    await _assess(svc, p["id"], decision="reject", motivation="Appen saknar stöd för det i år")
    mine = (await svc.call("GET", PATH, "medarbetare_a", 200, params={"mine": "true"})).json()["items"]
    assert [(x["id"], x["status"]) for x in mine] == [(p["id"], "rejected")]
    seen = (await svc.call("GET", f"{PATH}/{p['id']}", "medarbetare_a", 200)).json()
    assert seen["motivation"] == "Appen saknar stöd för det i år"
    assert [s["step"] for s in seen["steps"]] == ["submitted", "rejected"]
    assert (await svc.call("GET", PATH, "medarbetare_b", 200)).json()["items"] == []
    # a chef who proposes for another part of the organisation still follows her own
    theirs = await _propose(svc, "enhetschef_c")
    assert (await svc.call("GET", f"{PATH}/{theirs['id']}", "enhetschef_c", 200)).json()["id"] == theirs["id"]
    submitted = (await svc.outbox("ImprovementProposalSubmitted"))[0]
    assert submitted["data"]["proposer_id"] == svc.person("medarbetare_a")
    assert submitted["data"]["origin_unit_id"] == svc.unit("enhet_a")


async def test_an_anonymous_proposal_never_shows_its_proposer_to_the_unit_or_in_events(svc: Any) -> None:
    p = await _propose(svc, anonymous=True)
    chef_view = (await svc.call("GET", f"{PATH}/{p['id']}", "enhetschef_a", 200)).json()
    assert chef_view["anonymous"] and chef_view["proposer_id"] is None
    assert all(s["by"] is None for s in chef_view["steps"])
    listed = (await svc.call("GET", PATH, "kvalitetsledare", 200)).json()["items"]
    assert [(x["id"], x["proposer_id"]) for x in listed] == [(p["id"], None)]
    own = (await svc.call("GET", f"{PATH}/{p['id']}", "medarbetare_a", 200)).json()
    assert own["proposer_id"] == svc.person("medarbetare_a")
    await _assess(svc, p["id"], decision="reject", motivation="Finns redan")
    proposer = svc.person("medarbetare_a")
    for event in await svc.outbox():
        if event["subject"] == p["id"] or event["data"].get("object_id") == p["id"]:
            assert proposer not in str(event), event["type"]


async def test_a_rejected_proposal_needs_a_motivation(svc: Any) -> None:
    p = await _propose(svc)
    r = await svc.call("POST", f"{PATH}/{p['id']}/assess", "enhetschef_a", json={"decision": "reject"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "motivation"
    unchanged = (await svc.call("GET", f"{PATH}/{p['id']}", "enhetschef_a", 200)).json()
    assert (unchanged["status"], unchanged["version"]) == ("submitted", p["version"])
    rejected = await _assess(svc, p["id"], decision="reject", motivation="Ryms inte i budgeten")
    assert rejected["status"] == "rejected" and rejected["assessed_by"] == svc.person("enhetschef_a")
    again = await svc.call(
        "POST", f"{PATH}/{p['id']}/assess", "enhetschef_a", json={"decision": "reject", "motivation": "x"}
    )
    assert again.status_code == 409 and again.json()["type"] == "/problems/invalid-transition"
    assert "ImprovementProposalRejected" in await svc.event_types(p["id"])


async def test_an_accepted_proposal_leads_to_an_action_that_is_completed_and_followed_up(svc: Any) -> None:
    p = await _propose(svc)
    action = {"description": "Inför digital signering", "responsible_id": svc.person("medarbetare_b")}
    missing = await svc.call(
        "POST",
        f"{PATH}/{p['id']}/assess",
        "enhetschef_a",
        json={"decision": "accept", "outcome": "action", "action": action},
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "action.due_date"
    accepted = await _assess(
        svc, p["id"], decision="accept", outcome="action", action={**action, "due_date": "2026-04-30"}
    )
    a = accepted["action"]
    assert accepted["status"] == "accepted" and accepted["outcome"] == "action"
    assert (a["status"], a["responsible_id"], a["due_date"]) == (
        "planned",
        action["responsible_id"],
        "2026-04-30",
    )
    assert [(d["rule"], d["status"]) for d in a["deadlines"]] == [("actions_due", "pending")]
    event = (await svc.outbox("ImprovementProposalAccepted"))[0]["data"]
    assert (event["action_id"], event["due_date"], event["outcome"]) == (a["id"], "2026-04-30", "action")
    # the responsible (a medarbetare) finds the proposal and completes her action
    base = f"{PATH}/{p['id']}/actions/{a['id']}"
    assert (await svc.call("GET", f"{PATH}/{p['id']}", "medarbetare_b", 200)).json()["action"]["id"] == a[
        "id"
    ]
    stale = await svc.call("POST", f"{base}/complete", "medarbetare_b", json={}, headers={"If-Match": '"9"'})
    assert stale.status_code == 412
    done = await svc.call(
        "POST", f"{base}/complete", "medarbetare_b", 200, json={}, headers={"If-Match": f'"{a["version"]}"'}
    )
    assert done.json()["status"] == "done" and done.json()["deadlines"][0]["status"] == "met"
    assert done.headers["ETag"] == f'"{done.json()["version"]}"'
    followed = await svc.call(
        "POST",
        f"{base}/follow-up",
        "enhetschef_a",
        200,
        json={"effect": "Färre missade signeringar", "effective": True},
    )
    assert followed.json()["status"] == "followed_up" and followed.json()["effective"] is True
    again = await svc.call("POST", f"{base}/complete", "medarbetare_b", json={})
    assert again.status_code == 409
    types = await svc.event_types(p["id"])
    assert {"ImprovementActionCompleted", "ImprovementActionFollowedUp"} <= set(types)


async def test_an_accepted_proposal_may_propose_a_revision_of_a_rutin_named_in_its_event(svc: Any) -> None:
    p = await _propose(svc)
    document = str(uuid.uuid4())
    stray = await svc.call(
        "POST",
        f"{PATH}/{p['id']}/assess",
        "enhetschef_a",
        json={"decision": "reject", "motivation": "Nej", "document_id": document},
    )
    assert stray.status_code == 422 and stray.json()["errors"][0]["field"] == "document_id"
    accepted = await _assess(
        svc,
        p["id"],
        decision="accept",
        outcome="rutin_revision",
        document_id=document,
        revision="Lägg till signering i appen i läkemedelsrutinen",
    )
    assert (accepted["outcome"], accepted["document_id"], accepted["action"]) == (
        "rutin_revision",
        document,
        None,
    )
    event = (await svc.outbox("ImprovementProposalAccepted"))[0]["data"]
    assert (event["outcome"], event["document_id"], event["action_id"]) == ("rutin_revision", document, None)
    assert "revision" not in event and "text" not in event  # free text stays in the service


async def test_a_proposal_forwarded_up_is_assessed_by_the_chef_above_not_below(svc: Any) -> None:
    p = await _propose(svc)
    forwarded = await _assess(svc, p["id"], decision="forward", motivation="Gäller hela verksamheten")
    assert (forwarded["status"], forwarded["unit_id"]) == ("forwarded", svc.unit("omsorg"))
    assert forwarded["origin_unit_id"] == svc.unit("enhet_a") and forwarded["assessed_at"] is None
    below = await svc.call("POST", f"{PATH}/{p['id']}/assess", "enhetschef_a", json={"decision": "forward"})
    assert below.status_code == 403  # she still sees it, but it is not hers to assess any more
    waiting = await svc.call(
        "GET", PATH, "verksamhetschef", 200, params={"assessing_unit_id": svc.unit("omsorg")}
    )
    assert [x["id"] for x in waiting.json()["items"]] == [p["id"]]
    accepted = await _assess(
        svc, p["id"], "verksamhetschef", decision="accept", outcome="rutin_revision", revision="Ny rutin"
    )
    assert accepted["status"] == "accepted"
    assert [(s["step"], s["to_unit_id"]) for s in accepted["steps"]] == [
        ("submitted", svc.unit("enhet_a")),
        ("forwarded", svc.unit("omsorg")),
        ("accepted", svc.unit("omsorg")),
    ]
    event = (await svc.outbox("ImprovementProposalForwarded"))[0]["data"]
    assert (event["from_unit_id"], event["unit_id"]) == (svc.unit("enhet_a"), svc.unit("omsorg"))


async def test_a_proposal_is_not_forwarded_from_the_top(svc: Any) -> None:
    p = await _propose(svc, "socialchef", unit_id=svc.unit("namnd"))
    r = await svc.call("POST", f"{PATH}/{p['id']}/assess", "socialchef", json={"decision": "forward"})
    assert r.status_code == 409 and r.json()["type"] == "/problems/invalid-transition"


async def test_only_a_chef_in_scope_assesses_and_an_outsider_sees_nothing(svc: Any) -> None:
    p = await _propose(svc)
    own = await svc.call("POST", f"{PATH}/{p['id']}/assess", "medarbetare_a", json={"decision": "forward"})
    assert own.status_code == 403  # her own proposal: visible, not hers to assess
    for method, path, body in (
        ("GET", f"{PATH}/{{id}}", None),
        ("POST", f"{PATH}/{{id}}/assess", {"decision": "reject", "motivation": "x"}),
    ):
        answers = []
        for object_id in (p["id"], str(uuid.uuid4())):
            kwargs = {} if body is None else {"json": body}
            answers.append(
                _problem(await svc.call(method, path.format(id=object_id), "enhetschef_c", **kwargs))
            )
        assert answers[0] == answers[1] == NOT_FOUND, (method, path)
    assert (await svc.call("GET", PATH, "enhetschef_c", 200)).json()["items"] == []
    stale = await svc.call(
        "POST",
        f"{PATH}/{p['id']}/assess",
        "enhetschef_a",
        json={"decision": "forward"},
        headers={"If-Match": '"7"'},
    )
    assert stale.status_code == 412


async def test_the_same_idempotency_key_gives_the_first_proposal(svc: Any) -> None:
    body = {"unit_id": svc.unit("enhet_a"), "title": "Schema", "text": "Lägg ut schemat tidigare"}
    headers = {"Idempotency-Key": "app-ff-1"}
    first = await svc.call("POST", PATH, "medarbetare_a", 201, json=body, headers=headers)
    again = await svc.call("POST", PATH, "medarbetare_a", 201, json=body, headers=headers)
    assert again.json()["id"] == first.json()["id"]
    other = await svc.call("POST", PATH, "medarbetare_a", json={**body, "title": "Annat"}, headers=headers)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    bad = await svc.call("POST", PATH, "medarbetare_a", json={**body, "title": " "})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "title"
    assert (await svc.event_types()).count("ImprovementProposalSubmitted") == 1


async def test_a_complaint_of_kind_forbattringsforslag_creates_a_proposal_and_says_where(svc: Any) -> None:
    body = {
        "kind": "forbattringsforslag",
        "channel": "webbformular",
        "complainant_type": "personal",
        "unit_id": svc.unit("enhet_a"),
        "text": "Schemat borde läggas ut två veckor tidigare\nså att alla hinner planera.",
    }
    r = await svc.call("POST", "/api/v1/complaints", "medarbetare_a", 201, json=body)
    c = r.json()
    assert c["kind"] == "forbattringsforslag" and c["moved_to_proposal_id"] == c["id"]
    assert c["deadlines"] == [] and c["response_due_at"] is None
    assert r.headers["Location"] == f"{PATH}/{c['id']}"
    assert r.headers["Link"] == f'<{PATH}/{c["id"]}>; rel="alternate"'
    assert r.headers["Deprecation"].startswith("@")
    p = (await svc.call("GET", f"{PATH}/{c['id']}", "medarbetare_a", 200)).json()
    assert (p["reference"], p["title"], p["status"]) == (
        c["reference"],
        "Schemat borde läggas ut två veckor tidigare",
        "submitted",
    )
    assert p["proposer_id"] == svc.person("medarbetare_a") and not p["anonymous"]
    types = await svc.event_types(c["id"])
    assert "ImprovementProposalSubmitted" in types and "ComplaintReceived" not in types
    # the complaint stays readable, links to the proposal, is listed no more and takes no steps
    got = await svc.call("GET", f"/api/v1/complaints/{c['id']}", "enhetschef_a", 200)
    assert got.headers["Link"] == r.headers["Link"] and "Deprecation" not in got.headers
    assert (await svc.call("GET", "/api/v1/complaints", "enhetschef_a", 200)).json()["items"] == []
    refused = await svc.call("POST", f"/api/v1/complaints/{c['id']}/acknowledge", "enhetschef_a")
    assert refused.status_code == 409
    anonymous = await svc.call(
        "POST", "/api/v1/complaints", "medarbetare_a", 201, json={**body, "complainant_type": "anonym"}
    )
    hidden = (await svc.call("GET", f"{PATH}/{anonymous.json()['id']}", "enhetschef_a", 200)).json()
    assert hidden["anonymous"] and hidden["proposer_id"] is None


async def test_a_complaint_does_not_become_a_proposal_by_a_change_of_kind(svc: Any) -> None:
    body = {
        "kind": "synpunkt",
        "channel": "telefon",
        "complainant_type": "narstaende",
        "unit_id": svc.unit("enhet_a"),
        "text": "Fler aktiviteter på helgen",
    }
    c = (await svc.call("POST", "/api/v1/complaints", "medarbetare_a", 201, json=body)).json()
    r = await svc.call(
        "PATCH", f"/api/v1/complaints/{c['id']}", "enhetschef_a", json={"kind": "forbattringsforslag"}
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "kind"


async def _moved_complaint(svc: Any, status: str, complainant_type: str, **extra: Any) -> uuid.UUID:
    """What the data migration leaves: a complaint row, its proposal, announced_at NULL."""
    now = svc.clock.now
    complaint_id = uuid.uuid4()
    reference = f"KLA-2025-{complaint_id.int % 1_000_000:06d}"
    unit, registrar = uuid.UUID(svc.unit("enhet_a")), uuid.UUID(svc.person("medarbetare_a"))
    async with svc.runtime.session_factory() as session, session.begin():
        session.add(
            Complaint(
                id=complaint_id,
                reference=reference,
                kind="forbattringsforslag",
                channel="webbformular",
                complainant_type=complainant_type,
                unit_id=unit,
                text="Fler sittplatser i entrén",
                status=status,
                received_at=now,
                registered_by=registrar,
                registered_at=now,
                moved_to_proposal_id=complaint_id,
            )
        )
        await session.flush()
        session.add(
            ImprovementProposal(
                id=complaint_id,
                reference=reference,
                unit_id=unit,
                origin_unit_id=unit,
                title="Fler sittplatser i entrén",
                text="Fler sittplatser i entrén",
                anonymous=complainant_type == "anonym",
                proposer_id=registrar if complainant_type == "personal" else None,
                status="submitted" if status == "kvitterad" else "closed",
                submitted_at=now,
                moved_from_complaint=True,
                created_at=now,
                updated_at=now,
                **extra,
            )
        )
        await session.flush()
        session.add(
            ImprovementProposalStep(
                id=uuid.uuid4(), proposal_id=complaint_id, step="moved", to_status="submitted", at=now
            )
        )
    return complaint_id


async def test_the_moved_complaints_are_announced_once_as_proposals(svc: Any) -> None:
    open_one = await _moved_complaint(svc, "kvitterad", "personal")
    answered = await _moved_complaint(svc, "avslutad", "anonym", motivation="Tack, vi ordnar det")
    announcer = MovedProposals(svc.runtime.uow)
    # The service's own loop ("moved-proposals") may announce some of them first: together, once each.
    assert await announcer.tick() <= 2

    async def both_announced() -> bool:
        return len(await svc.outbox("ComplaintMovedToProposal")) >= 2

    await wait_until(both_announced, timeout_s=10)
    assert await announcer.tick() == 0
    moved = [e for e in await svc.outbox("ComplaintMovedToProposal")]
    assert sorted(e["data"]["complaint_id"] for e in moved) == sorted(map(str, (open_one, answered)))
    assert {e["data"]["proposal_id"] for e in moved} == {str(open_one), str(answered)}
    submitted = {
        e["data"]["proposal_id"]: e["data"] for e in await svc.outbox("ImprovementProposalSubmitted")
    }
    assert submitted[str(open_one)]["moved_from_complaint_id"] == str(open_one)
    assert submitted[str(open_one)]["proposer_id"] == svc.person("medarbetare_a")
    assert submitted[str(answered)]["status"] == "closed" and submitted[str(answered)]["proposer_id"] is None
    async with svc.runtime.session_factory() as session:
        left = await session.scalar(
            select(func.count())
            .select_from(ImprovementProposal)
            .where(ImprovementProposal.announced_at.is_(None))
        )
    assert left == 0
    # the open one is assessed like any other; the answered one was handled before
    await _assess(svc, str(open_one), decision="accept", outcome="rutin_revision", revision="Fler stolar")
    closed = await svc.call(
        "POST", f"{PATH}/{answered}/assess", "enhetschef_a", json={"decision": "reject", "motivation": "x"}
    )
    assert closed.status_code == 409
