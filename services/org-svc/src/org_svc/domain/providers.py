"""How a unit is run (seed 003 §1.4, §4.1; seed 001 §2.1): in the nämnd's own regi, or by a private
provider under a contract procured by LOU or LOV. The nämnd follows up both; for a provider it needs
the provider's name and organisationsnummer, the contract reference and the contract period. Kept over
time like the unit's other facts (history.py): a unit may change provider or return to egen regi.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from org_svc.domain.model import OrgRuleViolation

MAX_NAME = 300
MAX_REFERENCE = 100


class Regi(StrEnum):
    EGEN = "egen"
    PRIVAT = "privat"


class ProcurementForm(StrEnum):
    LOU = "lou"  # lagen (2016:1145) om offentlig upphandling
    LOV = "lov"  # lagen (2008:962) om valfrihetssystem


@dataclass(frozen=True)
class ProviderFacts:
    """For a unit in private regi: who runs it and under which contract."""

    procurement_form: ProcurementForm
    provider_name: str
    organisationsnummer: str | None  # NNNNNN-NNNN; None for a provider without one registered here
    contract_reference: str
    contract_from: date
    contract_to: date | None


_ORG_NR = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")


def luhn_valid(digits: str) -> bool:
    """The Luhn (modulus 10) check the Swedish organisations- and personnummer end with."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def normalise_organisationsnummer(text: str) -> str:
    """`NNNNNN-NNNN` from `NNNNNNNNNN`, `NNNNNN-NNNN` or the 12-digit `16NNNNNN-NNNN`.

    A legal person's number has 20 or more in its third and fourth digits; a number below that is a
    personnummer (an enskild firma's organisationsnummer is its owner's), which is refused: personal
    identity numbers are not kept here or sent in events."""
    match = _ORG_NR.match(text.strip().replace(" ", ""))
    if not match:
        raise OrgRuleViolation("organisationsnummer", "Organisationsnumret skrivs NNNNNN-NNNN")
    digits = match[1] + match[2]
    if not luhn_valid(digits):
        raise OrgRuleViolation("organisationsnummer", "Organisationsnumret har fel kontrollsiffra")
    if int(digits[2:4]) < 20:
        raise OrgRuleViolation(
            "organisationsnummer",
            "Numret är ett personnummer (enskild firma); lämna organisationsnumret tomt för en enskild firma",
        )
    return f"{match[1]}-{match[2]}"


def check_regi(regi: Regi, provider: ProviderFacts | None) -> ProviderFacts | None:
    """A unit in private regi has its provider facts; one in egen regi has none. Returns the facts
    with the organisationsnummer normalised."""
    if regi is Regi.EGEN:
        if provider is not None:
            raise OrgRuleViolation("provider", "En enhet i egen regi har ingen utförare")
        return None
    if provider is None:
        raise OrgRuleViolation(
            "provider", "En enhet i privat regi anger utförare, upphandlingsform och avtal"
        )
    name = " ".join(provider.provider_name.split())
    if not name or len(name) > MAX_NAME:
        raise OrgRuleViolation("provider.provider_name", f"Utförarens namn, högst {MAX_NAME} tecken")
    reference = provider.contract_reference.strip()
    if not reference or len(reference) > MAX_REFERENCE:
        raise OrgRuleViolation(
            "provider.contract_reference",
            f"Avtalets diarienummer eller referens, högst {MAX_REFERENCE} tecken",
        )
    if provider.contract_to is not None and provider.contract_to < provider.contract_from:
        raise OrgRuleViolation("provider.contract_to", "Avtalet upphör innan det börjar")
    number = provider.organisationsnummer
    return ProviderFacts(
        procurement_form=provider.procurement_form,
        provider_name=name,
        organisationsnummer=normalise_organisationsnummer(number) if number else None,
        contract_reference=reference,
        contract_from=provider.contract_from,
        contract_to=provider.contract_to,
    )
