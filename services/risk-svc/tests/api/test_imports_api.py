"""Imports of Kolada figures and comparisons over municipalities through the API
(docs/goals-and-forums.md §2)."""

from __future__ import annotations

import io
from importlib import resources
from typing import Any

from openpyxl import Workbook

IMPORTS = "/api/v1/risk/imports"


def _sample(name: str) -> bytes:
    return resources.files("risk_svc.demo").joinpath(name).read_bytes()


async def _upload(svc: Any, person: str, expect: int, content: bytes, name: str, kind: str = "values") -> Any:
    files = {"file": (name, content)}
    return (await svc.call("POST", IMPORTS, person, expect, files=files, data={"kind": kind})).json()


async def test_an_import_is_idempotent_and_reports_refused_rows(svc: Any) -> None:
    first = await _upload(svc, "kvalitetsledare", 201, _sample("kolada_sample.csv"), "kolada_sample.csv")
    assert (first["imported"], first["replaced"], first["unchanged"], first["refused_count"]) == (
        120,
        0,
        0,
        0,
    )
    assert first["municipalities"] == ["0138", "0486", "1489", "1497"] and first["years"][0] == 2019
    again = await _upload(svc, "kvalitetsledare", 201, _sample("kolada_sample.csv"), "kolada_sample.csv")
    assert (again["imported"], again["replaced"], again["unchanged"]) == (0, 0, 120)
    revised = (
        "Kommun;KPI;År;Kön;Värde\n"
        "138;U21468;2024;T;99,5\n"  # a kommunkod from a spreadsheet; Kolada revised the figure
        "0138;U2146;2024;T;1\n"
        "0138;U21468;2031;T;1\n"
        "0138;U21468;2024;T;98\n"
        "0138;U21468;2024;Q;1\n"
    ).encode()
    report = await _upload(svc, "enhetschef_a", 201, revised, "rättelse.csv")
    assert (report["imported"], report["replaced"], report["unchanged"]) == (0, 1, 0)
    assert [r["row"] for r in report["refused"]] == [3, 4, 5, 6]
    reasons = [r["reason"] for r in report["refused"]]
    assert reasons[0].startswith("KPI-id ska vara") and "finns redan på rad 2" in reasons[2]
    assert report["summary"].endswith("se skälen per rad.")
    (*_, event) = await svc.events("ComparisonDataImported")
    assert (event["replaced"], event["refused"]) == (1, 4)
    await _upload(svc, "kvalitetsledare", 201, _sample("kolada_sample_titles.csv"), "titles.csv", "titles")
    compared = await svc.json(
        "GET",
        f"{IMPORTS}/comparisons",
        "namnd",
        params={"kpi": "U21468", "municipality": ["0138", "1497"], "from": 2023, "to": 2024},
    )
    assert compared["title"].startswith("Exempel: brukarbedömning hemtjänst")
    tyreso = compared["series"][0]
    assert tyreso["municipality"] == "0138" and float(tyreso["values"][1]["value"]) == 99.5
    assert [s["municipality"] for s in compared["series"]] == ["0138", "1497"]
    shown = await svc.json("GET", f"{IMPORTS}/{report['id']}", "kvalitetsledare")
    assert shown["refused"] == report["refused"]


async def test_a_file_that_cannot_be_read_is_refused_whole_and_xlsx_is_read_like_csv(svc: Any) -> None:
    missing = await _upload(
        svc, "kvalitetsledare", 422, b"kpi;municipality;period;gender\nU21468;0138;2024;T\n", "a.csv"
    )
    assert missing["errors"][0]["field"] == "file" and "value" in missing["errors"][0]["message"]
    await _upload(svc, "medarbetare_a", 403, _sample("kolada_sample.csv"), "kolada_sample.csv")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["kpi", "municipality", "period", "gender", "value"])
    sheet.append(["N21807", 138, 2024, "T", 41.5])
    buffer = io.BytesIO()
    book.save(buffer)
    report = await _upload(svc, "kvalitetsledare", 201, buffer.getvalue(), "kolada.xlsx")
    assert (report["file_format"], report["imported"], report["municipalities"]) == ("xlsx", 1, ["0138"])
