"""Narratives juesuan was not developed against (../shared/real), scored against truth read by hand.

tests/data/real_narratives/FOLDER/FILE.truth.json (the format of ../shared/real's *.truth.json) holds the headline
figures of a narrative in ../shared/real/FOLDER/FILE, read from the PDF's text layer with pypdfium2, never with
juesuan. Every headline figure there must be a fact about the whole department (subject 部门) of this year; every
prior-year value the truth derives must be a 上年 fact. Skipped without ../shared.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import juesuan
from juesuan.narrative import concept_of

from .conftest import SHARED, read_real

REAL = SHARED / "real"
TRUTH = Path(__file__).parent / "data" / "real_narratives"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real not present")

# truth keys that are not a concept's name or alias (the names score_real.py uses)
_KEYS = {
    "车辆数": "车辆保有量",
    "政府采购_货物": "政府采购货物",
    "政府采购_工程": "政府采购工程",
    "政府采购_服务": "政府采购服务",
}
# a 类/款/项 named in a clause: a marker, a code inside one (上海), a functional code before or after a name
_CITED = re.compile(
    r"[(（]\s*\d{0,3}\s*[类款项]\s*[)）]|[(（]2\d{2}(?:\d{2}){0,2}[)）]|(?<![\d.,])2\d{6}(?=[\u4e00-\u9fff])"
)
_CLAUSE_MARK = re.compile(r"[，,。；;：:！？!?]")


def read(path: Path) -> juesuan.Document:
    return read_real(path)


def _truth_files() -> list[Path]:
    return sorted(TRUTH.rglob("*.truth.json"))


def _narratives() -> list[Path]:
    if not REAL.is_dir():
        return []
    files = sorted(p for p in REAL.rglob("*") if p.suffix in (".pdf", ".txt"))
    return [p for p in files if read(p).meta["status"] != "not_disclosure"]


def _number(text: str) -> float:
    return float(str(text).replace(",", ""))


def test_there_is_truth_for_six_jiangsu_and_every_shanghai_budget_narrative():
    files = _truth_files()
    jiangsu = [f for f in files if f.parent.name.startswith("jiangsu")]
    shanghai = {f.name.removesuffix(".truth.json") for f in files if f.parent.name.startswith("shanghai")}
    assert len(jiangsu) >= 6
    budgets = {p.name for p in (REAL / "shanghai-putuo").glob("*预算.pdf")}
    assert budgets <= shanghai


@pytest.mark.parametrize("truth_file", _truth_files(), ids=lambda p: p.name[:30])
def test_headline_figures_read_by_hand_are_facts(truth_file):
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    doc = read(REAL / truth_file.parent.name / truth_file.name.removesuffix(".truth.json"))
    f = doc.facts
    own = f[(f["subject"] == "部门") & (f["figure"].isin(["amount", "count"]))]
    missing = []
    for key, printed in truth["totals"].items():
        concept = _KEYS.get(key) or concept_of(key)
        assert concept, f"{truth_file.name}: {key} is no concept"
        have = own[(own["concept"] == concept) & (own["period"] == "本年")]["value"]
        if not any(abs(v - _number(printed)) < 0.006 for v in have):
            missing.append(f"{key}={printed} (read: {sorted(set(have))})")
    for key, prior in truth.get("prior_year", {}).items():
        concept = _KEYS.get(key.rsplit("_", 1)[0]) or concept_of(key.rsplit("_", 1)[0])
        have = own[(own["concept"] == concept) & (own["period"] == "上年")]["value"]
        if not any(abs(v - _number(prior["value"])) < 0.006 for v in have):
            missing.append(f"{key}={prior['value']} (read: {sorted(set(have))})")
    assert not missing, f"{truth_file.name}: {missing}"
    assert doc.meta["year"] == truth["year"] and doc.meta["kind"] == truth["kind"]


@pytest.mark.parametrize("path", _narratives(), ids=lambda p: p.name[:30])
def test_no_headline_fact_comes_from_a_clause_naming_a_subject(path):
    """A figure about a cited 类/款/项 is never a fact about the whole department: the clause a department fact's
    figure stands in (from the last mark before it to the figure) names no 类/款/项."""
    f = read(path).facts
    own = f[f["subject"] == "部门"]
    wrong = []
    for r in own.itertuples():
        before = r.sentence[: r.end]
        marks = list(_CLAUSE_MARK.finditer(before, 0, max(r.start, 0)))
        clause = before[marks[-1].end() if marks else 0 :]
        if _CITED.search(clause):
            wrong.append((r.concept, r.value, clause))
    assert not wrong, wrong


def _tables_01_totals() -> dict[tuple, float]:
    out = {}
    for p in (REAL / "jiangsu-2017-2019-yusuan").glob("*.pdf"):
        doc = read(p)
        c = doc.cells
        row = c[(c["table"] == "01") & (c["item"] == "支出合计") & (c["side"] == "支出")]
        if len(row):
            out[(doc.meta["department_norm"], doc.meta["year"])] = float(row["value"].iloc[0])
    return out


def test_jiangsu_expenditure_totals_are_table_01s():
    """Over the 江苏 预算 files no 支出合计 fact differs from table 01's 支出合计 of the same department and year
    (before clause-level reading 237 of 257 came from sentences about one 项)."""
    totals = _tables_01_totals()
    n, wrong = 0, []
    for p in sorted((REAL / "jiangsu-2017-2019-yusuan").glob("*.pdf")):
        doc = read(p)
        f = doc.facts
        stated = f[(f["concept"] == "支出合计") & (f["subject"] == "部门") & (f["period"] == "本年")]
        stated = stated[stated["figure"] == "amount"]
        key = (doc.meta["department_norm"], doc.meta["year"])
        for v in stated["value"]:
            n += 1
            if key not in totals or abs(totals[key] - v) > 0.006:
                wrong.append((p.name, v, totals.get(key)))
    assert n >= 13 and not wrong, wrong


def test_shanghai_justice_2026_budget_form():
    """ "主要用于：行政单位的基本支出。2025年当年预算执行数为1690.69万元" is 行政运行's prior-year execution, not the
    department's 基本支出; the sentence's real error ("减少1.10%", really −15.13 %) is flagged."""
    doc = read(REAL / "shanghai-putuo" / "司法局单位2026年预算.pdf")
    f, found = doc.facts, doc.findings
    assert f[(f["concept"] == "基本支出") & (f["subject"] == "部门")].empty
    assert found[(found["item"] == "基本支出") & (found["severity"] == "error")].empty
    change = found[(found["check"] == "narrative_change") & (found["code"] == "2040601")]
    assert change["actual"].tolist() == [-1.1] and round(change["expected"].iloc[0], 2) == -15.13
    prior = f[(f["code"] == "2040601") & (f["period"] == "上年")]
    assert prior[["basis", "value"]].values.tolist() == [["执行数", 1690.69]]


def test_a_class_of_all_funds_is_compared_with_table_01():
    """江苏 检察院 2017/2018: "公共安全（类）支出13656.34万元" in the 收支 section is all funds (01), not 05."""
    for name in ("江苏省人民检察院__2017年省检察院部门预算.pdf", "江苏省人民检察院__2018年省检察院部门预算公开.pdf"):
        found = read(REAL / "jiangsu-2017-2019-yusuan" / name).findings
        assert found[(found["code"] == "204") & (found["severity"] == "error")].empty, name
