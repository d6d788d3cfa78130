"""Two-sided tables (04: 收入 | 支出) and two-panel ones (07: 预算数 | 决算数) without rules: a group label over
several columns is read as spanning the columns it heads whether it is centred over cells much wider than their
words (LibreOffice's print of a sheet), centred over tight cells (reportlab), or printed in the first column of its
run (a text export aligned by spaces). Besides the synthetic documents as they are, 04 is drawn with its header
changed from known values: the amount columns under a merged 决算数 label on a middle header line (merged-down
项目/行次/金额 on the income side), letter-spaced side labels (收    入 / 支    出) and no 栏次 row (the labels a row
pitch above the first row, where a wrapped name's first piece would stand). Every cell must read back."""

from __future__ import annotations

import dataclasses

import pytest

import juesuan
from juesuan.readers import office
from juesuan.testing import render, synth
from juesuan.testing.synth import make_document

from .roundtrip import cell_mismatches
from .test_read_pdf import print_to_pdf

AMOUNTS = ["合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"]


def _merged_amounts(t):
    """04 with its amount columns under a merged 决算数 on a second header line."""
    header = [
        ["收入", "", "", "支出", "", "", "", "", ""],
        ["项 目", "行次", "金额", "项 目", "行次", "决算数", "", "", ""],
        ["", "", "", "", "", *AMOUNTS],
        ["栏 次", "", "1", "栏 次", "", "2", "3", "4", "5"],
    ]
    return dataclasses.replace(t, header=header, spans=[(0, 0, 2), (0, 3, 8), (1, 5, 8)])


def _no_colnum_row(t):
    """04 without its 栏次 row: the labels stand right above the first row, at the rows' own pitch."""
    return dataclasses.replace(t, header=[list(r) for r in t.header[:2]])


def _spaced_sides(t):
    """04 with its side labels letter-spaced, as many templates print them."""
    header = [list(r) for r in t.header]
    header[0][0], header[0][3] = "收    入", "支    出"
    return dataclasses.replace(t, header=header)


HEADERS = {
    "as_made": None,
    "merged_amounts": _merged_amounts,
    "no_colnum_row": _no_colnum_row,
    "spaced_sides": _spaced_sides,
}
CHANGED = sorted(set(HEADERS) - {"as_made"})


def _document(seed: int, header: str):
    doc = make_document(seed=seed)
    change = HEADERS[header]
    if change is None:
        return doc
    return dataclasses.replace(doc, tables=[change(t) if t.id == "04" else t for t in doc.tables])


def _assert_reads_back(doc, path) -> None:
    got = juesuan.read(path)
    assert got.meta["tables"] == "01,02,03,04,05,06,07,08,09"
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, f"{path.name}: {len(bad)} cells differ\n{bad.head(20).to_string()}"
    assert len(got.cells) == len(doc.expected)


def test_fixtures_change_only_the_header():
    """The changed 04s print the same rows under a header of another shape (so the same cells are expected)."""
    made = make_document(seed=0).table("04")
    for header in CHANGED:
        t = _document(0, header).table("04")
        assert t.rows == made.rows and t.header != made.header


@pytest.mark.parametrize("header", sorted(HEADERS))
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("layout", ["spaces", "spaces_wide_gaps", "pdftotext_layout"])
def test_text_aligned_by_spaces(tmp_path, seed, header, layout):
    """The tab-separated export with its tabs expanded: group labels in their run's first column, or centred."""
    doc = _document(seed, header)
    text = synth.to_text(doc)
    spaced = {
        "spaces": render.tabs_to_spaces(text),
        "spaces_wide_gaps": render.tabs_to_spaces(text, gap=6),
        "pdftotext_layout": render.tabs_to_spaces(text, layout=True),
    }[layout]
    assert "\t" not in spaced
    path = tmp_path / f"{seed}_{header}_{layout}.txt"
    path.write_text(spaced, encoding="utf-8")
    _assert_reads_back(doc, path)


@pytest.mark.parametrize("header", CHANGED)
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("paged", [False, True])
def test_reportlab_borderless(tmp_path, seed, header, paged):
    doc = _document(seed, header)
    opts = dict(rows_per_page=5, wrap_names=True) if paged else {}
    _assert_reads_back(doc, render.to_pdf(doc, tmp_path / f"{seed}_{header}.pdf", ruled=False, **opts))


@pytest.fixture(scope="module")
def libreoffice_prints(tmp_path_factory):
    """The changed 04s of seeds 0 and 1 as unbordered workbooks, printed by LibreOffice in one run."""
    if office.soffice() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    base = tmp_path_factory.mktemp("lo04")
    docs = {(seed, h): _document(seed, h) for seed in (0, 1) for h in CHANGED}
    books = {key: render.to_xlsx(doc, base / f"{key[0]}_{key[1]}.xlsx") for key, doc in docs.items()}
    pdfs = print_to_pdf(list(books.values()), base)
    return {key: (docs[key], pdfs[book.stem]) for key, book in books.items()}


@pytest.mark.parametrize("header", CHANGED)
@pytest.mark.parametrize("seed", [0, 1])
def test_libreoffice_unbordered(libreoffice_prints, seed, header):
    doc, pdf = libreoffice_prints[(seed, header)]
    _assert_reads_back(doc, pdf)


def _line(top: float, *words: tuple[str, float, float]):
    from juesuan.geometry import Word

    return [Word(t, x0, x1, top=top, bottom=top + 10, size=10) for t, x0, x1 in words]


def test_side_label_centred_over_cells_wider_than_their_words():
    """支出 centred over its side's cells, the last an empty column whose cell is twice its label (LibreOffice's
    print): the words' extents are centred 14 pt off the label, the cells (gutters, the outer cell mirrored about
    its label) within a point."""
    from juesuan.geometry import block_columns, block_to_rows, words_to_lines

    words = (
        _line(0, ("收入", 95, 105), ("支出", 355, 365))
        + _line(14, ("项目", 40, 60), ("行次", 110, 130), ("金额", 160, 180), ("项目", 250, 270), ("行次", 330, 350))
        + _line(14, ("合计", 380, 400), ("国有资本经营预算财政拨款", 450, 490))
        + _line(28, ("一、一般公共预算财政拨款", 2, 60), ("1", 132, 138), ("3688.48", 160, 198))
        + _line(28, ("一、一般公共服务支出", 202, 260), ("31", 350, 358), ("497.55", 390, 418))
        + _line(42, ("二、政府性基金预算财政拨款", 2, 64), ("2", 132, 138), ("203.25", 166, 198))
        + _line(42, ("二、外交支出", 202, 240), ("32", 350, 358))
    )
    lines = words_to_lines(words)
    rows = [it.cells for it in block_to_rows(lines, block_columns(lines))]
    assert rows[0] == ("收入", None, None, "支出", None, None, None)
    assert rows[1] == ("项目", "行次", "金额", "项目", "行次", "合计", "国有资本经营预算财政拨款")
    assert rows[2] == ("一、一般公共预算财政拨款", "1", "3688.48", "一、一般公共服务支出", "31", "497.55", "")


def test_group_label_in_its_first_column_spans_to_the_next():
    """A text export prints a merged label in its first cell: 预算数 and 决算数 each head their three columns,
    although 决算数 is, by chance, centred over columns 1…5."""
    from juesuan.geometry import block_columns, block_to_rows, words_to_lines

    xs = [0, 40, 80, 150, 190, 280]

    def row(top, texts):
        return _line(top, *[(t, x, x + 10 * len(t) / (1 if t[0] > "9" else 2)) for t, x in zip(texts, xs)])

    words = (
        _line(0, ("预算数", 0, 30), ("决算数", 150, 180))
        + row(20, ["合计", "出国", "接待"] * 2)
        + row(40, ["9.02", "0.00", "1.76", "32.80", "0.00", "2.36"])
        + row(54, ["18.00", "1.00", "12.00", "3.00", "14.00", "5.00"])
    )
    lines = words_to_lines(words)
    rows = [it.cells for it in block_to_rows(lines, block_columns(lines))]
    assert rows[0] == ("预算数", None, None, "决算数", None, None)
    assert rows[2] == ("9.02", "0.00", "1.76", "32.80", "0.00", "2.36")
