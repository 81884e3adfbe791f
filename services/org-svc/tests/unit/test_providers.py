"""Units run by private providers: regi, procurement form, the provider and its contract, over time."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from org_svc.domain.history import ChangeKind, UnitChange, state_at
from org_svc.domain.model import OrgRuleViolation
from org_svc.domain.providers import (
    ProcurementForm,
    ProviderFacts,
    Regi,
    check_regi,
    luhn_valid,
    normalise_organisationsnummer,
)

PROVIDER = ProviderFacts(
    ProcurementForm.LOV,
    "Omsorgsbolaget  Norr AB",
    "5599001236",
    "SN 2025/112",
    date(2025, 7, 1),
    date(2029, 6, 30),
)


def test_an_organisationsnummer_is_ten_digits_with_a_luhn_check_digit() -> None:
    assert luhn_valid("5599001236")
    assert not luhn_valid("5599001237")
    for written in ("559900-1236", "5599001236", "16559900-1236", " 559900 1236 "):
        assert normalise_organisationsnummer(written) == "559900-1236"
    for wrong in ("559900-1237", "55990012", "55990A-1236", "18559900-1236"):
        with pytest.raises(OrgRuleViolation) as refused:
            normalise_organisationsnummer(wrong)
        assert refused.value.field == "organisationsnummer"


def test_a_personnummer_is_refused_as_organisationsnummer() -> None:
    with pytest.raises(OrgRuleViolation) as refused:
        normalise_organisationsnummer("811218-9876")  # a valid personnummer: month 12
    assert "personnummer" in refused.value.message


def test_a_unit_in_private_regi_names_its_provider_and_contract_and_one_in_egen_regi_none() -> None:
    checked = check_regi(Regi.PRIVAT, PROVIDER)
    assert checked is not None
    assert (checked.provider_name, checked.organisationsnummer) == ("Omsorgsbolaget Norr AB", "559900-1236")
    assert check_regi(Regi.EGEN, None) is None
    for regi, provider, field in (
        (Regi.PRIVAT, None, "provider"),
        (Regi.EGEN, PROVIDER, "provider"),
        (Regi.PRIVAT, replace(PROVIDER, provider_name=" "), "provider.provider_name"),
        (Regi.PRIVAT, replace(PROVIDER, contract_reference=""), "provider.contract_reference"),
        (Regi.PRIVAT, replace(PROVIDER, contract_to=date(2025, 1, 1)), "provider.contract_to"),
        (Regi.PRIVAT, replace(PROVIDER, organisationsnummer="559900-1237"), "organisationsnummer"),
    ):
        with pytest.raises(OrgRuleViolation) as refused:
            check_regi(regi, provider)
        assert refused.value.field == field
    assert check_regi(Regi.PRIVAT, replace(PROVIDER, organisationsnummer=None)) is not None


def test_regi_and_provider_are_kept_over_time_like_other_unit_facts() -> None:
    parent = uuid.uuid4()
    changes = [
        UnitChange(ChangeKind.CREATED, datetime(2020, 1, 1, tzinfo=UTC), name="Solgården", parent_id=parent),
        UnitChange(
            ChangeKind.REGI_CHANGED, datetime(2025, 7, 1, tzinfo=UTC), regi=Regi.PRIVAT, provider=PROVIDER
        ),
        UnitChange(ChangeKind.REGI_CHANGED, datetime(2029, 7, 1, tzinfo=UTC), regi=Regi.EGEN),
    ]
    before = state_at(changes, datetime(2024, 1, 1, tzinfo=UTC))
    during = state_at(changes, datetime(2026, 1, 1, tzinfo=UTC))
    after = state_at(changes, datetime(2030, 1, 1, tzinfo=UTC))
    assert before is not None and (before.regi, before.provider) == (Regi.EGEN, None)
    assert during is not None and (during.regi, during.provider) == (Regi.PRIVAT, PROVIDER)
    assert after is not None and (after.regi, after.provider, after.name) == (Regi.EGEN, None, "Solgården")
