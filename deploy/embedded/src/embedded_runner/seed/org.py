"""The demo organisation: units, people and their roles (issue 3 adds history to it)."""

from __future__ import annotations

from dataclasses import dataclass

from embedded_runner.seed.client import ADMIN_SUBJECT, DemoClient

# code, name, level, parent code (None: the root nämnd), laws
UNITS: list[tuple[str, str, str, str | None, list[str]]] = [
    ("FORV", "Socialförvaltningen", "forvaltning", None, ["SoL", "LSS", "HSL"]),
    ("VO-AO", "Vård och omsorg", "verksamhetsomrade", "FORV", ["SoL", "HSL"]),
    ("VO-FS", "Funktionsstöd", "verksamhetsomrade", "FORV", ["LSS", "SoL"]),
    ("E-SOL", "Solgårdens äldreboende", "enhet", "VO-AO", ["SoL", "HSL"]),
    ("E-HTN", "Hemtjänst Norr", "enhet", "VO-AO", ["SoL", "HSL"]),
    ("E-BJO", "Gruppbostad Björken", "enhet", "VO-FS", ["LSS"]),
]


@dataclass(frozen=True)
class DemoPerson:
    key: str
    name: str
    roles: tuple[tuple[str, str], ...]  # (role, unit code; "ROOT" = the nämnd)

    @property
    def subject(self) -> str:
        return f"demo:{self.key}"

    @property
    def email(self) -> str:
        return f"{self.key}@kommun.example.se"


PEOPLE: list[DemoPerson] = [
    DemoPerson("eva.lind", "Eva Lind", (("socialchef", "FORV"),)),
    DemoPerson("maria.berg", "Maria Berg", (("mas", "FORV"),)),
    DemoPerson("nils.holm", "Nils Holm", (("namnd_ledamot", "ROOT"),)),
    DemoPerson("erik.sand", "Erik Sand", (("enhetschef", "E-SOL"),)),
    DemoPerson("lena.dahl", "Lena Dahl", (("enhetschef", "E-HTN"),)),
    DemoPerson("omar.said", "Omar Said", (("enhetschef", "E-BJO"),)),
    DemoPerson("mia.strand", "Mia Strand", (("medarbetare", "E-SOL"),)),
    DemoPerson("ali.hassan", "Ali Hassan", (("medarbetare", "E-BJO"),)),
    DemoPerson("karin.ek", "Karin Ek", (("kvalitetsledare", "FORV"),)),
]


def expected_role_count() -> int:
    """Role assignments every replica must hold before the rest of the demo is made."""
    return 1 + sum(len(p.roles) for p in PEOPLE)


async def seed(demo: DemoClient) -> bool:
    """False when the organisation was already there."""
    units = await demo.units_by_code()
    if "FORV" in units:
        return False
    for code, name, level, parent, laws in UNITS:
        units[code] = await demo.call(
            "POST",
            "/api/v1/org/units",
            ADMIN_SUBJECT,
            json={
                "name": name,
                "code": code,
                "level": level,
                "parent_id": units[parent or "ROOT"]["id"],
                "laws": laws,
            },
        )
    for person in PEOPLE:
        created = await demo.call(
            "POST",
            "/api/v1/org/people",
            ADMIN_SUBJECT,
            json={"name": person.name, "email": person.email, "subject": person.subject},
        )
        for role, code in person.roles:
            await demo.call(
                "POST",
                "/api/v1/org/role-assignments",
                ADMIN_SUBJECT,
                json={"person_id": created["id"], "role": role, "unit_id": units[code]["id"]},
            )
    return True
