"""The review checks on every real file of ../shared/real: each error read against the document, warnings counted.

Every error below was read against the page it names (the PDF's text through pypdfium2, the web copy as saved):
all are real. The warnings were read as well: a warning that fires on normal prose is a defect, so their counts
per file are pinned — a change that adds one must say which and why.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import juesuan
from juesuan.validate import checks_catalogue
from juesuan.validate.review import REVIEW_CHECKS

from .conftest import SHARED, read_real

JS = "jiangsu-2017-2019-yusuan/江苏省"
SH = "shanghai-putuo/"

# (file, check, page): the error-level review findings, each read against the document
REAL_ERRORS = Counter(
    {
        # "与上年相比增加（减少）0万元，增长（减少）0%" — the template's alternatives left in, pages 9 and 16
        (JS + "人大办公厅__江苏省人大常委会2019年度部门预算公开.pdf", "template_residue", 9): 4,
        (JS + "人大办公厅__江苏省人大常委会2019年度部门预算公开.pdf", "template_residue", 16): 3,
        # "纳入本部门2018年部门汇总预算编制范围" in the 2019 预算
        (JS + "人大办公厅__江苏省人大常委会2019年度部门预算公开.pdf", "year_mismatch", 5): 1,
        # the same template residue in 2018, pages 19, 20, 28, 29
        (JS + "人大办公厅__省人大办公厅2018预算公开.pdf", "template_residue", 19): 2,
        (JS + "人大办公厅__省人大办公厅2018预算公开.pdf", "template_residue", 20): 2,
        (JS + "人大办公厅__省人大办公厅2018预算公开.pdf", "template_residue", 28): 2,
        (JS + "人大办公厅__省人大办公厅2018预算公开.pdf", "template_residue", 29): 1,
        # "提租补贴支出7.72万元较2016年决算数增加0.22万元，下降2.93 %"
        ("pingtan-2016-2017/fj_pingtan_zx_2017js.txt", "change_direction", 1): 1,
        # 住房公积金（项）"350.35万元" and "2024年预算安排352.67万元"
        (SH + "上海市普陀区人民政府万里街道办事处24年预算.pdf", "item_amounts", 9): 1,
        # 07 "本部门2024年无“三公”经费和机关运行经费预算，故本表为空表" over 47.91 / 443.18
        (SH + "上海市普陀区人民政府万里街道办事处24年预算.pdf", "empty_table_statement", 31): 1,
        # 司法局: the reviewer's 公开情况检查表 (司法局单位2026年预算.xlsx) lists each of these
        (SH + "司法局单位2026年预算.pdf", "template_residue", 6): 1,  # 增加（减少）的主要原因
        (SH + "司法局单位2026年预算.pdf", "change_rate", 6): 1,  # 1434.89 / 1690.69: −15.13%, printed 减少1.10%
        (SH + "司法局单位2026年预算.pdf", "item_amounts", 6): 1,  # 56.12万元 then 预算安排57.8万元
        (SH + "司法局单位2026年预算.pdf", "item_amounts", 7): 1,  # 207万元 then 预算安排170.03万元
        (SH + "司法局单位2026年预算.pdf", "change_direction", 7): 1,  # 增加21.74% where the figures fall
        (SH + "司法局单位2026年预算.pdf", "template_residue", 21): 1,  # 主要原因是。
    }
)

# warnings per file (files not listed: none). All read: 江苏's 08 printed empty with no word why (five table files);
# "。。" (江苏 2018), "，，" (平潭 2016), "下设一个中心，。" (seed 002); a change from a base of 0 and 城管执法 described
# as 一般行政管理事务 (万里 2024); 专项普查活动 as 统计管理 (万里 2025); 21 amounts printed "…万" without 元 in
# 商务委员会's project pages; 司法局's 医疗卫生与计划生育支出（210类） in 2026 and its 单位预算 saying 部门预算安排;
# seed 003 without its 国有资本经营预算 part.
REAL_WARNINGS = {
    JS + "人大办公厅__省人大办公厅2018预算公开.pdf": {"punctuation": 1},
    "pingtan-2016-2017/fj_pingtan_zx_2016js.txt": {"punctuation": 1},
    SH + "上海市普陀区人民政府万里街道办事处24年预算.pdf": {"change_rate": 1, "subject_purpose": 1},
    SH + "上海市普陀区人民政府万里街道办事处25年预算.pdf": {"subject_purpose": 1},
    SH + "上海市普陀区商务委员会25年预算.pdf": {"amount_unit": 21},
    SH + "司法局单位2026年预算.pdf": {"subject_name": 1, "scope_wording": 1},
}
SAMPLE_WARNINGS = {"002": {"punctuation": 1}, "003": {"section_missing": 1}}


def _files() -> list[Path]:
    real = SHARED / "real"
    return sorted(p for p in real.rglob("*") if p.suffix in (".pdf", ".txt", ".xlsx")) if real.is_dir() else []


@pytest.fixture(scope="module")
def real_docs():
    real = SHARED / "real"
    if not real.is_dir():
        pytest.skip("../shared/real is not present")
    return {str(p.relative_to(real)): read_real(p) for p in _files()}


_CONFIRMS = r"\(the sentence's own figures confirm it: (\w+)\)"


def _review(doc, severity: str):
    """The review findings of a severity: the review checks' own, and the narrative's findings a review check
    confirmed on the same figure (it reports once, through the narrative's finding, named as the review check)."""
    f = doc.findings
    f = f[f.severity == severity]
    own = f[f.check.isin(REVIEW_CHECKS)]
    confirmed = f[f.check.str.startswith("narrative_") & f.message.str.extract(_CONFIRMS, expand=False).notna()]
    confirmed = confirmed.assign(check=confirmed.message.str.extract(_CONFIRMS, expand=False))
    return pd.concat([own, confirmed])


def test_every_review_error_on_the_real_files_is_real(real_docs):
    found = Counter(
        (name, r.check, int(r.page)) for name, d in real_docs.items() for r in _review(d, "error").itertuples()
    )
    assert found == REAL_ERRORS


def test_review_warnings_per_real_file(real_docs):
    counts = {
        name: dict(Counter(_review(d, "warning").check)) for name, d in real_docs.items() if len(_review(d, "warning"))
    }
    assert counts == REAL_WARNINGS


def test_review_findings_carry_page_and_evidence(real_docs):
    for name, d in real_docs.items():
        f = d.findings[d.findings.check.isin(REVIEW_CHECKS)]
        assert f.page.notna().all() and f.evidence.notna().all(), name


def test_every_review_check_leaves_ledger_rows(real_docs):
    for name, d in real_docs.items():
        assert set(REVIEW_CHECKS) <= set(d.checks.check), name
        assert (
            not d.checks[d.checks.check.isin(REVIEW_CHECKS) & (d.checks.outcome == "not_checked")].reason.isna().any()
        )


def test_the_template_and_the_checklist_are_not_reviewed(real_docs):
    for name in (SH + "部门决算公开模板.pdf", SH + "司法局单位2026年预算.xlsx"):
        d = real_docs[name]
        rows = d.checks[d.checks.check.isin(REVIEW_CHECKS)]
        assert set(rows.outcome) == {"not_checked"} and rows.reason.str.startswith("not a disclosure").all()


def test_samples_warnings_and_no_errors():
    from .conftest import seed

    for prefix in ("000", "001", "002", "003", "004"):
        d = juesuan.read(seed(prefix))
        assert _review(d, "error").empty, prefix
        assert dict(Counter(_review(d, "warning").check)) == SAMPLE_WARNINGS.get(prefix, {}), prefix


def test_every_check_is_in_the_catalogue():
    catalogue = checks_catalogue()
    assert set(REVIEW_CHECKS) <= set(catalogue)
    assert all(catalogue[c]["stage"] in ("words", "structure", "lints", "names") for c in REVIEW_CHECKS)
