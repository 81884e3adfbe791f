"""The review cycle's deadline: one open `document_review` deadline per published document, due at the
end of its next-review day and warned 30 days before. The shared DeadlineScheduler emits
DeadlineApproaching (the owner is reminded) and DeadlineMissed (the owner's chef is told, by
reporting-svc) once each, also with several replicas (claimed with SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

from org_svc.adapters.orm import Document, deadlines
from platform_shared.deadlines.store import Deadlines, DeadlineScheduler
from platform_shared.loops import Loop
from platform_shared.messaging.unit_of_work import UnitOfWork
from platform_shared.runtime import ServiceRuntime
from platform_shared.timeutil import start_of_local_day

RULE = "document_review"
OBJECT_TYPE = "document"
REFERENCE_CHARS = 40  # the deadline's reference column: the title, shortened

store = Deadlines(deadlines)


async def schedule(uow: UnitOfWork, document: Document, *, met: bool) -> None:
    """Close the document's open review deadline (met: a review was done; else no longer applies)
    and open the next one, when the document has a next-review date."""
    if met:
        await store.meet(uow, document.id, RULE)
    else:
        await store.cancel(uow, document.id, RULE)
    if document.next_review_on is None or document.status != "active":
        return
    await store.open(
        uow,
        RULE,
        start=start_of_local_day(document.next_review_on + timedelta(days=1)),
        object_type=OBJECT_TYPE,
        object_id=document.id,
        unit_id=document.owner_unit_id,
        reference=document.title[:REFERENCE_CHARS],
        responsible_person_id=document.owner_person_id,
        responsible_role=document.owner_role,
    )


def scheduler(runtime: ServiceRuntime) -> DeadlineScheduler:
    return DeadlineScheduler(deadlines, runtime.uow, service=runtime.name)


def workers(runtime: ServiceRuntime) -> list[Loop]:
    settings = runtime.settings
    if not getattr(settings, "run_scheduler", True):
        return []
    interval = float(getattr(settings, "scheduler_interval_s", 60.0))
    return [Loop("deadlines", scheduler(runtime).tick, interval_s=interval)]
