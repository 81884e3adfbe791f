"""Deviation commands, one handler each: load and check (access.load_for_step: 404 → 403 → 412 → 409)
→ domain rule → change → emit → audit → one commit. Nothing is written when any check fails."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError

from deviation_svc.adapters.orm import (
    Decision,
    Deviation,
    DeviationAction,
    InvestigationEntry,
    Reclassification,
    reference_counter,
)
from deviation_svc.domain import deadlines as deadline_rules
from deviation_svc.domain.actions import ActionStatus, check_reason
from deviation_svc.domain.categories import check_category
from deviation_svc.domain.chain import Dated, check_in_order, check_not_own_chef, check_void, is_downgrade
from deviation_svc.domain.documents import document_list
from deviation_svc.domain.investigation import (
    EntryFacts,
    EntryKind,
    Method,
    Section,
    check_complete,
    check_entry,
)
from deviation_svc.domain.lifecycle import (
    ClosingFacts,
    Step,
    check_close,
    check_decide,
    check_final_degree_permission,
    check_receive,
    check_reclassify,
    check_report_times,
    may_skip_phases,
    phase_after_decision,
)
from deviation_svc.domain.model import (
    CauseArea,
    DeviationType,
    Status,
    check_degree,
    ivo_required,
    risk_value,
)
from deviation_svc.service_layer import deadlines, subjects
from deviation_svc.service_layer.access import case_target, load_for_step, own_chef
from deviation_svc.service_layer.context import CommandCtx, check_patch, require_person, require_unit, touch
from deviation_svc.service_layer.events import deviation_facts
from deviation_svc.service_layer.ivo import commands as ivo
from platform_shared.access import Action
from platform_shared.context import Created
from platform_shared.contracts.deviation import (
    DeviationClosed,
    DeviationDecided,
    DeviationReceived,
    DeviationReclassified,
    DeviationReopened,
    DeviationReported,
    DeviationVoided,
    InvestigationCompleted,
    InvestigationStarted,
)
from platform_shared.errors import AlreadyExists, DomainError, invalid
from platform_shared.ids import new_id
from platform_shared.references import next_reference, next_references
from platform_shared.sqlutil import insert_now
from platform_shared.timeutil import local_date

REFERENCE_PREFIX = "AVV"
OBJECT_TYPE = "deviation"


def subject_of(d: Deviation) -> deadlines.Subject:
    return deadlines.Subject(OBJECT_TYPE, d.id, d.unit_id, d.reference)


# --- report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDeviation:
    type: DeviationType
    unit_id: uuid.UUID
    occurred_at: datetime
    description: str
    category: str | None = None
    source_system: str | None = None
    source_external_id: str | None = None
    discovered_at: datetime | None = None
    discovered_how: str | None = None
    immediate_measures: str | None = None
    probability: int | None = None
    severity: int | None = None
    subjects: tuple[subjects.SubjectInput, ...] = ()
    complaint_id: uuid.UUID | None = None
    document_ids: tuple[uuid.UUID, ...] = ()


async def find_by_source(ctx: CommandCtx, system: str, external_id: str) -> Deviation | None:
    return (await deviations_by_source(ctx, {(system, external_id)})).get((system, external_id))


async def create_deviation(ctx: CommandCtx, cmd: ReportDeviation, reference: str | None = None) -> Deviation:
    """Add a reported deviation with its subject refs, deadlines, event and audit; no commit. `reference`:
    one taken already (a batch takes all of its references in one statement)."""
    now = ctx.now()
    check_report_times(cmd.occurred_at, cmd.discovered_at, now)
    check_category(cmd.category, ctx.parts.settings.categories)
    d = Deviation(
        id=new_id(),
        reference=reference
        or await next_reference(ctx.session, reference_counter, REFERENCE_PREFIX, local_date(now).year),
        type=cmd.type.value,
        status=Status.REPORTED.value,
        unit_id=cmd.unit_id,
        occurred_at=cmd.occurred_at,
        reported_at=now,
        description=cmd.description,
        category=cmd.category,
        document_ids=document_list(cmd.document_ids),
        reporter_id=ctx.caller.id,
        source_system=cmd.source_system,
        source_external_id=cmd.source_external_id,
        discovered_at=cmd.discovered_at,
        discovered_how=cmd.discovered_how,
        immediate_measures=cmd.immediate_measures,
        immediate_measures_at=now if cmd.immediate_measures else None,
        probability=cmd.probability,
        severity=cmd.severity,
        complaint_id=cmd.complaint_id,
        no_immediate_measures_needed=False,
        updated_at=now,
    )
    if reference is None:  # alone: its row at once (cheaper than the ORM's flush of it)
        await insert_now(ctx.session, d)
    else:  # in a batch: the rows of all of them in one statement at the commit
        ctx.session.add(d)
    subjects.add_all(ctx, OBJECT_TYPE, d.id, cmd.subjects)
    await deadlines.apply(ctx, subject_of(d), deadline_rules.ON_REPORT)
    if deadline_rules.held_to_genast(cmd.type):
        start = cmd.discovered_at or cmd.occurred_at
        await deadlines.open_rules(ctx, subject_of(d), ("report_genast",), start=start)
        await ctx.parts.deadlines.meet(ctx.uow, d.id, "report_genast")
    ctx.emit(
        DeviationReported(
            **deviation_facts(d),
            occurred_at=d.occurred_at,
            reported_at=d.reported_at,
            discovered_at=d.discovered_at,
            reporter_id=d.reporter_id,
            source_system=d.source_system,
            probability=d.probability,
            risk_value=risk_value(d.probability, d.severity),
            complaint_id=d.complaint_id,
        )
    )
    await ctx.audit(OBJECT_TYPE, d.id, "create")
    return d


async def report(ctx: CommandCtx, cmd: ReportDeviation) -> Created[Deviation]:
    """Anyone with an active role reports for any unit (201). A case system's repeat (the same source)
    answers 200 with the first deviation; a repeated Idempotency-Key answers as the first time."""
    await require_unit(ctx, cmd.unit_id)
    await ctx.caller.require(Action.CASE_CREATE, cmd.unit_id)
    return await ctx.once(Deviation, lambda: _report(ctx, cmd))


async def _report(ctx: CommandCtx, cmd: ReportDeviation) -> Created[Deviation]:
    if cmd.source_system and cmd.source_external_id:
        existing = await find_by_source(ctx, cmd.source_system, cmd.source_external_id)
        if existing is not None:
            await ctx.created(existing.id, 200)
            await ctx.commit()
            return Created(existing, 200)
    try:
        d = await create_deviation(ctx, cmd)
        await ctx.created(d.id)
        await ctx.commit()
    except IntegrityError:
        # A concurrent repeat of the same source won the race: answer with its deviation.
        await ctx.session.rollback()
        if cmd.source_system and cmd.source_external_id:
            existing = await find_by_source(ctx, cmd.source_system, cmd.source_external_id)
            if existing is not None:
                return Created(existing, 200)
        raise
    return Created(d, new=True)


# --- a case system's batch (backfills, migrations) ---------------------------------------------

BATCH_LIMIT = 200


@dataclass(frozen=True)
class ReportBatch:
    """Reports from one case system, each with its source ids: one command, one transaction."""

    reports: tuple[ReportDeviation, ...]


@dataclass(frozen=True)
class BatchItem:
    index: int
    deviation: Deviation
    new: bool


async def report_batch(ctx: CommandCtx, cmd: ReportBatch) -> list[BatchItem]:
    """All or nothing: every report is checked as a single report is (its unit, the right to report
    there, its times and category); one refused refuses the batch, naming its index, and nothing is
    written. A source already reported, or repeated in the batch, answers with the deviation it has.
    A concurrent batch with some of the same sources that commits first makes this one 409, nothing
    written: sent again, those answer as already reported."""
    check_batch(cmd)
    checked: set[uuid.UUID] = set()
    for index, report in enumerate(cmd.reports):
        if report.unit_id not in checked:  # an error names the first report of the unit
            async with item_errors(index):
                await require_unit(ctx, report.unit_id)
                await ctx.caller.require(Action.CASE_CREATE, report.unit_id)
            checked.add(report.unit_id)
    try:
        return await _report_batch(ctx, cmd)
    except IntegrityError as err:
        await ctx.session.rollback()
        raise AlreadyExists(
            "En annan sats med några av samma källor sparades samtidigt; skicka satsen igen"
        ) from err


def check_batch(cmd: ReportBatch) -> None:
    if not 1 <= len(cmd.reports) <= BATCH_LIMIT:
        raise invalid("reports", f"1–{BATCH_LIMIT} rapporter per sats")
    for index, report in enumerate(cmd.reports):
        if not (report.source_system and report.source_external_id):
            raise invalid(
                f"reports[{index}].source",
                "varje rapport i en sats anger sitt källsystem och sitt id där",
                f"Rapport {index} i satsen saknar källa",
            )


@asynccontextmanager
async def item_errors(index: int) -> AsyncIterator[None]:
    """An error about one report of a batch names it: `reports[3].unit_id`, "Rapport 3 i satsen: …"."""
    try:
        yield
    except DomainError as err:
        err.detail = f"Rapport {index} i satsen: {err.detail}"
        err.args = (err.detail,)
        for field_error in err.errors:
            field_error.field = f"reports[{index}].{field_error.field}"
        raise


async def _report_batch(ctx: CommandCtx, cmd: ReportBatch) -> list[BatchItem]:
    keys = [(r.source_system or "", r.source_external_id or "") for r in cmd.reports]
    known = await deviations_by_source(ctx, set(keys))
    first = {key: i for i, key in reversed(list(enumerate(keys)))}
    fresh = [i for i, key in enumerate(keys) if key not in known and first[key] == i]
    year = local_date(ctx.now()).year
    references = await next_references(ctx.session, reference_counter, REFERENCE_PREFIX, year, len(fresh))
    created: dict[tuple[str, str], Deviation] = {}
    with ctx.session.no_autoflush:  # the deviations inserted together at the commit, not one by one
        for index, reference in zip(fresh, references, strict=True):
            async with item_errors(index):
                created[keys[index]] = await create_deviation(ctx, cmd.reports[index], reference)
    await ctx.commit()
    new = set(fresh)
    return [
        BatchItem(i, created[key], True) if i in new else BatchItem(i, known.get(key) or created[key], False)
        for i, key in enumerate(keys)
    ]


async def deviations_by_source(
    ctx: CommandCtx, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], Deviation]:
    """The deviations reported from these sources (case system, its id), in one query."""
    if not keys:
        return {}
    rows = await ctx.session.scalars(
        select(Deviation).where(
            tuple_(Deviation.source_system, Deviation.source_external_id).in_(sorted(keys))
        )
    )
    return {(d.source_system or "", d.source_external_id or ""): d for d in rows}


# --- receive, investigate ----------------------------------------------------------------------


@dataclass(frozen=True)
class Receive:
    deviation_id: uuid.UUID
    immediate_measures: str | None = None
    no_immediate_measures_needed: bool = False


async def receive(ctx: CommandCtx, cmd: Receive) -> Deviation:
    d = await load_for_step(ctx, cmd.deviation_id, Step.RECEIVE)
    measures = cmd.immediate_measures or d.immediate_measures
    check_receive(measures, cmd.no_immediate_measures_needed)
    now = ctx.now()
    if cmd.immediate_measures:
        d.immediate_measures, d.immediate_measures_at = cmd.immediate_measures, now
    d.no_immediate_measures_needed = cmd.no_immediate_measures_needed
    d.received_at, d.received_by = now, ctx.caller.id
    d.status = Status.RECEIVED.value
    await _finish_step(ctx, d, Step.RECEIVE)
    ctx.emit(DeviationReceived(**deviation_facts(d), received_at=now, received_by=ctx.caller.id))
    await _commit(ctx, d, "receive")
    return d


@dataclass(frozen=True)
class StartInvestigation:
    deviation_id: uuid.UUID
    investigator_id: uuid.UUID
    method: Method = Method.STANDARD


async def start_investigation(ctx: CommandCtx, cmd: StartInvestigation) -> Deviation:
    d = await load_for_step(ctx, cmd.deviation_id, Step.START_INVESTIGATION)
    investigator = await require_person(ctx, cmd.investigator_id, "investigator_id")
    # The person assigned must be able to investigate this case once assigned.
    assigned = case_target(d, (cmd.investigator_id,))
    if not await ctx.caller.authz.can(investigator, Action.CASE_INVESTIGATE, assigned):
        raise invalid(
            "investigator_id",
            "har inte behörighet att utreda den här sortens ärende här",
            "Utredaren får inte utreda ärendet",
        )
    now = ctx.now()
    d.investigator_id, d.investigation_method, d.investigation_started_at = (
        cmd.investigator_id,
        cmd.method,
        now,
    )
    d.status = Status.INVESTIGATING.value
    await _finish_step(ctx, d, Step.START_INVESTIGATION, responsible=cmd.investigator_id)
    ctx.emit(
        InvestigationStarted(
            **deviation_facts(d), investigator_id=cmd.investigator_id, method=cmd.method.value, started_at=now
        )
    )
    await _commit(ctx, d, "start_investigation")
    return d


@dataclass(frozen=True)
class AddEntry:
    deviation_id: uuid.UUID
    section: Section
    kind: EntryKind
    entry_date: date
    source: str
    text: str
    author_title: str
    cause_area: CauseArea | None = None


async def add_entry(ctx: CommandCtx, cmd: AddEntry) -> Created[InvestigationEntry]:
    d = await load_for_step(ctx, cmd.deviation_id, Step.ADD_INVESTIGATION_ENTRY, precondition=False)
    return await ctx.once(InvestigationEntry, lambda: _add_entry(ctx, cmd, d))


async def _add_entry(ctx: CommandCtx, cmd: AddEntry, d: Deviation) -> Created[InvestigationEntry]:
    check_entry(cmd.section, cmd.cause_area)
    entry = InvestigationEntry(
        id=new_id(),
        deviation_id=d.id,
        section=cmd.section.value,
        kind=cmd.kind.value,
        entry_date=cmd.entry_date,
        source=cmd.source,
        text=cmd.text,
        cause_area=cmd.cause_area.value if cmd.cause_area else None,
        author_id=ctx.caller.id,
        author_name=ctx.caller.principal.name,
        author_title=cmd.author_title,
        created_at=ctx.now(),
    )
    ctx.session.add(entry)
    touch(d, ctx)
    await ctx.created(entry.id)
    await _commit(ctx, d, "add_investigation_entry")
    return Created(entry)


@dataclass(frozen=True)
class CompleteInvestigation:
    deviation_id: uuid.UUID
    conclusion: str
    proposed_degree: str | None = None
    analysis_team: str | None = None
    individual_involvement: str | None = None


async def complete_investigation(ctx: CommandCtx, cmd: CompleteInvestigation) -> Deviation:
    d = await load_for_step(ctx, cmd.deviation_id, Step.COMPLETE_INVESTIGATION)
    kind = DeviationType(d.type)
    if cmd.proposed_degree is not None:
        check_degree(kind, cmd.proposed_degree)
        if kind is DeviationType.LEX_SARAH:
            await ctx.caller.require(Action.LEX_SARAH_PROPOSE, case_target(d))
    rows = await ctx.session.scalars(
        select(InvestigationEntry).where(InvestigationEntry.deviation_id == d.id)
    )
    entries = [
        EntryFacts(Section(e.section), CauseArea(e.cause_area) if e.cause_area else None) for e in rows.all()
    ]
    cause_areas = check_complete(Method(d.investigation_method or Method.STANDARD), entries, cmd.conclusion)
    now = ctx.now()
    d.investigation_completed_at, d.investigation_conclusion = now, cmd.conclusion
    d.proposed_degree = cmd.proposed_degree
    d.analysis_team, d.individual_involvement = cmd.analysis_team, cmd.individual_involvement
    await _finish_step(ctx, d, Step.COMPLETE_INVESTIGATION)
    ctx.emit(
        InvestigationCompleted(
            **deviation_facts(d), completed_at=now, cause_areas=[c.value for c in cause_areas]
        )
    )
    await _commit(ctx, d, "complete_investigation")
    return d


# --- decision, close, void, reopen, reclassify -------------------------------------------------


@dataclass(frozen=True)
class Decide:
    deviation_id: uuid.UUID
    motivation: str
    degree: str | None = None
    no_actions_motivation: str | None = None


async def action_statuses(ctx: CommandCtx, deviation_id: uuid.UUID) -> list[ActionStatus]:
    rows = await ctx.session.scalars(
        select(DeviationAction.status).where(DeviationAction.deviation_id == deviation_id)
    )
    return [ActionStatus(s) for s in rows.all()]


async def decide(ctx: CommandCtx, cmd: Decide) -> Deviation:
    d = await load_for_step(ctx, cmd.deviation_id, Step.DECIDE)
    kind = DeviationType(d.type)
    degree = check_degree(kind, cmd.degree)
    check_decide(d.investigation_completed_at is not None)
    also_needed = check_final_degree_permission(kind, degree)
    if also_needed is not None:
        # A serious degree decides the IVO anmälan too: only its decider (or delegate) may.
        await ctx.caller.require(also_needed, case_target(d))
    now = ctx.now()
    required = ivo_required(kind, degree)
    ctx.session.add(
        Decision(
            id=new_id(),
            deviation_id=d.id,
            degree=degree,
            ivo_required=required,
            motivation=cmd.motivation,
            no_actions_motivation=cmd.no_actions_motivation,
            decided_by=ctx.caller.id,
            decided_at=now,
        )
    )
    d.degree, d.decided_at, d.no_actions_motivation = degree, now, cmd.no_actions_motivation
    d.status = phase_after_decision(await action_statuses(ctx, d.id), cmd.no_actions_motivation).value
    touch(d, ctx)
    ctx.emit(
        DeviationDecided(
            **deviation_facts(d),
            degree=degree,
            ivo_required=required,
            decided_at=now,
            decided_by=ctx.caller.id,
        )
    )
    if required and await ivo.notification_of(ctx, d.id) is None:
        await ivo.escalate(ctx, d, degree, cmd.motivation)
    await _commit(ctx, d, "decide")
    return d


@dataclass(frozen=True)
class Close:
    deviation_id: uuid.UUID
    motivation: str | None = None


async def close(ctx: CommandCtx, cmd: Close) -> Deviation:
    d = await load_for_step(ctx, cmd.deviation_id, Step.CLOSE)
    kind = DeviationType(d.type)
    notification = await ivo.notification_of(ctx, d.id)
    facts = ClosingFacts(
        type=kind,
        status=Status(d.status),
        actions=tuple(await action_statuses(ctx, d.id)),
        ivo_involved=notification is not None or ivo_required(kind, d.degree),
        ivo_sent=notification is not None and notification.sent_at is not None,
        ivo_investigation_sent=notification is not None and notification.investigation_sent_at is not None,
        may_skip_phases=may_skip_phases(kind, ctx.parts.settings.avvikelse_may_skip_phases),
    )
    check_close(facts, cmd.motivation)
    now = ctx.now()
    d.status, d.closed_at, d.closed_by, d.close_motivation = (
        Status.CLOSED.value,
        now,
        ctx.caller.id,
        cmd.motivation,
    )
    await _finish_step(ctx, d, Step.CLOSE)
    ctx.emit(
        DeviationClosed(
            **deviation_facts(d), closed_at=now, closed_by=ctx.caller.id, reporter_id=d.reporter_id
        )
    )
    await _commit(ctx, d, "close")
    return d


@dataclass(frozen=True)
class Void:
    deviation_id: uuid.UUID
    reason: str


async def void(ctx: CommandCtx, cmd: Void) -> Deviation:
    d = await load_for_step(ctx, cmd.deviation_id, Step.VOID)
    kind = DeviationType(d.type)
    check_not_own_chef(kind, await own_chef(ctx, d), "makulera")
    has_ivo = await ivo.notification_of(ctx, d.id) is not None
    check_void(kind, has_ivo, d.decided_at is not None, d.received_at is not None)
    check_reason(cmd.reason, "reason")
    now = ctx.now()
    d.status, d.voided_at, d.voided_by, d.void_reason = Status.VOIDED.value, now, ctx.caller.id, cmd.reason
    await _finish_step(ctx, d, Step.VOID)
    ctx.emit(DeviationVoided(**deviation_facts(d), voided_at=now, voided_by=ctx.caller.id))
    await _commit(ctx, d, "void")
    return d


@dataclass(frozen=True)
class Reopen:
    deviation_id: uuid.UUID


async def reopen(ctx: CommandCtx, cmd: Reopen) -> Deviation:
    """A closed case returns to investigating: the investigation is completed and decided anew (the
    earlier decision stays in its revisions)."""
    d = await load_for_step(ctx, cmd.deviation_id, Step.REOPEN)
    now = ctx.now()
    d.status, d.closed_at, d.closed_by = Status.INVESTIGATING.value, None, None
    d.investigation_completed_at = None
    await _finish_step(ctx, d, Step.REOPEN, responsible=d.investigator_id)
    ctx.emit(DeviationReopened(**deviation_facts(d), reopened_at=now, reopened_by=ctx.caller.id))
    await _commit(ctx, d, "reopen")
    return d


@dataclass(frozen=True)
class Reclassify:
    deviation_id: uuid.UUID
    to_type: DeviationType
    motivation: str


async def reclassify(ctx: CommandCtx, cmd: Reclassify) -> Deviation:
    d = await load_for_step(ctx, cmd.deviation_id, Step.RECLASSIFY)
    current = DeviationType(d.type)
    if is_downgrade(current, cmd.to_type):
        check_not_own_chef(current, await own_chef(ctx, d), "klassa om")
    has_ivo = await ivo.notification_of(ctx, d.id) is not None
    check_reclassify(current, cmd.to_type, Status(d.status), has_ivo, cmd.motivation)
    now = ctx.now()
    ctx.session.add(
        Reclassification(
            id=new_id(),
            deviation_id=d.id,
            from_type=current.value,
            to_type=cmd.to_type.value,
            motivation=cmd.motivation,
            reclassified_by=ctx.caller.id,
            reclassified_at=now,
        )
    )
    d.type = cmd.to_type.value
    touch(d, ctx)
    ctx.emit(
        DeviationReclassified(
            **deviation_facts(d),
            from_type=current.value,
            to_type=cmd.to_type.value,
            reclassified_at=now,
            reclassified_by=ctx.caller.id,
            reporter_id=d.reporter_id,
        )
    )
    await _commit(ctx, d, "reclassify")
    return d


def case_dates(d: Deviation, occurred: datetime, discovered: datetime | None) -> list[Dated]:
    """The case's own chain: occurred ≤ discovered ≤ reported ≤ received ≤ investigation."""
    return [
        Dated("occurred_at", occurred),
        Dated("discovered_at", discovered),
        Dated("reported_at", d.reported_at),
        Dated("received_at", d.received_at),
        Dated("investigation_started_at", d.investigation_started_at),
        Dated("investigation_completed_at", d.investigation_completed_at),
    ]


# --- edit (PATCH) and subject refs --------------------------------------------------------------

REQUIRED = frozenset({"description", "occurred_at"})
EDITABLE = frozenset(
    {
        "description",
        "category",
        "document_ids",
        "occurred_at",
        "discovered_at",
        "discovered_how",
        "immediate_measures",
        "probability",
        "severity",
        "individual_informed",
        "representative_informed",
        "documented_in_record",
        "documentation_motivation",
        "police_reported",
        "patient_informed_at",
        "patient_view_given",
    }
)


@dataclass(frozen=True)
class Edit:
    deviation_id: uuid.UUID
    changes: dict[str, Any] = field(default_factory=dict)


async def edit(ctx: CommandCtx, cmd: Edit) -> Deviation:
    """PATCH edits fields only, never the state or the type (commands do that)."""
    d = await load_for_step(ctx, cmd.deviation_id, Step.EDIT)
    check_patch(cmd.changes, EDITABLE, REQUIRED)
    if "category" in cmd.changes:
        check_category(cmd.changes["category"], ctx.parts.settings.categories)
    occurred = cmd.changes.get("occurred_at", d.occurred_at)
    discovered = cmd.changes.get("discovered_at", d.discovered_at)
    check_report_times(occurred, discovered, ctx.now())
    changed = "occurred_at" if "occurred_at" in cmd.changes else "discovered_at"
    check_in_order(case_dates(d, occurred, discovered), ctx.now(), field=changed)
    if "document_ids" in cmd.changes:
        cmd.changes["document_ids"] = document_list(cmd.changes["document_ids"] or ())
    for name, value in cmd.changes.items():
        setattr(d, name, value)
    if "immediate_measures" in cmd.changes:
        d.immediate_measures_at = ctx.now()
    touch(d, ctx)
    await _commit(ctx, d, "update")
    return d


@dataclass(frozen=True)
class AddSubject:
    deviation_id: uuid.UUID
    subject: subjects.SubjectInput


async def add_subject(ctx: CommandCtx, cmd: AddSubject) -> Deviation:
    d = await load_for_step(ctx, cmd.deviation_id, Step.EDIT)
    subjects.add(ctx, OBJECT_TYPE, d.id, cmd.subject)
    touch(d, ctx)
    await _commit(ctx, d, "add_subject")
    return d


# --- shared tail of every step ------------------------------------------------------------------


async def _finish_step(
    ctx: CommandCtx, d: Deviation, step: Step, *, responsible: uuid.UUID | None = None
) -> None:
    touch(d, ctx)
    await deadlines.apply(ctx, subject_of(d), deadline_rules.on_step(step), responsible_person_id=responsible)


async def _commit(ctx: CommandCtx, d: Deviation, audit_action: str) -> None:
    await ctx.audit(OBJECT_TYPE, d.id, audit_action)
    await ctx.commit()
