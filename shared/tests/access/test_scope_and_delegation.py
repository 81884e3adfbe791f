"""Scope is the unit of a role and its subtree; an assignment gives nothing outside its period; a
delegated decision can be taken by its delegate where the delegation (and a delegate role) reaches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from platform_shared.access import Target
from platform_shared.contracts.org import (
    DelegationGranted,
    DelegationRevoked,
    OrgUnitClosed,
    OrgUnitCreated,
    OrgUnitMoved,
    PersonDeactivated,
    RoleAssigned,
    RoleEnded,
    SystemClientRegistered,
    SystemClientRevoked,
)
from platform_shared.ids import new_id
from platform_shared.permissions import Action
from platform_shared.testing import EPOCH, OrgFixture
from platform_shared.timeutil import utc_now

from .conftest import Replica, tree


async def test_a_role_reaches_its_unit_and_its_subtree_but_not_beside_or_above(replica: Replica) -> None:
    org = tree(replica)
    org.person("chef", ("verksamhetschef", "omsorg"))
    await replica.apply(*org.events)
    chef = await replica.principal("sub-chef")
    can = replica.authorizer.can
    for inside in ("omsorg", "enhet_a", "enhet_b"):
        assert await can(chef, Action.CASE_READ, Target(org.units[inside], "avvikelse")), inside
    for outside in ("forvaltning", "namnd", "lss", "enhet_c"):
        assert not await can(chef, Action.CASE_READ, Target(org.units[outside], "avvikelse")), outside
    seen = await replica.authorizer.visibility(chef, Action.CASE_READ)
    assert set().union(*seen.units.values()) == {org.units[k] for k in ("omsorg", "enhet_a", "enhet_b")}


async def test_a_unit_moved_to_another_subtree_leaves_the_old_scope_and_keeps_its_history(
    replica: Replica,
) -> None:
    org = tree(replica)
    org.person("omsorg_chef", ("verksamhetschef", "omsorg"))
    org.person("lss_chef", ("verksamhetschef", "lss"))
    moved_at = datetime(2025, 1, 1, tzinfo=UTC)
    await replica.apply(
        *org.events,
        OrgUnitMoved(
            unit_id=org.units["enhet_b"],
            old_parent_id=org.units["omsorg"],
            new_parent_id=org.units["lss"],
            moved_at=moved_at,
        ),
    )
    target = Target(org.units["enhet_b"], "avvikelse")
    assert not await replica.authorizer.can(
        await replica.principal("sub-omsorg_chef"), Action.CASE_READ, target
    )
    assert await replica.authorizer.can(await replica.principal("sub-lss_chef"), Action.CASE_READ, target)
    directory = replica.directory
    assert org.units["enhet_b"] in await directory.subtree(org.units["omsorg"], moved_at - timedelta(days=1))
    assert org.units["enhet_b"] not in await directory.subtree(org.units["omsorg"])
    last_year = await directory.ancestors_and_self(org.units["enhet_b"], moved_at - timedelta(days=1))
    assert last_year[:3] == [org.units["enhet_b"], org.units["omsorg"], org.units["forvaltning"]]


async def test_the_tree_at_a_date_reaches_a_root_whose_own_record_begins_later(replica: Replica) -> None:
    """A root nämnd bootstrapped today, with units (and their history) dated years back."""
    org = tree(replica)
    root_created = org.events[0]
    assert isinstance(root_created, OrgUnitCreated)
    org.events[0] = root_created.model_copy(update={"valid_from": utc_now()})
    await replica.apply(*org.events)
    last_year = utc_now() - timedelta(days=365)
    assert await replica.directory.ancestors_and_self(org.units["enhet_a"], last_year) == [
        org.units[k] for k in ("enhet_a", "omsorg", "forvaltning", "namnd")
    ]
    everything = set(org.units.values())
    assert set(await replica.directory.subtree(org.units["namnd"], last_year)) == everything
    assert await replica.directory.subtree(org.units["namnd"], EPOCH - timedelta(days=1)) == [
        org.units["namnd"]
    ]


async def test_an_assignment_that_has_ended_gives_nothing(replica: Replica) -> None:
    org = tree(replica)
    person = org.person("former", ("enhetschef", "enhet_a"))
    assignment = next(e for e in org.events if isinstance(e, RoleAssigned) and e.person_id == person)
    await replica.apply(
        *org.events,
        RoleEnded(
            assignment_id=assignment.assignment_id, person_id=person, ended_at=utc_now() - timedelta(hours=1)
        ),
    )
    former = await replica.principal("sub-former")
    assert former.roles == ()
    assert not former.may(Action.ORG_READ)
    assert not await replica.authorizer.can(
        former, Action.CASE_READ, Target(org.units["enhet_a"], "avvikelse")
    )
    assert (await replica.authorizer.visibility(former, Action.CASE_READ)).nothing


async def test_an_assignment_gives_its_role_only_within_its_period(replica: Replica) -> None:
    org = tree(replica)
    person = org.person("temp")
    start, end = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 9, 1, tzinfo=UTC)
    await replica.apply(
        *org.events,
        RoleAssigned(
            assignment_id=new_id(),
            person_id=person,
            role="enhetschef",
            unit_id=org.units["enhet_a"],
            valid_from=start,
            valid_to=end,
            acting=True,
        ),
    )
    target = Target(org.units["enhet_a"], "avvikelse")
    for at, expected in (
        (start - timedelta(seconds=1), False),
        (start, True),
        (end - timedelta(seconds=1), True),
        (end, False),
    ):
        principal = await replica.principal("sub-temp", at)
        assert await replica.authorizer.can(principal, Action.CASE_RECEIVE, target) is expected, at
    assert (await replica.principal("sub-temp", start)).roles[0].acting


async def test_a_deactivated_person_is_nobody(replica: Replica) -> None:
    org = tree(replica)
    person = org.person("gone", ("enhetschef", "enhet_a"))
    await replica.apply(*org.events, PersonDeactivated(person_id=person, deactivated_at=utc_now()))
    assert await _principal_or_none(replica, "sub-gone") is None


async def _principal_or_none(replica: Replica, subject: str) -> object:
    from platform_shared.access import principal_for

    return await principal_for(replica.directory, subject, utc_now())


def _delegation(org: OrgFixture, unit: str, **to: object) -> DelegationGranted:
    return DelegationGranted(
        delegation_id=new_id(),
        decision_type="ivo_anmalan_lex_sarah",
        from_role="socialchef",
        unit_id=org.units[unit],
        valid_from=EPOCH,
        **to,  # type: ignore[arg-type]
    )


async def test_a_decision_delegated_to_a_person_can_be_taken_by_them_where_it_applies(
    replica: Replica,
) -> None:
    org = tree(replica)
    delegate = org.person("avdelningschef", ("avdelningschef", "omsorg"))
    granted = _delegation(org, "omsorg", to_person_id=delegate)
    await replica.apply(*org.events, granted)
    principal = await replica.principal("sub-avdelningschef")
    can = replica.authorizer.can
    assert await can(principal, Action.IVO_DECISION_LEX_SARAH, Target(org.units["enhet_a"], "lex_sarah"))
    assert not await can(principal, Action.IVO_DECISION_LEX_SARAH, Target(org.units["enhet_c"], "lex_sarah"))
    assert not await can(principal, Action.IVO_DECISION_LEX_MARIA, Target(org.units["enhet_a"], "hsl"))

    await replica.apply(DelegationRevoked(delegation_id=granted.delegation_id, revoked_at=utc_now()))
    principal = await replica.principal("sub-avdelningschef")
    assert not await can(principal, Action.IVO_DECISION_LEX_SARAH, Target(org.units["enhet_a"], "lex_sarah"))


async def test_a_delegation_outside_its_period_gives_nothing(replica: Replica) -> None:
    org = tree(replica)
    delegate = org.person("x", ("avdelningschef", "omsorg"))
    expired = _delegation(org, "omsorg", to_person_id=delegate).model_copy(
        update={"valid_to": utc_now() - timedelta(days=1)}
    )
    await replica.apply(*org.events, expired)
    principal = await replica.principal("sub-x")
    assert principal.delegations == ()
    assert not await replica.authorizer.can(
        principal, Action.IVO_DECISION_LEX_SARAH, Target(org.units["enhet_a"], "lex_sarah")
    )


async def test_a_decision_delegated_to_a_role_reaches_only_where_both_the_delegation_and_the_role_do(
    replica: Replica,
) -> None:
    org = tree(replica)
    org.person("omsorg_avd", ("avdelningschef", "omsorg"))
    org.person("lss_avd", ("avdelningschef", "lss"))
    await replica.apply(*org.events, _delegation(org, "forvaltning", to_role="avdelningschef"))
    can = replica.authorizer.can
    omsorg_avd = await replica.principal("sub-omsorg_avd")
    assert await can(omsorg_avd, Action.IVO_DECISION_LEX_SARAH, Target(org.units["enhet_a"], "lex_sarah"))
    assert not await can(omsorg_avd, Action.IVO_DECISION_LEX_SARAH, Target(org.units["enhet_c"], "lex_sarah"))
    lss_avd = await replica.principal("sub-lss_avd")
    assert await can(lss_avd, Action.IVO_DECISION_LEX_SARAH, Target(org.units["enhet_c"], "lex_sarah"))


async def test_a_decision_delegated_to_a_role_on_one_enhet_reaches_only_that_enhet(replica: Replica) -> None:
    org = tree(replica)
    org.person("chef_a", ("enhetschef", "enhet_a"))
    org.person("chef_b", ("enhetschef", "enhet_b"))
    org.person("area_chef", ("enhetschef", "omsorg"))
    await replica.apply(*org.events, _delegation(org, "enhet_b", to_role="enhetschef"))
    can = replica.authorizer.can
    lex_sarah_at = {k: Target(org.units[k], "lex_sarah") for k in ("enhet_a", "enhet_b")}
    chef_b = await replica.principal("sub-chef_b")
    assert await can(chef_b, Action.IVO_DECISION_LEX_SARAH, lex_sarah_at["enhet_b"])
    chef_a = await replica.principal("sub-chef_a")
    assert not await can(chef_a, Action.IVO_DECISION_LEX_SARAH, lex_sarah_at["enhet_a"])
    area_chef = await replica.principal("sub-area_chef")  # above enhet_b: the delegation's unit bounds it
    assert await can(area_chef, Action.IVO_DECISION_LEX_SARAH, lex_sarah_at["enhet_b"])
    assert not await can(area_chef, Action.IVO_DECISION_LEX_SARAH, lex_sarah_at["enhet_a"])


async def test_a_system_client_may_call_only_its_operations_for_its_units(replica: Replica) -> None:
    org = tree(replica)
    client_id = new_id()
    await replica.apply(
        *org.events,
        SystemClientRegistered(
            client_id=client_id,
            subject="client:lifecare",
            name="Lifecare",
            unit_ids=[org.units["omsorg"]],
            operations=["case.create"],
        ),
    )
    client = await replica.principal("client:lifecare")
    can = replica.authorizer.can
    assert client.is_client
    assert await can(client, Action.CASE_CREATE, org.units["enhet_a"])
    assert not await can(client, Action.CASE_CREATE, org.units["enhet_c"])
    assert not await can(client, Action.CASE_READ, Target(org.units["enhet_a"], "avvikelse"))
    assert (await replica.authorizer.visibility(client, Action.CASE_READ)).nothing

    await replica.apply(SystemClientRevoked(client_id=client_id, revoked_at=utc_now()))
    assert await _principal_or_none(replica, "client:lifecare") is None


async def test_a_closed_unit_still_exists_for_history_but_is_no_longer_open(replica: Replica) -> None:
    org = tree(replica)
    closed_at = utc_now() - timedelta(days=1)
    await replica.apply(*org.events, OrgUnitClosed(unit_id=org.units["enhet_b"], closed_at=closed_at))
    directory = replica.directory
    assert await directory.unit_exists(org.units["enhet_b"])
    assert not await directory.unit_open(org.units["enhet_b"])
    assert await directory.unit_open(org.units["enhet_b"], closed_at - timedelta(days=1))
    assert await directory.unit_open(org.units["enhet_a"])


async def test_people_with_a_role_over_a_unit_are_found_in_the_tree_of_the_date(replica: Replica) -> None:
    org = tree(replica)
    omsorg_chef = org.person("omsorg_chef", ("verksamhetschef", "omsorg"))
    lss_chef = org.person("lss_chef", ("verksamhetschef", "lss"))
    moved_at = datetime(2025, 1, 1, tzinfo=UTC)
    await replica.apply(
        *org.events,
        OrgUnitMoved(
            unit_id=org.units["enhet_b"],
            old_parent_id=org.units["omsorg"],
            new_parent_id=org.units["lss"],
            moved_at=moved_at,
        ),
    )
    over = replica.directory.people_with_role_over
    assert await over("verksamhetschef", org.units["enhet_b"], moved_at - timedelta(days=1)) == [omsorg_chef]
    assert await over("verksamhetschef", org.units["enhet_b"]) == [lss_chef]
