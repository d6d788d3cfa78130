"""Corrections as data: a misread figure fixed from a file, the printed text kept, the fix a finding, never silent."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import juesuan
from juesuan import analysis as A
from juesuan.cli import main
from juesuan.corpus import read_all
from juesuan.corrections import CorrectionsError, apply_to_corpus, load_corrections

from .conftest import seed

HEADER = "sha256,table,code,item,measure,basis,value,reason,who\n"


def _file(tmp_path, rows: str):
    path = tmp_path / "corrections.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_a_correction_changes_the_value_keeps_the_printed_text_and_is_a_finding(seed000, tmp_path):
    cell = seed000.cells[(seed000.cells["table"] == "05") & (seed000.cells["code"] == "2109999")].iloc[0]
    sha = seed000.meta["sha256"]
    path = _file(tmp_path, f"{sha},5,2109999,,合计,决算,53.24,narrative says 53.24; the scan was misread,张三\n")
    doc = juesuan.read(seed("000"), corrections=path)
    fixed = doc.cells[
        (doc.cells["table"] == "05") & (doc.cells["code"] == "2109999") & (doc.cells["measure"] == "合计")
    ]
    assert fixed["value"].tolist() == [53.24] and fixed["corrected"].tolist() == [True]
    assert fixed["printed"].tolist() == [cell["printed"]] == ["53.28"]  # as printed, beside the corrected value
    others = doc.cells.drop(index=fixed.index)
    assert (
        others["corrected"].isna().all()
        and others["value"].tolist() == seed000.cells.drop(index=fixed.index)["value"].tolist()
    )
    f = doc.findings[doc.findings["check"] == "correction"]
    assert len(f) == 1 and f["severity"].item() == "info"
    assert (f["expected"].item(), f["actual"].item(), f["code"].item()) == (53.24, 53.28, "2109999")
    assert "张三" in f["message"].item() and "misread" in f["message"].item() and f["evidence"].item() == "53.28"
    assert f["page"].item() == cell["page"]  # where to look, as for any finding
    assert doc.checks[doc.checks["check"] == "correction"]["outcome"].tolist() == ["passed"]
    assert len(juesuan.read(seed("001"), corrections=path).findings.query("check == 'correction'")) == 0


def test_a_correction_that_matches_no_cell_or_several_changes_nothing_and_says_so(seed000, tmp_path):
    sha = seed000.meta["sha256"][:16]
    path = _file(tmp_path, f"{sha},05,9999999,,合计,决算,1,typo,李四\n{sha},05,2109999,,基本支出,,1,?,李四\n")
    doc = juesuan.read(seed("000"), corrections=path)
    assert doc.cells["value"].tolist() == seed000.cells["value"].tolist()
    f = doc.findings[doc.findings["check"] == "correction"]
    assert f["severity"].tolist() == ["warning", "warning"] and f["message"].str.contains("not applied").all()
    assert set(doc.checks.loc[doc.checks["check"] == "correction", "outcome"]) == {"not_checked"}


@pytest.mark.parametrize(
    "rows, problem",
    [
        ("nothex,05,2109999,,合计,决算,1,r,w\n", "row 2: sha256"),
        ("8f3e29accc7952d2,05,,,合计,决算,1,r,w\n", "row 2: give the code"),
        ("8f3e29accc7952d2,05,2109999,,合计,决算,abc,r,w\n", "row 2: value 'abc'"),
        ("8f3e29accc7952d2,05,2109999,,合计,决算,1,,w\n", "row 2: reason is empty"),
    ],
)
def test_a_bad_corrections_file_is_one_line_naming_the_row(tmp_path, rows, problem):
    path = _file(tmp_path, rows)
    with pytest.raises(CorrectionsError, match=problem):
        load_corrections(path)
    (tmp_path / "short.csv").write_text("sha256,table,value\n", encoding="utf-8")
    with pytest.raises(CorrectionsError, match="lacks the columns"):
        load_corrections(tmp_path / "short.csv")


def test_build_applies_corrections_and_the_panel_follows_them(seed000, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(seed("000"), raw)
    sha = seed000.meta["sha256"]
    fix = _file(tmp_path, f"{sha},03,,合计,合计,决算,9999.99,test of the panel,王五\n")
    assert (
        main(["build", str(raw), str(tmp_path / "clean"), "--workers", "1", "--no-cache", "--corrections", str(fix)])
        == 0
    )
    data = A.read_clean(tmp_path / "clean")
    corrected = data["cells"][data["cells"]["corrected"].fillna(False)]
    assert len(corrected) == 1 and corrected["value"].item() == 9999.99 and corrected["printed"].item() != "9999.99"
    assert (data["findings"]["check"] == "correction").sum() == 1
    fig = A.key_figures(data["documents"], data["cells"], data["facts"], data["tables"], concepts=["支出合计"])
    assert fig.loc[fig["period"] == "本年", "value"].item() == 9999.99
    corpus = apply_to_corpus(read_all(raw, workers=1, cache=False), load_corrections(fix))
    pd.testing.assert_frame_equal(corpus.cells, data["cells"])
