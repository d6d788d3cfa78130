"""Issue 11's "done when": a real document with one planted error of each kind gives each finding once, at its
page, with its evidence; the same document without the plants gives none of them.

The plants are edits in copies of the RawDocument's lines (the files are never touched): seed 000 (data/raw, a 决算
with its nine tables) and 上海市普陀区商务委员会单位25年预算.pdf (../shared/real, a 单位预算 whose review checks find
nothing as printed). A plant's finding is matched by check, page and a piece of its evidence; where the narrative
reader's own check reports the same figure first (narrative_rate, narrative_change), either check id is accepted —
one finding, not two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from juesuan.document import raw_to_document
from juesuan.readers import read_raw
from juesuan.validate.review import REVIEW_CHECKS

from .checks_helpers import drop, edit, insert_after
from .conftest import seed


@dataclass(frozen=True)
class Plant:
    checks: tuple[str, ...]  # the check that must report it (alternatives: the narrative's check of the same figure)
    page: int
    evidence: str  # a piece of the finding's evidence
    apply: object  # RawDocument -> RawDocument


def _seed_plants() -> list[Plant]:
    def p(checks, evidence, fn, page=1):
        return Plant(tuple(checks.split("|")), page, evidence, fn)

    return [
        # 1. words against numbers
        p(
            "comparison_word",
            "决算数大于年初预算数",
            lambda r: edit(
                r,
                "支出决算为708.33万元，完成年初预算的97%。",
                "支出决算为708.33万元，完成年初预算的97%，决算数大于年初预算数。",
            ),
        ),
        p(
            "completion_rate|narrative_rate",
            "95.89%",
            lambda r: edit(
                r,
                "年初预算为2万元，支出决算为2万元，完成年初预算的100%。",
                "年初预算为0万元，支出决算为2万元，完成年初预算的95.89%。",
            ),
        ),
        p(
            "change_direction|narrative_change",
            "增长1.5%",
            lambda r: edit(r, "减少15.15万元，减少1.5%", "减少15.15万元，增长1.5%"),
        ),
        # 2. structure
        p(
            "table_missing",
            "收入支出决算总表",
            lambda r: drop(r, "一般公共预算财政拨款支出决算表", "注：本表反映部门本年度一般公共预算财政拨款支出情况"),
        ),
        p(
            "empty_table_statement",
            "故本表无数据",
            lambda r: edit(
                r,
                "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
                "注：本单位无基本支出，故本表无数据。",
            ),
        ),
        p(
            "narrative_table_blank",
            "公务接待费支出决算为1.2万元",
            lambda r: edit(r, "2、公务接待费支出决算为0万元", "2、公务接待费支出决算为1.2万元"),
        ),
        p("empty_table_unexplained", "政府性基金预算财政拨款收入支出决算表", _unexplain_08),
        p("section_missing", "目录", _drop_procurement),
        # 3. text lints
        p("placeholder", "XX局", lambda r: edit(r, "二、机构设置及决算单位构成", "二、XX局机构设置及决算单位构成")),
        p("punctuation", "中公开。。", lambda r: edit(r, "公开专栏中公开。", "公开专栏中公开。。")),
        p("quotes_unbalanced", "“三公经费支出", lambda r: edit(r, "七、“三公经费”支出", "七、“三公经费支出")),
        p(
            "template_residue",
            "主要原因是。",
            lambda r: edit(r, "，主要是因为财政对城乡居民的医保补助提高。", "，主要原因是。", nth=1),
        ),
        p(
            "year_mismatch",
            "2020年度部门决算情况说明",
            lambda r: edit(r, "2021年度部门决算情况说明", "2020年度部门决算情况说明", nth=1),
        ),
        p(
            "department_name",
            "株洲市石峰区医疗保险局",
            lambda r: edit(r, "株洲市石峰区医疗保障局（以下简称", "株洲市石峰区医疗保险局（以下简称"),
        ),
        p("amount_unit", "0.1万，", lambda r: edit(r, "开支培训费0.1万元，", "开支培训费0.1万，")),
        # 4. names
        p(
            "subject_name",
            "医疗卫生与计划生育（类）",
            lambda r: edit(r, "卫生健康（类）支出983.24万元", "医疗卫生与计划生育（类）支出983.24万元"),
        ),
    ]


def _unexplain_08(r):
    """08 printed empty with nothing saying why: its note, the narrative's 八 paragraph and the 绩效 part's
    "政府性基金预算支出0万元" (printed twice, once broken over two lines) gone."""
    r = drop(r, "(株洲市石峰区医疗保障局没有政府性基金收入", "故本表无数据", exact_first=False)
    r = drop(r, "2021年度政府性基金预算财政拨款收入0万元", "本单位无政府性基金收入支出", exact_first=False)
    return edit(edit(r, "府性基金预算支出0万元", ""), "府性基金预算支出0万元", "")


def _drop_procurement(r):
    """The 政府采购 part gone: its contents line, its heading and its paragraph."""
    r = drop(r, "- 十二、政府采购支出说明", "- 十二、政府采购支出说明")
    return drop(r, "十二、政府采购支出说明", "授予中小企业合同金额0万元")


def _shanghai_plants() -> list[Plant]:
    def item(n: int, old: str, new: str):
        return lambda r: edit(r, old, old + new)

    return [
        Plant(
            ("item_amounts",),
            7,
            "预算安排938.90万元",
            item(
                1,
                "主要用于机关行政运行和机关人员经费支出 。",
                "2024年当年预算执行数为900.00万元，2025年预算安排938.90万元，比2024年预算执行数增加4.33%。",
            ),
        ),
        Plant(
            ("change_rate",),
            7,
            "增加1.10%",
            item(
                2,
                "主要用于商贸事务支出。",
                "2024年当年预算执行数为400.00万元，2025年预算安排454.50万元，比2024年预算执行数增加1.10%。",
            ),
        ),
        Plant(
            ("change_direction",),
            7,
            "增加3.27%",
            item(
                3,
                "主要用于下属事业单位运行费和人员经费 。",
                "2024年当年预算执行数为300.00万元，2025年预算安排290.18万元，比2024年预算执行数增加3.27%。",
            ),
        ),
        Plant(
            ("subject_purpose",),
            8,
            "事业单位医疗保险支出",
            lambda r: edit(r, "主要用于在职人员公积金缴纳。", "主要用于事业单位医疗保险支出。"),
        ),
        Plant(
            ("scope_wording",),
            22,
            "2025年部门预算安排",
            lambda r: edit(r, "2025年单位预算安排购置车辆", "2025年部门预算安排购置车辆"),
        ),
        Plant(("year_mismatch",), 22, "截至2022年8月31日", lambda r: edit(r, "截至2024年8月31日", "截至2022年8月31日")),
        Plant(
            ("toc_table_count",),
            2,
            "政府采购预算表",
            lambda r: insert_after(r, "9. 2025年单位“三公”经费和机关运行经费预算表", "10. 2025年单位政府采购预算表"),
        ),
    ]


def _review_findings(doc) -> list:
    f = doc.findings
    return list(
        f[(f.check.isin(REVIEW_CHECKS) | f.check.str.startswith("narrative_")) & (f.severity != "info")].itertuples()
    )


_CONFIRMS = re.compile(r"\(the sentence's own figures confirm it: (\w+)\)")


def _matches(f, plant: Plant) -> bool:
    """The plant's finding: from its check, or from the narrative's check on the same figure that the review check
    confirmed (a figure is reported once)."""
    confirmed = _CONFIRMS.search(str(f.message))
    checks = {f.check} | ({confirmed.group(1)} if confirmed else set())
    return (
        bool(checks & set(plant.checks)) and f.page == plant.page and plant.evidence in str(f.evidence) + str(f.message)
    )


def _plant_all(raw, plants):
    for plant in plants:
        raw = plant.apply(raw)
    return raw


def _assert_planted(raw, plants):
    clean = _review_findings(raw_to_document(raw))
    planted = _review_findings(raw_to_document(_plant_all(raw, plants)))
    for plant in plants:
        hits = [f for f in planted if _matches(f, plant)]
        assert len(hits) == 1, (plant.checks, plant.evidence, [(f.check, f.page, f.message) for f in planted])
        assert not [f for f in clean if _matches(f, plant)], plant.checks
    # nothing else: every review finding of the planted document is a plant's, or was there before (the narrative
    # reader's own checks may react to a plant in their own way: they are not this module's to judge)
    before = {(f.check, f.page, f.evidence) for f in clean}
    extra = [
        f
        for f in planted
        if f.check in REVIEW_CHECKS
        and not any(_matches(f, p) for p in plants)
        and (f.check, f.page, f.evidence) not in before
    ]
    assert not extra, [(f.check, f.page, f.message) for f in extra]


def test_planted_errors_in_a_sample():
    plants = _seed_plants()
    assert {c for p in plants for c in p.checks} >= {
        "comparison_word", "completion_rate", "change_direction", "table_missing", "empty_table_statement",
        "narrative_table_blank", "empty_table_unexplained", "section_missing", "placeholder", "punctuation",
        "quotes_unbalanced", "template_residue", "year_mismatch", "department_name", "amount_unit", "subject_name",
    }  # fmt: skip
    _assert_planted(read_raw(seed("000")), plants)


def test_planted_errors_in_a_real_pdf(shared_real):
    raw = read_raw(shared_real / "shanghai-putuo" / "上海市普陀区商务委员会单位25年预算.pdf")
    doc = raw_to_document(raw)
    assert doc.meta["scope"] == "单位" and not _review_findings(doc)  # nothing to find as printed
    _assert_planted(raw, _shanghai_plants())


@pytest.mark.parametrize("plant", _seed_plants(), ids=lambda p: p.checks[0])
def test_each_seed_plant_alone(plant):
    """Each plant on its own gives its finding and no other review finding."""
    _assert_planted(read_raw(seed("000")), [plant])
