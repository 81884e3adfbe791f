from __future__ import annotations

from datetime import date

import pytest

from platform_shared.ids import new_id
from reporting_svc.domain.model import RuleViolation
from reporting_svc.domain.notifications import EscalationLaw, NotificationKind, escalation_notices
from reporting_svc.domain.periods import Granularity, buckets


def test_period_may_be_a_single_day() -> None:
    (bucket,) = buckets(date(2026, 3, 1), date(2026, 3, 1), Granularity.TOTAL)
    assert (bucket.first, bucket.last) == (date(2026, 3, 1), date(2026, 3, 1))


def test_period_from_after_to_is_refused() -> None:
    with pytest.raises(RuleViolation) as err:
        buckets(date(2026, 3, 2), date(2026, 3, 1), Granularity.MONTH)
    assert err.value.field == "from"


def test_lex_sarah_decision_maker_is_told_in_swedish_to_file_with_ivo_and_inform_the_namnd() -> None:
    chef = new_id()
    (task,) = escalation_notices(
        EscalationLaw.LEX_SARAH, "AVV-2026-000001", "pataglig_risk_allvarligt", chef, []
    )
    assert task.recipient_id == chef
    assert task.kind is NotificationKind.LEX_SARAH_FILE_ANMALAN
    assert "AVV-2026-000001" in task.title and "AVV-2026-000001" in task.body
    assert "lex Sarah" in task.body
    assert "IVO:s e-tjänst" in task.body
    assert "informera nämnden" in task.body
    assert "påtaglig risk för ett allvarligt missförhållande" in task.body


def test_every_kvalitetsledare_is_told_once_and_the_decision_maker_gets_the_task_only() -> None:
    mas, kl1, kl2 = new_id(), new_id(), new_id()
    notices = escalation_notices(
        EscalationLaw.LEX_MARIA, "AVV-2026-000002", "allvarlig_vardskada", mas, [kl1, mas, kl2, kl1]
    )
    assert [(n.recipient_id, n.kind) for n in notices] == [
        (mas, NotificationKind.LEX_MARIA_FILE_ANMALAN),
        (kl1, NotificationKind.LEX_MARIA_ANMALAN_DECIDED),
        (kl2, NotificationKind.LEX_MARIA_ANMALAN_DECIDED),
    ]
    assert all("lex Maria" in n.body and "AVV-2026-000002" in n.body for n in notices)
    assert "allvarlig vårdskada" in notices[0].body
