"""Tests for juesuan.codes: code shapes, the catalog per edition, lookup, check_code, learn, subject resolution."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from juesuan.codes import (
    ECONOMIC,
    FUNCTIONAL,
    ancestors_of,
    check_code,
    class_code_for_name,
    default_catalog,
    find_subjects,
    format_lookup,
    join_code,
    learn,
    level_of,
    lookup,
    parent_of,
    resolve_subject,
    standard_name,
)
from juesuan.textnorm import is_amount

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def seed(prefix: str) -> str:
    return next(RAW.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


# ---- shapes -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, classification, level, parent",
    [
        ("210", FUNCTIONAL, "类", ""),
        ("21015", FUNCTIONAL, "款", "210"),
        ("2101501", FUNCTIONAL, "项", "21015"),
        ("30101", ECONOMIC, "款", "301"),
        ("2101501", ECONOMIC, "", ""),  # 经济分类 has no 7-digit level
        ("2101", FUNCTIONAL, "", ""),
        ("21O15", FUNCTIONAL, "", ""),  # letter O read for a zero
    ],
)
def test_level_and_parent_from_the_digits(code, classification, level, parent):
    assert level_of(code, classification) == level
    assert parent_of(code, classification) == parent


def test_ancestors_and_split_codes():
    assert ancestors_of("2101501", FUNCTIONAL) == ["210", "21015", "2101501"]
    assert ancestors_of("31002", ECONOMIC) == ["310", "31002"]
    assert join_code("210 | 15 | 01") == "2101501"
    assert join_code("301 01") == "30101"
    assert join_code("行政运行") == ""


def test_class_names_keep_their_behaviour():
    assert class_code_for_name("九、卫生健康支出") == "210"
    assert class_code_for_name("一般公共服务") == "201"
    assert class_code_for_name("抗疫特别国债安排支出") == "234"
    assert class_code_for_name("医疗卫生与计划生育支出") == "210"  # the 2014–2018 name
    assert class_code_for_name("本年支出合计") == ""


# ---- the catalog --------------------------------------------------------------------------------------------------


def test_every_entry_has_a_parent_in_force_in_every_edition():
    cat = default_catalog()
    for edition in range(2016, 2027):
        rows = cat.at(edition)
        known = set(zip(rows["classification"], rows["code"]))
        orphans = [
            (k, c) for k, c, p in zip(rows["classification"], rows["code"], rows["parent"]) if p and (k, p) not in known
        ]
        assert orphans == [], f"{edition}: {orphans[:5]}"


def test_one_name_per_code_and_edition():
    cat = default_catalog()
    for edition in range(2016, 2027):
        rows = cat.at(edition)
        dup = rows[rows.duplicated(["classification", "code"], keep=False)]
        assert dup.empty, f"{edition}: {dup[['code', 'name']].values.tolist()}"


def test_every_entry_says_where_it_comes_from_and_uncertain_ones_are_marked():
    e = default_catalog().entries
    assert (e["source"].str.len() > 0).all()
    assert e["certain"].dtype == bool
    assert not e["certain"].all() and e["certain"].any()
    # Document-learnt rows are never certain; a recalled row is certain only when a document confirms it.
    learnt = e[e["source"].str.startswith("learnt from document")]
    assert "2296013" in set(learnt["code"]) and not learnt["certain"].any()
    assert set(learnt["basis"]) == {"document"}
    recalled = e[e["basis"] == "recalled"]
    assert (recalled["certain"] == (recalled["evidence"] > 0)).all()


def test_catalog_covers_the_required_classes_and_economic_kuan():
    e = default_catalog().at(2021)
    codes = set(e["code"])
    for cls in ("201", "204", "205", "207", "208", "210", "212", "213", "221", "224", "229"):
        kuan = e[(e["parent"] == cls)]
        assert len(kuan) >= 2, cls
        assert (e["code"].str.len() == 7).loc[e["code"].str.startswith(cls)].any(), f"no 项 under {cls}"
    for cls in ("301", "302", "303", "307", "309", "310", "312", "313", "399", "501", "502"):
        assert cls in codes and len(e[e["parent"] == cls]) >= 2, cls
    # 210 in full: every 款 the 2021 edition has, with its 项.
    assert {
        "21001",
        "21002",
        "21003",
        "21004",
        "21006",
        "21007",
        "21011",
        "21012",
        "21013",
        "21014",
        "21015",
        "21016",
        "21099",
    } <= codes


@pytest.mark.parametrize(
    "code, edition, name",
    [
        ("210", 2018, "医疗卫生与计划生育支出"),
        ("210", 2019, "卫生健康支出"),
        ("207", 2018, "文化体育与传媒支出"),
        ("207", 2021, "文化旅游体育与传媒支出"),
        ("21001", 2018, "医疗卫生与计划生育管理事务"),
        ("21001", 2021, "卫生健康管理事务"),
        ("21305", 2020, "扶贫"),
        ("21305", 2021, "巩固脱贫衔接乡村振兴"),
        ("2130599", 2020, "其他扶贫支出"),
        ("21012", 2021, "财政对基本医疗保险基金的补助"),
        ("2101202", 2021, "财政对城乡居民基本医疗保险基金的补助"),
    ],
)
def test_standard_names_depend_on_the_edition(code, edition, name):
    assert standard_name(code, FUNCTIONAL, edition) == name


def test_newest_name_without_an_edition_and_empty_for_unknown():
    assert standard_name("210", FUNCTIONAL) == "卫生健康支出"
    assert standard_name("2101508", FUNCTIONAL, 2021) == ""
    assert standard_name("21015", FUNCTIONAL, 2018) == ""  # 医疗保障管理事务 is new in the 2019 edition


def test_309_and_310_share_names_and_codes_tell_them_apart():
    assert standard_name("30902", ECONOMIC, 2021) == standard_name("31002", ECONOMIC, 2021) == "办公设备购置"
    assert standard_name("309", ECONOMIC, 2021) == "资本性支出（基本建设）"
    assert standard_name("310", ECONOMIC, 2021) == "资本性支出"
    assert lookup("31002", 2021)["code"].tolist() == ["310", "31002"]
    assert lookup("30902", 2021)["code"].tolist() == ["309", "30902"]
    by_name = lookup("房屋建筑物购建", 2021)
    assert {"30901", "31001", "50301", "50401"} <= set(by_name["code"])
    assert (by_name["match"] == "exact").sum() == 4
    # A 309 款 printed under its own code is fine; printed as the 310 class name it is flagged.
    assert check_code("30902", "办公设备购置", ECONOMIC, 2021) == []
    assert check_code("309", "资本性支出", ECONOMIC, 2021) != []


def test_government_economic_classification_is_separate_from_the_department_one():
    assert standard_name("50101", ECONOMIC, 2021) == "工资奖金津补贴"
    assert lookup("50101", 2021)["scheme"].tolist() == ["政府预算支出经济分类"] * 2
    assert lookup("30101", 2021)["scheme"].tolist() == ["部门预算支出经济分类"] * 2


# ---- lookup -------------------------------------------------------------------------------------------------------


def test_lookup_by_code_gives_the_entry_and_its_ancestors():
    found = lookup("2101501", 2021)
    assert found[["code", "level", "name"]].values.tolist() == [
        ["210", "类", "卫生健康支出"],
        ["21015", "款", "医疗保障管理事务"],
        ["2101501", "项", "行政运行"],
    ]
    assert found["match"].tolist() == ["ancestor", "ancestor", "code"]
    assert lookup("210 15 01", 2021)["code"].tolist() == ["210", "21015", "2101501"]


def test_lookup_by_code_without_edition_lists_every_name_of_the_class():
    names = lookup("210")["name"].tolist()
    assert "医疗卫生与计划生育支出" in names and "卫生健康支出" in names


def test_lookup_by_name_ranks_exact_before_partial():
    found = lookup("医疗保障管理事务", 2021)
    assert found.iloc[0][["code", "match"]].tolist() == ["21015", "exact"]
    assert "2101599" in set(found["code"])  # 其他医疗保障管理事务支出 contains the query
    assert lookup("扶贫", 2020).iloc[0]["code"] == "21305"
    assert lookup("卫生健康（类）医疗保障管理事务（款）", 2021)["code"].tolist() == ["210", "21015"]


def test_lookup_of_nothing():
    assert lookup("9999999", 2021).empty
    assert lookup("完全不是科目名称的东西", 2021).empty
    with pytest.raises(ValueError):
        lookup("  ")


def test_format_lookup_prints_a_small_table():
    text = format_lookup("2101501", 2021)
    lines = text.splitlines()
    assert lines[0].split() == ["code", "level", "name", "editions", "certain", "source"]
    assert lines[3].startswith("2101501") and "行政运行" in lines[3] and "2019–" in lines[3]
    # Under the table: the code's purpose (科目说明) with its source.
    assert lines[4].startswith("purpose (2101501 行政运行): 反映行政单位") and "004_736e3c27a28140ac" in lines[4]
    assert len(lines) == 5

    # Columns line up although names are double width.
    def column(line: str) -> int:
        head = line[: line.index("2019–")]
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in head)

    assert column(lines[1]) == column(lines[3])
    assert "… " in format_lookup("行政运行", limit=3)
    assert format_lookup("9999999") == "no catalog entry for '9999999'"


# ---- check_code ---------------------------------------------------------------------------------------------------


def test_unknown_code_is_reported():
    assert check_code("2101508", "医疗保障新项目", FUNCTIONAL, 2021) == ["unknown 功能分类 code 2101508"]
    assert check_code("21015", "医疗保障管理事务", FUNCTIONAL, 2018)[0].startswith("21015 is not in the 2018 edition")
    assert "not a 功能分类 code" in check_code("2101", "x", FUNCTIONAL, 2021)[0]
    assert check_code("30101", "基本工资", FUNCTIONAL, 2021) == ["30101 is a 经济分类 code, not 功能分类"]


def test_printed_name_is_flagged_not_replaced():
    # Seed 000 prints 款 21012 with the name of its 项 2101202.
    problems = check_code("21012", "财政对城乡居民基本医疗保险基金的补助", FUNCTIONAL, 2021)
    assert len(problems) == 1
    assert "财政对基本医疗保险基金的补助" in problems[0] and "child 2101202" in problems[0]
    # An older edition's name is recognised as such.
    assert "2014–2018" in check_code("210", "医疗卫生与计划生育支出", FUNCTIONAL, 2021)[0]
    # Wrapped, letter-spaced and half-width-bracket names are the same name.
    assert check_code("30108", "机关事业单位基本养 老保险缴费", ECONOMIC, 2021) == []
    assert check_code("30212", "因公出国(境) 费用", ECONOMIC, 2021) == []


def _seed_000_code_cells() -> list[tuple[str, str, str]]:
    """(classification, code, name) for every code printed in seed 000's tables (02/03/05 and the 06 blocks)."""
    out = []
    for line in seed("000").splitlines():
        cells = line.split("\t")
        for i, cell in enumerate(cells[:-1]):
            code, name = cell.strip(), cells[i + 1].strip()
            if code.isdigit() and len(code) in (3, 5, 7) and name and not is_amount(name):
                classification = FUNCTIONAL if code.startswith("2") else ECONOMIC
                out.append((classification, code, name))
    return out


def test_every_code_printed_in_seed_000_is_known_and_only_21012_is_misnamed():
    printed = _seed_000_code_cells()
    assert len({c for k, c, _ in printed if k == FUNCTIONAL}) == 18
    assert len({c for k, c, _ in printed if k == ECONOMIC}) == 80
    problems = {code: check_code(code, name, k, 2021) for k, code, name in printed}
    assert {code for code, p in problems.items() if p} == {"21012"}


# ---- learn --------------------------------------------------------------------------------------------------------


def test_learn_adds_unknown_codes_as_uncertain_and_leaves_the_default_alone():
    cells = pd.DataFrame(
        {
            "doc_id": ["8f3e29accc7952d2"] * 4,
            "classification": [FUNCTIONAL, FUNCTIONAL, FUNCTIONAL, "none"],
            "code": ["2101508", "2101508", "2101501", ""],
            "name": ["医保 新项目", "医保新项目", "行政运行", "合计"],
        }
    )
    learnt = learn(cells, edition=2021)
    row = learnt.rows_for("2101508", FUNCTIONAL, 2021)
    assert row[["name", "level", "parent", "certain"]].values.tolist() == [["医保新项目", "项", "21015", False]]
    assert row.iloc[0]["source"] == "learnt from document 8f3e29accc7952d2"
    assert len(learnt.rows_for("2101501", FUNCTIONAL, 2021)) == 1  # known codes are not added again
    assert learnt.rows_for("2101508", FUNCTIONAL, 2022).empty  # valid for the document's edition only
    assert default_catalog().rows_for("2101508").empty
    assert check_code("2101508", "医保新项目", FUNCTIONAL, 2021, catalog=learnt) == []
    with pytest.raises(KeyError):
        learn(pd.DataFrame({"code": ["210"]}), edition=2021)


# ---- subject resolution -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, code",
    [
        ("卫生健康（类）医疗保障管理事务（款）行政运行（项）", "2101501"),
        ("卫生健康支出（类）210（款）15（项）01", "2101501"),
        ("一般公共服务支出（类）其他一般公共服务支出（款）其他一般公共服务支出（项）", "2019999"),
        ("卫生健康（类）医疗保障管理事务（款）", "21015"),
        ("卫生健康（类）财政对基本医疗保险基金的补助（款）", "21012"),
        ("卫生健康(类)医疗保障管理事务(款)行政运行(项)", "2101501"),
        ("卫生健康 （ 类 ） 医疗保障管理 事务（款）行政 运行（项）", "2101501"),
        ("9. 卫生健康(类)医疗保障管理事务(款)行政运行(项):", "2101501"),
        ("卫生健康（类）行政事业单位医疗（款）其他行政单位事业医疗支出（项）", "2101199"),  # drifted 项 name
        ("卫生健康（类）财政对基本医疗保险基金补助（款）", "21012"),  # 的 dropped
        ("社会保障和就业（类）支出606.2万元", "208"),
        ("社会保障和就业支出（类）行政事业单位养老支出（款）其他行政事业单位养老支出", "2080599"),
        ("社会保障和就业支出（类）行政事业单位养老支出（款）其他行政事业单位养老支出年初预算为0", "2080599"),
        # Generic 项 names resolve under their own 款, never by a global search.
        ("社会保障和就业支出（类）人力资源和社会保障管理事务（款）行政运行（项）", "2080101"),
    ],
)
def test_resolve_subject(text, code):
    assert resolve_subject(text, 2021) == code


@pytest.mark.parametrize(
    "text",
    [
        "医疗保障管理事务（款）行政运行（项）",  # no class: a global name search is not allowed
        "卫生健康（类）不存在的事务（款）",
        "卫生健康（类）医疗保障管理事务（款）不存在的项目（项）",
        "卫生健康支出（类）208（款）05（项）05",  # code pieces contradict the class name
        "卫生健康（项）医疗保障管理事务（款）",
        "没有类名（类）",
    ],
)
def test_unresolvable_subjects_give_empty(text):
    assert resolve_subject(text, 2021) == ""


def test_edition_decides_which_names_match():
    text = "农林水支出（类）扶贫（款）其他扶贫支出（项）"
    assert resolve_subject(text, 2020) == "2130599"
    assert resolve_subject(text) == "2130599"  # any edition
    assert resolve_subject("卫生健康（类）医疗保障管理事务（款）", 2018) == ""  # 21015 is new in 2019


# Every 类/款/项 citation in the seeds, in order, read by hand.
SEED_SUBJECTS = {
    ("000", 2021): ["201", "210", "2019999", "2100499", "2101202", "21015", "2109999"],
    ("002", 2020): [
        "2010399",
        "2080101",
        "2080505",
        "2080599",
        "2080899",
        "2082702",
        "2082703",
        "2101101",
        "2101501",
        "2101504",
        "2101505",
        "2101599",
        "2130599",
        "2210201",
    ],
    ("004", 2021): [
        "208",
        "2080505",
        "2080506",
        "2080799",
        "2083099",
        "2101101",
        "2101102",
        "2101199",
        "2101301",
        "2101501",
        "2101505",
        "2101599",
        "2210201",
        "2296013",
        # 名词解释, cited by code pieces
        "2080505",
        "2080506",
        "2080799",
        "2083099",
        "2101101",
        "2101102",
        "2101199",
        "2101301",
        "2101501",
        "2101505",
        "2101599",
        "2210201",
        "2296013",
    ],
    ("001", 2021): [],
    ("003", 2021): [],
}


@pytest.mark.parametrize("prefix, edition", list(SEED_SUBJECTS))
def test_every_subject_cited_in_the_seeds_resolves(prefix, edition):
    phrases = find_subjects(seed(prefix))
    assert [resolve_subject(p, edition) for p in phrases] == SEED_SUBJECTS[(prefix, edition)]
    assert [resolve_subject(p) for p in phrases] == SEED_SUBJECTS[(prefix, edition)]


def test_find_subjects_joins_wrapped_citations():
    phrases = find_subjects(seed("000"))
    assert "一般公共服务支出(类)其他一般公共服务支出(款)其他一般公共服务支出(项)" in phrases


def test_resolve_subject_with_codes_inside_the_markers():
    """上海 司法局 2026: "公共安全支出（204类）司法（06款）行政运行（01项）"."""
    from juesuan.codes import resolve_subject

    assert resolve_subject("1、公共安全支出（204类）司法（06款）行政运行（01项）1434.89万元") == "2040601"
    assert resolve_subject("医疗卫生与计划生育支出(210类)行政事业单位医疗(11款)行政单位医疗(01项)") == "2101101"
    assert resolve_subject("住房保障支出（221类）住房改革支出（02款）") == "22102"
    assert resolve_subject("教育支出（204类）司法（06款）") == ""  # the name contradicts the code


def _closest_by_scoring_all(parent: str, name: str, edition=None) -> str:
    """What closest_child must decide: every child scored exactly (as resolve did before the bound)."""
    from juesuan.codes import FUNCTIONAL, default_catalog, similarity
    from juesuan.codes.resolve import MIN_SIMILARITY

    best: dict[str, float] = {}
    for child in default_catalog().child_records(parent, FUNCTIONAL, edition):
        best[child["code"]] = max(best.get(child["code"], 0.0), similarity(name, child["name"]))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < MIN_SIMILARITY or (len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - 0.02):
        return ""
    return ranked[0][0]


def test_closest_child_decides_as_scoring_every_child():
    """closest_child scores only the children whose upper bound can still reach the top: on every 类 and 款 of
    the catalog, with names as printed, drifted (a character dropped, two swapped, 支出 added or dropped) and
    unrelated, it decides exactly what scoring every child decides; the bound is never below the score."""
    from juesuan.codes import FUNCTIONAL, closest_child, default_catalog, similarity
    from juesuan.codes.resolve import similarity_bound

    cat = default_catalog()
    parents = sorted({r["code"] for r in cat.records if r["classification"] == FUNCTIONAL and len(r["code"]) in (3, 5)})
    decided = found = 0
    for parent in parents:
        children = cat.child_records(parent, FUNCTIONAL, None)
        for child in children[:6]:
            n = child["name"]
            for name in {
                n,
                n[1:],
                n[:-1],
                n[1] + n[0] + n[2:] if len(n) > 2 else n,
                n + "支出",
                n.removesuffix("支出"),
                "行政运行",
                "其他支出",
                "住房公积金",
            }:
                want = _closest_by_scoring_all(parent, name)
                assert closest_child(parent, name) == want, (parent, name)
                for other in children:
                    assert similarity_bound(name, other["name"]) >= similarity(name, other["name"])
                decided += 1
                found += bool(want)
    assert decided > 1000 and found > decided // 3  # the cases are real decisions, most of them a code
