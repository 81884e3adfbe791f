"""Personal data about a brukare stays in deviation-svc: encrypted at rest, shown only to case readers,
every read and change audited, and never in an event, a log line or an error message."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import orjson
import pytest
from sqlalchemy import select, text

from deviation_svc.adapters.orm import SubjectRef, audit_log

PNR = "19121212-1212"
PNR_DIGITS = "191212121212"
NAME = "Tolvan Tolvansson"
PLANTED = f"{NAME} {PNR}"
SECRETS = (PNR, PNR_DIGITS, "Tolvansson")
SUBJECT = {"name": NAME, "personnummer": PNR}
AT = "2026-03-04T10:00:00+01:00"  # not before the IVO decision (issue 12)


async def _walk_every_input(svc: Any) -> dict[str, str]:
    """Plant the name and personnummer in every free-text input of every kind of case."""
    d = await svc.report(
        description=PLANTED,
        discovered_at="2026-03-02T09:00:00+01:00",
        discovered_how=PLANTED,
        immediate_measures=PLANTED,
        subjects=[SUBJECT],
        source={"system": "lifecare", "external_id": f"LC-{uuid.uuid4().hex[:6]}"},
    )
    did = d["id"]
    await svc.call("POST", f"/api/v1/deviations/{did}/subjects", "enhetschef_a", 200, json=SUBJECT)
    await svc.call(
        "PATCH", f"/api/v1/deviations/{did}", "enhetschef_a", 200, json={"documentation_motivation": PLANTED}
    )
    await svc.step(did, "receive", "enhetschef_a", {"immediate_measures": PLANTED})
    await svc.step(
        did, "ivo-decision", "socialchef", {"degree": "allvarligt_missforhallande", "rationale": PLANTED}, 201
    )
    await svc.step(
        did, "start-investigation", "enhetschef_a", {"investigator_id": svc.person("enhetschef_a")}
    )
    for section in (
        "what_happened",
        "consequences",
        "noticed",
        "causes",
        "earlier_events",
        "recurrence_risk",
        "measures",
    ):
        entry = {
            "section": section,
            "kind": "assessment",
            "entry_date": "2026-03-03",
            "source": PLANTED,
            "text": PLANTED,
            "author_title": PLANTED,
            **({"cause_area": "manniska_kompetens"} if section == "causes" else {}),
        }
        await svc.call(
            "POST", f"/api/v1/deviations/{did}/investigation/entries", "enhetschef_a", 201, json=entry
        )
    await svc.step(
        did,
        "complete-investigation",
        "enhetschef_a",
        {"conclusion": PLANTED, "analysis_team": PLANTED, "individual_involvement": PLANTED},
    )
    await svc.step(
        did, "decision", "socialchef", {"degree": "allvarligt_missforhallande", "motivation": PLANTED}
    )
    action = (
        await svc.call(
            "POST",
            f"/api/v1/deviations/{did}/actions",
            "enhetschef_a",
            201,
            json={"description": PLANTED, "goal": PLANTED, "horizon": "kort"},
        )
    ).json()
    base = f"/api/v1/deviations/{did}/actions/{action['id']}"
    await svc.call("POST", f"{base}/reject", "enhetschef_a", 200, json={"reason": PLANTED})
    ivo = f"/api/v1/deviations/{did}/ivo-notification"
    await svc.call("POST", f"{ivo}/sent", "socialchef", 200, json={"sent_at": AT, "ivo_case_number": PLANTED})
    await svc.call("POST", f"{ivo}/investigation-sent", "socialchef", 200, json={"sent_at": AT})
    await svc.call("POST", f"{ivo}/namnd-informed", "socialchef", 200, json={"informed_at": AT})
    await svc.call("GET", ivo, "socialchef", 200, params={"format": "html"})
    files = {"file": (f"{NAME}.txt", PLANTED.encode(), "text/plain")}
    await svc.call("POST", f"/api/v1/deviations/{did}/attachments", "enhetschef_a", 201, files=files)
    await svc.step(did, "close", "enhetschef_a")

    other = await svc.received(type="avvikelse", description=PLANTED)
    await svc.step(other["id"], "reclassify", "enhetschef_a", {"type": "lex_sarah", "motivation": PLANTED})
    voided = await svc.report(description=PLANTED)
    await svc.step(voided["id"], "void", "sas", {"reason": PLANTED})

    c = (
        await svc.call(
            "POST",
            "/api/v1/complaints",
            "medarbetare_a",
            201,
            json={
                "kind": "klagomal",
                "channel": "brev",
                "complainant_type": "brukare",
                "unit_id": svc.unit("enhet_a"),
                "text": PLANTED,
                "subject": SUBJECT,
            },
        )
    ).json()
    cbase = f"/api/v1/complaints/{c['id']}"
    await svc.call("PATCH", cbase, "enhetschef_a", 200, json={"text": PLANTED})
    await svc.call("POST", f"{cbase}/acknowledge", "enhetschef_a", 200)
    await svc.call(
        "POST", f"{cbase}/escalate", "enhetschef_a", 200, json={"type": "lex_sarah", "description": PLANTED}
    )
    await svc.call("POST", f"{cbase}/respond", "enhetschef_a", 200, json={"response": PLANTED})

    b = (
        await svc.call(
            "POST",
            "/api/v1/data-breaches",
            "medarbetare_a",
            201,
            json={
                "unit_id": svc.unit("enhet_a"),
                "discovered_at": "2026-03-04T08:00:00+01:00",
                "description": PLANTED,
                "cause": PLANTED,
                "likely_consequences": PLANTED,
                "measures": PLANTED,
            },
        )
    ).json()
    bbase = f"/api/v1/data-breaches/{b['id']}"
    await svc.call(
        "POST", f"{bbase}/assess", "enhetschef_a", 200, json={"risk": "hog_risk", "motivation": PLANTED}
    )
    await svc.call("PATCH", bbase, "enhetschef_a", 200, json={"subjects_not_informed_reason": PLANTED})
    await svc.call("POST", f"{bbase}/report-to-imy", "enhetschef_a", 200, json={"imy_ref": PLANTED})
    proposals = "/api/v1/improvement-proposals"
    proposal = {"unit_id": svc.unit("enhet_a"), "title": PLANTED, "text": PLANTED}
    fid = (await svc.call("POST", proposals, "medarbetare_a", 201, json=proposal)).json()["id"]
    accept = {
        "decision": "accept",
        "motivation": PLANTED,
        "outcome": "action",
        "action": {
            "description": PLANTED,
            "responsible_id": svc.person("medarbetare_a"),
            "due_date": "2026-04-01",
        },
    }
    accepted = (await svc.call("POST", f"{proposals}/{fid}/assess", "enhetschef_a", 200, json=accept)).json()
    fbase = f"{proposals}/{fid}/actions/{accepted['action']['id']}"
    await svc.call("POST", f"{fbase}/complete", "medarbetare_a", 200, json={})
    await svc.call(
        "POST", f"{fbase}/follow-up", "enhetschef_a", 200, json={"effect": PLANTED, "effective": True}
    )
    revised = (
        await svc.call("POST", proposals, "medarbetare_a", 201, json=proposal | {"anonymous": True})
    ).json()
    revision = {"decision": "accept", "outcome": "rutin_revision", "revision": PLANTED}
    await svc.call("POST", f"{proposals}/{revised['id']}/assess", "enhetschef_a", 200, json=revision)
    legacy = {"kind": "forbattringsforslag", "channel": "brev", "complainant_type": "personal"}
    legacy |= {"unit_id": svc.unit("enhet_a"), "text": PLANTED, "subject": SUBJECT}
    await svc.call("POST", "/api/v1/complaints", "medarbetare_a", 201, json=legacy)
    # and errors: bad input carrying the data must not echo it
    bad = [
        await svc.call("POST", "/api/v1/deviations", "medarbetare_a", json={"type": PLANTED, "unit_id": PNR}),
        await svc.call(
            "POST", "/api/v1/deviations", "medarbetare_a", json={**_report(svc), "category": PLANTED}
        ),
        await svc.call(
            "POST",
            "/api/v1/deviations",
            "medarbetare_a",
            json={**_report(svc), "subjects": [{"personnummer": PNR + "9"}]},
        ),
        await svc.call(
            "POST",
            f"/api/v1/deviations/{did}/decision",
            "socialchef",
            json={"degree": PLANTED, "motivation": "x"},
        ),
    ]
    assert all(r.status_code in (409, 422) for r in bad)
    return {"errors": " ".join(r.text for r in bad), "deviation": did}


def _report(svc: Any) -> dict[str, Any]:
    return {
        "type": "avvikelse",
        "unit_id": svc.unit("enhet_a"),
        "occurred_at": "2026-03-02T08:00:00+01:00",
        "description": "x",
    }


async def test_personal_data_never_reaches_an_event_a_log_line_or_an_error(
    svc: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    found = await _walk_every_input(svc)
    events = orjson.dumps(await svc.outbox()).decode()
    assert len(await svc.outbox()) > 60
    for secret in SECRETS:
        assert secret not in events, f"{secret} in an event"
        assert secret not in caplog.text, f"{secret} in the log"
        assert secret not in found["errors"], f"{secret} in an error message"


async def test_the_brukares_name_and_personnummer_are_stored_encrypted(svc: Any) -> None:
    await svc.report(subjects=[SUBJECT])
    async with svc.runtime.session_factory() as session:
        ref = (await session.scalars(select(SubjectRef))).one()
        raw = " ".join(str(v) for v in (await session.execute(text("SELECT * FROM subject_ref"))).one())
    assert PNR not in raw and NAME not in raw and PNR_DIGITS not in raw
    cipher = svc.runtime.components.cipher
    assert cipher.decrypt(ref.personnummer_enc) == PNR and cipher.decrypt(ref.name_enc) == NAME
    assert ref.personnummer_index == cipher.blind_index(PNR_DIGITS)


async def test_every_read_and_change_of_a_case_is_audited_in_the_same_transaction(svc: Any) -> None:
    d = await svc.report(subjects=[SUBJECT])
    await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a", 200)
    await svc.step(d["id"], "receive", "enhetschef_a", {"no_immediate_measures_needed": True})
    await svc.call("GET", f"/api/v1/deviations/{d['id']}", "socialchef", 200)
    r = await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_c")
    assert r.status_code == 404  # not shown, so not audited as a read
    async with svc.runtime.session_factory() as session:
        rows = (
            await session.execute(
                select(audit_log.c.action, audit_log.c.actor_id).order_by(audit_log.c.at, audit_log.c.id)
            )
        ).all()
    assert [(a, str(p)) for a, p in rows] == [
        ("create", svc.person("medarbetare_a")),
        ("read", svc.person("enhetschef_a")),
        ("receive", svc.person("enhetschef_a")),
        ("read", svc.person("socialchef")),
    ]
    audited = [e for e in await svc.outbox() if e["type"] == "AuditRecorded"]
    assert len(audited) == 4 and all(e["data"]["object_id"] == d["id"] for e in audited)


async def test_subject_refs_are_shown_only_to_those_who_may_read_the_case(svc: Any) -> None:
    d = await svc.report(subjects=[SUBJECT])
    assert (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "enhetschef_a")).json()["subjects"][0][
        "name"
    ] == NAME
    assert (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "medarbetare_a")).json()[
        "subjects"
    ] is None
    assert (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "mas")).status_code == 404
    assert (await svc.call("GET", f"/api/v1/deviations/{d['id']}", "namnd")).status_code == 404
    # the reporter's own answer to her report shows no subject data either
    assert d["subjects"] is None
