"""Scans and pictures: image-only PDFs and PNG/JPEG/TIFF files read through OCR, laid out by ``juesuan.geometry``.

Recognition is RapidOCR (``rapidocr-onnxruntime``, the optional extra ``ocr``): PaddleOCR's Chinese PP-OCR detection
and recognition models, shipped inside the wheel and run on onnxruntime, so nothing is downloaded at run time and
no GPU is needed. The engine is loaded once per process (a corpus build's worker loads it once and reuses it).

What this module adds around the recogniser, so a scan goes through the same table reader as a text layer:

- the page is levelled first (``image_rules.estimate_skew``: a scanner turns pages by a degree or two, and rows of a
  skewed table would run into each other), its ruling lines found in the pixels (``image_rules.find_rules``) and
  erased before recognition;
- each recognised text run is split into characters at the positions the recogniser decoded them (its CTC columns),
  heights taken from the ink, pixels converted to points with the page size: ``geometry.layout_page`` then groups
  them into words, lines, grid cells and borderless columns exactly as it does a PDF's glyphs;
- every cell carries a confidence (``Line.confidence``): the lowest of its characters' — one doubtful digit makes
  a doubtful amount;
- a cell of a table row that is an amount or a code but for a letter the recogniser commonly confuses with a digit
  ("1O7.37") is read with the digit (``data/ocr_confusions.csv``), and the change is a finding with both texts
  (check ``ocr_corrected``): never a silent fix;
- boxes are given on the page as scanned (the levelling undone), so they can be drawn on the rendered page.
"""

from __future__ import annotations

import bisect
import csv
import importlib.util
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import NoTextLayer, Unreadable
from ..geometry import Box, Char, Item, Settings, chars_to_lines, margin_lines
from ..raw import Line, RawDocument
from ..textnorm import fix_radicals
from . import image_rules
from .pdf import PageGlyphs, _layout, join_page_paragraphs

EXTRA = "pip install 'juesuan[ocr]'"
DEFAULT_DPI = 96.0  # a picture that records no resolution: a screenshot's
MIN_DPI, MAX_DPI = 150.0, 300.0  # a PDF page is rendered for recognition at its image's resolution within these
_REC_MIN_WIDTH = 96  # px a short run is padded to for recognition (RapidOCR: 320)
_REC_STRETCH = 1.25  # runs are widened this much for recognition (see _runs)
_AMOUNT_OR_CODE = re.compile(r"^[-−△▲]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,4})?$")
_WORD_CHAR = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
_GAP_AT_SEPARATOR = re.compile(r"\d[.,，]\s+\d|\d\s+[.,，]\d")
_GROUPED = re.compile(r"^[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SPECK_MARKS = set("·.,'`:;_•")  # not a dash: OCR reads 一 as one
_SPECK_CONF = 0.5
_PAGE_NO = re.compile(r"^[-—–_~·.]{0,2}\d{1,3}[-—–_~·.]{0,2}$|^第\d{1,3}页$")  # "- 2 -" as OCR reads it


def available() -> bool:
    """True when the ``ocr`` extra is installed (the recogniser and OpenCV can be imported)."""
    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr_onnxruntime", "cv2", "numpy"))


def need_extra(path: Path, what: str) -> NoTextLayer:
    """The error for a scan when the extra is not installed: what the file is and the command that helps."""
    return NoTextLayer(path, f"{what}; OCR is needed: {EXTRA}")


@lru_cache(maxsize=1)
def engine():
    """The recogniser, loaded once per process. ``JUESUAN_OCR_THREADS`` sets onnxruntime's threads (default 1: a
    build runs one worker per core, and two workers' threads spinning on two cores halve the speed of both)."""
    from rapidocr_onnxruntime import RapidOCR

    threads = int(os.environ.get("JUESUAN_OCR_THREADS", "1"))
    ocr = RapidOCR(
        intra_op_num_threads=threads,
        inter_op_num_threads=1,
        rec_batch_num=1,  # text runs differ in length: batches pad every run to the longest (measured slower)
    )
    ocr.text_rec.rec_image_shape = [3, 48, _REC_MIN_WIDTH]
    return ocr


@lru_cache(maxsize=1)
def confusions() -> dict[str, str]:
    """Letters the recogniser reads for digits (O for 0, l for 1 …): ``data/ocr_confusions.csv``."""
    with resources.files(__package__).joinpath("data/ocr_confusions.csv").open(encoding="utf-8") as fh:
        return {r["read"]: r["meant"] for r in csv.DictReader(fh)}


# ---------------------------------------------------------------------------------------------------- pages


@dataclass
class OcrChar(Char):
    """A character as recognised: its box in points and the recogniser's confidence in it."""

    conf: float = 1.0


@dataclass
class ScanPage:
    """One page recognised: its glyphs and ruling lines on the levelled page, and how it was levelled."""

    glyphs: PageGlyphs
    angle: float  # degrees counter-clockwise the scan was turned to level it
    chars: list[OcrChar]


def _runs(image) -> list:
    """The recogniser's text runs on a greyscale page: (quad, text, confidence, char boxes, char texts, char
    confidences), in pixels of ``image``.

    RapidOCR's own pipeline step by step (``RapidOCR.__call__`` without its resizing and 180° classifier: pages are
    rendered at their scan's resolution and are upright once levelled), changing two things measured on the scans of
    ``juesuan.testing.render_scan``:

    - a short run is padded to ``_REC_MIN_WIDTH`` px for recognition rather than 320 (most runs of a table are one
      amount): 2× faster, the same texts;
    - each run is stretched ``_REC_STRETCH``× in width before recognition. The recogniser decodes one column per
      8 px of a 48 px high line; an amount of 7 pt type at 150 dpi gets about two columns a digit, too few to put
      the blank between two equal digits that CTC decoding needs, so "69900.00" came back "6900.00", and a decimal
      point between two columns "418:42". Stretched, both read right, confidence rises, recognition costs 30 % more.

    Detection runs at full resolution: on the page scaled to 110 dpi it missed or merged runs of 7 pt text (12 of
    227 cells wrong on a 150 dpi scan, against none).
    """
    import cv2
    import numpy as np

    ocr = engine()
    rgb = np.ascontiguousarray(np.stack([image] * 3, axis=-1))
    boxes, _ = ocr.text_det(rgb)
    if boxes is None or not len(boxes):
        return []
    boxes = ocr.sorted_boxes(boxes)
    crops = ocr.get_crop_img_list(rgb, boxes)
    wide = [cv2.resize(c, None, fx=_REC_STRETCH, fy=1.0, interpolation=cv2.INTER_CUBIC) for c in crops]
    found, _ = ocr.text_rec(wide, True)
    # character positions are proportions of the run's width: placed on the crops as cut, they land on the page
    found = ocr.cal_rec_boxes(crops, boxes, found)
    return [[np.asarray(b).tolist(), *r] for b, r in zip(boxes, found)]


def _ink_rows(ink, x0: int, x1: int, y0: int, y1: int) -> tuple[int, int] | None:
    """The first and last pixel rows holding ink in a box (a run's box is padded around its glyphs)."""
    import numpy as np

    rows = np.flatnonzero(ink[y0:y1, x0:x1].any(axis=1))
    if not rows.size:
        return None
    return y0 + int(rows[0]), y0 + int(rows[-1]) + 1


def _run_chars(run, ink, k: float) -> list[OcrChar]:
    """The characters of one text run, in points: x from where the recogniser decoded each character, top and
    bottom from the run's ink. A run whose characters came back without boxes is spread evenly over its box."""
    quad, text, conf = run[0], run[1], float(run[2])
    char_boxes, char_texts, char_confs = (run[3], run[4], run[5]) if len(run) >= 6 else ([], [], [])
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    h, w = ink.shape
    x0, x1 = max(0, int(min(xs))), min(w, int(max(xs)) + 1)
    y0, y1 = max(0, int(min(ys))), min(h, int(max(ys)) + 1)
    rows = _ink_rows(ink, x0, x1, y0, y1) or (y0, y1)
    top, bottom = rows[0] * k, rows[1] * k
    size = max(bottom - top, 1.0)
    if len(char_texts) != len(char_boxes) or len(char_confs) != len(char_texts) or not char_texts:
        chars = [c for c in text if not c.isspace()]
        if not chars:
            return []
        step = (x1 - x0) / len(chars)
        spans = [(x0 + i * step, x0 + (i + 1) * step) for i in range(len(chars))]
        return [OcrChar(fix_radicals(c), a * k, b * k, top, bottom, size, conf) for c, (a, b) in zip(chars, spans)]
    out = []
    for t, box, c in zip(char_texts, char_boxes, char_confs):
        bx = [p[0] for p in box]
        out.append(OcrChar(fix_radicals(t), min(bx) * k, max(bx) * k, top, bottom, size, float(c)))
    return _without_specks(out)


def _without_specks(chars: list[OcrChar]) -> list[OcrChar]:
    """A run's characters without the marks the recogniser made of a speck or a gap: a stop, dot or tick read with
    less than ``_SPECK_CONF`` confidence that touches no digit ("政府办公厅·（室）"). Beside a digit it may be a
    decimal point or a minus: kept, and the cell is then a doubtful number (a finding)."""
    out = []
    for i, c in enumerate(chars):
        if c.text in _SPECK_MARKS and c.conf < _SPECK_CONF:
            near = chars[i - 1 : i] + chars[i + 1 : i + 2]
            if not any(n.text.isdigit() for n in near):
                continue
        out.append(c)
    return out


def _is_speck(run) -> bool:
    """A run with no letter, digit or ideograph read with little confidence: grain or a speck of dust."""
    return not _WORD_CHAR.search(run[1] or "") and float(run[2]) < 0.8


def _without_page_numbers(chars: list[OcrChar], height: float, settings: Settings | None) -> list[OcrChar]:
    """The characters without those of a page number in the head or foot margin, as OCR reads them: the dashes of
    "- 2 -" come back one or none ("-2", "2-"), and a page number read as text after a table's last row would stop
    the table from running on to the next page."""
    drop: set[int] = set()
    for ln in margin_lines(chars_to_lines(chars, settings), height, settings):
        if _PAGE_NO.match(ln.text.replace(" ", "")):
            drop.update(id(c) for w in ln.words for c in w.chars)
    return [c for c in chars if id(c) not in drop] if drop else chars


def recognise_page(gray, width: float, height: float, settings: Settings | None = None) -> ScanPage:
    """One page image (greyscale uint8 array) of ``width`` × ``height`` points → its characters and ruling lines
    on the levelled page, in points."""
    import cv2

    k = width / gray.shape[1]  # points per pixel
    mask = image_rules.ink(gray)
    angle = image_rules.estimate_skew(mask)
    if angle:
        gray = image_rules.rotate(gray, angle)
        mask = image_rules.ink(gray)
    found = image_rules.find_rules(mask, 1.0 / k, settings)
    erase = cv2.dilate(found.mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    erase |= image_rules.specks(mask, 1.0 / k)  # a speck beside an amount is read as a decimal point
    clean = gray.copy()
    clean[erase > 0] = 255
    text_ink = mask.copy()
    text_ink[erase > 0] = 0
    chars: list[OcrChar] = []
    for run in _runs(clean):
        if not _is_speck(run):
            chars.extend(_run_chars(run, text_ink, k))
    chars = _without_page_numbers(chars, height, settings)
    return ScanPage(PageGlyphs(list(chars), found.rules, (width, height), 0, 0), angle, chars)


# ---------------------------------------------------------------------------------------------------- cells


def _unlevel(box: Box | None, angle: float, width: float, height: float) -> Box | None:
    """A box on the levelled page → the box around it on the page as scanned (the levelling turned back)."""
    if box is None or not angle:
        return box
    import math

    a = math.radians(angle)  # the scan was turned by +angle (counter-clockwise on screen) to level it
    cx, cy = width / 2, height / 2
    cos, sin = math.cos(a), math.sin(a)
    pts = []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[2], box[3]), (box[0], box[3])):
        dx, dy = x - cx, y - cy
        # undo a counter-clockwise turn in top-down coordinates: rotate clockwise on screen
        pts.append((cx + dx * cos - dy * sin, cy + dx * sin + dy * cos))
    return (
        round(max(0.0, min(p[0] for p in pts)), 2),
        round(max(0.0, min(p[1] for p in pts)), 2),
        round(min(width, max(p[0] for p in pts)), 2),
        round(min(height, max(p[1] for p in pts)), 2),
    )


class _ByX:
    """A page's characters sorted by their centre's x, to find those inside a cell's box by bisection."""

    def __init__(self, chars: list[OcrChar]):
        self.chars = sorted(chars, key=lambda c: c.xc)
        self.xs = [c.xc for c in self.chars]

    def confidence(self, box: Box | None, text: str | None = None) -> float | None:
        """The lowest confidence of the characters inside a cell's box (a cell's box is the box around its glyphs):
        one doubtful digit makes a doubtful amount. The commas of an amount grouped in thousands ("156,211,123")
        do not count: the recogniser is often unsure whether a mark is a comma or a stop, but where they stand, in
        threes, says what they are and the value does not depend on it. None for an empty cell."""
        if box is None:
            return None
        x0, top, x1, bottom = box
        e = 0.01
        lo, hi = bisect.bisect_left(self.xs, x0 - e), bisect.bisect_right(self.xs, x1 + e)
        grouped = bool(text and _GROUPED.match(text.strip()))
        inside = [
            c.conf for c in self.chars[lo:hi] if top - e <= c.yc <= bottom + e and not (grouped and c.text == ",")
        ]
        return round(min(inside), 4) if inside else None


_STRAY = ".,'`·:;_"  # specks read as punctuation before or after a number
# "2941,56", "418:42": two digits after a comma or a colon at the end are the decimals
_DECIMAL_COMMA = re.compile(r"^([-−△▲]?\d[\d,]*)[,:;](\d{2})$")


def correct(text: str) -> tuple[str, str] | None:
    """A cell that is an amount or a code but for what recognisers commonly get wrong, read as that amount or code,
    and what was changed: look-alikes read for digits ("1O7.37", ``data/ocr_confusions.csv``), a speck read as a
    stop before or after it ("203.25."), a decimal point read as a comma or a colon ("2941,56", "418:42"), a gap
    beside its separator ("50. 00", "4, 755,518"). None when the text is not such a near-amount (a name, an
    amount already, two numbers, or something that no such change makes an amount)."""
    t = text.strip()
    if not any(ch.isdigit() for ch in t) or _AMOUNT_OR_CODE.match(t):
        return None
    why = []
    if _GAP_AT_SEPARATOR.search(t):  # "50. 00", "4, 755,518" — not "7 37", two numbers
        why.append("a gap read inside the number")
        t = re.sub(r"\s+", "", t)
    core = t.strip(_STRAY)
    if core != t and core and (core[0].isdigit() or core[0] in "-−△▲") and core[-1].isdigit():
        why.append("specks read as stops")
        t = core
    table = confusions()
    if any(ch in table for ch in t):
        why.append("look-alikes read for digits or separators")
        t = "".join(table.get(ch, ch) for ch in t)
    m = _DECIMAL_COMMA.match(t)
    if m and "." not in t:
        why.append(f"a decimal point read as {'a comma' if t[-3] == ',' else repr(t[-3])}")
        t = f"{m.group(1)}.{m.group(2)}"
    return (t, ", ".join(why)) if why and _AMOUNT_OR_CODE.match(t) else None


def _corrected_cells(it: Item, page: int, boxes: list[Box | None]) -> tuple[tuple[str | None, ...], list[tuple]]:
    """A table row's cells with confusions corrected, and a note (a finding) for each correction."""
    cells = list(it.cells)
    notes = []
    for i, text in enumerate(cells):
        found = correct(text) if text else None
        if found is None:
            continue
        fixed, why = found
        cells[i] = fixed
        box = boxes[i]
        where = dict(zip(("x0", "top", "x1", "bottom"), box)) if box else {}
        message = f"page {page}: OCR read {text!r}, taken as {fixed!r} ({why})"
        notes.append(("warning", message, page, {"check": "ocr_corrected", "at": where, "evidence": text}))
    return tuple(cells), notes


# ---------------------------------------------------------------------------------------------------- documents


def _lines(pages: list[tuple[int, ScanPage]], settings: Settings | None) -> tuple[list[Line], list[tuple], set]:
    """Lay every page out (as the PDF reader does), each cell with its confidence and its box on the scan."""
    placed, heads = _layout([(no, sp.glyphs) for no, sp in pages], settings)
    placed = join_page_paragraphs(placed)
    by_no = dict(pages)
    index = {no: _ByX(sp.chars) for no, sp in pages}
    lines: list[Line] = []
    notes: list[tuple] = []
    row_no: dict[int, int] = {}
    for page, it in placed:
        sp = by_no[page]
        w, h = sp.glyphs.size
        row_no[page] = row_no.get(page, 0) + 1
        conf = tuple(index[page].confidence(b, t) for b, t in zip(it.boxes, it.cells))
        boxes = [_unlevel(b, sp.angle, w, h) for b in it.boxes]
        cells = it.cells
        if it.is_row:
            cells, fixed = _corrected_cells(it, page, boxes)
            notes.extend(fixed)
        lines.append(Line(page, row_no[page], cells, it.is_row, boxes=tuple(boxes), confidence=conf))
    return lines, notes, heads


def _document(path: Path, fmt: str, pages: list[tuple[int, ScanPage]], n: int, settings) -> RawDocument:
    from . import sha256_of

    lines, notes, heads = _lines(pages, settings)
    turned = [(no, sp.angle) for no, sp in pages if sp.angle]
    if turned:
        angles = ", ".join(f"{no}: {a:+.2f}°" for no, a in turned[:12]) + (" …" if len(turned) > 12 else "")
        notes.insert(0, ("info", f"scanned pages levelled before OCR (page: angle) {angles}"))
    if heads:
        notes.append(("info", f"running heads left out: {', '.join(sorted(heads))[:200]}"))
    if not any(sp.chars for _, sp in pages):
        raise NoTextLayer(path, f"no text layer, and OCR found no text on its {n} page{'s' if n > 1 else ''}")
    return RawDocument(
        path=str(path),
        format=fmt,
        sha256=sha256_of(path),
        lines=lines,
        pages=n,
        notes=notes,
        page_sizes={no: sp.glyphs.size for no, sp in pages},
    )


def _render_dpi(page, width: float) -> float:
    """The resolution of the largest image on a PDF page (the scan's), clamped to MIN_DPI..MAX_DPI."""
    import pypdfium2 as pdfium

    best = 0.0
    for obj in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,)):
        try:
            px = obj.get_px_size()[0]
        except Exception:  # noqa: BLE001 - pdfium cannot size an image it cannot decode: use the default
            continue
        left, _, right, _ = obj.get_bounds()
        if right > left:
            best = max(best, px / ((right - left) / 72))
    # scans are made at whole dpi; rendering at 150.000003 dpi would add a row of pixels, and recognition of a
    # faint decimal point can turn on one row
    return float(min(max(round(best) or 200, MIN_DPI), MAX_DPI))


def read_pdf(path: Path, settings: Settings | None = None) -> RawDocument:
    """An image-only PDF (a scan): every page rendered at its scan's resolution and recognised.

    ``meta["format"]`` of the Document is "pdf+ocr". Raises ``NoTextLayer`` naming the extra when it is missing.
    """
    if not available():
        raise need_extra(path, "no text layer: the pages are images (a scan)")
    import numpy as np

    from .pdf import _open, page_frame

    pdf = _open(path)
    pages: list[tuple[int, ScanPage]] = []
    try:
        n = len(pdf)
        for i in range(n):
            page = pdf[i]
            width, height = page_frame(page).size
            dpi = _render_dpi(page, width)
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            pages.append((i + 1, recognise_page(np.asarray(image), width, height, settings)))
            page.close()
    finally:
        pdf.close()
    return _document(path, "pdf+ocr", pages, n, settings)


def _frames(path: Path):
    """The pages of a picture (a TIFF may hold several) as greyscale images, with their resolution."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            dpi = im.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0] or DEFAULT_DPI
            frames = [f.convert("L") for f in ImageSequence.Iterator(im)]
    except Image.DecompressionBombError as err:  # past Pillow's pixel bound: a hostile or absurd picture
        raise Unreadable(path, f"image too large to read: {err}") from err
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise Unreadable(path, f"not a readable image (truncated or corrupt): {err}") from err
    dpi = float(dpi) if 50 <= float(dpi) <= 1200 else DEFAULT_DPI
    return frames, dpi


def read(path: Path, settings: Settings | None = None) -> RawDocument:
    """A picture (PNG, JPEG, TIFF) through OCR: its size in points from the resolution it records (96 dpi, a
    screenshot's, when it records none). ``format`` "ocr"."""
    if not available():
        raise need_extra(path, "an image: the text must be recognised")
    import numpy as np

    frames, dpi = _frames(path)
    pages = []
    for i, frame in enumerate(frames, start=1):
        width, height = frame.width * 72 / dpi, frame.height * 72 / dpi
        pages.append((i, recognise_page(np.asarray(frame), width, height, settings)))
    return _document(path, "ocr", pages, len(frames), settings)
