"""A document's versions: draft → review → decided → published → superseded. Every version is kept
and stays readable; only a draft is edited; one version at a time is in the works and one is in force."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from org_svc.domain.model import OrgConflict, OrgRuleViolation


class VersionStatus(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"
    DECIDED = "decided"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


STATUS_TITLES: dict[VersionStatus, str] = {
    VersionStatus.DRAFT: "Utkast",
    VersionStatus.REVIEW: "På remiss",
    VersionStatus.DECIDED: "Beslutad",
    VersionStatus.PUBLISHED: "Gällande",
    VersionStatus.SUPERSEDED: "Ersatt",
}


class VersionCommand(StrEnum):
    SUBMIT = "submit"  # the draft goes to review (remiss, the decision-maker's preparation)
    RETURN = "return"  # back to draft for changes
    DECIDE = "decide"  # the decision is recorded
    PUBLISH = "publish"  # in force from its valid-from date; the earlier version is superseded
    SUPERSEDE = "supersede"  # by a newer published version, or when the document is withdrawn


_TRANSITIONS: dict[VersionCommand, tuple[frozenset[VersionStatus], VersionStatus]] = {
    VersionCommand.SUBMIT: (frozenset({VersionStatus.DRAFT}), VersionStatus.REVIEW),
    VersionCommand.RETURN: (frozenset({VersionStatus.REVIEW, VersionStatus.DECIDED}), VersionStatus.DRAFT),
    VersionCommand.DECIDE: (frozenset({VersionStatus.REVIEW}), VersionStatus.DECIDED),
    VersionCommand.PUBLISH: (frozenset({VersionStatus.DECIDED}), VersionStatus.PUBLISHED),
    VersionCommand.SUPERSEDE: (frozenset({VersionStatus.PUBLISHED}), VersionStatus.SUPERSEDED),
}

IN_WORKS = frozenset({VersionStatus.DRAFT, VersionStatus.REVIEW, VersionStatus.DECIDED})
MAX_BODY_CHARS = 200_000
MAX_TITLE_CHARS = 300


def next_status(current: VersionStatus, command: VersionCommand) -> VersionStatus:
    sources, target = _TRANSITIONS[command]
    if current not in sources:
        allowed = " eller ".join(STATUS_TITLES[s].lower() for s in sorted(sources))
        raise OrgConflict(
            f"Versionen är {STATUS_TITLES[current].lower()}; "
            f"det här steget kräver en version som är {allowed}"
        )
    return target


def check_editable(status: VersionStatus) -> None:
    """Text is written in the draft; a version that has gone to review is returned to draft first,
    and a decided or published one is never changed (a new version is made instead)."""
    if status is not VersionStatus.DRAFT:
        raise OrgConflict(f"Bara ett utkast kan ändras; versionen är {STATUS_TITLES[status].lower()}")


def check_new_version_allowed(statuses: Iterable[VersionStatus]) -> None:
    """One version at a time is in the works: finish or discard it before starting another."""
    if any(s in IN_WORKS for s in statuses):
        raise OrgConflict("Dokumentet har redan en version under arbete")


def next_number(numbers: Iterable[int]) -> int:
    return max(numbers, default=0) + 1


def check_content(title: str, body: str | None, attachment_count: int) -> None:
    """A version has a title and says something: Markdown text, attached files, or both."""
    if not title.strip():
        raise OrgRuleViolation("title", "Ange en titel")
    if len(title) > MAX_TITLE_CHARS:
        raise OrgRuleViolation("title", f"Titeln får vara högst {MAX_TITLE_CHARS} tecken")
    if body is not None and len(body) > MAX_BODY_CHARS:
        raise OrgRuleViolation("body", f"Texten får vara högst {MAX_BODY_CHARS} tecken")
    if not (body and body.strip()) and attachment_count == 0:
        raise OrgRuleViolation("body", "En version behöver text eller en bifogad fil")


def check_valid_from(valid_from: date, decided_on: date, today: date) -> None:
    """Publishing puts a version in force and supersedes the one before: it takes effect on or after
    the day it was decided, and not later than the day it is published."""
    if valid_from < decided_on:
        raise OrgRuleViolation("valid_from", "En version kan inte gälla från före beslutsdagen")
    if valid_from > today:
        raise OrgRuleViolation("valid_from", "Publicera versionen den dag den börjar gälla")
