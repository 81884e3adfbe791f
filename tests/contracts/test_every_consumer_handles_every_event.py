"""Every consumer of every service handles every event type it subscribes to.

One valid example of every released event type, made from its kept JSON Schema (and checked
against the payload model), goes through the real consumers of all four services (SQLite, the local
bus, no background loops: each consumer is polled by hand). Nothing may be dead-lettered. For each
type a consumer has a handler for, the handler must write to the service's read model, unless the
consumer declares the type as ignored (`ConsumerSpec.ignores`). Types a consumer has no handler for,
or on topics it does not read, are skipped and acknowledged.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from deviation_svc.app import build_runtime as build_deviation
from deviation_svc.config import DeviationSettings
from org_svc.adapters.orm import Document, OrgUnit
from org_svc.app import build_runtime as build_org
from org_svc.config import OrgSettings
from platform_shared.auth.tokens import DevTokens
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope, structured_headers, wrap
from platform_shared.contracts.examples import by_field_name, example_data, released_examples
from platform_shared.contracts.schemas import released_schemas
from platform_shared.contracts.topics import ALL_TOPICS, ORG_EVENTS
from platform_shared.messaging.consumer import EventConsumer
from platform_shared.messaging.local import LocalTransport
from platform_shared.messaging.transport import OutgoingMessage
from platform_shared.runtime import ServiceRuntime
from platform_shared.testing import OrgFixture, publish, standard_org
from platform_shared.timeutil import utc_now
from reporting_svc.adapters.orm import WebhookSubscription
from reporting_svc.app import build_runtime as build_reporting
from reporting_svc.config import ReportingSettings
from reporting_svc.service_layer.webhooks import WEBHOOK_EVENT_TYPES
from risk_svc.app import build_runtime as build_risk
from risk_svc.config import RiskSettings

NOT_A_READ_MODEL = {"inbox_message", "dead_letter"}
# Events every producer emits on its own topic: one of each per topic, not the same one four times.
PER_TOPIC = {"audit_id", "deadline_id"}
PEOPLE = ("reporter_id", "actor_id", "investigator_id", "responsible_id")


@dataclass
class Ids:
    """Ids by field name: one deviation, one complaint, one risk... so the examples follow each
    other, on a unit and by people of the organisation; org events make a unit and a person of their
    own (under the förvaltning)."""

    org: OrgFixture

    def __call__(self, field: str, topic: str) -> uuid.UUID:
        if topic == ORG_EVENTS:
            if field in ("unit_id", "person_id"):
                return by_field_name(f"new-{field}")
            if field in ("parent_id", "new_parent_id", "old_parent_id"):
                return self.org.units["forvaltning"]
        if field in ("unit_id", "from_unit_id", "to_unit_id"):
            return self.org.units["enhet_a"]
        if field.endswith("_by") or field in PEOPLE:
            return self.org.people["socialchef"]
        if field in ("responsible_person_id", "to_person_id"):
            return self.org.people["kvalitetsledare"]
        if field in PER_TOPIC:
            return by_field_name(f"{field}:{topic}")
        return by_field_name(field)


def topics_of(model: type[EventPayload]) -> tuple[str, ...]:
    """Where an event travels: its own topic, or (deadlines, audit records) every producer's."""
    return (model.topic,) if model.topic else ALL_TOPICS


def examples(ids: Ids) -> list[tuple[str, EventPayload]]:
    schemas = released_schemas()
    made: list[tuple[str, EventPayload]] = []
    for payload in released_examples():
        model = type(payload)
        schema = schemas[(model.event_type, model.version)]
        for topic in topics_of(model):
            data = example_data(schema, uuid_for=lambda field, t=topic: ids(field, t))
            made.append((topic, model.model_validate(data)))
    return made


class Writes:
    """Rows a service's consumers wrote to its read models (and outbox), counted at commit: the
    inbox and dead letters are bookkeeping, and a rolled-back transaction wrote nothing."""

    WRITE = re.compile(r'^\s*(?:INSERT(?: OR \w+)? INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)

    def __init__(self, engine: AsyncEngine) -> None:
        self.committed = 0
        sync = engine.sync_engine
        event.listen(sync, "after_cursor_execute", self._executed)
        event.listen(sync, "commit", self._commit)
        event.listen(sync, "rollback", self._rollback)

    def _executed(self, conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        match = self.WRITE.match(statement)
        if match and match.group(1) not in NOT_A_READ_MODEL and (cursor.rowcount or 0) > 0:
            conn.info["writes"] = conn.info.get("writes", 0) + cursor.rowcount

    def _commit(self, conn: Any) -> None:
        self.committed += conn.info.pop("writes", 0)

    def _rollback(self, conn: Any) -> None:
        conn.info.pop("writes", None)


@dataclass
class Service:
    runtime: ServiceRuntime
    consumers: list[EventConsumer]
    writes: Writes


Services = tuple[dict[str, Service], LocalTransport, OrgFixture]


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    transport = LocalTransport(f"sqlite+aiosqlite:///{tmp_path / 'bus.sqlite'}")
    await transport.start()
    common: dict[str, Any] = {"dev_key_dir": str(tmp_path), "log_json": False}

    def db(name: str) -> str:
        return f"sqlite+aiosqlite:///{tmp_path / (name + '.sqlite')}"

    runtimes: dict[str, ServiceRuntime] = {
        "org": build_org(OrgSettings(database_url=db("org"), **common), transport=transport),
        "deviation": build_deviation(
            DeviationSettings(database_url=db("deviation"), **common), transport=transport
        ),
        "risk": build_risk(RiskSettings(database_url=db("risk"), **common), transport=transport),
        "reporting": build_reporting(
            ReportingSettings(database_url=db("reporting"), **common), transport=transport
        ),
    }
    for runtime in runtimes.values():
        await runtime.migrate()
        for consumer in runtime.consumers:
            consumer._fetch_timeout_s = 0.0  # polled by hand: an empty poll need not wait
            await consumer.start()
    org = standard_org(DevTokens(tmp_path))
    await publish(transport, *org.events)
    await a_document_the_examples_name(runtimes["org"])
    found = {name: Service(rt, list(rt.consumers), Writes(rt.engine)) for name, rt in runtimes.items()}
    for service in found.values():
        await drain(service.consumers)
    yield found, transport, org
    for runtime in runtimes.values():
        await runtime.stop()
    await transport.stop()


async def a_document_the_examples_name(org_svc: ServiceRuntime) -> None:
    """The org-svc document deviation-svc's examples name (`document_id`, `document_ids`), so that its
    revision-proposal consumer has a document to propose a revision of."""
    now = utc_now()
    async with org_svc.session_factory() as session, session.begin():
        unit = OrgUnit(id=uuid.uuid4(), name="Enhet", level="enhet", laws=["SoL"], valid_from=now)
        session.add(unit)
        await session.flush()
        session.add(
            Document(
                id=by_field_name("document_id"),
                kind="rutin",
                title="Rutin",
                owner_role="enhetschef",
                owner_unit_id=unit.id,
                created_at=now,
            )
        )


async def drain(consumers: list[EventConsumer]) -> None:
    for consumer in consumers:
        while await consumer.poll_once(500):
            pass


async def dead_letters(runtime: ServiceRuntime) -> list[Any]:
    async with runtime.session_factory() as session:
        return list((await session.execute(select(runtime.messaging.dead_letter))).all())


async def subscribe_a_webhook_to_everything(reporting: ServiceRuntime, org: OrgFixture) -> None:
    """So that every webhook event type has a delivery to make."""
    async with reporting.session_factory() as session, session.begin():
        session.add(
            WebhookSubscription(
                id=uuid.uuid4(),
                url="https://mottagare.example.se/hook",
                secret="whsec_" + "A" * 43 + "=",
                event_types=list(WEBHOOK_EVENT_TYPES),
                unit_id=None,
                active=True,
                version=1,
                created_by=org.people["admin"],
                created_at=utc_now(),
                updated_at=utc_now(),
            )
        )


async def test_every_consumer_handles_every_event_type_it_subscribes_to(services: Services) -> None:
    found, transport, org = services
    await subscribe_a_webhook_to_everything(found["reporting"].runtime, org)
    problems: list[str] = []
    checked: set[tuple[str, str]] = set()
    sent = examples(Ids(org))
    for topic, payload in sent:
        envelope = wrap(payload, source="contract-test", actor_id=None, correlation_id="contract")
        await transport.send_batch([_message(topic, envelope)])
        for name, service in found.items():
            for consumer in service.consumers:
                if topic not in consumer.spec.topics or envelope.type not in consumer.spec.handlers:
                    await drain([consumer])  # not its business: skipped and acknowledged
                    assert not consumer._pending and not consumer._done
                    continue
                label = f"{name} {consumer.spec.group}: {envelope.type} on {topic}"
                checked.add((consumer.spec.group, envelope.type))
                before = service.writes.committed
                await drain([consumer])
                letters = await dead_letters(service.runtime)
                if letters:
                    problems.append(f"{label}: dead-lettered: {letters[-1].error}")
                    async with service.runtime.session_factory() as session, session.begin():
                        await session.execute(service.runtime.messaging.dead_letter.delete())
                elif envelope.type not in consumer.spec.ignores and service.writes.committed == before:
                    problems.append(f"{label}: handled, but no read model changed")
    assert not problems, "\n".join(problems)
    assert {type(p).event_type for _, p in sent} == {key[0] for key in released_schemas()}
    assert len(checked) > 100, "(consumer, event type) pairs checked"


def _message(topic: str, envelope: EventEnvelope) -> OutgoingMessage:
    value = orjson.dumps(envelope.model_dump(mode="json"))
    return OutgoingMessage(topic, envelope.subject, value, structured_headers(None))
