"""PDF round trips: a synthetic document rendered as PDF (ruled, borderless, one page per table or several, merged
headers, wrapped names, 元) is read back by juesuan.read and every cell must equal what was printed."""

from __future__ import annotations

import pytest

import juesuan
from juesuan.limits import LimitExceeded, Limits
from juesuan.readers import office, read_raw
from juesuan.testing import render
from juesuan.testing.synth import make_document

from .roundtrip import cell_mismatches

VARIANTS = {
    "ruled": dict(ruled=True),
    "ruled_paged_wrapped": dict(ruled=True, rows_per_page=5, wrap_names=True),
    "borderless": dict(ruled=False),
    "borderless_paged_wrapped": dict(ruled=False, rows_per_page=5, wrap_names=True),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("seed", [0, 3])
def test_pdf_round_trip_every_cell(tmp_path, seed, variant):
    doc = make_document(seed=seed)
    path = render.to_pdf(doc, tmp_path / f"{seed}_{variant}.pdf", **VARIANTS[variant])
    got = juesuan.read(path)
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, f"{variant}: {len(bad)} cells differ\n{bad.head(20).to_string()}"
    assert got.meta["tables"].split(",") == [t.id for t in doc.tables] or set(got.meta["tables"].split(",")) == {
        t.id for t in doc.tables
    }


def test_pdf_in_yuan_converts_to_wanyuan(tmp_path):
    doc = make_document(seed=1, unit="元")
    path = render.to_pdf(doc, tmp_path / "yuan.pdf", ruled=True)
    got = juesuan.read(path)
    assert got.meta["unit"] == "元"
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, bad.head(20).to_string()


def test_paged_table_keeps_columns_across_pages(tmp_path):
    """A table continued over pages without its header: the same column index is the same column on every page."""
    doc = make_document(seed=2)
    path = render.to_pdf(doc, tmp_path / "paged.pdf", ruled=False, rows_per_page=3)
    raw = read_raw(path)
    t02 = doc.tables[1]
    start = next(i for i, ln in enumerate(raw.lines) if t02.label in ln.text)
    end = next(i for i, ln in enumerate(raw.lines) if doc.tables[2].label in ln.text)
    rows02 = [ln for ln in raw.lines[start:end] if ln.is_row and ln.cells[0] in {r[0] for r in t02.rows if r[0]}]
    assert rows02, "table 02's rows not found"
    assert {len(ln.cells) for ln in rows02} == {len(t02.rows[0])}
    assert len({ln.page for ln in rows02}) > 1


def test_wrapped_names_are_joined(tmp_path):
    doc = make_document(seed=0)
    long_names = {r[1] for t in doc.tables if t.id in ("02", "03") for r in t.rows if len(r) > 1 and len(r[1]) > 8}
    assert long_names
    for ruled in (True, False):
        raw = read_raw(render.to_pdf(doc, tmp_path / f"wrap{ruled}.pdf", ruled=ruled, wrap_names=True))
        cells = {c for ln in raw.lines if ln.is_row for c in ln.cells if c}
        assert long_names <= cells, long_names - cells


def test_narrative_reaches_the_document_as_paragraphs(tmp_path):
    doc = make_document(seed=0)
    raw = read_raw(render.to_pdf(doc, tmp_path / "n.pdf"))
    texts = {ln.text.replace(" ", "") for ln in raw.lines if not ln.is_row}
    for para in doc.narrative:
        assert para.replace(" ", "") in texts


def test_page_numbers_are_not_content(tmp_path):
    doc = make_document(seed=0)
    raw = read_raw(render.to_pdf(doc, tmp_path / "p.pdf", rows_per_page=4))
    assert raw.pages > 9
    assert not any(ln.text.strip().startswith("- ") and ln.text.strip().endswith(" -") for ln in raw.lines)


def test_glued_amount_and_code_are_split():
    from juesuan.geometry import Char, split_words

    text = "9.6230206"
    chars = [Char(ch, 10 + 5 * i, 15 + 5 * i, 0, 10, 10) for i, ch in enumerate(text)]
    assert [w.text for w in split_words(chars)] == ["9.62", "30206"]


needs_soffice = pytest.mark.skipif(office.soffice() is None, reason="LibreOffice (soffice) not installed")


@pytest.fixture(scope="module")
def libreoffice_pdfs(tmp_path_factory):
    """Seeds 0 and 1 as workbooks, unbordered and ruled, printed to PDF by LibreOffice in one run."""
    base = tmp_path_factory.mktemp("lo")
    docs = {(seed, ruled): make_document(seed=seed) for seed in (0, 1) for ruled in (False, True)}
    books = {
        key: render.to_xlsx(doc, base / f"s{key[0]}{'r' if key[1] else 'b'}.xlsx", ruled=key[1])
        for key, doc in docs.items()
    }
    pdfs = print_to_pdf(list(books.values()), base)
    return {key: (docs[key], pdfs[book.stem]) for key, book in books.items()}


def print_to_pdf(books: list, outdir) -> dict:
    """LibreOffice's PDF print of each workbook (one soffice run for all, with a profile of its own), by stem."""
    import subprocess

    profile = f"-env:UserInstallation={(outdir / 'profile').as_uri()}"
    cmd = [office.soffice(), profile, "--headless", "--convert-to", "pdf", "--outdir", str(outdir)]
    subprocess.run([*cmd, *map(str, books)], check=True, capture_output=True, timeout=300)
    return {b.stem: outdir / f"{b.stem}.pdf" for b in books}


@needs_soffice
@pytest.mark.parametrize("seed", [0, 1])
def test_libreoffice_pdf_round_trip(libreoffice_pdfs, seed):
    """An unbordered workbook printed by LibreOffice reads exactly: a borderless layout of its own, header labels
    centred in cells much wider than their words (04's 支出 over 项目…国有资本经营预算财政拨款, 07's 预算数 over
    合计…公务接待费) and amounts right-aligned beside their centred labels."""
    doc, pdf = libreoffice_pdfs[(seed, False)]
    got = juesuan.read(pdf)
    assert got.meta["tables"] == "01,02,03,04,05,06,07,08,09"
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, f"{len(bad)} cells differ\n{bad.head(20).to_string()}"
    assert len(got.cells) == len(doc.expected)


@needs_soffice
@pytest.mark.parametrize("seed", [0, 1])
def test_libreoffice_ruled_pdf_round_trip(libreoffice_pdfs, seed):
    """A ruled workbook printed to PDF by LibreOffice (the way Excel/WPS templates are exported) reads exactly,
    although LibreOffice's fonts declare Ascent/Descent 0 (camelot's lattice misplaces such text by a row)."""
    doc, pdf = libreoffice_pdfs[(seed, True)]
    got = juesuan.read(pdf)
    assert got.meta["tables"] == "01,02,03,04,05,06,07,08,09"
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, bad.head(20).to_string()
    assert got.findings[got.findings.severity == "error"].empty


def test_a_page_tree_claiming_999999_pages_gives_one_note(tmp_path):
    """A broken page tree (/Count 999999 over 23 pages): the readable pages are read, the rest is one summary."""
    import re

    from reportlab.pdfgen import canvas

    render._register_font()
    path = tmp_path / "claims.pdf"
    c = canvas.Canvas(str(path), pageCompression=0)
    for i in range(23):
        c.setFont(render.FONT, 12)
        c.drawString(72, 700, f"收入决算表 第{i + 1}页内容")
        c.showPage()
    c.save()
    path.write_bytes(re.sub(rb"/Count 23\b", b"/Count 999999", path.read_bytes()))
    # past the page bound it is one clear error naming the bound (juesuan.limits) …
    with pytest.raises(LimitExceeded, match="claims 999,999 pages.*max_pages"):
        read_raw(path)
    # … and with the bound raised, the readable pages are read and the rest is one note
    raw = read_raw(path, limits=Limits(max_pages=1_000_000))
    assert raw.pages == 999999
    assert len(raw.lines) == 23 and set(raw.page_sizes) == set(range(1, 24))
    assert len(raw.notes) == 1
    severity, message = raw.notes[0]
    assert severity == "warning" and message.startswith("pages 24–999999 (999976 pages): cannot be read")


def test_read_takes_layout_settings_and_limits(tmp_path):
    """``juesuan.read(path, settings=…, limits=…)`` reaches the PDF reader: tolerances a notebook passes change the
    layout, and a bound passed for one call applies to it (whatever the environment says)."""
    from juesuan.geometry import Settings

    doc = make_document(seed=0)
    path = render.to_pdf(doc, tmp_path / "s.pdf", ruled=False)
    assert cell_mismatches(doc.expected, juesuan.read(path, settings=Settings()).cells).empty
    # a word gap of 50 font sizes joins every glyph of a line into one word: the borderless columns are lost
    glued = juesuan.read(path, settings=Settings(word_gap=50.0))
    assert not cell_mismatches(doc.expected, glued.cells).empty
    with pytest.raises(LimitExceeded, match="max_pages"):
        juesuan.read(path, limits=Limits(max_pages=2))


def test_ruling_lines_inside_a_form_xobject_and_on_a_rotated_page_make_the_grid(tmp_path):
    """The ruling lines of a table drawn inside a form XObject (a reused drawing, as some exporters place a page's
    rules), placed with a translation, are found where the page shows them, on an upright page and on a page with
    /Rotate 90 (the reader's two branches for a segment's point); on the upright page the cells come out of the
    grid. (Notes of two characters: pdfium leaves a lone CJK glyph of reportlab's non-embedded STSong-Light out of
    its text page.)"""
    import pypdfium2 as pdfium
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from juesuan.readers.pdf import page_frame, page_rules

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "form_rules.pdf"
    c = canvas.Canvas(str(path), pagesize=(600, 400))
    xs, ys = [0, 120, 240, 360], [0, 30, 60, 90]
    c.beginForm("grid")
    c.setLineWidth(0.5)
    for x in xs:
        c.line(x, ys[0], x, ys[-1])
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    c.endForm()
    pages = [
        [("科目", "金额", "备注"), ("行政运行", "12.50", "甲类"), ("机关服务", "3.40", "乙类")],
        [("科目", "金额", "备注"), ("一般行政管理事务", "7.25", "丙类"), ("事业运行", "1.00", "丁类")],
    ]
    for rotate, rows in zip((0, 90), pages):
        c.saveState()
        c.translate(100, 200)
        c.doForm("grid")
        c.restoreState()
        c.setFont("STSong-Light", 10)
        for r, row in enumerate(rows):
            for k, text in enumerate(row):
                c.drawString(100 + xs[k] + 8, 200 + ys[-1] - (r + 1) * 30 + 10, text)
        c.setPageRotation(rotate)
        c.showPage()
    c.save()

    def positions(rules, horizontal):
        return sorted(round(r.pos, 1) for r in rules if r.horizontal is horizontal)

    pdf = pdfium.PdfDocument(str(path))
    try:
        upright, turned = (page_rules(pdf[i], page_frame(pdf[i]))[0] for i in range(2))
    finally:
        pdf.close()
    # upright: y measured down from the top of the 400-point page; turned (/Rotate 90): user x becomes the shown y
    assert positions(upright, True) == [110.0, 140.0, 170.0, 200.0]
    assert positions(upright, False) == [100.0, 220.0, 340.0, 460.0]
    assert positions(turned, True) == [100.0, 220.0, 340.0, 460.0]
    assert positions(turned, False) == [200.0, 230.0, 260.0, 290.0]
    raw = read_raw(path, isolate=False)
    assert [ln.cells for ln in raw.lines if ln.is_row and ln.page == 1] == pages[0]
