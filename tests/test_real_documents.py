"""Every real file in ../shared/real through the whole pipeline: the standard tables each layout prints are all
recognised, and the only error findings are the ones the documents really contain. Skipped without ../shared."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from juesuan.validate.review import REVIEW_CHECKS

from .conftest import read_real

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real not present")

# 江苏's 12-table 预算 as families: 收入总表 is family 02, 支出总表 family 03 (their variants say so)
JIANGSU_12 = {
    "01",
    "02",
    "03",
    "04",
    "财政拨款支出",
    "财政拨款基本支出",
    "05",
    "06",
    "07",
    "08",
    "机关运行经费",
    "政府采购",
}
SHANGHAI_9 = {"01", "02", "03", "04", "05", "06", "07", "08", "09"}
# the tables each file prints, by the file's name (江苏 narrative-only files publish their tables separately)
NARRATIVE_ONLY = {
    "江苏省人大办公厅__江苏省人大常委会2019年度部门预算公开.pdf",
    "江苏省委办公厅__江苏省委办公厅2017年部门预算.pdf",
    "江苏省委办公厅__江苏省委办公厅2018年度部门预算公开文件.pdf",
    "江苏省委办公厅__江苏省委办公厅2019年度部门预算公开文件.pdf",
    "江苏省政协办公厅__江苏省政协办公厅2017年度部门预算.pdf",
    "江苏省政协办公厅__江苏省政协办公厅2018年度部门预算.pdf",
    "江苏省政协办公厅__江苏省政协办公厅2019年度部门预算.pdf",
}


# the 教育部 高等学校 4-table 决算 set: 表1–表3 are families 01–03, 表4 (财政拨款支出决算表) is 财政拨款支出
MOE_4 = {"01", "02", "03", "财政拨款支出"}


def expected_tables(path: Path) -> set[str]:
    if path.parent.name.startswith("swu"):
        return MOE_4
    if path.suffix == ".xlsx":
        return set()  # 司法局单位2026年预算.xlsx is a 公开情况检查表 (a checklist), not the budget tables
    if path.parent.name.startswith("shanghai"):
        return SHANGHAI_9
    if path.name in NARRATIVE_ONLY:
        return set()
    return JIANGSU_12


FILES = sorted(p for p in REAL.rglob("*") if p.suffix in (".pdf", ".xlsx")) if REAL.is_dir() else []


@pytest.fixture(scope="module")
def docs():
    return {p.name: read_real(p) for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:28])
def test_every_standard_table_is_recognised(docs, path):
    doc = docs[path.name]
    found = set(filter(None, (doc.meta["tables"] or "").split(",")))
    assert found == expected_tables(path)
    assert doc.meta["kind"] == ("决算" if "决算" in path.name else "预算")
    if found and path.name != "部门决算公开模板.pdf":
        assert (
            len(doc.cells) > 100
            and not doc.findings[doc.findings.check.isin(["header_unrecognised", "table_unreadable"])].shape[0]
        )


def _errors(docs, narrative: bool) -> set[tuple]:
    """Errors of the table and narrative checks; the review checks' errors on these files are read one by one in
    tests/test_checks_real.py."""
    return {
        (name, r.check, r.table, r.code)
        for name, d in docs.items()
        for r in d.findings[d.findings.severity == "error"].itertuples()
        if r.check.startswith("narrative") == narrative and r.check not in REVIEW_CHECKS
    }


def test_only_real_errors(docs):
    """司法局 2026 prints 行政运行 (2040601) with 项目支出 64,840,547.00 — the whole 项目支出 of 20406 — so its 03
    and 05 rows and 20406's 项 sum break; that is the document's error, reported, not fixed. Everything else in
    the real files' tables adds up within rounding."""
    errors = _errors(docs, narrative=False)
    justice = {e for e in errors if e[0] == "司法局单位2026年预算.pdf"}
    assert justice == {
        ("司法局单位2026年预算.pdf", "hierarchy_sum", "03", "20406"),
        ("司法局单位2026年预算.pdf", "hierarchy_sum", "05", "20406"),
        ("司法局单位2026年预算.pdf", "row_identity", "03", "2040601"),
        ("司法局单位2026年预算.pdf", "row_identity", "05", "2040601"),
    }
    others = {e for e in errors if e[0] != "司法局单位2026年预算.pdf"}
    assert others == set()


def test_narrative_errors_are_real(docs):
    """The narrative errors left are the documents' own (each read in the PDF):

    - 江苏 人大 2017: "1. 人大事务行政运行（项）支出 10528.33 万元" names the 项 2010101 (4545.94 in its table) but
      gives the class's 10528.33 and its change;
    - 江苏 检察院 2017: "此外，基本支出预算数为 12323.46 万元" where section 三 and tables 01/03 print 12323.48;
    - 上海 万里街道 2024: 住房公积金（项） "350.35万元 … 2024年预算安排352.67万元": two figures for one year, 05 has
      350.35;
    - 上海 司法局 2026 (two more of the same kind: 行政单位离退休 56.12 / 57.8, 购房补贴 207 / 170.03).
    """
    errors = _errors(docs, narrative=True)
    assert errors == {
        ("江苏省人大办公厅__江苏省人大办公厅2017年度预算公开.pdf", "narrative_subject", "财政拨款支出", "2010101"),
        ("江苏省人民检察院__2017年省检察院部门预算.pdf", "narrative_split", "03", pd.NA),
        ("上海市普陀区人民政府万里街道办事处24年预算.pdf", "narrative_subject", "05", "2210201"),
        ("司法局单位2026年预算.pdf", "narrative_subject", "05", "2080501"),
        ("司法局单位2026年预算.pdf", "narrative_subject", "05", "2210203"),
        # 行政运行: "2025年当年预算执行数为1690.69万元 … 预算安排1434.89万元，减少1.10%" — the figures give −15.13%
        # (the narrative's check, at error since the sentence's own figures confirm it: change_rate)
        ("司法局单位2026年预算.pdf", "narrative_change", pd.NA, "2040601"),
    }


def test_jiangsu_12_table_values(docs):
    doc = docs["江苏省人大办公厅__江苏省人大常委会办公厅2019年部门预算公开表.pdf"]
    c = doc.cells
    assert doc.meta["unit"] == "万元" and doc.meta["year"] == 2019
    v = c[(c.table == "财政拨款支出") & (c.code == "2010101")].value.tolist()
    assert v == [7448.20]
    t07 = c[(c.table == "07") & (c.basis == "预算")].set_index("item").value
    assert t07["合计"] == pytest.approx(t07["三公经费"] + t07["会议费"] + t07["培训费"])
    purposes = c[(c.table == "03") & (c.variant == "江苏支出总表")].set_index("measure").value
    assert purposes["基本支出"] == 9312.90
    # 江苏's 收入预算总表 is that file's table 02
    assert set(doc.table("02").columns) >= {"name"} and doc.parsed["02"].spec == "收入总表"


def test_shanghai_values_in_yuan_become_wanyuan(docs):
    doc = docs["上海市普陀区商务委员会25年预算.pdf"]
    c = doc.cells
    assert doc.meta["unit"] == "元"
    row = c[(c.table == "03") & (c.code == "2011301") & (c.measure == "合计")]
    assert row.value.iloc[0] == pytest.approx(938.9913)  # printed 9,389,913.00 元
    assert (row.printed.iloc[0], row.unit.iloc[0]) == ("9,389,913.00", "元")
    t07 = c[c.table == "07"]
    assert set(t07.basis) == {"预算"} and "机关运行经费" in set(t07["item"])  # 07 is printed in 万元
    assert t07[t07["item"] == "机关运行经费"].value.iloc[0] == pytest.approx(171.01)


def _at(records: list[dict]) -> set[tuple]:
    return {(r["page"], r["row"], r["column"]) for r in records}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name[:28])
def test_every_amount_printed_is_a_cell_or_dropped(docs, path):
    """Per table, the amounts printed in its area (counted apart from the layout: codes, 行次 and 栏次 aside) are the
    cells plus the dropped amounts; none is left unread; a table is empty only when its area holds no amount; no
    table of a known layout goes unrecognised."""
    from juesuan.tables.parse import UNREAD

    doc = docs[path.name]
    for key, t in doc.parsed.items():
        cells, dropped = _at(t.cells), _at(t.dropped) & t.amounts_at
        assert cells <= t.amounts_at, (key, sorted(cells - t.amounts_at)[:5])
        assert cells | dropped == t.amounts_at and t.n_amounts == len(cells) + len(dropped - cells), key
        assert not [d for d in t.dropped if d["reason"] == UNREAD], key
        assert t.empty == (t.n_amounts == 0), key
    assert not (doc.findings.check == "table_unrecognised").any(), doc.findings[
        doc.findings.check == "table_unrecognised"
    ].message.tolist()
