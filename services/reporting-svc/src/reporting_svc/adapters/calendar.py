"""The årshjul as iCalendar (RFC 5545), for Outlook and other calendar clients: one all-day event per
activity on its date. Stable UIDs (the activity's id) and a SEQUENCE that grows with each change let
clients update an event in place; struck activities stay in the feed as CANCELLED so they disappear."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vDuration

PRODID = "-//Kvalitet//Årshjul//SV"
UID_DOMAIN = "arshjul.kvalitet"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class CalendarEntry:
    activity_id: uuid.UUID
    title: str
    due_on: date
    kind_title: str  # e.g. "Tertialrapport"
    status_title: str  # e.g. "Planerad", "Klar"
    responsible: str  # e.g. "enhetschef, Enhet A"
    reports_to: str | None  # e.g. "Omsorg"
    changed_at: datetime  # when the activity last changed
    sequence: int = 0  # the activity's version: each change is a new revision for clients
    cancelled: bool = False
    url: str | None = None


def uid(activity_id: uuid.UUID) -> str:
    return f"{activity_id}@{UID_DOMAIN}"


def _description(entry: CalendarEntry) -> str:
    lines = [f"{entry.kind_title}. Status: {entry.status_title}.", f"Ansvarig: {entry.responsible}."]
    if entry.reports_to:
        lines.append(f"Återrapporteras till: {entry.reports_to}.")
    return "\n".join(lines)


def _event(entry: CalendarEntry) -> Event:
    event = Event()
    event.add("uid", uid(entry.activity_id))
    event.add("dtstamp", entry.changed_at)
    event.add("last-modified", entry.changed_at)
    event.add("sequence", entry.sequence)
    event.add("summary", entry.title)
    event.add("dtstart", entry.due_on)
    event.add("dtend", entry.due_on + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a due date, not a meeting: the day stays free
    event.add("description", _description(entry))
    event.add("categories", [entry.kind_title])
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    if entry.url:
        event.add("url", entry.url)
    return event


def arshjul_calendar(name: str, entries: Iterable[CalendarEntry]) -> bytes:
    """The feed: the same entries give the same bytes (no time of generation in it)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Stockholm")
    cal.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    for entry in sorted(entries, key=lambda e: (e.due_on, str(e.activity_id))):
        cal.add_component(_event(entry))
    return cal.to_ical()
