"""The permission matrix, kept as data: action × role → grants (docs/domain.md 8.2), open cells decided.

A grant says how far a role reaches for an action:
- ALL: every unit;  SUBTREE: the role's unit and its subtree;
- ASSIGNED: objects the person is assigned to (investigator, responsible for an action);
- OWN: objects the person reported or owns;
- AGGREGATE: de-identified figures only (small cells suppressed), never an object with personal data.
`case_types` narrows a grant to some kinds of case (e.g. MAS: only `hsl`).
Cells the domain text leaves open ("need-to-know", "contribute") are decided here and explained,
cell by cell, in docs/org-and-access.md (shared/tests/access/test_permission_matrix.py checks every
role × action against a table written by hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from platform_shared.roles import GRANTS_AS, Role


class Scope(StrEnum):
    ALL = "all"
    SUBTREE = "subtree"
    ASSIGNED = "assigned"
    OWN = "own"
    AGGREGATE = "aggregate"


@dataclass(frozen=True)
class Grant:
    scope: Scope
    case_types: frozenset[str] | None = None

    def admits(self, case_type: str | None) -> bool:
        return self.case_types is None or case_type in self.case_types


class Action(StrEnum):
    # org-svc
    ORG_READ = "org.read"
    ORG_MANAGE = "org.manage"  # units, people, roles, delegations, integration clients
    AUDIT_READ = "audit.read"
    # deviation-svc: deviations, complaints, data breaches ("cases")
    CASE_CREATE = "case.create"
    CASE_READ = "case.read"  # the object with personal data
    CASE_RECEIVE = "case.receive"  # receive + immediate measures
    CASE_INVESTIGATE = "case.investigate"
    CASE_DECIDE = "case.decide"  # final decision of an ordinary or HSL deviation
    LEX_SARAH_PROPOSE = "lex_sarah.propose"  # propose a Lex Sarah degree
    LEX_SARAH_DECIDE = "lex_sarah.decide"  # decide the Lex Sarah degree
    IVO_DECISION_LEX_SARAH = "ivo.lex_sarah"  # decide and file the IVO anmälan (Lex Sarah)
    IVO_DECISION_LEX_MARIA = "ivo.lex_maria"  # decide and file the IVO anmälan (Lex Maria)
    CASE_ACTIONS = "case.actions"  # actions, follow-up, close, reopen
    CASE_ATTACH = "case.attach"  # add an attachment (the reporter on her own report, the case's handlers)
    CASE_RECLASSIFY = "case.reclassify"
    CASE_VOID = "case.void"
    # risk-svc
    RISK_CONTRIBUTE = "risk.contribute"  # report a risk as identified
    RISK_MANAGE = "risk.manage"  # assess, prioritise, escalate, analyses, egenkontroll
    RISK_READ = "risk.read"
    CONTROL_PLAN_PREPARE = "control_plan.prepare"
    CONTROL_PLAN_ADOPT = "control_plan.adopt"
    CONTROL_PERFORM = "control.perform"
    # reporting-svc
    STATS_READ = "stats.read"
    REPORT_WRITE = "report.write"  # draft and analysis text
    REPORT_APPROVE = "report.approve"  # reviewed
    REPORT_ADOPT = "report.adopt"  # adopted, reported to the nämnd
    WEBHOOK_MANAGE = "webhook.manage"
    # every service
    OPS_DEAD_LETTERS = "ops.dead_letters"
    # the staff's information duty (issue 13): record that information was given; the items themselves
    INFORMATION_RECORD = "information.record"
    INFORMATION_MANAGE = "information.manage"  # define and change the items (their days)


R = Role
_ALL = Grant(Scope.ALL)
_SUB = Grant(Scope.SUBTREE)
_OWN = Grant(Scope.OWN)
_ASSIGNED = Grant(Scope.ASSIGNED)
_AGG = Grant(Scope.AGGREGATE)
_HSL = Grant(Scope.SUBTREE, frozenset({"hsl"}))
_LEX_SARAH = Grant(Scope.SUBTREE, frozenset({"lex_sarah"}))
_ORDINARY = Grant(Scope.SUBTREE, frozenset({"avvikelse", "complaint", "data_breach"}))
_NOT_LEX_SARAH = Grant(Scope.SUBTREE, frozenset({"avvikelse", "hsl", "complaint", "data_breach"}))

_CHEFS = (R.ENHETSCHEF, R.AVDELNINGSCHEF, R.VERKSAMHETSCHEF)
_TOP = (R.SOCIALCHEF, R.FORVALTNINGSCHEF)
_ANALYSTS = (R.CONTROLLER, R.VERKSAMHETSUTVECKLARE)


def _g(*pairs: tuple[tuple[Role, ...] | Role, tuple[Grant, ...] | Grant]) -> dict[Role, tuple[Grant, ...]]:
    table: dict[Role, tuple[Grant, ...]] = {}
    for roles, grants in pairs:
        for role in roles if isinstance(roles, tuple) else (roles,):
            table[role] = table.get(role, ()) + (grants if isinstance(grants, tuple) else (grants,))
    return table


PERMISSIONS: dict[Action, dict[Role, tuple[Grant, ...]]] = {
    Action.ORG_READ: _g((tuple(Role), _ALL)),
    Action.ORG_MANAGE: _g((R.SYSTEMADMINISTRATOR, _SUB)),
    Action.AUDIT_READ: _g((R.SYSTEMADMINISTRATOR, _SUB), (R.KVALITETSLEDARE, _SUB)),
    # Everyone with an active role reports what they see, for any unit (issue 2; the source matrix had
    # "–" for nämnd and systemadministratör, the issue is newer and wins: docs/org-and-access.md 6).
    Action.CASE_CREATE: _g((tuple(Role), _ALL)),
    Action.CASE_READ: _g(
        (R.MEDARBETARE, _OWN),
        (_CHEFS, _SUB),
        (_TOP, _SUB),  # need-to-know: decided as their own scope (they decide Lex Sarah)
        (R.MAS, _HSL),
        (R.SAS, (_LEX_SARAH, _ASSIGNED)),  # "assigned", and the Lex Sarah cases the SAS investigates
        (R.KVALITETSLEDARE, (_SUB, _ASSIGNED)),  # need-to-know: scope, every read audited
        (_ANALYSTS, _AGG),
        (R.NAMND_LEDAMOT, _AGG),
    ),
    Action.CASE_RECEIVE: _g((_CHEFS, _SUB), (_TOP, _ALL), (R.MAS, _HSL), (R.SAS, _ALL)),
    Action.CASE_INVESTIGATE: _g(
        (R.ENHETSCHEF, _SUB), (R.MAS, _HSL), (R.SAS, _LEX_SARAH), (R.KVALITETSLEDARE, _ASSIGNED)
    ),
    Action.CASE_DECIDE: _g((_CHEFS, _ORDINARY), (_TOP, _SUB), (R.MAS, _HSL)),
    Action.LEX_SARAH_PROPOSE: _g(
        (R.ENHETSCHEF, _SUB), (R.VERKSAMHETSCHEF, _SUB), (R.SAS, _SUB), (R.KVALITETSLEDARE, _SUB)
    ),
    Action.LEX_SARAH_DECIDE: _g((_TOP, _SUB)),
    Action.IVO_DECISION_LEX_SARAH: _g((_TOP, _SUB)),
    Action.IVO_DECISION_LEX_MARIA: _g((R.MAS, _SUB)),
    Action.CASE_ACTIONS: _g(
        (R.MEDARBETARE, _ASSIGNED),
        (_CHEFS, _SUB),
        (_TOP, _ALL),
        (R.MAS, _HSL),
        (R.SAS, _LEX_SARAH),
    ),
    # Attachments are written by those who work the case, not by everyone who may read it: the reporter
    # on her own report, the chefs and the socialchef in scope, the MAS on HSL and the SAS on Lex Sarah
    # cases, an assigned investigator. Kvalitetsledare (need-to-know reading), analysts, the nämnd and
    # read-only integration clients do not.
    Action.CASE_ATTACH: _g(
        (R.MEDARBETARE, _OWN),
        (_CHEFS, _SUB),
        (_TOP, _SUB),
        (R.MAS, _HSL),
        (R.SAS, (_LEX_SARAH, _ASSIGNED)),
        (R.KVALITETSLEDARE, _ASSIGNED),
    ),
    # A Lex Sarah report is voided or handed back (reclassified) by the one who investigates Lex Sarah —
    # the SAS, a kvalitetsledare or the socialchef — never by the unit's chefs (conflict of interest,
    # docs/domain.md 2.5 as narrowed by issue 12); an HSL case is voided by the MAS or the socialchef.
    Action.CASE_RECLASSIFY: _g(
        (_CHEFS, _NOT_LEX_SARAH),
        (_TOP, _ALL),
        (R.MAS, _SUB),
        (R.SAS, _SUB),
        (R.KVALITETSLEDARE, _LEX_SARAH),
    ),
    Action.CASE_VOID: _g(
        (_CHEFS, _ORDINARY),
        (_TOP, _ALL),
        (R.MAS, _HSL),
        (R.SAS, _LEX_SARAH),
        (R.KVALITETSLEDARE, _LEX_SARAH),
    ),
    # "contribute" (medarbetare): report a risk as identified in one's own scope; everyone whose cell in
    # the "Risks, egenkontroll" row is S/HSL/✓ contributes too. SAS (–), controller/verksamhetsutvecklare
    # and nämnd (A) do not: they report what they see as deviations (case.create).
    Action.RISK_CONTRIBUTE: _g(
        (R.MEDARBETARE, _SUB), (_CHEFS, _SUB), (_TOP, _ALL), (R.MAS, _SUB), (R.KVALITETSLEDARE, _ALL)
    ),
    Action.RISK_MANAGE: _g((_CHEFS, _SUB), (_TOP, _ALL), (R.MAS, _SUB), (R.KVALITETSLEDARE, _ALL)),
    Action.RISK_READ: _g(
        (R.MEDARBETARE, _OWN),  # "contribute": the risks one reported
        (_CHEFS, _SUB),
        (_TOP, _ALL),
        (R.MAS, _SUB),  # "HSL": risks carry no law, so the MAS's whole scope
        (R.KVALITETSLEDARE, _ALL),
        (_ANALYSTS, _AGG),
        (R.NAMND_LEDAMOT, _AGG),
    ),  # SAS: none (the SAS follows Lex Sarah, not the risk register; docs/org-and-access.md 6)
    Action.CONTROL_PLAN_PREPARE: _g(
        (_CHEFS, _SUB), (_TOP, _ALL), (R.MAS, _SUB), (R.KVALITETSLEDARE, _ALL), (_ANALYSTS, _ALL)
    ),
    # The nämnd adopts as a body at its meeting; the officials who serve it (socialchef, förvaltningschef,
    # kvalitetsledare) record its decision with the meeting and § (platform_shared.decisions, issue 12).
    Action.CONTROL_PLAN_ADOPT: _g((_TOP, _ALL), (R.KVALITETSLEDARE, _ALL)),
    Action.CONTROL_PERFORM: _g((_CHEFS, _SUB), (_TOP, _ALL), (R.MAS, _SUB), (R.KVALITETSLEDARE, _ALL)),
    Action.STATS_READ: _g(
        (_CHEFS, _SUB),
        (_TOP, _ALL),
        (R.MAS, _SUB),
        (R.SAS, _SUB),
        (R.KVALITETSLEDARE, _ALL),
        (_ANALYSTS, Grant(Scope.AGGREGATE)),
        (R.NAMND_LEDAMOT, _AGG),
    ),
    Action.REPORT_WRITE: _g(
        (_CHEFS, _SUB),
        (_TOP, _ALL),
        (R.MAS, _SUB),
        (R.SAS, _SUB),
        (R.KVALITETSLEDARE, _ALL),
        (_ANALYSTS, _ALL),
    ),
    Action.REPORT_APPROVE: _g((_TOP, _ALL)),
    # Records an adoption: the nämnd's (recorded by socialchef, förvaltningschef or kvalitetsledare) or a
    # role's own (a unit's KB by its chef, the PSB by the MAS); which one a report needs is
    # reporting-svc's domain/adoption.py. A nämnd member never adopts alone (issue 12).
    Action.REPORT_ADOPT: _g((_CHEFS, _SUB), (_TOP, _ALL), (R.MAS, _SUB), (R.KVALITETSLEDARE, _ALL)),
    Action.WEBHOOK_MANAGE: _g((R.SYSTEMADMINISTRATOR, _ALL)),
    Action.OPS_DEAD_LETTERS: _g((R.SYSTEMADMINISTRATOR, _ALL)),
    # The chef who tells the staff records it (seed 002: at employment and yearly at an APT); the
    # socialchef/förvaltningschef and the kvalitetsledare decide what staff must be told.
    Action.INFORMATION_RECORD: _g((_CHEFS, _SUB), (_TOP, _ALL)),
    Action.INFORMATION_MANAGE: _g((_TOP, _ALL), (R.KVALITETSLEDARE, _ALL)),
}

# What each action is called where a person reads it (a 403's detail: "Din roll ger inte behörighet att
# <label> här").
ACTION_LABELS: dict[Action, str] = {
    Action.ORG_READ: "läsa organisationen",
    Action.ORG_MANAGE: "administrera organisationen",
    Action.OPS_DEAD_LETTERS: "hantera händelser som inte kunde tillämpas",
    Action.AUDIT_READ: "läsa granskningsloggen",
    Action.CASE_CREATE: "registrera ärenden",
    Action.CASE_READ: "läsa ärendet",
    Action.CASE_RECEIVE: "ta emot ärendet",
    Action.CASE_INVESTIGATE: "utreda ärendet",
    Action.CASE_DECIDE: "besluta i ärendet",
    Action.LEX_SARAH_PROPOSE: "föreslå allvarlighetsgrad enligt lex Sarah",
    Action.LEX_SARAH_DECIDE: "besluta enligt lex Sarah",
    Action.IVO_DECISION_LEX_SARAH: "besluta om anmälan till IVO enligt lex Sarah",
    Action.IVO_DECISION_LEX_MARIA: "besluta om anmälan till IVO enligt lex Maria",
    Action.CASE_ACTIONS: "hantera ärendets åtgärder",
    Action.CASE_ATTACH: "bifoga filer till ärendet",
    Action.CASE_RECLASSIFY: "ändra ärendets typ",
    Action.CASE_VOID: "makulera ärendet",
    Action.RISK_CONTRIBUTE: "rapportera risker",
    Action.RISK_MANAGE: "hantera risker",
    Action.RISK_READ: "läsa risker",
    Action.CONTROL_PLAN_PREPARE: "ta fram internkontrollplanen",
    Action.CONTROL_PLAN_ADOPT: "anta internkontrollplanen",
    Action.CONTROL_PERFORM: "utföra kontroller",
    Action.STATS_READ: "läsa statistik",
    Action.REPORT_WRITE: "skriva rapporter",
    Action.REPORT_APPROVE: "granska rapporter",
    Action.REPORT_ADOPT: "anta rapporter",
    Action.WEBHOOK_MANAGE: "hantera webhooks",
    Action.INFORMATION_RECORD: "registrera att medarbetare har informerats",
    Action.INFORMATION_MANAGE: "hantera vad medarbetare ska informeras om",
}

# myndighetschef and stabschef take the column of the role they grant as (roles.GRANTS_AS).
for _cells in PERMISSIONS.values():
    _cells.update({role: _cells[same] for role, same in GRANTS_AS.items() if same in _cells})

# Decision types that can be delegated (delegationsordning) and the action each one unlocks.
DELEGABLE: dict[str, Action] = {
    "ivo_anmalan_lex_sarah": Action.IVO_DECISION_LEX_SARAH,
    "ivo_anmalan_lex_maria": Action.IVO_DECISION_LEX_MARIA,
    "lex_sarah_beslut": Action.LEX_SARAH_DECIDE,
}


def delegation_owners(decision_type: str) -> frozenset[Role]:
    """The roles that own a delegable decision: those the matrix grants its action to."""
    action = DELEGABLE.get(decision_type)
    return frozenset(PERMISSIONS[action]) if action is not None else frozenset()


# What a registered system client (Lifecare, Treserva, an app backend) may be allowed to call.
# Decisions, adoption, administration and the audit log stay with accountable people.
CLIENT_OPERATIONS: frozenset[Action] = frozenset(
    {
        Action.ORG_READ,
        Action.CASE_CREATE,
        Action.CASE_READ,
        Action.CASE_ATTACH,
        Action.RISK_CONTRIBUTE,
        Action.RISK_READ,
        Action.STATS_READ,
    }
)
