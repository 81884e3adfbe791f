"""The deadline worker: opens each unit's yearly-analysis deadline (rule risk_analysis_yearly) and runs
the shared DeadlineScheduler, which emits DeadlineApproaching and DeadlineMissed once each for
controls and yearly analyses. The clock is the runtime's (injectable)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from platform_shared.deadlines.store import Deadlines, DeadlineScheduler
from platform_shared.ids import new_id
from platform_shared.runtime import ServiceRuntime
from platform_shared.sqlutil import insert_ignore
from platform_shared.timeutil import local_date, start_of_local_day
from risk_svc.adapters.orm import RiskAnalysis, YearlyAnalysisDue, deadlines, replica
from risk_svc.domain.analyses import RESPONSIBLE_ROLE_BY_LEVEL, AnalysisStatus, Trigger
from risk_svc.service_layer.analyses.commands import YEARLY_RULE
from risk_svc.service_layer.settings.queries import current


class DeadlineWorker:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self._runtime = runtime
        self.scheduler = DeadlineScheduler(deadlines, runtime.uow, service=runtime.name)

    async def open_yearly_analyses(self) -> int:
        """Every open unit (of the levels the tenant names) owes a yearly analysis for the current
        year; the deadline is opened once, unless the year's analysis is already completed."""
        opened = 0
        async with self._runtime.uow() as uow:
            now = uow.clock()
            year = local_date(now).year
            settings = await current(uow.session)
            u = replica.unit.c
            units = (
                await uow.session.execute(
                    select(u.id, u.level).where(
                        u.valid_from <= now, or_(u.valid_to.is_(None), u.valid_to > now)
                    )
                )
            ).all()
            owed = set(
                (
                    await uow.session.scalars(
                        select(YearlyAnalysisDue.unit_id).where(YearlyAnalysisDue.year == year)
                    )
                ).all()
            )
            done = dict(
                (
                    await uow.session.execute(
                        select(RiskAnalysis.unit_id, RiskAnalysis.id).where(
                            RiskAnalysis.year == year,
                            RiskAnalysis.trigger == Trigger.ARLIG.value,
                            RiskAnalysis.status == AnalysisStatus.COMPLETED.value,
                        )
                    )
                ).all()
            )
            store = Deadlines(deadlines)
            for unit_id, level in units:
                if unit_id in owed or not settings.owes_yearly_analysis(level):
                    continue
                due_id, analysis_id = new_id(), done.get(unit_id)
                # Another replica's worker may have made it meanwhile: the one that inserts opens it.
                inserted = await insert_ignore(
                    uow.session,
                    YearlyAnalysisDue.__table__,
                    {
                        "id": due_id,
                        "unit_id": unit_id,
                        "year": year,
                        "analysis_id": analysis_id,
                        "created_at": now,
                    },
                )
                if inserted and analysis_id is None:
                    await store.open(
                        uow,
                        YEARLY_RULE,
                        start=start_of_local_day(date(year, 1, 1)),
                        object_type="risk_analysis",
                        object_id=due_id,
                        unit_id=unit_id,
                        responsible_role=RESPONSIBLE_ROLE_BY_LEVEL.get(level),
                    )
                    opened += 1
            await uow.commit()
        return opened

    async def tick(self) -> int:
        """One round: open what is owed, then emit the deadline events that are due."""
        await self.open_yearly_analyses()
        return await self.scheduler.tick()
