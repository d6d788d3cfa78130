"""Real disclosures from ../shared/real (江苏 12-table 预算, 上海普陀 预算 in 元, the official 决算 template, one XLSX).

Skipped when ../shared is absent. A subset runs by default (one file per family); JUESUAN_REAL_ALL=1 runs every file.
These check the readers: the file reads without an uncaught error, tables come out as rows with their codes and
amounts intact, and known values are where the page prints them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from juesuan.errors import JuesuanError
from juesuan.readers import read_raw

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real not present")

SUBSET = [
    "jiangsu-2017-2019-yusuan/江苏省人大办公厅__江苏省人大办公厅2017年度预算公开.pdf",
    "jiangsu-2017-2019-yusuan/江苏省人大办公厅__江苏省人大常委会办公厅2019年部门预算公开表.pdf",
    "shanghai-putuo/上海市普陀区商务委员会25年预算.pdf",
    "shanghai-putuo/部门决算公开模板.pdf",
    "shanghai-putuo/司法局单位2026年预算.xlsx",
]


def _files() -> list[Path]:
    if not REAL.is_dir():
        return []
    if os.environ.get("JUESUAN_REAL_ALL"):
        return sorted(p for p in REAL.rglob("*") if p.suffix.lower() in (".pdf", ".xlsx", ".xls"))
    return [REAL / f for f in SUBSET if (REAL / f).exists()]


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name[:30])
def test_real_file_reads(path):
    try:
        raw = read_raw(path)
    except JuesuanError as err:  # a clear error is acceptable; an uncaught exception is not
        pytest.fail(f"unexpected reader error: {err}")
    assert raw.lines
    assert raw.pages >= 1


def _rows(raw):
    return [ln.cells for ln in raw.lines if ln.is_row]


def test_jiangsu_hidden_off_page_copies_are_dropped():
    """江苏省人大办公厅2017年度预算公开.pdf repeats tables below the visible page; they must not appear twice."""
    raw = read_raw(REAL / SUBSET[0])
    hits = [ln for ln in raw.lines if ln.is_row and ln.cells[:3] == ("2010199", "其他人大事务支出", "100.00")]
    assert len(hits) == 2  # printed once in 财政拨款支出预算表 and once in 一般公共预算支出预算表
    assert {ln.page for ln in hits} == {11, 16}


def test_jiangsu_ruled_table_cells():
    raw = read_raw(REAL / SUBSET[0])
    rows = _rows(raw)
    assert ("2210201", "住房公积金", "494.22") in rows
    assert ("301", "工资福利支出", "2,928.98") in rows
    # merged header cells come out as None next to their label
    assert ("收入", None, "支出", None, None, None) in rows


def test_jiangsu_rotated_pages_read_in_display_order():
    """The 2019 公开表 file has /Rotate 90 on every page."""
    raw = read_raw(REAL / SUBSET[1])
    texts = [ln.text for ln in raw.lines if not ln.is_row]
    assert texts[0] == "收支预算总表"
    assert ("一、财政拨款", "18,330.37", "一、一般公共服务支出", "13,907.78", "一、基本支出", "9,312.90") in _rows(raw)


def test_shanghai_split_codes_and_yuan_amounts():
    raw = read_raw(REAL / SUBSET[2])
    rows = _rows(raw)
    assert ("类", "款", "项", None, None, None, None) in rows
    assert ("201", "13", "01", "行政运行", "9,389,913.00", "9,389,913.00", "") in rows
    assert any("单位：元" in ln.text for ln in raw.lines if not ln.is_row)


def test_shanghai_narrative_lines_join_into_paragraphs():
    raw = read_raw(REAL / SUBSET[2])
    texts = [ln.text for ln in raw.lines if not ln.is_row]
    # printed over two lines on page 8; one sentence once joined
    assert any(
        "“住房保障支出（类)住房改革支出（款)住房公积金（项）”136.10万元，主要用于在职人员公积金缴纳。" in t
        for t in texts
    )
