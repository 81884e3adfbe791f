"""Who is responsible for a duty at a unit, now or at a date: the nearest holder walking up the tree
as it stood then, an acting holder before the ordinary one, a delegate before the owner."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from platform_shared.contracts.org import DelegationGranted, OrgUnitMoved, RoleAssigned, RoleEnded
from platform_shared.ids import new_id
from platform_shared.orgreplica.responsibility import DUTIES, Duty, Regime, lex_regimes, responsible
from platform_shared.permissions import DELEGABLE, delegation_owners
from platform_shared.testing import EPOCH, OrgFixture

from .conftest import Replica, tree


def _people(found: object) -> list[uuid.UUID]:
    return [p.person_id for p in found.people]  # type: ignore[attr-defined]


def test_lex_sarah_applies_under_sol_lss_lvu_and_lvm_and_lex_maria_under_hsl() -> None:
    assert lex_regimes(["SoL"]) == {Regime.LEX_SARAH}
    assert lex_regimes(["LSS"]) == lex_regimes(["LVU"]) == lex_regimes(["LVM"]) == {Regime.LEX_SARAH}
    assert lex_regimes(["HSL"]) == {Regime.LEX_MARIA}
    assert lex_regimes(["SoL", "HSL"]) == {Regime.LEX_SARAH, Regime.LEX_MARIA}
    assert lex_regimes([]) == frozenset()


def test_every_delegable_duty_names_a_decision_its_roles_own() -> None:
    for definition in DUTIES.values():
        if definition.decision_type is not None:
            assert definition.decision_type in DELEGABLE
            assert set(definition.roles) <= delegation_owners(definition.decision_type)


async def test_the_responsible_person_is_the_nearest_holder_walking_up_the_tree(replica: Replica) -> None:
    org = tree(replica)
    mas = org.person("mas", ("mas", "forvaltning"))
    chef_a = org.person("chef_a", ("enhetschef", "enhet_a"))
    await replica.apply(*org.events)
    found = await responsible(replica.directory, Duty.INVESTIGATE_LEX_MARIA, org.units["enhet_a"])
    assert found.applies and _people(found) == [mas]
    assert found.people[0].unit_id == org.units["forvaltning"]
    assert _people(await responsible(replica.directory, "handle_deviations", org.units["enhet_a"])) == [
        chef_a
    ]
    assert _people(await responsible(replica.directory, Duty.HANDLE_DEVIATIONS, org.units["enhet_b"])) == []


async def test_the_responsible_person_at_a_date_follows_the_roles_and_the_tree_of_that_date(
    replica: Replica,
) -> None:
    org = tree(replica)
    before = org.person("before")
    after = org.person("after")
    omsorg_vc = org.person("omsorg_vc", ("verksamhetschef", "omsorg"))
    lss_vc = org.person("lss_vc", ("verksamhetschef", "lss"))
    first = new_id()
    handover = datetime(2025, 7, 1, tzinfo=UTC)
    moved = datetime(2025, 1, 1, tzinfo=UTC)
    await replica.apply(
        *org.events,
        RoleAssigned(
            assignment_id=first,
            person_id=before,
            role="enhetschef",
            unit_id=org.units["enhet_a"],
            valid_from=EPOCH,
        ),
        RoleEnded(assignment_id=first, person_id=before, ended_at=handover),
        RoleAssigned(
            assignment_id=new_id(),
            person_id=after,
            role="enhetschef",
            unit_id=org.units["enhet_a"],
            valid_from=handover,
        ),
        OrgUnitMoved(
            unit_id=org.units["enhet_b"],
            old_parent_id=org.units["omsorg"],
            new_parent_id=org.units["lss"],
            moved_at=moved,
        ),
    )
    directory = replica.directory
    duty = Duty.HANDLE_DEVIATIONS
    assert _people(
        await responsible(directory, duty, org.units["enhet_a"], handover - timedelta(days=30))
    ) == [before]
    assert _people(await responsible(directory, duty, org.units["enhet_a"], handover)) == [after]
    assert _people(await responsible(directory, duty, org.units["enhet_a"])) == [after]
    # enhet_b has no enhetschef: its verksamhetschef answers, as the tree stood at the date
    last_year = await responsible(directory, duty, org.units["enhet_b"], moved - timedelta(days=1))
    assert _people(last_year) == [omsorg_vc]
    assert _people(await responsible(directory, duty, org.units["enhet_b"])) == [lss_vc]


async def test_an_acting_holder_stands_in_for_the_ordinary_one(replica: Replica) -> None:
    org = tree(replica)
    org.person("ordinary", ("enhetschef", "enhet_a"))
    acting = org.person("acting")
    await replica.apply(
        *org.events,
        RoleAssigned(
            assignment_id=new_id(),
            person_id=acting,
            role="enhetschef",
            unit_id=org.units["enhet_a"],
            valid_from=EPOCH,
            acting=True,
        ),
    )
    found = await responsible(replica.directory, Duty.HANDLE_DEVIATIONS, org.units["enhet_a"])
    assert _people(found) == [acting]
    assert found.people[0].acting


def _delegation(org: OrgFixture, unit: str, valid_from: datetime = EPOCH, **to: object) -> DelegationGranted:
    return DelegationGranted(
        delegation_id=new_id(),
        decision_type="ivo_anmalan_lex_sarah",
        from_role="socialchef",
        unit_id=org.units[unit],
        valid_from=valid_from,
        **to,  # type: ignore[arg-type]
    )


async def test_a_delegated_decision_goes_to_the_delegate_and_the_owner_is_kept(replica: Replica) -> None:
    org = tree(replica)
    socialchef = org.person("socialchef", ("socialchef", "forvaltning"))
    delegate = org.person("avd", ("avdelningschef", "omsorg"))
    since = datetime(2025, 1, 1, tzinfo=UTC)
    granted = _delegation(org, "omsorg", since, to_person_id=delegate)
    await replica.apply(*org.events, granted)
    directory = replica.directory
    duty = Duty.DECIDE_IVO_LEX_SARAH

    found = await responsible(directory, duty, org.units["enhet_a"])
    assert found.delegated
    assert _people(found) == [delegate]
    assert found.people[0].delegation_id == granted.delegation_id
    assert [p.person_id for p in found.owners] == [socialchef]

    elsewhere = await responsible(directory, duty, org.units["enhet_c"])
    assert not elsewhere.delegated and _people(elsewhere) == [socialchef]
    before = await responsible(directory, duty, org.units["enhet_a"], since - timedelta(days=1))
    assert not before.delegated and _people(before) == [socialchef]


async def test_a_decision_delegated_to_a_role_goes_to_the_nearest_holder_within_the_delegation(
    replica: Replica,
) -> None:
    org = tree(replica)
    org.person("socialchef", ("socialchef", "forvaltning"))
    omsorg_avd = org.person("omsorg_avd", ("avdelningschef", "omsorg"))
    await replica.apply(*org.events, _delegation(org, "forvaltning", to_role="avdelningschef"))
    found = await responsible(replica.directory, Duty.DECIDE_IVO_LEX_SARAH, org.units["enhet_a"])
    assert _people(found) == [omsorg_avd] and found.people[0].role == "avdelningschef"
    # lss has no avdelningschef: the delegation has nobody there, the owner decides
    found = await responsible(replica.directory, Duty.DECIDE_IVO_LEX_SARAH, org.units["enhet_c"])
    assert not found.delegated and [p.role for p in found.people] == ["socialchef"]


async def test_a_duty_under_a_law_the_unit_lacks_does_not_apply(replica: Replica) -> None:
    org = tree(replica)
    org.person("mas", ("mas", "forvaltning"))
    await replica.apply(*org.events)
    found = await responsible(replica.directory, Duty.INVESTIGATE_LEX_MARIA, org.units["enhet_c"])
    assert not found.applies and found.people == ()


async def test_an_unknown_duty_is_refused(replica: Replica) -> None:
    org = tree(replica)
    await replica.apply(*org.events)
    with pytest.raises(ValueError):
        await responsible(replica.directory, "make_coffee", org.units["enhet_a"])
