"""Synthetic documents with known values, written as text exports and read back: every cell, exactly."""

import pytest

import juesuan
from juesuan.testing.synth import make_document, to_text

from .roundtrip import assert_same_cells as _same


def read_back(tmp_path, doc, **kw):
    path = tmp_path / "doc.txt"
    path.write_text(to_text(doc, **kw), encoding="utf-8")
    return juesuan.read(path)


def assert_same_cells(got, expected):
    _same(got.cells, expected)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"unit": "元"},
        {"with_fund": False, "with_sangong": False},
        {"n_items": 14},
    ],
)
def test_roundtrip_exact_over_page_breaks(tmp_path, seed, variant):
    synth = make_document(seed=seed, department="湘潭市雨湖区民政局", **variant)
    doc = read_back(tmp_path, synth, rows_per_page=4, repeat_header=seed % 2 == 0)
    assert_same_cells(doc, synth.expected)
    assert doc.meta["status"] == "ok" and doc.meta["department"] == "湘潭市雨湖区民政局"
    assert doc.meta["year"] == 2022 and doc.meta["region"] == "湘潭市雨湖区"
    assert doc.findings[doc.findings.severity == "error"].empty, doc.findings
    assert doc.meta["tables"] == "01,02,03,04,05,06,07,08,09"
    if variant.get("with_fund") is False:
        t = doc.tables.set_index("table")
        assert t.loc["07", "empty"] and "故本表无数据" in t.loc["07", "note"]


def test_table_split_over_pages_keeps_page_provenance(tmp_path):
    synth = make_document(seed=3, n_items=14)
    doc = read_back(tmp_path, synth, rows_per_page=5)
    t03 = doc.tables.set_index("table").loc["03"]
    assert t03.last_page > t03.page
    assert doc.cells[doc.cells.table == "03"].page.nunique() > 1


@pytest.mark.parametrize("seed", range(4))
def test_wrong_total_is_an_error_finding(tmp_path, seed):
    synth = make_document(seed=seed, wrong_total=True)
    doc = read_back(tmp_path, synth)
    assert_same_cells(doc, synth.expected)  # the misprint is read as printed, never "fixed"
    errors = doc.findings[doc.findings.severity == "error"]
    assert len(errors) >= 1
    assert set(errors.table) == {"03"} and set(errors["item"]) == {"合计"}
    assert (errors.difference.round(2) == 1.0).all()
