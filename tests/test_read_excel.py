"""Excel round trips: a synthetic document written as .xlsx (a sheet per table or all on one sheet, codes as numbers
or text, merged headers) and as .xls (via LibreOffice when installed) reads back with every cell exact."""

from __future__ import annotations

import shutil
import subprocess

import pytest

import juesuan
from juesuan.readers import read_raw
from juesuan.readers.excel import cell_text
from juesuan.testing import render
from juesuan.testing.synth import make_document

from .roundtrip import cell_mismatches


@pytest.mark.parametrize("one_sheet_per_table", [True, False])
@pytest.mark.parametrize("codes_as_numbers", [True, False])
def test_xlsx_round_trip_every_cell(tmp_path, one_sheet_per_table, codes_as_numbers):
    doc = make_document(seed=4)
    path = render.to_xlsx(
        doc, tmp_path / "d.xlsx", one_sheet_per_table=one_sheet_per_table, codes_as_numbers=codes_as_numbers
    )
    got = juesuan.read(path)
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, bad.head(20).to_string()


def test_xlsx_merged_header_cells_are_covered(tmp_path):
    doc = make_document(seed=0)
    raw = read_raw(render.to_xlsx(doc, tmp_path / "m.xlsx"))
    t04 = [t for t in doc.tables if t.id == "04"][0]
    row, c0, c1 = t04.spans[-1]
    label = t04.header[row][c0]
    line = next(ln for ln in raw.lines if ln.is_row and label in ln.cells)
    k = line.cells.index(label)
    assert all(c is None for c in line.cells[k + 1 : k + 1 + (c1 - c0)])


def test_codes_stored_as_numbers_read_as_codes():
    assert cell_text(2101501.0) == "2101501"
    assert cell_text(985.24) == "985.24"
    assert cell_text(985.2399999999999) == "985.24"
    assert cell_text(None) == ""
    assert cell_text(" 行政运行 ") == "行政运行"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_xls_round_trip_every_cell(tmp_path):
    doc = make_document(seed=2)
    xlsx = render.to_xlsx(doc, tmp_path / "old.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xls", "--outdir", str(tmp_path), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    got = juesuan.read(tmp_path / "old.xls")
    assert got.raw.format == "xls"
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, bad.head(20).to_string()


@pytest.mark.parametrize("seed", [1020, 1160])
def test_xlsx_in_yuan_with_whole_amounts(tmp_path, seed):
    """Found by bench_build's known-value check: a workbook in 元 holds whole amounts (65000), which read like codes,
    and its "部门：… | 单位：元" caption is a row; 08's 合计 row and header were misread. Every cell must be exact."""
    doc = make_document(seed=seed, unit="元", with_fund=True)
    got = juesuan.read(render.to_xlsx(doc, tmp_path / "y.xlsx"))
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, bad.head(20).to_string()
    assert got.findings[
        got.findings.severity.isin(["error", "warning"]) & got.findings.check.str.startswith("header")
    ].empty
