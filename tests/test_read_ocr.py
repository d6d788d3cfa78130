"""Scans and pictures through OCR: synthetic documents with known values (ruled and borderless, 万元 and 元) printed,
rasterised at 150 and 200 dpi, turned by a degree or two and given grain and specks, wrapped in an image-only PDF or
saved as PNG, and read back by ``juesuan.read`` cell for cell.

The tests that recognise text need the ``ocr`` extra (``pip install 'juesuan[ocr]'``) and a CJK font to draw the
fixtures (``noto-cjk-sans-otc``, in the dev extra); they skip, saying which, when either is absent. The tests of what
happens without the extra always run.
"""

from __future__ import annotations

import importlib.util

import pytest

import juesuan
from juesuan.errors import NoTextLayer, Unreadable
from juesuan.raw import Line, RawDocument
from juesuan.readers import ocr, read_raw
from juesuan.testing import render_scan
from juesuan.testing.synth import make_document
from juesuan.validate import LOW_CONFIDENCE, checks_catalogue, ocr_checks

from .roundtrip import cell_mismatches

needs_ocr = pytest.mark.skipif(not ocr.available(), reason="the ocr extra is not installed: pip install 'juesuan[ocr]'")
needs_font = pytest.mark.skipif(
    importlib.util.find_spec("noto_cjk_sans_otc") is None,
    reason="no CJK font to draw the fixtures with: pip install noto-cjk-sans-otc (in the dev extra)",
)
needs_cv = pytest.mark.skipif(importlib.util.find_spec("cv2") is None, reason="OpenCV (the ocr extra) is not installed")

# name → (document, tables kept, how it is scanned): each page costs ~2.5 s (150 dpi) to ~4 s (200 dpi) of OCR.
# No cover page: with no narrative under it, the PDF reader (text layer or OCR alike) runs the cover's one line on
# into the first table's title on the next page (pdf.join_paragraphs), and that table goes unrecognised.
SCANS = {
    "ruled_wanyuan_150dpi": (dict(seed=0), ("01", "02", "05"), dict(dpi=150, skew=1.5, ruled=True, cover=False)),
    "borderless_yuan_200dpi": (
        dict(seed=1, unit="元"),
        ("04", "06", "07"),
        dict(dpi=200, skew=1.2, ruled=False, cover=False),
    ),
}


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """Each scan made and read once for the module: name → (SynthDoc, Document, path)."""
    made: dict = {}

    def get(name: str):
        if name not in made:
            doc_kw, tables, scan_kw = SCANS[name]
            doc = render_scan.only_tables(make_document(**doc_kw), tables)
            path = render_scan.to_scan_pdf(doc, tmp_path_factory.mktemp("scan") / f"{name}.pdf", seed=3, **scan_kw)
            made[name] = (doc, juesuan.read(path), path)
        return made[name]

    return get


# ---------------------------------------------------------------------------------------------------- round trips


@needs_ocr
@needs_font
@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_reads_cell_for_cell(scans, name):
    doc, got, _ = scans(name)
    assert got.meta["format"] == "pdf+ocr"
    assert got.meta["tables"] == ",".join(t.id for t in doc.tables)
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, f"{name}: {len(bad)} cells differ\n{bad.to_string()}"
    conf = got.cells["confidence"]
    assert conf.notna().all() and conf.between(0, 1).all()
    assert (conf >= LOW_CONFIDENCE).mean() > 0.8  # most cells are read with confidence, or the fixture is too hard


@needs_ocr
@needs_font
def test_png_table_attachment_reads_cell_for_cell(tmp_path):
    doc = render_scan.only_tables(make_document(seed=2), ("03",))
    (path,) = render_scan.to_png(doc, tmp_path / "03.png", dpi=150, ruled=True)
    got = juesuan.read(path)
    assert got.meta["format"] == "ocr" and got.meta["tables"] == "03"
    bad = cell_mismatches(doc.expected, got.cells)
    assert bad.empty, f"{len(bad)} cells differ\n{bad.to_string()}"
    width, height = got.raw.page_sizes[1]
    assert abs(width - 841.9) < 1 and abs(height - 595.3) < 1  # the PNG's 150 dpi gives the page its size in points


@needs_ocr
@needs_font
def test_boxes_are_on_the_page_as_scanned(scans):
    """A cell's box is where the scan shows it: the box on the printed page turned as the scanner turned it."""
    import math

    doc, got, _ = scans("ruled_wanyuan_150dpi")
    raw = got.raw
    angles = render_scan.page_angles(raw.pages, 1.5, 3)
    row = next(ln for ln in raw.lines if ln.is_row and ln.cells[0] == "2080505" and len(ln.cells) > 3)
    width, height = raw.page_sizes[row.page]
    x0, top, x1, bottom = row.boxes[0]
    # where the code stands on the printed page (render.to_pdf draws 02 at the same place on every run)
    printed = juesuan.read(_printed(doc, row.page)).raw
    p = next(ln for ln in printed.lines if ln.is_row and ln.cells[0] == "2080505" and ln.page == row.page)
    px, py = (p.boxes[0][0] + p.boxes[0][2]) / 2, (p.boxes[0][1] + p.boxes[0][3]) / 2
    a = math.radians(angles[row.page - 1])  # Pillow turns counter-clockwise on screen (y down)
    dx, dy = px - width / 2, py - height / 2
    sx, sy = width / 2 + dx * math.cos(a) + dy * math.sin(a), height / 2 - dx * math.sin(a) + dy * math.cos(a)
    assert x0 - 2 <= sx <= x1 + 2 and top - 2 <= sy <= bottom + 2, ((sx, sy), row.boxes[0])
    for ln in raw.lines:
        assert len(ln.boxes) == len(ln.cells) == len(ln.confidence)
        for cell, box, c in zip(ln.cells, ln.boxes, ln.confidence):
            assert (box is None) == (not cell) == (c is None)
            if box:
                assert 0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <= height


def _printed(doc, page: int):
    """The printed (text-layer) PDF the scan was made from, for positions."""
    import tempfile
    from pathlib import Path

    from juesuan.testing import render

    return render.to_pdf(doc, Path(tempfile.mkdtemp()) / "printed.pdf", ruled=True, cover=False)


# ---------------------------------------------------------------------------------------------------- findings


@needs_ocr
@needs_font
def test_low_confidence_cells_are_findings(scans):
    _, got, _ = scans("borderless_yuan_200dpi")
    cells = got.cells
    low = cells[cells["confidence"] < LOW_CONFIDENCE]
    found = got.findings[got.findings["check"] == "ocr_low_confidence"]
    assert len(found) == len(low)
    assert sorted(found["evidence"]) == sorted(low["printed"])
    assert found["page"].notna().all() and found["x0"].notna().all() and (found["severity"] == "warning").all()
    ledger = got.checks[got.checks["check"] == "ocr_low_confidence"]
    assert set(ledger["table"]) == set(cells["table"])  # one ledger row per table read by OCR
    assert set(got.findings["check"]) <= set(checks_catalogue())


def test_ocr_checks_flag_only_doubtful_ocr_cells():
    cells = [
        dict(table="03", code="201", measure="合计", value=1.0, printed="1.00", confidence=0.95, page=4, x0=1.0),
        dict(table="03", code="208", measure="合计", value=7.0, printed="7.00", confidence=0.42, page=4, x0=2.0),
        dict(table="02", code="201", measure="合计", value=1.0, printed="1.00", confidence=None, page=3, x0=3.0),
    ]
    ledger = ocr_checks(cells)
    assert [(f["check"], f["code"], f["evidence"], f["page"], f["x0"]) for f in ledger.findings] == [
        ("ocr_low_confidence", "208", "7.00", 4, 2.0)
    ]
    assert "0.42" in ledger.findings[0]["message"]
    assert [(r["table"], r["outcome"]) for r in ledger.rows] == [("03", "failed")]  # 02 was not read by OCR


@needs_ocr
@needs_font
def test_an_identity_failing_on_ocr_cells_says_so(tmp_path):
    """03's 合计 misprinted by +1.00: the break is found on the scan, and its message says the values were OCR's."""
    doc = render_scan.only_tables(make_document(seed=4, wrong_total=True), ("03",))
    path = render_scan.to_scan_pdf(doc, tmp_path / "wrong.pdf", dpi=150, skew=1.0, ruled=True, seed=5, cover=False)
    got = juesuan.read(path)
    assert cell_mismatches(doc.expected, got.cells).empty  # the expected cells hold the total as misprinted
    f = got.findings
    broken = f[(f["check"] == "hierarchy_sum") & (f["severity"] == "error") & (f["item"] == "合计")]
    assert len(broken) == 1
    message = broken["message"].iloc[0]
    assert "(OCR: " in message and "confidence)" in message
    assert abs(broken["difference"].iloc[0] - 1.0) < 1e-6


def test_text_layer_findings_do_not_mention_ocr(seed000):
    assert not seed000.findings["message"].str.contains("OCR").any()


@pytest.mark.parametrize(
    "read, fixed, why",
    [
        ("1O7.37", "107.37", "look-alikes read for digits or separators"),
        ("2O1O3O1", "2010301", "look-alikes read for digits or separators"),
        ("203.25.", "203.25", "specks read as stops"),
        ("'51", "51", "specks read as stops"),
        ("2941,56", "2941.56", "a decimal point read as a comma"),
        ("1,077，37", "1,077.37", "look-alikes read for digits or separators, a decimal point read as a comma"),
        ("418:42", "418.42", "a decimal point read as ':'"),
        ("4, 755,518", "4,755,518", "a gap read inside the number"),
        ("50. 00", "50.00", "a gap read inside the number"),
    ],
)
def test_corrections_make_amounts_of_near_amounts(read, fixed, why):
    assert ocr.correct(read) == (fixed, why)


@pytest.mark.parametrize(
    "text", ["497.55", "1,234", "办公费", ".办公费", "O", "合计", "12.3.4", "SOS", "7 37", "12 34.00"]
)
def test_corrections_leave_amounts_and_words_alone(text):
    assert ocr.correct(text) is None


def test_a_correction_is_a_finding_with_both_texts():
    """The reader's note of a correction becomes an ``ocr_corrected`` finding with the box and the text as read."""
    from juesuan.document import raw_to_document
    from juesuan.geometry import Item

    box = (300.0, 100.0, 330.0, 108.0)
    cells, notes = ocr._corrected_cells(Item(100.0, ("201", "一般公共服务支出", "1O7.37"), True), 4, [None, None, box])
    assert cells == ("201", "一般公共服务支出", "107.37")
    raw = RawDocument(
        "scan.pdf",
        "pdf+ocr",
        "0" * 64,
        [Line(1, 1, ("2022年度湘潭市雨湖区民政局部门决算",)), Line(4, 1, cells, True, boxes=(None, None, box))],
        pages=4,
        notes=notes,
    )
    f = raw_to_document(raw).findings
    hit = f[f["check"] == "ocr_corrected"]
    assert len(hit) == 1
    r = hit.iloc[0]
    assert r["evidence"] == "1O7.37" and "'107.37'" in r["message"] and r["page"] == 4
    assert (r["x0"], r["top"], r["x1"], r["bottom"]) == box


# ---------------------------------------------------------------------------------------------------- without OCR


def _blank_scan(path):
    from PIL import Image

    return render_scan.images_to_pdf([Image.new("L", (600, 420), 235)], path, 72)


def test_without_the_extra_a_scan_names_it(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    path = _blank_scan(tmp_path / "scan.pdf")
    with pytest.raises(NoTextLayer) as err:
        read_raw(path)
    assert str(path) in str(err.value) and "pip install 'juesuan[ocr]'" in err.value.problem
    png = tmp_path / "table.png"
    from PIL import Image

    Image.new("L", (60, 40), 255).save(png)
    with pytest.raises(NoTextLayer) as err:
        juesuan.read(png)
    assert "pip install 'juesuan[ocr]'" in err.value.problem and str(png) in str(err.value)


@needs_ocr
def test_a_scan_with_no_text_is_no_text_layer(tmp_path):
    path = _blank_scan(tmp_path / "blank.pdf")
    with pytest.raises(NoTextLayer) as err:
        read_raw(path)
    assert "OCR found no text" in err.value.problem


@needs_ocr
def test_a_broken_picture_is_unreadable(tmp_path):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    with pytest.raises(Unreadable) as err:
        read_raw(path)
    assert str(path) in str(err.value) and "image" in err.value.problem


def test_pictures_are_read_by_the_ocr_reader(tmp_path):
    from juesuan.readers import detect_format

    for name, head in [("a.png", b"\x89PNG\r\n\x1a\n"), ("b.jpg", b"\xff\xd8\xff\xe0"), ("c.tif", b"II*\x00")]:
        (tmp_path / name).write_bytes(head + b"\x00" * 8)
        assert detect_format(tmp_path / name) == "image"
    (tmp_path / "d.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 8)  # the bytes decide, not the name
    assert detect_format(tmp_path / "d.txt") == "image"


# ---------------------------------------------------------------------------------------------------- pixels


@needs_cv
@pytest.mark.parametrize("angle", [-2.0, -0.8, 1.3, 1.9])
def test_skew_is_measured_from_the_page(angle):
    """A page of ruled rows and text-like strokes turned by ``angle`` is levelled by -``angle`` (within 0.1°)."""
    from juesuan.readers import image_rules

    page = _ruled_page()
    turned = render_scan.degrade(page, angle, noise=6, seed=1)
    import numpy as np

    got = image_rules.estimate_skew(image_rules.ink(np.asarray(turned)))
    assert abs(got + angle) <= 0.1, got


@needs_cv
def test_ruling_lines_are_found_where_drawn():
    """The lines of a drawn grid come back as rules at their positions (points), and text strokes do not."""
    import numpy as np

    from juesuan.geometry import merge_rules
    from juesuan.readers import image_rules

    page = _ruled_page()
    found = image_rules.find_rules(image_rules.ink(np.asarray(page)), 150 / 72)
    rules = merge_rules(found.rules)
    k = 72 / 150
    hs = sorted(int(r.pos / k) for r in rules if r.horizontal)  # a 1 px line at row y has its centre at y + 0.5
    vs = sorted(int(r.pos / k) for r in rules if not r.horizontal)
    assert hs == [100 + 30 * i for i in range(11)]  # pixel rows of the drawn lines
    assert vs == [100, 400, 700, 1000, 1300]
    assert all(abs(r.a / k - 100) <= 1 and abs(r.b / k - 1300) <= 1 for r in rules if r.horizontal)


def _ruled_page():
    """A 150 dpi page with a grid (11 rows, 4 columns) and short strokes in its cells, as a table's text."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (1400, 500), 255)
    d = ImageDraw.Draw(img)
    for i in range(11):
        d.line([(100, 100 + 30 * i), (1300, 100 + 30 * i)], fill=0, width=1)
    for x in (100, 400, 700, 1000, 1300):
        d.line([(x, 100), (x, 400)], fill=0, width=1)
    for r in range(10):
        for c in range(4):
            x, y = 110 + 300 * c, 108 + 30 * r
            for k in range(6):  # strokes 18 px tall (longer than a one-row border may be) reaching neither rule
                d.line([(x + 9 * k, y - 2), (x + 9 * k, y + 16)], fill=0, width=2)
                d.line([(x + 9 * k - 3, y + 7), (x + 9 * k + 3, y + 7)], fill=0, width=2)
    return img


@needs_ocr
@needs_font
def test_the_recogniser_is_loaded_once_and_reads_alike(tmp_path):
    """One model load per process, reused; the same picture read twice gives the same lines, confidences included."""
    doc = render_scan.only_tables(make_document(seed=2), ("07",))
    (path,) = render_scan.to_png(doc, tmp_path / "07.png", dpi=150, ruled=False, skew=1.0, noise=6)
    first = read_raw(path, isolate=False)
    loads = ocr.engine.cache_info().misses
    again = read_raw(path, isolate=False)
    assert ocr.engine.cache_info().misses == loads == 1
    assert again.lines == first.lines and again.notes == first.notes
