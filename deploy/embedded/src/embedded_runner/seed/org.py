"""The demo organisation: units, people and their roles, with some history — a unit moved last year,
an ended role, an acting (tf.) enhetschef, a hemtjänst run by a private provider (LOV), the
socialchef's Lex Sarah IVO decision delegated to an avdelningschef, and the Lifecare integration —
all made through the public API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from embedded_runner.seed.client import DemoClient

SINCE = "2024-01-01T00:00:00+01:00"  # when the demo organisation's units and first roles begin

# The demo provider's facts an IVO anmälan needs before it is marked sent (deviation-svc's tenant
# settings, DEVIATION_PROVIDER_*): the demo runs with them unless the environment names others.
DEMO_PROVIDER = {
    "provider_name": "Socialnämnden i Exempelstads kommun",
    "provider_org_nr": "212000-0000",
    "provider_address": "Socialförvaltningen, Storgatan 1, 123 45 Exempelstad",
    "provider_contact": "Socialförvaltningens registrator, 010-000 00 00",
}

# code, name, level, parent code (None: the root nämnd), laws
UNITS: list[tuple[str, str, str, str | None, list[str]]] = [
    ("FORV", "Socialförvaltningen", "forvaltning", None, ["SoL", "LSS", "HSL"]),
    ("VO-AO", "Vård och omsorg", "verksamhetsomrade", "FORV", ["SoL", "HSL"]),
    ("VO-FS", "Funktionsstöd", "verksamhetsomrade", "FORV", ["LSS", "SoL"]),
    ("E-SOL", "Solgårdens äldreboende", "enhet", "VO-AO", ["SoL", "HSL"]),
    ("E-HTN", "Hemtjänst Norr", "enhet", "VO-AO", ["SoL", "HSL"]),
    ("E-BJO", "Gruppbostad Björken", "enhet", "VO-FS", ["LSS"]),
    ("E-DV", "Daglig verksamhet Ekan", "enhet", "VO-AO", ["LSS"]),
    ("E-HTS", "Hemtjänst Söder – Omsorgsbolaget AB", "enhet", "VO-AO", ["SoL", "HSL"]),
]
# Units run by a private provider (regi privat): Hemtjänst Söder is run by a company the brukare chose
# in the kommun's valfrihetssystem (LOV) since the demo organisation began. No enhetschef of the kommun:
# the provider has its own; the nämnd follows it up (the internkontrollplan's avtalsuppföljning and
# MAS-tillsyn, seed/risk.py). The organisationsnummer is made up (its check digit valid).
PROVIDERS: dict[str, dict[str, str]] = {
    "E-HTS": {
        "procurement_form": "lov",
        "provider_name": "Omsorgsbolaget AB",
        "organisationsnummer": "559900-2408",
        "contract_reference": "SN 2023/214",
        "contract_from": "2024-01-01",
        "contract_to": "2027-12-31",
    }
}
# Daglig verksamhet moved from Vård och omsorg to Funktionsstöd: last year's figures stay with VO-AO.
MOVES: list[tuple[str, str, str]] = [("E-DV", "VO-FS", "2025-01-01T00:00:00+01:00")]


@dataclass(frozen=True)
class DemoRole:
    role: str
    unit: str  # unit code; "ROOT" = the nämnd
    since: str | None = SINCE  # None: from now
    ended: str | None = None  # ended through the API (POST /role-assignments/{id}/end)
    acting: bool = False  # tf.


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    roles: tuple[DemoRole, ...]

    @property
    def subject(self) -> str:
        return f"demo:{self.key}"

    @property
    def email(self) -> str:
        return f"{self.key}@kommun.example.se"


def _one(role: str, unit: str, **extra: Any) -> tuple[DemoRole, ...]:
    return (DemoRole(role, unit, **extra),)


PEOPLE: list[DemoPerson] = [
    DemoPerson("eva.lind", "Eva Lind", _one("socialchef", "FORV")),
    DemoPerson("maria.berg", "Maria Berg", _one("mas", "FORV")),
    DemoPerson("per.nord", "Per Nord", _one("sas", "FORV")),
    DemoPerson("nils.holm", "Nils Holm", _one("namnd_ledamot", "ROOT")),
    DemoPerson("anna.falk", "Anna Falk", _one("avdelningschef", "VO-AO")),
    DemoPerson("erik.sand", "Erik Sand", _one("enhetschef", "E-SOL", since="2025-09-01T00:00:00+02:00")),
    DemoPerson(
        "lena.dahl",
        "Lena Dahl",
        (
            DemoRole("enhetschef", "E-SOL", ended="2025-09-01T00:00:00+02:00"),  # the ended role
            DemoRole("enhetschef", "E-HTN", since="2025-09-01T00:00:00+02:00"),
        ),
    ),
    DemoPerson("omar.said", "Omar Said", _one("enhetschef", "E-BJO")),
    DemoPerson("mia.strand", "Mia Strand", _one("medarbetare", "E-SOL")),
    DemoPerson("ali.hassan", "Ali Hassan", _one("medarbetare", "E-BJO")),
    DemoPerson("karin.ek", "Karin Ek", _one("kvalitetsledare", "FORV")),
]
# Made last, after the delegation and the client: once a replica has this role, it has all the rest.
ACTING = DemoPerson("sara.nyberg", "Sara Nyberg", _one("enhetschef", "E-BJO", since=None, acting=True))

# The socialchef's Lex Sarah IVO decision, delegated to the avdelningschef for Vård och omsorg.
DELEGATION = {
    "decision_type": "ivo_anmalan_lex_sarah",
    "from_role": "socialchef",
    "unit": "VO-AO",
    "to": "anna.falk",
    "reference": "Delegationsordning 2.4",
}
# The Lifecare integration may report deviations (case.create) for Vård och omsorg.
CLIENT = {"name": "Lifecare", "subject": "demo:lifecare", "unit": "VO-AO", "operations": ["case.create"]}


def expected_role_count() -> int:
    """Role assignments every replica must hold before the rest of the demo is made (ended ones too:
    an ended assignment stays in the replica with its end)."""
    return 1 + sum(len(p.roles) for p in [*PEOPLE, ACTING])


async def _find_person(demo: DemoClient, subject: str) -> Any:
    people = await demo.all("/api/v1/org/people", demo.admin)
    return next((p for p in people if p["subject"] == subject), None)


async def _find_assignment(demo: DemoClient, person_id: str, role: str, unit_id: str) -> Any:
    found = await demo.all("/api/v1/org/role-assignments", demo.admin, person_id=person_id)
    return next((a for a in found if a["role"] == role and a["unit_id"] == unit_id), None)


async def _person(demo: DemoClient, person: DemoPerson, units: dict[str, dict[str, Any]]) -> str:
    created = await demo.call(
        "POST",
        "/api/v1/org/people",
        demo.admin,
        json={"name": person.name, "email": person.email, "subject": person.subject},
        find=lambda: _find_person(demo, person.subject),
    )
    for role in person.roles:
        body: dict[str, Any] = {
            "person_id": created["id"],
            "role": role.role,
            "unit_id": units[role.unit]["id"],
            "acting": role.acting,
        }
        if role.since:
            body["valid_from"] = role.since
        assignment = await demo.call(
            "POST",
            "/api/v1/org/role-assignments",
            demo.admin,
            json=body,
            find=lambda body=body: _find_assignment(demo, body["person_id"], body["role"], body["unit_id"]),
        )
        if role.ended:
            await demo.call(
                "POST",
                f"/api/v1/org/role-assignments/{assignment['id']}/end",
                demo.admin,
                json={"ended_at": role.ended},
            )
    return str(created["id"])


async def _find_unit(demo: DemoClient, code: str) -> Any:
    return (await demo.units_by_code()).get(code)


async def _find_delegation(demo: DemoClient, person_id: str) -> Any:
    found = await demo.all("/api/v1/org/delegations", demo.admin)
    return next((d for d in found if d.get("to_person_id") == person_id), None)


async def _find_client(demo: DemoClient, subject: str) -> Any:
    found = await demo.all("/api/v1/org/clients", demo.admin)
    return next((c for c in found if c["subject"] == subject), None)


async def seed(demo: DemoClient) -> None:
    units = await demo.units_by_code()
    for code, name, level, parent, laws in UNITS:
        units[code] = await demo.call(
            "POST",
            "/api/v1/org/units",
            demo.admin,
            json={
                "name": name,
                "code": code,
                "level": level,
                "parent_id": units[parent or "ROOT"]["id"],
                "laws": laws,
                "valid_from": SINCE,
                **({"regi": "privat", "provider": PROVIDERS[code]} if code in PROVIDERS else {}),
            },
            find=lambda code=code: _find_unit(demo, code),
        )
    for code, parent, moved_at in MOVES:
        await demo.call(
            "POST",
            f"/api/v1/org/units/{units[code]['id']}/move",
            demo.admin,
            json={"parent_id": units[parent]["id"], "moved_at": moved_at},
        )
    people = {person.key: await _person(demo, person, units) for person in PEOPLE}
    to_person = people[DELEGATION["to"]]
    await demo.call(
        "POST",
        "/api/v1/org/delegations",
        demo.admin,
        json={
            "decision_type": DELEGATION["decision_type"],
            "from_role": DELEGATION["from_role"],
            "unit_id": units[DELEGATION["unit"]]["id"],
            "to_person_id": to_person,
            "reference": DELEGATION["reference"],
        },
        find=lambda: _find_delegation(demo, to_person),
    )
    await demo.call(
        "POST",
        "/api/v1/org/clients",
        demo.admin,
        json={
            "name": CLIENT["name"],
            "subject": CLIENT["subject"],
            "unit_ids": [units[str(CLIENT["unit"])]["id"]],
            "operations": CLIENT["operations"],
        },
        find=lambda: _find_client(demo, str(CLIENT["subject"])),
    )
    await _person(demo, ACTING, units)
