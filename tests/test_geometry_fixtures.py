"""PDF round trips for the layouts a text-layer reader gets wrong, drawn text object by text object
(``render.to_pdf_drawn``) from known values: every cell read back through ``juesuan.read`` equals what was printed."""

from __future__ import annotations

import pytest

import juesuan
from juesuan.readers import read_raw
from juesuan.testing import render
from juesuan.testing.synth import make_document

from .roundtrip import cell_mismatches

SHAPES = {
    # cells written in random order, names split into two text objects: only positions tell what goes where
    "scrambled_borderless": dict(scramble=True),
    "scrambled_ruled": dict(scramble=True, ruled=True),
    # names wrapped over three lines, the code on the middle line, the amounts a line above or below it
    "code_on_middle_line_amounts_above": dict(wrap3=True, amounts="top"),
    "code_on_middle_line_amounts_below": dict(wrap3=True, amounts="bottom"),
    "code_on_middle_line_ruled": dict(wrap3=True, amounts="top", ruled=True),
    # a borderless table over several pages, the header on the first only, a running head on every page
    "borderless_paged_running_head": dict(rows_per_page=3, running_head=True),
    # the 合计 row printed last, alone on a continuation page
    "lone_total_borderless": dict(lone_total=True, rows_per_page=5),
    "lone_total_ruled": dict(lone_total=True, rows_per_page=5, ruled=True),
    # 功能分类 codes over 类/款/项 columns
    "split_codes_borderless": dict(split_codes=True),
    "split_codes_ruled_paged": dict(split_codes=True, ruled=True, rows_per_page=4),
    # all of it at once
    "everything": dict(scramble=True, wrap3=True, amounts="top", split_codes=True, lone_total=True, rows_per_page=4),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_drawn_pdf_reads_cell_for_cell(tmp_path, shape):
    seed = 3 if "ruled" in shape else 0
    doc = make_document(seed=seed)
    path = render.to_pdf_drawn(doc, tmp_path / f"{shape}.pdf", seed=seed, **SHAPES[shape])
    got = juesuan.read(path)
    assert got.meta["tables"] == ",".join(t.id for t in doc.tables)
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, f"{shape}: {len(bad)} cells differ\n{bad.head(20).to_string()}"


def test_two_panel_06_keeps_its_blocks(tmp_path):
    """06 prints three 经济分类 blocks side by side: each block's code, name and amount stay in their own columns."""
    doc = make_document(seed=0)
    raw = read_raw(render.to_pdf_drawn(doc, tmp_path / "06.pdf", scramble=True))
    t06 = doc.table("06")
    want = [tuple(r) for r in t06.rows]
    got = {ln.cells for ln in raw.lines if ln.is_row and len(ln.cells) == len(t06.rows[0])}
    assert [r for r in want if r not in got] == []


def test_code_on_the_middle_line_is_one_row(tmp_path):
    """A name over three lines with the code on the middle one and the amounts on the first is one row."""
    doc = make_document(seed=0)
    raw = read_raw(render.to_pdf_drawn(doc, tmp_path / "w.pdf", wrap3=True, amounts="top"))
    row = next(ln for ln in raw.lines if ln.is_row and ln.cells[0] == "2080505")
    assert row.cells[1] == "机关事业单位基本养老保险缴费支出"
    assert row.cells[2] and row.cells[2] == row.cells[3]  # 本年收入合计 = 财政拨款收入, on the same row


def test_every_pdf_cell_has_its_box_and_every_page_its_size(tmp_path):
    doc = make_document(seed=0)
    raw = read_raw(render.to_pdf_drawn(doc, tmp_path / "b.pdf", ruled=True))
    assert set(raw.page_sizes) == set(range(1, raw.pages + 1))
    width, height = raw.page_sizes[1]
    assert width > height  # landscape A4
    for ln in raw.lines:
        assert len(ln.boxes) == len(ln.cells)
        for cell, box in zip(ln.cells, ln.boxes):
            assert (box is None) == (not cell)
            if box:
                x0, top, x1, bottom = box
                assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height
    # the amount 497.55 of 201 in table 02 sits right of its code, on the same baseline
    row = next(ln for ln in raw.lines if ln.is_row and ln.cells[:2] == ("201", "一般公共服务支出"))
    code, amount = row.boxes[0], row.boxes[2]
    assert amount[0] > code[2] and abs((amount[1] + amount[3]) / 2 - (code[1] + code[3]) / 2) < 2
