"""The review cycle: every published document has a review interval (default 12 months) and a next
review date; its owner is reminded before it and the owner's chef is told when it is missed. A review
either publishes a new version or confirms the one in force ("granskad utan ändring", dated).

Sources: seed 001 §2.5 (processes reviewed at least once a year), seed 002 "Processverktyg"
(riktlinjer and rutiner reviewed continuously, the current version available).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum

from org_svc.domain.model import OrgConflict, OrgRuleViolation
from platform_shared.roles import Role

DEFAULT_INTERVAL_MONTHS = 12
MAX_INTERVAL_MONTHS = 36
DEFAULT_REMINDER_DAYS = 30  # the deadline rule document_review warns this long before


class ReviewOutcome(StrEnum):
    CONFIRMED = "confirmed"  # granskad utan ändring
    REVISED = "revised"  # a new version was published


OUTCOME_TITLES: dict[ReviewOutcome, str] = {
    ReviewOutcome.CONFIRMED: "Granskad utan ändring",
    ReviewOutcome.REVISED: "Reviderad",
}


class ReviewState(StrEnum):
    CURRENT = "current"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_interval(months: int) -> None:
    if not 1 <= months <= MAX_INTERVAL_MONTHS:
        raise OrgRuleViolation(
            "review_interval_months", f"Granskningsintervallet är 1–{MAX_INTERVAL_MONTHS} månader"
        )


def next_review_on(reviewed_or_published_on: date, interval_months: int = DEFAULT_INTERVAL_MONTHS) -> date:
    """The next review falls one interval after the version was published or last confirmed."""
    check_interval(interval_months)
    return add_months(reviewed_or_published_on, interval_months)


def reminder_on(next_review: date, reminder_days: int = DEFAULT_REMINDER_DAYS) -> date:
    return next_review - timedelta(days=reminder_days)


def review_state(next_review: date, today: date, reminder_days: int = DEFAULT_REMINDER_DAYS) -> ReviewState:
    if today > next_review:
        return ReviewState.OVERDUE
    if today >= reminder_on(next_review, reminder_days):
        return ReviewState.DUE_SOON
    return ReviewState.CURRENT


def check_review(
    *, has_published_version: bool, published_on: date | None, reviewed_on: date, today: date
) -> None:
    """A review is of the version in force, on a day between its publication and today."""
    if not has_published_version or published_on is None:
        raise OrgConflict("Dokumentet har ingen gällande version att granska")
    if reviewed_on < published_on:
        raise OrgRuleViolation("reviewed_on", "Granskningen kan inte vara före versionens publicering")
    if reviewed_on > today:
        raise OrgRuleViolation("reviewed_on", "En granskning registreras när den är gjord")


CHEF_ROLES: tuple[Role, ...] = (
    Role.ENHETSCHEF,
    Role.AVDELNINGSCHEF,
    Role.VERKSAMHETSCHEF,
    Role.SOCIALCHEF,
    Role.FORVALTNINGSCHEF,
)


def owners_chef_starts_above(owner_role: Role) -> bool:
    """Who is the owner's chef when a review is missed: an owner who is a chef answers to the chef of
    the unit above; anyone else (a MAS, a kvalitetsledare, a medarbetare) to the chef of her own unit.
    The service layer walks up from there to the nearest holder of a chef role."""
    return owner_role in CHEF_ROLES
