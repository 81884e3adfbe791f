"""schemathesis over the merged OpenAPI of the embedded app (issue 10, "How it is shown"): every
operation, as the socialchef and as a medarbetare of the demo organisation, with all of schemathesis'
checks: no server error, no answer that its documented schema does not describe, no undocumented
status code. A few examples per operation and generation mode in CI (`SCHEMATHESIS_MAX_EXAMPLES`,
default 2); more locally, e.g. `SCHEMATHESIS_MAX_EXAMPLES=50`.

The app runs in-process on schemathesis' own event loop (its ASGI transport starts the lifespan), on a
copy of the seeded demo; half of the cases use the ids of the demo's real objects in their path.
(One test walks the operations rather than `schema.parametrize()`: schemathesis' lazy pytest schema
does not run under pytest 9.2.)"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config._checks import PositiveDataAcceptanceConfig

from embedded_runner.app import build_embedded

ROLES = ("socialchef", "medarbetare")
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "2"))


def _exercise(operation: Any, real: list[dict[str, str]], headers: dict[str, dict[str, str]]) -> None:
    # (case, whether it is schema-valid): a real id only goes into a valid case (an invalid one stays so)
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE).map(lambda c: (c, True)),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE).map(lambda c: (c, False)),
    )

    @given(generated=strategy, use_real=st.booleans(), pick=st.integers(0, 99))
    @settings(
        max_examples=2 * MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(generated: tuple[schemathesis.Case, bool], use_real: bool, pick: int) -> None:
        case, valid = generated
        if valid and use_real and real and case.path_parameters:
            case.path_parameters = {**case.path_parameters, **real[pick % len(real)]}
        for role in ROLES:
            case.call_and_validate(headers=headers[role])

    run()


# schemathesis' own strategies use `random` (hypothesis warns; nothing of ours)
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
def test_every_operation_answers_as_documented_for_the_socialchef_and_a_medarbetare(
    demo: Any, tmp_path: Path
) -> None:
    embedded = build_embedded(demo.copy(tmp_path))
    schema = schemathesis.openapi.from_asgi("/openapi.json", embedded.app)
    # A schema-valid request can still break a rule of the domain (a parent unit that does not exist, a
    # date range the wrong way round): 422 is an expected answer to valid data too.
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=["2xx", "401", "403", "404", "409", "412", "422"]
    )
    # The caller's token is the test's, not generated; a query parameter the operation does not name is
    # ignored (as HTTP APIs do), so it is no invalid input.
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
    headers = {role: demo.first_with_role(role).headers for role in ROLES}
    failures: list[str] = []
    started = time.monotonic()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _exercise(operation, demo.bindings.get(operation.path, []), headers)
        except (Exception, BaseExceptionGroup) as error:  # every operation is tried, all failures reported
            failures.append(f"{operation.method.upper()} {operation.path}: {str(error)[:1500]}")
    took = time.monotonic() - started
    print(f"\nschemathesis: {operations} operations in {took:.0f} s, {len(failures)} failing")
    assert not failures, "\n\n".join(failures)
