"""Document identity: kind, year, department, scope, region and status, on real files and on generated pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from juesuan.identity import department_of, identify, is_unit_name, reidentify, simplified
from juesuan.raw import Line, RawDocument
from juesuan.readers import read_raw
from juesuan.tables import find_tables
from juesuan.textnorm import to_simplified

from .conftest import seed

TRUTH = json.loads((Path(__file__).parent / "data" / "real_identity.json").read_text(encoding="utf-8"))
FIELDS = ("kind", "year", "department", "canonical", "scope", "region", "status")


def _identity(path: Path) -> dict:
    raw = read_raw(path)
    i = identify(raw, find_tables(raw.lines))
    return {
        "kind": i.kind,
        "year": i.year,
        "department": i.department,
        "canonical": i.department_canonical,
        "scope": i.scope,
        "region": i.region.code,
        "status": i.status,
    }


@pytest.mark.parametrize("name", sorted(TRUTH["real"]))
def test_real_file_identity(name, shared_real):
    assert _identity(shared_real / name) == TRUTH["real"][name]


def test_every_real_file_has_a_hand_read_identity(shared_real):
    files = {
        str(p.relative_to(shared_real))
        for p in shared_real.rglob("*")
        if p.is_file() and not p.name.endswith((".truth.json", "README.md"))
    }
    assert files == set(TRUTH["real"])


@pytest.mark.parametrize("prefix", sorted(TRUTH["seeds"]))
def test_seed_identity(prefix):
    assert _identity(seed(prefix)) == TRUTH["seeds"][prefix]


# A 决算 page of a 甘肃 county bureau as a traditional-character mirror prints it; its simplified twin is below.
GANSU = """甘肅省天水市秦州區衛生健康局2020年度部門決算
目錄
第一部分 天水市秦州區衛生健康局概況
一、主要職能
天水市秦州區衛生健康局是區政府工作部門，負責全區衛生健康工作。
第二部分 2020年度部門決算情況說明
一、收入支出決算總體情況說明
2020年度收、支總計1,234.56萬元。與上年相比，增加12.34萬元，增長1.0%，主要是因為疫情防控支出增加。
二、一般公共預算財政撥款支出決算情況說明
2020年度一般公共預算財政撥款支出1,200.00萬元，完成年初預算的98.5%。
"""


@pytest.mark.parametrize("text, traditional", [(GANSU, True), (to_simplified(GANSU), False)])
def test_a_page_in_traditional_characters_is_read_like_its_simplified_twin(tmp_path, text, traditional):
    path = tmp_path / "gansu.txt"
    path.write_text(text, encoding="utf-8")
    i = identify(read_raw(path))
    assert (i.kind, i.year, i.scope, i.status) == ("决算", 2020, "部门", "disclosure")
    assert i.department == "甘肃省天水市秦州区卫生健康局"
    assert i.department_canonical == "天水市秦州区卫生健康局"
    assert (i.region.province, i.region.city, i.region.county, i.region.code) == (
        "甘肃省",
        "天水市",
        "秦州区",
        "620502",
    )
    assert i.traditional is traditional


def test_simplified_keeps_the_amounts_and_says_what_it_did(tmp_path):
    path = tmp_path / "gansu.txt"
    path.write_text(GANSU, encoding="utf-8")
    raw = read_raw(path)
    doc = simplified(raw)
    assert doc is not raw and "traditional" in doc.notes[-1][1]
    assert [ln.text for ln in doc.lines][7].endswith(
        "1,234.56万元。与上年相比，增加12.34万元，增长1.0%，主要是因为疫情防控支出增加。"
    )
    assert simplified(doc) is doc  # simplified text is left alone


# 三公-only 决算 notices: the sentence says 决算 once, and 预算 in 一般公共预算 and 完成预算 (which say nothing of the kind)
SANGONG = [
    "关于株洲市石峰区医疗保障局2021年度“三公”经费支出情况的说明",
    "2021年度一般公共预算财政拨款“三公”经费支出决算为1.00万元，完成预算的100%，比上年增加0.45万元。",
    "其中：因公出国（境）费0万元；公务用车购置及运行维护费0万元；公务接待费1.00万元。",
]


@pytest.mark.parametrize("title", [SANGONG[0], "株洲市石峰区医疗保障局2021年度“三公”经费决算公开"])
def test_a_sangong_only_notice_is_a_juesuan(tmp_path, title):
    path = tmp_path / "sangong.txt"
    path.write_text("\n".join([title, *SANGONG[1:]]), encoding="utf-8")
    i = identify(read_raw(path))
    assert (i.kind, i.year, i.region.code) == ("决算", 2021, "430204")
    assert i.department == "株洲市石峰区医疗保障局"


def test_a_sangong_table_whose_title_names_no_kind_does_not_decide_it(tmp_path):
    # the recogniser files this title under 预算; in a 决算 notice the sentence says what the figures are
    path = tmp_path / "sangong.txt"
    rows = ["项目\t合计\t因公出国（境）费\t公务用车购置及运行费\t公务接待费", "决算数\t1.00\t0.00\t0.00\t1.00"]
    path.write_text(
        "\n".join(["株洲市石峰区医疗保障局2021年度“三公”经费支出情况", "一般公共预算“三公”经费支出表", "单位：万元"])
        + "\n"
        + "\n".join(rows + SANGONG[1:2]),
        encoding="utf-8",
    )
    raw = read_raw(path)
    regions = find_tables(raw.lines)
    assert [(r.table, r.kind) for r in regions] == [("07", "预算")]
    i = identify(raw, regions)
    assert (i.kind, i.sources["kind"]) == ("决算", "text")


def test_the_department_is_a_name_never_a_sentence(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(
        "根据财政部、省财政厅关于推进部门预决算公开的要求，现将岳阳县自然资源局2019年度部门决算公开如下：\n"
        "一、部门主要职责\n岳阳县自然资源局主要职责是：贯彻执行国家自然资源法律法规。\n",
        encoding="utf-8",
    )
    i = identify(read_raw(path))
    assert i.department == "岳阳县自然资源局" and i.region.code == "430621" and i.kind == "决算"


def test_a_part_heading_is_not_part_of_the_name(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text(
        "目录\n第一部分中共上海市普陀区委社会工作部概况\n第二部分中共上海市普陀区委社会工作部2025年部门预算表\n",
        encoding="utf-8",
    )
    i = identify(read_raw(path))
    assert i.department == "中共上海市普陀区委社会工作部"
    assert i.department_canonical == "中国共产党上海市普陀区委员会社会工作部"
    assert (i.kind, i.year, i.region.code) == ("预算", 2025, "310107")


def test_a_fragment_takes_the_full_name_the_cover_prints():
    candidates = [("资源局", "text p3 r1"), ("岳阳县自然资源局", "title p1 r1")]
    assert department_of(candidates) == ("岳阳县自然资源局", "title p1 r1")
    assert department_of([("资源局", "text p3 r1"), ("国土资源局", "text p4 r1")])[0] == "资源局"


@pytest.mark.parametrize(
    "text, ok",
    [
        ("根据财政部、省财政厅关于推进", False),
        ("收支预算总表", False),
        ("单位：万元", False),
        ("年度江苏省政协办公厅", False),
        ("反映江苏省高级人民法院", False),
        ("江苏省政协办公厅", True),
        ("西南大学", True),
        ("上海市普陀区人民政府万里街道办事处", True),
    ],
)
def test_is_unit_name(text, ok):
    assert is_unit_name(text) is ok


def test_year_counts_the_fiscal_year_not_the_prior_years_mention(tmp_path):
    # seed 001 writes "2020年度" once, for the prior year; its own year is 2021 throughout
    path = tmp_path / "x.txt"
    path.write_text(
        "部门整体支出绩效自评报告\n机构情况：2020年度无变动。\n2021 年收入 437.45 万元，完成预算的 95%。\n"
        "2021 年支出 383.43 万元。\n2021年“三公”经费支出决算 1 万元。\n",
        encoding="utf-8",
    )
    assert identify(read_raw(path)).year == 2021


@pytest.mark.parametrize(
    "name, text, status",
    [
        (
            "README.md",
            "# Real documents\n\n| folder | what |\n|---|---|\n| jiangsu | 江苏 documents |\n",
            "not a disclosure",
        ),
        ("check.txt", "2026年度普陀区单位预算公开情况检查表\n单位名称: 上海市普陀区司法局\n", "checklist"),
        ("tpl.txt", "上海市XX局\n2024年度部门决算\n目录\n第一部分 上海市XX局概况\n", "template"),
    ],
)
def test_files_that_are_not_disclosures_say_so(tmp_path, name, text, status):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    i = identify(read_raw(path))
    assert i.status == status and i.reason and not i.is_disclosure
    assert (i.as_row()["disclosure"], i.as_row()["disclosure_reason"]) == (status, i.reason)


def test_a_shared_place_name_is_resolved_by_the_text_or_left_ambiguous():
    named = [Line(1, 1, ("普陀区商务委员会2025年部门预算",))]
    address = identify(RawDocument("a.pdf", "pdf", "0", [*named, Line(1, 2, ("本部门位于上海市普陀区大渡河路",))]))
    assert address.region.code == "310107"
    alone = identify(RawDocument("b.pdf", "pdf", "0", [*named, Line(1, 2, ("本部门负责全区商务工作",))]))
    assert not alone.region and alone.region.candidates == ("310107", "330903")


def test_an_empty_document_is_not_a_disclosure_and_says_nothing_else():
    i = identify(RawDocument("x.txt", "text", "0", []))
    assert i.status == "not a disclosure" and (i.kind, i.year, i.department, i.region.code) == ("", None, "", "")
    assert i.sources == {}


def test_asking_again_with_other_tables_gives_what_a_fresh_identify_gives(tmp_path):
    # the document asks twice (to name untitled tables, then on the tables kept); the second asks only the kind
    # and the status again: it must agree with a fresh identify, when the kind changes and when it does not
    from types import SimpleNamespace

    path = tmp_path / "no_kind.txt"
    path.write_text("株洲市石峰区农业农村局2021年度\n单位：万元\n项目\t金额\n合计\t10.00\n", encoding="utf-8")
    raw = read_raw(path)
    tables = [SimpleNamespace(kind="决算", title="收入支出决算总表")]
    bare, with_tables = identify(raw, []), identify(raw, tables)
    assert (bare.kind, bare.status) == ("", "not a disclosure")
    assert (with_tables.kind, with_tables.sources["kind"], with_tables.status) == ("决算", "tables", "disclosure")
    assert reidentify(bare, raw, tables) == with_tables
    assert reidentify(with_tables, raw, []) == bare
    for s in ("000", "002"):
        raw = read_raw(seed(s))
        regions = find_tables(raw.lines)
        assert reidentify(identify(raw, None), raw, regions) == identify(raw, regions)
