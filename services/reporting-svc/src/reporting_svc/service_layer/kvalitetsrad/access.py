"""Who sees and changes a kvalitetsråd meeting (the same sequence as service_layer/access.py: visible
→ permitted → If-Match → allowed in its state):

- seen by whoever may read reports for its unit (an aggregate grant is enough: figures suppressed);
- recorded (planned, edited, notes, actions, follow-ups, held) with REPORT_WRITE at its unit;
- justerat by the chef named on it (`chef_id`), or, when none is named, by whoever may adopt reports
  at its unit (REPORT_ADOPT: its chef, the top, kvalitetsledare); never by the secretary;
- a justerat protokoll refuses every change (409)."""

from __future__ import annotations

import uuid

from platform_shared.access import Action
from platform_shared.errors import Forbidden
from reporting_svc.adapters.orm import KvalitetsradMeeting
from reporting_svc.domain.kvalitetsrad import MeetingStatus, check_editable
from reporting_svc.service_layer.access import may_read_report
from reporting_svc.service_layer.context import CommandCtx, Ctx

MEETING_NOT_FOUND = "Kvalitetsrådet finns inte"


async def _visible(ctx: Ctx, m: KvalitetsradMeeting) -> bool:
    return await may_read_report(ctx, m.unit_id)


async def readable_meeting(ctx: Ctx, meeting_id: uuid.UUID) -> KvalitetsradMeeting:
    async def visible(m: KvalitetsradMeeting) -> bool:
        return await _visible(ctx, m)

    return await ctx.load(KvalitetsradMeeting, meeting_id, not_found=MEETING_NOT_FOUND, visible=visible)


def _editable(m: KvalitetsradMeeting) -> None:
    check_editable(MeetingStatus(m.status))


async def meeting_to_record(ctx: CommandCtx, meeting_id: uuid.UUID) -> KvalitetsradMeeting:
    """To be written in: visible (404), REPORT_WRITE at its unit (403), If-Match (412), not justerat
    (409), locked."""

    async def visible(m: KvalitetsradMeeting) -> bool:
        return await _visible(ctx, m)

    async def permitted(m: KvalitetsradMeeting) -> None:
        await ctx.caller.require(Action.REPORT_WRITE, m.unit_id)

    return await ctx.load(
        KvalitetsradMeeting,
        meeting_id,
        not_found=MEETING_NOT_FOUND,
        visible=visible,
        permitted=permitted,
        if_match=ctx.if_match,
        allowed=_editable,
        lock=True,
    )


async def meeting_to_justera(ctx: CommandCtx, meeting_id: uuid.UUID) -> KvalitetsradMeeting:
    """To be justerat: visible (404), the named chef or, none named, REPORT_ADOPT at its unit (403),
    If-Match (412), not justerat already (409), locked."""

    async def visible(m: KvalitetsradMeeting) -> bool:
        return await _visible(ctx, m)

    async def permitted(m: KvalitetsradMeeting) -> None:
        if m.chef_id is not None and m.chef_id != ctx.caller.id:
            raise Forbidden("Protokollet justeras av den chef som angetts som justerare")
        await ctx.caller.require(Action.REPORT_ADOPT, m.unit_id)

    return await ctx.load(
        KvalitetsradMeeting,
        meeting_id,
        not_found=MEETING_NOT_FOUND,
        visible=visible,
        permitted=permitted,
        if_match=ctx.if_match,
        allowed=_editable,
        lock=True,
    )
