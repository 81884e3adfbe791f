"""The topics, declared once: name, partitions and retention. `<name>-svc topics` creates them (and
re-asserts their retention) through Kafka's admin API; nothing relies on broker auto-creation."""

from __future__ import annotations

from dataclasses import dataclass

ORG_EVENTS = "org.events"
DEVIATION_EVENTS = "deviation.events"
RISK_EVENTS = "risk.events"
REPORTING_EVENTS = "reporting.events"

ALL_TOPICS = (ORG_EVENTS, DEVIATION_EVENTS, RISK_EVENTS, REPORTING_EVENTS)


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    # Messages are keyed by aggregate id, so each aggregate stays in one partition. Adding
    # partitions later remaps keys: the count is chosen once.
    partitions: int = 12
    # -1: keep everything. The topics are the history every read model is rebuilt from.
    retention_ms: int = -1

    def configs(self) -> dict[str, str]:
        return {"retention.ms": str(self.retention_ms), "retention.bytes": "-1", "cleanup.policy": "delete"}


TOPICS: tuple[TopicSpec, ...] = (
    *(TopicSpec(name) for name in ALL_TOPICS),
    *(TopicSpec(dead_letter_topic(name), partitions=1) for name in ALL_TOPICS),
)
