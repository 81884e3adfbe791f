"""People map token subjects to persons; roles are held for a unit and its subtree, over a period,
possibly acting (tf.); an ended assignment gives nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..conftest import Harness


async def test_registering_the_same_subject_again_returns_the_person_already_registered(svc: Harness) -> None:
    body = {"name": "Ny Person", "email": "ny@example.se", "subject": "sub-ny"}
    first = await svc.call("POST", "/people", json=body, expect=201)
    again = await svc.call("POST", "/people", json={**body, "name": "Annat"}, expect=200)
    assert again.json()["id"] == first.json()["id"] and again.json()["name"] == "Ny Person"


async def test_a_token_subject_maps_to_the_person_and_their_roles_in_force(svc: Harness) -> None:
    me = (await svc.call("GET", "/me", "enhetschef_a", expect=200)).json()
    assert me["id"] == str(svc.people["enhetschef_a"]) and not me["is_client"]
    assert me["roles"] == [{"role": "enhetschef", "unit_id": str(svc.units["enhet_a"]), "acting": False}]


async def test_an_ended_assignment_gives_nothing(svc: Harness) -> None:
    assignments = await svc.call(
        "GET", "/role-assignments", params={"person_id": str(svc.people["lss_admin"])}
    )
    assignment = assignments.json()["items"][0]
    body = {"name": "Ny", "level": "enhet", "parent_id": str(svc.units["lss"])}
    await svc.call("POST", "/units", "lss_admin", json=body, expect=201)

    ended = await svc.call("POST", f"/role-assignments/{assignment['id']}/end", json={}, expect=200)
    assert ended.json()["valid_to"] is not None
    await svc.call("POST", "/units", "lss_admin", json=body, expect=403)
    assert (await svc.call("GET", "/me", "lss_admin")).json()["roles"] == []
    await svc.call("POST", f"/role-assignments/{assignment['id']}/end", json={}, expect=409)
    listed = await svc.call("GET", "/role-assignments", params={"person_id": str(svc.people["lss_admin"])})
    assert listed.json()["items"] == []
    history = await svc.call(
        "GET", "/role-assignments", params={"person_id": str(svc.people["lss_admin"]), "include_ended": True}
    )
    assert [a["id"] for a in history.json()["items"]] == [assignment["id"]]


async def test_an_assignment_gives_its_role_only_from_its_start_to_its_end(svc: Harness) -> None:
    await svc.person("vikarie")
    now = datetime.now(UTC)
    await svc.assign("vikarie", "enhetschef", "enhet_b", valid_from=now + timedelta(days=7))
    await svc.assign(
        "vikarie",
        "enhetschef",
        "enhet_c",
        valid_from=now - timedelta(days=30),
        valid_to=now - timedelta(days=1),
    )
    assert (await svc.call("GET", "/me", "vikarie")).json()["roles"] == []
    await svc.assign("vikarie", "enhetschef", "enhet_a", acting=True)
    roles = (await svc.call("GET", "/me", "vikarie")).json()["roles"]
    assert roles == [{"role": "enhetschef", "unit_id": str(svc.units["enhet_a"]), "acting": True}]


async def test_the_same_role_for_the_same_unit_cannot_overlap(svc: Harness) -> None:
    body = {
        "person_id": str(svc.people["enhetschef_a"]),
        "role": "enhetschef",
        "unit_id": str(svc.units["enhet_a"]),
    }
    await svc.call("POST", "/role-assignments", json=body, expect=409)
    await svc.call("POST", "/role-assignments", json={**body, "valid_to": "2020-01-01T00:00:00Z"}, expect=422)


async def test_deactivating_a_person_ends_their_roles_and_their_tokens_stop_working(svc: Harness) -> None:
    person = svc.people["enhetschef_a"]
    await svc.call("POST", f"/people/{person}/deactivate", expect=200)
    await svc.call("GET", "/me", "enhetschef_a", expect=401)
    assignments = await svc.call("GET", "/role-assignments", params={"person_id": str(person)})
    assert assignments.json()["items"] == []
    await svc.call("POST", f"/people/{person}/deactivate", expect=409)
    reactivated = await svc.call("POST", f"/people/{person}/reactivate", expect=200)
    assert reactivated.json()["active"]
    assert (await svc.call("GET", "/me", "enhetschef_a", expect=200)).json()["roles"] == []


async def test_the_last_systemadministrator_of_the_organisation_cannot_be_removed(bare: Harness) -> None:
    admin = (await bare.call("GET", "/people", params={"subject": "admin"}, expect=200)).json()["items"][0]
    assignment = (await bare.call("GET", "/role-assignments", params={"person_id": admin["id"]})).json()[
        "items"
    ][0]
    await bare.call("POST", f"/role-assignments/{assignment['id']}/end", json={}, expect=409)
    await bare.call("POST", f"/people/{admin['id']}/deactivate", expect=409)
    await bare.person("second", ("systemadministrator", "namnd"))
    await bare.call("POST", f"/role-assignments/{assignment['id']}/end", json={}, expect=200)


async def test_a_person_correction_is_published_and_keeps_the_version_honest(svc: Harness) -> None:
    person = svc.people["medarbetare_a"]
    read = await svc.call("GET", f"/people/{person}", expect=200)
    changed = await svc.call(
        "PATCH",
        f"/people/{person}",
        json={"email": "mia@kommun.se"},
        headers={"If-Match": read.headers["etag"]},
        expect=200,
    )
    assert (
        changed.json()["email"] == "mia@kommun.se" and changed.json()["version"] == read.json()["version"] + 1
    )
    await svc.call(
        "PATCH",
        f"/people/{person}",
        json={"name": "x"},
        headers={"If-Match": read.headers["etag"]},
        expect=412,
    )


async def test_only_a_systemadministrator_manages_people(svc: Harness) -> None:
    body = {"name": "X", "email": "x@example.se", "subject": "sub-x"}
    await svc.call("POST", "/people", "socialchef", json=body, expect=403)
    await svc.call("GET", "/people", "socialchef", expect=403)
    await svc.call("GET", f"/people/{svc.people['mas']}", "socialchef", expect=404)
    await svc.call("GET", f"/people/{svc.people['socialchef']}", "socialchef", expect=200)
    role = {"person_id": str(svc.people["mas"]), "role": "sas", "unit_id": str(svc.units["omsorg"])}
    await svc.call("POST", "/role-assignments", "socialchef", json=role, expect=403)
    await svc.call("POST", "/role-assignments", "lss_admin", json=role, expect=403)
    await svc.call(
        "POST", "/role-assignments", "lss_admin", json={**role, "unit_id": str(svc.units["lss"])}, expect=201
    )
