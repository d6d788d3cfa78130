"""Find the standard tables in a document's line stream.

A table is found by its title (fuzzy: letter-spaced, mangled, with a department or year in front) or its 公开NN表
label, and runs until the next table, a part heading ("第三部分"), or narrative text after its rows. The lines in
between — header rows, data rows over several pages, notes, unit and department lines — make up a ``TableRegion``;
``juesuan.tables.parse`` turns a region into cells.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..raw import Line
from ..textnorm import CN_NUMERAL, ORD_PAREN, PAGE_NUMBER, PART, clean_name, match_key, squash, strip_ordinal
from .spec import title_index

# 公开05表 (the 决算 template), 公开表五 / 公开表 5 (江苏 预算)
_LABEL = re.compile(r"公开\s*(?:0?(\d{1,2})\s*表|表\s*([一二三四五六七八九十]{1,3}|\d{1,2})(?![\u4e00-\u9fff]))")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_PART = re.compile(rf"^{PART}")
_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|千元|亿元)")
_DEPT = re.compile(
    r"^(?:部门|单位|预算单位|编制部门|填报单位)(?:名称)?\s*[:：]\s*(.+?)(?:\s+(?:金额)?单位\s*[:：].*)?$"
)
_NOTE_START = re.compile(r"^(?:注|备注|说明|[（(]\s*说明|[（(]?\s*注|\d+[.．、])")
# "续表", "（续表1）", "续上表": a continuation page's caption
_CONTINUED = re.compile(r"^[（(]?续(?:上)?表?\s*\d*[）)]?$|^续表")
# a numbered heading of the narrative ("十、预算绩效管理情况", "（二）收入决算情况说明") after a contents entry
_HEADING = re.compile(rf"^(?:{PART}|{CN_NUMERAL}+、|{ORD_PAREN}).*(?:说明|情况|解释)$")
# "表1：", "附表3、", "表十二 ": the table's number before its title (教育部 高校 prints 表1：高等学校收支决算总表)
_TABLE_NO = re.compile(r"^\s*附?表\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[:：、.．]?\s*(?=\S)")
_BULLET = re.compile(r"^[-•·*]\s*")
_YEAR_PREFIX = re.compile(r"^\d{4}年度?")
_CLASSIFIED_TITLE = re.compile(r"表\s*[（(][^（）()]{1,8}[）)]\s*$")
_EMPTY_TABLE = re.compile(r"无数据|本表为空|空表|本表无")
_EMPTY_NOTE = re.compile(
    r"无数据|本表为空|空表|没有.{0,30}(?:收入|支出|经费|预算|决算)|无.{0,20}(?:收入|支出|经费)|不涉及"
)
# A title may carry the year or the department in front ("株洲市石峰区医疗保障局2021年度收入决算表", "2025年部门…");
# any other prefix changes the meaning ("政府采购支出预算表" is not 支出预算表, "财政拨款支出…" not "支出…").
_MAX_TITLE_PREFIX = 30


@lru_cache(maxsize=1)
def _title_prefix() -> re.Pattern:
    """A department or unit named before a title: a year, a name ending like one (identity's organisation suffixes:
    局, 委员会, 大学, 幼儿园, 妇联 …) perhaps marked 本级, a year, 部门/单位."""
    from ..identity import org_suffixes

    ends = "|".join(map(re.escape, (*org_suffixes(), "部门", "单位")))
    return re.compile(
        rf"^(?:\d{{4}}年度?)?(?:[\u4e00-\u9fff（）]{{0,25}}?(?:{ends})(?:本级)?)?(?:\d{{4}}年度?)?(?:部门|单位)?$"
    )


@dataclass
class TitleMatch:
    table: str
    kind: str
    score: float
    candidates: tuple[str, ...] = ()  # every table kind printed under this title (收入预算总表: 江苏 items or 上海 02)


@dataclass
class TableRegion:
    """The lines of one table as found: its rows (``is_row``) and the text printed with it."""

    table: str  # a spec id, or "?" while unrecognised
    kind: str = ""
    candidates: tuple[str, ...] = ()  # other table kinds printed under the same title: the header decides
    title: str = ""
    label: str = ""
    lines: list[Line] = field(default_factory=list)

    @property
    def rows(self) -> list[Line]:
        return [ln for ln in self.lines if ln.is_row]

    @property
    def texts(self) -> list[Line]:
        return [ln for ln in self.lines if not ln.is_row]

    @property
    def unit(self) -> str:
        """Unit stated with the table ("单位：万元"), "" when none is stated."""
        for ln in self.lines:
            m = _UNIT.search(squash(ln.text))
            if m:
                return m.group(1)
        return ""

    @property
    def note(self) -> str:
        """The sentence saying why the table is empty, if one is printed; else the first note line."""
        texts = [ln.text for ln in self.texts if not _UNIT.search(squash(ln.text)) and not _DEPT.match(ln.text)]
        texts = [t for t in texts if clean_name(t) != self.title and not _LABEL.search(t)]
        # "故本表无数据" states the reason outright; prefer it to a note that only mentions 无…支出 in passing
        for pattern in (_EMPTY_TABLE, _EMPTY_NOTE):
            for t in texts:
                if pattern.search(squash(t)):
                    return squash(t)
        return ""


def line_title_text(line: Line) -> str | None:
    """The candidate title text of a line: a text line, or a row with a single non-empty cell (spreadsheets)."""
    if not line.is_row:
        return line.text
    filled = [c for c in line.cells if c]
    return filled[0] if len(filled) == 1 else None


def match_title(text: str) -> TitleMatch | None:
    """Which standard table a line's text is the title of, if any.

    Exact (after normalisation) first; then a known title at the end of the line with a short prefix (department,
    year); then a fuzzy match for mangled titles. Only lines ending in 表 are considered, which keeps narrative
    headings such as "五、一般公共预算财政拨款支出决算情况说明" out.
    """
    if "表" not in text:
        return None  # every title ends in 表, and no other character normalises to it: most lines stop here
    text = _TABLE_NO.sub("", _BULLET.sub("", _LABEL.sub("", text).strip()))
    key = _YEAR_PREFIX.sub("", match_key(strip_ordinal(text)))
    # a parenthetical after 表 names the classification ("财政拨款支出预算表（功能科目）") and is part of the title
    if not (key.endswith("表") or _CLASSIFIED_TITLE.search(text)) or len(key) > 60:
        return None
    index = title_index()

    def fits(tkey: str) -> bool:
        return key == tkey or (
            key.endswith(tkey)
            and len(key) - len(tkey) <= _MAX_TITLE_PREFIX
            and bool(_title_prefix().match(key[: -len(tkey)]))
        )

    def found(tkey: str, table: str, kind: str, score: float) -> TitleMatch:
        # every kind whose title this line also ends with: "…部门收入预算总表" is 上海's 02 or 江苏's 收入总表
        others = tuple(dict.fromkeys([table] + [t for k, t, _ in index if fits(k)]))
        return TitleMatch(table, kind, score, others)

    for tkey, table, kind in index:
        if key == tkey:
            return found(tkey, table, kind, 1.0)
    for tkey, table, kind in index:  # longest first: 财政拨款收入支出决算总表 before 收入支出决算总表
        if fits(tkey):
            return found(tkey, table, kind, 0.95)
    best: TitleMatch | None = None
    for tkey, table, kind in index:
        if abs(len(key) - len(tkey)) > 1:
            continue  # a misread character, not an extra word: 项目支出决算表 is another table than 支出决算表
        ratio = difflib.SequenceMatcher(None, key, tkey).ratio()
        if ratio >= 0.92 and (best is None or ratio > best.score):
            best = TitleMatch(table, kind, ratio, (table,))
    return best


def label_number(label: str) -> str:
    """ "公开05表" or "公开表五" → "05"; "" when there is no label."""
    m = _LABEL.search(label or "")
    if not m:
        return ""
    digits = m.group(1) or m.group(2)
    if digits.isdigit():
        return f"{int(digits):02d}"
    tens, _, ones = digits.rpartition("十")
    n = (_CN_DIGITS.get(tens, 1) * 10 if "十" in digits else 0) + _CN_DIGITS.get(ones, 0)
    return f"{n:02d}"


def _label_of(text: str) -> str:
    m = _LABEL.search(squash(text))
    return m.group(0) if m else ""


def _is_table_text(text: str, region: TableRegion) -> bool:
    """Text that belongs to a table after its rows: notes, units, page numbers, a repeated title or label, 续表."""
    s = squash(text)
    if _NOTE_START.match(s) or _UNIT.search(s) or _DEPT.match(text.strip()) or PAGE_NUMBER.match(s):
        return True
    if _CONTINUED.match(s):
        return True
    if _LABEL.search(s):
        return True
    m = match_title(text)
    return m is not None and m.table == region.table


def find_tables(lines: list[Line]) -> list[TableRegion]:
    """Split a document's lines into table regions, in document order.

    A region without rows is kept only when it carries a 公开NN表 label or a note saying it is empty (a table printed
    as a title and "本表无数据"); a title alone followed by another title or by narrative is a table-of-contents
    entry. Running heads (the same line atop or at the foot of several pages) never end a table.
    """
    finder = _Finder(running_heads(lines))
    for line in lines:
        finder.feed(line)
    finder.finish()
    return finder.regions


class _Finder:
    """The state of ``find_tables``: the region being filled and whether it still takes lines."""

    def __init__(self, heads: frozenset[str]) -> None:
        self.regions: list[TableRegion] = []
        self.current: TableRegion | None = None
        self.closed = True
        self.heads = heads

    @property
    def open(self) -> TableRegion | None:
        return None if self.closed else self.current

    def finish(self) -> None:
        cur = self.current
        if cur is not None and (cur.rows or cur.label or cur.note) and (cur.table != "?" or cur.rows):
            self.regions.append(cur)
        self.current, self.closed = None, True

    def start(self, region: TableRegion) -> None:
        self.finish()
        self.current, self.closed = region, False

    def feed(self, line: Line) -> None:
        if not line.is_row and squash(line.text) in self.heads:
            return  # a running head: not the table's and not the end of it
        if line.is_row and _is_sentence_row(line):
            line = Line(page=line.page, row=line.row, cells=(line.text,), is_row=False, boxes=line.boxes[:1])
        candidate = line_title_text(line)
        title = match_title(candidate) if candidate else None
        label = _label_of(candidate) if candidate else ""
        unknown = title is None and not label and bool(candidate) and _looks_like_title(candidate)
        if line.is_row and (title is not None or label or unknown):
            line = Line(page=line.page, row=line.row, cells=(candidate,), is_row=False)  # a title in a row
        if title is not None:
            self.on_title(line, candidate, title, label)
        elif unknown:
            # a table we do not know: its rows must not run into the table before it; they are kept in an
            # unrecognised region for the report
            self.start(TableRegion(table="?", title=clean_name(candidate), lines=[line]))
        elif label and not line.is_row:
            self.on_label(line, label)
        elif line.is_row:
            self.on_row(line)
        else:
            self.on_text(line)

    def on_title(self, line: Line, candidate: str, title: TitleMatch, label: str) -> None:
        cur = self.open
        if cur is not None and not cur.rows and not cur.title:
            # "公开01表" printed above the title: the same table
            cur.table, cur.kind, cur.title, cur.candidates = (
                title.table,
                title.kind,
                clean_name(candidate),
                title.candidates,
            )
            cur.lines.append(line)
        elif cur is not None and cur.table == title.table and cur.rows:
            cur.lines.append(line)  # title repeated on a continuation page
        else:
            region = TableRegion(title.table, title.kind, title.candidates, clean_name(candidate), label, [line])
            self.start(region)

    def on_label(self, line: Line, label: str) -> None:
        cur = self.open
        if cur is not None and not cur.rows and not cur.label:
            cur.label = label  # the label printed under the title
            cur.lines.append(line)
        elif cur is not None and cur.rows and cur.label == label:
            cur.lines.append(line)  # label repeated on a continuation page
        else:
            # a label alone does not say which table this is: 预算 sets number their tables their own way (江苏
            # prints 公开10表, 公开11表); the header, or for a 决算 the standard numbering, decides later
            self.start(TableRegion(table="?", label=label, lines=[line]))

    def on_row(self, line: Line) -> None:
        if _is_meta_row(line):
            # "部门：… | 单位：元" on a spreadsheet row is the table's caption, not a header row
            self.on_text(Line(page=line.page, row=line.row, cells=(line.text,), is_row=False))
            return
        cur = self.open
        if cur is None:
            # rows under no title: kept as an untitled region so they are recognised by their header or reported,
            # never passed over in silence
            self.start(TableRegion(table="?", lines=[line]))
        else:
            cur.lines.append(line)

    def on_text(self, line: Line) -> None:
        cur = self.open
        if cur is None:
            return
        s = squash(line.text)
        if _PART.match(s):
            self.finish()
        elif cur.rows and not _is_table_text(line.text, cur) and not _continues_note(cur):
            self.finish()  # narrative after the table's rows: the table is over (its 注 lines stay with it)
        elif not cur.rows and _is_heading_or_prose(line.text):
            self.finish()  # a title followed by narrative: a heading or a contents entry, not a table
        else:
            cur.lines.append(line)


def running_heads(lines: list[Line]) -> frozenset[str]:
    """Texts printed as the first or last line of two or more pages (a running head or foot, not a page number)."""
    first: dict[int, str] = {}
    last: dict[int, str] = {}
    for ln in lines:
        if ln.is_row:
            continue
        s = squash(ln.text)
        first.setdefault(ln.page, s)
        last[ln.page] = s
    pages: dict[str, set[int]] = {}
    for edge in (first, last):
        for page, s in edge.items():
            pages.setdefault(s, set()).add(page)
    return frozenset(s for s, ps in pages.items() if len(ps) >= 2 and s and not _is_caption(s))


def _is_caption(s: str) -> bool:
    """A line a table prints on each of its pages (unit, department, label, note, page number, title)."""
    return bool(
        PAGE_NUMBER.match(s) or _UNIT.search(s) or _DEPT.match(s) or _LABEL.search(s) or _NOTE_START.match(s)
    ) or (match_title(s) is not None)


def _is_sentence_row(line: Line) -> bool:
    """A narrative line laid out as cells around a year ("二、2017 | 年主要工作任务", "2017 | 年，我们将…"): text, not a
    table row. The year is the line's first or second cell; "年初…"/"年末…" after it is an item (结转和结余)."""
    cells = [squash(c) for c in line.cells if c and squash(c)]
    return any(
        re.fullmatch(r"(?:\D*\D)?(?:19|20)\d\d", a) and b.startswith("年") and not b.startswith(("年初", "年末"))
        for a, b in zip(cells[:2], cells[1:3])
    )


def _is_heading_or_prose(text: str) -> bool:
    """A line that cannot stand between a table's title and its rows: a sentence, or a numbered heading."""
    s = squash(text)
    if _NOTE_START.match(s) or _UNIT.search(s) or _DEPT.match(text.strip()) or _LABEL.search(s):
        return False
    if _EMPTY_NOTE.search(s) or PAGE_NUMBER.match(s) or _CONTINUED.match(s):
        return False
    return len(s) > 80 or bool(_HEADING.match(s))


def _is_meta_row(line: Line) -> bool:
    """A row whose every filled cell names the department, the unit or the label (a caption in a spreadsheet)."""
    filled = [c.strip() for c in line.cells if c and c.strip()]
    return bool(filled) and all(_DEPT.match(c) or _UNIT.search(squash(c)) or _LABEL.search(squash(c)) for c in filled)


def _looks_like_title(text: str) -> bool:
    """A short line ending in 表 that is not a note or a sentence: the title of some table."""
    key = match_key(strip_ordinal(text))
    return (
        key.endswith("表")
        and 4 <= len(key) <= 40
        and not _NOTE_START.match(squash(text))
        and not any(w in key for w in ("附表", "目录", "详见", "见附"))
    )


def _continues_note(region: TableRegion) -> bool:
    """True when the region's last line is a note that may wrap onto the next text line."""
    last = region.lines[-1]
    if last.is_row:
        return False
    s = squash(last.text)
    return bool(_NOTE_START.match(s)) and not s.endswith(("。", ")", "）"))


def department_in(lines: list[Line]) -> str:
    """The department named on a "部门：…" line, "" if none."""
    for ln in lines:
        m = _DEPT.match(ln.text.strip())
        if m:
            return clean_name(m.group(1))
    return ""
