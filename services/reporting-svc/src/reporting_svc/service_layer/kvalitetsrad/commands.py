"""Kvalitetsråd commands: plan a meeting (its agenda from seed 004's template), edit it, write an
item's notes and decisions, decide an action, follow up a carried action, register the meeting as
held, and justera the protokoll (figures and balanslista frozen, the protokoll one level up and down
recorded as announced, the events published in the same commit). Each handler loads and checks
through kvalitetsrad/access.py and commits once; every change to a meeting moves its version."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.reporting import (
    KvalitetsradActionDecided,
    KvalitetsradActionFollowedUp,
    KvalitetsradHeld,
    KvalitetsradPlanned,
    KvalitetsradProtokollJusterat,
)
from platform_shared.errors import invalid
from platform_shared.ids import new_id
from platform_shared.timeutil import local_date
from reporting_svc.adapters.orm import (
    KvalitetsradAction,
    KvalitetsradAnnouncement,
    KvalitetsradItem,
    KvalitetsradMeeting,
    Report,
)
from reporting_svc.domain.kvalitetsrad import (
    AGENDA,
    ActionInput,
    CarriedAction,
    FollowUpOutcome,
    MeetingInput,
    MeetingStatus,
    Occasion,
    check_action,
    check_follow_up,
    check_held,
    check_item_text,
    check_justera,
    check_meeting,
    meeting_period,
)
from reporting_svc.domain.reports import ReportType
from reporting_svc.service_layer.context import CommandCtx, require_unit, tenant_settings
from reporting_svc.service_layer.kvalitetsrad import protokoll
from reporting_svc.service_layer.kvalitetsrad.access import meeting_to_justera, meeting_to_record
from reporting_svc.service_layer.kvalitetsrad.indicators import live_indicators
from reporting_svc.service_layer.reports import snapshot


@dataclass(frozen=True)
class Plan:
    unit_id: uuid.UUID
    occasion: Occasion
    meeting_on: date
    participant_ids: tuple[uuid.UUID, ...] = ()
    secretary_id: uuid.UUID | None = None
    chef_id: uuid.UUID | None = None
    report_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Edit:
    meeting_id: uuid.UUID
    changes: dict[str, Any]  # only the fields sent: occasion, meeting_on, participant_ids, secretary_id …


@dataclass(frozen=True)
class WriteItem:
    meeting_id: uuid.UUID
    key: str
    notes: str | None
    decisions: str | None


@dataclass(frozen=True)
class DecideAction:
    meeting_id: uuid.UUID
    item_key: str
    description: str
    owner_id: uuid.UUID | None
    due_date: date | None


@dataclass(frozen=True)
class FollowUp:
    meeting_id: uuid.UUID
    action_id: uuid.UUID
    outcome: FollowUpOutcome
    note: str | None = None


@dataclass(frozen=True)
class MarkHeld:
    meeting_id: uuid.UUID
    participant_ids: tuple[uuid.UUID, ...] | None = None


def _touch(ctx: CommandCtx, m: KvalitetsradMeeting) -> None:
    """Any change to a meeting, its items, actions or follow-ups moves its version (its ETag)."""
    m.updated_at = ctx.now()
    flag_modified(m, "updated_at")  # an UPDATE even when the clock has not moved: the version follows


def facts(m: KvalitetsradMeeting) -> dict[str, Any]:
    return {
        "meeting_id": m.id,
        "unit_id": m.unit_id,
        "occasion": m.occasion,
        "meeting_on": m.meeting_on,
        "status": m.status,
    }


async def _person(ctx: CommandCtx, person_id: uuid.UUID | None, field: str) -> None:
    if person_id is not None and await ctx.caller.directory.person(person_id) is None:
        raise invalid(field, "ingen sådan person", "Okänd person")


async def _people(ctx: CommandCtx, m: MeetingInput) -> None:
    check_meeting(m)
    for i, p in enumerate(m.participant_ids):
        await _person(ctx, p, f"participant_ids.{i}")
    await _person(ctx, m.secretary_id, "secretary_id")
    await _person(ctx, m.chef_id, "chef_id")


async def _underlag(ctx: CommandCtx, report_id: uuid.UUID | None, unit_id: uuid.UUID) -> None:
    """The printed underlag is the unit's own report of type kvalitetsrad."""
    if report_id is None:
        return
    report = await ctx.session.get(Report, report_id)
    if report is None or report.type != ReportType.KVALITETSRAD.value or report.unit_id != unit_id:
        raise invalid("report_id", "inget underlag till kvalitetsråd för enheten", "Okänt underlag")


def _input(m: KvalitetsradMeeting) -> MeetingInput:
    return MeetingInput(
        m.meeting_on,
        Occasion(m.occasion),
        tuple(uuid.UUID(str(p)) for p in m.participant_ids or []),
        m.secretary_id,
        m.chef_id,
    )


async def plan(ctx: CommandCtx, cmd: Plan) -> Created[KvalitetsradMeeting]:
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.REPORT_WRITE, cmd.unit_id)
    meeting = MeetingInput(cmd.meeting_on, cmd.occasion, cmd.participant_ids, cmd.secretary_id, cmd.chef_id)
    await _people(ctx, meeting)
    await _underlag(ctx, cmd.report_id, cmd.unit_id)
    return await ctx.once(KvalitetsradMeeting, lambda: _plan(ctx, cmd))


async def _plan(ctx: CommandCtx, cmd: Plan) -> Created[KvalitetsradMeeting]:
    now = ctx.now()
    first, last = meeting_period(cmd.occasion, cmd.meeting_on)
    m = KvalitetsradMeeting(
        id=new_id(),
        unit_id=cmd.unit_id,
        occasion=cmd.occasion.value,
        meeting_on=cmd.meeting_on,
        period_from=first,
        period_to=last,
        status=MeetingStatus.PLANNED.value,
        participant_ids=[str(p) for p in cmd.participant_ids],
        secretary_id=cmd.secretary_id,
        chef_id=cmd.chef_id,
        report_id=cmd.report_id,
        created_by=ctx.caller.id,
        created_at=now,
        updated_at=now,
    )
    ctx.session.add(m)
    for position, spec in enumerate(AGENDA, 1):
        ctx.session.add(KvalitetsradItem(meeting_id=m.id, key=spec.key, position=position))
    ctx.emit(KvalitetsradPlanned(**facts(m), planned_at=now, report_id=m.report_id))
    await ctx.created(m.id)
    await ctx.commit()
    return Created(m)


async def edit(ctx: CommandCtx, cmd: Edit) -> KvalitetsradMeeting:
    """Date, occasion (the period follows), participants, secretary, chef, underlag: only the fields
    sent; until the protokoll is justerat."""
    m = await meeting_to_record(ctx, cmd.meeting_id)
    c = cmd.changes
    if ("occasion" in c and c["occasion"] is None) or ("meeting_on" in c and c["meeting_on"] is None):
        raise invalid("meeting_on" if "meeting_on" in c else "occasion", "får inte tas bort", "Värde saknas")
    occasion = Occasion(c.get("occasion", m.occasion))
    meeting_on = c.get("meeting_on", m.meeting_on)
    participants = tuple(c["participant_ids"] or ()) if "participant_ids" in c else _input(m).participant_ids
    new = MeetingInput(
        meeting_on,
        occasion,
        participants,
        c.get("secretary_id", m.secretary_id),
        c.get("chef_id", m.chef_id),
    )
    await _people(ctx, new)
    report_id = c.get("report_id", m.report_id)
    await _underlag(ctx, report_id, m.unit_id)
    m.occasion, m.meeting_on = occasion.value, meeting_on
    m.period_from, m.period_to = meeting_period(occasion, meeting_on)
    m.participant_ids = [str(p) for p in participants]
    m.secretary_id, m.chef_id, m.report_id = new.secretary_id, new.chef_id, report_id
    _touch(ctx, m)
    await ctx.commit()
    return m


async def write_item(ctx: CommandCtx, cmd: WriteItem) -> KvalitetsradMeeting:
    check_item_text(cmd.key, cmd.notes, cmd.decisions)
    m = await meeting_to_record(ctx, cmd.meeting_id)
    item = await ctx.session.get(KvalitetsradItem, (m.id, cmd.key))
    if item is None:  # not expected: every item is made with the meeting
        item = KvalitetsradItem(meeting_id=m.id, key=cmd.key, position=protokoll.position(cmd.key))
        ctx.session.add(item)
    item.notes, item.decisions = cmd.notes, cmd.decisions
    item.updated_by, item.updated_at = ctx.caller.id, ctx.now()
    _touch(ctx, m)
    await ctx.commit()
    return m


async def decide_action(ctx: CommandCtx, cmd: DecideAction) -> Created[KvalitetsradAction]:
    check_item_text(cmd.item_key, None, None)
    m = await meeting_to_record(ctx, cmd.meeting_id)
    check_action(ActionInput(cmd.description, cmd.owner_id, cmd.due_date), m.meeting_on)
    await _person(ctx, cmd.owner_id, "owner_id")
    return await ctx.once(KvalitetsradAction, lambda: _decide(ctx, m, cmd))


async def _decide(ctx: CommandCtx, m: KvalitetsradMeeting, cmd: DecideAction) -> Created[KvalitetsradAction]:
    assert cmd.owner_id is not None and cmd.due_date is not None  # check_action
    now = ctx.now()
    a = KvalitetsradAction(
        id=new_id(),
        meeting_id=m.id,
        unit_id=m.unit_id,
        item_key=cmd.item_key,
        description=cmd.description.strip(),
        owner_id=cmd.owner_id,
        due_date=cmd.due_date,
        status="open",
        created_by=ctx.caller.id,
        created_at=now,
    )
    ctx.session.add(a)
    _touch(ctx, m)
    await ctx.created(a.id)
    await ctx.commit()
    return Created(a)


async def follow_up(ctx: CommandCtx, cmd: FollowUp) -> KvalitetsradMeeting:
    """A carried action followed up at this meeting: done, continues (carried again to the next
    meeting) or dropped with a motivation. Written again until the protokoll is justerat."""
    m = await meeting_to_record(ctx, cmd.meeting_id)
    check_follow_up(cmd.outcome, cmd.note)
    carried = {a.id: a for a in await protokoll.carried_actions(ctx.session, m)}
    a = carried.get(cmd.action_id)
    if a is None:
        raise invalid("action_id", "ingen öppen åtgärd från enhetens tidigare kvalitetsråd", "Okänd åtgärd")
    now = ctx.now()
    a.followed_up_meeting_id, a.follow_up_outcome = m.id, cmd.outcome.value
    a.follow_up_note, a.followed_up_at = cmd.note, now
    a.status = {FollowUpOutcome.DONE: "done", FollowUpOutcome.DROPPED: "dropped"}.get(cmd.outcome, "open")
    _touch(ctx, m)
    await ctx.commit()
    return m


async def mark_held(ctx: CommandCtx, cmd: MarkHeld) -> KvalitetsradMeeting:
    m = await meeting_to_record(ctx, cmd.meeting_id)
    participants = cmd.participant_ids if cmd.participant_ids is not None else _input(m).participant_ids
    if cmd.participant_ids is not None:
        await _people(
            ctx, MeetingInput(m.meeting_on, Occasion(m.occasion), participants, m.secretary_id, m.chef_id)
        )
    status = check_held(MeetingStatus(m.status), m.meeting_on, local_date(ctx.now()), participants)
    now = ctx.now()
    m.status, m.held_at, m.updated_at = status.value, now, now
    m.participant_ids = [str(p) for p in participants]
    ctx.emit(
        KvalitetsradHeld(
            **facts(m), participant_ids=list(participants), secretary_id=m.secretary_id, held_at=now
        )
    )
    await ctx.commit()
    return m


async def justera(ctx: CommandCtx, meeting_id: uuid.UUID) -> KvalitetsradMeeting:
    """The chef justerar: locked from now on. The figures and the balanslista are frozen with it, the
    protokoll one level up and down it announces are recorded (each announced once), and the events
    say so: KvalitetsradProtokollJusterat, KvalitetsradActionDecided for each action decided at it,
    KvalitetsradActionFollowedUp for each earlier action followed up at it."""
    m = await meeting_to_justera(ctx, meeting_id)
    me, now = ctx.caller.id, ctx.now()
    actions = list(
        await ctx.session.scalars(select(KvalitetsradAction).where(KvalitetsradAction.meeting_id == m.id))
    )
    carried = await protokoll.carried_actions(ctx.session, m)
    status = check_justera(
        MeetingStatus(m.status),
        me,
        m.secretary_id,
        [ActionInput(a.description, a.owner_id, a.due_date) for a in actions],
        [CarriedAction(a.id, protokoll.followed_up_here(a, m), a.follow_up_note) for a in carried],
        m.meeting_on,
    )
    assert m.secretary_id is not None  # check_justera
    settings = await tenant_settings(ctx)
    figures = await protokoll.live_figures(ctx.session, m, settings)
    indicators = await live_indicators(ctx.session, m)
    balans = await protokoll.balanslista(ctx.session, m)
    due = await protokoll.protokoll_due(ctx.session, m)
    for p, direction in due:
        ctx.session.add(
            KvalitetsradAnnouncement(
                meeting_id=m.id,
                protokoll_meeting_id=p.meeting_id,
                direction=direction.value,
                announced_at=now,
            )
        )
    m.figures = {
        **snapshot(figures, settings.suppression_threshold, now),
        "indicators": {k: f.to_json() for k, f in indicators.items()},
        "carried": balans,
    }
    m.status, m.justerat_at, m.justerat_by, m.updated_at = status.value, now, me, now
    if m.chef_id is None:
        m.chef_id = me
    ctx.emit(
        KvalitetsradProtokollJusterat(
            **facts(m),
            justerat_at=now,
            justerat_by=me,
            secretary_id=m.secretary_id,
            action_ids=[a.id for a in actions],
            announced_meeting_ids=[p.meeting_id for p, _ in due],
        )
    )
    for a in actions:
        ctx.emit(
            KvalitetsradActionDecided(
                **facts(m),
                action_id=a.id,
                item_key=a.item_key,
                owner_id=a.owner_id,
                due_date=a.due_date,
                decided_at=now,
            )
        )
    for a in carried:
        outcome = protokoll.followed_up_here(a, m)
        assert outcome is not None  # check_justera: every carried action is followed up here
        ctx.emit(
            KvalitetsradActionFollowedUp(
                **facts(m),
                action_id=a.id,
                item_key=a.item_key,
                owner_id=a.owner_id,
                due_date=a.due_date,
                followed_up_meeting_id=m.id,
                outcome=outcome.value,
                followed_up_at=a.followed_up_at or now,
            )
        )
    await ctx.commit()
    return m
