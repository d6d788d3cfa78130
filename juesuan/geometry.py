"""Table rows from a page's geometry: glyph boxes and ruling lines in, text lines and table rows out.

Format-independent pure functions over simple records, so every reader that knows where its text stands can use
them: the PDF reader (characters with their boxes and the page's ruling lines), text exports (words placed by their
character offsets, a CJK character two columns wide) and, later, OCR (words with boxes). The order in which a source
lists its text is never used for table cells: a PDF's text layer is in whatever order the producing program wrote it
(names wrapped into separate text objects, amounts written before their row), so lines come from baselines and cells
from positions. The pipeline, as pdfplumber's ``words_to_edges`` → ``intersections_to_cells`` is:

- ``chars_to_lines`` / ``words_to_lines``: glyphs grouped into visual lines by vertical overlap, words by gaps.
- ``rules_to_grids``: ruling lines that touch form a grid (one per ruled table); ``grid_to_rows`` puts each glyph in
  the cell holding its centre, and a boundary that is not drawn merges cells (text in the first, the rest ``None``).
- ``find_blocks`` / ``block_columns`` / ``block_to_rows``: borderless tables, runs of lines holding amounts or codes;
  columns from the data words' extents and the header cells' x-extents; pieces of a wrapped name and a code or an
  amount printed a line above or below its row joined to that row by position.
- ``layout_page``: one page through all of it, with ``carry`` (the columns of a table running off the page's bottom)
  in and out, so a continuation page that repeats no header keeps the same column indexes.

Tolerances live in ``Settings`` (as pdfplumber's TableSettings), in PDF points or multiples of the font size.
"""

from __future__ import annotations

import bisect
import math
import re
import statistics
from dataclasses import dataclass, field
from functools import cached_property, wraps
from operator import attrgetter

from .textnorm import CN_NUMERAL, ORD_PAREN, PAGE_NUMBER, is_colnum_row

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True)
class Settings:
    """Tolerances of the layout, in points (1/72 inch) or as a multiple of the font size (``× size``)."""

    thin: float = 2.5  # a filled rectangle at most this thick is a ruling line
    snap: float = 2.0  # ruling lines closer than this are the same line
    rule_cover: float = 0.6  # a cell boundary is drawn when rules cover this share of it
    word_gap: float = 0.45  # × size: a wider gap between two glyphs splits two words
    line_overlap: float = 0.4  # × size: a glyph joins a line when its centre is this close to the line's centre
    block_gap: float = 3.0  # × size: lines further apart than this do not belong to one borderless table
    fragment_size: float = 1.5  # × size: how far from its row a piece of a wrapped cell may stand …
    fragment_pitch: float = 0.75  # … and at most this share of the row pitch
    page_margin: float = 0.12  # share of the page height at the top and foot where page numbers stand (0: none)
    max_title_words: int = 1  # a line above a continued table with more words than this is a header, not a title


DEFAULT = Settings()

_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff\ufffd]")
_GLUED = re.compile(r"^(-?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2})(\d{3,7})$")  # "9.6230206": amount 9.62 + code 30206
_MONEY = r"[-−△▲]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{2}"
_MONEY_THEN_TEXT = re.compile(r"^(" + _MONEY + r")([\u4e00-\u9fff（(].*)$")
_TEXT_THEN_MONEY = re.compile(r"^(.*[\u4e00-\u9fff）)])(" + _MONEY + r")$")
_AMOUNT_OR_CODE = re.compile(r"^[-−－△▲+(（]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?[)）]?$")
_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
_TEXT_START = re.compile(r"^(?:部门|单位|编制部门|编制单位|预算单位|填报单位|金额单位|注|备注|说明|公开\s*\d)")
_ITEM_START = re.compile(rf"^(?:{ORD_PAREN}|{CN_NUMERAL}+、|其中|合计|总计|小计)")
# a contents entry: a title, dot leaders or spaces, a page number ("二、收入决算表……………12", "收入决算表 3")
_LEADERS = re.compile(r"[.．·…‥]{3,}|…+")
_TOC_END = re.compile(r"(?:表|说明|情况|解释|部分|概况|职责|设置|附件|目录)[)）]?$")

_BY_Y_X = attrgetter("yc", "x0")
_X0, _X1, _TOP, _BOTTOM, _SIZE = (attrgetter(a) for a in ("x0", "x1", "top", "bottom", "size"))


def _median(values) -> float:
    """``statistics.median``, the same arithmetic without its overhead (called for every word)."""
    data = sorted(values)
    n = len(data)
    if n % 2 == 1:
        return data[n // 2]  # statistics.median's own choice for an odd count
    if n == 0:
        return statistics.median(data)  # its error for an empty list
    return (data[n // 2 - 1] + data[n // 2]) / 2


def _mean(values: list[float]) -> float:
    """``statistics.mean`` of floats (the correctly rounded mean): exact shortcuts for one, two and four values
    (halving commutes with rounding; ``math.fsum`` is correctly rounded), else statistics.mean itself."""
    n = len(values)
    if n == 1:
        return values[0]
    if n in (2, 4) and all(type(v) is float for v in values):
        return math.fsum(values) / n
    return statistics.mean(values)


# ---------------------------------------------------------------------------------------------------- records


@dataclass(slots=True)
class Char:
    """One glyph: its text and box (top-down coordinates), ``size`` its height."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    xc: float = field(init=False, repr=False)  # centres, computed once: looked up for every char many times
    yc: float = field(init=False, repr=False)

    # written out (dataclass keeps a class's own __init__): a page has thousands of glyphs, and the generated
    # __init__ calling __post_init__ was a fifth of the character loop
    def __init__(self, text: str, x0: float, x1: float, top: float, bottom: float, size: float) -> None:
        self.text, self.x0, self.x1, self.top, self.bottom, self.size = text, x0, x1, top, bottom, size
        self.xc = (x0 + x1) / 2
        self.yc = (top + bottom) / 2

    def __post_init__(self) -> None:
        # a dataclass subclass (an OCR character with its confidence) gets a generated __init__, which calls this
        self.xc = (self.x0 + self.x1) / 2
        self.yc = (self.top + self.bottom) / 2


@dataclass
class Word:
    """A run of glyphs without a gap, or a word as a reader or an OCR engine gives it (``chars`` may be empty)."""

    text: str
    x0: float
    x1: float
    chars: list[Char] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0

    def __post_init__(self) -> None:
        chars = self.chars
        if chars and not self.size:
            self.top = min(map(_TOP, chars))
            self.bottom = max(map(_BOTTOM, chars))
            self.size = _median(map(_SIZE, chars))
        self.size = self.size or max(self.bottom - self.top, 1.0)

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass
class Rule:
    """A ruling line: horizontal (``pos`` is y, ``a``–``b`` the x extent) or vertical (``pos`` is x)."""

    horizontal: bool
    pos: float
    a: float
    b: float


@dataclass
class TextLine:
    """A visual line of words. Its words are not changed once it is made, so what is read off them (its text and
    size, and what kind of line it is: the borderless-table steps ask each line that many times) is kept."""

    top: float
    bottom: float
    words: list[Word] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1

    @cached_property
    def size(self) -> float:
        return _median(map(_SIZE, self.words))

    @cached_property
    def text(self) -> str:
        return " ".join([w.text for w in self.words])

    @cached_property
    def flags(self) -> dict[str, bool]:
        """What ``is_data_line``, ``is_colnum_line`` and the like found for this line, by name."""
        return {}

    @property
    def yc(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class Item:
    """A laid-out line of a page: a text line (one cell) or a table row, with a box per cell (None when empty)."""

    top: float
    cells: tuple[str | None, ...]
    is_row: bool
    x0: float = 0.0
    x1: float = 0.0
    size: float = 0.0
    boxes: tuple[Box | None, ...] = ()
    origin: object = field(default=None, repr=False, compare=False)  # the Grid or Columns a row was laid out on


@dataclass
class Columns:
    """Column slots of a borderless table: ``bounds[i]``..``bounds[i+1]`` is column i."""

    bounds: list[float]
    spans: list[tuple[float, float]] = field(default_factory=list)  # extent of each column's words
    flush_left: bool = False  # amounts printed from their cell's left edge (tabs expanded): so are merged labels

    def covering(self, x0: float, x1: float) -> list[int]:
        """Columns whose words overlap ``x0``..``x1`` (a merged header cell covers several)."""
        return [i for i, (a, b) in enumerate(self.spans) if x0 < b and a < x1]

    def index(self, x: float) -> int:
        return min(max(bisect.bisect_right(self.bounds, x) - 1, 0), len(self.bounds) - 2)


@dataclass
class Carry:
    """What a table running off a page's foot hands to the next page: its borderless columns or its ruled
    column boundaries (``xs``), so a continuation that repeats no header keeps the column indexes."""

    columns: Columns | None = None
    xs: list[float] | None = None


@dataclass
class PageLayout:
    """One page laid out: ``items`` top to bottom, ``carry`` for the next page, ``tables`` the table boxes."""

    items: list[Item]
    carry: Carry | None = None
    tables: list[Box] = field(default_factory=list)


def box_of(glyphs) -> Box | None:
    """The box around glyphs (chars or words), None when there are none."""
    if not glyphs:
        return None
    if len(glyphs) == 1:  # a one-glyph cell or word: its own box
        g = glyphs[0]
        return g.x0, g.top, g.x1, g.bottom
    return min(map(_X0, glyphs)), min(map(_TOP, glyphs)), max(map(_X1, glyphs)), max(map(_BOTTOM, glyphs))


# ---------------------------------------------------------------------------------------------------- lines


def _group_lines(glyphs, s: Settings) -> list[tuple[float, float, list]]:
    """Glyphs (chars or words) into visual lines by vertical overlap: (top, bottom, glyphs sorted by x)."""
    if _one_line(glyphs, s):
        return [(glyphs[0].top, glyphs[0].bottom, sorted(glyphs, key=_X0))]
    lines: list[tuple[float, float, list]] = []
    overlap = s.line_overlap
    # the line being filled (a glyph is only ever compared with the last line) in locals, not a list: this runs per
    # glyph; min() and max() spelled out (the first of equals)
    top = bottom = 0.0
    ln: list | None = None
    for g in sorted(glyphs, key=_BY_Y_X):
        yc = g.yc
        if ln is not None:
            size = g.size
            if top - 0.5 <= yc <= bottom + 0.5 and abs(yc - (top + bottom) / 2) < overlap * (1 if 1 > size else size):
                ln.append(g)
                if g.top < top:
                    top = g.top
                if g.bottom > bottom:
                    bottom = g.bottom
                continue
            lines.append((top, bottom, ln))
        top, bottom, ln = g.top, g.bottom, [g]
    if ln is not None:
        lines.append((top, bottom, ln))
    return [(top, bottom, sorted(gs, key=_X0)) for top, bottom, gs in lines]


def _one_line(glyphs, s: Settings) -> bool:
    """Glyphs that all have the same top and bottom (98 % of the real files' grid cells): the loop below would put
    each on the line the first one starts (its centre is inside that box, at distance 0 from the line's centre), so
    they are one line, in x order."""
    if not glyphs or not s.line_overlap > 0:
        return False
    top, bottom = glyphs[0].top, glyphs[0].bottom
    return top <= bottom and all(g.top == top and g.bottom == bottom and g.size > 0 for g in glyphs)


def chars_to_lines(chars: list[Char], settings: Settings | None = None) -> list[TextLine]:
    """Group characters into visual lines (by vertical overlap) and each line into words (by gaps)."""
    s = settings or DEFAULT
    return [
        TextLine(top, bottom, [w for run in _word_runs(line_chars, s, True) for w in _unglue(run)])
        for top, bottom, line_chars in _group_lines(chars, s)
    ]


def words_to_lines(words: list[Word], settings: Settings | None = None) -> list[TextLine]:
    """Group words (a text export's tokens, OCR words) into visual lines by vertical overlap."""
    return [TextLine(top, bottom, ws) for top, bottom, ws in _group_lines(words, settings or DEFAULT)]


def _word_runs(chars: list[Char], s: Settings, fake_bold: bool = False) -> list[list[Char]]:
    """One line's characters (sorted by x) cut where a gap is wider than ``word_gap`` × size. ``fake_bold``: first
    drop fake bold (the same glyph drawn twice, slightly offset, is one glyph), in the same pass."""
    runs: list[list[Char]] = []
    cur: list[Char] = []
    gap = s.word_gap
    prev: Char | None = None  # the last glyph kept
    for ch in chars:
        if fake_bold and prev is not None and ch.text == prev.text and ch.x0 - prev.x0 < 0.3 * (prev.x1 - prev.x0):
            continue
        if prev is not None and ch.x0 - prev.x1 > gap * (prev.size if prev.size < ch.size else ch.size):
            runs.append(cur)
            cur = []
        cur.append(ch)
        prev = ch
    if cur:
        runs.append(cur)
    return runs


def split_words(chars: list[Char], settings: Settings | None = None) -> list[Word]:
    """The words of one line's characters (sorted by x): a gap wider than ``word_gap`` × size splits."""
    return [w for run in _word_runs(chars, settings or DEFAULT) for w in _unglue(run)]


def _glued(text: str) -> tuple[str, str] | None:
    """The two words of a run where an amount ran into the next cell (see ``_unglue``), None when it is one."""
    if "." not in text:
        return None  # each pattern needs an amount's decimal point: most runs (names, codes) are asked no pattern
    m = _GLUED.match(text) or _MONEY_THEN_TEXT.match(text) or _TEXT_THEN_MONEY.match(text)
    return (m.group(1), m.group(2)) if m else None


def _unglue(chars: list[Char]) -> list[Word]:
    """One word, or two where an amount ran into the next cell: the code after it ("9.6230206" → "9.62", "30206"),
    or the name after it or before it ("985.24一、一般公共服务支出": LibreOffice prints a right-aligned amount a
    few points from the next cell's left-aligned text, closer than a word gap)."""
    text = "".join([c.text for c in chars])
    two = _glued(text)
    if two:
        k = len(two[0])
        return [
            Word(two[0], chars[0].x0, chars[k - 1].x1, chars[:k]),
            Word(two[1], chars[k].x0, chars[-1].x1, chars[k:]),
        ]
    return [Word(text, chars[0].x0, chars[-1].x1, chars)]


def _line_texts(chars: list[Char], s: Settings) -> list[str]:
    """The texts of ``chars_to_lines(chars)``, without building its words (a grid cell needs only its text): the
    same lines, runs and ungluing, joined as ``TextLine.text`` joins words."""
    out = []
    for _, _, line_chars in _group_lines(chars, s):
        texts = []
        for run in _word_runs(line_chars, s, True):
            text = "".join([c.text for c in run])
            two = _glued(text)
            texts.extend(two if two else (text,))
        out.append(" ".join(texts))
    return out


def _lines_of(glyphs, s: Settings) -> list[TextLine]:
    if glyphs and isinstance(glyphs[0], Char):
        return chars_to_lines(glyphs, s)
    return words_to_lines(glyphs, s)


def _is_number_piece(text: str) -> bool:
    return bool(text) and all(ch.isdigit() or ch in ",." for ch in text)


def cell_text(glyphs, settings: Settings | None = None) -> str:
    """The text of one cell from its glyphs: its visual lines top to bottom, joined (a wrapped name is one name
    again). Two pieces of one amount wrapped in a narrow cell ("12,345," / "678.00") join without a space; other
    ASCII pieces keep one ("301" / "01"), so two numbers never run together."""
    if not glyphs:
        return ""
    s = settings or DEFAULT
    texts = _line_texts(glyphs, s) if isinstance(glyphs[0], Char) else [ln.text for ln in words_to_lines(glyphs, s)]
    parts: list[str] = []
    for t in texts:
        prev = parts[-1] if parts else ""
        if prev and prev[-1:].isascii() and prev[-1:].isalnum() and t[:1].isascii() and t[:1].isalnum():
            wrapped_amount = _is_number_piece(prev) and _is_number_piece(t) and "." not in prev and "," in prev + t
            if not wrapped_amount:
                parts.append(" ")
        parts.append(t)
    return "".join(parts)


# ---------------------------------------------------------------------------------------------------- ruling lines


def path_to_rules(pts: list[tuple[float, float]], stroked: bool, settings: Settings | None = None) -> list[Rule]:
    """The ruling lines one drawn sub-path makes: a thin rectangle or a stroke (a filled area is shading)."""
    s = settings or DEFAULT
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)  # once each: a page has hundreds of sub-paths
    w, h = right - left, bottom - top
    thin = s.thin
    if w <= thin and h > thin:  # a thin rectangle or a vertical stroke
        return [Rule(False, (left + right) / 2, top, bottom)]
    if h <= thin and w > thin:
        return [Rule(True, (top + bottom) / 2, left, right)]
    if not stroked:
        return []
    out = []
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if abs(y0 - y1) <= 0.5 and abs(x1 - x0) > s.thin:
            out.append(Rule(True, (y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x0 - x1) <= 0.5 and abs(y1 - y0) > s.thin:
            out.append(Rule(False, (x0 + x1) / 2, min(y0, y1), max(y0, y1)))
    return out


def merge_rules(rules: list[Rule], settings: Settings | None = None) -> list[Rule]:
    """Snap rules on (nearly) the same line together and join touching pieces."""
    s = settings or DEFAULT
    out: list[Rule] = []
    for horizontal in (True, False):
        group = sorted((r for r in rules if r.horizontal == horizontal), key=lambda r: (r.pos, r.a))
        lines: list[list[Rule]] = []
        for r in group:
            if lines and abs(r.pos - lines[-1][0].pos) <= s.snap:
                lines[-1].append(r)
            else:
                lines.append([r])
        for same in lines:
            pos = _median([r.pos for r in same])
            same.sort(key=lambda r: r.a)
            cur = Rule(horizontal, pos, same[0].a, same[0].b)
            for r in same[1:]:
                if r.a <= cur.b + s.snap:
                    cur.b = max(cur.b, r.b)
                else:
                    out.append(cur)
                    cur = Rule(horizontal, pos, r.a, r.b)
            out.append(cur)
    return out


@dataclass
class Grid:
    xs: list[float]
    ys: list[float]
    rules: list[Rule]

    @property
    def bbox(self) -> Box:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def contains(self, g) -> bool:
        return self.xs[0] <= g.xc <= self.xs[-1] and self.ys[0] <= g.yc <= self.ys[-1]


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [_mean(g) for g in out]


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        p = self.parent
        while p[i] != i:
            p[i] = p[p[i]]
            i = p[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


def rules_to_grids(rules: list[Rule], settings: Settings | None = None) -> list[Grid]:
    """Group ruling lines that touch into grids (one per table); a grid needs 2 lines each way."""
    s = settings or DEFAULT
    rules = merge_rules(rules, s)
    u = _Union(len(rules))
    hs = [i for i, r in enumerate(rules) if r.horizontal]
    vs = [i for i, r in enumerate(rules) if not r.horizontal]
    t = s.snap + 1
    for i in hs:
        h = rules[i]
        for j in vs:
            v = rules[j]
            if h.a - t <= v.pos <= h.b + t and v.a - t <= h.pos <= v.b + t:
                u.join(i, j)
    groups: dict[int, list[Rule]] = {}
    for i in range(len(rules)):
        groups.setdefault(u.find(i), []).append(rules[i])
    grids = []
    for members in groups.values():
        h = [r for r in members if r.horizontal]
        v = [r for r in members if not r.horizontal]
        if len(h) < 2 or len(v) < 2:
            continue
        xs = _cluster([r.pos for r in v] + [min(r.a for r in h), max(r.b for r in h)], s.snap)
        ys = _cluster([r.pos for r in h] + [min(r.a for r in v), max(r.b for r in v)], s.snap)
        if len(xs) >= 2 and len(ys) >= 2:
            grids.append(Grid(xs, ys, members))
    grids.sort(key=lambda g: (g.ys[0], g.xs[0]))
    return grids


def _drawn(spans: list[tuple[float, float]], bounds: list[float], cover: float) -> list[bool]:
    """For each interval ``bounds[i]``..``bounds[i + 1]`` along one grid line, whether the rules along that line
    (their ``spans``) run over ``cover`` of it. One call per grid line, not per cell boundary; the sum is taken as
    ``sum`` takes it, so a boundary reads the same."""
    out = []
    one = spans[0] if len(spans) == 1 else None  # the usual case: the line's rules merged into one
    for lo, hi in zip(bounds, bounds[1:]):
        if one is not None:
            a, b = one
            d = (hi if hi < b else b) - (lo if lo > a else a)  # min(b, hi) - max(a, lo)
            got = d if d > 0.0 else 0.0
        else:
            got = sum(max(0.0, min(b, hi) - max(a, lo)) for a, b in spans)
        out.append(got >= cover * (hi - lo))
    return out


def _bisect(bounds: list[float], v: float) -> int:
    """The index of the interval of the sorted ``bounds`` holding ``v`` (the first or last one beyond the ends)."""
    return min(max(bisect.bisect_right(bounds, v) - 1, 0), len(bounds) - 2)


def _grid_regions(grid: Grid, s: Settings) -> list[list[tuple[int, int]]]:
    """For each cell (r, c), the top-left cell of the merged region holding it (a boundary not drawn merges)."""
    xs, ys = grid.xs, grid.ys
    nr, nc = len(ys) - 1, len(xs) - 1
    u = _Union(nr * nc)
    # the rules along each grid line, looked up once (a cell-by-cell scan of all rules is quadratic); then for each
    # inner line which of its cell boundaries are drawn: down[c][r] between columns c-1 and c, across[r][c] between
    # rows r-1 and r
    along_x = [[(r.a, r.b) for r in grid.rules if not r.horizontal and abs(r.pos - x) <= s.snap] for x in xs]
    along_y = [[(r.a, r.b) for r in grid.rules if r.horizontal and abs(r.pos - y) <= s.snap] for y in ys]
    down = [_drawn(along_x[c], ys, s.rule_cover) if 0 < c < nc else [] for c in range(nc + 1)]
    across = [_drawn(along_y[r], xs, s.rule_cover) if 0 < r < nr else [] for r in range(nr + 1)]
    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not down[c + 1][r]:
                u.join(r * nc + c + 1, r * nc + c)
            if r + 1 < nr and not across[r + 1][c]:
                u.join((r + 1) * nc + c, r * nc + c)
    anchor: dict[int, tuple[int, int]] = {}
    out = [[(0, 0)] * nc for _ in range(nr)]
    for r in range(nr):
        for c in range(nc):
            root = u.find(r * nc + c)
            anchor.setdefault(root, (r, c))
            out[r][c] = anchor[root]
    return out


def _glyph_units(glyphs) -> list:
    """What goes into grid cells one by one: characters where known (so a word that runs over a rule is split at
    it), else the words."""
    out = []
    for g in glyphs:
        if isinstance(g, Word) and g.chars:
            out.extend(g.chars)
        else:
            out.append(g)
    return out


def grid_to_rows(grid: Grid, glyphs, settings: Settings | None = None) -> list[Item]:
    """A ruled grid and the glyphs inside it → one row item per grid row with text.

    Cells merged over a missing boundary form one region: its text is put in the region's top-left cell and the
    other cells are ``None``. Each cell's box is the box around its glyphs.
    """
    s = settings or DEFAULT
    xs, ys = grid.xs, grid.ys
    nr, nc = len(ys) - 1, len(xs) - 1
    anchor = _grid_regions(grid, s)
    bucket: dict[tuple[int, int], list] = {}
    right = bisect.bisect_right
    for g in _glyph_units(glyphs):
        # _bisect inlined: this runs for every glyph of every ruled table
        r = right(ys, g.yc) - 1
        c = right(xs, g.xc) - 1
        r = 0 if r < 0 else (nr - 1 if r > nr - 1 else r)
        c = 0 if c < 0 else (nc - 1 if c > nc - 1 else c)
        a = anchor[r][c]
        if a in bucket:
            bucket[a].append(g)
        else:
            bucket[a] = [g]
    items: list[Item] = []
    for r in range(nr):
        cells: list[str | None] = []
        boxes: list[Box | None] = []
        for c in range(nc):
            if anchor[r][c] != (r, c):
                cells.append(None)
                boxes.append(None)
                continue
            gs = bucket.get((r, c), [])
            cells.append(cell_text(gs, s))
            boxes.append(box_of(gs))
        if any(cells):
            items.append(Item(ys[r], tuple(cells), True, xs[0], xs[-1], 0.0, tuple(boxes)))
    return items


def continue_grid(grid: Grid, carry: Carry | None, settings: Settings | None = None) -> Grid:
    """A grid continuing the ruled table of the page before, on the columns of that page.

    A continuation page often draws fewer column lines (上海 万里街道 24年预算 p.15: a lone 合计 row over the merged
    类/款/项/名称 cells; 西南大学 2023 p.15: the 类/款/项 code columns merged): when this grid's edges and columns are
    among the carried ones, the carried boundaries are used, the missing ones merge cells, and a column index
    means the same column on both pages.
    """
    s = settings or DEFAULT
    if carry is None or not carry.xs or len(carry.xs) <= len(grid.xs):
        return grid
    prev = carry.xs
    tol = 2 * s.snap

    def among(x: float) -> bool:
        return any(abs(x - p) <= tol for p in prev)

    if abs(grid.xs[0] - prev[0]) > tol or abs(grid.xs[-1] - prev[-1]) > tol or not all(map(among, grid.xs)):
        return grid
    xs = sorted(grid.xs + [p for p in prev if all(abs(p - x) > tol for x in grid.xs)])
    return Grid(xs, grid.ys, grid.rules)


# ---------------------------------------------------------------------------------------------------- borderless


def is_amount_word(text: str) -> bool:
    """A word that is an amount or a code ("5,545.08", "(12.50)", "△3.00", "2010301")."""
    return bool(_AMOUNT_OR_CODE.match(text))


def _kept(test):
    """A test of a TextLine, run once per line (the answer kept in ``TextLine.flags``)."""
    name = test.__name__

    @wraps(test)
    def kept(ln: TextLine) -> bool:
        flags = ln.flags
        if name not in flags:
            flags[name] = test(ln)
        return flags[name]

    return kept


@_kept
def is_colnum_line(ln: TextLine) -> bool:
    """The 栏次 row ("栏次 1 2 3 …", or just "1 2 … 12" under a 三公 header): column numbers, a header row."""
    return is_colnum_row(w.text for w in ln.words)


@_kept
def is_toc_line(ln: TextLine) -> bool:
    """A table-of-contents entry: a title, then dot leaders or a gap, then a page number ("收入决算表……12")."""
    words = ln.words
    last = words[-1].text
    if _LEADERS.search(ln.text) and re.search(r"\d{1,3}$", last):
        return True
    if len(words) < 2 or not last.isdigit() or len(last) > 3:
        return False
    head = "".join(w.text for w in words[:-1])
    return bool(_TOC_END.search(head)) and not any(is_amount_word(w.text) for w in words[:-1])


def _is_money(text: str) -> bool:
    """An amount as printed with decimals or thousands separators (not a code, a 行次 or a page number)."""
    return is_amount_word(text) and ("." in text or "," in text)


@_kept
def _has_amount(ln: TextLine) -> bool:
    return any(is_amount_word(w.text) for w in ln.words)


@_kept
def _looks_narrative(ln: TextLine) -> bool:
    """A sentence, not a row: a long run of text, a full stop, or an amount followed by its unit ("267.8 万元")."""
    words = ln.words
    if any(len(w.text) > 25 or "。" in w.text for w in words):
        return True
    return any(is_amount_word(a.text) and re.match(r"^(?:万元|亿元|元|%|％)", b.text) for a, b in zip(words, words[1:]))


@_kept
def is_data_line(ln: TextLine) -> bool:
    """A line holding a table row's amounts or codes (not a header, a 栏次 row, a note or a contents entry)."""
    return (
        len(ln.words) >= 2
        and _has_amount(ln)
        and not _TEXT_START.match(ln.words[0].text)
        and not is_colnum_line(ln)
        and not _looks_narrative(ln)
        and not is_toc_line(ln)
    )


def _candidate(ln: TextLine) -> bool:
    return not _TEXT_START.match(ln.words[0].text) and not _looks_narrative(ln) and not is_toc_line(ln)


def _fragment_reach(lines: list[TextLine], s: Settings) -> float:
    """How far from its data line a piece of a wrapped cell can sit: under a row pitch, about one text line."""
    data = [ln for ln in lines if is_data_line(ln)]
    # the row pitch from the lines holding amounts (not codes alone): a row whose code stands a line away from its
    # amounts is one row, not two
    amounts = [ln for ln in data if any(_is_money(w.text) for w in ln.words)]
    pitch = _median([b.top - a.top for a, b in zip(amounts, amounts[1:])] or [1e9])
    size = _median([ln.size for ln in data] or [10.0])
    return min(s.fragment_size * size, s.fragment_pitch * pitch)


def _is_header_like(ln: TextLine) -> bool:
    return not _has_amount(ln) or is_colnum_line(ln)


def _header_continues(above: TextLine, ln: TextLine) -> bool:
    """A multi-word header line right above ``ln``: the header goes on above a one-word line."""
    return len(above.words) >= 2 and _is_header_like(above) and ln.top - above.bottom <= 1.5 * ln.size


def _block_of_run(run: list[TextLine], carry: bool, first_block: bool, s: Settings) -> tuple[int, int] | None:
    """The table lines of a run of candidate lines: from the header above its first data line to the fragments
    below its last, or None when the run holds no table."""
    data = [k for k, ln in enumerate(run) if is_data_line(ln)]
    headed = data and sum(1 for ln in run[: data[0]] if len(ln.words) >= 2) >= 1  # a one-row table (三公)
    lone_total = len(data) == 1 and sum(1 for w in run[data[0]].words if _is_money(w.text)) >= 3
    if not (len(data) >= 2 or headed or (data and carry and first_block) or lone_total):
        return None
    reach = _fragment_reach(run, s)
    first, last = data[0], data[-1]
    a = first
    while a - 1 >= 0:
        ln = run[a - 1]
        near = abs(ln.yc - run[first].yc) <= reach and not _has_amount(ln)
        if near or (len(ln.words) >= 2 and _is_header_like(ln)) or is_colnum_line(ln):
            a -= 1
        elif _is_header_like(ln) and a - 2 >= 0 and _header_continues(run[a - 2], ln):
            a -= 1  # a one-word header line (a label merged over two header rows) between header lines
        else:
            break
    b = last
    while b + 1 < len(run) and abs(run[b + 1].yc - run[last].yc) <= reach and not _has_amount(run[b + 1]):
        b += 1
    return a, b


def find_blocks(lines: list[TextLine], carry: bool = False, settings: Settings | None = None) -> list[tuple[int, int]]:
    """Borderless tables: (first, last) line indexes of runs holding ≥ 2 data lines.

    A run is a sequence of lines close together that are not narrative, title, unit, note or contents lines. Above
    its first data line it keeps multi-word header lines and the pieces of a wrapped name (near the data line);
    below its last data line, only such pieces. One data line is enough under a multi-word header (the 三公 table's
    single row) or with ``carry`` (a table continued from the page before: a lone 合计 row).
    """
    s = settings or DEFAULT
    blocks: list[tuple[int, int]] = []
    n = len(lines)
    i = 0
    while i < n:
        if not _candidate(lines[i]):
            i += 1
            continue
        j = i
        while (
            j + 1 < n
            and _candidate(lines[j + 1])
            and lines[j + 1].top - lines[j].bottom <= s.block_gap * lines[j + 1].size
        ):
            j += 1
        found = _block_of_run(lines[i : j + 1], carry, not blocks, s)
        if found:
            blocks.append((i + found[0], i + found[1]))
        i = j + 1
    return blocks


def _header_lines(lines: list[TextLine], s: Settings) -> list[TextLine]:
    """The header lines of a block: above its first data line, not the 栏次 row, not pieces of a wrapped name."""
    first_data = min((ln.top for ln in lines if is_data_line(ln)), default=1e9)
    reach = _fragment_reach(lines, s)
    return [
        ln
        for ln in lines
        if not is_data_line(ln)
        and ln.top < first_data
        and not is_colnum_line(ln)
        and (first_data - ln.top > reach or _heads_amounts(ln, lines))
    ]


def _heads_amounts(ln: TextLine, lines: list[TextLine]) -> bool:
    """A line of labels over columns of amounts: a header line, however close above the first row it stands (04
    without a 栏次 row), not the piece of a wrapped name."""
    money = [w for d in lines if is_data_line(d) for w in d.words if _is_money(w.text)]
    return any(w.x0 < m.x1 and m.x0 < w.x1 for w in ln.words for m in money)


def block_columns(lines: list[TextLine], settings: Settings | None = None) -> Columns:
    """Column slots of a borderless block: clusters of data-word extents, plus header cells that fit none.

    A leaf header label (none below it) widens the one column it sits over and opens one over no column (a column
    printed empty, e.g. 国有资本经营预算财政拨款); a label over several changes nothing, nor does one over a column
    that a label lower down already heads. Header lines are taken from the lowest up, each line's labels paired
    with the amounts beside them before the line above is seen.
    """
    s = settings or DEFAULT
    spans: list[list] = []  # [x0, x1, has data, has a label]
    data_words = [w for ln in lines if is_data_line(ln) for w in ln.words]
    for w in sorted(data_words, key=lambda w: w.x0):
        if spans and w.x0 <= spans[-1][1] + 0.5:
            spans[-1][1] = max(spans[-1][1], w.x1)
        else:
            spans.append([w.x0, w.x1, True, False])
    spans.sort()
    header_lines = _header_lines(lines, s)
    for k in range(len(header_lines) - 1, -1, -1):
        ln = header_lines[k]
        lower = [u for h in header_lines[k + 1 :] for u in h.words]
        for w in _join_spaced_letters(ln.words):
            if any(w.x0 < u.x1 and u.x0 < w.x1 for u in lower):
                continue  # heads labels below it (a merged cell): places no column itself
            if any(u.x1 <= w.x0 for u in lower) and any(w.x1 <= u.x0 for u in lower) and not _over_data(w, spans):
                continue  # centred over a group of labels below it ("支出" over 项目/行次/决算数): a group label
            over = [sp for sp in spans if w.x0 < sp[1] and sp[0] < w.x1]
            if any(sp[3] for sp in over):
                continue  # over a column a lower label heads (LibreOffice's "预算数" over 小计's amounts): a group label
            if not over:
                spans.append([w.x0, w.x1, False, True])
                spans.sort()
            elif len(over) == 1:
                over[0][0], over[0][1], over[0][3] = min(over[0][0], w.x0), max(over[0][1], w.x1), True
        spans = _pair_labels_with_data(_merge_spans(spans), s)
    merged = _pair_labels_with_data(_merge_spans(spans), s)
    bounds = [-1e9] + [(a[1] + b[0]) / 2 for a, b in zip(merged, merged[1:])] + [1e9]
    return Columns(bounds, [(a[0], a[1]) for a in merged], _flush_left(data_words, bounds))


def _flush_left(words: list[Word], bounds: list[float]) -> bool:
    """Whether the amounts of each column share a left edge rather than a right one (a text export whose tabs
    were expanded to spaces prints every cell from its left edge)."""
    edges: dict[int, tuple[set, set]] = {}
    for w in words:
        if _is_money(w.text):
            left, right = edges.setdefault(bisect.bisect_right(bounds, w.xc), (set(), set()))
            left.add(round(w.x0 * 2))
            right.add(round(w.x1 * 2))
    return sum(len(a) for a, _ in edges.values()) < sum(len(b) for _, b in edges.values())


def _merge_spans(spans: list[list]) -> list[list]:
    """Overlapping column extents are one column."""
    merged: list[list] = []
    for sp in spans:
        if merged and sp[0] < merged[-1][1]:  # touching is not overlapping: a text export's 1-column gap
            last = merged[-1]
            last[1], last[2], last[3] = max(last[1], sp[1]), last[2] or sp[2], last[3] or sp[3]
        else:
            merged.append(list(sp))
    return merged


def _join_spaced_letters(words: list[Word]) -> list[Word]:
    """A letter-spaced header label ("项   目", "栏  次") is one label: single characters closer than three
    character widths join."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if prev is not None and len(w.text) == 1 and len(prev.text.replace(" ", "")) <= 2 and len(prev.text) <= 3:
            if not w.text.isascii() and not prev.text[-1].isascii() and w.x0 - prev.x1 < 3 * w.size:
                out[-1] = Word(prev.text + " " + w.text, prev.x0, w.x1, top=prev.top, bottom=prev.bottom, size=w.size)
                continue
        out.append(w)
    return out


def _pair_labels_with_data(spans: list[list], s: Settings) -> list[list]:
    """A header label over no data and, right next to it, data under no label are one column (LibreOffice centres
    the label and right-aligns the amounts of a wide cell, so they need not overlap)."""
    out = [list(sp) for sp in spans]
    i = 0
    while i < len(out):
        sp = out[i]
        if sp[3] and not sp[2]:
            for j in (i + 1, i - 1):
                if 0 <= j < len(out) and out[j][2] and not out[j][3]:
                    a, b = sorted((i, j))
                    out[a : b + 1] = [[min(out[a][0], out[b][0]), max(out[a][1], out[b][1]), True, True]]
                    i = a
                    break
        i += 1
    return out


def _over_data(w: Word, spans: list[list]) -> bool:
    return any(w.x0 < sp[1] and sp[0] < w.x1 for sp in spans)


def _label_range(
    cols: Columns, w: Word, over: list[int], line: TextLine, below: list[TextLine], after: int = -1
) -> list[int]:
    """The columns a header label over several spans: the run of columns, holding those it overlaps, whose cell is
    centred where the label is ("支出" over 项目…国有资本经营预算财政拨款 in a borderless 04), or the run starting
    where the label starts when the block's cells are printed from their left edge (a text export prints a merged
    cell's text in its first column: "预算数" over 合计…公务接待费) or no run of two or more is centred.

    Only a label with header words under it spans (a label alone in its column is a cell merged downwards); the run
    stops at the columns of the other labels on its line and starts after ``after``, the last column the label
    before it on its line spans.
    """
    if not cols.spans:
        return over
    home = over or [cols.index(w.xc)]
    lo, hi = min(home), max(home)
    under = {cols.index(u.xc) for h in below for u in h.words}
    if not any(c in under for c in range(lo, hi + 1)):
        return over
    others = {cols.index(o.xc) for o in line.words if o is not w} - set(home)
    first = max([after + 1] + [c + 1 for c in others if c < lo])
    last = min([len(cols.spans) - 1] + [c - 1 for c in others if c > hi])
    edges = _cell_edges(cols, below)
    # every run centred within half a character is a candidate; the widest wins. In a two-panel 07 both the label's
    # whole panel (合计 … 公务接待费) and its inner columns (出国 … 运行费) are centred under it within a point, and
    # which was nearer turned on half a point (a scan's glyph boxes against the text layer's)
    starts = first <= lo < last and abs(w.x0 - cols.spans[lo][0]) <= 0.5 * w.size
    if starts and cols.flush_left:
        return list(range(lo, last + 1))  # printed in the first column of its run
    best, best_key = home, (0, 0.0)
    for a in range(first, lo + 1):
        for b in range(hi, last + 1):
            d = _off_centre(w.xc, edges[a][0], edges[b][1])
            key = (b - a + 1, -d)
            if d <= 0.5 * w.size and key > best_key:
                best, best_key = list(range(a, b + 1)), key
    if len(best) < 2 and starts:
        return list(range(lo, last + 1))
    return best


def _off_centre(x: float, left: tuple[float, float], right: tuple[float, float]) -> float:
    """How far ``x`` is from the centre of a cell whose edges lie within ``left`` and ``right``."""
    return max(0.0, (left[0] + right[0]) / 2 - x, x - (left[1] + right[1]) / 2)


def _cell_edges(cols: Columns, below: list[TextLine]) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Where each column's cell may begin and end: anywhere in the gutters beside its words. The outer cells' far
    edges are mirrored about the header label centred in them, as their cells may be much wider than their words
    (LibreOffice's print of a sheet: 国有资本经营预算财政拨款's cell twice its label, an empty column)."""
    sp = cols.spans
    n = len(sp)
    gaps = [(sp[c][1], sp[c + 1][0]) for c in range(n - 1)]
    lefts = [(sp[0][0], sp[0][0])] + gaps
    rights = gaps + [(sp[-1][1], sp[-1][1])]
    heads: dict[int, tuple[float, list[Word]]] = {}  # per column, its lowest header words: its own label
    for h in below:
        for u in h.words:
            c = cols.index(u.xc)
            if c not in heads or heads[c][0] < h.top:
                heads[c] = (h.top, [u])
            elif heads[c][0] == h.top:
                heads[c][1].append(u)
    if 0 in heads and n > 1:
        c = (min(u.x0 for u in heads[0][1]) + max(u.x1 for u in heads[0][1])) / 2
        lefts[0] = (min(sp[0][0], 2 * c - rights[0][1]), min(sp[0][0], 2 * c - rights[0][0]))
    if n - 1 in heads and n > 1:
        c = (min(u.x0 for u in heads[n - 1][1]) + max(u.x1 for u in heads[n - 1][1])) / 2
        rights[-1] = (max(sp[-1][1], 2 * c - lefts[-1][1]), max(sp[-1][1], 2 * c - lefts[-1][0]))
    return list(zip(lefts, rights))


@dataclass
class _Row:
    """A row being assembled: per column, the (top, word) pieces that fall in it."""

    line: TextLine
    cells: list[list[tuple[float, Word]]]
    data: bool
    covered: set[int] = field(default_factory=set)

    def filled(self) -> set[int]:
        return {c for c, parts in enumerate(self.cells) if parts}

    def texts(self, c: int) -> list[str]:
        return [w.text for _, w in self.cells[c]]


def _place_line(ln: TextLine, cols: Columns, lines: list[TextLine], first_data: float, lowest: float) -> _Row:
    nc = len(cols.bounds) - 1
    row = _Row(ln, [[] for _ in range(nc)], is_data_line(ln))
    header = ln.top < first_data and not is_colnum_line(ln)
    after = -1  # the last column a label before on this line spans
    for w in ln.words:
        over: list[int] = []
        if header:
            over = cols.covering(w.x0, w.x1)
            if ln.top < lowest:  # an upper header label: centred over the columns it heads
                below = [h for h in lines if ln.top < h.top < first_data and not is_colnum_line(h)]
                over = _label_range(cols, w, over, ln, below, after)
        if len(over) >= 2:  # a merged header cell: text in its first column, the others covered
            row.cells[over[0]].append((ln.top, w))
            row.covered.update(over[1:])
            after = over[-1]
        else:
            row.cells[cols.index(w.xc)].append((ln.top, w))
    return row


def _attach_fragments(rows: list[_Row], reach: float, headers: set[int]) -> list[_Row]:
    """A line without amounts or codes next to a data line holds the rest of that row's wrapped cells (unless it
    is one of the ``headers``, by id)."""
    data_idx = [i for i, r in enumerate(rows) if r.data]
    skip: set[int] = set()
    for i, row in enumerate(rows):
        if row.data or _has_amount(row.line) or is_colnum_line(row.line) or id(row.line) in headers:
            continue
        near = [j for j in data_idx if abs(rows[j].line.yc - row.line.yc) <= reach]
        if not near:
            continue
        j = min(near, key=lambda j: abs(rows[j].line.yc - row.line.yc))
        for c, parts in enumerate(row.cells):
            rows[j].cells[c].extend(parts)
        skip.add(i)
    return [r for i, r in enumerate(rows) if i not in skip]


def _key_kind(row: _Row, text_cols: set[int]) -> tuple[bool, bool]:
    """(has a code, has an amount outside the text columns) of a data row."""
    code = amount = False
    name_col = min(text_cols, default=10**6)
    for c in row.filled():
        if c in text_cols:
            continue
        for t in row.texts(c):
            if c < name_col and t.isdigit():
                code = code or bool(_CODE.match(t))  # a code, or a 款/项 part of one ("05") left of the name
            elif is_amount_word(t):
                amount = True
    return code, amount


def _join_split_rows(rows: list[_Row], text_cols: set[int], reach: float) -> list[_Row]:
    """A code printed a line above or below its amounts (a name wrapped over three lines, the code on the middle
    line, amounts on the first: 西南大学 2023's layout): two neighbouring data lines, one with the code and no
    amounts, the other with amounts and no code, filling different columns, are one row."""
    out: list[_Row] = []
    for row in rows:
        prev = out[-1] if out else None
        if prev is not None and prev.data and row.data and abs(row.line.yc - prev.line.yc) <= reach:
            (pc, pa), (rc, ra) = _key_kind(prev, text_cols), _key_kind(row, text_cols)
            clash = (prev.filled() & row.filled()) - text_cols
            starts = any(_ITEM_START.match(t) for c in text_cols for t in row.texts(c) + prev.texts(c))
            if not clash and not starts and ((pc and not pa and ra and not rc) or (rc and not ra and pa and not pc)):
                for c, parts in enumerate(row.cells):
                    prev.cells[c].extend(parts)
                continue
        out.append(row)
    return out


def _text_columns(rows: list[_Row]) -> set[int]:
    """Columns whose data cells are mostly words, not amounts or codes: the name columns."""
    count: dict[int, list[int]] = {}
    for r in rows:
        if not r.data:
            continue
        for c in r.filled():
            num = all(is_amount_word(t) for t in r.texts(c))
            count.setdefault(c, [0, 0])[0 if num else 1] += 1
    return {c for c, (num, word) in count.items() if word > num}


def _row_item(row: _Row) -> Item:
    cells: list[str | None] = []
    boxes: list[Box | None] = []
    for c, parts in enumerate(row.cells):
        if c in row.covered and not parts:
            cells.append(None)
            boxes.append(None)
            continue
        parts = sorted(parts, key=lambda p: (p[0], p[1].x0))
        texts: list[str] = []
        for k, (top, w) in enumerate(parts):
            same_line = k and parts[k - 1][0] == top
            texts.append((" " if same_line else "") + w.text if k else w.text)
        cells.append("".join(texts))
        boxes.append(box_of([w for _, w in parts]))
    ln = row.line
    return Item(ln.top, tuple(cells), True, ln.x0, ln.x1, ln.size, tuple(boxes))


def block_to_rows(lines: list[TextLine], cols: Columns, settings: Settings | None = None) -> list[Item]:
    """Rows of a borderless block: words placed in columns by position; pieces of wrapped names, and codes or
    amounts a line away from their row, joined to that row."""
    s = settings or DEFAULT
    first_data = min((ln.top for ln in lines if is_data_line(ln)), default=1e9)
    lowest = max((ln.top for ln in lines if ln.top < first_data and not is_colnum_line(ln)), default=-1.0)
    rows = [_place_line(ln, cols, lines, first_data, lowest) for ln in lines]
    reach = _fragment_reach(lines, s)
    rows = _attach_fragments(rows, reach, {id(ln) for ln in _header_lines(lines, s)})
    rows = _join_split_rows(rows, _text_columns(rows), 2 * reach)
    return [_row_item(r) for r in rows]


# ---------------------------------------------------------------------------------------------------- pages


def furniture_key(text: str) -> str:
    """A margin line's text without whitespace and without a page number at its start or end ("…决算 3", "第3页"),
    so a running head printed with the page number compares equal on every page."""
    t = re.sub(r"\s+", " ", text).strip()
    t = re.sub(r"(?:^|\s)(?:第\s*\d+\s*页|[-—–]\s*\d+\s*[-—–]|\d{1,4})$", "", t)
    t = re.sub(r"^(?:第\s*\d+\s*页|\d{1,4})(?:\s|$)", "", t)
    return t.replace(" ", "")


def running_heads(margin_texts: list[list[str]], min_pages: int = 3) -> set[str]:
    """Running heads and feet: margin lines (``furniture_key``) printed on at least ``min_pages`` pages and on at
    least a third of them. ``margin_texts`` holds, per page, the texts of the lines in its top and foot margins."""
    seen: dict[str, int] = {}
    for texts in margin_texts:
        for key in {furniture_key(t) for t in texts}:
            seen[key] = seen.get(key, 0) + 1
    need = max(min_pages, len(margin_texts) // 3)
    # a title or a 公开NN表 label repeated over a table's pages is the table's, not the page's
    return {k for k, n in seen.items() if n >= need and k and not k.endswith("表")}


def margin_lines(lines: list[TextLine], height: float, settings: Settings | None = None) -> list[TextLine]:
    """The lines standing in the page's top or foot margin (where page numbers and running heads are printed)."""
    s = settings or DEFAULT
    return [ln for ln in lines if _in_margin(ln, height, s)]


def _in_margin(ln: TextLine, height: float, s: Settings) -> bool:
    if s.page_margin <= 0:
        return False
    return ln.top > (1 - s.page_margin - 0.03) * height or ln.bottom < s.page_margin * height


def _is_furniture(ln: TextLine, height: float, heads: set[str], s: Settings) -> bool:
    in_margin = _in_margin(ln, height, s)
    # page numbers: at the head or foot of the page only ("7 37" inside a borderless table is a row of 行次)
    return in_margin and (bool(PAGE_NUMBER.match(ln.text)) or furniture_key(ln.text) in heads)


def _lay_grids(glyphs, rules, carry: Carry | None, s: Settings) -> tuple[list[tuple[Grid, list[Item]]], list]:
    """Ruled tables: (grid, rows) for each grid holding text, and the glyphs outside every grid."""
    grids = rules_to_grids(rules, s) if rules else []
    out = []
    rest = glyphs
    for k, g in enumerate(grids):
        x0, x1, y0, y1 = g.xs[0], g.xs[-1], g.ys[0], g.ys[-1]  # Grid.contains, inlined: it runs per glyph
        inside, outside = [], []
        for c in rest:
            (inside if x0 <= c.xc <= x1 and y0 <= c.yc <= y1 else outside).append(c)
        if not inside:
            continue
        rest = outside
        if k == 0 and not any(c.bottom <= g.ys[0] for c in rest):
            g = continue_grid(g, carry, s)  # nothing printed above it: the table of the page before goes on
        rows = grid_to_rows(g, inside, s)
        for it in rows:
            it.origin = g
        out.append((g, rows))
    return out, rest


def layout_page(
    glyphs,
    rules: list[Rule],
    width: float,
    height: float,
    carry: Carry | None = None,
    settings: Settings | None = None,
    heads: set[str] | frozenset[str] = frozenset(),
) -> PageLayout:
    """One page → items (text lines and table rows) top to bottom, and what carries over to the next page.

    ``glyphs``: the page's characters (``Char``) or words (``Word``: a text export's tokens, OCR words), boxes in
    top-down coordinates; ``rules``: its ruling lines; ``carry``: what the page before handed over (the columns of a
    table running off its foot); ``heads``: running heads and feet (``running_heads``) to leave out.
    """
    s = settings or DEFAULT
    grids, rest = _lay_grids(glyphs, rules, carry, s)
    items = [it for _, rows in grids for it in rows]
    lines = [ln for ln in _lines_of(rest, s) if not _is_furniture(ln, height, heads, s)]
    blocks = find_blocks(lines, carry is not None and carry.columns is not None, s)
    in_block: set[int] = set()
    tables = [g.bbox for g, _ in grids]
    for bi, (a, b) in enumerate(blocks):
        block = lines[a : b + 1]
        # a first block with no header of its own and no ruled table above continues the table of the page before
        continued = (
            carry is not None
            and carry.columns is not None
            and bi == 0
            and not _header_lines(block, s)
            and not any(g.ys[0] < block[0].top for g, _ in grids)
        )
        cols = carry.columns if continued else block_columns(block, s)
        for it in block_to_rows(block, cols, s):
            it.origin = cols
            items.append(it)
        in_block.update(range(a, b + 1))
        tables.append(box_of([w for ln in block for w in ln.words]))
    for i, ln in enumerate(lines):
        if i not in in_block:
            items.append(Item(ln.top, (ln.text,), False, ln.x0, ln.x1, ln.size, (box_of(ln.words),)))
    items.sort(key=lambda it: it.top)
    return PageLayout(items, _carry_out(items), tables)


def _carry_out(items: list[Item]) -> Carry | None:
    """The columns of the table whose row ends the page, for a continuation on the next page."""
    if not items or not items[-1].is_row:
        return None
    origin = items[-1].origin
    if isinstance(origin, Columns):
        return Carry(columns=origin)
    if isinstance(origin, Grid):
        return Carry(xs=list(origin.xs))
    return None
