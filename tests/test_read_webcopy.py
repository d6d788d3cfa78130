"""Browser copies with one table cell per line: rows rebuilt from each family's header and the codes. With empty
cells kept as empty lines every cell reads back; with them dropped, what can be placed is exact and the rest is
reported, numbers and all, never guessed."""

from __future__ import annotations

import re

import pytest

import juesuan
from juesuan.readers import read_raw
from juesuan.readers.webcopy import _Family, header_layout, looks_like_webcopy
from juesuan.tables.spec import load_specs
from juesuan.testing import render_web
from juesuan.testing.synth import make_document, to_text

from .roundtrip import cell_mismatches
from .test_read_html import VARIANTS, narrative_facts, text_export


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("variant", VARIANTS)
def test_copy_with_empty_lines_round_trips_every_cell(tmp_path, seed, variant):
    synth = make_document(seed=seed, **variant)
    got = juesuan.read(render_web.to_webcopy(synth, tmp_path / "copy.txt"))
    bad = cell_mismatches(synth.expected, got.cells)
    assert bad.empty, bad.head(20).to_string()
    assert got.meta["format"] == "webcopy" and got.meta["status"] == "ok", got.meta["error"]
    assert got.meta["tables"] == "01,02,03,04,05,06,07,08,09"
    assert narrative_facts(got).equals(narrative_facts(text_export(tmp_path, synth)))


@pytest.mark.parametrize("seed", [0, 3])
def test_copy_without_empty_cells_places_only_what_it_can(tmp_path, seed):
    synth = make_document(seed=seed)
    got = juesuan.read(render_web.to_webcopy(synth, tmp_path / "copy.txt", keep_empty=False))
    bad = cell_mismatches(synth.expected, got.cells)
    assert (bad["_merge"] == "left_only").all(), bad[bad["_merge"] != "left_only"].to_string()  # nothing wrong
    assert len(got.cells) > 0 and got.meta["status"] == "partial"
    # every cell that could not be placed is named, with its number as printed, in a reader note
    notes = " ".join(got.findings[got.findings.check == "reader"].message)
    missing = bad
    printed = {float(x) for x in re.findall(r"\d+\.\d{2}", notes)}
    assert set(missing["value"].round(2)) <= printed


def test_rows_come_out_as_rows_with_their_text_lines(tmp_path):
    synth = make_document(seed=0)
    text = render_web.webcopy_text(synth)
    raw = read_raw(render_web.to_webcopy(synth, tmp_path / "copy.txt"))
    source = text.split("\n")
    row = next(ln for ln in raw.lines if ln.is_row and ln.cells[0] == "2010301")
    assert source[row.row - 1] == "2010301" and row.cells[1] == "行政运行"
    header = next(ln for ln in raw.lines if ln.is_row and "本年支出" in ln.cells)
    assert header.cells[:3] == ("项 目", None, "本年支出")  # 05's merged header cells as a spreadsheet gives them


@pytest.mark.parametrize(
    "seed, variant", [(0, {}), (1, {"unit": "元"}), (2, {"with_fund": False, "with_sangong": False})]
)
def test_tab_separated_copy_with_merged_cells_written_once(tmp_path, seed, variant):
    """Chrome and Firefox copy a table a row per line, cells tab-separated, a merged header cell once: the header is
    shorter than the rows, and read as it stands every column after a merge would take the wrong measure."""
    synth = make_document(seed=seed, **variant)
    got = juesuan.read(render_web.to_webcopy(synth, tmp_path / "tabs.txt", tabs=True))
    bad = cell_mismatches(synth.expected, got.cells)
    assert bad.empty, bad.head(20).to_string()
    assert got.meta["status"] == "ok" and got.meta["tables"] == "01,02,03,04,05,06,07,08,09"


def test_tab_copy_header_without_a_single_layout_is_reported(tmp_path):
    text = "支出决算表\n单位：万元\n收入\t支出\n项目\t金额\t项目\t金额\t项目\t金额\n201\t一般\t1.00\t202\t外交\t2.00\n"
    path = tmp_path / "odd.txt"
    path.write_text(text, encoding="utf-8")
    raw = read_raw(path)
    assert raw.format == "text"
    assert any(sev == "warning" and "cannot be laid out" in msg for sev, msg in raw.notes)


def _family(table: str) -> _Family:
    return _Family(load_specs()[table], "决算")


def test_header_tree_of_08_puts_the_subcolumns_under_their_group():
    words = "项 目|年初结转和结余|本年收入|本年支出|年末结转和结余|功能分类科目编码|科目名称|小计|基本支出|项目支出"
    roots, columns = header_layout(words.split("|"), _family("08"), None)
    assert [role[0] if role[0] != "measure" else role[1] for _, role in columns] == [
        "code",
        "name",
        "年初结转和结余",
        "本年收入",
        "本年支出",
        "基本支出",
        "项目支出",
        "年末结转和结余",
    ]


def test_a_header_with_two_readings_is_not_guessed():
    # 收入 over one block and 支出 over two, or the other way round: the words cannot tell
    words = ["收入", "支出", "项目", "金额", "项目", "金额", "项目", "金额"]
    assert header_layout(words, _family("04"), None) is None


def test_shape_detection():
    synth = make_document(seed=1)
    assert looks_like_webcopy(render_web.webcopy_text(synth))
    assert looks_like_webcopy(render_web.webcopy_text(synth, keep_empty=False))
    assert not looks_like_webcopy(to_text(synth))  # tab-separated rows: a text export
    assert not looks_like_webcopy("\n".join(synth.narrative * 5))


def test_real_page_saves_are_still_text(shared_real):
    for path in sorted((shared_real / "pingtan-2016-2017").glob("*.txt")):
        assert read_raw(path).format == "text", path.name
