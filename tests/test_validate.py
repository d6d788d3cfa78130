"""The tolerance rule and the identities, on small inline tables with real labels."""

import pytest

from juesuan.schema import frame_from_records
from juesuan.validate import cells_to_findings, compare, rounding_bound, tolerance


def cells(rows, basis="决算"):
    """Cells of the contract (v2): table, classification, code, level, parent, name (item when no code), measure."""
    out = []
    for table, classification, code, level, parent, name, measure, value in rows:
        out.append(
            {
                "doc_id": "d",
                "table": table,
                "classification": classification or None,
                "code": code or None,
                "level": level or None,
                "parent": parent or None,
                "name": name,
                "item": None if code else name,
                "measure": measure,
                "basis": basis,
                "value": value,
                "printed": f"{value:.2f}",
                "unit": "万元",
                "page": 1,
            }
        )
    return frame_from_records(out, "cells")


def test_tolerance_grows_with_the_number_of_addends():
    assert tolerance(1) == 0.0  # a total that restates one printed value must equal it
    assert rounding_bound({"half": 0.005}, [{"half": 0.005}]) == 0.0
    assert rounding_bound({"half": 0.005}, [{"half": 0.00005}]) == pytest.approx(0.00505)  # 万元 against 元
    assert tolerance(2) == pytest.approx(0.015)
    assert tolerance(12) == pytest.approx(0.065)
    assert tolerance(2, half_unit=0.00005) == pytest.approx(0.00015)  # printed in 元, read as 万元


def test_compare_severity():
    assert compare("c", "05", "210", "m", 10.00, 10.00, tolerance(2), "x") is None
    info = compare("c", "06", "人员经费合计", "决算数", 148.02, 148.03, tolerance(2), "301 + 303")
    assert info["severity"] == "info" and info["difference"] == pytest.approx(0.01)
    err = compare("c", "05", "210", "m", 100.00, 100.05, tolerance(2), "x")
    assert err["severity"] == "error" and err["tolerance"] == pytest.approx(0.015)


def test_a_value_printed_with_fewer_decimals_brings_its_own_rounding(tmp_path):
    """司法局单位2026年预算 (元) prints 基本支出 合计 as "22,118,861" among values with two decimals."""
    from juesuan.document import raw_to_document
    from juesuan.raw import RawDocument
    from juesuan.readers.text import text_to_lines

    text = """一般公共预算支出功能分类预算表
单位：元
项目\t\t本年支出合计\t基本支出\t项目支出
科目编码\t科目名称\t\t\t
合计\t\t22,118,861\t22,118,861\t
204\t公共安全支出\t11,059,430.67\t11,059,430.67\t
208\t社会保障和就业支出\t11,059,430.67\t11,059,430.67\t
"""
    lines, pages = text_to_lines(text)
    doc = raw_to_document(RawDocument("x.txt", "text", "0" * 64, lines, pages))
    total = doc.findings[(doc.findings.check == "hierarchy_sum") & (doc.findings["item"] == "合计")]
    # Σ 类 = 22,118,861.34 元; the printed integer may be off by 0.5 元: within rounding, not an error
    assert len(total) == 2 and set(total.severity) == {"info"}
    assert total.tolerance.iloc[0] == pytest.approx(0.00005 + 2 * 0.0000005)


def test_hierarchy_break_is_an_error_and_names_the_parent():
    df = cells(
        [
            ("05", "功能分类", "210", "类", "", "卫生健康支出", "本年支出合计", 983.24),
            ("05", "功能分类", "21015", "款", "210", "医疗保障管理事务", "本年支出合计", 211.89),
            ("05", "功能分类", "2101501", "项", "21015", "行政运行", "本年支出合计", 115.24),
            ("05", "功能分类", "2101599", "项", "21015", "其他医疗保障管理事务支出", "本年支出合计", 76.65),
        ]
    )
    f = cells_to_findings(df, doc_id="d")
    errs = f[f.severity == "error"]
    # 21015 = 115.24 + 76.65 = 191.89 ≠ 211.89; 210 = 211.89 ≠ 983.24
    assert set(errs.code) == {"21015", "210"}
    row = errs[errs.code == "21015"].iloc[0]
    assert row.expected == pytest.approx(191.89) and row.actual == pytest.approx(211.89)
    assert row.difference == pytest.approx(20.0) and row.check == "hierarchy_sum"


def test_row_identity_and_cross_table():
    df = cells(
        [
            ("05", "", "", "", "", "合计", "合计", 100.00),
            ("05", "", "", "", "", "合计", "基本支出", 60.00),
            ("05", "", "", "", "", "合计", "项目支出", 40.10),
            ("06", "", "", "", "", "人员经费合计", "合计", 50.00),
            ("06", "", "", "", "", "公用经费合计", "合计", 10.00),
        ]
    )
    f = cells_to_findings(df, doc_id="d")
    assert ((f.check == "row_identity") & (f.severity == "error") & (f.table == "05")).sum() == 1
    # 05 基本支出 60.00 = 06 50.00 + 10.00: no finding
    assert not (f.check == "cross_05_06").any()
    df = df.copy()
    df.loc[df.name == "公用经费合计", "value"] = 10.50
    df.loc[df.name == "公用经费合计", "printed"] = "10.50"
    f = cells_to_findings(df, doc_id="d")
    cross = f[f.check == "cross_05_06"]
    assert len(cross) == 1 and cross.iloc[0].severity == "error" and cross.iloc[0].difference == pytest.approx(-0.5)


def test_sangong_identities():
    df = cells(
        [
            ("07", "", "", "", "", "合计", "合计", 12.00),
            ("07", "", "", "", "", "公务用车购置及运行费", "合计", 8.00),
            ("07", "", "", "", "", "公务用车购置费", "合计", 5.00),
            ("07", "", "", "", "", "公务用车运行费", "合计", 3.00),
            ("07", "", "", "", "", "公务接待费", "合计", 3.00),
        ]
    )
    f = cells_to_findings(df, doc_id="d")
    errs = f[f.severity == "error"]
    assert list(errs["item"]) == ["合计"] and errs.iloc[0].expected == pytest.approx(11.0)
