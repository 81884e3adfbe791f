"""What a meeting shows: its agenda with the period's figures (live until justerat, frozen after), the
actions decided, the open actions carried from the unit's earlier justerade meetings (balanslistan),
and the justerade protokoll of the units one level up and down (anmälan av protokoll); and the
protokoll as a document (adapters/documents.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from platform_shared.access import Action
from platform_shared.orgreplica.directory import OrgDirectory
from platform_shared.timeutil import local_date, utc_now
from reporting_svc.adapters.documents import DocumentSection, ReportDocument
from reporting_svc.adapters.orm import (
    KvalitetsradAction,
    KvalitetsradAnnouncement,
    KvalitetsradItem,
    KvalitetsradMeeting,
    replica,
)
from reporting_svc.domain import formats
from reporting_svc.domain.figures import RawFigure, Rendered, figure_from_json
from reporting_svc.domain.indicators import IndicatorFigure
from reporting_svc.domain.kvalitetsrad import (
    AGENDA,
    OCCASION_TITLES,
    Direction,
    FollowUpOutcome,
    MeetingStatus,
    Occasion,
    Protokoll,
    protocols_to_announce,
    relation,
)
from reporting_svc.domain.periods import Granularity
from reporting_svc.domain.settings import TenantSettings
from reporting_svc.domain.suppression import suppression_rule_text
from reporting_svc.domain.tables import CountTable, LeadTimeTable
from reporting_svc.service_layer.context import Ctx, tenant_settings, unit_name
from reporting_svc.service_layer.kvalitetsrad.indicators import live_indicators
from reporting_svc.service_layer.reports import figures_for

STATUS_TITLES: dict[MeetingStatus, str] = {
    MeetingStatus.PLANNED: "Planerat",
    MeetingStatus.HELD: "Hållet",
    MeetingStatus.JUSTERAT: "Justerat",
}
DIRECTION_TITLES: dict[Direction, str] = {
    Direction.FROM_BELOW: "från enhet under",
    Direction.FROM_ABOVE: "från nivån över",
}
OUTCOME_TITLES: dict[FollowUpOutcome, str] = {
    FollowUpOutcome.DONE: "Genomförd",
    FollowUpOutcome.CONTINUES: "Fortsätter",
    FollowUpOutcome.DROPPED: "Genomförs inte",
}
FIGURE_KEYS = [k for item in AGENDA for k in item.figures]


def title(m: KvalitetsradMeeting, name: str) -> str:
    return f"Kvalitetsråd {OCCASION_TITLES[Occasion(m.occasion)]} {formats.day(m.meeting_on)}, {name}"


# --- what the meeting goes through -------------------------------------------------------------------


async def live_figures(
    session: AsyncSession, m: KvalitetsradMeeting, settings: TenantSettings
) -> list[RawFigure]:
    return await figures_for(
        session, replica, FIGURE_KEYS, m.period_from, m.period_to, m.unit_id, Granularity.TOTAL, settings
    )


async def carried_actions(session: AsyncSession, m: KvalitetsradMeeting) -> list[KvalitetsradAction]:
    """The open actions of the unit's earlier justerade meetings (and those followed up at this one)."""
    earlier = KvalitetsradMeeting
    stmt = (
        select(KvalitetsradAction)
        .join(earlier, earlier.id == KvalitetsradAction.meeting_id)
        .where(
            KvalitetsradAction.unit_id == m.unit_id,
            earlier.id != m.id,
            earlier.status == MeetingStatus.JUSTERAT.value,
            earlier.meeting_on <= m.meeting_on,
            or_(KvalitetsradAction.status == "open", KvalitetsradAction.followed_up_meeting_id == m.id),
        )
        .order_by(earlier.meeting_on, KvalitetsradAction.id)
    )
    return list((await session.scalars(stmt)).all())


def followed_up_here(a: KvalitetsradAction, m: KvalitetsradMeeting) -> FollowUpOutcome | None:
    return (
        FollowUpOutcome(a.follow_up_outcome)
        if a.followed_up_meeting_id == m.id and a.follow_up_outcome
        else None
    )


def carried_json(a: KvalitetsradAction, m: KvalitetsradMeeting, decided_on: Any) -> dict[str, Any]:
    outcome = followed_up_here(a, m)
    return {
        "action_id": str(a.id),
        "meeting_id": str(a.meeting_id),
        "decided_on": decided_on.isoformat() if decided_on else None,
        "item_key": a.item_key,
        "description": a.description,
        "owner_id": str(a.owner_id),
        "due_date": a.due_date.isoformat(),
        "outcome": outcome.value if outcome else None,
        "note": a.follow_up_note if outcome else None,
    }


async def balanslista(session: AsyncSession, m: KvalitetsradMeeting) -> list[dict[str, Any]]:
    """The carried actions as the meeting shows them: frozen with the protokoll once justerat."""
    if m.status == MeetingStatus.JUSTERAT.value and m.figures is not None:
        return list(m.figures.get("carried", []))
    rows = await carried_actions(session, m)
    days = {
        r.id: r.meeting_on
        for r in await session.scalars(
            select(KvalitetsradMeeting).where(KvalitetsradMeeting.id.in_({a.meeting_id for a in rows}))
        )
    }
    return [carried_json(a, m, days.get(a.meeting_id)) for a in rows]


async def _neighbours(session: AsyncSession, unit_id: uuid.UUID) -> tuple[uuid.UUID | None, list[uuid.UUID]]:
    u = replica.unit.c
    parent = await session.scalar(select(u.parent_id).where(u.id == unit_id))
    children = list(await session.scalars(select(u.id).where(u.parent_id == unit_id, u.valid_to.is_(None))))
    return parent, children


async def protokoll_due(session: AsyncSession, m: KvalitetsradMeeting) -> list[tuple[Protokoll, Direction]]:
    """The justerade protokoll one level up and down that this meeting announces (each once)."""
    parent, children = await _neighbours(session, m.unit_id)
    units = [*children, *([parent] if parent else [])]
    if not units:
        return []
    found = await session.scalars(
        select(KvalitetsradMeeting).where(
            KvalitetsradMeeting.unit_id.in_(units),
            KvalitetsradMeeting.status == MeetingStatus.JUSTERAT.value,
        )
    )
    candidates = [
        Protokoll(o.id, o.unit_id, local_date(o.justerat_at)) for o in found if o.justerat_at is not None
    ]
    ours = select(KvalitetsradMeeting.id).where(
        KvalitetsradMeeting.unit_id == m.unit_id, KvalitetsradMeeting.id != m.id
    )
    announced = await session.scalars(
        select(KvalitetsradAnnouncement.protokoll_meeting_id).where(
            KvalitetsradAnnouncement.meeting_id.in_(ours)
        )
    )
    due = protocols_to_announce(candidates, announced, m.meeting_on)
    out = []
    for p in due:
        direction = relation(m.unit_id, parent, p.unit_id, m.unit_id if p.unit_id in children else None)
        assert direction is not None  # the candidates are the parent and the children
        out.append((p, direction))
    return out


async def announced(session: AsyncSession, m: KvalitetsradMeeting) -> list[dict[str, Any]]:
    """The protokoll this meeting announces: stored at its justering, live before."""
    if m.status == MeetingStatus.JUSTERAT.value:
        rows = await session.scalars(
            select(KvalitetsradAnnouncement).where(KvalitetsradAnnouncement.meeting_id == m.id)
        )
        pairs = [(r.protokoll_meeting_id, Direction(r.direction)) for r in rows]
    else:
        pairs = [(p.meeting_id, d) for p, d in await protokoll_due(session, m)]
    if not pairs:
        return []
    others = {
        o.id: o
        for o in await session.scalars(
            select(KvalitetsradMeeting).where(KvalitetsradMeeting.id.in_([i for i, _ in pairs]))
        )
    }
    u = replica.unit.c
    shown = select(u.id, u.name).where(u.id.in_({o.unit_id for o in others.values()}))
    names: dict[uuid.UUID, str] = {row.id: row.name for row in await session.execute(shown)}
    out = []
    for meeting_id, direction in pairs:
        o = others.get(meeting_id)
        if o is None:
            continue
        out.append(
            {
                "meeting_id": o.id,
                "unit_id": o.unit_id,
                "unit_name": names.get(o.unit_id, str(o.unit_id)),
                "meeting_on": o.meeting_on,
                "justerat_at": o.justerat_at,
                "direction": direction,
                "direction_label": DIRECTION_TITLES[direction],
            }
        )
    return sorted(out, key=lambda p: (p["justerat_at"], str(p["meeting_id"])))


# --- the read model ----------------------------------------------------------------------------------


def figure_json(key: str, table: object) -> dict[str, Any]:
    if isinstance(table, CountTable):
        return {"key": key, "kind": "counts", "counts": table.as_json()}
    assert isinstance(table, LeadTimeTable)
    return {"key": key, "kind": "lead_times", "lead_times": table.as_json()}


@dataclass(frozen=True)
class MeetingView:
    meeting: KvalitetsradMeeting
    unit_name: str
    items: dict[str, KvalitetsradItem]
    actions: list[KvalitetsradAction]
    carried: list[dict[str, Any]]
    protokoll: list[dict[str, Any]]
    figures: dict[str, Rendered]
    suppressed: bool
    threshold: int
    indicators: dict[str, IndicatorFigure] = field(default_factory=dict)  # by agenda item
    people: dict[uuid.UUID, str] = field(default_factory=dict)


async def gather(ctx: Ctx, m: KvalitetsradMeeting) -> MeetingView:
    session = ctx.session
    settings = await tenant_settings(ctx)
    aggregates_only = not await ctx.caller.can(Action.STATS_READ, m.unit_id)
    if m.status == MeetingStatus.JUSTERAT.value and m.figures is not None:
        raw = [figure_from_json(f) for f in m.figures["figures"]]
        threshold = int(m.figures["threshold"])
        indicators = {k: IndicatorFigure.from_json(f) for k, f in m.figures.get("indicators", {}).items()}
    else:
        raw = await live_figures(session, m, settings)
        threshold = settings.suppression_threshold
        indicators = await live_indicators(session, m)
    rendered = {f.key: f.render(suppress=aggregates_only, threshold=threshold) for f in raw}
    items = {
        i.key: i
        for i in await session.scalars(select(KvalitetsradItem).where(KvalitetsradItem.meeting_id == m.id))
    }
    actions = list(
        await session.scalars(
            select(KvalitetsradAction)
            .where(KvalitetsradAction.meeting_id == m.id)
            .order_by(KvalitetsradAction.id)
        )
    )
    return MeetingView(
        m,
        await unit_name(ctx, m.unit_id),
        items,
        actions,
        await balanslista(session, m),
        await announced(session, m),
        rendered,
        aggregates_only,
        threshold,
        indicators,
    )


def action_json(a: KvalitetsradAction) -> dict[str, Any]:
    return {
        "id": a.id,
        "meeting_id": a.meeting_id,
        "item_key": a.item_key,
        "description": a.description,
        "owner_id": a.owner_id,
        "due_date": a.due_date,
        "status": a.status,
        "followed_up_meeting_id": a.followed_up_meeting_id,
        "follow_up_outcome": a.follow_up_outcome,
        "follow_up_note": a.follow_up_note,
        "followed_up_at": a.followed_up_at,
        "version": a.version,
    }


def summary(m: KvalitetsradMeeting) -> dict[str, Any]:
    status = MeetingStatus(m.status)
    return {
        "id": m.id,
        "unit_id": m.unit_id,
        "occasion": m.occasion,
        "occasion_label": OCCASION_TITLES[Occasion(m.occasion)],
        "meeting_on": m.meeting_on,
        "period_from": m.period_from,
        "period_to": m.period_to,
        "status": status,
        "status_label": STATUS_TITLES[status],
        "report_id": m.report_id,
        "justerat_at": m.justerat_at,
        "version": m.version,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    }


def read_model(v: MeetingView) -> dict[str, Any]:
    m = v.meeting
    by_item: dict[str, list[dict[str, Any]]] = {}
    for a in v.actions:
        by_item.setdefault(a.item_key, []).append(action_json(a))
    items = []
    for position, spec in enumerate(AGENDA, 1):
        row = v.items.get(spec.key)
        item: dict[str, Any] = {
            "key": spec.key,
            "position": position,
            "heading": spec.heading,
            "guidance": spec.guidance,
            "filled_from": spec.filled_from,
            "notes": row.notes if row else None,
            "decisions": row.decisions if row else None,
            "figures": [figure_json(k, v.figures[k]) for k in spec.figures if k in v.figures],
            "actions": by_item.get(spec.key, []),
        }
        if spec.key in v.indicators:
            item["indicators"] = v.indicators[spec.key].as_json()
        if spec.key == "balanslistor":
            item["carried_actions"] = v.carried
        if spec.key == "anmalan_av_protokoll":
            item["protokoll"] = v.protokoll
        items.append(item)
    return {
        **summary(m),
        "unit_name": v.unit_name,
        "title": title(m, v.unit_name),
        "participant_ids": [uuid.UUID(str(p)) for p in m.participant_ids or []],
        "secretary_id": m.secretary_id,
        "chef_id": m.chef_id,
        "held_at": m.held_at,
        "justerat_by": m.justerat_by,
        "figures_frozen": m.status == MeetingStatus.JUSTERAT.value,
        "figures_suppressed": v.suppressed,
        "items": items,
    }


# --- the protokoll as a document ---------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """A plain table in the protokoll (actions, the balanslista, the protokoll announced)."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    note: str | None = None
    text_columns: bool = True  # left-aligned (adapters/documents.py)

    @property
    def empty(self) -> bool:
        return not self.rows

    def grid(self) -> list[list[Any]]:
        return [list(self.header), *[list(r) for r in self.rows]]


async def people(ctx: Ctx, v: MeetingView) -> dict[uuid.UUID, str]:
    m = v.meeting
    ids = {uuid.UUID(str(p)) for p in m.participant_ids or []}
    ids |= {i for i in (m.secretary_id, m.chef_id, m.justerat_by) if i is not None}
    ids |= {a.owner_id for a in v.actions} | {uuid.UUID(c["owner_id"]) for c in v.carried}
    directory = OrgDirectory(ctx.session, replica)
    found = {}
    for i in ids:
        person = await directory.person(i)
        found[i] = person.name if person else str(i)
    return found


def document(v: MeetingView, now: datetime | None = None) -> ReportDocument:
    m = v.meeting
    names = v.people

    def name(i: uuid.UUID | None) -> str:
        return names.get(i, str(i)) if i is not None else "–"

    status = MeetingStatus(m.status)
    justeras = name(m.chef_id or m.justerat_by)
    if m.justerat_at is not None:
        justeras += f", justerat {formats.day(formats.local(m.justerat_at).date())}"
    facts = [
        ("Enhet", v.unit_name),
        ("Datum", formats.day(m.meeting_on)),
        ("Mötet", f"Kvalitetsråd {OCCASION_TITLES[Occasion(m.occasion)]}"),
        ("Period som gås igenom", formats.period(m.period_from, m.period_to)),
        ("Närvarande", ", ".join(name(uuid.UUID(str(p))) for p in m.participant_ids or []) or "–"),
        ("Nedtecknat av", name(m.secretary_id)),
        ("Justeras", justeras),
        ("Status", STATUS_TITLES[status]),
    ]
    by_item: dict[str, list[KvalitetsradAction]] = {}
    for a in v.actions:
        by_item.setdefault(a.item_key, []).append(a)
    sections = []
    for position, spec in enumerate(AGENDA, 1):
        row = v.items.get(spec.key)
        parts = [row.notes or ""] if row else [""]
        if row and row.decisions:
            parts.append(f"Beslut: {row.decisions}")
        tables: list[Any] = [v.figures[k] for k in spec.figures if k in v.figures]
        if spec.key in v.indicators:
            tables.extend(v.indicators[spec.key].tables())
        decided = by_item.get(spec.key, [])
        if decided:
            tables.append(
                Listing(
                    "Åtgärder",
                    ("Åtgärd", "Ansvarig", "Klart senast"),
                    [(a.description, name(a.owner_id), formats.day(a.due_date)) for a in decided],
                )
            )
        if spec.key == "balanslistor" and not v.carried:
            parts.append("Inga öppna åtgärder från tidigare kvalitetsråd.")
        if spec.key == "balanslistor" and v.carried:
            tables.append(
                Listing(
                    "Åtgärder från tidigare kvalitetsråd",
                    ("Åtgärd", "Ansvarig", "Klart senast", "Uppföljning"),
                    [
                        (
                            c["description"],
                            name(uuid.UUID(c["owner_id"])),
                            formats.day(date.fromisoformat(c["due_date"])),
                            " – ".join(
                                x
                                for x in (
                                    OUTCOME_TITLES[FollowUpOutcome(c["outcome"])]
                                    if c["outcome"]
                                    else "Ej uppföljd",
                                    c["note"] or "",
                                )
                                if x
                            ),
                        )
                        for c in v.carried
                    ],
                )
            )
        if spec.key == "anmalan_av_protokoll" and not v.protokoll:
            parts.append("Inga justerade protokoll att anmäla.")
        if spec.key == "anmalan_av_protokoll" and v.protokoll:
            tables.append(
                Listing(
                    "Justerade protokoll som anmäls",
                    ("Kvalitetsråd", "Datum", "Justerat"),
                    [
                        (
                            f"{p['unit_name']} ({p['direction_label']})",
                            formats.day(p["meeting_on"]),
                            formats.day(formats.local(p["justerat_at"]).date()),
                        )
                        for p in v.protokoll
                    ],
                )
            )
        text = "\n\n".join(p for p in parts if p)
        if not text and status is not MeetingStatus.PLANNED:
            text = "Inga noteringar."
        sections.append(DocumentSection(f"§ {position} {spec.heading}", text, spec.guidance, tables))
    generated = now or utc_now()
    if m.justerat_at is not None:
        status_line = "Protokollet är justerat och ändras inte; siffrorna är de som gällde vid justeringen."
    else:
        status_line = f"Ej justerat, utskrivet {formats.moment(generated)}: innehållet kan ändras."
    rule = suppression_rule_text(suppressed=v.suppressed, anmalningar_shown=False, threshold=v.threshold)
    return ReportDocument(
        title=f"Protokoll: {title(m, v.unit_name)}",
        facts=facts,
        sections=sections,
        footer=(status_line, rule),
        author=v.unit_name,
        subject="Protokoll från kvalitetsråd",
        created=m.created_at,
        modified=m.updated_at,
        generated_line=None if m.justerat_at else status_line,
    )


def position(key: str) -> int:
    return next(i for i, spec in enumerate(AGENDA, 1) if spec.key == key)
