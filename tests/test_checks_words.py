"""Words against numbers (juesuan.validate.words): each check on a sentence that breaks it and on real prose that
does not. Sentences are quoted from the real files (named) or from the samples in data/raw."""

from __future__ import annotations

import pytest

from juesuan.validate import Ledger, make_finding
from juesuan.validate.text import numbers_in
from juesuan.validate.words import figures_of, ratio_range, word_checks

from .checks_helpers import found, outcomes, text


def run(*lines: str, kind: str = "决算", ledger: Ledger | None = None) -> Ledger:
    return word_checks(text(*lines), kind, ledger if ledger is not None else Ledger())


def test_figures_take_the_kind_their_label_ends_with():
    figs = figures_of("2025年当年预算执行数为1690.69万元，2026年预算安排1434.89万元，年初预算为0，支出决算数50万元")
    assert [(f.kind, f.number.value) for f in figs] == [
        ("execution", 1690.69),
        ("arranged", 1434.89),
        ("budget", 0.0),
        ("actual", 50.0),
    ]
    # 省法院 2017: "预算安排较上年压减200万元" — the 200 is a change, not the arranged figure
    assert [f.kind for f in figures_of("案件审判经费2017年度预算安排较上年压减200万元")] == [""]


def test_numbers_keep_their_printed_precision():
    n = numbers_in("支出2,070,000元，完成97%")
    assert [(x.unit, x.value, x.half) for x in n] == [("万元", 207.0, 0.00005), ("%", 97.0, 0.5)]
    lo, hi = ratio_range(numbers_in("708.33万元")[0], numbers_in("730.8万元")[0])
    assert lo < 96.93 < hi and hi - lo < 0.02


# comparison_word -----------------------------------------------------------------------------------------------


def test_comparison_word_against_its_figures():
    # a word that contradicts its figures (the figures are seed 000's 项 of 730.8 / 708.33)
    led = run("年初预算为730.8万元，支出决算为708.33万元，完成年初预算的97%，决算数大于年初预算数。")
    (f,) = found(led, "comparison_word", "error")
    assert "smaller" in f["message"] and f["page"] == 1 and "决算数大于年初预算数" in f["evidence"]
    # 等于 where they differ
    led = run("公务接待费支出预算为1.2万元，支出决算为1万元，决算数等于预算数。")
    assert "they differ" in found(led, "comparison_word")[0]["message"]


def test_comparison_word_on_real_prose_passes():
    led = run(
        # seed 002: the budget printed without its unit
        "年初预算为0，支出决算数50万元，决算数大于年初预算数的主要原因是：年中追加预算50万元。",
        # seed 000: the figures in the sentence, the word after them
        "因公出国（境）费支出预算为0万元，支出决算为0万元，决算数等于预算数。",
        # seed 002: 小于 across a clause
        "公务接待费预算数为25万元，支出决算为1.75万元，完成预算的7%，决算数小于年初预算数的主要原因是严格控制。",
    )
    assert not found(led, "comparison_word") and outcomes(led, "comparison_word") == ["passed"] * 3


def test_comparison_word_reads_figures_from_the_sentence_before():
    # the official template's order: figures, then "决算数大于（小于）预算数的主要原因" as its own sentence
    led = run("年初预算为10万元，支出决算为12万元。决算数小于预算数的主要原因是追加。")
    assert len(found(led, "comparison_word")) == 1


# completion_rate -----------------------------------------------------------------------------------------------


def test_completion_rate_against_a_zero_budget_and_a_wrong_rate():
    led = run("年初预算为0万元，支出决算为25.4万元，完成年初预算的95.89%。")
    (f,) = found(led, "completion_rate", "error")
    assert "budget of 0" in f["message"] and f["actual"] == 95.89
    led = run("年初预算为730.8万元，支出决算为708.33万元，完成年初预算的95%。")
    (f,) = found(led, "completion_rate", "error")
    assert f["expected"] == pytest.approx(96.9253, abs=1e-3)


def test_completion_rate_on_real_prose_passes():
    led = run(
        "年初预算为730.8万元，支出决算为708.33万元，完成年初预算的97%。",  # seed 000: 96.93 printed as 97
        "公务用车购置费及运行维护费支出预算15万元，支出决算为2.14万元，完成预算度14.27%。",  # seed 002
        "2021年度“三公”经费财政拨款支出预算为0万元，支出决算为0万元，完成预算的0%，其中：",  # seed 000: all zero
        "项目全年预算数 4.8 万元，执行数为 3.79 万元，完成预算的 78.96%。",  # seed 004, spaced
    )
    assert not found(led, "completion_rate") and outcomes(led, "completion_rate") == ["passed"] * 4


def test_completion_rate_already_reported_by_the_narrative_is_not_reported_twice():
    ledger = Ledger()
    ledger.findings.append(make_finding("narrative_rate", "error", "x", actual=95.89, page=1, evidence="…"))
    led = run("年初预算为0万元，支出决算为25.4万元，完成年初预算的95.89%。", ledger=ledger)
    assert not found(led, "completion_rate") and outcomes(led, "completion_rate") == ["not_checked"]


# change_direction, change_rate --------------------------------------------------------------------------------


def test_change_rate_of_the_budget_form():
    # 司法局单位2026年预算, item 1: 1434.89 against 1690.69 is −15.13%, not −1.10%
    led = run(
        "1、公共安全支出（204类）司法（06款）行政运行（01项）1434.89万元。主要用于：行政单位的基本支出。2025年当年预算执行数为",
        "1690.69 万元，2026年预算安排1434.89万元，比2025年预算执行数减少1.10%。主要原因是：支出减少。",
        kind="预算",
    )
    (f,) = found(led, "change_rate", "error")
    assert f["expected"] == pytest.approx(-15.13, abs=0.01) and f["actual"] == -1.10 and f["page"] == 1
    assert not found(led, "change_direction") and not found(led, "item_amounts")


def test_change_direction_of_the_budget_form():
    # 司法局单位2026年预算, item 13: 增加21.74% where 170.03 (or the heading's 207) is below 241.76
    led = run(
        "13、住房保障支出（221类）住房改革支出（02款）购房补贴（03项）207万元。主要用于：发放购房补贴。2025年当年预算执行数为",
        "241.76 万元，2026年预算安排170.03万元，比2025年预算执行数增加21.74%。主要原因是：支出增加。",
        kind="预算",
    )
    (f,) = found(led, "change_direction", "error")
    assert "down" in f["message"] and "增加21.74%" in f["evidence"]
    assert len(found(led, "item_amounts", "error")) == 1  # 207 and 170.03: the same item, two amounts


def test_change_words_that_disagree_with_each_other():
    # 政协平潭县委员会 2017 决算: the amount rises, the rate falls
    led = run("（四）2210202提租补贴支出7.72万元较2016年决算数增加0.22万元，下降2.93%。")
    (f,) = found(led, "change_direction", "error")
    assert "opposite" in f["message"]


def test_change_checks_on_real_prose_pass():
    led = run(
        # 万里街道 2024: −57.14% and +46.19% as printed
        "2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%。主要原因是：项目调整。",
        "2023年当年预算执行数为60.79万元，2024年预算安排88.87万元，比2023年预算执行数增加46.19%。",
        "2023年当年预算执行数为10.00万元，2024年预算安排10.00万元，比2023年预算执行数持平。",
        # 江苏 人大 2017: amount and rate of one change agree
        "与上年相比收、支预算总计各增加844.15万元，增长6.59%。",
        kind="预算",
    )
    for check in ("change_rate", "change_direction"):
        assert not found(led, check), check
    assert set(outcomes(led, "change_rate")) == {"passed"} and "passed" in outcomes(led, "change_direction")


def test_a_change_from_zero_is_a_warning():
    # 万里街道 2024, item 9
    led = run("2023年当年预算执行数为 0.00万元，2024年预算安排25.00万元，比2023年预算执行数增加100.00%。", kind="预算")
    (f,) = found(led, "change_rate")
    assert f["severity"] == "warning" and "base of 0" in f["message"]


def test_a_rate_that_fits_the_items_own_amount_passes():
    # 司法局 2026, item 7: 56.12 (the heading, as the table prints it) against 57.43 is −2.28%, printed −2.27 (within
    # rounding); the 预算安排 57.8 contradicts the heading — that is item_amounts' finding, not the rate's
    led = run(
        "7、社会保障和就业支出（208类）行政事业单位养老支出（05款）行政单位离退休（01项）56.12万元。主要用于：退休人员支出。"
        "2025年当年预算执行数为57.43万元，2026年预算安排57.8万元，比2025年预算执行数减少2.27%。",
        kind="预算",
    )
    assert not found(led, "change_rate") and not found(led, "change_direction")
    (f,) = found(led, "item_amounts", "error")
    assert (f["expected"], f["actual"]) == (56.12, 57.8)


# item_amounts --------------------------------------------------------------------------------------------------


def test_item_amounts_on_real_prose_pass():
    led = run(
        # 万里街道 2024, item 1: heading and 预算安排 agree
        "1. “一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”25.77万元，主要用于专项普查活动。2023年当年预算执行数为"
        "60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%。",
        # 司法局 2026: printed with fewer decimals in one place ("116万元" and "116万元")
        "4、公共安全支出（204类）司法（06款）公共法律服务（07项）116万元。主要用于：公共法律服务业务支出。2025年当年预算执行数为",
        "114.87 万元，2026年预算安排116万元，比2025年预算执行数增加0.98%。",
        kind="预算",
    )
    assert not found(led, "item_amounts") and outcomes(led, "item_amounts") == ["passed", "passed"]


@pytest.mark.parametrize(
    "sentence, left, right",
    [
        ("决算数大于预算数", "决算数", "预算数"),
        ("当年预算数小于决算数", "当年预算数", "决算数"),
        ("年初预算数大于决算数", "年初预算数", "决算数"),
        ("全年预算略高于决算数", "全年预算", "决算数"),
        ("调整预算数低于决算数", "调整预算数", "决算数"),
        ("执行数与预算数基本持平", "执行数", "预算数"),
    ],
)
def test_relation_pattern_finds_every_side_form(sentence, left, right):
    """The comparison pattern (behind a lookahead on the first characters a side can start with) finds a
    comparison whichever form its left side takes."""
    from juesuan.validate.words import _relation_pattern

    m = _relation_pattern().search("经核对，" + sentence + "。")
    assert m is not None
    assert (m.group("left") or m.group("left2"), m.group("right") or m.group("right2")) == (left, right)
