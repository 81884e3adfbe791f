"""The services on the request pipeline stay on it: ten-line routes (p90), no database access and no
commit in the API layer. The figures of all four are printed (`scripts/pipeline-figures`)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if "pipeline_figures" not in sys.modules:  # the tests are not a package: the sibling module by file
    _spec = importlib.util.spec_from_file_location(
        "pipeline_figures", Path(__file__).with_name("pipeline_figures.py")
    )
    assert _spec and _spec.loader
    sys.modules["pipeline_figures"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["pipeline_figures"])
figures = sys.modules["pipeline_figures"]

CONVERTED = ("org", "deviation", "risk", "reporting")


def test_converted_services_have_short_routes_and_no_database_in_the_api_layer() -> None:
    print("\n" + figures.report())
    for service in CONVERTED:
        f = figures.service_figures(service)
        assert figures.p90(f.routes) <= 10, (service, sorted(f.routes)[-5:])
        assert (f.db_touches, f.commits) == (0, 0), service
