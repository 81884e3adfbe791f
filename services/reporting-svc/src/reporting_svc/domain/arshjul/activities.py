"""Årshjul and activities: kinds, levels, dates, status, inheritance down the levels and adoption."""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from platform_shared.decisions import Decision, DecisionBody
from platform_shared.roles import Role
from reporting_svc.domain.model import RuleViolation

DEFAULT_DUE_SOON_DAYS = 14  # the deadline rule arshjul_activity warns this long before
MAX_TITLE_CHARS = 300


class ArshjulLevel(StrEnum):
    """The levels that keep an årshjul (the förvaltning's is the nämnd's quality work, seed 001 §2.2)."""

    FORVALTNING = "forvaltning"
    VERKSAMHETSOMRADE = "verksamhetsomrade"
    AVDELNING = "avdelning"
    ENHET = "enhet"


LEVEL_RANK: dict[ArshjulLevel, int] = {
    ArshjulLevel.FORVALTNING: 0,
    ArshjulLevel.VERKSAMHETSOMRADE: 1,
    ArshjulLevel.AVDELNING: 1,
    ArshjulLevel.ENHET: 2,
}


class ActivityKind(StrEnum):
    TERTIALRAPPORT = "tertialrapport"
    VERKSAMHETSBERATTELSE = "verksamhetsberattelse"
    VERKSAMHETSPLAN = "verksamhetsplan"
    KVALITETSBERATTELSE = "kvalitetsberattelse"
    PATIENTSAKERHETSBERATTELSE = "patientsakerhetsberattelse"
    RISKANALYS = "riskanalys"
    INTERNKONTROLLPLAN = "internkontrollplan"
    EGENKONTROLL = "egenkontroll"
    KVALITETSRAD = "kvalitetsrad"
    BRUKARUNDERSOKNING = "brukarundersokning"
    LEDNINGSSYSTEM_REVIEW = "ledningssystem_review"
    INFORMATION_DUTY = "information_duty"
    OWN = "own"


KIND_TITLES: dict[ActivityKind, str] = {
    ActivityKind.TERTIALRAPPORT: "Tertialrapport",
    ActivityKind.VERKSAMHETSBERATTELSE: "Verksamhetsberättelse",
    ActivityKind.VERKSAMHETSPLAN: "Verksamhetsplan",
    ActivityKind.KVALITETSBERATTELSE: "Kvalitetsberättelse",
    ActivityKind.PATIENTSAKERHETSBERATTELSE: "Patientsäkerhetsberättelse",
    ActivityKind.RISKANALYS: "Riskanalys",
    ActivityKind.INTERNKONTROLLPLAN: "Internkontrollplan",
    ActivityKind.EGENKONTROLL: "Egenkontroll",
    ActivityKind.KVALITETSRAD: "Kvalitetsråd",
    ActivityKind.BRUKARUNDERSOKNING: "Brukarundersökning",
    ActivityKind.LEDNINGSSYSTEM_REVIEW: "Genomgång av ledningssystemet",
    ActivityKind.INFORMATION_DUTY: "Information till medarbetare",
    ActivityKind.OWN: "Egen aktivitet",
}


class ActivityStatus(StrEnum):
    PLANNED = "planned"
    DUE_SOON = "due_soon"
    DONE = "done"
    LATE = "late"
    CANCELLED = "cancelled"


STATUS_TITLES: dict[ActivityStatus, str] = {
    ActivityStatus.PLANNED: "Planerad",
    ActivityStatus.DUE_SOON: "Snart dags",
    ActivityStatus.DONE: "Klar",
    ActivityStatus.LATE: "Försenad",
    ActivityStatus.CANCELLED: "Struken",
}


@dataclass(frozen=True)
class Activity:
    id: uuid.UUID
    kind: ActivityKind
    title: str
    due_on: date
    unit_id: uuid.UUID  # the responsible unit (its årshjul's)
    responsible_role: str
    period_year: int  # the year it concerns: VB/KB/PSB the year before, VP/internkontrollplan the year after
    tertial: int | None = None  # T1/T2 and the kvalitetsråd before them
    reports_to_unit_id: uuid.UUID | None = None
    inherited_from_id: uuid.UUID | None = None  # the higher level's activity this one feeds
    target_id: uuid.UUID | None = None  # e.g. the ledningssystem document to review
    fulfilled_on: date | None = None
    cancelled: bool = False


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def activity_status(
    due_on: date,
    fulfilled_on: date | None,
    today: date,
    *,
    cancelled: bool = False,
    soon_days: int = DEFAULT_DUE_SOON_DAYS,
) -> ActivityStatus:
    """Done once fulfilled (late or not); late when its date has passed; due soon within the window."""
    if cancelled:
        return ActivityStatus.CANCELLED
    if fulfilled_on is not None:
        return ActivityStatus.DONE
    if today > due_on:
        return ActivityStatus.LATE
    return ActivityStatus.DUE_SOON if today >= due_on - timedelta(days=soon_days) else ActivityStatus.PLANNED


def check_activity(year: int, title: str, due_on: date, period_year: int, tertial: int | None) -> None:
    """An activity of a year's årshjul falls in that year; it concerns that year, the one before (a
    berättelse) or the one after (a plan); a tertial is 1–3."""
    if not title.strip() or len(title) > MAX_TITLE_CHARS:
        raise RuleViolation(f"Ange en rubrik på högst {MAX_TITLE_CHARS} tecken", "title")
    if due_on.year != year:
        raise RuleViolation(f"Aktiviteten ska ligga i årshjulets år {year}", "due_on")
    if not year - 1 <= period_year <= year + 1:
        raise RuleViolation("Aktiviteten gäller året, året före eller året efter", "period_year")
    if tertial is not None and tertial not in (1, 2, 3):
        raise RuleViolation("Tertial är 1, 2 eller 3", "tertial")


def check_reschedule(activity: Activity, new_due: date, year: int, origin_due: date | None) -> None:
    """A moved activity stays in its year; one that feeds a higher level's activity is done by then."""
    if activity.cancelled or activity.fulfilled_on is not None:
        raise RuleViolation("En klar eller struken aktivitet flyttas inte", state=True)
    if new_due.year != year:
        raise RuleViolation(f"Aktiviteten ska ligga i årshjulets år {year}", "due_on")
    if origin_due is not None and new_due > origin_due:
        raise RuleViolation(
            "Aktiviteten lämnar underlag till nivån ovanför och ska vara klar senast "
            f"{origin_due.isoformat()}",
            "due_on",
        )


def check_cancel(activity: Activity) -> None:
    """Lower levels inherit and add, they do not drop: an inherited activity is struck only where it
    comes from (which strikes it on every level, `cascade_cancel`)."""
    if activity.inherited_from_id is not None:
        raise RuleViolation("Aktiviteten kommer från nivån ovanför och stryks där", state=True)
    if activity.cancelled or activity.fulfilled_on is not None:
        raise RuleViolation("Aktiviteten är redan klar eller struken", state=True)


def cascade_cancel(origin_id: uuid.UUID, activities: Iterable[Activity]) -> list[uuid.UUID]:
    """The activity and every copy below it, level by level."""
    children: dict[uuid.UUID, list[uuid.UUID]] = {}
    for a in activities:
        if a.inherited_from_id is not None:
            children.setdefault(a.inherited_from_id, []).append(a.id)
    found, stack = [origin_id], [origin_id]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


@dataclass(frozen=True)
class ViewEntry:
    activity: Activity
    inherited: bool  # shown from a higher level, for the lower level to plan by (not its to do)


def calendar_view(own: Iterable[Activity], above: Iterable[Activity]) -> list[ViewEntry]:
    """A level's årshjul: its own activities and the higher levels' ones it does not carry a copy of
    (directly or through the level between), in date order."""
    own, above = list(own), list(above)
    feeds = {a.id: a.inherited_from_id for a in above}
    carried: set[uuid.UUID] = set()
    for a in own:  # the copy it feeds, and the one that copy feeds, up to the top
        origin = a.inherited_from_id
        while origin is not None and origin not in carried:
            carried.add(origin)
            origin = feeds.get(origin)
    entries = [ViewEntry(a, False) for a in own]
    entries += [ViewEntry(a, True) for a in above if a.id not in carried and not a.cancelled]
    return sorted(
        entries, key=lambda e: (e.activity.due_on, e.inherited, e.activity.title, str(e.activity.id))
    )


# Who adopts a level's årshjul: the socialchef the nämnd's (seed 001 §2.2), each chef her level's
# activities (seed 003 §4.4–4.5: "identifiera och fastställa … aktiviteter som behöver genomföras
# under året").
ADOPTERS: dict[ArshjulLevel, frozenset[Role]] = {
    ArshjulLevel.FORVALTNING: frozenset({Role.SOCIALCHEF, Role.FORVALTNINGSCHEF}),
    ArshjulLevel.VERKSAMHETSOMRADE: frozenset({Role.VERKSAMHETSCHEF}),
    ArshjulLevel.AVDELNING: frozenset({Role.AVDELNINGSCHEF}),
    ArshjulLevel.ENHET: frozenset({Role.ENHETSCHEF}),
}


def check_adoption(
    level: ArshjulLevel, year: int, decision: Decision, *, adopted: bool, activities: int
) -> None:
    if adopted:
        raise RuleViolation("Årshjulet är redan fastställt", state=True)
    if activities == 0:
        raise RuleViolation("Ett årshjul utan aktiviteter fastställs inte", state=True)
    by_namnd = decision.body is DecisionBody.NAMND
    if (by_namnd and level is not ArshjulLevel.FORVALTNING) or (
        not by_namnd and decision.role not in ADOPTERS[level]
    ):
        who = " eller ".join(sorted(r.value for r in ADOPTERS[level]))
        raise RuleViolation(f"Årshjulet fastställs av {who}", "decision")
    if decision.decided_on.year > year:
        raise RuleViolation("Årshjulet fastställs senast under sitt år", "decision")
