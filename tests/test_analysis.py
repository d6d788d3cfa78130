"""juesuan.analysis on synthetic corpora with known values: two years of one department, three regions, and
narrative-only documents given as small inline fact tables."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import juesuan
from juesuan import analysis as A
from juesuan.corpus import assemble, write_clean
from juesuan.schema import empty_frame, frame_from_records
from juesuan.testing.synth import make_document, to_text

ROOT = Path(__file__).resolve().parents[1]

# (file, seed, department as printed, year, with 三公): 石峰区 twice (printed with and without its city), two more regions
SPECS = [
    ("a_2021.txt", 11, "株洲市石峰区医疗保障局", 2021, True),
    ("a_2022.txt", 12, "石峰区医疗保障局", 2022, True),
    ("b_2021.txt", 13, "衡阳市衡南县医疗保障局", 2021, False),
    ("c_2021.txt", 14, "乐山市金口河区医疗保障局", 2021, True),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    synth = {}
    for name, seed, dept, year, sangong in SPECS:
        doc = make_document(seed=seed, department=dept, year=year, with_sangong=sangong)
        (folder / name).write_text(to_text(doc), encoding="utf-8")
        synth[name] = doc
    # read one by one and assemble: no cache folder, no worker processes, whatever read_all's defaults become
    c = assemble([juesuan.read(folder / name, file_label=name) for name, *_ in SPECS])
    assert (c.documents["status"] == "ok").all(), c.documents[["file", "status", "error"]]
    ids = dict(zip(c.documents["file"], c.documents["doc_id"]))
    return c, {ids[k]: v for k, v in synth.items()}, ids


def expected(doc, table: str, item: str, measure: str, basis: str = "决算") -> float:
    e = doc.expected
    hit = e[(e["table"] == table) & (e["item"] == item) & (e["measure"] == measure) & (e["basis"] == basis)]
    assert len(hit) == 1, (table, item, measure)
    return float(hit["value"].iloc[0])


@pytest.fixture(scope="module")
def figures(corpus):
    c, _, _ = corpus
    return A.key_figures(c.documents, c.cells, c.facts, c.tables)


def disclosure_doc(figures) -> dict:
    """disclosure → doc_id, for corpora where each disclosure is one file"""
    return dict(zip(figures["disclosure"], figures["doc_id"]))


def fig_value(figures, doc_id, concept, period="本年"):
    row = figures[(figures["doc_id"] == doc_id) & (figures["concept"] == concept) & (figures["period"] == period)]
    assert len(row) == 1, (doc_id, concept, period, row)
    return row.iloc[0]


def test_key_figures_come_from_the_tables_with_their_reference(corpus, figures):
    _, synth, _ = corpus
    for doc_id, doc in synth.items():
        spend = fig_value(figures, doc_id, "支出合计")
        assert spend["value"] == pytest.approx(expected(doc, "03", "合计", "合计"))
        # the narrative states 支出合计 too, but the printed table wins and says where it is
        assert spend["source"] == "cells" and spend["ref"].startswith("03/合计/合计 决算")
        assert fig_value(figures, doc_id, "人员经费")["value"] == pytest.approx(
            expected(doc, "06", "人员经费合计", "合计")
        )
        assert fig_value(figures, doc_id, "财政拨款基本支出")["value"] == pytest.approx(
            expected(doc, "05", "合计", "基本支出")
        )


def test_sangong_from_table_07_and_zero_from_an_empty_07(corpus, figures):
    _, synth, ids = corpus
    a = ids["a_2021.txt"]
    row = fig_value(figures, a, "三公经费")
    assert row["source"] == "cells" and row["value"] == pytest.approx(expected(synth[a], "07", "合计", "合计"))
    b = fig_value(figures, ids["b_2021.txt"], "三公经费")
    assert (b["source"], b["value"], b["table"]) == ("empty_table", 0.0, "07")


def test_an_empty_07_says_nothing_of_a_figure_only_some_layouts_print_in_it():
    """机关运行经费 is a column of 上海's 07 but not of the 决算 template's: sample 000's empty 07 leaves its
    narrative's 机关运行经费 standing (it used to become 0 with source empty_table)."""
    path = next((ROOT / "data" / "raw").glob("000_*.txt"))
    c = assemble([juesuan.read(path, file_label=path.name)])
    figures = A.key_figures(c.documents, c.cells, c.facts, c.tables)
    doc_id = c.documents["doc_id"].iloc[0]
    assert c.tables.set_index("table").loc["07", "empty"]
    f = c.facts
    stated = f[(f["concept"] == "机关运行经费") & (f["figure"] == "amount") & (f["period"] == "本年")]
    assert len(stated) == 1 and stated["value"].iloc[0] > 0
    row = fig_value(figures, doc_id, "机关运行经费")
    assert row["source"] == "facts" and row["value"] == pytest.approx(stated["value"].iloc[0])
    assert fig_value(figures, doc_id, "三公经费")["source"] == "empty_table"  # 07's own figure is its 0


def test_year_over_year_matches_the_two_documents_of_one_department(corpus, figures):
    _, synth, ids = corpus
    early, late = ids["a_2021.txt"], ids["a_2022.txt"]
    yoy = A.year_over_year(figures)
    row = yoy[(yoy["doc_id"] == late) & (yoy["concept"] == "支出合计")].iloc[0]
    v21 = expected(synth[early], "03", "合计", "合计")
    v22 = expected(synth[late], "03", "合计", "合计")
    # "石峰区医疗保障局" (2022) is matched to "株洲市石峰区医疗保障局" (2021) by name
    assert row["department"] == "株洲市石峰区医疗保障局"
    assert (row["prior_source"], row["prior_doc_id"], row["prior_year"]) == ("disclosure", early, 2021)
    assert row["prior_value"] == pytest.approx(v21)
    assert row["change"] == pytest.approx(round(v22 - v21, 2))
    assert row["change_pct"] == pytest.approx(round(100 * (v22 - v21) / v21, 2))
    # other regions have no earlier document and no 上年 statement: no change is invented
    other = yoy[(yoy["doc_id"] == ids["b_2021.txt"]) & (yoy["concept"] == "支出合计")].iloc[0]
    assert other["prior_source"] == "" and math.isnan(other["change"])


def test_department_kind_drops_the_place_the_gazetteer_gives():
    assert A.department_kind("株洲市石峰区医疗保障局", "430204") == "医疗保障局"
    assert A.department_kind("中国共产党江苏省委员会办公厅", "320000") == "中国共产党委员会办公厅"
    assert A.department_kind("上海市普陀区人民政府万里街道办事处", "310107") == "人民政府万里街道办事处"
    assert A.department_kind("西南大学", "500109") == "西南大学"  # no place in the name: kept whole
    assert A.department_kind("衡南县医疗保障局", None) == "衡南县医疗保障局"


def test_cross_region_ranks_the_three_regions_of_one_year(corpus, figures):
    _, synth, ids = corpus
    cross = A.cross_region(figures, concepts=["支出合计"], department_kind="医疗保障局", year=2021)
    assert len(cross) == 3 and set(cross["doc_id"]) == {ids["a_2021.txt"], ids["b_2021.txt"], ids["c_2021.txt"]}
    values = {d: expected(synth[d], "03", "合计", "合计") for d in cross["doc_id"]}
    median = sorted(values.values())[1]
    for r in cross.itertuples():
        assert r.value == pytest.approx(values[r.doc_id])
        assert r.rank == 1 + sum(v > values[r.doc_id] for v in values.values())
        assert r.median == pytest.approx(median) and r.vs_median == pytest.approx(values[r.doc_id] / median)
    assert set(cross["department_kind"]) == {"医疗保障局"} and set(cross["kind"]) == {"决算"}


def test_structure_shares_add_to_100_and_match_the_tables(corpus, figures):
    _, synth, ids = corpus
    st = A.structure(figures).assign(doc_id=lambda d: d["disclosure"].map(disclosure_doc(figures)))
    for doc_id, doc in synth.items():
        total = expected(doc, "03", "合计", "合计")
        basic = st[(st["doc_id"] == doc_id) & (st["part"] == "基本支出")].iloc[0]
        assert basic["share"] == pytest.approx(round(100 * expected(doc, "03", "合计", "基本支出") / total, 2))
        people = st[(st["doc_id"] == doc_id) & (st["split"] == "人员/公用")]
        assert people["share"].sum() == pytest.approx(100, abs=0.02)
        assert (st.loc[st["doc_id"] == doc_id, "gap"].abs() < 0.01).all()
    # 衡南 prints an empty 三公 table: its parts are 0 of a 0 whole, shares undefined rather than made up
    b = st[(st["doc_id"] == ids["b_2021.txt"]) & (st["split"] == "三公")]
    assert (b["value"] == 0).all() and b["share"].isna().all()


def test_functional_shares_by_class_and_kuan_from_table_03(corpus):
    c, synth, _ = corpus
    for level, digits in (("类", 3), ("款", 5)):
        shares = A.functional_shares(c.documents, c.cells, c.facts, level)
        for doc_id, doc in synth.items():
            mine = shares[shares["doc_id"] == doc_id]
            e = doc.expected
            want = e[(e["table"] == "03") & (e["measure"] == "合计") & (e["code"].fillna("").str.len() == digits)]
            assert dict(zip(mine["code"], mine["value"])) == pytest.approx(dict(zip(want["code"], want["value"])))
            assert mine["share"].sum() == pytest.approx(100, abs=0.05)
            assert (mine["coverage"] == 100).all() and (mine["source"] == "cells").all()


# ------------------------------------------------------------------------- narrative-only documents (inline)


def _docs(rows):
    cols = {
        "file": "",
        "sha256": "",
        "format": "text",
        "kind": "决算",
        "province": "",
        "city": "",
        "county": "",
        "unit": "",
        "pages": 1,
        "tables": "",
        "n_cells": 0,
        "n_errors": 0,
        "status": "ok",
        "error": "",
    }
    return frame_from_records([{**cols, **r} for r in rows], "documents")


def _facts(rows):
    base = {
        "subject": "部门",
        "basis": "决算",
        "figure": "amount",
        "unit": "万元",
        "derived": False,
        "sentence": "…",
        "page": 1,
        "line": 1,
    }
    out = []
    for r in rows:
        r = {**base, **r}
        if r.get("code"):
            r["subject"] = "科目"
        out.append(r)
    return frame_from_records(out, "facts")


@pytest.fixture
def narrative_only():
    docs = _docs([{"doc_id": "n1", "department": "衡南县医疗保障局", "region": "衡南县", "year": 2021}])
    facts = _facts(
        [
            {"doc_id": "n1", "concept": "支出合计", "period": "本年", "value": 1656.95, "line": 10},
            {
                "doc_id": "n1",
                "concept": "支出合计",
                "period": "上年",
                "value": 1600.00,
                "derived": True,
                "formula": "1656.95 - 56.95",
                "line": 10,
            },
            {"doc_id": "n1", "concept": "项目支出", "period": "本年", "value": 332.51, "line": 12},
            {"doc_id": "n1", "concept": "项目支出", "period": "本年", "value": 340.00, "line": 30},
            {"doc_id": "n1", "concept": "支出", "period": "本年", "code": "210", "value": 1351.73, "line": 40},
            {"doc_id": "n1", "concept": "支出", "period": "本年", "code": "2080505", "value": 76.40, "line": 41},
            {"doc_id": "n1", "concept": "支出", "period": "本年", "code": "2080599", "value": 1.92, "line": 42},
            {"doc_id": "n1", "concept": "支出", "period": "本年", "code": "2101501", "value": 591.22, "line": 43},
        ]
    )
    return docs, empty_frame("cells"), facts


def test_narrative_only_figures_and_prior_year_from_the_same_document(narrative_only):
    docs, cells, facts = narrative_only
    fig = A.key_figures(docs, cells, facts)
    spend = fig_value(fig, "n1", "支出合计")
    assert (spend["source"], spend["value"], spend["ref"]) == ("facts", 1656.95, "page 1, line 10")
    prior = fig_value(fig, "n1", "支出合计", "上年")
    assert (prior["fiscal_year"], prior["value"], bool(prior["derived"])) == (2020, 1600.00, True)
    # two different 项目支出 stated: the first in reading order is kept and the disagreement is counted
    project = fig_value(fig, "n1", "项目支出")
    assert (project["value"], project["n_values"]) == (332.51, 2)
    yoy = A.year_over_year(fig, concepts=["支出合计"]).iloc[0]
    assert (yoy["prior_source"], yoy["prior_value"], yoy["change"]) == ("上年 fact", 1600.00, 56.95)
    assert yoy["change_pct"] == pytest.approx(3.56)


def test_earlier_document_wins_over_the_stated_prior_and_the_gap_is_shown(narrative_only):
    docs, cells, facts = narrative_only
    docs = pd.concat(
        [docs, _docs([{"doc_id": "n0", "department": "衡南县医疗保障局", "region": "衡南县", "year": 2020}])],
        ignore_index=True,
    )
    facts = pd.concat(
        [facts, _facts([{"doc_id": "n0", "concept": "支出合计", "period": "本年", "value": 1590.0}])], ignore_index=True
    )
    yoy = A.year_over_year(A.key_figures(docs, cells, facts), concepts=["支出合计"])
    row = yoy[yoy["doc_id"] == "n1"].iloc[0]
    assert (row["prior_source"], row["prior_doc_id"], row["prior_value"]) == ("disclosure", "n0", 1590.0)
    assert row["stated_prior"] == 1600.0 and row["prior_gap"] == pytest.approx(-10.0)
    ser = A.series(A.key_figures(docs, cells, facts), concepts=["支出合计"])
    # 2020 is told twice (n0's 本年 1590, n1's 上年 1600): the year's own account wins
    assert ser.set_index("fiscal_year").loc[2020, "value"] == 1590.0


def test_functional_shares_from_facts_sum_unstated_kuan_from_their_xiang(narrative_only):
    docs, cells, facts = narrative_only
    kuan = A.functional_shares(docs, cells, facts, "款").set_index("code")
    assert kuan.loc["20805", "value"] == pytest.approx(78.32) and kuan.loc["20805", "source"] == "facts (Σ 项)"
    assert kuan.loc["21015", "value"] == pytest.approx(591.22)
    assert kuan.loc["20805", "name"] == "行政事业单位养老支出"  # from the catalog: the narrative printed no name
    cls = A.functional_shares(docs, cells, facts, "类").set_index("code")
    assert cls.loc["210", "value"] == 1351.73 and cls.loc["210", "source"] == "facts"  # stated beats summed
    assert cls.loc["208", "value"] == pytest.approx(78.32)
    assert cls.loc["210", "coverage"] == pytest.approx(round(100 * (1351.73 + 78.32) / 1656.95, 2))
    assert cls.loc["210", "share_of_total"] == pytest.approx(round(100 * 1351.73 / 1656.95, 2))
    with pytest.raises(ValueError, match="level"):
        A.functional_shares(docs, cells, facts, "目")


def test_read_clean_round_trips_codes_as_strings(corpus, tmp_path):
    c, _, _ = corpus
    write_clean(c, tmp_path)
    back = A.read_clean(tmp_path)
    assert set(back["cells"]["code"]) == set(c.cells["code"])
    assert back["cells"]["value"].sum() == pytest.approx(c.cells["value"].sum())
    assert back["facts"]["derived"].dtype == "boolean"
    with pytest.raises(FileNotFoundError, match="juesuan build"):
        A.read_clean(tmp_path / "nowhere")


def test_findings_summary_keeps_clean_documents(corpus):
    c, _, _ = corpus
    s = A.findings_summary(c.documents, c.findings)
    assert set(s["doc_id"]) == set(c.documents["doc_id"])
    assert s["n"].sum() == len(c.findings)


def _cells(rows):
    base = {"measure": "合计", "page": 1}
    return frame_from_records([{**base, "item": r.get("name"), **r} for r in rows], "cells")


def test_a_budget_reads_its_yusuan_columns_and_is_compared_with_budgets_only():
    docs = _docs(
        [
            {"doc_id": "j21", "department": "井研县医疗保障局", "region": "井研县", "year": 2021, "kind": "决算"},
            {"doc_id": "y22", "department": "井研县医疗保障局", "region": "井研县", "year": 2022, "kind": "预算"},
        ]
    )
    cells = _cells(
        [
            {"doc_id": "j21", "table": "01", "side": "支出", "name": "本年支出合计", "basis": "决算", "value": 2525.66},
            {"doc_id": "j21", "table": "07", "name": "合计", "basis": "预算", "value": 3.00},
            {"doc_id": "j21", "table": "07", "name": "合计", "basis": "决算", "value": 2.56},
            {"doc_id": "y22", "table": "01", "side": "支出", "name": "本年支出合计", "basis": "预算", "value": 2600.00},
            {"doc_id": "y22", "table": "07", "name": "合计", "basis": "预算", "value": 2.80},
        ]
    )
    fig = A.key_figures(docs, cells, empty_frame("facts"), concepts=["支出合计", "三公经费"])
    assert fig_value(fig, "y22", "支出合计")["value"] == 2600.00
    assert fig_value(fig, "y22", "三公经费")["value"] == 2.80
    assert fig_value(fig, "j21", "三公经费")["value"] == 2.56  # the 决算数 row of a 决算's 07, not its 预算数
    yoy = A.year_over_year(fig)
    budget = yoy[(yoy["doc_id"] == "y22") & (yoy["concept"] == "支出合计")].iloc[0]
    assert budget["kind"] == "预算" and budget["prior_source"] == ""  # a 2022 预算 is not "up" on a 2021 决算


def test_read_clean_says_to_rebuild_a_folder_written_before_a_column_was_added(corpus, tmp_path):
    c, _, _ = corpus
    write_clean(c, tmp_path)
    facts = pd.read_csv(tmp_path / "facts.csv", encoding="utf-8-sig", dtype=str)
    facts.drop(columns=["formula"]).to_csv(tmp_path / "facts.csv", index=False, encoding="utf-8-sig")
    with pytest.raises(ValueError, match=r"facts\.csv.*formula.*juesuan build"):
        A.read_clean(tmp_path)


# ------------------------------------------------------------------- disclosures: files grouped, scopes kept apart


def _jiangsu_like():
    """One department-year published as two files (tables; narrative whose 支出合计 sentence is about one 项), the
    year before as one file, a 单位 document beside the 部门 one, and the official template."""
    docs = _docs(
        [
            {
                "doc_id": "t19",
                "file": "b/2019公开表.pdf",
                "department": "中共江苏省委办公厅",
                "year": 2019,
                "n_cells": 9,
            },
            {"doc_id": "n19", "file": "b/2019公开文件.pdf", "department": "江苏省委办公厅", "year": 2019, "n_facts": 3},
            {"doc_id": "t18", "file": "b/2018公开表.pdf", "department": "中国共产党江苏省委员会办公厅", "year": 2018},
            {
                "doc_id": "u19",
                "file": "b/2019单位.pdf",
                "department": "中共江苏省委办公厅",
                "year": 2019,
                "scope": "单位",
            },
            {"doc_id": "tpl", "file": "模板.pdf", "department": "上海市XX局", "year": 2019, "status": "not_disclosure"},
        ]
    )
    docs["kind"] = "预算"
    docs["department_norm"] = "中国共产党江苏省委员会办公厅"
    docs.loc[docs["doc_id"] == "tpl", "department_norm"] = "上海市XX局"
    docs["scope"] = docs["scope"].fillna("部门")
    docs["adcode"] = "320000"
    budget = {"basis": "预算", "side": "支出", "name": "本年支出合计"}
    cells = _cells(
        [
            {"doc_id": "t19", "table": "01", "value": 18330.37, **budget},
            {"doc_id": "t18", "table": "01", "value": 15897.44, **budget},
            {"doc_id": "u19", "table": "01", "value": 900.00, **budget},
            {"doc_id": "tpl", "table": "01", "value": 0.0, **budget},
        ]
    )
    sentence = "1．行政运行（项）支出7448.20万元，与上年相比增加1075.88万元。"
    facts = _facts(
        [
            {"doc_id": "n19", "concept": "支出合计", "period": "本年", "value": 7448.20, "sentence": sentence},
            {"doc_id": "n19", "concept": "支出合计", "period": "上年", "value": 6372.32, "sentence": sentence},
            {"doc_id": "n19", "concept": "机关运行经费", "period": "本年", "value": 512.00, "line": 20},
        ]
    )
    facts["basis"] = "预算"
    return docs, cells, facts


def test_files_of_one_department_year_are_one_disclosure_and_the_tables_win():
    docs, cells, facts = _jiangsu_like()
    disc = A.disclosures(docs)
    assert disc.loc[disc["doc_id"] == "tpl", "in_panel"].item() is False  # the template's zeros stay out
    assert "not_disclosure" in disc.loc[disc["doc_id"] == "tpl", "why_not"].item()
    both = disc[disc["doc_id"].isin(["t19", "n19"])]
    assert set(both["disclosure"]) == {"中国共产党江苏省委员会办公厅 2019 预算"}  # three printed names, one department
    assert dict(zip(both["doc_id"], both["role"])) == {"t19": "tables", "n19": "narrative"}
    fig = A.key_figures(docs, cells, facts, concepts=["支出合计", "机关运行经费"])
    assert not fig.duplicated(["department", "year", "kind", "scope", "concept", "period"]).any()
    assert "模板.pdf" not in set(fig["file"])
    spend = fig[(fig["year"] == 2019) & (fig["scope"] == "部门") & (fig["concept"] == "支出合计")]
    now = spend[spend["period"] == "本年"].iloc[0]
    assert (now["value"], now["source"], now["doc_id"], now["file"]) == (18330.37, "cells", "t19", "b/2019公开表.pdf")
    assert (
        now["ref"] == "01/支出/本年支出合计/合计 预算 (page 1)"
        and "facts 7448.20 (b/2019公开文件.pdf" in now["other_values"]
    )
    # the narrative file gives what the tables do not, and says so
    running = fig[(fig["concept"] == "机关运行经费") & (fig["year"] == 2019)].iloc[0]
    assert (running["source"], running["doc_id"], running["value"]) == ("facts", "n19", 512.00)
    # the 上年 of a sentence about one 项 is not the department's prior total
    prior = spend[spend["period"] == "上年"].iloc[0]
    assert prior["value"] == 6372.32 and prior["consistent"] == False  # noqa: E712 (a nullable boolean)


def test_year_over_year_compares_like_with_like_and_says_when_asked_to_mix():
    docs, cells, facts = _jiangsu_like()
    fig = A.key_figures(docs, cells, facts, concepts=["支出合计"])
    yoy = A.year_over_year(fig)
    assert not yoy.duplicated(["department", "year", "kind", "scope", "concept"]).any()
    dept = yoy[(yoy["year"] == 2019) & (yoy["scope"] == "部门")].iloc[0]
    assert (dept["prior_source"], dept["prior_doc_id"], dept["prior_value"]) == ("disclosure", "t18", 15897.44)
    assert dept["change_pct"] == pytest.approx(round(100 * (18330.37 - 15897.44) / 15897.44, 2))
    unit = yoy[(yoy["year"] == 2019) & (yoy["scope"] == "单位")].iloc[0]
    assert unit["prior_source"] == "" and math.isnan(unit["prior_value"])  # a 单位 is not compared with the 部门
    mixed = A.year_over_year(fig, mix_scopes=True)
    unit = mixed[(mixed["year"] == 2019) & (mixed["scope"] == "单位")].iloc[0]
    assert (unit["prior_doc_id"], unit["prior_scope"]) == ("t18", "部门")
    ser = A.series(fig)
    assert dict(zip(ser.loc[ser["scope"] == "部门", "fiscal_year"], ser.loc[ser["scope"] == "部门", "value"])) == {
        2018: 15897.44,
        2019: 18330.37,
    }  # the inconsistent 上年 (6372.32 for 2018) is not in the series


def test_names_are_merged_only_by_the_canonical_name_or_a_confirmed_match(tmp_path):
    docs = _docs(
        [
            {"doc_id": "a", "department": "江苏省卫生和计划生育委员会", "year": 2017, "adcode": "320000"},
            {"doc_id": "b", "department": "江苏省卫生健康委员会", "year": 2019, "adcode": "320000"},
            {"doc_id": "c", "department": "江苏省国土资源厅", "year": 2017, "adcode": "320000"},
            {"doc_id": "d", "department": "江苏省自然资源厅", "year": 2019, "adcode": "320000"},
        ]
    )
    from juesuan.departments import normalise_department

    docs["department_norm"] = [normalise_department(n) for n in docs["department"]]
    facts = _facts(
        [{"doc_id": d, "concept": "支出合计", "period": "本年", "value": v} for d, v in zip("abcd", (1, 2, 3, 4))]
    )
    disc = A.disclosures(docs).set_index("doc_id")
    assert disc.loc["a", "department"] == disc.loc["b", "department"]  # a rename of the data's rules
    assert disc.loc["c", "department"] != disc.loc["d", "department"]  # a successor: proposed, not merged
    report = A.department_matches(docs)
    pair = report[(report["name_a"].isin(["江苏省国土资源厅", "江苏省自然资源厅"])) & report["name_b"].astype(bool)]
    assert len(pair) == 1 and pair["reason"].str.startswith("successor").all()
    assert not ((report["department_a"] == report["department_b"]) & report["name_b"].astype(bool)).any()
    confirmed = tmp_path / "confirmed.csv"
    confirmed.write_text("name,canonical,region\n江苏省国土资源厅,江苏省自然资源厅,320000\n", encoding="utf-8")
    fig = A.key_figures(docs, empty_frame("cells"), facts, concepts=["支出合计"], confirmed=confirmed)
    assert set(fig.loc[fig["doc_id"].isin(["c", "d"]), "department"]) == {"江苏省自然资源厅"}
    yoy = A.year_over_year(fig)
    assert len(yoy[yoy["department"] == "江苏省自然资源厅"]) == 2
    assert A.department_matches(docs, confirmed=confirmed)["reason"].str.startswith("successor").sum() == 0


def test_cross_region_and_by_region_use_the_gazetteer(corpus, figures):
    cross = A.cross_region(figures, concepts=["支出合计"], year=2021)
    assert set(cross["province"]) == {"湖南省", "四川省"} and cross["adcode"].str.fullmatch(r"\d{6}").all()
    summary = A.by_region(cross, "province").set_index("province")
    assert summary.loc["湖南省", "n"] == 2 and summary.loc["四川省", "code"] == "510000"  # 株洲 石峰区 and 衡南县
    hunan = cross[cross["province"] == "湖南省"]["value"]
    assert summary.loc["湖南省", "median"] == pytest.approx(hunan.median())
    assert set(A.comparable_kinds(figures)["department_kind"]) == {"医疗保障局"}
    with pytest.raises(ValueError, match="level"):
        A.by_region(cross, "乡")


def test_printed_table_lays_the_cells_out_as_printed(corpus):
    c, synth, ids = corpus
    doc_id = ids["a_2021.txt"]
    wide = A.printed_table(c.cells, doc_id, "05")
    e = synth[doc_id].expected
    e = e[(e["table"] == "05") & (e["code"].fillna("").str.len() == 7)]
    code = e["code"].iloc[-1]
    want = e[e["code"] == code].set_index("measure")["value"]
    row = wide[wide["code"] == code].iloc[0]
    assert list(wide.columns[:2]) == ["code", "name"] and wide["code"].iloc[0] == ""  # the 合计 row first, as printed
    assert {m: row[m] for m in want.index} == pytest.approx(want.to_dict())
    with pytest.raises(KeyError, match="no cells in table 05"):
        A.printed_table(c.cells, "nope", "05")


# --------------------------------------------------------------------------------- on a build of ../shared/real


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from ._real_build import real_clean

    data = A.read_clean(real_clean(tmp_path_factory))
    return data, A.key_figures(data["documents"], data["cells"], data["facts"], data["tables"])


def test_real_panel_has_one_row_per_department_year_kind_scope(real):
    data, fig = real
    assert len(fig) and not fig.duplicated(["department", "year", "kind", "scope", "concept", "period"]).any()
    yoy = A.year_over_year(fig)
    assert not yoy.duplicated(["department", "year", "kind", "scope", "concept"]).any()
    # the template and the checklist are not disclosures: none of their zeros is in the panel
    docs = data["documents"]
    out = set(docs.loc[docs["status"] == "not_disclosure", "doc_id"])
    assert out and not set(fig["doc_id"]) & out


def test_real_jiangsu_spending_series_is_table_01s(real):
    data, fig = real
    c = data["cells"]
    t01 = c[(c["table"] == "01") & (c["side"] == "支出") & (c["item"] == "本年支出合计") & (c["basis"] == "预算")]
    t01 = t01.merge(data["documents"][["doc_id", "province"]], on="doc_id")
    t01 = t01[t01["province"] == "江苏省"]
    ser = A.series(fig, concepts=["支出合计"])
    jiangsu = ser[ser["doc_id"].isin(set(t01["doc_id"]))]
    assert len(jiangsu) == t01["doc_id"].nunique() >= 10
    want = dict(zip(t01["doc_id"], t01["value"]))
    assert all(v == pytest.approx(want[d]) for d, v in zip(jiangsu["doc_id"], jiangsu["value"]))
    assert (jiangsu["source"] == "cells").all()
    # 中共江苏省委办公厅: 2017–2019 from the tables, each year once, and no year-over-year change beyond ±50 %
    office = ser[ser["department"] == "中国共产党江苏省委员会办公厅"].set_index("fiscal_year")
    assert office.loc[[2017, 2018, 2019], "source"].eq("cells").all()
    yoy = A.year_over_year(fig, concepts=["支出合计"])
    office = yoy[(yoy["department"] == "中国共产党江苏省委员会办公厅") & yoy["change_pct"].notna()]
    assert len(office) == 2 and office["change_pct"].abs().lt(50).all()


def test_real_three_names_of_the_provincial_party_office_are_one_department(real):
    data, _ = real
    disc = A.disclosures(data["documents"])
    printed = set(disc.loc[disc["department"] == "中国共产党江苏省委员会办公厅", "printed"])
    assert {"中国共产党江苏省委员会办公厅", "中共江苏省委办公厅", "江苏省委办公厅"} <= printed
    years = disc[disc["department"] == "中国共产党江苏省委员会办公厅"].groupby("year")["doc_id"].count()
    assert years.to_dict() == {2017: 2, 2018: 2, 2019: 2}  # tables and narrative, every year
