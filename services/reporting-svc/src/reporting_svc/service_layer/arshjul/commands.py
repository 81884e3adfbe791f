"""Årshjul commands: generate a year from the template for every unit, start an empty one, adopt it
with a recorded decision, and plan, edit, move, strike and complete its activities. Each handler
loads and checks (service_layer/arshjul/access.py), applies the domain rule, changes, emits and
commits once; deadlines follow the activities of an adopted årshjul."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts import arshjul as events
from platform_shared.contracts.common import DecisionFacts
from platform_shared.decisions import NAMND_RECORDERS, Decision, DecisionInvalid
from platform_shared.errors import Conflict, Forbidden, NotFound
from platform_shared.ids import new_id
from platform_shared.roles import Role
from platform_shared.timeutil import STOCKHOLM
from reporting_svc.adapters.orm import Arshjul, ArshjulActivity, CalendarFeedToken, replica
from reporting_svc.domain.arshjul.activities import (
    ADOPTERS,
    ActivityKind,
    ArshjulLevel,
    cascade_cancel,
    check_activity,
    check_adoption,
    check_cancel,
    check_reschedule,
)
from reporting_svc.domain.arshjul.feeds import FeedScope, new_feed_secret
from reporting_svc.domain.arshjul.template import UnitNode, generate_year
from reporting_svc.domain.model import RuleViolation
from reporting_svc.service_layer import arshjul as core
from reporting_svc.service_layer.adoption import held_roles, invalid_field, namnd_unit
from reporting_svc.service_layer.arshjul.access import activity_for, may_read, wheel_for
from reporting_svc.service_layer.context import CommandCtx, require_unit

FEED_NOT_FOUND = "Kalenderflödet finns inte"


@dataclass(frozen=True)
class Generate:
    year: int


@dataclass(frozen=True)
class Generated:
    year: int
    created: list[Arshjul]
    existing: int


@dataclass(frozen=True)
class CreateArshjul:
    year: int
    unit_id: uuid.UUID


@dataclass(frozen=True)
class AdoptArshjul:
    arshjul_id: uuid.UUID
    meeting_date: date | None = None
    paragraph: int | str | None = None
    decided_on: date | None = None
    reference: str | None = None


@dataclass(frozen=True)
class AddActivity:
    arshjul_id: uuid.UUID
    title: str
    due_on: date
    kind: ActivityKind = ActivityKind.OWN
    responsible_role: Role | None = None
    period_year: int | None = None
    tertial: int | None = None
    description: str | None = None
    reports_to_unit_id: uuid.UUID | None = None
    target_id: uuid.UUID | None = None


@dataclass(frozen=True)
class EditActivity:
    activity_id: uuid.UUID
    title: str | None = None
    description: str | None = None
    responsible_role: Role | None = None
    target_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Reschedule:
    activity_id: uuid.UUID
    due_on: date


@dataclass(frozen=True)
class Complete:
    activity_id: uuid.UUID
    fulfilled_on: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class CreateFeed:
    scope: FeedScope
    unit_id: uuid.UUID | None = None
    label: str | None = None


@dataclass(frozen=True)
class NewFeed:
    """A feed just made: the secret is in the answer this once (None when an Idempotency-Key is
    repeated: only its hash is kept)."""

    token: CalendarFeedToken
    secret: str | None


def _today(ctx: CommandCtx) -> date:
    return ctx.now().astimezone(STOCKHOLM).date()


# --- the årshjul ----------------------------------------------------------------------------------


def _new_wheel(
    ctx: CommandCtx, year: int, unit_id: uuid.UUID, level: str, parent: uuid.UUID | None
) -> Arshjul:
    now = ctx.now()
    wheel = Arshjul(
        id=new_id(),
        year=year,
        unit_id=unit_id,
        level=level,
        parent_id=parent,
        status=core.DRAFT,
        created_by=ctx.caller.id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(wheel)
    return wheel


def _created_event(wheel: Arshjul, parent: Arshjul | None, *, from_template: bool) -> events.ArshjulCreated:
    return events.ArshjulCreated(
        arshjul_id=wheel.id,
        year=wheel.year,
        unit_id=wheel.unit_id,
        level=wheel.level,
        parent_arshjul_id=parent.id if parent else None,
        from_template=from_template,
        created_at=wheel.created_at,
    )


async def _open_units(ctx: CommandCtx) -> list[UnitNode]:
    u = replica.unit.c
    now = ctx.now()
    rows = await ctx.session.execute(
        select(u.id, u.level, u.parent_id).where(
            u.valid_from <= now, (u.valid_to.is_(None)) | (u.valid_to > now)
        )
    )
    return [UnitNode(r.id, r.level, r.parent_id) for r in rows]


async def _wheels_of(ctx: CommandCtx, year: int) -> dict[uuid.UUID, Arshjul]:
    rows = await ctx.session.scalars(select(Arshjul).where(Arshjul.year == year))
    return {w.unit_id: w for w in rows}


async def generate(ctx: CommandCtx, cmd: Generate) -> Generated:
    """The default template for every unit that keeps an årshjul (domain template.generate_year);
    a unit that has one for the year keeps it (idempotent per year and unit)."""
    plans = generate_year(cmd.year, await _open_units(ctx))
    for plan in plans:
        await ctx.caller.require(Action.REPORT_WRITE, plan.unit_id)
    wheels = await _wheels_of(ctx, cmd.year)
    keyed: dict[tuple[uuid.UUID, str], uuid.UUID] = {}
    if wheels:
        rows = await ctx.session.execute(
            select(ArshjulActivity.unit_id, ArshjulActivity.template_key, ArshjulActivity.id).where(
                ArshjulActivity.arshjul_id.in_([w.id for w in wheels.values()]),
                ArshjulActivity.template_key.is_not(None),
            )
        )
        keyed = {(r.unit_id, r.template_key): r.id for r in rows}
    created: list[Arshjul] = []
    now = ctx.now()
    for plan in plans:
        if plan.unit_id in wheels:
            continue
        parent = wheels.get(plan.parent_unit_id) if plan.parent_unit_id else None
        wheel = _new_wheel(ctx, cmd.year, plan.unit_id, plan.level.value, parent.id if parent else None)
        wheels[plan.unit_id] = wheel
        created.append(wheel)
        ctx.emit(_created_event(wheel, parent, from_template=True))
        for p in plan.activities:
            row = ArshjulActivity(
                id=new_id(),
                arshjul_id=wheel.id,
                template_key=p.key,
                kind=p.kind.value,
                title=p.title,
                due_on=p.due_on,
                period_year=p.period_year,
                tertial=p.tertial,
                responsible_role=p.responsible_role.value,
                unit_id=plan.unit_id,
                reports_to_unit_id=p.reports_to_unit_id,
                inherited_from_id=keyed.get((plan.parent_unit_id, p.feeds_key))
                if plan.parent_unit_id and p.feeds_key
                else None,
                created_at=now,
                updated_at=now,
            )
            keyed[(plan.unit_id, p.key)] = row.id
            ctx.session.add(row)
            ctx.emit(core.planned_event(wheel, row, now))
        await ctx.session.flush()  # parents before the copies that name their activities
    await ctx.commit()
    return Generated(cmd.year, created, len(wheels) - len(created))


async def create(ctx: CommandCtx, cmd: CreateArshjul) -> Created[Arshjul]:
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.REPORT_WRITE, cmd.unit_id)
    return await ctx.once(Arshjul, lambda: _create(ctx, cmd))


async def _create(ctx: CommandCtx, cmd: CreateArshjul) -> Created[Arshjul]:
    unit = await ctx.caller.directory.unit(cmd.unit_id)
    levels = {level.value for level in ArshjulLevel}
    if unit is None or unit.level not in levels:
        raise RuleViolation("Enheten har inget eget årshjul: nämndens årshjul är förvaltningens", "unit_id")
    wheels = await _wheels_of(ctx, cmd.year)
    if cmd.unit_id in wheels:
        raise Conflict(f"Enheten har redan ett årshjul för {cmd.year}")
    above = (await ctx.caller.directory.ancestors_and_self(cmd.unit_id))[1:]
    parent = next((wheels[u] for u in above if u in wheels), None)
    wheel = _new_wheel(ctx, cmd.year, cmd.unit_id, unit.level, parent.id if parent else None)
    ctx.emit(_created_event(wheel, parent, from_template=False))
    await ctx.created(wheel.id)
    await ctx.commit()
    return Created(wheel, new=True)


async def _decision(ctx: CommandCtx, wheel: Arshjul, cmd: AdoptArshjul) -> Decision:
    """The nämnd's (meeting and §, recorded by an official who serves it) or the caller's role's."""
    principal, directory = ctx.caller.principal, ctx.caller.directory
    level = ArshjulLevel(wheel.level)
    try:
        if cmd.meeting_date is not None or cmd.paragraph is not None:
            recorders = sorted(held_roles(principal) & NAMND_RECORDERS)
            if not recorders:
                raise Forbidden(
                    "Nämndens beslut registreras av socialchef, förvaltningschef eller kvalitetsledare"
                )
            if cmd.meeting_date is None:
                raise invalid_field("meeting_date", "Ett nämndbeslut anges med sammanträdets datum")
            if cmd.paragraph is None:
                raise invalid_field("paragraph", "Ett nämndbeslut anges med paragraf (§) i protokollet")
            return Decision.by_namnd(
                unit_id=await namnd_unit(directory, wheel.unit_id),
                meeting_date=cmd.meeting_date,
                paragraph=cmd.paragraph,
                recorded_by=principal.person_id,
                recorder_role=recorders[0],
                reference=cmd.reference,
            )
        here = held_roles(principal, set(await directory.ancestors_and_self(wheel.unit_id)))
        roles = sorted(here & ADOPTERS[level])
        if not roles:
            who = " eller ".join(sorted(r.value for r in ADOPTERS[level]))
            raise Forbidden(f"Årshjulet fastställs av {who} för enheten")
        return Decision.by_role(
            role=roles[0],
            person_id=principal.person_id,
            unit_id=wheel.unit_id,
            decided_on=cmd.decided_on or _today(ctx),
            reference=cmd.reference,
        )
    except DecisionInvalid as err:
        raise invalid_field(err.field, err.message) from err


async def _activities_of(ctx: CommandCtx, arshjul_id: uuid.UUID) -> list[ArshjulActivity]:
    stmt = (
        select(ArshjulActivity)
        .where(ArshjulActivity.arshjul_id == arshjul_id)
        .order_by(ArshjulActivity.due_on)
    )
    return list((await ctx.session.scalars(stmt)).all())


async def adopt(ctx: CommandCtx, cmd: AdoptArshjul) -> Arshjul:
    """Fastställt once, with activities, not after its year; its open activities become deadlines."""
    wheel = await wheel_for(ctx, cmd.arshjul_id, Action.REPORT_ADOPT)
    decision = await _decision(ctx, wheel, cmd)
    try:
        decision.check_not_after(_today(ctx))
    except DecisionInvalid as err:
        raise invalid_field(err.field, err.message) from err
    rows = await _activities_of(ctx, wheel.id)
    live = [r for r in rows if r.cancelled_at is None]
    check_adoption(
        ArshjulLevel(wheel.level),
        wheel.year,
        decision,
        adopted=wheel.status == core.ADOPTED,
        activities=len(live),
    )
    wheel.status, wheel.decision, wheel.adopted_on = core.ADOPTED, decision.as_dict(), decision.decided_on
    wheel.updated_at = ctx.now()
    for row in live:
        if row.fulfilled_on is None:
            await core.open_deadline(ctx.uow, row)
    ctx.emit(
        events.ArshjulAdopted(
            arshjul_id=wheel.id,
            year=wheel.year,
            unit_id=wheel.unit_id,
            decision=DecisionFacts.of(decision),
            activity_count=len(live),
        )
    )
    await ctx.commit()
    return wheel


# --- activities -------------------------------------------------------------------------------------


async def add_activity(ctx: CommandCtx, cmd: AddActivity) -> Created[ArshjulActivity]:
    wheel = await wheel_for(ctx, cmd.arshjul_id, Action.REPORT_WRITE)
    period = cmd.period_year if cmd.period_year is not None else wheel.year
    check_activity(wheel.year, cmd.title, cmd.due_on, period, cmd.tertial)
    if cmd.reports_to_unit_id is not None:
        await require_unit(ctx, cmd.reports_to_unit_id, "reports_to_unit_id")
    return await ctx.once(ArshjulActivity, lambda: _add(ctx, wheel, cmd, period))


async def _add(ctx: CommandCtx, wheel: Arshjul, cmd: AddActivity, period: int) -> Created[ArshjulActivity]:
    now = ctx.now()
    role = cmd.responsible_role or _default_role(wheel)
    row = ArshjulActivity(
        id=new_id(),
        arshjul_id=wheel.id,
        kind=cmd.kind.value,
        title=cmd.title.strip(),
        description=cmd.description,
        due_on=cmd.due_on,
        period_year=period,
        tertial=cmd.tertial,
        responsible_role=role.value,
        unit_id=wheel.unit_id,
        reports_to_unit_id=cmd.reports_to_unit_id,
        target_id=cmd.target_id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(row)
    await ctx.session.flush()
    if wheel.status == core.ADOPTED:
        await core.open_deadline(ctx.uow, row)
    ctx.emit(core.planned_event(wheel, row, now))
    await ctx.created(row.id)
    await ctx.commit()
    return Created(row, new=True)


def _default_role(wheel: Arshjul) -> Role:
    return sorted(ADOPTERS[ArshjulLevel(wheel.level)])[0]


async def edit_activity(ctx: CommandCtx, cmd: EditActivity) -> ArshjulActivity:
    wheel, row = await activity_for(ctx, cmd.activity_id)
    if row.cancelled_at is not None:
        raise RuleViolation("En struken aktivitet ändras inte", state=True)
    title = cmd.title if cmd.title is not None else row.title
    check_activity(wheel.year, title, row.due_on, row.period_year, row.tertial)
    row.title = title.strip()
    if cmd.description is not None:
        row.description = cmd.description
    if cmd.responsible_role is not None and cmd.responsible_role.value != row.responsible_role:
        row.responsible_role = cmd.responsible_role.value
        if wheel.status == core.ADOPTED and row.fulfilled_on is None:
            await core.DEADLINES.cancel(ctx.uow, row.id, core.RULE)
            await core.open_deadline(ctx.uow, row)
    if cmd.target_id is not None:
        row.target_id = cmd.target_id
    row.updated_at = ctx.now()
    await ctx.commit()
    return row


async def reschedule(ctx: CommandCtx, cmd: Reschedule) -> ArshjulActivity:
    """Moved within its year; a copy that feeds a higher level's activity stays on or before it."""
    wheel, row = await activity_for(ctx, cmd.activity_id)
    origin = await ctx.session.get(ArshjulActivity, row.inherited_from_id) if row.inherited_from_id else None
    check_reschedule(core.activity_of(row), cmd.due_on, wheel.year, origin.due_on if origin else None)
    previous, row.due_on, row.updated_at = row.due_on, cmd.due_on, ctx.now()
    if wheel.status == core.ADOPTED:
        await core.DEADLINES.cancel(ctx.uow, row.id, core.RULE)
        await core.open_deadline(ctx.uow, row)
    ctx.emit(core.rescheduled_event(wheel, row, previous, ctx.now()))
    await ctx.commit()
    return row


async def cancel(ctx: CommandCtx, activity_id: uuid.UUID) -> ArshjulActivity:
    """Struck where it comes from, and with it every copy below (domain cascade_cancel)."""
    wheel, row = await activity_for(ctx, activity_id)
    check_cancel(core.activity_of(row))
    same_year = (
        select(ArshjulActivity)
        .join(Arshjul, Arshjul.id == ArshjulActivity.arshjul_id)
        .where(Arshjul.year == wheel.year)
    )
    rows = {r.id: r for r in (await ctx.session.scalars(same_year)).all()}
    now = ctx.now()
    wheels = {wheel.id: wheel}
    for struck_id in cascade_cancel(row.id, [core.activity_of(r) for r in rows.values()]):
        struck = rows[struck_id]
        if struck.cancelled_at is not None or struck.fulfilled_on is not None:
            continue
        struck.cancelled_at, struck.updated_at = now, now
        await core.DEADLINES.cancel(ctx.uow, struck.id)
        owner = wheels.get(struck.arshjul_id) or await ctx.session.get(Arshjul, struck.arshjul_id)
        assert owner is not None
        wheels[owner.id] = owner
        ctx.emit(core.cancelled_event(owner, struck, now))
    await ctx.commit()
    return row


async def complete(ctx: CommandCtx, cmd: Complete) -> ArshjulActivity:
    """Marked done by hand (any activity may be; `own` ones only so)."""
    wheel, row = await activity_for(ctx, cmd.activity_id)
    if row.cancelled_at is not None or row.fulfilled_on is not None:
        raise RuleViolation("Aktiviteten är redan klar eller struken", state=True)
    today = _today(ctx)
    on = cmd.fulfilled_on or today
    if on > today:
        raise RuleViolation("En aktivitet markeras klar tidigast samma dag som den gjordes", "fulfilled_on")
    await core.mark_done(
        ctx.uow,
        wheel,
        row,
        on=on,
        evidence_type=core.MANUAL,
        evidence_id=None,
        by=ctx.caller.id,
        note=cmd.note,
    )
    await ctx.commit()
    return row


# --- calendar feeds ---------------------------------------------------------------------------------


async def create_feed(ctx: CommandCtx, cmd: CreateFeed) -> Created[NewFeed]:
    """A feed URL for calendar clients: a unit's activities (a unit the caller may see) or the caller's
    own. The secret is shown once; only its SHA-256 is kept."""
    if cmd.scope is FeedScope.UNIT:
        if cmd.unit_id is None:
            raise RuleViolation("Ange enheten vars årshjul flödet ska visa", "unit_id")
        await require_unit(ctx, cmd.unit_id)
        if not await may_read(ctx, cmd.unit_id):
            raise Forbidden("Du kan inte se årshjulet för den enheten")
    elif cmd.unit_id is not None:
        raise RuleViolation("Ett personligt flöde gäller dina egna aktiviteter: ange ingen enhet", "unit_id")
    secret: str | None = None

    async def make() -> Created[CalendarFeedToken]:
        nonlocal secret
        secret, digest = new_feed_secret()
        token = CalendarFeedToken(
            id=new_id(),
            person_id=ctx.caller.id,
            scope=cmd.scope.value,
            unit_id=cmd.unit_id,
            token_hash=digest,
            label=cmd.label,
            created_at=ctx.now(),
        )
        ctx.session.add(token)
        await ctx.created(token.id)
        await ctx.commit()
        return Created(token, new=True)

    made = await ctx.once(CalendarFeedToken, make)
    return Created(NewFeed(made.value, secret), made.status, made.new)


async def revoke_feed(ctx: CommandCtx, feed_id: uuid.UUID) -> None:
    """Revoked, its URL answers 404 (kept for the record)."""
    token = await ctx.session.get(CalendarFeedToken, feed_id, with_for_update=True)
    if token is None or token.person_id != ctx.caller.id or token.revoked_at is not None:
        raise NotFound(FEED_NOT_FOUND)
    token.revoked_at = ctx.now()
    await ctx.commit()
