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

from ..raw import Line
from ..textnorm import PAGE_NUMBER, clean_name, match_key, squash, strip_ordinal
from .spec import title_index

# 公开05表 (the 决算 template), 公开表五 / 公开表 5 (江苏 预算)
_LABEL = re.compile(r"公开\s*(?:0?(\d{1,2})\s*表|表\s*([一二三四五六七八九十]{1,3}|\d{1,2})(?![\u4e00-\u9fff]))")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|千元|亿元)")
_DEPT = re.compile(
    r"^(?:部门|单位|预算单位|编制部门|填报单位)(?:名称)?\s*[:：]\s*(.+?)(?:\s+(?:金额)?单位\s*[:：].*)?$"
)
_NOTE_START = re.compile(r"^(?:注|备注|说明|[（(]\s*说明|[（(]?\s*注|\d+[.．、])")
_EMPTY_TABLE = re.compile(r"无数据|本表为空|空表|本表无")
_EMPTY_NOTE = re.compile(
    r"无数据|本表为空|空表|没有.{0,30}(?:收入|支出|经费|预算|决算)|无.{0,20}(?:收入|支出|经费)|不涉及"
)
# A title may carry the year or the department in front ("株洲市石峰区医疗保障局2021年度收入决算表", "2025年部门…");
# any other prefix changes the meaning ("政府采购支出预算表" is not 支出预算表, "财政拨款支出…" not "支出…").
_MAX_TITLE_PREFIX = 30
_TITLE_PREFIX = re.compile(
    r"^(?:\d{4}年度?)?(?:[\u4e00-\u9fff（）]{0,25}?(?:局|委员会|委|办公室|办公厅|办|院|厅|中心|所|站|处|部|队|校|馆|会|社|署|"
    r"政府|街道办事处|镇|乡|部门|单位))?(?:\d{4}年度?)?(?:部门|单位)?$"
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
    text = re.sub(r"^[-•·*]\s*", "", _LABEL.sub("", text).strip())
    key = re.sub(r"^\d{4}年度?", "", match_key(strip_ordinal(text)))
    # a parenthetical after 表 names the classification ("财政拨款支出预算表（功能科目）") and is part of the title
    if not (key.endswith("表") or re.search(r"表\s*[（(][^（）()]{1,8}[）)]\s*$", text)) or len(key) > 60:
        return None
    index = title_index()

    def fits(tkey: str) -> bool:
        return key == tkey or (
            key.endswith(tkey)
            and len(key) - len(tkey) <= _MAX_TITLE_PREFIX
            and bool(_TITLE_PREFIX.match(key[: -len(tkey)]))
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
    """Text that belongs to a table after its rows: notes, units, page numbers, a repeated title or label."""
    s = squash(text)
    if _NOTE_START.match(s) or _UNIT.search(s) or _DEPT.match(text.strip()) or PAGE_NUMBER.match(s):
        return True
    if _LABEL.search(s):
        return True
    m = match_title(text)
    return m is not None and m.table == region.table


def find_tables(lines: list[Line]) -> list[TableRegion]:  # noqa: C901 (to be split)
    """Split a document's lines into table regions, in document order.

    A region without rows is kept only when it carries a 公开NN表 label or a note saying it is empty (a table printed
    as a title and "本表无数据"); a title alone followed by another title is a table-of-contents entry.
    """
    regions: list[TableRegion] = []
    current: TableRegion | None = None
    closed = True  # the current region takes no more lines

    def finish() -> None:
        nonlocal current, closed
        if current is not None and (current.rows or current.label or current.note):
            if current.table != "?" or current.rows:
                regions.append(current)
        current, closed = None, True

    for line in lines:
        candidate = line_title_text(line)
        title = match_title(candidate) if candidate else None
        label = _label_of(candidate) if candidate else ""
        if line.is_row and (title is not None or label or (candidate and _looks_like_title(candidate))):
            line = Line(page=line.page, row=line.row, cells=(candidate,), is_row=False)  # a title in a row
        if title is not None:
            if current is not None and not closed and not current.rows and not current.title:
                # "公开01表" printed above the title: the same table
                current.table, current.kind, current.title = title.table, title.kind, clean_name(candidate)
                current.candidates = title.candidates
                current.lines.append(line)
                continue
            if current is not None and not closed and current.table == title.table and current.rows:
                current.lines.append(line)  # title repeated on a continuation page
                continue
            finish()
            current = TableRegion(
                table=title.table,
                kind=title.kind,
                title=clean_name(candidate),
                label=label,
                lines=[line],
                candidates=title.candidates,
            )
            closed = False
            continue
        if title is None and not label and candidate and _looks_like_title(candidate):
            # a table we do not know (a regional extra such as 四川's 项目支出决算表): its rows must not run into
            # the table before it; they are kept in an unrecognised region for the report
            finish()
            current = TableRegion(table="?", title=clean_name(candidate), lines=[line])
            closed = False
            continue
        if label and not line.is_row:
            if current is not None and not closed and not current.rows and not current.label:
                current.label = label  # the label printed under the title
                current.lines.append(line)
                continue
            if current is not None and not closed and current.rows and current.label == label:
                current.lines.append(line)  # label repeated on a continuation page
                continue
            finish()
            # a label alone does not say which table this is: 预算 sets number their tables their own way (江苏
            # prints 公开10表, 公开11表); the header, or for a 决算 the standard numbering, decides later
            current = TableRegion(table="?", label=label, lines=[line])
            closed = False
            continue
        if line.is_row and _is_meta_row(line):
            # "部门：… | 单位：元" on a spreadsheet row is the table's caption, not a header row
            line = Line(page=line.page, row=line.row, cells=(line.text,), is_row=False)
        if current is None or closed:
            if line.is_row:
                # rows under no title: kept as an untitled region so they are recognised by their header or
                # reported, never passed over in silence
                current, closed = TableRegion(table="?", lines=[line]), False
            continue
        if not line.is_row and _PART.match(squash(line.text)):
            finish()
            continue
        if line.is_row:
            current.lines.append(line)
            continue
        if current.rows and not _is_table_text(line.text, current):
            # narrative after the table's rows: the table is over (the 注 lines before it stay with the table)
            if not _continues_note(current):
                finish()
                continue
        if not current.rows and len(squash(line.text)) > 80 and not _NOTE_START.match(squash(line.text)):
            finish()  # a title followed by narrative: a heading or a contents entry, not a table
            continue
        current.lines.append(line)
    finish()
    return regions


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
