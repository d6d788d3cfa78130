"""Text exports whose cells are not tab-separated: seed 000 with its tables aligned by spaces, laid out as
``pdftotext -layout`` prints a borderless table (a CJK character two columns wide, amounts right-aligned, header
labels centred), or saved as CSV, reads back cell for cell as the tab-separated original does."""

from __future__ import annotations

import pytest

import juesuan
from juesuan.readers.text import text_to_lines
from juesuan.testing.render import tabs_to_csv, tabs_to_spaces
from juesuan.testing.synth import make_document, to_text

from .conftest import seed
from .roundtrip import cell_mismatches

VARIANTS = {
    "spaces": lambda t: tabs_to_spaces(t),
    "spaces_wide_gaps": lambda t: tabs_to_spaces(t, gap=6),
    "pdftotext_layout": lambda t: tabs_to_spaces(t, layout=True),
    "csv": tabs_to_csv,
}


@pytest.fixture(scope="module")
def seed000_tabs():
    path = seed("000")
    return path.read_text(encoding="utf-8"), juesuan.read(path)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_seed000_without_tabs_reads_cell_for_cell(tmp_path, seed000_tabs, variant):
    text, original = seed000_tabs
    exported = VARIANTS[variant](text)
    assert "\t" not in exported
    path = tmp_path / f"000_{variant}.txt"
    path.write_text(exported, encoding="utf-8")
    got = juesuan.read(path)
    assert got.meta["tables"] == original.meta["tables"]
    bad = cell_mismatches(original.cells, got.cells)
    assert bad.empty, f"{variant}: {len(bad)} cells differ\n{bad.head(20).to_string()}"
    assert len(got.cells) == len(original.cells) == 167


def test_space_aligned_columns_follow_display_width():
    """A CJK character is two columns wide: the amounts line up under their header only when measured so."""
    text = "\n".join(
        [
            "科目编码  科目名称                本年支出合计  基本支出",
            "2010301   行政运行                      115.24    115.24",
            "2010302   一般行政管理事务               10.00",
            "2010350   事业运行                                 3.00",
        ]
    )
    lines, _ = text_to_lines(text)
    rows = [ln.cells for ln in lines if ln.is_row]
    assert rows[0] == ("科目编码", "科目名称", "本年支出合计", "基本支出")
    assert rows[1] == ("2010301", "行政运行", "115.24", "115.24")
    assert rows[2] == ("2010302", "一般行政管理事务", "10.00", "")
    assert rows[3] == ("2010350", "事业运行", "", "3.00")


def test_a_single_space_never_glues_two_numbers():
    """ "115 10.00" is a 行次 and an amount, two cells, never 11510.00."""
    text = "\n".join(
        [
            "项 目              行次  决算数",
            "一、财政拨款收入   115 10.00",
            "二、事业收入       116 3.50",
        ]
    )
    lines, _ = text_to_lines(text)
    rows = [ln.cells for ln in lines if ln.is_row]
    assert ("一、财政拨款收入", "115", "10.00") in rows
    assert ("二、事业收入", "116", "3.50") in rows
    assert rows[0] == ("项 目", "行次", "决算数")  # a letter-spaced label stays one cell


def test_narrative_lines_stay_text_in_a_space_aligned_export():
    text = "\n".join(
        [
            "本年收入合计986.66万元，与上年相比减少15.15万元。",
            "",
            "科目编码  科目名称    合计",
            "201       一般公共服务支出   2.00",
            "210       卫生健康支出     983.24",
        ]
    )
    lines, _ = text_to_lines(text)
    assert lines[0].cells == ("本年收入合计986.66万元，与上年相比减少15.15万元。",) and not lines[0].is_row
    assert [ln.row for ln in lines if ln.is_row] == [3, 4, 5]


@pytest.mark.parametrize("layout", [False, True], ids=["left-aligned", "pdftotext-layout"])
@pytest.mark.parametrize("seed", [500, 600])
def test_band_labels_of_a_two_panel_table_head_their_own_panel(tmp_path, seed, layout):
    """Found by the mixed-forms build (test_build_forms): with its tabs expanded, 07's "预算数 … 决算数" start flush
    with their first columns, and 决算数 happened to stand centred over columns 2–12: the 预算 panel's figures were
    read as 决算. Labels printed flush with their columns span to the next label, as the tab-separated text says."""
    synth = make_document(seed=seed)
    path = tmp_path / "spaces.txt"
    path.write_text(tabs_to_spaces(to_text(synth), layout=layout), encoding="utf-8")
    got = juesuan.read(path).cells
    bad = cell_mismatches(synth.expected, got)
    assert bad.empty and len(got) == len(synth.expected), bad.to_string()
    sangong = got[got.table == "07"]
    assert (sangong.basis == "预算").sum() == (sangong.basis == "决算").sum() == 6
