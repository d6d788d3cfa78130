"""Issue 11: a real 0.01 error passes as "within rounding" where rounding cannot explain any difference. A total that
restates one printed value has no slack (``validate.arithmetic.rounding_bound``); one case per shape: a 款 with a
single 项, a row whose only addend is printed, 04 against 05 per 类 — and several independently rounded values,
where 0.01 is rounding."""

from __future__ import annotations

import pytest

from juesuan.schema import frame_from_records
from juesuan.validate import cells_to_findings, rounding_bound


def cells(rows):
    """(table, side, code, level, parent, name, measure, printed) → contract cells (万元, basis 决算)."""
    out = []
    for table, side, code, level, parent, name, measure, printed in rows:
        out.append(
            {
                "doc_id": "d",
                "table": table,
                "side": side or None,
                "classification": "功能分类" if code else None,
                "code": code or None,
                "level": level or None,
                "parent": parent or None,
                "name": name,
                "item": None if code else name,
                "measure": measure,
                "basis": "决算",
                "value": float(printed),
                "printed": printed,
                "unit": "万元",
                "page": 1,
            }
        )
    return frame_from_records(out, "cells")


def severities(df, check: str) -> list[str]:
    f = cells_to_findings(df, "d")
    return f[f.check == check].severity.tolist()


def test_a_kuan_with_a_single_xiang():
    df = cells(
        [
            ("05", "", "210", "类", "", "卫生健康支出", "合计", "30.01"),
            ("05", "", "21011", "款", "210", "行政事业单位医疗", "合计", "30.01"),
            ("05", "", "2101101", "项", "21011", "行政单位医疗", "合计", "30.00"),
        ]
    )
    f = cells_to_findings(df, "d")
    (err,) = f[(f.check == "hierarchy_sum") & (f.code == "21011")].itertuples()
    assert err.severity == "error" and err.tolerance == 0.0 and err.difference == pytest.approx(0.01)


def test_a_row_whose_only_addend_is_printed():
    # 05 小计 = 基本支出 + 项目支出 with 项目支出 left blank: the 小计 restates 基本支出
    df = cells(
        [
            ("05", "", "2101101", "项", "21011", "行政单位医疗", "合计", "12.35"),
            ("05", "", "2101101", "项", "21011", "行政单位医疗", "基本支出", "12.34"),
        ]
    )
    assert severities(df, "row_identity") == ["error"]


def test_04_against_05_per_class():
    df = cells(
        [
            ("04", "支出", "210", "类", "", "卫生健康支出", "一般公共预算财政拨款", "983.24"),
            ("05", "", "210", "类", "", "卫生健康支出", "合计", "983.25"),
        ]
    )
    assert severities(df, "cross_04_05") == ["error"]


def test_several_independently_rounded_values_may_be_off_by_a_cent():
    # seed 000's 06: 301 + 303 = 148.02, 人员经费合计 148.03
    df = cells(
        [
            ("05", "", "210", "类", "", "卫生健康支出", "合计", "30.01"),
            ("05", "", "21011", "款", "210", "行政事业单位医疗", "合计", "10.00"),
            ("05", "", "21012", "款", "210", "财政对基本医疗保险基金的补助", "合计", "10.00"),
            ("05", "", "21015", "款", "210", "医疗保障管理事务", "合计", "10.00"),
        ]
    )
    f = cells_to_findings(df, "d")
    (row,) = f[(f.check == "hierarchy_sum") & (f.code == "210")].itertuples()
    assert row.severity == "info" and row.tolerance == pytest.approx(0.02)
    # and the bound itself: one addend of the total's precision → 0; three → four half units
    half = {"half": 0.005}
    assert rounding_bound(half, [half]) == 0.0
    assert rounding_bound(half, [half, half, half]) == pytest.approx(0.02)
