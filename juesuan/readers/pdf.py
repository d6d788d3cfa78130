"""PDF disclosures: characters and ruling lines read with pypdfium2, laid out by ``juesuan.geometry``.

Why pypdfium2 and not camelot or pdfplumber (measured in bench/bench_pdf.py): reading the text layer with pypdfium2
costs 1–4 ms a page and keeps every code, name and amount intact; camelot's lattice places text one row too low on
LibreOffice PDFs and takes 0.24 s a page; pdfplumber is exact on ruled tables but 10–40× slower than the text floor,
and no generic tool keeps the columns of borderless tables. So this reader takes each character's box and the page's
ruling lines (its path objects, also inside form XObjects) from pdfium, and ``juesuan.geometry`` builds the lines,
grids and borderless columns from those positions alone: the order of the text layer is never used for cells.

What this module adds to the geometry: the page's frame (``/Rotate``), characters outside the visible page dropped
(江苏省人大办公厅2017年度预算公开.pdf repeats whole tables below the page, invisible), radicals mapped
(``textnorm.fix_radicals``), running heads and page numbers left out, text lines outside tables joined into
paragraphs where a line runs to the right margin (the narrative parser reads sentences), and page-level problems
recorded as notes, summarised per kind so a broken page tree gives one note, not one per page.
"""

from __future__ import annotations

import ctypes
import re
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import Encrypted, GarbledText, NoTextLayer, Unreadable
from ..geometry import (
    Box,
    Carry,
    Char,
    Item,
    Rule,
    Settings,
    chars_to_lines,
    layout_page,
    margin_lines,
    path_to_rules,
    running_heads,
)
from ..limits import Limits, check_page_chars
from ..raw import Line, RawDocument
from ..textnorm import ORDINAL, PAGE_NUMBER, PART, fix_radicals

# This reader counts each page's characters as it reads it and applies limits.max_page_chars then: the pre-check
# (limits.check_pdf) need not load every page and its text a first time to count them (as long as reading the text
# layer itself: ~0.9x the floor of bench/bench_real.py)
CHECKS_PAGE_CHARS = True

_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff\ufffd]")
_TEXT_START = re.compile(r"^(?:部门|单位|编制部门|编制单位|预算单位|填报单位|金额单位|注|备注|说明|公开\s*\d)")
_PARA_END = "。；;：:！!？?”）)表"  # 表: a title or a contents entry ends there, never runs on
_LIST_START = re.compile(rf"^(?:{ORDINAL}|{PART})")  # a list item or a part starts a paragraph
_MAX_RANGES = 8  # page ranges listed in one note; the rest are counted


@dataclass(frozen=True)
class Frame:
    """Maps PDF user space (y up) to the page as displayed (y down), honouring /Rotate.

    江苏省人大常委会办公厅2019年部门预算公开表.pdf has /Rotate 90 on every page: its text runs down the user space.
    """

    rotation: int
    w: float  # user-space width (unrotated)
    h: float

    @property
    def size(self) -> tuple[float, float]:
        return (self.h, self.w) if self.rotation in (90, 270) else (self.w, self.h)

    def pt(self, x: float, y: float) -> tuple[float, float]:
        if self.rotation == 90:
            return y, x
        if self.rotation == 180:
            return self.w - x, y
        if self.rotation == 270:
            return self.h - y, self.w - x
        return x, self.h - y

    def box(self, left: float, b: float, r: float, t: float) -> tuple[float, float, float, float]:
        """(x0, x1, top, bottom) on the displayed page."""
        xa, ya = self.pt(left, b)
        xb, yb = self.pt(r, t)
        return min(xa, xb), max(xa, xb), min(ya, yb), max(ya, yb)

    def corners(self, left: float, b: float, r: float, t: float) -> tuple[float, float, float, float]:
        """``pt`` of the two corners (left, b) and (r, t), inlined: (xa, ya, xb, yb). ``box`` orders them; the
        character loop calls this once per glyph, where two method calls and four min/max were half its time."""
        rot = self.rotation
        if rot == 90:
            return b, left, t, r
        if rot == 180:
            return self.w - left, b, self.w - r, t
        if rot == 270:
            return self.h - b, self.w - left, self.h - t, self.w - r
        return left, self.h - b, r, self.h - t


def page_frame(page) -> Frame:
    rot = page.get_rotation() % 360
    w, h = page.get_size()  # pdfium reports the rotated size
    if rot in (90, 270):
        w, h = h, w
    return Frame(rot, w, h)


# ---------------------------------------------------------------------------------------------------- opening


def _open(path: Path):
    import pypdfium2 as pdfium
    import pypdfium2.raw as R

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        code = getattr(err, "err_code", None)  # pypdfium2 keeps pdfium's error code on the exception
        # pdfium's last error is global and not reset on success: a stale "password" code follows an encrypted file,
        # so an /Encrypt entry in the file decides
        if code in (R.FPDF_ERR_PASSWORD, R.FPDF_ERR_SECURITY) and b"/Encrypt" in path.read_bytes():
            raise Encrypted(path, "encrypted PDF: a password is needed to open it") from err
        raise Unreadable(path, f"not a readable PDF (truncated or corrupt): {err}") from err
    return pdf


# ---------------------------------------------------------------------------------------------------- characters


# pdfium's generated characters (inserted spaces and line breaks) and whitespace: not glyphs
_RECTF = struct.Struct("4f")  # FS_RECTF: left, top, right, bottom as C floats
_MATRIX = struct.Struct("6f")  # FS_MATRIX: a, b, c, d, e, f
_POINT = struct.Struct("2f")  # a path segment's x, y as C floats
_SKIP = frozenset(chr(u) for u in (0x20, 0x0D, 0x0A, 0x09, 0xA0, 0x3000, 0xFEFF, 0x200B, 0xFFFE, 0))


# pypdfium2's bindings declare typed pointers (LP_struct_…) as arguments and results, and ctypes converts and checks
# each one per call. For the calls made per glyph, per page object and per path segment (about a million over the
# real files) the same C functions are called through prototypes of their own: results as plain handles (``_Handle``,
# a c_void_p subclass, which ctypes gives back as is, not as an int) and no ``argtypes``, so that ctypes passes each
# argument without a conversion call: handles and addresses as c_void_p instances made once, indexes as Python ints
# (C ints: each of these takes an ``int``). ~25 % less per call than declared c_void_p arguments (~30 % less than
# pypdfium2's typed ones). A C function whose integer argument is not an ``int`` keeps declared argtypes
# (FPDFFormObj_GetObject: ``unsigned long``). Everything else goes through pypdfium2 as published.


class _Handle(ctypes.c_void_p):
    """A pdfium handle returned by a ``_plain`` function: passed on to the next call as it is."""


_INT = ctypes.c_int
_PLAIN: dict[str, tuple] = {  # name: (restype, argtypes or None: every argument a c_void_p or a C int)
    "FPDFText_GetLooseCharBox": (_INT, None),  # (text page, int index, FS_RECTF*)
    "FPDFPage_CountObjects": (_INT, None),  # (page)
    "FPDFPage_GetObject": (_Handle, None),  # (page, int index)
    "FPDFFormObj_CountObjects": (_INT, None),  # (form object)
    "FPDFFormObj_GetObject": (_Handle, (ctypes.c_void_p, ctypes.c_ulong)),  # (form object, unsigned long index)
    "FPDFPageObj_GetType": (_INT, None),  # (object)
    "FPDFPageObj_GetMatrix": (_INT, None),  # (object, FS_MATRIX*)
    "FPDFPath_GetDrawMode": (_INT, None),  # (path, int* fill mode, FPDF_BOOL* stroke)
    "FPDFPageObj_GetStrokeColor": (_INT, None),  # (object, unsigned int* r, g, b, a)
    "FPDFPageObj_GetFillColor": (_INT, None),  # (object, unsigned int* r, g, b, a)
    "FPDFPath_CountSegments": (_INT, None),  # (path)
    "FPDFPath_GetPathSegment": (_Handle, None),  # (path, int index)
    "FPDFPathSegment_GetPoint": (_INT, None),  # (segment, float* x, float* y)
    "FPDFPathSegment_GetType": (_INT, None),  # (segment)
    "FPDFPathSegment_GetClose": (_INT, None),  # (segment)
}


@cache
def _plain(name: str):
    """pdfium's function ``name`` with the prototype ``_PLAIN`` gives it, made once per process."""
    import pypdfium2.raw as R

    typed = getattr(R, name)
    fn = type(typed)(ctypes.cast(typed, ctypes.c_void_p).value)  # same calling convention, same address
    fn.restype, fn.argtypes = _PLAIN[name]
    return fn


def _handle(obj) -> ctypes.c_void_p:
    """The address a typed pypdfium2 handle points at, as the argument of a ``_plain`` function."""
    return ctypes.c_void_p(ctypes.cast(obj, ctypes.c_void_p).value)


def _pointer(buffer) -> ctypes.c_void_p:
    """The address of a ctypes buffer (a struct, a float) as the argument of a ``_plain`` function."""
    return ctypes.c_void_p(ctypes.addressof(buffer))


def _page_text(textpage, n: int) -> str:
    """The page's characters, one per character index: one pdfium call for the whole page (FFI calls were most of
    the reader's time); pdfium gives one UTF-16 unit per index, so a character outside the BMP shifts the string,
    and then each is asked for (a code point past Unicode is U+FFFD)."""
    import pypdfium2.raw as R

    text = textpage.get_text_range()
    if len(text) == n:
        return text
    codes = (R.FPDFText_GetUnicode(textpage.raw, i) for i in range(n))
    return "".join(chr(u) if u < 0x110000 else "\ufffd" for u in codes)


def page_chars(textpage, frame: Frame) -> tuple[list[Char], int]:
    """The visible characters of a page, top-down coordinates; also the count of character indexes."""
    import pypdfium2.raw as R

    n = R.FPDFText_CountChars(textpage.raw)
    raw = _handle(textpage.raw)
    rect = R.FS_RECTF()
    box_at = _pointer(rect)
    get_box = _plain("FPDFText_GetLooseCharBox")
    read_rect = _RECTF.unpack_from  # FS_RECTF's four floats in one call, not four ctypes attribute reads
    corners = frame.corners
    out: list[Char] = []
    append = out.append
    width, height = frame.size
    upright, h = frame.rotation == 0, frame.h  # most pages: Frame.corners inlined (a call per glyph saved)
    text = _page_text(textpage, n)
    fixed = fix_radicals(text)  # radicals map one character to one (textnorm), so indexes stay
    for i, ch in enumerate(text):
        if ch in _SKIP or not get_box(raw, i, box_at):
            continue
        r_left, r_top, r_right, r_bottom = read_rect(rect)  # PDF user space, y up
        if upright:
            xa, ya, xb, yb = r_left, h - r_bottom, r_right, h - r_top
        else:
            xa, ya, xb, yb = corners(r_left, r_bottom, r_right, r_top)
        # min() and max() as Frame.box takes them (the first of equals: the sign of a zero is kept)
        x0, x1 = xb if xb < xa else xa, xb if xb > xa else xa
        top, bottom = yb if yb < ya else ya, yb if yb > ya else ya
        if not (0 <= (x0 + x1) / 2 <= width and 0 <= (top + bottom) / 2 <= height):
            continue  # drawn outside the page: invisible (see module docstring)
        # FPDFText_GetFontSize ignores the text matrix (江苏 WPS files report 180–521 for 9 pt text): use the box
        size = bottom - top
        append(Char(fixed[i], x0, x1, top, bottom, 1.0 if 1.0 > size else size))
    return out, n


# ---------------------------------------------------------------------------------------------------- ruling lines


def _matrix_mul(m, n):
    """Compose affine matrices (a, b, c, d, e, f): apply m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def page_rules(page, frame: Frame, settings: Settings | None = None) -> tuple[list[Rule], int]:
    """Ruling lines of a page from its path objects (also inside form XObjects); also the count of image objects."""
    import pypdfium2.raw as R

    rules: list[Rule] = []
    images = 0
    fm = R.FS_MATRIX()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    cr, cg, cb, ca = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    fm_at, fill_at, stroke_at = _pointer(fm), _pointer(fill), _pointer(stroke)
    colour_at = (_pointer(cr), _pointer(cg), _pointer(cb), _pointer(ca))
    obj_type, get_matrix = _plain("FPDFPageObj_GetType"), _plain("FPDFPageObj_GetMatrix")
    draw_mode, stroke_colour, fill_colour = (
        _plain("FPDFPath_GetDrawMode"),
        _plain("FPDFPageObj_GetStrokeColor"),
        _plain("FPDFPageObj_GetFillColor"),
    )
    image, path, form = R.FPDF_PAGEOBJ_IMAGE, R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_FORM

    def visible(getter, obj) -> bool:
        if not getter(obj, *colour_at):
            return True
        return ca.value > 0 and not (cr.value > 240 and cg.value > 240 and cb.value > 240)

    def walk(count, get, parent, outer) -> None:
        nonlocal images
        for k in range(count(parent)):
            obj = get(parent, k)
            kind = obj_type(obj)
            if kind == image:
                images += 1
                continue
            if kind != path and kind != form:
                continue  # text objects, most of a page's objects
            m = (1, 0, 0, 1, 0, 0)
            if get_matrix(obj, fm_at):
                m = _MATRIX.unpack_from(fm)  # a, b, c, d, e, f in one call
            m = _matrix_mul(m, outer)
            if kind == form:
                walk(_plain("FPDFFormObj_CountObjects"), _plain("FPDFFormObj_GetObject"), obj, m)
                continue
            draw_mode(obj, fill_at, stroke_at)
            stroked = bool(stroke.value) and visible(stroke_colour, obj)
            filled = bool(fill.value) and visible(fill_colour, obj)
            if stroked or filled:
                for pts in _subpaths(obj, m, frame):
                    rules.extend(path_to_rules(pts, stroked, settings))

    walk(_plain("FPDFPage_CountObjects"), _plain("FPDFPage_GetObject"), _handle(page.raw), (1, 0, 0, 1, 0, 0))
    return rules, images


def _subpaths(obj, m, frame: Frame) -> list[list[tuple[float, float]]]:
    """A path object's sub-paths as points on the displayed page (``m``: the object's matrix on the page).

    Four pdfium calls per segment (pdfium has no call for a path's points at once; ~100,000 segments over the real
    files); around them one ``struct`` unpack of the point and, on an unrotated page, ``Frame.pt`` inlined."""
    import pypdfium2.raw as R

    xy = (ctypes.c_float * 2)()
    x_at = _pointer(xy)
    y_at = ctypes.c_void_p(x_at.value + ctypes.sizeof(ctypes.c_float))
    read_xy = _POINT.unpack_from
    get_segment, get_point = _plain("FPDFPath_GetPathSegment"), _plain("FPDFPathSegment_GetPoint")
    seg_type, seg_close = _plain("FPDFPathSegment_GetType"), _plain("FPDFPathSegment_GetClose")
    moveto = R.FPDF_SEGMENT_MOVETO
    a, b, c, d, e, f = m
    pt = None if frame.rotation == 0 else frame.pt
    h = frame.h
    subpaths: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for s in range(_plain("FPDFPath_CountSegments")(obj)):
        seg = get_segment(obj, s)
        get_point(seg, x_at, y_at)
        x, y = read_xy(xy)
        # Frame.pt of an unrotated page: (x, h - y)
        p = (a * x + c * y + e, h - (b * x + d * y + f)) if pt is None else pt(a * x + c * y + e, b * x + d * y + f)
        if not subpaths or seg_type(seg) == moveto:  # the first segment starts a sub-path whatever its type
            current = [p]
            subpaths.append(current)
        else:
            current.append(p)
        if seg_close(seg):
            current.append(current[0])
    return subpaths


# ---------------------------------------------------------------------------------------------------- pages


@dataclass
class PageGlyphs:
    """What a page holds before layout: its characters, ruling lines and size, and what is wrong with it."""

    chars: list[Char]
    rules: list[Rule]
    size: tuple[float, float]
    bad_chars: int
    images: int


def page_glyphs(page, textpage, settings: Settings | None = None) -> PageGlyphs:
    frame = page_frame(page)
    chars, _ = page_chars(textpage, frame)
    bad = len(_PRIVATE_USE.findall("".join([c.text for c in chars])))  # one character each (page_chars)
    rules, images = page_rules(page, frame, settings)
    return PageGlyphs(chars, rules, frame.size, bad, images)


def _union(a: Box | None, b: Box | None) -> Box | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def join_page_paragraphs(placed: list[tuple[int, Item]]) -> list[tuple[int, Item]]:
    """``join_paragraphs`` with each page's text margins taken from its own text lines."""
    right: dict[int, float] = {}
    left: dict[int, float] = {}
    for no, it in placed:
        if not it.is_row:
            right[no] = max(right.get(no, 0.0), it.x1)
            left[no] = min(left.get(no, 1e9), it.x0)
    return join_paragraphs(placed, right, left)


def join_paragraphs(
    items: list[tuple[int, Item]], right: dict[int, float], lefts: dict[int, float] | None = None
) -> list[tuple[int, Item]]:
    """Join text lines into paragraphs: a line reaching the right margin without ending a sentence runs on.

    A centred line (a title) and a line in another font size never run on.
    """
    lefts = lefts or {}
    out: list[tuple[int, Item]] = []
    for page, it in items:
        if out and not it.is_row and not out[-1][1].is_row:
            ppage, prev = out[-1]
            text = prev.cells[0] or ""
            margin = right.get(ppage, 0.0)
            left = lefts.get(ppage, prev.x0)
            centred = prev.x0 - left > 2 * prev.size and abs((prev.x0 - left) - (margin - prev.x1)) < 2 * prev.size
            if (
                prev.x1 >= margin - 1.5 * max(prev.size, 1)
                and text[-1:] not in _PARA_END
                and not centred
                and abs(prev.size - it.size) <= 0.15 * max(prev.size, 1)
                and not _TEXT_START.match(it.cells[0] or "")
                and not _LIST_START.match(it.cells[0] or "")
                and not PAGE_NUMBER.match((it.cells[0] or "").replace(" ", ""))
                and len(text) >= 15
            ):
                joined = text + (it.cells[0] or "")
                box = _union(prev.boxes[0] if prev.boxes else None, it.boxes[0] if it.boxes else None)
                out[-1] = (ppage, Item(prev.top, (joined,), False, prev.x0, it.x1, prev.size, (box,)))
                right_margin = right.get(page, 0.0)
                if it.x1 < right_margin - 1.5 * max(it.size, 1):
                    out[-1][1].x1 = 0.0  # the paragraph ends here
                continue
        out.append((page, it))
    return out


def _ranges(pages: list[int]) -> str:
    """[3, 4, 5, 9] → "3–5, 9"; long lists keep their first ranges and count the rest."""
    spans: list[list[int]] = []
    for p in sorted(pages):
        if spans and p == spans[-1][1] + 1:
            spans[-1][1] = p
        else:
            spans.append([p, p])
    text = ", ".join(f"{a}–{b}" if b > a else str(a) for a, b in spans[:_MAX_RANGES])
    if len(spans) > _MAX_RANGES:
        text += f" and {len(spans) - _MAX_RANGES} more ranges"
    return text


def _page_notes(problems: dict[str, list[int]]) -> list[tuple[str, str]]:
    """One note per kind of page problem, naming the pages (ranges) and how many."""
    notes = []
    for what, pages in problems.items():
        if pages:
            count = f" ({len(pages)} pages)" if len(pages) > 1 else ""
            noun = "pages" if len(pages) > 1 else "page"
            notes.append(("warning", f"{noun} {_ranges(pages)}{count}: {what}"))
    return notes


def _load_pages(
    pdf, settings: Settings | None, path: Path | None = None, limits: Limits | None = None
) -> tuple[list[tuple[int, PageGlyphs]], dict[str, list[int]]]:
    """Every readable page's glyphs; the pages that cannot be read, by reason. With ``limits``, a page holding more
    characters than ``limits.max_page_chars`` raises LimitExceeded before its characters are read."""
    pages: list[tuple[int, PageGlyphs]] = []
    problems: dict[str, list[int]] = {}
    for i in range(len(pdf)):
        try:
            page = pdf[i]
            textpage = page.get_textpage()
        except Exception as err:  # pdfium raises its own error type for a damaged or missing page object
            reason = re.sub(r"\d+", "#", str(err))[:120]
            problems.setdefault(f"cannot be read ({reason}); skipped", []).append(i + 1)
            continue
        try:
            if limits is not None:
                check_page_chars(path, i + 1, textpage.count_chars(), limits)
            pages.append((i + 1, page_glyphs(page, textpage, settings)))
        finally:
            textpage.close()
            page.close()
    return pages, problems


def _layout(pages: list[tuple[int, PageGlyphs]], settings: Settings | None) -> tuple[list[tuple[int, Item]], set]:
    """Lay out every page in order, carrying a table's columns over page breaks; (page, item) pairs."""
    margins = []
    cut = (settings.page_margin if settings else 0.12) + 0.03
    for _, g in pages:
        h = g.size[1]
        above, below = cut * h, (1 - cut) * h
        edge = [c for c in g.chars if c.yc < above or c.yc > below]  # only margin glyphs: lines are dear
        margins.append([ln.text for ln in margin_lines(chars_to_lines(edge, settings), h, settings)])
    heads = running_heads(margins)
    placed: list[tuple[int, Item]] = []
    carry: Carry | None = None
    last = 0
    for no, g in pages:
        if no != last + 1:
            carry = None  # a page that could not be read breaks the table
        res = layout_page(g.chars, g.rules, g.size[0], g.size[1], carry, settings, heads)
        carry, last = res.carry, no
        placed.extend((no, it) for it in res.items)
    return placed, heads


def read(path: Path, settings: Settings | None = None, limits: Limits | None = None) -> RawDocument:
    """Read a PDF into a RawDocument: text lines and table rows in reading order, page by page, every cell with
    its box on the displayed page; ``settings`` are the layout's tolerances (``juesuan.geometry.Settings``);
    ``limits`` (``readers.read_raw`` passes them): its ``max_page_chars`` is checked page by page as the page is
    read (``CHECKS_PAGE_CHARS``), so ``limits.check_pdf`` does not load every page a first time to count them.

    Raises ``Encrypted`` (password), ``Unreadable`` (truncated, corrupt, no pages), ``NoTextLayer`` (a scan, when
    the ``ocr`` extra is not installed: with it a scan is read by ``readers.ocr.read_pdf``), ``GarbledText`` (the
    text layer cannot be decoded). Pages with a few undecodable characters are read and the problem is recorded in
    ``notes``.
    """
    from . import sha256_of

    pdf = _open(path)
    try:
        n = len(pdf)
        if n == 0:
            raise Unreadable(path, "PDF has no pages")
        pages, problems = _load_pages(pdf, settings, path, limits)
    finally:
        pdf.close()
    try:
        _check_text(path, pages, n)
    except NoTextLayer:
        from . import ocr  # a scan: read through OCR where the extra is installed, else the error names it

        if not ocr.available():
            raise
        return ocr.read_pdf(path, settings)
    problems["characters without a Unicode mapping"] = [no for no, g in pages if g.bad_chars]
    problems["images without text (scanned); OCR would be needed for them"] = [
        no for no, g in pages if not g.chars and g.images
    ]
    notes = _page_notes(problems)
    placed, heads = _layout(pages, settings)
    if heads:
        notes.append(("info", f"running heads left out: {', '.join(sorted(heads))[:200]}"))
    placed = join_page_paragraphs(placed)
    lines: list[Line] = []
    row_no: dict[int, int] = {}
    for page, it in placed:
        row_no[page] = row_no.get(page, 0) + 1
        lines.append(Line(page, row_no[page], it.cells, it.is_row, boxes=it.boxes))
    return RawDocument(
        path=str(path),
        format="pdf",
        sha256=sha256_of(path),
        lines=lines,
        pages=n,
        notes=notes,
        page_sizes={no: g.size for no, g in pages},
    )


def _check_text(path: Path, pages: list[tuple[int, PageGlyphs]], n: int) -> None:
    """Refuse a PDF without usable text: a scan (NoTextLayer), no text at all, or a text layer without Unicode."""
    total = sum(len(g.chars) for _, g in pages)
    bad = sum(g.bad_chars for _, g in pages)
    if total == 0:
        images = sum(1 for _, g in pages if g.images)
        if images:
            raise NoTextLayer(
                path,
                f"no text layer: {images} of {n} pages are images (a scan); OCR is needed: pip install 'juesuan[ocr]'",
            )
        raise Unreadable(path, "no text in the PDF")
    if bad > 0.3 * total:
        raise GarbledText(
            path,
            f"{bad} of {total} characters have no Unicode mapping (fonts without ToUnicode); the text cannot be decoded",
        )
