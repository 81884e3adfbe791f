ORG_EVENTS = "org.events"
DEVIATION_EVENTS = "deviation.events"
RISK_EVENTS = "risk.events"
REPORTING_EVENTS = "reporting.events"

ALL_TOPICS = (ORG_EVENTS, DEVIATION_EVENTS, RISK_EVENTS, REPORTING_EVENTS)


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"
