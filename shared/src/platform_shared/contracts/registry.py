"""(type, version) -> payload model, and decoding of an envelope's data."""

from __future__ import annotations

from platform_shared.contracts import arshjul, common, deviation, documents, org, reporting, risk
from platform_shared.contracts.base import EventPayload
from platform_shared.contracts.envelope import EventEnvelope

_MODULES = (org, documents, deviation, risk, reporting, common, arshjul)


def _collect() -> dict[tuple[str, int], type[EventPayload]]:
    found: dict[tuple[str, int], type[EventPayload]] = {}
    for module in _MODULES:
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, EventPayload) and "event_type" in vars(value):
                model: type[EventPayload] = value
                found[(model.event_type, model.version)] = model
    return found


REGISTRY: dict[tuple[str, int], type[EventPayload]] = _collect()


class UnknownEventType(LookupError):
    pass


def payload_model(event_type: str, version: int) -> type[EventPayload]:
    try:
        return REGISTRY[(event_type, version)]
    except KeyError as exc:
        raise UnknownEventType(f"{event_type} v{version}") from exc


def decode(envelope: EventEnvelope) -> EventPayload:
    return payload_model(envelope.type, envelope.version).model_validate(envelope.data)
