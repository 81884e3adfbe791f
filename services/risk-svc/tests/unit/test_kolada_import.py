from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest
from openpyxl import Workbook

from risk_svc.domain.kolada import (
    FileFormat,
    Gender,
    KoladaKey,
    comparison,
    parse_titles,
    parse_values,
    plan_import,
    report,
)
from risk_svc.domain.model import RuleViolation

TODAY = date(2026, 3, 1)


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_semicolon_csv_with_decimal_comma_is_read() -> None:
    parsed = parse_values(csv_bytes("kpi;municipality;period;gender;value\nU21468;0138;2024;T;81,5\n"), TODAY)
    assert parsed.format is FileFormat.CSV and not parsed.refused
    assert [(r.row, r.key, r.value) for r in parsed.rows] == [
        (2, KoladaKey("U21468", "0138", 2024, Gender.T), Decimal("81.5"))
    ]


def test_a_comma_csv_with_decimal_point_bom_and_swedish_headers_is_read() -> None:
    text = "\ufeffKPI,Kommun,År,Kön,Värde\nu21468,0138,2023,k,79.25\nU21468,0138,2023,M,\n"
    parsed = parse_values(csv_bytes(text), TODAY)
    assert [(r.key.gender, r.value) for r in parsed.rows] == [(Gender.K, Decimal("79.25")), (Gender.M, None)]


def test_an_xlsx_file_is_read_and_a_kommunkod_that_lost_its_zero_is_restored() -> None:
    content = xlsx_bytes(
        [["kpi", "municipality", "period", "gender", "value"], ["N21807", 138, 2022, "T", 9.5]]
    )
    parsed = parse_values(content, TODAY, "kolada.xlsx")
    assert parsed.format is FileFormat.XLSX
    assert [(r.key, r.value) for r in parsed.rows] == [
        (KoladaKey("N21807", "0138", 2022, Gender.T), Decimal("9.5"))
    ]


def test_an_import_is_idempotent_and_reports_refused_rows() -> None:
    text = (
        "kpi;municipality;period;gender;value\n"
        "U21468;0138;2024;T;81,5\n"  # 2: good
        "U2146;0138;2024;T;81,5\n"  # 3: kpi
        "U21468;138A;2024;T;81,5\n"  # 4: municipality
        "U21468;0138;2031;T;81,5\n"  # 5: future year
        "U21468;0138;2024;X;81,5\n"  # 6: gender
        "U21468;0138;2024;K;hög\n"  # 7: value
        "U21468;0138;2024;T;82\n"  # 8: duplicate of row 2
        "U21468;0138;2024;M;1.234,5\n"  # 9: both separators
        "U21468;0138;2024;K;80,0\n"  # 10: good
    )
    parsed = parse_values(csv_bytes(text), TODAY)
    assert [r.row for r in parsed.refused] == [3, 4, 5, 6, 7, 8, 9]
    reasons = dict((r.row, r.reason) for r in parsed.refused)
    assert reasons[3].startswith("KPI-id ska vara en bokstav och fem siffror")
    assert reasons[4].startswith("Kommunkoden ska vara fyra siffror")
    assert reasons[5] == "Perioden ska vara ett årtal mellan 1990 och 2026"
    assert reasons[6].startswith("Kön ska vara T (totalt)")
    assert reasons[7] == "Värdet är inte ett tal"
    assert reasons[8] == "Samma nyckeltal, kommun, år och kön finns redan på rad 2"

    first = plan_import(parsed, {})
    assert (len(first.new), len(first.changed), len(first.unchanged)) == (2, 0, 0)
    held = {row.key: row.value for row in first.to_write}

    again = plan_import(parsed, held)
    assert (len(again.new), len(again.changed), len(again.unchanged)) == (0, 0, 2)
    assert again.to_write == ()
    summary = report(again)
    assert summary.summary == "0 nya värden, 0 ersatta, 2 oförändrade, 7 rader avvisade; se skälen per rad."

    revised = {**held, KoladaKey("U21468", "0138", 2024, Gender.T): Decimal("80")}
    assert [r.key.gender for r in plan_import(parsed, revised).changed] == [Gender.T]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen är tom"),
        (b"kpi;municipality;period;gender;value\n", "Filen har ingen rad under rubrikraden"),
        ("kpi;kommun;år;värde\nU21468;0138;2024;1\n".encode(), "Kolumnen 'gender' saknas"),
        (
            "kpi;municipality;period;gender;value\nU21468;0138;2024;T;81\n".encode("utf-16"),
            "Filen är inte UTF-8",
        ),
        (b"PK\x03\x04 not really a workbook", "Filen gick inte att läsa som Excel"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(content: bytes, message: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        parse_values(content, TODAY)
    assert refused.value.field == "file" and refused.value.message.startswith(message)


def test_kpi_titles_come_from_a_second_file() -> None:
    parsed = parse_titles(csv_bytes("kpi;title\nU21468;Brukarbedömning  hemtjänst\nX1;Fel\n"))
    assert parsed.titles == {"U21468": "Brukarbedömning hemtjänst"}
    assert [r.row for r in parsed.refused] == [3]


def test_comparisons_show_each_chosen_municipality_over_the_years() -> None:
    values = {
        KoladaKey("U21468", "0138", 2023, Gender.T): Decimal(80),
        KoladaKey("U21468", "1489", 2023, Gender.T): Decimal(84),
        KoladaKey("U21468", "1489", 2024, Gender.T): None,
    }
    assert comparison(values, "U21468", ["0138", "1489"], range(2023, 2025)) == {
        "0138": [(2023, Decimal(80)), (2024, None)],
        "1489": [(2023, Decimal(84)), (2024, None)],
    }


def test_the_demo_sample_files_import_without_refused_rows() -> None:
    demo = resources.files("risk_svc.demo")
    values = parse_values(demo.joinpath("kolada_sample.csv").read_bytes(), TODAY)
    titles = parse_titles(demo.joinpath("kolada_sample_titles.csv").read_bytes())
    assert not values.refused and not titles.refused
    assert {r.key.kpi for r in values.rows} == set(titles.titles)
    assert {r.key.municipality for r in values.rows} == {"0138", "0486", "1489", "1497"}
    assert any(r.value is None for r in values.rows)
