"""The sample documents: seed 000 against a golden file checked by hand, the other seeds' metadata."""

import re

import pandas as pd
import pytest

import juesuan
from juesuan.textnorm import is_amount

from .conftest import ROOT, seed

GOLDEN = ROOT / "tests" / "golden" / "seed000_cells.csv"


def test_seed000_cells_match_the_hand_checked_golden_file(seed000):
    # tests/golden/seed000_cells.csv was checked value by value against tables 01–07 of the seed.
    # (converted to contract v2's columns from that file: side, item, measure and basis follow from its v1 measures)
    golden = pd.read_csv(GOLDEN, dtype=str, keep_default_na=False)
    cols = list(golden.columns)
    got = seed000.cells[cols].astype(object).where(seed000.cells[cols].notna(), "").astype(str)
    golden["value"] = golden["value"].astype(float).map(repr)
    got["value"] = seed000.cells["value"].map(repr)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), golden.reset_index(drop=True), check_dtype=False)
    # provenance of a text export: its line, the text as printed, the unit; no box, no sheet
    assert (seed000.cells["printed"].astype(float) == seed000.cells["value"]).all()
    assert set(seed000.cells.loc[seed000.cells.code == "30216", "printed"]) == {"0.1"}  # trimmed decimals as printed
    assert (seed000.cells["unit"] == "万元").all() and seed000.cells["x0"].isna().all()
    assert seed000.cells["sheet"].isna().all() and seed000.cells["line"].notna().all()


def test_seed000_key_numbers(seed000):
    c = seed000.cells

    def v(table, subject, measure, side=None):
        sel = c[(c.table == table) & ((c.code == subject) | (c["item"] == subject)).fillna(False)]
        sel = sel[(sel.measure == measure) & (sel.basis == "决算")]
        if side:
            sel = sel[sel.side == side]
        assert len(sel) == 1, (table, subject, measure)
        return sel.value.iloc[0]

    assert v("02", "合计", "合计") == 986.66
    assert v("03", "2101599", "基本支出") == 59.48
    assert v("05", "21099", "合计") == 53.28
    assert v("06", "30108", "合计") == 9.62
    assert v("06", "人员经费合计", "合计") == 148.03
    assert v("01", "210", "合计", "支出") == 983.24
    assert v("01", "本年收入合计", "合计", "收入") == 986.66
    assert v("04", "210", "一般公共预算财政拨款", "支出") == 983.24
    # no measure carries a side or a basis
    assert (
        not c.measure.str.startswith(("收入", "支出")).any() and not c.measure.str.endswith(("决算数", "预算数")).any()
    )
    row = c[(c.table == "06") & (c.code == "30108")].iloc[0]
    assert (row["name"], row.level, row.parent, row.classification) == (
        "机关事业单位基本养老保险缴费",
        "款",
        "301",
        "经济分类",
    )
    row = c[(c.table == "03") & (c.code == "2101501")].iloc[0]
    assert (row.level, row.parent, row.classification) == ("项", "21015", "功能分类")


def test_seed000_empty_tables_are_present_with_their_reason(seed000):
    t = seed000.tables.set_index("table")
    assert list(t.index) == ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
    assert t.loc[["07", "08", "09"], "empty"].tolist() == [True, True, True]
    assert "故本表无数据" in t.loc["07", "note"] and "没有政府性基金收入" in t.loc["08", "note"]
    assert "无国有资本经营预算财政拨款支出" in t.loc["09", "note"]
    assert not t.loc[["01", "02", "03", "04", "05", "06"], "empty"].any()


def test_seed000_nothing_is_lost():
    """Every amount printed in the table section (第二部分 … 第三部分) is a cell or a dropped record."""
    text = seed("000").read_text(encoding="utf-8")
    section = text[text.index("第二部分") : text.index("第三部分\n\n2021年度部门决算情况说明")]
    # codes (integers of 3, 5 or 7 digits: 201, 30101, 2101501) are keys, not numbers; everything else that reads as
    # a number (amounts, 行次, 栏次) must be accounted for
    printed = [
        c
        for line in section.split("\n")
        if "\t" in line
        for c in line.split("\t")
        if is_amount(c) and not re.fullmatch(r"\d{3}|\d{5}|\d{7}", c.strip())
    ]
    doc = juesuan.read(seed("000"))
    standard = [f"{i:02d}" for i in range(1, 10)]
    dropped = doc.dropped[doc.dropped.table.isin(standard)]
    assert len(printed) == len(doc.cells) + len(dropped)
    assert len(doc.cells) == 167
    # what was dropped is row and column numbers only, each with its reason
    assert set(dropped.reason) <= {"行次 (row number)", "栏次 (column number)"}
    assert set(doc.dropped[~doc.dropped.table.isin(standard)].reason) == {
        "table not recognised: 2021年度部门整体支出绩效自评表",
        "table not recognised: 2021年度项目支出绩效自评表",
    }


def test_seed000_findings_are_only_rounding(seed000):
    f = seed000.findings
    arithmetic = f[
        f.check.isin(["hierarchy_sum", "row_identity", "summary_total", "economic_footer"])
        | f.check.str.startswith("cross_")
    ]
    assert (arithmetic.severity == "info").all()
    footer = arithmetic[(arithmetic.check == "economic_footer") & (arithmetic["item"] == "人员经费合计")].iloc[0]
    assert arithmetic.page.notna().all() and arithmetic.evidence.notna().all()
    assert (footer.expected, footer.actual) == (pytest.approx(148.02), pytest.approx(148.03))


@pytest.mark.parametrize(
    "prefix, year, department, region",
    [
        ("000", 2021, "株洲市石峰区医疗保障局", "株洲市石峰区"),
        ("001", 2021, "乐山市金口河区医疗保障局", "乐山市金口河区"),
        ("002", 2020, "衡南县医疗保障局", "衡南县"),
        ("003", 2021, "朔州市朔城区医疗保障局", "朔州市朔城区"),
        ("004", 2021, "井研县医疗保障局", "井研县"),
    ],
)
def test_seed_metadata(prefix, year, department, region):
    doc = juesuan.read(seed(prefix))
    m = doc.meta
    assert (m["year"], m["department"], m["region"], m["kind"]) == (year, department, region, "决算")
    assert m["status"] == "ok" and re.fullmatch(r"[0-9a-f]{16}", m["doc_id"])
    if prefix != "000":
        assert m["tables"] is None and doc.cells.empty  # narrative-only: a table of contents is not a table


def test_seed000_codes_against_the_catalog(seed000):
    """21012 is printed with its 项's name (docs/architecture.md, Codes): flagged, kept as printed; every other code is known."""
    f = seed000.findings
    coded = f[f.check.isin(["name_differs", "code_unknown"])]
    assert list(zip(coded.check, coded.code)) == [("name_differs", "21012")]
    c = seed000.cells
    assert set(c[c.code == "21012"].name) == {"财政对城乡居民基本医疗保险基金的补助"}


def test_unknown_code_is_a_warning_and_stays_in_cells():
    from juesuan.validate import Ledger, code_checks

    cells = [
        {
            "doc_id": "d",
            "table": "05",
            "classification": "功能分类",
            "code": "2109876",
            "level": "项",
            "parent": "21098",
            "name": "某某支出",
            "measure": "合计",
            "value": 1.0,
            "page": 1,
        }
    ]
    ledger = code_checks(list(cells), 2021, Ledger())
    f = ledger.findings
    assert (
        [x["check"] for x in f] == ["code_unknown"] and f[0]["severity"] == "warning" and "2109876" in f[0]["message"]
    )
    assert f[0]["code"] == "2109876" and f[0]["page"] == 1
    assert {(r["check"], r["outcome"]) for r in ledger.rows} == {("code_unknown", "failed"), ("name_differs", "passed")}


def test_seed000_narrative_mismatch_is_the_only_error(seed000):
    errors = seed000.findings[seed000.findings.severity == "error"]
    assert len(errors) == 1
    e = errors.iloc[0]
    assert (e.table, e.code, e.expected, e.actual) == ("05", "2109999", 53.28, 53.24)
