"""juesuan.narrative: facts from the 情况说明 and their checks.

Seed values below were read by hand from data/raw/*.txt (the line numbers are the text lines they stand on), not
produced by running the code. A fact is named by a spec: ``concept[@basis][#code][:figure]`` — "三公经费@预算" is the
department's 三公经费 on a budget basis, "支出#2101202@年初预算" the 年初预算 of a cited 项; a spec with a code is about
a 科目, one without about the whole department (部门).
"""

from __future__ import annotations

import math
import re
from functools import cache

import pandas as pd
import pytest

from juesuan.narrative import (
    aliases,
    concept_of,
    concepts,
    facts_to_findings,
    half_unit,
    lines_to_facts,
    lines_to_records,
)
from juesuan.readers.text import text_to_lines
from juesuan.schema import FIGURES, columns

from .conftest import seed

BUDGETS = ("预算", "年初预算", "调整预算", "全年预算", "预算安排")


@cache
def seed_facts(prefix: str, year: int | None) -> pd.DataFrame:
    lines, _ = text_to_lines(seed(prefix).read_text(encoding="utf-8"))
    return _frame(lines_to_records(lines, year, "决算"))


def _frame(records: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(records, columns=columns("facts")[3:] + ["_fund", "_places"])
    df["code"] = df["code"].fillna("")
    return df


def facts_of(text: str, year: int | None = 2021, kind: str = "决算") -> pd.DataFrame:
    lines, _ = text_to_lines(text)
    return _frame(lines_to_records(lines, year, kind))


def select(df: pd.DataFrame, spec: str, period: str = "本年") -> pd.DataFrame:
    """The facts a spec names (see the module docstring), in reading order."""
    spec, _, figure = spec.partition(":")
    m = re.fullmatch(r"([^@#]+)(?:@([^@#]+))?(?:#(\d+))?(?:@([^@#]+))?", spec)
    concept, code, basis = m.group(1), m.group(3) or "", m.group(2) or m.group(4) or ""
    info = concepts().get(concept)
    figure = figure or ("count" if info is not None and info.is_count else "amount")
    sel = df[(df["concept"] == concept) & (df["period"] == period) & (df["code"] == code) & (df["figure"] == figure)]
    sel = sel[sel["subject"] == ("科目" if code else "部门")]
    if basis == "预算":
        sel = sel[sel["basis"].isin(BUDGETS)]
    elif basis:
        sel = sel[sel["basis"] == basis]
    elif figure == "amount":
        sel = sel[~sel["basis"].isin(BUDGETS)]
    return sel.sort_values("line", kind="stable")


def values(df: pd.DataFrame, spec: str, period: str = "本年") -> list[float]:
    return sorted(round(v, 4) for v in select(df, spec, period)["value"])


def one(df: pd.DataFrame, spec: str, period: str = "本年") -> pd.Series:
    sel = select(df, spec, period)
    assert len(sel) == 1, f"{spec} {period}: {sel[['value', 'sentence']].to_string()}"
    return sel.iloc[0]


def expect(df: pd.DataFrame, table: dict) -> None:
    """table: {(spec, period): value} — the first statement (lowest line) of each must have that value.

    A document may state a figure again, differently (seed 002's appendix: 其他收入44.09 after 44.08); both are
    facts, the 情况说明 comes first.
    """
    wrong = {}
    for (spec, period), want in table.items():
        got = [round(v, 4) for v in select(df, spec, period)["value"]]
        if not got or got[0] != want:
            wrong[(spec, period)] = (want, got)
    assert not wrong, wrong


# --------------------------------------------------------------------------------------------------------------
# The contract and the vocabulary


def test_facts_follow_the_contract_and_every_concept_is_defined():
    known = concepts()
    for prefix in ("000", "001", "002", "003", "004"):
        lines, _ = text_to_lines(seed(prefix).read_text(encoding="utf-8"))
        contract = lines_to_facts(lines, prefix, None)
        assert list(contract.columns) == columns("facts")
        assert set(contract["figure"]) <= set(FIGURES)
        assert contract["concept"].notna().all() and contract["subject"].notna().all()
        assert set(contract["subject"]) <= {"部门", "科目", "项目", "其他"}
        assert not set(contract["concept"]) - set(known), f"{prefix}: concepts not in concepts.csv"
        assert set(contract["period"]) <= {"本年", "上年"}
        for f in contract.itertuples():  # money in 万元, shares/rates/changes in % or 万元, counts in their unit
            if f.figure == "count":
                assert f.unit in known[f.concept].units, f
            else:
                assert f.unit in ("万元", "%"), f
        # a cited subject's facts carry its code where it resolves, and only its facts are 科目
        assert contract.loc[contract["subject"] == "科目", "code"].notna().mean() > 0.9


def test_the_vocabulary_is_data_and_each_alias_names_one_concept():
    known = concepts()
    required = [
        "收入合计",
        "收入总计",
        "支出合计",
        "支出总计",
        "收支总计",
        "财政拨款收入",
        "一般公共预算财政拨款收入",
        "政府性基金预算财政拨款收入",
        "年初结转和结余",
        "年末结转和结余",
        "基本支出",
        "项目支出",
        "财政拨款支出",
        "一般公共预算财政拨款支出",
        "财政拨款基本支出",
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
        "车辆保有量",
        "新购公务用车",
        "因公出国（境）团组",
        "因公出国（境）人次",
        "公务接待批次",
        "公务接待人次",
        "支出",
    ]
    assert [k for k in required if k not in known] == []
    assert known["车辆保有量"].units == ("辆",) and known["公务接待批次"].is_count
    assert all(a.concept in known for a in aliases().values())
    # names across regions and years (the list)
    pairs = {
        "公务用车运行维护费": "公务用车运行费",
        "国内公务接待批次": "公务接待批次",
        "一般公共预算安排的三公经费": "三公经费",
        "公共财政拨款": "",  # the word alone names no figure …
        "公共财政拨款支出": "一般公共预算财政拨款支出",  # … its phrases do
        "公共财政拨款收入": "一般公共预算财政拨款收入",
        "人员支出": "人员经费",
        "公用支出": "公用经费",
        "收入预算合计": "收入合计",  # a 预算 form generated from the 合计 alias
    }
    assert {k: concept_of(k) for k in pairs} == pairs


# --------------------------------------------------------------------------------------------------------------
# Seeds: key figures read by hand


def test_seed000_key_figures_and_prior_years():
    df = seed_facts("000", 2021)
    expect(
        df,
        {
            ("收支总计", "本年"): 986.66,  # line 364
            ("收入合计", "本年"): 986.66,
            ("财政拨款收入", "本年"): 985.24,
            ("其他收入", "本年"): 1.42,  # 368
            ("支出合计", "本年"): 986.66,
            ("基本支出", "本年"): 176.14,
            ("项目支出", "本年"): 810.52,  # 372
            ("财政拨款收支总计", "本年"): 985.24,  # 376
            ("财政拨款支出", "本年"): 985.24,
            ("财政拨款支出@年初预算", "本年"): 985.24,  # 382, 390
            ("财政拨款基本支出", "本年"): 174.72,
            ("人员经费", "本年"): 148.03,
            ("公用经费", "本年"): 26.69,
            ("三公经费", "本年"): 0.0,
            ("三公经费@预算", "本年"): 0.0,
            ("公务接待费", "本年"): 0.0,
            ("因公出国（境）费", "本年"): 0.0,
            ("公务用车购置费", "本年"): 0.0,
            ("公务用车运行费", "本年"): 0.0,
            ("机关运行经费", "本年"): 26.69,  # 454
            ("政府采购", "本年"): 0.0,
            ("政府采购货物", "本年"): 0.0,
            ("政府采购工程", "本年"): 0.0,
            ("政府采购服务", "本年"): 0.0,
            ("授予中小企业合同", "本年"): 0.0,  # 464
            ("车辆保有量", "本年"): 0.0,
            ("因公出国（境）团组", "本年"): 0.0,
            ("公务接待人次", "本年"): 0.0,
            # prior years, all from stated changes
            ("收支总计", "上年"): 1001.81,
            ("财政拨款收支总计", "上年"): 936.08,
            ("财政拨款支出", "上年"): 936.08,
            ("机关运行经费", "上年"): 16.22,
        },
    )
    prior = one(df, "收支总计", "上年")
    assert bool(prior["derived"]) and prior["formula"] == "986.66 + 15.15" and prior["line"] == 364
    changes = select(df, "收支总计:change")  # a percent change is a rate, never money
    assert changes[["value", "unit"]].values.tolist() == [[-15.15, "万元"], [-1.5, "%"]]
    assert one(df, "财政拨款收入:share")["value"] == 99.86
    assert one(df, "人员经费:share")["formula"] == "人员经费 / 财政拨款基本支出"  # "占基本支出的84.72%" of 174.72


def test_seed000_cited_subjects_get_their_codes():
    df = seed_facts("000", 2021)
    # lines 392–412: 类/款/项 by name, the citation and its figures on separate lines
    expect(
        df,
        {
            ("支出#2019999@决算", "本年"): 2.0,
            ("支出#2019999@年初预算", "本年"): 2.0,
            ("支出#2100499@决算", "本年"): 9.74,
            ("支出#2101202@年初预算", "本年"): 730.8,
            ("支出#2101202@决算", "本年"): 708.33,
            ("支出#21015@决算", "本年"): 211.89,
            ("支出#2109999@年初预算", "本年"): 53.24,
            ("支出#2109999@决算", "本年"): 53.24,
            ("支出#201", "本年"): 2.0,
            ("支出#210", "本年"): 983.24,  # line 386, classes
        },
    )
    assert one(df, "支出#2101202:rate")["value"] == 97
    assert one(df, "支出#2109999@决算")["sentence"].startswith("5、卫生健康（类）其他卫生健康支出（款）")
    # a cited subject's figures are never the department's: no headline figure came from lines 392–412
    headline = df[(df["subject"] == "部门") & df["line"].between(392, 412)]
    assert headline.empty, headline[["concept", "value", "sentence"]]


def test_seed002_key_figures_and_prior_years():
    df = seed_facts("002", 2020)
    expect(
        df,
        {
            ("收入总计", "本年"): 1661.54,
            ("支出总计", "本年"): 1656.95,  # line 42
            ("一般公共预算财政拨款收入", "本年"): 1613.46,
            ("政府性基金预算财政拨款收入", "本年"): 4.0,
            ("其他收入", "本年"): 44.08,
            ("收入合计", "本年"): 1661.54,  # 46
            ("支出合计", "本年"): 1656.95,
            ("基本支出", "本年"): 1324.44,
            ("项目支出", "本年"): 332.51,  # 50
            ("财政拨款收入", "本年"): 1617.46,
            ("财政拨款支出", "本年"): 1617.46,  # 52
            ("财政拨款基本支出", "本年"): 1284.94,
            ("人员经费", "本年"): 1223.92,
            ("公用经费", "本年"): 61.02,
            ("三公经费", "本年"): 3.89,
            ("公务接待费", "本年"): 1.75,
            ("公务用车购置及运行费", "本年"): 2.14,
            ("公务用车购置费", "本年"): 0.0,
            ("公务用车运行费", "本年"): 2.14,
            ("因公出国（境）费", "本年"): 0.0,
            ("公务接待批次", "本年"): 88.0,
            ("公务接待人次", "本年"): 409.0,
            ("车辆保有量", "本年"): 1.0,
            ("机关运行经费", "本年"): 100.51,
            ("政府采购", "本年"): 38.48,
            # stated prior years
            ("收入总计", "上年"): 1998.52,  # "与2019年度1998.52万元相比"
            ("一般公共预算财政拨款收入", "上年"): 1511.11,
            ("财政拨款收入", "上年"): 1625.11,
            ("机关运行经费", "上年"): 93.83,  # "2019年度机关运行经费支出93.83万元"
            # derived prior years
            ("其他收入", "上年"): 373.4,
            ("政府性基金预算财政拨款收入", "上年"): 114.0,
            ("财政拨款支出", "上年"): 1625.11,
            ("因公出国（境）费", "上年"): 0.0,
        },
    )
    assert not one(df, "收入总计", "上年")["derived"]
    assert one(df, "其他收入", "上年")["formula"] == "44.08 + 329.32"
    assert one(df, "因公出国（境）费", "上年")["derived"]  # "与上年相比持平"
    # the 三公 budgets of section 七 (the appendix states others, also kept: they are what it says)
    assert 40.0 in values(df, "三公经费@预算") and 25.0 in values(df, "公务接待费@预算")
    # lines 110 and 118: a number without unit takes the sentence's; 元 is converted
    expect(
        df,
        {
            ("支出#2101599@年初预算", "本年"): 145.05,
            ("支出#2101599@决算", "本年"): 670.3,
            ("支出#234@年初预算", "本年"): 0.0,
            ("支出#234@决算", "本年"): 4.0,
            ("支出#2010399@决算", "本年"): 50.0,
        },
    )
    assert 50.0 not in values(df, "支出#2010399@年初预算")  # "年中追加预算50万元" is not the budget


def test_seed003_key_figures_and_prior_years():
    df = seed_facts("003", 2021)
    expect(
        df,
        {
            ("收入总计", "本年"): 1026.81,
            ("支出总计", "本年"): 1026.81,  # line 54, letter-spaced
            ("收入合计", "本年"): 1026.81,
            ("财政拨款收入", "本年"): 1026.81,
            ("上级补助收入", "本年"): 0.0,
            ("事业收入", "本年"): 0.0,
            ("经营收入", "本年"): 0.0,
            ("其他收入", "本年"): 0.0,  # 56
            ("支出合计", "本年"): 1026.81,
            ("基本支出", "本年"): 67.81,
            ("项目支出", "本年"): 959.0,  # 58
            ("财政拨款收入总计", "本年"): 1026.81,
            ("财政拨款支出总计", "本年"): 1026.81,  # 60
            ("财政拨款支出", "本年"): 965.81,  # 63
            ("一般公共预算财政拨款支出", "本年"): 965.81,
            ("一般公共预算财政拨款支出@预算", "本年"): 965.81,  # 67
            ("财政拨款基本支出", "本年"): 67.81,
            ("人员经费", "本年"): 60.55,
            ("公用经费", "本年"): 7.26,
            ("三公经费", "本年"): 0.0,
            ("三公经费@预算", "本年"): 0.0,  # 71
            ("政府性基金预算财政拨款收入", "本年"): 61.0,
            ("政府性基金预算财政拨款支出", "本年"): 61.0,  # 73
            ("机关运行经费", "本年"): 7.26,
            ("车辆保有量", "本年"): 0.0,
            ("收入总计", "上年"): 1288.27,
            ("支出总计", "上年"): 1288.27,
            ("财政拨款收入总计", "上年"): 1288.27,
            ("财政拨款支出", "上年"): 1218.27,
            ("机关运行经费", "上年"): 6.12,
            ("三公经费", "上年"): 0.0,  # "与2020年决算数相比无增减"
        },
    )
    assert one(df, "收入总计")["line"] == 54
    assert values(df, "政府采购") == []  # "无政府采购业务支出情况" states no figure


def test_seed004_key_figures_and_prior_years():
    df = seed_facts("004", 2021)
    expect(
        df,
        {
            ("收支总计", "本年"): 2525.66,  # line 120
            ("收入合计", "本年"): 2525.66,
            ("一般公共预算财政拨款收入", "本年"): 2446.64,
            ("政府性基金预算财政拨款收入", "本年"): 79.02,  # 127
            ("支出合计", "本年"): 2525.66,
            ("基本支出", "本年"): 372.3,  # 134
            ("财政拨款收支总计", "本年"): 2525.66,
            ("一般公共预算财政拨款支出", "本年"): 2446.64,
            ("财政拨款基本支出", "本年"): 372.3,
            ("人员经费", "本年"): 300.97,
            ("公用经费", "本年"): 71.33,
            ("三公经费", "本年"): 2.56,
            ("因公出国（境）费", "本年"): 0.0,
            ("公务用车购置及运行费", "本年"): 1.07,
            ("公务接待费", "本年"): 1.49,
            ("公务用车运行费", "本年"): 1.07,
            ("公务接待批次", "本年"): 11.0,
            ("公务接待人次", "本年"): 177.0,
            ("车辆保有量", "本年"): 1.0,
            ("新购公务用车", "本年"): 0.0,
            ("政府性基金预算财政拨款支出", "本年"): 79.02,
            ("国有资本经营预算财政拨款支出", "本年"): 0.0,
            ("机关运行经费", "本年"): 85.79,
            ("政府采购", "本年"): 5.42,
            ("政府采购货物", "本年"): 5.42,
            ("收支总计", "上年"): 1020.46,
            ("财政拨款收支总计", "上年"): 1020.46,
            ("一般公共预算财政拨款支出", "上年"): 1020.46,
            ("公务接待费", "上年"): 2.0,
            ("公务用车购置及运行费", "上年"): 0.0,
            ("机关运行经费", "上年"): 104.31,
            # lines 164–195, one line broken twice
            ("支出#2080505", "本年"): 21.94,
            ("支出#2101301", "本年"): 1166.94,
            ("支出#2101505", "本年"): 10.72,
            ("支出#2296013", "本年"): 79.02,
        },
    )
    # the narrative (line 134) and the appendix (line 336) state different 项目支出: both are kept, with their lines
    assert values(df, "项目支出") == [2074.34, 2153.36]


def test_seed001_reads_and_yields_what_it_states():
    df = seed_facts("001", None)
    # "2020 年收入 437.45 万元" reports 2021 (the year is written wrong): 本年 unless marked 上年
    expect(
        df,
        {
            ("收入合计", "本年"): 437.45,
            ("收入合计", "上年"): 422.6,
            ("支出合计", "上年"): 423.09,
            ("三公经费", "本年"): 1.0,
            ("三公经费", "上年"): 0.55,
            ("培训费", "上年"): 0.01,
            ("财政拨款收入", "本年"): 437.45,
            ("年末结转和结余", "本年"): 54.03,
            ("支出#210@预算", "本年"): 414.78,
            ("支出#210@决算", "本年"): 349.6,
        },
    )
    # line 71 cites projects, not classes: their 10 / 24.22 / 220 are not the classes' budgets
    assert values(df, "支出#208@预算") == [27.17]
    assert one(df, "支出#213:share", "上年")["value"] == 23.8  # "上年度…农林水支出占总支出的 23.8%"


# --------------------------------------------------------------------------------------------------------------
# Quirks, one small sentence each


def test_spaces_between_characters_and_inside_numbers():
    df = facts_of("2021 年 度 收 入 总 计1 026.81万元 、 支 出 总 计1026.81 万 元。")
    expect(df, {("收入总计", "本年"): 1026.81, ("支出总计", "本年"): 1026.81})


def test_full_and_half_width_and_thousands_separators():
    df = facts_of(
        "本年收入合计２，５２５．６６万元，其中：一般公共预算财政拨款收入2,446.64万元，占96.87％。\n"
        "卫生健康(类)医疗保障管理事务(款)行政运行(项):支出决算为 306.08 万元。"
    )
    expect(
        df,
        {
            ("收入合计", "本年"): 2525.66,
            ("一般公共预算财政拨款收入", "本年"): 2446.64,
            ("一般公共预算财政拨款收入:share", "本年"): 96.87,
            ("支出#2101501", "本年"): 306.08,
        },
    )


def test_html_entities_soft_hyphens_and_a_slash_for_zero():
    df = facts_of("2021年度机关运行&shy;经费支出7.26万元，公务接待费/万元，公务用车运行费 0.5 万元。")
    expect(df, {("机关运行经费", "本年"): 7.26, ("公务接待费", "本年"): 0.0, ("公务用车运行费", "本年"): 0.5})


def test_yuan_and_wanyuan_in_one_sentence():
    df = facts_of("2021年度三公经费支出1.49万元，其中：公务接待费14,900元，因公出国（境）费0元。")
    expect(df, {("三公经费", "本年"): 1.49, ("公务接待费", "本年"): 1.49, ("因公出国（境）费", "本年"): 0.0})


def test_a_sentence_broken_over_lines_keeps_its_first_line():
    df = facts_of(
        "说明\n\n10. 卫生健康(类)医疗保障管理事务(款)医疗保障\n政策管理(项):支出决算为 10.72 万元, 完成预\n算 100%。"
    )
    f = one(df, "支出#2101505")
    assert f["value"] == 10.72 and f["line"] == 3
    assert one(df, "支出#2101505:rate")["value"] == 100


def test_a_list_item_is_not_joined_to_the_sentence_before():
    df = facts_of(
        "年初预算为9.74万元，支出决算为9.74万元，完成年初预算的100%，\n"
        "3、卫生健康（类）医疗保障管理事务（款）\n年初预算为211.89万元，支出决算为211.89万元。"
    )
    expect(df, {("支出#21015@决算", "本年"): 211.89, ("支出#21015@年初预算", "本年"): 211.89})
    assert df[df["subject"] == "部门"].empty


def test_wrong_year_is_still_this_year_unless_the_sentence_says_prior():
    df = facts_of("2020年度机关运行经费支出7.26万元，上年度机关运行经费支出6.12万元。", year=2021)
    expect(df, {("机关运行经费", "本年"): 7.26, ("机关运行经费", "上年"): 6.12})


def test_two_years_in_one_sentence_make_the_earlier_the_prior_year():
    df = facts_of("2020年度机关运行经费支出100.51万元，2019年度机关运行经费支出93.83万元。", year=2020)
    expect(df, {("机关运行经费", "本年"): 100.51, ("机关运行经费", "上年"): 93.83})


def test_a_year_compared_with_itself_is_the_wrong_year_not_the_prior_one():
    # 福建 平潭 2017: "2016年“三公”经费…支出2.42万元，较2016年决算增加0.55万元" in the 2017 report
    df = facts_of("2016年“三公”经费公共财政拨款支出2.42万元，较2016年决算增加0.55万元，增长29.41%。", year=2017)
    expect(df, {("三公经费", "本年"): 2.42, ("三公经费", "上年"): 1.87})


def test_yuan_is_converted_and_a_missing_unit_takes_the_sentences():
    df = facts_of(
        "公务接待费支出决算14,900元。\n"
        "卫生健康（类）医疗保障管理事务（款）其他医疗保障管理事务支出（项）年初预算为145.05，支出决算数670.3万元。"
    )
    expect(
        df,
        {
            ("公务接待费", "本年"): 1.49,
            ("支出#2101599@年初预算", "本年"): 145.05,
            ("支出#2101599@决算", "本年"): 670.3,
        },
    )


@pytest.mark.parametrize(
    "sentence, prior, formula",
    [
        ("2021年度收、支总计986.66万元。与上年相比，减少15.15万元，减少1.5%。", 1001.81, "986.66 + 15.15"),
        ("2021年度收支总计986.66万元，比上年增长10万元。", 976.66, "986.66 - 10"),
        ("2021年度收支总计986.66万元，较上年下降0.5万元，下降0.05%。", 987.16, "986.66 + 0.5"),
        ("2021年度收支总计986.66万元，与2020年相比持平。", 986.66, "986.66 (持平)"),
        ("2021年度收支总计986.66万元，较上年持平。", 986.66, "986.66 (持平)"),
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
    changes = select(df, "收入总计:change")
    assert changes[["value", "unit"]].values.tolist() == [[-336.98, "万元"], [-16.86, "%"]]


def test_budget_against_actual_is_not_a_year_on_year_change():
    df = facts_of("卫生健康支出预算数为414.78万元，决算数为349.60万元，减少了65.18万元。")
    assert values(df, "支出#210", "上年") == [] and values(df, "支出#210@决算") == [349.6]
    assert values(df, "支出#210:change") == []


def test_a_key_phrase_inside_a_longer_noun_is_not_the_key():
    # seed 000's appendix: one project's spending, not 项目支出
    df = facts_of("区属困难企业退休人员医保费项目支出 41 万元。")
    assert values(df, "项目支出") == []
    project = df[df["subject"] == "项目"]
    assert project[["value", "subject_name"]].values.tolist() == [[41.0, "区属困难企业退休人员医保费项目"]]


def test_counts_and_their_siblings():
    df = facts_of(
        "全年安排因公出国（境）团组2个，累计6人次。全年共接待来访团组88批次、来宾409人次。"
        "截至2021年12月31日，本单位共有车辆3辆，其中：轿车1辆。"
        "公务接待费2.71万元，累计接待22批次、接待总人数317人。"
        "（三）公务接待费3.61万元。主要用于兄弟市、县政协来岚考察等方面的接待活动，累计接待21批次。"
    )
    expect(
        df,
        {
            ("因公出国（境）团组", "本年"): 2,
            ("因公出国（境）人次", "本年"): 6,
            ("公务接待批次", "本年"): 88,
            ("公务接待人次", "本年"): 409,
            ("车辆保有量", "本年"): 3,
        },
    )
    assert values(df, "公务接待批次") == [21, 22, 88] and values(df, "公务接待人次") == [317, 409]


def test_table_rows_are_not_read():
    df = facts_of("收入合计\t986.66\t\n本年支出合计986.66万元。")
    assert values(df, "收入合计") == [] and values(df, "支出合计") == [986.66]


# --------------------------------------------------------------------------------------------------------------
# Clause-level subjects (issue 10): a figure about a cited subject is never a headline fact


def test_a_figure_about_one_xiang_is_not_the_departments_total():
    # 江苏 人大 2017: "1. 人大事务行政运行（项）支出 10528.33 万元" (the 项 of 款 人大事务, named without its marker)
    df = facts_of(
        "2017年财政拨款预算支出13649.07万元，占本年支出合计的100%。其中：\n一般公共服务\n"
        "1. 人大事务行政运行（项）支出 10528.33 万元，与上年相比减少17.89万元，减少0.17%。\n"
        "2. 社会保障和就业支出 1608.51 万元，与上年相比增加193.25万元，增长13.65%。",
        year=2017,
        kind="预算",
    )
    assert values(df, "支出合计@预算") == [] and values(df, "支出合计:change") == []
    expect(df, {("支出#2010101@预算", "本年"): 10528.33, ("支出#208@预算", "本年"): 1608.51})
    assert values(df, "支出#2010101:change") == [-17.89, -0.17]


@pytest.mark.parametrize(
    "sentence, code",
    [
        ("（一）公共安全（类）\n1．检察（款）行政运行（项）支出7968.14万元。", "2040401"),  # 款 under a class line
        ("行政事业单位离退休（类）未归口管理的行政单位离退休支出（项）271.45万元。", "2080504"),  # wrong marker
        ("公共安全支出（204类）司法（06款）行政运行（01项）1434.89万元。", "2040601"),  # 上海: codes inside
        ("（一）2010301行政运行353.32万元，较上年增加1万元。", "2010301"),  # 福建: code before the name
        ("1.小学教育（2050202），2023年度决算数为7,970.38万元。", "2050202"),  # 教育部: code after the name
        ("住房改革支出（类）住房公积金（项）752.9万元。", "2210201"),
    ],
)
def test_citations_in_the_shapes_narratives_print(sentence, code):
    df = facts_of(sentence, year=2023)
    cited = df[(df["subject"] == "科目") & (df["figure"] == "amount")]
    assert cited["code"].tolist()[:1] == [code]
    assert df[df["subject"] == "部门"].empty


def test_parts_of_a_cited_subject_stay_with_it():
    df = facts_of(
        "（一）2010301一般公共服务支出（类）政府办公厅及相关机构事务支出（款）行政运行（项）拨款支出768.66万元"
        "（人员经费699.09万元、日常公用经费69.57万元），较2016年决算数增加171.72万元，增长28.77%。",
        year=2017,
    )
    assert df[df["subject"] == "部门"].empty
    expect(df, {("支出#2010301", "本年"): 768.66, ("人员经费#2010301", "本年"): 699.09})
    assert values(df, "公用经费#2010301") == [69.57]
    assert values(df, "支出#2010301:change") == [28.77, 171.72]  # the change is the 项's, not its 人员经费's


def test_budget_form_execution_and_arrangement():
    # 上海 司法局 2026: the 项's prior-year execution and this year's arrangement; "主要用于…基本支出" describes
    df = facts_of(
        "1、公共安全支出（204类）司法（06款）行政运行（01项）1434.89万元。主要用于：行政单位的基本支出。"
        "2025年当年预算执行数为1690.69万元，2026年预算安排1434.89万元，比2025年预算执行数减少1.10%。",
        year=2026,
        kind="预算",
    )
    assert df[df["subject"] == "部门"].empty  # no 基本支出 of the department
    expect(df, {("支出#2040601@执行数", "上年"): 1690.69, ("支出#2040601@预算", "本年"): 1434.89})
    found = facts_to_findings(df.to_dict("records"), [])
    change = found[found["check"] == "narrative_change"]
    assert change[["code", "actual"]].values.tolist() == [["2040601", -1.1]]
    assert change["expected"].round(2).tolist() == [-15.13]


def test_a_three_gong_only_final_accounts_page(tmp_path):
    # a 三公-only 决算 notice: one paragraph per item, with its counts (generated text)
    import juesuan

    text = (
        "株洲市石峰区医疗保障局2022年度“三公”经费决算情况说明\n"
        "2022年度一般公共预算财政拨款“三公”经费支出决算为12.35万元，完成预算的82.33%，较上年减少1.2万元，下降8.86%。\n"
        "一、因公出国（境）费支出决算为0万元，全年安排因公出国（境）团组0个，累计0人次。\n"
        "二、公务用车购置及运行维护费支出决算为8.6万元，其中：公务用车购置费0万元，更新公务用车0辆；"
        "公务用车运行维护费8.6万元，截至2022年12月31日，公务用车保有量4辆。\n"
        "三、公务接待费支出决算为3.75万元，全年共接待国内来访团组25批次、来宾180人次。\n"
    )
    path = tmp_path / "株洲市石峰区医疗保障局2022年度三公经费决算情况说明.txt"
    path.write_text(text, encoding="utf-8")
    doc = juesuan.read(path)
    assert (doc.meta["kind"], doc.meta["year"]) == ("决算", 2022)
    df = _frame(doc.facts.drop(columns=["doc_id", "year", "department"]).to_dict("records"))
    expect(
        df,
        {
            ("三公经费", "本年"): 12.35,
            ("三公经费", "上年"): 13.55,
            ("因公出国（境）费", "本年"): 0.0,
            ("公务用车购置及运行费", "本年"): 8.6,
            ("公务用车购置费", "本年"): 0.0,
            ("公务用车运行费", "本年"): 8.6,
            ("公务接待费", "本年"): 3.75,
            ("因公出国（境）团组", "本年"): 0,
            ("因公出国（境）人次", "本年"): 0,
            ("新购公务用车", "本年"): 0,
            ("车辆保有量", "本年"): 4,
            ("公务接待批次", "本年"): 25,
            ("公务接待人次", "本年"): 180,
        },
    )
    assert set(df["basis"]) == {"决算"} and one(df, "三公经费:rate")["value"] == 82.33
    assert set(doc.facts["subject"]) == {"部门"}


def test_government_procurement_and_its_parts():
    df = facts_of(
        "2026年度本单位政府采购预算1484.2万元，其中：政府采购货物预算1.44万元、政府采购工程预算36.44万元、"
        "政府采购服务预算1446.32万元。2017年度我部门政府采购预算总金额为2247.85万元。其中拟购买货物59万元，"
        "拟购买工程0万元，拟购买服务2188.85万元。本部门政府采购支出总额5万元，其中：货物2万元、工程0万元、服务3万元，"
        "授予中小企业合同金额5万元。其中，货物类政府采购支出预算259.32万元,占20.40%；服务类政府采购支出预算1,011.90万元。",
        kind="预算",
    )
    assert values(df, "政府采购@预算") == [5.0, 1484.2, 2247.85]
    assert values(df, "政府采购货物@预算") == [1.44, 2.0, 59.0, 259.32]  # "货物类政府采购支出": a part, qualified
    assert values(df, "政府采购服务@预算") == [3.0, 1011.9, 1446.32, 2188.85]
    assert values(df, "授予中小企业合同@预算") == [5.0]


def test_a_flattened_page_with_inline_headings():
    # 福建 平潭: the whole page one paragraph; the headings change the section (政府性基金 is a fund's)
    text = (
        "四、2017年决算收支总体情况2017年本单位年初结转和结余86.23万元，本年收入3382.19万元。"
        "（二）2017本年支出3314.80万元，比2016年决算数增加1287.60万元，增长63.5％，具体情况如下："
        "1. 基本支出1587.81万元。其中，人员支出1264.60 万元，公用支出323.21万元。2. 项目支出1726.99万元。"
        "五、公共财政拨款支出决算情况2017年公共财政拨款支出1908.31万元。"
        "六、政府性基金支出决算情况2017年政府性基金支出1406.49万元，其中项目支出1406.49万元。"
        "七、一般公共预算财政拨款基本支出决算情况2017年一般公共预算财政拨款基本支出1587.81万元。"
    )
    df = facts_of(text, year=2017)
    expect(
        df,
        {
            ("年初结转和结余", "本年"): 86.23,
            ("收入合计", "本年"): 3382.19,
            ("支出合计", "本年"): 3314.80,
            ("支出合计", "上年"): 2027.2,
            ("基本支出", "本年"): 1587.81,
            ("人员经费", "本年"): 1264.60,
            ("公用经费", "本年"): 323.21,
            ("项目支出", "本年"): 1726.99,
            ("一般公共预算财政拨款支出", "本年"): 1908.31,
            ("政府性基金预算财政拨款支出", "本年"): 1406.49,
            ("政府性基金预算财政拨款项目支出", "本年"): 1406.49,
            ("财政拨款基本支出", "本年"): 1587.81,
        },
    )


def test_a_total_bounded_by_its_parts_is_the_year_s_total():
    # 教育部 高校: "收入总计" stands for 本年收入合计 when the sources it lists add up to it
    df = facts_of(
        "学校2023年度收入总计430,725.03万元，财政拨款收入243,015.38万元，占收入总额56.42%；"
        "事业收入136,385.24万元，占收入总额31.66%；其他收入51,324.41万元，占收入总额11.92%。",
        year=2023,
    )
    f = one(df, "收入合计")
    assert f["value"] == 430725.03 and bool(f["derived"])
    assert f["formula"].startswith("收入总计 430725.03 = 财政拨款收入 + 事业收入 + 其他收入")
    # parts that do not reach the 总计 say nothing about the 合计
    assert values(facts_of("2023年度收入总计500万元，其中：财政拨款收入200万元，其他收入100万元。"), "收入合计") == []


# --------------------------------------------------------------------------------------------------------------
# Checks


def cells_records(rows: list[tuple], basis: str = "决算") -> list[dict]:
    """Cell records as the table parser makes them (contract v2 fields)."""
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
                "basis": basis,
                "value": value,
                "page": 1,
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


def findings_of(facts: pd.DataFrame, cells: list[dict]) -> pd.DataFrame:
    return facts_to_findings(facts.to_dict("records"), cells)


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


def test_a_class_of_all_funds_is_compared_with_the_all_funds_table():
    # 江苏 检察院 2017: the 收支 section's "公共安全（类）支出13656.34万元" is 01's (all funds), not 05's 13641.34
    cells = cells_records(
        [
            ("01", "支出", "204", "四、公共安全支出", "合计", 13656.34),
            ("05", "", "204", "公共安全支出", "合计", 13641.34),
        ],
        basis="预算",
    )
    text = "一、收支预算总表情况说明\n（二）支出预算总计17996.68万元。包括：\n1．公共安全（类）支出13656.34万元。"
    found = findings_of(facts_of(text, year=2017, kind="预算"), cells)
    assert found[found["severity"] == "error"].empty
    # in the 一般公共预算 section the same words are 05's
    text = "八、一般公共预算支出预算表情况说明\n1．公共安全（类）支出13656.34万元。"
    found = findings_of(facts_of(text, year=2017, kind="预算"), cells)
    assert found[found["severity"] == "error"][["table", "code", "expected"]].values.tolist() == [
        ["05", "204", 13641.34]
    ]


def test_a_narrative_figure_restating_yuan_cells_passes():
    cells = cells_records([("02", "", "", "合计", "财政拨款收入", 8695.940834)], basis="预算")
    df = facts_of("2026年，本单位收入预算8695.94万元，其中：财政拨款收入8695.94万元。", year=2026, kind="预算")
    from juesuan.narrative import fact_checks

    ledger = fact_checks(df.to_dict("records"), cells)
    assert ledger.findings == []
    assert [(r["check"], r["outcome"]) for r in ledger.rows if r["item"] == "财政拨款收入"] == [
        ("narrative_split", "passed")
    ]


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
    assert half_unit(2.0, places=2) == 0.005


def test_seed000_end_to_end_finds_its_real_mismatch_and_nothing_else(seed000):
    narrative = seed000.findings[seed000.findings["check"].str.startswith("narrative")]
    errors = narrative[narrative["severity"] == "error"]
    assert errors[["check", "table", "code", "expected", "actual"]].values.tolist() == [
        ["narrative_subject", "05", "2109999", 53.28, 53.24]
    ]
    assert len(seed000.facts) == len(seed_facts("000", 2021))
    assert set(seed000.checks[seed000.checks["check"].str.startswith("narrative")]["outcome"]) >= {"passed"}


def test_a_traditional_character_page_reads(tmp_path):
    import juesuan

    text = (
        "第三部分 2021年度部門決算情況說明\n一、收入支出決算總體情況說明\n"
        "2021年度收、支總計986.66萬元。與上年相比，減少15.15萬元，減少1.5%。\n"
        "二、收入決算情況說明\n2021年度收入合計986.66萬元，其中：財政撥款收入985.24萬元，佔99.86%。\n"
        "三、“三公”經費支出決算情況說明\n2021年度“三公”經費財政撥款支出決算為1.2萬元，公務用車保有量2輛。\n"
    )
    path = tmp_path / "某某局2021年度部门决算.txt"
    path.write_text(text, encoding="utf-8")
    doc = juesuan.read(path)
    f = doc.facts
    got = {(r.concept, r.period): r.value for r in f.itertuples() if r.figure in ("amount", "count")}
    assert got[("收支总计", "本年")] == 986.66 and got[("收支总计", "上年")] == 1001.81
    assert got[("财政拨款收入", "本年")] == 985.24 and got[("三公经费", "本年")] == 1.2
    assert got[("车辆保有量", "本年")] == 2


def test_token_search_lookahead_loses_no_token_start():
    """The master pattern's lookahead on first characters (a speed-up) keeps every token: each vocabulary phrase,
    ordinal, number, slash zero and mark matches where the bare alternatives match, and a search over text mixing
    them finds the same tokens."""
    import re

    from juesuan.narrative.tokens import _alternatives, _master
    from juesuan.narrative.vocab import phrases

    bare, fast = re.compile(_alternatives()), _master()
    samples = list(phrases()) + [
        "（一）",
        "(3)",
        "十二、",
        "百、",
        "1、",
        "12.",
        "2.2021年",
        "①",
        "⑳",
        "-12.50万元",
        "1,234.56万元",
        "٣٤万元",  # digits of another script match \d too
        "/万元",
        *",;:、。!?()[]【】",
    ]
    for s in samples:
        a, b = bare.match(s), fast.match(s)
        assert (a and (a.span(), a.lastgroup)) == (b and (b.span(), b.lastgroup)), s
    text = "据此，" + "；".join(samples) + "。其他文字不是词"
    assert [(m.span(), m.lastgroup) for m in bare.finditer(text)] == [
        (m.span(), m.lastgroup) for m in fast.finditer(text)
    ]
