"""Names and purposes (juesuan.validate.names): cited 类/款/项 against the catalog and the tables, and what a 项 is
said to be for."""

from __future__ import annotations

from juesuan.validate import Ledger
from juesuan.validate.names import citations_in, names_checks

from .checks_helpers import found, outcomes, text


def check(*lines: str, year: int, parsed: dict | None = None) -> Ledger:
    return names_checks(text(*lines), year, parsed or {}, Ledger())


def test_citations_with_names_and_with_codes_inside_the_markers():
    (c,) = citations_in("11、医疗卫生与计划生育支出（210类）行政事业单位医疗（11款）行政单位医疗（01项）98.27万元。")
    assert c.code == "2101101" and c.segments[0] == ("医疗卫生与计划生育支出", "类")
    (c,) = citations_in("3、卫生健康（类）财政对基本医疗保险基金的补助（款）财政对城乡居民基本医疗保险基金的补助（项）")
    assert c.code == "2101202" and [lv for _, lv in c.segments] == ["类", "款", "项"]
    assert len(citations_in("一般公共服务（类）支出2万元，占0.2%；卫生健康（类）支出983.24万元，占99.8%。")) == 2


def test_an_outdated_class_name():
    # 司法局单位2026年预算, item 11: the 2014–2018 name of 210
    led = check("11、医疗卫生与计划生育支出（210类）行政事业单位医疗（11款）行政单位医疗（01项）98.27万元。", year=2026)
    (f,) = found(led, "subject_name", "warning")
    assert f["code"] == "210" and "2014–2018" in f["message"] and "卫生健康支出" in f["message"]


def test_names_of_the_report_year_pass():
    led = check(
        # 万里街道 2024; seed 000 cites 类 without 支出
        "22. “卫生健康支出（类）行政事业单位医疗（款）行政单位医疗（项）”142.22万元，主要用于行政单位医疗。",
        "2021年度财政拨款支出985.24万元，主要用于以下方面：一般公共服务（类）支出2万元，占0.2%；卫生健康（类）支出983.24万元。",
        year=2024,
    )
    assert not found(led, "subject_name") and set(outcomes(led, "subject_name")) == {"passed"}
    # 政协平潭 2017 names 210 as in force then; before 2019 the catalog is not sure enough to judge
    led = check(
        "（四）2100716医疗卫生与计划生育支出（类）计划生育事务（款）计划生育机构（项）拨款支出59.10万元。", year=2017
    )
    assert outcomes(led, "subject_name") == ["not_checked"]


def test_a_name_the_tables_print_passes():
    class T:  # a parsed table as far as this check reads it
        cells = [{"code": "21011", "classification": "功能分类", "name": "行政事业单位医疗支出"}]

    led = check(
        "“卫生健康支出（类）行政事业单位医疗支出（款）行政单位医疗（项）”142.22万元。", year=2024, parsed={"05": T}
    )
    assert not found(led, "subject_name")


def test_purpose_of_another_item():
    # the issue's case: a 住房公积金（项） described with 事业单位医疗's purpose
    led = check(
        "“住房保障支出（类）住房改革支出（款）住房公积金（项）”384.67万元，主要用于事业单位医疗保险支出。", year=2025
    )
    (f,) = found(led, "subject_purpose", "warning")
    assert f["code"] == "2210201" and "2101102" in f["message"]
    # 万里街道 2024, item 26: 城管执法 described with 一般行政管理事务 (the item above it)
    led = check(
        "26. “城乡社区支出（类）城乡社区管理事务（款）城管执法（项）”604.34万元，主要用于城乡社区管理事务一般行政管理事务。",
        year=2024,
    )
    assert "2120102" in found(led, "subject_purpose")[0]["message"]


def test_purposes_on_real_prose_pass():
    led = check(
        # 司法局 2026: a list of activities that mentions 社区矫正 in passing
        "2、公共安全支出（204类）司法（06款）基层司法业务（04项）2170.39万元。主要用于：人民调解、医患纠纷、社区矫正和安置帮教等工作支出。",
        # 万里街道 2025: the 款 named in the purpose
        "5. “一般公共服务支出（类）统战事务（款）一般行政管理事务（项）”科目11.91万元，主要用于统战事务一般行政管理事务。",
        "1、公共安全支出（204类）司法（06款）行政运行（01项）1434.89万元。主要用于：行政单位的基本支出。",
        year=2025,
    )
    assert not found(led, "subject_purpose") and outcomes(led, "subject_purpose") == ["passed"] * 3
