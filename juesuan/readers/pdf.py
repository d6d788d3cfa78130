"""PDF disclosures: the text layer read with pypdfium2 into text lines and table rows.

Why pypdfium2 and not camelot or pdfplumber (measured in bench/bench_pdf.py): reading the text layer with pypdfium2
costs 1–4 ms a page and keeps every code, name and amount intact; camelot's lattice places text one row too low on
LibreOffice PDFs and takes 0.24 s a page; pdfplumber is exact on ruled tables but 10–40× slower than the text floor,
and no generic tool keeps the columns of borderless tables. So this reader takes characters (with their boxes) and
ruling lines (the page's path objects) from pdfium and builds the grid itself:

- **ruled tables**: the ruling lines give the grid; a cell boundary that is not drawn means a merged cell (its text
  goes in the first cell, the covered cells are ``None``); characters go to the cell holding their centre, so wrapped
  names are joined and amounts are never glued to the next cell.
- **borderless tables**: runs of lines holding amounts or codes; columns come from the gaps in the data lines' word
  extents, header words that fit no column open one (an empty column keeps its place), and a table continuing on the
  next page reuses the columns of the page before, so a column index means the same column on every page.
- **text**: lines outside tables, joined into paragraphs where a line runs to the right margin (a text export has a
  paragraph per line, and the narrative parser reads sentences).

Characters outside the visible page are dropped (江苏省人大办公厅2017年度预算公开.pdf repeats whole tables below the
page, invisible), radicals are mapped (``textnorm.fix_radicals``), fake-bold doubled characters are dropped.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Encrypted, GarbledText, NoTextLayer, Unreadable
from ..raw import Line, RawDocument
from ..textnorm import PAGE_NUMBER, fix_radicals

# Geometry tolerances in PDF points (1/72 inch). Ruling lines drawn as thin filled rectangles are at most this thick.
_THIN = 2.5
_SNAP = 2.0  # lines closer than this are the same line
_WORD_GAP = 0.45  # a gap wider than this × font size splits two words
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff\ufffd]")
_GLUED = re.compile(r"^(-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2})(\d{3,7})$")  # "9.6230206": amount 9.62 + code 30206
_AMOUNT_OR_CODE = re.compile(r"^[-+(]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\)?$")
_TEXT_START = re.compile(r"^(?:部门|单位|编制部门|编制单位|预算单位|填报单位|金额单位|注|备注|说明|公开\s*\d)")
_PARA_END = "。；;：:！!？?”）)表"  # 表: a title or a contents entry ends there, never runs on
_LIST_START = re.compile(
    r"^(?:[（(][一二三四五六七八九十0-9]+[）)]|[一二三四五六七八九十]+、|\d+[、.．]|第[一二三四五六七八九十]+部分)"
)


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    xc: float = field(init=False, repr=False)  # centres, computed once: looked up for every char many times
    yc: float = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.xc = (self.x0 + self.x1) / 2
        self.yc = (self.top + self.bottom) / 2


@dataclass
class Rule:
    """A ruling line: horizontal (``pos`` is y, ``a``–``b`` the x extent) or vertical (``pos`` is x)."""

    horizontal: bool
    pos: float
    a: float
    b: float


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    chars: list[Char]


@dataclass
class TextLine:
    top: float
    bottom: float
    chars: list[Char]
    words: list[Word] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return self.chars[-1].x1

    @property
    def size(self) -> float:
        return statistics.median(c.size for c in self.chars)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class Item:
    """Something to emit, placed on the page: a text line or a table row."""

    top: float
    cells: tuple[str | None, ...]
    is_row: bool
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0


@dataclass
class Columns:
    """Column slots of a borderless table: ``bounds[i]``..``bounds[i+1]`` is column i."""

    bounds: list[float]
    spans: list[tuple[float, float]] = field(default_factory=list)  # extent of each column's words

    def covering(self, x0: float, x1: float) -> list[int]:
        """Columns whose words overlap ``x0``..``x1`` (a merged header cell covers several)."""
        return [i for i, (a, b) in enumerate(self.spans) if x0 < b and a < x1]

    def index(self, x: float) -> int:
        for i in range(len(self.bounds) - 1):
            if x < self.bounds[i + 1]:
                return i
        return len(self.bounds) - 2


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


def page_chars(textpage, frame: Frame) -> tuple[list[Char], int]:
    """The visible characters of a page, top-down coordinates; also the count of undecodable ones."""
    import pypdfium2.raw as R

    raw = textpage.raw
    n = R.FPDFText_CountChars(raw)
    rect = R.FS_RECTF()
    out: list[Char] = []
    bad = 0
    width, height = frame.size
    # One call for the page's text instead of one per character (FFI calls were most of the reader's time); pdfium
    # gives one UTF-16 unit per character index, so a character outside the BMP shifts the string: then ask per char.
    text = textpage.get_text_range()
    codes = [ord(ch) for ch in text] if len(text) == n else [R.FPDFText_GetUnicode(raw, i) for i in range(n)]
    for i in range(n):
        u = codes[i]
        # generated characters (pdfium's inserted spaces and line breaks) are whitespace and end here too
        if u in (0x20, 0x0D, 0x0A, 0x09, 0xA0, 0x3000, 0xFEFF, 0x200B, 0xFFFE) or u == 0:
            continue
        if not R.FPDFText_GetLooseCharBox(raw, i, rect):
            continue
        x0, x1, top, bottom = frame.box(rect.left, rect.bottom, rect.right, rect.top)
        xc, yc = (x0 + x1) / 2, (top + bottom) / 2
        if not (0 <= xc <= width and 0 <= yc <= height):
            continue  # drawn outside the page: invisible (see module docstring)
        ch = chr(u) if u < 0x110000 else "\ufffd"
        if _PRIVATE_USE.match(ch):
            bad += 1
        # FPDFText_GetFontSize ignores the text matrix (江苏 WPS files report 180–521 for 9 pt text): use the box
        size = max(bottom - top, 1.0)
        out.append(Char(fix_radicals(ch), x0, x1, top, bottom, size))
    return out, n


# ---------------------------------------------------------------------------------------------------- ruling lines


def _matrix_mul(m, n):
    """Compose affine matrices (a, b, c, d, e, f): apply m, then n."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def page_rules(page, frame: Frame) -> tuple[list[Rule], int]:
    """Ruling lines of a page from its path objects (also inside form XObjects); also the count of image objects."""
    import pypdfium2.raw as R

    rules: list[Rule] = []
    images = 0
    fm = R.FS_MATRIX()
    fx, fy = ctypes.c_float(), ctypes.c_float()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    cr, cg, cb, ca = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()

    def visible(getter, obj) -> bool:
        if not getter(obj, cr, cg, cb, ca):
            return True
        return ca.value > 0 and not (cr.value > 240 and cg.value > 240 and cb.value > 240)

    def walk(count, get, parent, outer) -> None:
        nonlocal images
        for k in range(count(parent)):
            obj = get(parent, k)
            kind = R.FPDFPageObj_GetType(obj)
            if kind == R.FPDF_PAGEOBJ_IMAGE:
                images += 1
                continue
            if kind not in (R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_FORM):
                continue
            m = (1, 0, 0, 1, 0, 0)
            if R.FPDFPageObj_GetMatrix(obj, fm):
                m = (fm.a, fm.b, fm.c, fm.d, fm.e, fm.f)
            m = _matrix_mul(m, outer)
            if kind == R.FPDF_PAGEOBJ_FORM:
                walk(R.FPDFFormObj_CountObjects, R.FPDFFormObj_GetObject, obj, m)
                continue
            R.FPDFPath_GetDrawMode(obj, fill, stroke)
            stroked = bool(stroke.value) and visible(R.FPDFPageObj_GetStrokeColor, obj)
            filled = bool(fill.value) and visible(R.FPDFPageObj_GetFillColor, obj)
            if not (stroked or filled):
                continue
            subpaths: list[list[tuple[float, float]]] = []
            for s in range(R.FPDFPath_CountSegments(obj)):
                seg = R.FPDFPath_GetPathSegment(obj, s)
                R.FPDFPathSegment_GetPoint(seg, fx, fy)
                x, y = fx.value, fy.value
                a, b, c, d, e, f = m
                pt = frame.pt(a * x + c * y + e, b * x + d * y + f)
                typ = R.FPDFPathSegment_GetType(seg)
                if typ == R.FPDF_SEGMENT_MOVETO or not subpaths:
                    subpaths.append([pt])
                else:
                    subpaths[-1].append(pt)
                if R.FPDFPathSegment_GetClose(seg):
                    subpaths[-1].append(subpaths[-1][0])
            for pts in subpaths:
                _subpath_rules(pts, stroked, rules)

    walk(R.FPDFPage_CountObjects, R.FPDFPage_GetObject, page.raw, (1, 0, 0, 1, 0, 0))
    return rules, images


def _subpath_rules(pts: list[tuple[float, float]], stroked: bool, rules: list[Rule]) -> None:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    if w <= _THIN and h > _THIN:  # a thin rectangle or a vertical stroke
        rules.append(Rule(False, (min(xs) + max(xs)) / 2, min(ys), max(ys)))
        return
    if h <= _THIN and w > _THIN:
        rules.append(Rule(True, (min(ys) + max(ys)) / 2, min(xs), max(xs)))
        return
    if not stroked:
        return  # a filled area (cell shading) is not a rule
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if abs(y0 - y1) <= 0.5 and abs(x1 - x0) > _THIN:
            rules.append(Rule(True, (y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x0 - x1) <= 0.5 and abs(y1 - y0) > _THIN:
            rules.append(Rule(False, (x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def _merge_rules(rules: list[Rule]) -> list[Rule]:
    """Snap rules on (nearly) the same line together and join touching pieces."""
    out: list[Rule] = []
    for horizontal in (True, False):
        group = sorted((r for r in rules if r.horizontal == horizontal), key=lambda r: (r.pos, r.a))
        lines: list[list[Rule]] = []
        for r in group:
            if lines and abs(r.pos - lines[-1][0].pos) <= _SNAP:
                lines[-1].append(r)
            else:
                lines.append([r])
        for same in lines:
            pos = statistics.median(r.pos for r in same)
            same.sort(key=lambda r: r.a)
            cur = Rule(horizontal, pos, same[0].a, same[0].b)
            for r in same[1:]:
                if r.a <= cur.b + _SNAP:
                    cur.b = max(cur.b, r.b)
                else:
                    out.append(cur)
                    cur = Rule(horizontal, pos, r.a, r.b)
            out.append(cur)
    return out


# ---------------------------------------------------------------------------------------------------- ruled grids


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    rules: list[Rule]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, c: Char) -> bool:
        return self.xs[0] <= c.xc <= self.xs[-1] and self.ys[0] <= c.yc <= self.ys[-1]


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [statistics.mean(g) for g in out]


def rules_to_grids(rules: list[Rule]) -> list[Grid]:
    """Group ruling lines that touch into grids (one per table); a grid needs 2 lines each way."""
    rules = _merge_rules(rules)
    n = len(rules)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hs = [i for i, r in enumerate(rules) if r.horizontal]
    vs = [i for i, r in enumerate(rules) if not r.horizontal]
    t = _SNAP + 1
    for i in hs:
        h = rules[i]
        for j in vs:
            v = rules[j]
            if h.a - t <= v.pos <= h.b + t and v.a - t <= h.pos <= v.b + t:
                parent[find(i)] = find(j)
    groups: dict[int, list[Rule]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(rules[i])
    grids = []
    for members in groups.values():
        h = [r for r in members if r.horizontal]
        v = [r for r in members if not r.horizontal]
        if len(h) < 2 or len(v) < 2:
            continue
        xs = _cluster([r.pos for r in v] + [min(r.a for r in h), max(r.b for r in h)], _SNAP)
        ys = _cluster([r.pos for r in h] + [min(r.a for r in v), max(r.b for r in v)], _SNAP)
        if len(xs) >= 2 and len(ys) >= 2:
            grids.append(Grid(xs, ys, members))
    return grids


def _covered(rules: list[Rule], horizontal: bool, pos: float, lo: float, hi: float) -> bool:
    """True when a rule runs along ``pos`` over most of ``lo``..``hi``."""
    span = hi - lo
    got = 0.0
    for r in rules:
        if r.horizontal == horizontal and abs(r.pos - pos) <= _SNAP:
            got += max(0.0, min(r.b, hi) - max(r.a, lo))
    return got >= 0.6 * span


def grid_to_items(grid: Grid, chars: list[Char]) -> list[Item]:
    """A ruled grid and the characters inside it → one row item per grid row with text.

    Cells merged over a missing boundary form one region: its text is put in the region's top-left cell and the
    other cells are ``None``.
    """
    xs, ys = grid.xs, grid.ys
    nr, nc = len(ys) - 1, len(xs) - 1
    region = [[r * nc + c for c in range(nc)] for r in range(nr)]
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # the rules along each grid line, looked up once (a cell-by-cell scan of all rules is quadratic)
    along_x = [[r for r in grid.rules if not r.horizontal and abs(r.pos - x) <= _SNAP] for x in xs]
    along_y = [[r for r in grid.rules if r.horizontal and abs(r.pos - y) <= _SNAP] for y in ys]
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not _covered(along_x[c + 1], False, xs[c + 1], ys[r], ys[r + 1]):
                parent[find(region[r][c + 1])] = find(region[r][c])
            if r + 1 < nr and not _covered(along_y[r + 1], True, ys[r + 1], xs[c], xs[c + 1]):
                parent[find(region[r + 1][c])] = find(region[r][c])
    # the anchor of a region is its top-left cell
    anchor: dict[int, tuple[int, int]] = {}
    for r in range(nr):
        for c in range(nc):
            root = find(region[r][c])
            if root not in anchor:
                anchor[root] = (r, c)
    bucket: dict[tuple[int, int], list[Char]] = {}
    for ch in chars:
        r = _bisect(ys, ch.yc)
        c = _bisect(xs, ch.xc)
        bucket.setdefault(anchor[find(region[r][c])], []).append(ch)
    items: list[Item] = []
    for r in range(nr):
        cells: list[str | None] = []
        for c in range(nc):
            a = anchor[find(region[r][c])]
            cells.append(chars_to_cell_text(bucket.get(a, [])) if a == (r, c) else None)
        if any(cells):
            items.append(Item(ys[r], tuple(cells), True, xs[0], xs[-1]))
    return items


def _bisect(bounds: list[float], v: float) -> int:
    """The index of the interval of the sorted ``bounds`` holding ``v`` (the first or last one beyond the ends)."""
    return min(max(bisect.bisect_right(bounds, v) - 1, 0), len(bounds) - 2)


def chars_to_cell_text(chars: list[Char]) -> str:
    """The text of one cell: its visual lines in order, joined (a wrapped name is one name again)."""
    if not chars:
        return ""
    parts: list[str] = []
    for ln in chars_to_lines(chars):
        t = ln.text
        if parts and parts[-1][-1:].isascii() and parts[-1][-1:].isalnum() and t[:1].isascii() and t[:1].isalnum():
            parts.append(" ")
        parts.append(t)
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------- text lines


def chars_to_lines(chars: list[Char]) -> list[TextLine]:
    """Group characters into visual lines (by vertical overlap) and each line into words (by gaps)."""
    lines: list[TextLine] = []
    for ch in sorted(chars, key=lambda c: (c.yc, c.x0)):
        if (
            lines
            and lines[-1].top - 0.5 <= ch.yc <= lines[-1].bottom + 0.5
            and abs(ch.yc - _yc(lines[-1])) < 0.4 * max(ch.size, 1)
        ):
            ln = lines[-1]
            ln.chars.append(ch)
            ln.top, ln.bottom = min(ln.top, ch.top), max(ln.bottom, ch.bottom)
        else:
            lines.append(TextLine(ch.top, ch.bottom, [ch]))
    for ln in lines:
        ln.chars.sort(key=lambda c: c.x0)
        kept: list[Char] = []
        for ch in ln.chars:
            # fake bold: the same glyph drawn twice, slightly offset
            if kept and ch.text == kept[-1].text and ch.x0 - kept[-1].x0 < 0.3 * (kept[-1].x1 - kept[-1].x0):
                continue
            kept.append(ch)
        ln.chars = kept
        ln.words = _split_words(kept)
    return lines


def _yc(ln: TextLine) -> float:
    return (ln.top + ln.bottom) / 2


def _split_words(chars: list[Char]) -> list[Word]:
    words: list[Word] = []
    cur: list[Char] = []
    for ch in chars:
        if cur and ch.x0 - cur[-1].x1 > _WORD_GAP * min(ch.size, cur[-1].size):
            words.extend(_unglue(cur))
            cur = []
        cur.append(ch)
    if cur:
        words.extend(_unglue(cur))
    return words


def _unglue(chars: list[Char]) -> list[Word]:
    """One word, or two where an amount ran into the code of the next cell ("9.6230206" → "9.62", "30206")."""
    text = "".join(c.text for c in chars)
    m = _GLUED.match(text)
    if m:
        k = len(m.group(1))
        return [
            Word(m.group(1), chars[0].x0, chars[k - 1].x1, chars[:k]),
            Word(m.group(2), chars[k].x0, chars[-1].x1, chars[k:]),
        ]
    return [Word(text, chars[0].x0, chars[-1].x1, chars)]


# ---------------------------------------------------------------------------------------------------- borderless


def _is_colnum_line(ln: TextLine) -> bool:
    """The 栏次 row ("栏次 1 2 3 …", or just "1 2 … 12" under a 三公 header): column numbers, a header row."""
    if any(w.text.replace(" ", "") in ("栏次", "栏") for w in ln.words):
        return True
    nums = [w.text for w in ln.words]
    return (
        len(nums) >= 3
        and all(t.isdigit() for t in nums)
        and [int(t) for t in nums] == list(range(int(nums[0]), int(nums[0]) + len(nums)))
    )


def _has_amount(ln: TextLine) -> bool:
    return any(_AMOUNT_OR_CODE.match(w.text) for w in ln.words)


def _is_data_line(ln: TextLine) -> bool:
    return (
        len(ln.words) >= 2
        and _has_amount(ln)
        and not _TEXT_START.match(ln.words[0].text)
        and not _is_colnum_line(ln)
        and not _looks_narrative(ln)
    )


def _candidate(ln: TextLine) -> bool:
    return not _TEXT_START.match(ln.words[0].text) and not _looks_narrative(ln)


def _fragment_reach(lines: list[TextLine]) -> float:
    """How far from its data line a piece of a wrapped cell can sit: under a row pitch, about one text line."""
    data = [ln for ln in lines if _is_data_line(ln)]
    pitch = statistics.median([b.top - a.top for a, b in zip(data, data[1:])] or [1e9])
    size = statistics.median([ln.size for ln in data] or [10.0])
    return min(1.5 * size, 0.75 * pitch)


def find_blocks(lines: list[TextLine], carry: bool = False) -> list[tuple[int, int]]:
    """Borderless tables: (first, last) line indexes of runs holding ≥ 2 data lines.

    A run is a sequence of lines close together that are not narrative, title, unit or note lines. Above its first
    data line it keeps multi-word header lines and the pieces of a wrapped name (near the data line); below its last
    data line, only such pieces. One data line is enough under a multi-word header (the 三公 table's single row) or
    with ``carry`` (a table continued from the page before).
    """
    blocks: list[tuple[int, int]] = []
    n = len(lines)
    i = 0
    while i < n:
        if not _candidate(lines[i]):
            i += 1
            continue
        j = i
        while j + 1 < n and _candidate(lines[j + 1]) and lines[j + 1].top - lines[j].bottom <= 3.0 * lines[j + 1].size:
            j += 1
        run = lines[i : j + 1]
        data = [k for k, ln in enumerate(run) if _is_data_line(ln)]
        headed = data and sum(1 for ln in run[: data[0]] if len(ln.words) >= 2) >= 1  # a one-row table (三公)
        if len(data) >= 2 or headed or (data and carry and not blocks):
            reach = _fragment_reach(run)
            first, last = data[0], data[-1]
            a = first
            while a - 1 >= 0:
                ln = run[a - 1]
                near = abs(_yc(ln) - _yc(run[first])) <= reach and not _has_amount(ln)
                if near or (len(ln.words) >= 2 and a - 1 < first and _is_header_like(ln)) or _is_colnum_line(ln):
                    a -= 1
                else:
                    break
            b = last
            while b + 1 < len(run) and abs(_yc(run[b + 1]) - _yc(run[last])) <= reach and not _has_amount(run[b + 1]):
                b += 1
            blocks.append((i + a, i + b))
        i = j + 1
    return blocks


def _is_header_like(ln: TextLine) -> bool:
    return not _has_amount(ln) or _is_colnum_line(ln)


def _looks_narrative(ln: TextLine) -> bool:
    return any(len(w.text) > 25 for w in ln.words) or ln.text.endswith("。")


def block_columns(lines: list[TextLine]) -> Columns:
    """Column slots of a borderless block: clusters of data-word extents, plus header words that fit none."""
    spans: list[list[float]] = []
    data_words = [w for ln in lines if _is_data_line(ln) for w in ln.words]
    for w in sorted(data_words, key=lambda w: w.x0):
        if spans and w.x0 <= spans[-1][1] + 0.5:
            spans[-1][1] = max(spans[-1][1], w.x1)
        else:
            spans.append([w.x0, w.x1])
    # leaf header labels (none below them): a label widens the one column it sits over; a label over no column opens
    # one (a column printed empty, e.g. 国有资本经营预算财政拨款); a label over several changes nothing
    spans.sort()
    first_data = min((ln.top for ln in lines if _is_data_line(ln)), default=1e9)
    # the 栏次 row's numbers are centred under their labels: they place no column; pieces of a wrapped name next to
    # the first data line are not header labels
    reach = _fragment_reach(lines)
    header_lines = [
        ln
        for ln in lines
        if not _is_data_line(ln) and ln.top < first_data and not _is_colnum_line(ln) and first_data - ln.top > reach
    ]
    for k, ln in enumerate(header_lines):
        lower = [u for h in header_lines[k + 1 :] for u in h.words]
        for w in ln.words:
            if any(w.x0 < u.x1 and u.x0 < w.x1 for u in lower):
                continue  # heads labels below it (a merged cell): places no column itself
            over = [s for s in spans if w.x0 < s[1] and s[0] < w.x1]
            if not over:
                spans.append([w.x0, w.x1])
                spans.sort()
            elif len(over) == 1:
                over[0][0], over[0][1] = min(over[0][0], w.x0), max(over[0][1], w.x1)
    merged: list[list[float]] = []
    for s in spans:
        if merged and s[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], s[1])
        else:
            merged.append(list(s))
    bounds = [-1e9] + [(a[1] + b[0]) / 2 for a, b in zip(merged, merged[1:])] + [1e9]
    return Columns(bounds, [(a, b) for a, b in merged])


def _label_range(cols: Columns, w: Word, over: list[int], line: TextLine, below: list[TextLine]) -> list[int]:
    """The columns a centred header label spans: the run of columns, holding those it overlaps, whose extent is
    centred where the label is ("支出" over 项目…国有资本经营预算财政拨款 in a borderless 04).

    Only a label with header words under it spans (a label alone in its column is a cell merged downwards), and the
    run stops at the columns of the other labels on its line.
    """
    if not cols.spans:
        return over
    centre = (w.x0 + w.x1) / 2
    home = over or [cols.index(centre)]
    lo, hi = min(home), max(home)
    under = {cols.index((u.x0 + u.x1) / 2) for h in below for u in h.words}
    if not any(c in under for c in range(lo, hi + 1)):
        return over
    others = {cols.index((o.x0 + o.x1) / 2) for o in line.words if o is not w} - set(home)
    best, best_d = home, 1e9
    n = len(cols.spans)
    for a in range(lo, -1, -1):
        if a in others:
            break
        for b in range(hi, n):
            if b in others:
                break
            d = abs((cols.spans[a][0] + cols.spans[b][1]) / 2 - centre)
            if d < best_d - 1e-6:
                best, best_d = list(range(a, b + 1)), d
    size = w.chars[0].size if w.chars else 10.0
    return best if best_d <= 0.5 * size else home


def block_to_items(lines: list[TextLine], cols: Columns) -> list[Item]:
    """Rows of a borderless block; fragments of wrapped names are joined to the nearest data line."""
    nc = len(cols.bounds) - 1
    rows: list[tuple[TextLine, list[list[Word]], bool]] = []
    first_data = min((ln.top for ln in lines if _is_data_line(ln)), default=1e9)
    heads = [ln.top for ln in lines if ln.top < first_data and not _is_colnum_line(ln)]
    lowest = max(heads, default=-1.0)
    covered: dict[int, set[int]] = {}
    for k, ln in enumerate(lines):
        cells: list[list[Word]] = [[] for _ in range(nc)]
        for w in ln.words:
            over: list[int] = []
            if ln.top < first_data and not _is_colnum_line(ln):
                over = cols.covering(w.x0, w.x1)
                if ln.top < lowest:  # an upper header label: centred over the columns it heads
                    over = _label_range(
                        cols, w, over, ln, [h for h in lines if ln.top < h.top < first_data and not _is_colnum_line(h)]
                    )
            if len(over) >= 2:  # a merged header cell: text in its first column, the others covered
                cells[over[0]].append(w)
                covered.setdefault(k, set()).update(over[1:])
            else:
                cells[cols.index((w.x0 + w.x1) / 2)].append(w)
        rows.append((ln, cells, _is_data_line(ln)))
    # a fragment: a line without amounts or codes next to a data line: the rest of its wrapped cells
    data_idx = [i for i, r in enumerate(rows) if r[2]]
    reach = _fragment_reach(lines)
    attach: dict[int, list[tuple[TextLine, list[list[Word]]]]] = {}
    skip: set[int] = set()
    for i, (ln, cells, is_data) in enumerate(rows):
        if is_data or _has_amount(ln) or _is_colnum_line(ln):
            continue
        near = [j for j in data_idx if abs(_yc(rows[j][0]) - _yc(ln)) <= reach]
        if not near:
            continue
        j = min(near, key=lambda j: abs(_yc(rows[j][0]) - _yc(ln)))
        attach.setdefault(j, []).append((ln, cells))
        skip.add(i)
    items: list[Item] = []
    for i, (ln, cells, _) in enumerate(rows):
        if i in skip:
            continue
        texts: list[list[tuple[float, str]]] = [[(ln.top, " ".join(w.text for w in c))] if c else [] for c in cells]
        for fl, fcells in attach.get(i, []):
            for col, words in enumerate(fcells):
                if words:
                    texts[col].append((fl.top, " ".join(w.text for w in words)))
        out = tuple(
            None if (c in covered.get(i, ()) and not parts) else "".join(t for _, t in sorted(parts))
            for c, parts in enumerate(texts)
        )
        items.append(Item(ln.top, out, True, ln.x0, ln.x1, ln.size))
    return items


# ---------------------------------------------------------------------------------------------------- pages


@dataclass
class PageResult:
    items: list[Item]
    ends_in_block: Columns | None  # columns of a borderless table running off the page's bottom
    chars: int
    bad_chars: int
    images: int


def read_page(page, textpage, carry: Columns | None) -> PageResult:
    """One page → items in reading order. ``carry``: columns of a borderless table continued from the page before."""
    frame = page_frame(page)
    chars, _ = page_chars(textpage, frame)
    bad = sum(1 for c in chars if _PRIVATE_USE.match(c.text))
    rules, images = page_rules(page, frame)
    grids = rules_to_grids(rules) if rules else []
    items: list[Item] = []
    rest = chars
    for g in grids:
        inside = [c for c in rest if g.contains(c)]
        if not inside:
            continue
        rest = [c for c in rest if not g.contains(c)]
        items.extend(grid_to_items(g, inside))
    lines = chars_to_lines(rest)
    # page numbers: at the head or foot of the page only ("7 37" inside a borderless table is a row of 行次)
    lines = [
        ln
        for ln in lines
        if not (PAGE_NUMBER.match(ln.text) and (ln.top > 0.85 * frame.size[1] or ln.bottom < 0.12 * frame.size[1]))
    ]
    blocks = find_blocks(lines, carry is not None)
    ends: Columns | None = None
    in_block: set[int] = set()
    for bi, (a, b) in enumerate(blocks):
        block = lines[a : b + 1]
        # a block at the very top of the page with no title above continues the table of the page before
        continued = (
            carry is not None
            and bi == 0
            and not any(ln.bottom <= block[0].top for ln in lines[:a])
            and not any(g.bbox[1] < block[0].top for g in grids)
        )
        cols = carry if continued else block_columns(block)
        items.extend(block_to_items(block, cols))
        in_block.update(range(a, b + 1))
        if b == len(lines) - 1:
            ends = cols
    for i, ln in enumerate(lines):
        if i not in in_block:
            items.append(Item(ln.top, (ln.text,), False, ln.x0, ln.x1, ln.size))
    items.sort(key=lambda it: it.top)
    return PageResult(items, ends, len(chars), bad, images)


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
                out[-1] = (ppage, Item(prev.top, (joined,), False, prev.x0, it.x1, prev.size))
                right_margin = right.get(page, 0.0)
                if it.x1 < right_margin - 1.5 * max(it.size, 1):
                    out[-1][1].x1 = 0.0  # the paragraph ends here
                continue
        out.append((page, it))
    return out


def read(path: Path) -> RawDocument:
    """Read a PDF into a RawDocument: text lines and table rows in reading order, page by page.

    Raises ``Encrypted`` (password), ``Unreadable`` (truncated, corrupt, no pages), ``NoTextLayer`` (a scan: OCR is
    needed), ``GarbledText`` (the text layer cannot be decoded). Pages with a few undecodable characters are read and
    the problem is recorded in ``notes``.
    """
    from . import sha256_of

    pdf = _open(path)
    try:
        n = len(pdf)
        if n == 0:
            raise Unreadable(path, "PDF has no pages")
        notes: list[tuple[str, str]] = []
        placed: list[tuple[int, Item]] = []
        right: dict[int, float] = {}
        left: dict[int, float] = {}
        carry: Columns | None = None
        total_chars = total_bad = 0
        image_pages = []
        for i in range(n):
            try:
                page = pdf[i]
                textpage = page.get_textpage()
            except Exception as err:  # pdfium raises its own error type for a damaged page object
                notes.append(("warning", f"page {i + 1}: cannot be read ({err}); skipped"))
                carry = None
                continue
            try:
                res = read_page(page, textpage, carry)
            finally:
                textpage.close()
                page.close()
            carry = res.ends_in_block
            total_chars += res.chars
            total_bad += res.bad_chars
            if res.chars == 0 and res.images:
                image_pages.append(i + 1)
            if res.bad_chars:
                notes.append(("warning", f"page {i + 1}: {res.bad_chars} characters without a Unicode mapping"))
            texts = [it for it in res.items if not it.is_row]
            if texts:
                right[i + 1] = max(it.x1 for it in texts)
                left[i + 1] = min(it.x0 for it in texts)
            placed.extend((i + 1, it) for it in res.items)
    finally:
        pdf.close()
    if total_chars == 0:
        if image_pages:
            raise NoTextLayer(
                path, f"no text layer: {len(image_pages)} of {n} pages are images (a scan); OCR is needed"
            )
        raise Unreadable(path, "no text in the PDF")
    if total_bad > 0.3 * total_chars:
        raise GarbledText(
            path,
            f"{total_bad} of {total_chars} characters have no Unicode mapping (fonts without "
            f"ToUnicode); the text cannot be decoded",
        )
    if image_pages:
        notes.append(
            (
                "warning",
                f"pages {', '.join(map(str, image_pages))}: images without text (scanned); "
                f"OCR would be needed for them",
            )
        )
    placed = join_paragraphs(placed, right, left)
    lines: list[Line] = []
    row_no: dict[int, int] = {}
    for page, it in placed:
        row_no[page] = row_no.get(page, 0) + 1
        lines.append(Line(page, row_no[page], it.cells, it.is_row))
    return RawDocument(path=str(path), format="pdf", sha256=sha256_of(path), lines=lines, pages=n, notes=notes)
