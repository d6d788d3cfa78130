"""juesuan.narrative: facts from the 情况说明 and their checks.

Seed values below were read by hand from data/raw/*.txt (the row numbers are the text lines they stand on), not
produced by running the code.
"""

from __future__ import annotations

import math
from functools import cache

import pandas as pd
import pytest

from juesuan.narrative import fact_keys, facts_to_findings, half_unit, key_info, lines_to_facts, lines_to_records
from juesuan.readers.text import text_to_lines
from juesuan.schema import columns

from .conftest import seed

_INTERNAL = ["key", "period", "code", "value", "unit", "derived", "formula", "sentence", "row", "page"]


def _frame(records: list[dict]) -> pd.DataFrame:
    """The narrative's internal fact records (keyed by fact key) as a DataFrame, for the reader's own tests."""
    return pd.DataFrame(records, columns=_INTERNAL) if records else pd.DataFrame(columns=_INTERNAL)


@cache
def seed_facts(prefix: str, year: int | None) -> pd.DataFrame:
    lines, _ = text_to_lines(seed(prefix).read_text(encoding="utf-8"))
    return _frame(lines_to_records(lines, year))


def facts_of(text: str, year: int | None = 2021) -> pd.DataFrame:
    lines, _ = text_to_lines(text)
    return _frame(lines_to_records(lines, year))


def findings_of(facts: pd.DataFrame, cells: list[dict]) -> pd.DataFrame:
    return facts_to_findings(facts.to_dict("records"), cells)


def values(df: pd.DataFrame, key: str, period: str = "本年", code: str = "") -> list[float]:
    sel = df[(df["key"] == key) & (df["period"] == period) & (df["code"] == code)]
    return sorted(round(v, 4) for v in sel["value"])


def one(df: pd.DataFrame, key: str, period: str = "本年", code: str = "") -> pd.Series:
    sel = df[(df["key"] == key) & (df["period"] == period) & (df["code"] == code)]
    assert len(sel) == 1, f"{key} {period} {code}: {sel[['value', 'sentence']].to_string()}"
    return sel.iloc[0]


def expect(df: pd.DataFrame, table: dict) -> None:
    """table: {(key, period, code): value} — the first statement (lowest row) of each must have that value.

    A document may state a figure again, differently (seed 002's appendix: 其他收入44.09 after 44.08); both are
    facts, the 情况说明 comes first.
    """
    wrong = {}
    for (key, period, code), want in table.items():
        sel = df[(df["key"] == key) & (df["period"] == period) & (df["code"] == code)].sort_values("row", kind="stable")
        got = [round(v, 4) for v in sel["value"]]
        if not got or got[0] != want:
            wrong[(key, period, code)] = (want, got)
    assert not wrong, wrong


# --------------------------------------------------------------------------------------------------------------
# The contract and the keys


def test_facts_follow_the_contract_and_every_key_is_defined():
    for prefix in ("000", "001", "002", "003", "004"):
        lines, _ = text_to_lines(seed(prefix).read_text(encoding="utf-8"))
        contract = lines_to_facts(lines, prefix, None)
        assert list(contract.columns) == columns("facts")
        assert set(contract["figure"]) <= {"amount", "share", "rate", "change", "count"}
        assert contract["concept"].notna().all() and contract["subject"].notna().all()
        df = seed_facts(prefix, None)
        unknown = sorted({k for k in df["key"] if key_info(k) is None})
        assert not unknown, f"{prefix}: keys not in fact_keys.csv: {unknown}"
        assert set(df["period"]) <= {"本年", "上年"}
        # money in 万元; shares and rates in %; counts in the unit the key allows
        for f in df.itertuples():
            info = key_info(f.key)
            assert f.unit in info.unit.split("|") or (info.kind == "suffix" and f.unit in ("%", "万元")), f


def test_fact_keys_csv_names_the_required_keys_once():
    keys = fact_keys()
    required = [
        "收入合计",
        "收入总计",
        "支出合计",
        "支出总计",
        "收支总计",
        "财政拨款收入",
        "一般公共预算财政拨款收入",
        "政府性基金预算财政拨款收入",
        "国有资本经营预算财政拨款收入",
        "上级补助收入",
        "事业收入",
        "经营收入",
        "其他收入",
        "基本支出",
        "项目支出",
        "财政拨款支出",
        "一般公共预算财政拨款支出",
        "人员经费",
        "公用经费",
        "三公经费",
        "因公出国（境）费",
        "公务用车购置及运行费",
        "公务用车购置费",
        "公务用车运行费",
        "公务接待费",
        "机关运行经费",
        "政府采购",
        "政府采购货物",
        "政府采购工程",
        "政府采购服务",
        "授予中小企业合同",
        "年初结转和结余",
        "年末结转和结余",
        "车辆保有量",
        "因公出国团组",
        "公务接待批次",
        "公务接待人次",
        "科目年初预算",
        "科目决算",
    ]
    assert [k for k in required if k not in keys] == []
    for k in ("三公经费", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费", "公务用车运行费", "公务接待费"):
        assert keys[k].budget == k + "预算" and keys[k + "预算"].unit == "万元"
    aliases = [a for fk in keys.values() for a in fk.aliases]
    assert len(aliases) == len(set(aliases)), "an alias may name one key only"


# --------------------------------------------------------------------------------------------------------------
# Seeds: key figures read by hand


def test_seed000_key_figures_and_prior_years():
    df = seed_facts("000", 2021)
    expect(
        df,
        {
            ("收支总计", "本年", ""): 986.66,  # row 364
            ("收入合计", "本年", ""): 986.66,
            ("财政拨款收入", "本年", ""): 985.24,
            ("其他收入", "本年", ""): 1.42,  # 368
            ("支出合计", "本年", ""): 986.66,
            ("基本支出", "本年", ""): 176.14,
            ("项目支出", "本年", ""): 810.52,  # 372
            ("财政拨款收支总计", "本年", ""): 985.24,  # 376
            ("财政拨款支出", "本年", ""): 985.24,
            ("财政拨款支出预算", "本年", ""): 985.24,  # 382, 390
            ("财政拨款基本支出", "本年", ""): 174.72,
            ("人员经费", "本年", ""): 148.03,
            ("公用经费", "本年", ""): 26.69,
            ("三公经费", "本年", ""): 0.0,
            ("三公经费预算", "本年", ""): 0.0,
            ("公务接待费", "本年", ""): 0.0,
            ("因公出国（境）费", "本年", ""): 0.0,
            ("公务用车购置费", "本年", ""): 0.0,
            ("公务用车运行费", "本年", ""): 0.0,
            ("机关运行经费", "本年", ""): 26.69,  # 454
            ("政府采购", "本年", ""): 0.0,
            ("政府采购货物", "本年", ""): 0.0,
            ("政府采购工程", "本年", ""): 0.0,
            ("政府采购服务", "本年", ""): 0.0,
            ("授予中小企业合同", "本年", ""): 0.0,  # 464
            ("车辆保有量", "本年", ""): 0.0,
            # prior years, all from stated changes
            ("收支总计", "上年", ""): 1001.81,
            ("财政拨款收支总计", "上年", ""): 936.08,
            ("财政拨款支出", "上年", ""): 936.08,
            ("机关运行经费", "上年", ""): 16.22,
        },
    )
    prior = one(df, "收支总计", "上年")
    assert bool(prior["derived"]) and prior["formula"] == "986.66 + 15.15" and prior["row"] == 364
    assert one(df, "收支总计增减率")["value"] == -1.5  # a percent change is a rate, never money
    assert one(df, "财政拨款收入占比")["value"] == 99.86
    assert one(df, "人员经费占比")["formula"] == "人员经费 / 财政拨款基本支出"  # "占基本支出的84.72%" of 174.72


def test_seed000_cited_subjects_get_their_codes():
    df = seed_facts("000", 2021)
    # rows 392–412: 类/款/项 by name, the citation and its figures on separate lines
    expect(
        df,
        {
            ("科目决算", "本年", "2019999"): 2.0,
            ("科目年初预算", "本年", "2019999"): 2.0,
            ("科目决算", "本年", "2100499"): 9.74,
            ("科目年初预算", "本年", "2101202"): 730.8,
            ("科目决算", "本年", "2101202"): 708.33,
            ("科目决算", "本年", "21015"): 211.89,
            ("科目年初预算", "本年", "2109999"): 53.24,
            ("科目决算", "本年", "2109999"): 53.24,
            ("科目决算", "本年", "201"): 2.0,
            ("科目决算", "本年", "210"): 983.24,  # row 386, classes
        },
    )
    assert one(df, "科目决算完成率", code="2101202")["value"] == 97
    assert one(df, "科目决算", code="2109999")["sentence"].startswith("5、卫生健康（类）其他卫生健康支出（款）")


def test_seed002_key_figures_and_prior_years():
    df = seed_facts("002", 2020)
    expect(
        df,
        {
            ("收入总计", "本年", ""): 1661.54,
            ("支出总计", "本年", ""): 1656.95,  # row 42
            ("一般公共预算财政拨款收入", "本年", ""): 1613.46,
            ("政府性基金预算财政拨款收入", "本年", ""): 4.0,
            ("其他收入", "本年", ""): 44.08,
            ("收入合计", "本年", ""): 1661.54,  # 46
            ("支出合计", "本年", ""): 1656.95,
            ("基本支出", "本年", ""): 1324.44,
            ("项目支出", "本年", ""): 332.51,  # 50
            ("财政拨款收入", "本年", ""): 1617.46,
            ("财政拨款支出", "本年", ""): 1617.46,  # 52
            ("财政拨款基本支出", "本年", ""): 1284.94,
            ("人员经费", "本年", ""): 1223.92,
            ("公用经费", "本年", ""): 61.02,
            ("三公经费", "本年", ""): 3.89,
            ("公务接待费", "本年", ""): 1.75,
            ("公务用车购置及运行费", "本年", ""): 2.14,
            ("公务用车购置费", "本年", ""): 0.0,
            ("公务用车运行费", "本年", ""): 2.14,
            ("因公出国（境）费", "本年", ""): 0.0,
            ("公务接待批次", "本年", ""): 88.0,
            ("公务接待人次", "本年", ""): 409.0,
            ("车辆保有量", "本年", ""): 1.0,
            ("机关运行经费", "本年", ""): 100.51,
            ("政府采购", "本年", ""): 38.48,
            # stated prior years
            ("收入总计", "上年", ""): 1998.52,  # "与2019年度1998.52万元相比"
            ("一般公共预算财政拨款收入", "上年", ""): 1511.11,
            ("财政拨款收入", "上年", ""): 1625.11,
            ("机关运行经费", "上年", ""): 93.83,  # "2019年度机关运行经费支出93.83万元"
            # derived prior years
            ("其他收入", "上年", ""): 373.4,
            ("政府性基金预算财政拨款收入", "上年", ""): 114.0,
            ("财政拨款支出", "上年", ""): 1625.11,
            ("因公出国（境）费", "上年", ""): 0.0,
        },
    )
    assert not one(df, "收入总计", "上年")["derived"]
    assert one(df, "其他收入", "上年")["formula"] == "44.08 + 329.32"
    assert one(df, "因公出国（境）费", "上年")["derived"]  # "与上年相比持平"
    # the 三公 budgets of section 七 (the appendix states others, also kept: they are what it says)
    assert 40.0 in values(df, "三公经费预算") and 25.0 in values(df, "公务接待费预算")
    # rows 110 and 118: a number without unit takes the sentence's; 元 is converted
    expect(
        df,
        {
            ("科目年初预算", "本年", "2101599"): 145.05,
            ("科目决算", "本年", "2101599"): 670.3,
            ("科目年初预算", "本年", "234"): 0.0,
            ("科目决算", "本年", "234"): 4.0,
            ("科目决算", "本年", "2010399"): 50.0,
        },
    )
    assert 50.0 not in values(df, "科目年初预算", code="2010399")  # "年中追加预算50万元" is not the budget


def test_seed003_key_figures_and_prior_years():
    df = seed_facts("003", 2021)
    expect(
        df,
        {
            ("收入总计", "本年", ""): 1026.81,
            ("支出总计", "本年", ""): 1026.81,  # row 54, letter-spaced
            ("收入合计", "本年", ""): 1026.81,
            ("财政拨款收入", "本年", ""): 1026.81,
            ("上级补助收入", "本年", ""): 0.0,
            ("事业收入", "本年", ""): 0.0,
            ("经营收入", "本年", ""): 0.0,
            ("其他收入", "本年", ""): 0.0,  # 56
            ("支出合计", "本年", ""): 1026.81,
            ("基本支出", "本年", ""): 67.81,
            ("项目支出", "本年", ""): 959.0,  # 58
            ("财政拨款收入总计", "本年", ""): 1026.81,
            ("财政拨款支出总计", "本年", ""): 1026.81,  # 60
            ("财政拨款支出", "本年", ""): 965.81,  # 63
            ("一般公共预算财政拨款支出", "本年", ""): 965.81,
            ("一般公共预算财政拨款支出预算", "本年", ""): 965.81,  # 67
            ("财政拨款基本支出", "本年", ""): 67.81,
            ("人员经费", "本年", ""): 60.55,
            ("公用经费", "本年", ""): 7.26,
            ("三公经费", "本年", ""): 0.0,
            ("三公经费预算", "本年", ""): 0.0,  # 71
            ("政府性基金预算财政拨款收入", "本年", ""): 61.0,
            ("政府性基金预算财政拨款支出", "本年", ""): 61.0,  # 73
            ("机关运行经费", "本年", ""): 7.26,
            ("车辆保有量", "本年", ""): 0.0,
            ("收入总计", "上年", ""): 1288.27,
            ("支出总计", "上年", ""): 1288.27,
            ("财政拨款收入总计", "上年", ""): 1288.27,
            ("财政拨款支出", "上年", ""): 1218.27,
            ("机关运行经费", "上年", ""): 6.12,
            ("三公经费", "上年", ""): 0.0,  # "与2020年决算数相比无增减"
        },
    )
    assert one(df, "收入总计")["row"] == 54
    assert values(df, "政府采购") == []  # "无政府采购业务支出情况" states no figure


def test_seed004_key_figures_and_prior_years():
    df = seed_facts("004", 2021)
    expect(
        df,
        {
            ("收支总计", "本年", ""): 2525.66,  # row 120
            ("收入合计", "本年", ""): 2525.66,
            ("一般公共预算财政拨款收入", "本年", ""): 2446.64,
            ("政府性基金预算财政拨款收入", "本年", ""): 79.02,  # 127
            ("支出合计", "本年", ""): 2525.66,
            ("基本支出", "本年", ""): 372.3,  # 134
            ("财政拨款收支总计", "本年", ""): 2525.66,
            ("一般公共预算财政拨款支出", "本年", ""): 2446.64,
            ("财政拨款基本支出", "本年", ""): 372.3,
            ("人员经费", "本年", ""): 300.97,
            ("公用经费", "本年", ""): 71.33,
            ("三公经费", "本年", ""): 2.56,
            ("因公出国（境）费", "本年", ""): 0.0,
            ("公务用车购置及运行费", "本年", ""): 1.07,
            ("公务接待费", "本年", ""): 1.49,
            ("公务用车运行费", "本年", ""): 1.07,
            ("公务接待批次", "本年", ""): 11.0,
            ("公务接待人次", "本年", ""): 177.0,
            ("车辆保有量", "本年", ""): 1.0,
            ("新购公务用车", "本年", ""): 0.0,
            ("政府性基金预算财政拨款支出", "本年", ""): 79.02,
            ("国有资本经营预算财政拨款支出", "本年", ""): 0.0,
            ("机关运行经费", "本年", ""): 85.79,
            ("政府采购", "本年", ""): 5.42,
            ("政府采购货物", "本年", ""): 5.42,
            ("收支总计", "上年", ""): 1020.46,
            ("财政拨款收支总计", "上年", ""): 1020.46,
            ("一般公共预算财政拨款支出", "上年", ""): 1020.46,
            ("公务接待费", "上年", ""): 2.0,
            ("公务用车购置及运行费", "上年", ""): 0.0,
            ("机关运行经费", "上年", ""): 104.31,
            # rows 164–195, one line broken twice
            ("科目决算", "本年", "2080505"): 21.94,
            ("科目决算", "本年", "2101301"): 1166.94,
            ("科目决算", "本年", "2101505"): 10.72,
            ("科目决算", "本年", "2296013"): 79.02,
        },
    )
    # the narrative (row 134) and the appendix (row 336) state different 项目支出: both are kept, with their rows
    assert values(df, "项目支出") == [2074.34, 2153.36]


def test_seed001_reads_and_yields_what_it_states():
    df = seed_facts("001", None)
    # "2020 年收入 437.45 万元" reports 2021 (the year is written wrong): 本年 unless marked 上年
    expect(
        df,
        {
            ("收入合计", "本年", ""): 437.45,
            ("收入合计", "上年", ""): 422.6,
            ("支出合计", "上年", ""): 423.09,
            ("三公经费", "本年", ""): 1.0,
            ("三公经费", "上年", ""): 0.55,
            ("培训费", "上年", ""): 0.01,
            ("财政拨款收入", "本年", ""): 437.45,
            ("年末结转和结余", "本年", ""): 54.03,
            ("科目年初预算", "本年", "210"): 414.78,
            ("科目决算", "本年", "210"): 349.6,
        },
    )
    # row 71 cites projects, not classes: their 10 / 24.22 / 220 are not the classes' budgets
    assert values(df, "科目年初预算", code="208") == [27.17]
    assert one(df, "科目决算占比", "上年", "213")["value"] == 23.8  # "上年度…农林水支出占总支出的 23.8%"


# --------------------------------------------------------------------------------------------------------------
# Quirks, one small sentence each


def test_spaces_between_characters_and_inside_numbers():
    df = facts_of("2021 年 度 收 入 总 计1 026.81万元 、 支 出 总 计1026.81 万 元。")
    expect(df, {("收入总计", "本年", ""): 1026.81, ("支出总计", "本年", ""): 1026.81})


def test_full_and_half_width_and_thousands_separators():
    df = facts_of(
        "本年收入合计２，５２５．６６万元，其中：一般公共预算财政拨款收入2,446.64万元，占96.87％。\n"
        "卫生健康(类)医疗保障管理事务(款)行政运行(项):支出决算为 306.08 万元。"
    )
    expect(
        df,
        {
            ("收入合计", "本年", ""): 2525.66,
            ("一般公共预算财政拨款收入", "本年", ""): 2446.64,
            ("一般公共预算财政拨款收入占比", "本年", ""): 96.87,
            ("科目决算", "本年", "2101501"): 306.08,
        },
    )


def test_a_sentence_broken_over_lines_keeps_its_first_row():
    df = facts_of(
        "说明\n\n10. 卫生健康(类)医疗保障管理事务(款)医疗保障\n政策管理(项):支出决算为 10.72 万元, 完成预\n算 100%。"
    )
    f = one(df, "科目决算", code="2101505")
    assert f["value"] == 10.72 and f["row"] == 3
    assert one(df, "科目决算完成率", code="2101505")["value"] == 100


def test_a_list_item_is_not_joined_to_the_sentence_before():
    df = facts_of(
        "年初预算为9.74万元，支出决算为9.74万元，完成年初预算的100%，\n"
        "3、卫生健康（类）医疗保障管理事务（款）\n年初预算为211.89万元，支出决算为211.89万元。"
    )
    expect(df, {("科目决算", "本年", "21015"): 211.89, ("科目年初预算", "本年", "21015"): 211.89})
    assert values(df, "科目决算", code="") == []


def test_wrong_year_is_still_this_year_unless_the_sentence_says_prior():
    df = facts_of("2020年度机关运行经费支出7.26万元，上年度机关运行经费支出6.12万元。", year=2021)
    expect(df, {("机关运行经费", "本年", ""): 7.26, ("机关运行经费", "上年", ""): 6.12})


def test_two_years_in_one_sentence_make_the_earlier_the_prior_year():
    df = facts_of("2020年度机关运行经费支出100.51万元，2019年度机关运行经费支出93.83万元。", year=2020)
    expect(df, {("机关运行经费", "本年", ""): 100.51, ("机关运行经费", "上年", ""): 93.83})


def test_yuan_is_converted_and_a_missing_unit_takes_the_sentences():
    df = facts_of(
        "公务接待费支出决算14,900元。\n"
        "卫生健康（类）医疗保障管理事务（款）其他医疗保障管理事务支出（项）年初预算为145.05，支出决算数670.3万元。"
    )
    expect(
        df,
        {
            ("公务接待费", "本年", ""): 1.49,
            ("科目年初预算", "本年", "2101599"): 145.05,
            ("科目决算", "本年", "2101599"): 670.3,
        },
    )


@pytest.mark.parametrize(
    "sentence, prior, formula",
    [
        ("2021年度收、支总计986.66万元。与上年相比，减少15.15万元，减少1.5%。", 1001.81, "986.66 + 15.15"),
        ("2021年度收支总计986.66万元，比上年增长10万元。", 976.66, "986.66 - 10"),
        ("2021年度收支总计986.66万元，较上年下降0.5万元，下降0.05%。", 987.16, "986.66 + 0.5"),
        ("2021年度收支总计986.66万元，与2020年相比持平。", 986.66, "986.66 (持平)"),
    ],
)
def test_prior_year_from_a_stated_change(sentence, prior, formula):
    df = facts_of(sentence)
    f = one(df, "收支总计", "上年")
    assert f["value"] == prior and bool(f["derived"]) and f["formula"] == formula


def test_a_stated_prior_year_is_not_derived_and_a_percent_is_not_money():
    df = facts_of("2020年度收入总计1661.54万元。与2019年度1998.52万元相比，减少336.98万元，下降16.86%。", year=2020)
    f = one(df, "收入总计", "上年")
    assert f["value"] == 1998.52 and not f["derived"]
    assert values(df, "收入总计增减率") == [-16.86] and values(df, "收入总计增减额") == [-336.98]


def test_budget_against_actual_is_not_a_year_on_year_change():
    df = facts_of("卫生健康支出预算数为414.78万元，决算数为349.60万元，减少了65.18万元。")
    assert values(df, "科目决算", "上年", "210") == [] and values(df, "科目决算", code="210") == [349.6]


def test_a_key_phrase_inside_a_longer_noun_is_not_the_key():
    # seed 000's appendix: one project's spending, not 项目支出
    df = facts_of("区属困难企业退休人员医保费项目支出 41 万元。")
    assert values(df, "项目支出") == []


def test_counts_and_their_siblings():
    df = facts_of(
        "全年安排因公出国（境）团组2个，累计6人次。全年共接待来访团组88批次、来宾409人次。"
        "截至2021年12月31日，本单位共有车辆3辆，其中：轿车1辆。"
    )
    expect(
        df,
        {
            ("因公出国团组", "本年", ""): 2,
            ("因公出国人次", "本年", ""): 6,
            ("公务接待批次", "本年", ""): 88,
            ("公务接待人次", "本年", ""): 409,
            ("车辆保有量", "本年", ""): 3,
        },
    )


def test_table_rows_are_not_read():
    df = facts_of("收入合计\t986.66\t\n本年支出合计986.66万元。")
    assert values(df, "收入合计") == [] and values(df, "支出合计") == [986.66]


# --------------------------------------------------------------------------------------------------------------
# Checks


def cells_records(rows: list[tuple]) -> list[dict]:
    """Cell records as the table parser makes them (contract v2 fields and the half unit of the printed value)."""
    out = []
    for table, side, code, item, measure, value in rows:
        out.append(
            {
                "table": table,
                "side": side or None,
                "code": code or None,
                "item": None if code else item,
                "name": item,
                "measure": measure,
                "basis": "决算",
                "value": value,
                "page": 1,
                "_half": 0.005,
            }
        )
    return out


CELLS = cells_records(
    [
        ("02", "", "", "合计", "合计", 986.66),
        ("02", "", "", "合计", "财政拨款收入", 985.24),
        ("02", "", "", "合计", "其他收入", 1.42),
        ("03", "", "", "合计", "合计", 986.66),
        ("03", "", "", "合计", "基本支出", 176.14),
        ("05", "", "", "合计", "合计", 985.24),
        ("05", "", "201", "一般公共服务支出", "合计", 2.00),
        ("05", "", "2109999", "其他卫生健康支出", "合计", 53.28),
        ("06", "", "", "人员经费合计", "合计", 148.03),
        ("06", "", "", "公用经费合计", "合计", 26.69),
        ("01", "收入", "", "收入总计", "合计", 986.66),
        ("01", "收入", "", "一般公共预算财政拨款收入", "合计", 985.24),
    ]
)


def test_subject_mismatch_is_an_error_and_rounded_restatement_is_not():
    df = facts_of(
        "2021年度财政拨款支出985.24万元，主要用于以下方面：一般公共服务（类）支出2万元，占0.2%。\n"
        "卫生健康（类）其他卫生健康支出（款）其他卫生健康支出（项）。\n年初预算为53.24万元，支出决算为53.24万元。"
    )
    found = findings_of(df, CELLS)
    assert list(found.columns) == columns("findings")
    errors = found[found["severity"] == "error"]
    assert errors[["check", "table", "code", "expected", "actual"]].values.tolist() == [
        ["narrative_subject", "05", "2109999", 53.28, 53.24]
    ]
    assert math.isclose(errors["tolerance"].iloc[0], 0.005) and math.isclose(errors["difference"].iloc[0], -0.04)
    assert found[found["code"] == "201"].empty  # "2万元" restates 2.00


def test_totals_and_splits_agree_with_the_tables_and_disagreement_is_found():
    df = facts_of(
        "2021年度收入合计986.66万元，其中：财政拨款收入985.24万元；其他收入1.5万元。"
        "2021年度财政拨款基本支出174.72万元，其中：人员经费148.03万元，公用经费26.69万元。"
        "2021年度收、支总计986.66万元。"
    )
    found = findings_of(df, CELLS)
    bad = found[found["severity"] != "info"]
    assert bad[["check", "item", "measure", "expected", "actual"]].values.tolist() == [
        ["narrative_split", "其他收入", "其他收入", 1.42, 1.5]
    ]
    # 1.5 is printed to one decimal: 1.42 would print as 1.4, so the tolerance is 0.05 and this is beyond it
    assert math.isclose(bad["tolerance"].iloc[0], 0.05)


def test_a_missing_table_means_no_check():
    df = facts_of("2021年度三公经费财政拨款支出决算为5万元。本单位机关运行经费支出7.26万元。")
    assert findings_of(df, CELLS).empty
    assert findings_of(df, []).empty


def test_shares_rates_and_changes_are_checked_against_the_narratives_own_figures():
    df = facts_of(
        "2021年度支出合计986.66万元，其中：基本支出176.14万元，占17.85%；项目支出810.52万元，占80.15%。"
        "2021年度财政拨款基本支出174.72万元，其中：人员经费148.03万元，占基本支出的84.72%。"
        "公务接待费预算数为25万元，支出决算为1.75万元，完成预算的7%。"
        "机关运行经费支出100.51万元，上年机关运行经费支出93.83万元，减少6.68万元。"
    )
    found = findings_of(df, [])
    got = found[["check", "severity", "item", "actual"]].values.tolist()
    assert got == [
        ["narrative_share", "warning", "项目支出", 80.15],  # implied whole: 810.52/986.66 = 82.15%
        ["narrative_change", "warning", "机关运行经费", -6.68],
    ]


def test_half_unit_follows_the_printed_digits():
    assert half_unit(2.0) == 0.5 and half_unit(53.24) == 0.005 and half_unit(730.8) == 0.05


def test_seed000_end_to_end_finds_its_real_mismatch_and_nothing_else(seed000):
    narrative = seed000.findings[seed000.findings["check"].str.startswith("narrative")]
    errors = narrative[narrative["severity"] == "error"]
    assert errors[["check", "table", "code", "expected", "actual"]].values.tolist() == [
        ["narrative_subject", "05", "2109999", 53.28, 53.24]
    ]
    assert len(seed000.facts) == len(seed_facts("000", 2021))
