"""Structure: whether the document has the tables and the parts its kind and layout call for.

- ``table_missing``: a table of the document's set is not printed. The set depends on the layout (``data/layouts.csv``:
  the local 决算's nine, 教育部 高校's four, 江苏's twelve 预算 tables, 上海's nine, the nine 预算 families elsewhere);
  the layout is chosen by a title only it prints. A table counts as printed when juesuan read it or when its title is
  printed outside the contents (a table printed but not read is the reader's problem, reported by the table checks).
  A file that prints no table at all (narrative and tables published as two files) is not checked, nor one that
  prints fewer than half of its layout's tables (an excerpt, a 三公-only notice).
- ``empty_table_unexplained``: a table printed without any amount (07, 08, 09 mostly) and no sentence saying why
  ("本单位无政府性基金收入…，故本表无数据"), neither under the table nor in the narrative. Not checked in a file
  without a 情况说明 (江苏 publishes tables and narrative as two files: the reason may be in the other).
- ``empty_table_statement``: a table whose note says it is empty (or that there is nothing of its kind) while it prints
  non-zero amounts.
- ``narrative_table_blank``: the narrative states a non-zero figure of a table's subject (三公经费 47.91万元) while that
  table prints nothing (``data/table_subjects.csv``).
- ``section_missing``: a part of the 情况说明 the layout calls for (``data/sections.csv``: 名词解释, 机关运行经费, 政府采购,
  国有资产, 绩效 …) is nowhere in the text. Checked only in documents that carry a 情况说明 at all.
- ``toc_table_count``: the contents list a number of tables that differs from the tables printed (beyond the tables
  already reported missing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..tables import ParsedTable
from ..tables.spec import title_index
from ..textnorm import CN_NUMERAL, ORD_PAREN, PART, match_key, strip_ordinal
from .ledger import Ledger, make_finding
from .text import Text, TextLine
from .vocab import load_csv

# Why a table is empty, as notes put it: "故本表无数据", "本表为空表", "此表为空", "本表数为零", "本部门无相关收支项目",
# "没有政府性基金收入，也没有…支出", "本单位无国有资本经营预算财政拨款支出", "不涉及"
_SAYS_EMPTY = re.compile(r"无数据|为空|空表|数为零|无相关|不涉及|本表为0|本表无")
_SAYS_NONE = re.compile(r"(?:无|没有|未)[^，。；]{0,30}?(?:收入|支出|经费|预算|安排|项目)")
# "江苏省高级人民法院2017年政府性基金支出预算支出0万元" states the empty table's figure outright
_ZERO = re.compile(r"(?<![\d.])0(?:\.0+)?万元|为零")
_YEARS = re.compile(r"(?:19|20)\d{2}年度?|\d{2}年(?=度?(?:部门|单位|预算|决算))")
_LABEL = re.compile(
    r"^公开\d{1,2}表[:：]?|^表[一二三四五六七八九十\d]{1,3}[:：、.．]?|^公开表[一二三四五六七八九十]{1,3}"
)
_TITLE_PREFIX_MAX = 30
_CLASS_NOTE = re.compile(r"[（(](?:功能科目|经济科目|功能分类|经济分类)[）)]$")
_INLINE_HEADING = re.compile(rf"(?:{CN_NUMERAL}+、|{ORD_PAREN}|{PART})[^，。；:：]{{2,30}}")


@dataclass(frozen=True)
class LayoutTable:
    table: str
    families: tuple[str, ...]
    titles: tuple[str, ...]  # match keys


@lru_cache(maxsize=1)
def layouts() -> dict[str, list[LayoutTable]]:
    """layout → its tables (``data/layouts.csv``)."""
    out: dict[str, list[LayoutTable]] = {}
    for r in load_csv("layouts.csv"):
        out.setdefault(r["layout"], []).append(
            LayoutTable(
                r["table"],
                tuple(f for f in r["families"].split("|") if f),
                tuple(match_key(t) for t in r["titles"].split("|")),
            )
        )
    return out


def title_key(text: str) -> str:
    """A printed title as a key: ordinal, 公开NN表 label, years, a closing "（功能科目）" and punctuation out
    ("2024年部门财务收支预算总表" → "部门财务收支预算总表")."""
    t = _LABEL.sub("", strip_ordinal(text.lstrip("-•· ")))
    t = _CLASS_NOTE.sub("", _YEARS.sub("", t))
    return match_key(t)


def title_fits(key: str, title: str) -> bool:
    """A title key names the table ``title``: equal, or ending with it after a short prefix (department, 部门/单位)."""
    return key == title or (key.endswith(title) and len(key) - len(title) <= _TITLE_PREFIX_MAX)


def contents_lines(text: Text) -> list[TextLine]:
    """The table of contents: the lines after a 目录 heading, up to the first line that repeats an earlier entry
    (the body starting) or the first line of running text."""
    out: list[TextLine] = []
    lines = text.lines
    start = next((i for i, ln in enumerate(lines) if re.fullmatch(r"-?目录", ln.text)), None)
    if start is None:
        return out
    seen = set()
    for ln in lines[start + 1 :]:
        key = title_key(ln.text)
        if not ln.heading or (key and key in seen):
            break
        seen.add(key)
        out.append(ln)
    return out


@lru_cache(maxsize=1)
def _all_titles() -> tuple[str, ...]:
    known = {t for ts in layouts().values() for lt in ts for t in lt.titles}
    known |= {key for key, _table, _kind in title_index()}
    return tuple(sorted(known, key=len, reverse=True))


def is_table_title(text: str) -> bool:
    """A heading that is the title of a table juesuan knows (any layout), not "第二部分部门预算表"."""
    key = title_key(text)
    return key.endswith("表") and any(title_fits(key, t) for t in _all_titles())


def _is_table_title(ln: TextLine) -> bool:
    return ln.heading and is_table_title(ln.text)


def choose_layout(kind: str, titles: list[str]) -> str:
    """The layout of a document: the first of its kind whose marker title it prints, else the kind's default."""
    default = ""
    for r in load_csv("layouts.csv"):
        if r["kind"] != kind:
            continue
        if not r["marker"]:
            default = default or r["layout"]
        elif any(match_key(m) in t for m in r["marker"].split("|") for t in titles):
            return r["layout"]
    return default


class _Structure:
    """What one document prints: its table titles outside the contents, its contents entries, its parsed tables."""

    def __init__(self, text: Text, parsed: dict[str, ParsedTable]):
        self.text = text
        self.parsed = parsed
        self.contents = contents_lines(text)
        toc = {id(ln) for ln in self.contents}
        self.titles = [ln for ln in text.lines if _is_table_title(ln) and id(ln) not in toc]
        self.title_keys = [title_key(ln.text) for ln in self.titles]
        self.families = {k.split("_")[0] for k in parsed}

    @cached_property
    def has_narrative(self) -> bool:
        """The file carries a 情况说明 (a tables-only file, published apart from its narrative, does not)."""
        lines = self.text.lines
        return bool(_NARRATIVE_TITLE.search("".join(ln.text for ln in lines))) and (
            sum(len(ln.text) for ln in lines if not ln.heading) >= 1500
        )

    def printed(self, t: LayoutTable) -> bool:
        if any(f in self.families for f in t.families):
            return True
        return any(title_fits(k, title) for k in self.title_keys for title in t.titles)

    @property
    def has_tables(self) -> bool:
        return bool(self.parsed) or bool(self.titles)


def table_checks(s: _Structure, kind: str, ledger: Ledger) -> list[str]:
    """``table_missing``; returns the tables reported missing."""
    layout = choose_layout(kind, s.title_keys)
    if not layout:
        ledger.not_checked("table_missing", f"no layout known for a {kind or 'document of unknown kind'}")
        return []
    if not s.has_tables:
        ledger.not_checked("table_missing", "the file prints no table (tables published separately?)")
        return []
    tables = layouts()[layout]
    printed = sum(s.printed(t) for t in tables)
    if 2 * printed < len(tables):
        ledger.not_checked(
            "table_missing", f"the file prints {printed} of the {len(tables)} {layout} tables: an excerpt or a notice"
        )
        return []
    missing = []
    for t in tables:
        finding = None
        if not s.printed(t):
            missing.append(t.table)
            finding = make_finding(
                "table_missing",
                "error",
                f"the {layout} set has table {t.table} ({t.titles[0]}); this document prints no such table",
                table=t.families[0] if t.families else t.table,
                page=s.contents[0].page if s.contents else 1,
                evidence=", ".join(dict.fromkeys(s.title_keys)) or "no table titles",
            )
        ledger.result("table_missing", finding, table=t.families[0] if t.families else t.table)
    return missing


def _layout_table(key: str, layout: list[LayoutTable]) -> LayoutTable | None:
    return next((t for t in layout if any(title_fits(key, title) for title in t.titles)), None)


def toc_checks(s: _Structure, kind: str, missing: list[str], ledger: Ledger) -> None:
    """``toc_table_count``: tables in the contents against tables printed (tables reported missing aside).

    A contents entry and a printed title are the same table when both name one table of the layout (江苏 lists
    "政府采购支出预算表" and prints "2017年政府采购预算表"), or when their keys agree."""
    listed = [ln for ln in s.contents if is_table_title(ln.text)]
    if not listed or not s.has_tables:
        ledger.not_checked(
            "toc_table_count", "no contents listing tables" if not listed else "the file prints no table"
        )
        return
    layout = layouts().get(choose_layout(kind, s.title_keys), [])
    absent = []
    for ln in listed:
        key = title_key(ln.text)
        t = _layout_table(key, layout)
        found = s.printed(t) or t.table in missing if t else any(title_fits(k, key) for k in s.title_keys)
        if not found:
            absent.append(ln)
    finding = None
    if absent:
        finding = make_finding(
            "toc_table_count",
            "warning",
            f"the contents list {len(listed)} tables; {', '.join(ln.text for ln in absent)} is not printed",
            page=absent[0].page,
            evidence=absent[0].text,
        )
    ledger.result("toc_table_count", finding)


def _statement(table: ParsedTable, text: Text) -> str:
    """The sentence saying why a table is empty: its note, else a line printed after its title and before the next
    table's title that says so."""
    if table.note and (_SAYS_EMPTY.search(table.note) or _SAYS_NONE.search(table.note)):
        return table.note
    key = title_key(table.title or "")
    lines = text.lines
    start = next((i for i, ln in enumerate(lines) if ln.page >= table.page and key and title_key(ln.text) == key), None)
    if start is None:
        return ""
    for ln in lines[start + 1 :]:
        if _is_table_title(ln):
            break
        if _SAYS_EMPTY.search(ln.text):
            return ln.text
    return ""


_NARRATIVE_TITLE = re.compile(r"情况说明|决算说明|编制说明|预算说明|决算报表说明")
_FUND_WORDS = {"07": ("三公",), "08": ("政府性基金",), "09": ("国有资本经营",)}


def _said_in_narrative(family: str, text: Text) -> str:
    """A sentence of the narrative saying the fund of an empty table has nothing ("本部门无政府性基金预算")."""
    words = _FUND_WORDS.get(family, ())
    for s in text.sentences:
        t = s.text
        if any(w in t for w in words) and (_SAYS_NONE.search(t) or _SAYS_EMPTY.search(t) or _ZERO.search(t)):
            return t
    return ""


def _page_of(text: Text, note: str, table: ParsedTable) -> int:
    for ln in text.lines:
        if note and note[:12] in ln.text and ln.page >= table.page:
            return ln.page
    return table.page


def empty_checks(s: _Structure, ledger: Ledger) -> None:
    """``empty_table_unexplained`` and ``empty_table_statement`` for every table read."""
    for key, table in s.parsed.items():
        note = _statement(table, s.text)
        nonzero = [c for c in table.cells if c.get("value") not in (None, 0, 0.0)]
        if table.empty:
            said = note or _said_in_narrative(table.table.split("_")[0], s.text)
            if not said and not s.has_narrative:
                # 江苏 publishes its tables and its 情况说明 as two files: the reason is in the other one
                ledger.not_checked(
                    "empty_table_unexplained",
                    "no note under the table and no 情况说明 in this file (tables published apart from the narrative?)",
                    table=key,
                )
                continue
            finding = None
            if not said:
                finding = make_finding(
                    "empty_table_unexplained",
                    "warning",
                    f"table {key} ({table.title or table.label}) prints no amount and no sentence says why",
                    table=key,
                    page=table.page,
                    evidence=table.title or table.label,
                )
            ledger.result("empty_table_unexplained", finding, table=key)
        if note and _SAYS_EMPTY.search(note):
            finding = None
            if nonzero:
                c = nonzero[0]
                finding = make_finding(
                    "empty_table_statement",
                    "error",
                    f"table {key} says it is empty ({note}) but prints {len(nonzero)} non-zero amounts, "
                    f"{c.get('name') or c.get('item') or ''} {c.get('printed')}",
                    table=key,
                    page=_page_of(s.text, note, table),
                    evidence=note,
                )
            ledger.result("empty_table_statement", finding, table=key)


def blank_checks(s: _Structure, facts, ledger: Ledger) -> None:
    """``narrative_table_blank``: a non-zero narrative figure of an empty table's subject."""
    subjects: dict[str, list[str]] = {}
    for r in load_csv("table_subjects.csv"):
        subjects.setdefault(r["family"], []).append(r["word"])
    stated_all = _stated_amounts(facts)
    for family, words in sorted(subjects.items()):
        tables = [t for k, t in s.parsed.items() if k.split("_")[0] == family]
        if not tables:
            continue
        table = tables[0]
        stated = [r for r in stated_all if any(w in str(r["concept"]) for w in words)]
        if not table.empty or not stated:
            ledger.not_checked(
                "narrative_table_blank",
                "the table prints amounts" if not table.empty else "the narrative states no figure of it",
                table=family,
            )
            continue
        f = stated[0]
        ledger.result(
            "narrative_table_blank",
            make_finding(
                "narrative_table_blank",
                "error",
                f"the narrative states {f['concept']} {f['value']:g}万元 (page {f['page']}) but table {family} "
                f"({table.title or table.label}, page {table.page}) prints no amount",
                table=family,
                subject=str(f["concept"]),
                actual=float(f["value"]),
                page=int(f["page"]) if f["page"] is not None else table.page,
                evidence=f["sentence"],
            ),
            table=family,
        )


def _stated_amounts(facts) -> list[dict]:
    """The stated (not derived), non-zero 本年 amounts in 万元 among ``facts`` (fact rows, or the facts frame), as
    dicts."""
    if facts is None or not len(facts):
        return []
    # row by row over the values, not five pandas comparisons and a .loc (which cost more than the whole check on a
    # document's few hundred facts). The rule is the frame's nullable logic: a missing figure, period, unit or
    # ``derived`` (None, NA) leaves the fact out, as does a missing or zero value.
    columns = ("figure", "period", "unit", "derived", "value", "concept", "page", "sentence")
    if hasattr(facts, "columns"):
        rows = zip(*(facts[k].tolist() for k in columns))
    else:
        rows = ((r.get(k) for k in columns) for r in facts)
    out = []
    wanted = ("amount", "本年", "万元")
    for figure, period, unit, derived, v, c, p, t in rows:
        # a missing text is None or pd.NA, whose comparisons are NA, not False: only a str is compared
        if derived is not False or not v or v != v:
            continue
        if not all(type(x) is str and x == w for x, w in zip((figure, period, unit), wanted)):
            continue
        out.append({"concept": c, "value": float(v), "page": p if type(p) is int else None, "sentence": t})
    return out


def section_checks(s: _Structure, kind: str, year: int | None, ledger: Ledger) -> None:
    """``section_missing``: each part the layout's 情况说明 calls for (in the report year's template) is named by a
    heading."""
    layout = choose_layout(kind, s.title_keys)
    wanted = [
        r
        for r in load_csv("sections.csv")
        if r["kind"] == kind and r["layout"] == layout and (not r["first_year"] or (year or 0) >= int(r["first_year"]))
    ]
    if not wanted:
        ledger.not_checked("section_missing", f"no sections listed for the {layout or kind} layout")
        return
    if not s.has_narrative:
        ledger.not_checked("section_missing", "the document has no 情况说明 (a tables-only file or another report)")
        return
    headings = [ln.text for ln in s.text.lines if ln.heading]
    # web copies run headings into the text: "…如下。 九、机关运行经费支出情况 2017年…"
    inline = _INLINE_HEADING.findall("".join(ln.text for ln in s.text.lines if not ln.heading))
    for r in wanted:
        words = r["words"].split("|")
        finding = None
        if not any(w in h for w in words for h in headings + inline):
            finding = make_finding(
                "section_missing",
                "warning",
                f"the {layout} 情况说明 has a part on {r['section']}; no heading of this document names {words[0]}",
                subject=r["section"],
                page=s.contents[0].page if s.contents else 1,
                evidence=("目录: " + " / ".join(ln.text for ln in s.contents))[:300]
                if s.contents
                else "headings: " + " / ".join(headings)[:290],
            )
        ledger.result("section_missing", finding, subject=r["section"])


def structure_checks(
    text: Text, parsed: dict[str, ParsedTable], facts, kind: str, year: int | None, ledger: Ledger
) -> Ledger:
    """All checks of this module on one document: ``parsed`` are its tables as read, ``facts`` its fact rows
    (``narrative.fact_rows``) or facts frame."""
    s = _Structure(text, parsed)
    missing = table_checks(s, kind, ledger)
    toc_checks(s, kind, missing, ledger)
    empty_checks(s, ledger)
    blank_checks(s, facts, ledger)
    section_checks(s, kind, year, ledger)
    return ledger
