"""Regional layouts as data, read back exactly: 上海's 决算 (07 with a 预算数/决算数 pair under every item, 04's
carry-overs and the funds under them), 四川's 14 tables, a 决算 政府采购情况表; and the interruptions real files have:
a contents page, page numbers, running heads, footnotes and repeated titles inside a table."""

from __future__ import annotations

import pytest

import juesuan
from juesuan.testing.layouts import shanghai_juesuan, sichuan_14, to_text, with_procurement

from .roundtrip import assert_same_cells


def read_back(tmp_path, synth, **kw):
    path = tmp_path / "doc.txt"
    path.write_text(to_text(synth, **kw), encoding="utf-8")
    return juesuan.read(path)


def _errors(doc):
    return doc.findings[doc.findings.severity == "error"]


@pytest.mark.parametrize("seed", range(3))
def test_shanghai_juesuan_layout_reads_back_exactly(tmp_path, seed):
    synth = shanghai_juesuan(seed)
    doc = read_back(tmp_path, synth)
    assert_same_cells(doc.cells, synth.expected)
    assert _errors(doc).empty, _errors(doc).message.tolist()
    assert doc.meta["tables"] == "01,02,03,04,05,06,07,08,09"
    t07 = doc.cells[doc.cells.table == "07"]
    host = t07[(t07["item"] == "公务接待费")]
    assert set(host.basis) <= {"预算", "决算"} and (host.name == "公务接待费").all()


def test_carry_over_funds_are_sub_items_not_income(tmp_path):
    doc = read_back(tmp_path, shanghai_juesuan(0))
    c = doc.cells[(doc.cells.table == "04") & (doc.cells.side == "收入")]
    assert "年初结转和结余:一般公共预算财政拨款" in set(c["item"])
    first = c[c["name"] == "一、一般公共预算财政拨款"]["item"].tolist()
    assert first[0] == "一般公共预算财政拨款收入" and first[1] == "年初结转和结余:一般公共预算财政拨款"
    checks = doc.checks[(doc.checks.check == "cross_01_04")]
    assert "passed" in set(checks.outcome) and "failed" not in set(checks.outcome)


@pytest.mark.parametrize("seed", range(3))
def test_sichuan_14_tables_read_back_exactly(tmp_path, seed):
    synth = sichuan_14(seed)
    doc = read_back(tmp_path, synth, rows_per_page=5)
    assert_same_cells(doc.cells, synth.expected)
    assert set(doc.meta["tables"].split(",")) == {
        *(f"{i:02d}" for i in range(1, 10)),
        "财政拨款支出",
        "一般公共预算支出明细",
        "项目支出",
        "政府性基金三公经费",
        "国有资本经营收支",
    }
    assert not (doc.findings.check.isin(["table_unrecognised", "duplicate_table", "amounts_unread"])).any()
    t = doc.tables.set_index("table")
    assert (
        t.loc["政府性基金三公经费", "empty"] and t.loc["国有资本经营收支", "empty"] and not t.loc["项目支出", "empty"]
    )


def test_procurement_table_reads_into_cells(tmp_path):
    synth = with_procurement(1)
    doc = read_back(tmp_path, synth)
    assert_same_cells(doc.cells, synth.expected)
    p = doc.cells[doc.cells.table == "政府采购"].set_index(["basis", "measure"]).value
    assert p[("预算", "服务")] == 18.5 and p[("决算", "合计")] == 28.25


@pytest.mark.parametrize(
    "interruptions",
    [
        {"contents": True},
        {"rows_per_page": 3, "running_head": True},
        {"rows_per_page": 3, "footnote": True},
        {"rows_per_page": 4, "repeat_title": True, "running_head": True},
    ],
    ids=["contents", "page-number-running-head", "footnote", "repeated-title"],
)
def test_tables_survive_contents_and_interruptions(tmp_path, interruptions):
    synth = shanghai_juesuan(2)
    doc = read_back(tmp_path, synth, **interruptions)
    assert_same_cells(doc.cells, synth.expected)
    assert doc.meta["tables"] == "01,02,03,04,05,06,07,08,09"  # no phantom table from the contents, no 09_2
    assert not (doc.findings.check.isin(["duplicate_table", "table_unrecognised", "amounts_unread"])).any()
    assert _errors(doc).empty
