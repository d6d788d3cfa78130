"""Narrative (情况说明) → facts: the figures a 决算/预算 narrative states, and their checks against the tables.

``lines_to_facts`` reads the text lines of a RawDocument (table rows are ignored) into the ``facts`` contract: one row per
stated figure, keyed by a canonical key from ``juesuan/data/fact_keys.csv`` (收入合计, 基本支出, 三公经费 …; 科目决算 and
科目年初预算 with the 功能分类 code for subjects cited by name), with prior-year values where the narrative gives them
or where they follow from a stated change ("与上年相比，减少15.15万元" → 上年 = 本年 + 15.15, derived).
``facts_to_findings`` compares every fact that restates a table figure with the table, and the narrative's shares,
completion rates and changes with its own figures, in the ``findings`` contract.

How a paragraph is read: lines are joined into paragraphs (a sentence broken over lines is one sentence; the row of
its first line is kept), normalised (whitespace out — "2021 年 度 收 入 总 计" —, NFKC for full/half width, quotes
out), then scanned left to right into tokens: key phrases, 类/款/项 citations, stage words (年初预算, 决算数), change
words (增加, 减少, 持平), prior-year markers (上年, 与2020年相比), share and completion words (占, 完成预算) and
numbers with their units. A small state machine walks the tokens: a phrase sets the subject, a number takes the
subject of its clause, or the subject carried from an earlier clause when a stage/change/comparison word says the
clause continues it. Everything the narrative does not say in these patterns is left alone: a number without a
recognised subject is not a fact.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import pandas as pd

from .codes import class_code_for_name, resolve_subject
from .raw import Line
from .schema import frame_from_records
from .textnorm import fix_radicals, parse_amount, squash
from .validate.ledger import Ledger, make_finding

PRIOR, CURRENT = "上年", "本年"
SUBJECT = "科目决算"  # the key of a cited subject's 决算; its budget is 科目年初预算 (fact_keys.csv)
SUFFIXES = ("占比", "完成率", "增减额", "增减率")


# ----------------------------------------------------------------------------------------------------------------
# Vocabulary: keys are data (fact_keys.csv); the grammar words below are how narratives phrase any key.


@dataclass(frozen=True)
class FactKey:
    """One row of fact_keys.csv."""

    key: str
    concept: str
    basis: str
    subject: str
    unit: str
    kind: str  # money | count | suffix
    group: str
    check: str
    cells: tuple[tuple[str, str, str], ...]  # (table, row name or {code}, measure) alternatives
    budget: str
    description: str
    aliases: tuple[str, ...]


@lru_cache(maxsize=1)
def fact_keys() -> dict[str, FactKey]:
    """The canonical fact keys, from juesuan/data/fact_keys.csv (key → FactKey)."""
    out: dict[str, FactKey] = {}
    with resources.files("juesuan").joinpath("data/fact_keys.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            cells = tuple(tuple(spec.split("/")) for spec in row["cells"].split(";") if spec)
            aliases = tuple(a for a in row["aliases"].split("|") if a)
            out[row["key"]] = FactKey(
                row["key"],
                row["concept"],
                row["basis"],
                row["subject"],
                row["unit"],
                row["kind"],
                row["group"],
                row["check"],
                cells,
                row["budget"],
                row["description"],
                aliases,
            )  # type: ignore[arg-type]
    return out


def key_info(key: str) -> FactKey | None:
    """The FactKey of a fact key, resolving the suffix families ("人员经费占比" → the {key}占比 row)."""
    keys = fact_keys()
    if key in keys:
        return keys[key]
    for suffix in SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] in keys:
            return keys["{key}" + suffix]
    return None


# Stage words: which figure of a subject a number is. Longest phrase wins when tokens overlap.
_STAGES = {
    "预算": [
        "年初预算数",
        "年初预算",
        "预算数",
        "预算",
        "调整预算数",
        "当年调整预算数",
        "全年预算数",
        "支出预算数",
        "支出预算",
        "控制数",
        "年初预算安排",
    ],
    "决算": ["决算数", "决算", "支出决算数", "支出决算", "实际支出", "执行数", "决算支出", "支出决算为"],
}
_CHANGES = {
    +1: ["增加了", "增加", "增长", "上升", "提高", "增幅", "涨幅", "多支出"],
    -1: ["减少了", "减少", "下降", "降低", "减幅", "降幅", "节约", "少支出"],
}
_FLAT = ["持平", "无增减", "无变化"]
# After a stated change "基本持平" is a comment, not a second change (seed 002: "减少6.68万元，基本持平").
_IGNORE = ["基本持平", "增减变化", "增减变动", "增减", "预算绩效", "决算数大于", "决算数小于", "决算数等于"]
# A number after these is not the subject's figure: 追加 (seed 002 "年中追加预算50万元"), 差异 (seed 001).
_BLOCK = ["追加预算", "追加财政预算", "追加", "调整追加", "差异", "预算收入", "预算支出", "其中区级", "结余结转"]
_PRIOR = [
    "上年度",
    "上年",
    "上一年度",
    "上一年",
    "去年",
    "比上年",
    "较上年",
    "比上年度",
    "较上年度",
    "上年决算数",
    "上年同期",
]
_YOY = ["与上年相比", "与上年度相比", "与上一年度相比", "与上年同期相比", "同比", "与去年相比"]
_SHARE = ["占比", "占"]
_COMPLETE = [
    "完成年初预算数",
    "完成年初预算",
    "完成预算数",
    "完成预算度",
    "完成预算",
    "完成当年调整预算",
    "完成调整预算",
    "完成全年预算",
    "为年初预算",
    "为预算",
]
# Phrases that qualify the phrase before them without changing what it is ("三公经费财政拨款支出预算",
# "机关运行经费支出", "社会保障和就业（类）支出").
_QUALIFIERS = {
    "财政拨款支出",
    "一般公共预算财政拨款支出",
    "财政拨款",
    "一般公共预算财政拨款",
    "支出",
    "经费",
    "财政拨款资金",
    "一般公共预算财政拨款本年支出",
}
# A key phrase must not be the tail of a longer noun (seed 000's appendix: "医保费项目支出 41 万元" is one project,
# not 项目支出). These characters may stand before a phrase; any other Chinese character blocks it.
_BEFORE_OK = set("年度中为及和与局位门是占其本的在对含共总各均即且或按由系另而但计无")
_BARE_BEFORE_OK = set("年度")

_MONEY_UNITS = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000)}
_COUNT_UNITS = ("辆", "个", "批次", "人次", "台(套)")
_NUMBER = re.compile(
    r"(?<![\d.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(万人次|万人|万元|亿元|元|%|辆|个|批次|人次|台\(套\)|台|套|人|名|家次|家|次|份|项|年度|年|月|日|天|分|倍|户|条|万)?"
)
_YEARCMP = re.compile(r"(?:与|比|较|同比)((?:19|20)\d\d)年度?")
_CLAUSE = set(",;:、，；：")
_SENTENCE = set("。!?！？")
_QUOTES = set("\"'“”‘’「」『』《》")


def _n(text: str) -> str:
    """Normalise a vocabulary phrase the way paragraph text is normalised."""
    return "".join(
        unicodedata.normalize("NFKC", c) if len(unicodedata.normalize("NFKC", c)) == 1 else c
        for c in squash(fix_radicals(text))
        if c not in _QUOTES
    )


@dataclass(frozen=True)
class _Vocab:
    pattern: re.Pattern
    kinds: dict[str, tuple[str, object]]


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    kinds: dict[str, tuple[str, object]] = {}

    def add(phrase: str, kind: str, payload: object) -> None:
        kinds.setdefault(_n(phrase), (kind, payload))

    # Grammar first: a phrase that is both a stage word and an alias is read as the stage word.
    for words, kind in (
        (_IGNORE, "ignore"),
        (_BLOCK, "block"),
        (_COMPLETE, "complete"),
        (_YOY, "yoy"),
        (_PRIOR, "prior"),
        (_FLAT, "flat"),
        (_SHARE, "share"),
    ):
        for w in words:
            add(w, kind, None)
    for stage, words in _STAGES.items():
        for w in words:
            add(w, "stage", stage)
    for sign, words in _CHANGES.items():
        for w in words:
            add(w, "change", sign)
    for fk in fact_keys().values():
        for alias in fk.aliases:
            if alias.startswith("@"):
                add(alias[1:], "bare", fk.key)
            else:
                add(alias, "count" if fk.kind == "count" else "alias", fk.key)
    # 类 names as printed in structure sentences ("卫生健康支出1351.73万元") are subjects too.
    try:
        from .codes import default_catalog

        e = default_catalog().entries
        classes = e[(e["classification"] == "功能分类") & (e["level"] == "类")]
        for name in classes["name"]:
            add(name, "class", name)
    except ImportError:  # pragma: no cover
        pass
    phrases = sorted(kinds, key=len, reverse=True)
    return _Vocab(re.compile("|".join(re.escape(p) for p in phrases)), kinds)


# ----------------------------------------------------------------------------------------------------------------
# Paragraphs: text lines joined where a sentence runs on, with the section scope they stand in.

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_HEADING = re.compile(
    r"^(?:-\s*)?(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]"
    r"|\d+[.、．](?!\d))"
)
_LIST_START = re.compile(
    r"^(?:-\s*)?(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d)|[①-⑳])"
)
_TERMINAL = tuple("。！？!?；;：:")
_HAS_MONEY = re.compile(r"\d\s*(?:万元|元|%)")
_CITATION_MARK = re.compile(r"[(（]\s*\d{0,3}\s*[类款项]\s*[)）]")
# Sections whose generic phrases mean a fund's figures (seed 000 八: "年初结转和结余0万元；支出0万元，其中基本支出0万元").
_SCOPES = {
    "政府性基金": {
        "收入合计": "政府性基金预算财政拨款收入",
        "财政拨款收入": "政府性基金预算财政拨款收入",
        "支出合计": "政府性基金预算财政拨款支出",
        "财政拨款支出": "政府性基金预算财政拨款支出",
        "基本支出": "政府性基金预算财政拨款基本支出",
        "项目支出": "政府性基金预算财政拨款项目支出",
        "年初结转和结余": "政府性基金预算财政拨款年初结转和结余",
        "年末结转和结余": "政府性基金预算财政拨款年末结转和结余",
    },
    "国有资本经营": {
        "收入合计": "国有资本经营预算财政拨款收入",
        "财政拨款收入": "国有资本经营预算财政拨款收入",
        "支出合计": "国有资本经营预算财政拨款支出",
        "财政拨款支出": "国有资本经营预算财政拨款支出",
        "基本支出": "国有资本经营预算财政拨款基本支出",
        "项目支出": "国有资本经营预算财政拨款项目支出",
    },
    # Section 四 of the standard template: "财政拨款收入总计1026.81万元、支出总计1026.81万元" (seed 003).
    "财政拨款": {"收入总计": "财政拨款收入总计", "支出总计": "财政拨款支出总计", "收支总计": "财政拨款收支总计"},
}


@dataclass
class Paragraph:
    """Text lines joined into one paragraph: ``text`` has whitespace removed, ``starts`` maps offsets to rows."""

    text: str
    starts: list[tuple[int, int, int]]  # (offset in text, source row, page)
    scope: str = ""

    def row_at(self, offset: int) -> int:
        return self._at(offset)[1]

    def page_at(self, offset: int) -> int:
        return self._at(offset)[2]

    def _at(self, offset: int) -> tuple[int, int, int]:
        found = self.starts[0]
        for start in self.starts:
            if start[0] <= offset:
                found = start
        return found


def _is_heading(s: str) -> bool:
    if _CITATION_MARK.search(s) or _HAS_MONEY.search(s):
        return False
    if _HEADING.match(s) and len(s) <= 40:
        return True
    return len(s) <= 20 and not s.endswith(_TERMINAL)


def _scope_of(heading: str) -> str:
    if "政府性基金" in heading:
        return "政府性基金"
    if "国有资本经营" in heading:
        return "国有资本经营"
    if "财政拨款收入支出决算总体" in heading or "财政拨款收支" in heading:
        return "财政拨款"
    return ""


def lines_to_paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Join the narrative's text lines into paragraphs; table rows end a paragraph and are not read.

    A line continues the one before when that one does not end a sentence (。；：…), is not a heading, and the line
    does not start a list item ("3、", "（二）") — seed 000 breaks "其他一般公\\n\\n共服务支出（项）", seed 004 breaks
    "医疗保障\\n政策管理(项):支出决算为 10.72 万元". A citation line without figures is joined with the line that
    gives them (seed 000: "2、卫生健康（类）公共卫生（款）其他公共卫生支出（项）。" / "年初预算为9.74万元…").
    """
    out: list[Paragraph] = []
    scope = ""
    current: Paragraph | None = None
    for line in lines:
        if line.is_row:
            current = None
            continue
        s = squash(_BOOKMARK.sub("", line.text))
        if not s:
            continue
        if _is_heading(s):
            scope = _scope_of(s)
            current = None
            continue
        if current is not None and not _LIST_START.match(s):
            current.starts.append((len(current.text), line.row, line.page))
            current.text += s
        else:
            current = Paragraph(s, [(0, line.row, line.page)], scope)
            out.append(current)
        ends = s.endswith(_TERMINAL)
        citation_only = bool(_CITATION_MARK.search(s)) and not _HAS_MONEY.search(s)
        if ends and not citation_only:
            current = None
    return out


def _normalise(text: str) -> tuple[str, list[int]]:
    """NFKC per character, quotes dropped, "收、支" → "收支"; returns the text and each character's source offset."""
    chars: list[str] = []
    index: list[int] = []
    for i, c in enumerate(text):
        if c in _QUOTES:
            continue
        if c == "、" and 0 < i < len(text) - 1 and text[i - 1] == "收" and text[i + 1] == "支":
            continue
        n = unicodedata.normalize("NFKC", fix_radicals(c))
        chars.append(n if len(n) == 1 else c)
        index.append(i)
    return "".join(chars), index


# ----------------------------------------------------------------------------------------------------------------
# Tokens


@dataclass
class _Tok:
    kind: str
    start: int
    end: int
    text: str
    payload: object = None


_CITE_STOP = re.compile(r"[，。；;：:,!?！？\d]")


def _citations(t: str) -> list[tuple[int, int]]:
    """Spans of 类/款/项 citations: the class name before （类） through the 款/项 markers that follow."""
    spans = []
    for m in re.finditer(r"\(\d{0,3}类\)", t):  # 上海 writes the code inside: "公共安全支出（204类）"
        start = m.start()
        while start > 0 and "\u4e00" <= t[start - 1] <= "\u9fff" and m.start() - start < 20:
            start -= 1
        end = m.end()
        for follow in re.finditer(r"\(\d{0,2}(款|项)\)", t[m.end() :]):
            a, b = m.end() + follow.start(), m.end() + follow.end()
            if _CITE_STOP.search(t, end, a) and not t[end:a].isdigit():
                break
            end = b
        # An unmarked next level ("…（款）其他行政事业单位养老支出年初预算为0") runs to a stop or a grammar word.
        stop = _CITE_STOP.search(t, end)
        tail_end = stop.start() if stop else len(t)
        g = _vocab().pattern.search(t, end, tail_end)
        while g and _vocab().kinds[g.group(0)][0] in ("alias", "class", "count", "bare") and g.group(0) in _QUALIFIERS:
            g = _vocab().pattern.search(t, g.end(), tail_end)
        if g and _vocab().kinds[g.group(0)][0] not in ("alias", "class", "count", "bare"):
            tail_end = g.start()
        spans.append((start, tail_end))
    return spans


def _tokens(t: str) -> list[_Tok]:
    vocab = _vocab()
    cites = _citations(t)
    toks: list[_Tok] = [_Tok("cite", a, b, t[a:b]) for a, b in cites]

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in cites)

    for m in _YEARCMP.finditer(t):
        if free(m.start(), m.end()):
            toks.append(_Tok("yearcmp", m.start(), m.end(), m.group(0), int(m.group(1))))
    taken = [(x.start, x.end) for x in toks]

    def clear(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _NUMBER.finditer(t):
        if clear(m.start(), m.end()):
            toks.append(_Tok("number", m.start(), m.end(), m.group(0), (m.group(1), m.group(2) or "")))
    taken = [(x.start, x.end) for x in toks]
    pos = 0
    while True:
        m = vocab.pattern.search(t, pos)
        if not m:
            break
        if clear(m.start(), m.end()):
            kind, payload = vocab.kinds[m.group(0)]
            toks.append(_Tok(kind, m.start(), m.end(), m.group(0), payload))
            pos = m.end()
        else:
            pos = m.start() + 1
    for i, c in enumerate(t):
        if (c in _CLAUSE or c in _SENTENCE) and clear(i, i + 1) and not _inside_number(t, i):
            toks.append(_Tok("end" if c in _SENTENCE else "sep", i, i + 1, c))
    toks.sort(key=lambda x: (x.start, x.end))
    return toks


def _inside_number(t: str, i: int) -> bool:
    # A thousands separator ("5,545.08") is not a clause break.
    return t[i] == "," and 0 < i and t[i - 1].isdigit() and re.match(r",\d{3}(?!\d)", t[i:]) is not None


# ----------------------------------------------------------------------------------------------------------------
# Reading a paragraph


@dataclass
class _Subject:
    key: str  # a fact key, or SUBJECT for a cited 类/款/项
    code: str = ""
    start: int = 0  # where the sentence that set it starts (for the fact's sentence)
    end: int = 0  # end of the phrase
    bare: bool = False


@dataclass
class _Fact:
    key: str
    period: str
    code: str
    value: Decimal
    unit: str
    derived: bool = False
    formula: str = ""
    start: int = 0
    end: int = 0
    para: int = 0
    year: int | None = None
    subject_name: str = ""


def _fmt(d: Decimal) -> str:
    s = format(d.normalize(), "f")
    return s


def _resolve(citation: str, year: int | None) -> str:
    """The code a citation names (juesuan.codes.resolve_subject), else the 类 code of a class-only citation."""
    code = resolve_subject(citation, year) or resolve_subject(citation)
    if code:
        return code
    parts = re.split(r"\((?:类|款|项)\)", citation)
    if len(parts) == 2:
        return class_code_for_name(parts[0])
    return ""


class _Reader:
    """Reads paragraphs in order; keeps the facts so a later change can find the value it changes."""

    def __init__(self, year: int | None):
        self.year = year
        self.facts: list[_Fact] = []
        self.sentences: dict[int, tuple[str, list[int], Paragraph]] = {}
        self.pending: _Subject | None = None

    # -- helpers ------------------------------------------------------------------------------------------------
    def _scoped(self, key: str, scope: str) -> str:
        return _SCOPES.get(scope, {}).get(key, key)

    def _staged(self, subj: _Subject, stage: str) -> str | None:
        if stage == "决算":
            return subj.key
        fk = fact_keys().get(subj.key)
        return fk.budget if fk and fk.budget else None

    def _current(self, key: str, code: str, para: int) -> _Fact | None:
        same = [
            f
            for f in self.facts
            if f.key == key and f.code == code and f.period == CURRENT and f.unit == "万元" and not f.derived
        ]
        here = [f for f in same if f.para == para]
        return (here or same or [None])[-1]

    def _add(self, fact: _Fact) -> None:
        self.facts.append(fact)

    # -- the state machine --------------------------------------------------------------------------------------
    def read(self, p: Paragraph, pi: int) -> None:  # noqa: C901 (to be split)
        t, index = _normalise(p.text)
        self.sentences[pi] = (t, index, p)
        toks = _tokens(t)
        unit_hint = next((m.group(2) for m in _NUMBER.finditer(t) if m.group(2) in _MONEY_UNITS), "万元")
        subj: _Subject | None = None
        if self.pending is not None and toks and toks[0].kind == "stage":
            subj = self.pending  # the citation line before gave the subject (seed 000 "年初预算为2万元")
        self.pending = None
        head: _Subject | None = None
        sent_head: _Subject | None = None
        sent_start = 0
        stage = "决算"
        clause_alias = clause_cue = prior_mode = blocked = share_mode = complete_mode = False
        change: int | None = None
        yoy = False
        clause_year: int | None = None
        share_whole: str | None = None
        count_key: str | None = None
        clause_count = False
        prev: _Tok | None = None
        any_number = False
        sent_numbers = False
        carry_full = True
        clause_tokens = False
        clause_from = 0
        last_stage, last_period = "决算", CURRENT
        stage_said = False

        def set_subject(s: _Subject) -> None:
            nonlocal subj, head, sent_head, stage, clause_alias, clause_tokens
            subj, stage, clause_alias, clause_tokens = s, "决算", True, True
            if head is None:
                head = s
            if sent_head is None:
                sent_head = s

        for tok in toks:
            k = tok.kind
            if k in ("sep", "end"):
                # A clause that names something unrecognised ("主要为其他财政对社会保险基金的补助项目", seed 001)
                # changes the topic: what follows is not the carried subject's.
                if not clause_alias and not clause_tokens and _cjk_count(t, clause_from, tok.start) >= 6:
                    subj = None
                # 上年 covers the rest of the sentence ("上年度卫生健康支出占…44.3%，农林水支出占…23.8%", seed 001),
                # up to a semicolon or the sentence end.
                if k == "end" or tok.text == ";":
                    prior_mode = False
                clause_alias = clause_cue = blocked = share_mode = complete_mode = False
                clause_count = clause_tokens = False
                clause_from = tok.end
                change, share_whole, clause_year, stage, stage_said = None, None, None, "决算", False
                if k == "end":
                    if sent_head is not None:
                        subj = sent_head
                    # A sentence that gave figures hands on its subject only to a change or comparison
                    # ("986.66万元。与上年相比，减少15.15万元"); one that only named it (a citation) hands it on
                    # to stage words too ("…其他公共卫生支出（项）。年初预算为9.74万元").
                    carry_full = not sent_numbers
                    sent_numbers = False
                    # "其中…" continues the sentence before: its topic stays the one carried on (seed 002).
                    sent_head = subj if t[tok.end :].startswith("其中") else None
                    sent_start = tok.end
                prev = tok
                continue
            # What makes a clause "recognised" (see the topic change above): any grammar word, a figure, or a
            # phrase that sets the subject (set_subject marks that).
            if k in ("stage", "change", "flat", "prior", "yoy", "yearcmp", "share", "complete", "block", "count") or (
                k == "number" and tok.payload[1] not in ("", "年", "年度", "月", "日")
            ):  # type: ignore[index]
                clause_tokens = True
            adjacent = (
                prev is not None
                and prev.kind in ("alias", "cite", "class", "bare")
                and t[prev.end : tok.start] in ("", "的")
            )
            if k in ("alias", "class", "bare"):
                if adjacent and tok.text in _QUALIFIERS:
                    prev = tok
                    continue
                before = t[tok.start - 1] if tok.start > 0 else ""
                ok = _BARE_BEFORE_OK if k == "bare" else _BEFORE_OK
                if before and "\u4e00" <= before <= "\u9fff" and before not in ok:
                    prev = tok
                    continue
                if k == "class":
                    new = _Subject(SUBJECT, class_code_for_name(str(tok.payload)), sent_start, tok.end)
                else:
                    new = _Subject(self._scoped(str(tok.payload), p.scope), "", sent_start, tok.end, k == "bare")
                if share_mode:
                    share_whole = new.key
                elif k == "bare" and sent_head is not None and sent_head.key != new.key and not p.scope:
                    # seed 001: "培训费…上年度支出 0.01 万元": a bare 支出 does not take over a sentence's subject
                    pass
                else:
                    set_subject(new)
            elif k == "cite":
                if share_mode:
                    share_whole = None
                else:
                    set_subject(_Subject(SUBJECT, _resolve(tok.text, self.year), sent_start, tok.end))
            elif k == "count":
                count_key, clause_count = str(tok.payload), True
            elif k == "stage":
                stage, stage_said = str(tok.payload), True
                if clause_alias or subj is None or subj.start == sent_start or carry_full:
                    clause_cue = True
            elif k == "change":
                change, clause_cue = int(tok.payload), True  # type: ignore[arg-type]
            elif k == "flat":
                if (yoy or prior_mode) and subj is not None:
                    self._flat(subj, stage if stage_said else last_stage, pi, tok)
            elif k == "prior":
                prior_mode = yoy = clause_cue = True
            elif k == "yoy":
                yoy = clause_cue = True
            elif k == "yearcmp":
                y = int(tok.payload)  # type: ignore[arg-type]
                if self.year is None or y == self.year - 1:
                    prior_mode = yoy = clause_cue = True
            elif k == "share":
                share_mode, share_whole = True, None
            elif k == "complete":
                complete_mode = True
            elif k == "block":
                blocked = True
            elif k == "number":
                raw, unit = tok.payload  # type: ignore[misc]
                if unit in ("年", "年度") and len(raw) == 4 and raw[:2] in ("19", "20"):
                    clause_year = int(raw)
                    if self.year is not None and clause_year == self.year:
                        prior_mode = False
                    # "较2019年度" without 相比 is a comparison too (seed 002 "同比2019年度").
                    if t[max(0, tok.start - 2) : tok.start].endswith(("与", "比", "较")) and (
                        self.year is None or int(raw) == self.year - 1
                    ):
                        prior_mode = yoy = clause_cue = True
                    prev = tok
                    continue
                value = parse_amount(raw)
                if value is None:
                    prev = tok
                    continue
                if (
                    unit == ""
                    and prev is not None
                    and prev.kind == "stage"
                    and t[prev.end : tok.start] in ("", "为", "是")
                ):
                    unit = unit_hint  # seed 002: "年初预算为145.05，支出决算数670.3万元"
                if unit in _MONEY_UNITS or unit == "%" or unit in _COUNT_UNITS:
                    any_number = sent_numbers = True  # a list ordinal ("5、") is not a figure
                if unit in _MONEY_UNITS:
                    money = value * _MONEY_UNITS[unit]
                    if blocked:
                        blocked = False
                    elif share_mode:
                        if share_whole and share_whole in fact_keys():
                            self._add(
                                _Fact(share_whole, CURRENT, "", money, "万元", start=sent_start, end=tok.end, para=pi)
                            )
                    elif change is not None:
                        if yoy and subj is not None:
                            key = self._staged(subj, stage if stage_said else last_stage)
                            if key:
                                self._change(key, subj, change * money, pi, tok)
                        change = None
                    elif subj is not None and (clause_alias or clause_cue):
                        key = self._staged(subj, stage)
                        if subj.bare and tok.start - subj.end > 2:
                            key = None
                        last_stage, last_period = stage, PRIOR if prior_mode else CURRENT
                        if key:
                            period = PRIOR if prior_mode else CURRENT
                            fact = _Fact(
                                key,
                                period,
                                subj.code,
                                money,
                                "万元",
                                start=subj.start,
                                end=tok.end,
                                para=pi,
                                year=clause_year,
                            )
                            if period == CURRENT and clause_year is not None:
                                # Two years in one paragraph for one key: the earlier is the prior year
                                # (seed 002: "2020年度机关运行经费支出100.51万元，2019年度…93.83万元").
                                later = [
                                    f
                                    for f in self.facts
                                    if f.para == pi
                                    and f.key == key
                                    and f.code == subj.code
                                    and f.year is not None
                                    and f.year > clause_year
                                ]
                                if later and (self.year is None or clause_year == self.year - 1):
                                    fact.period, yoy = PRIOR, True
                                # …and the other order (上海 司法局 2026: "2025年当年预算执行数为1690.69万元，2026年
                                # 预算安排1434.89万元"): this year's figure makes the earlier year's one 上年
                                if self.year is not None and clause_year == self.year:
                                    for f in self.facts:
                                        if (
                                            f.para == pi
                                            and f.key == key
                                            and f.code == subj.code
                                            and f.year == self.year - 1
                                            and f.period == CURRENT
                                        ):
                                            f.period = PRIOR
                            self._add(fact)
                elif unit == "%":
                    pct = value
                    # The part is the subject named in this sentence ("其中：财政拨款收入985.24万元，占99.86%").
                    if share_mode and subj is not None and (clause_alias or subj.start == sent_start):
                        # The whole a share is of is the sentence's topic ("…基本支出174.72万元，其中：…占基本支出的"),
                        # else the paragraph's.
                        self._share(subj, share_whole, sent_head or head, pct, pi, tok, prior_mode)
                    elif complete_mode and subj is not None:
                        key = self._staged(subj, "决算")
                        if key:
                            self._add(
                                _Fact(
                                    key + "完成率",
                                    PRIOR if prior_mode else last_period,
                                    subj.code,
                                    pct,
                                    "%",
                                    formula=f"{key} / {self._staged(subj, '预算') or '预算'}",
                                    start=subj.start,
                                    end=tok.end,
                                    para=pi,
                                )
                            )
                    elif change is not None and (yoy or prior_mode) and subj is not None:
                        key = self._staged(subj, stage if stage_said else last_stage)
                        if key:
                            self._add(
                                _Fact(
                                    key + "增减率",
                                    CURRENT,
                                    subj.code,
                                    change * pct,
                                    "%",
                                    formula=f"({key} 本年 − 上年) / 上年",
                                    start=subj.start,
                                    end=tok.end,
                                    para=pi,
                                )
                            )
                    share_mode = complete_mode = False
                    change = None
                elif unit in _COUNT_UNITS:
                    self._count(count_key, clause_count, unit, value, pi, sent_start, tok)
            prev = tok
        if not any_number and any(x.kind == "cite" for x in toks) and subj is not None:
            self.pending = subj

    def _count(
        self, key: str | None, in_clause: bool, unit: str, value: Decimal, pi: int, start: int, tok: _Tok
    ) -> None:
        if key is None:
            return
        keys = fact_keys()
        fk = keys[key]
        unit_name = unit.replace("(", "（").replace(")", "）")
        if unit_name in fk.unit.split("|"):
            if not in_clause:
                return  # "其中：轿车 0 辆" is a part, not the count named before
            target = key
        else:
            # seed 000: "团组0个，累计0人次": the sibling of the group with this unit
            siblings = [
                k.key for k in keys.values() if k.group and k.group == fk.group and unit_name in k.unit.split("|")
            ]
            if len(siblings) != 1:
                return
            target = siblings[0]
        self._add(_Fact(target, CURRENT, "", value, unit_name, start=start, end=tok.end, para=pi))

    def _change(self, key: str, subj: _Subject, delta: Decimal, pi: int, tok: _Tok) -> None:
        """A stated year-on-year change: record it, and the prior-year value it implies unless one is stated."""
        self._add(_Fact(key + "增减额", CURRENT, subj.code, delta, "万元", start=subj.start, end=tok.end, para=pi))
        stated = [f for f in self.facts if f.para == pi and f.key == key and f.code == subj.code and f.period == PRIOR]
        if stated:
            return
        cur = self._current(key, subj.code, pi)
        if cur is None:
            return
        op = "-" if delta > 0 else "+"
        self._add(
            _Fact(
                key,
                PRIOR,
                subj.code,
                cur.value - delta,
                "万元",
                derived=True,
                formula=f"{_fmt(cur.value)} {op} {_fmt(abs(delta))}",
                start=min(cur.start, subj.start),
                end=tok.end,
                para=pi,
            )
        )

    def _flat(self, subj: _Subject, stage: str, pi: int, tok: _Tok) -> None:
        key = self._staged(subj, stage)
        cur = self._current(key, subj.code, pi) if key else None
        if key and cur is not None:
            self._add(
                _Fact(
                    key,
                    PRIOR,
                    subj.code,
                    cur.value,
                    "万元",
                    derived=True,
                    formula=f"{_fmt(cur.value)} ({tok.text})",
                    start=min(cur.start, subj.start),
                    end=tok.end,
                    para=pi,
                )
            )

    def _share(
        self,
        part: _Subject,
        whole: str | None,
        head: _Subject | None,
        pct: Decimal,
        pi: int,
        tok: _Tok,
        prior: bool,
    ) -> None:
        implied = whole is None
        if whole is None:
            whole = head.key if head is not None else None
        elif head is not None and head.key != whole and head.key.endswith(whole):
            # seed 000: "财政拨款基本支出174.72万元，其中：人员经费…占基本支出的84.72%" — the 基本支出 of this paragraph
            whole = head.key
        if whole is None or whole == part.key or whole == SUBJECT:
            return
        self._add(
            _Fact(
                part.key + "占比",
                PRIOR if prior else CURRENT,
                part.code,
                pct,
                "%",
                formula=f"{part.key} / {whole}" + (" (implied)" if implied else ""),
                start=part.start,
                end=tok.end,
                para=pi,
            )
        )

    # -- output -------------------------------------------------------------------------------------------------
    def frame(self, doc_id: str) -> pd.DataFrame:
        rows = []
        seen = set()
        for f in self.facts:
            ident = (f.key, f.period, f.code, f.value, f.unit, f.derived)
            if ident in seen:
                continue
            seen.add(ident)
            t, index, p = self.sentences[f.para]
            a = _sentence_start(t, f.start)
            b = _sentence_end(t, f.end)
            # Offsets in the normalised text map back to the printed text (quotes removed there are kept here).
            src_a = index[a - 1] + 1 if a > 0 else 0
            src_b = index[b] if b < len(index) else len(p.text)
            value = float(f.value)
            fa = index[f.start] if f.start < len(index) else src_a
            fb = index[f.end - 1] + 1 if 0 < f.end <= len(index) else src_b
            rows.append(
                {
                    "doc_id": doc_id,
                    "key": f.key,
                    "period": f.period,
                    "code": f.code,
                    "value": value,
                    "unit": f.unit,
                    "derived": f.derived,
                    "formula": f.formula,
                    "sentence": p.text[src_a:src_b],
                    "row": p.row_at(src_a),
                    "page": p.page_at(src_a),
                    "start": max(fa - src_a, 0),
                    "end": max(fb - src_a, 0),
                    "subject_name": f.subject_name,
                }
            )
        return rows


def _cjk_count(t: str, a: int, b: int) -> int:
    return sum(1 for c in t[a:b] if "\u4e00" <= c <= "\u9fff")


def _sentence_start(t: str, i: int) -> int:
    j = i
    while j > 0 and t[j - 1] not in _SENTENCE:
        j -= 1
    return j


def _sentence_end(t: str, i: int) -> int:
    j = max(i, 0)
    while j < len(t) and t[j] not in _SENTENCE:
        j += 1
    return min(j + 1, len(t))


def lines_to_records(lines: list[Line], year: int | None) -> list[dict]:
    """The figures a narrative states, as internal records (keyed by fact key: see ``to_facts`` for the contract).

    ``lines`` are a RawDocument's lines (table rows are skipped); ``year`` is the fiscal year the document reports
    on (None: taken from the text), used only to recognise a comparison with the year before ("与2020年相比").
    Values are in 万元 for money (元 and 亿元 converted), % for shares and rates, counts in their unit. A prior-year
    value computed from a stated change has ``derived`` true and its ``formula``. Never raises on odd text: what is
    not understood is not a fact.
    """
    if year is None:
        year = _infer_year(lines)
    reader = _Reader(year)
    for pi, p in enumerate(lines_to_paragraphs(lines)):
        reader.read(p, pi)
    return reader.frame("")


_SUFFIX_FIGURES = {"占比": "share", "完成率": "rate", "增减额": "change", "增减率": "change"}


def contract_of(key: str, kind: str) -> dict:
    """concept, basis, subject and figure of an internal fact key ("三公经费预算" → 三公经费, 预算; "支出合计增减率" →
    支出合计, change; "科目决算" → 支出 of a 科目)."""
    figure = "amount"
    base = key
    for suffix, fig in _SUFFIX_FIGURES.items():
        if key.endswith(suffix) and key_info(key) is not None and key != suffix:
            base, figure = key[: -len(suffix)], fig
            break
    info = fact_keys().get(base)
    if info is not None and info.kind == "count":
        figure = "count"
    concept = info.concept if info is not None and info.concept else base
    basis = (info.basis if info is not None and info.basis else "") or kind or "决算"
    subject = info.subject if info is not None and info.subject else "部门"
    return {"concept": concept, "basis": basis, "subject": subject, "figure": figure}


def to_facts(
    records: list[dict],
    doc_id: str,
    year: int | None = None,
    department: str = "",
    kind: str = "",
    line_numbers: bool = True,
) -> pd.DataFrame:
    """Internal fact records → the facts contract (concept, subject, basis, period, figure …)."""
    rows = []
    for r in records:
        c = contract_of(r["key"], kind)
        if r["code"]:
            c["subject"] = "科目"
        rows.append(
            {
                **r,
                **c,
                "doc_id": doc_id,
                "year": year,
                "department": department or None,
                "line": r["row"] if line_numbers else None,
            }
        )
    return frame_from_records(rows, "facts")


def lines_to_facts(lines: list[Line], doc_id: str, year: int | None, kind: str = "") -> pd.DataFrame:
    """``lines_to_records`` as the facts contract."""
    return to_facts(lines_to_records(lines, year), doc_id, year, kind=kind)


def _infer_year(lines: list[Line]) -> int | None:
    years = re.findall(r"((?:19|20)\d\d)\s*年度", "\n".join(ln.text for ln in lines if not ln.is_row))
    if not years:
        return None
    return int(max(set(years), key=years.count))


# ----------------------------------------------------------------------------------------------------------------
# Checks: narrative against tables, and against itself

_EPS = 1e-9


def half_unit(value: float) -> float:
    """Half a unit of the last digit a value was printed with ("2" → 0.5, "53.24" → 0.005, "730.8" → 0.05).

    The facts table keeps the value, not its printed text, so "2.00" counts as "2": the tolerance can only err
    towards looser, never towards a false error.
    """
    d = Decimal(repr(float(value))).normalize()
    exponent = d.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return 0.5 * 10**-places


def _rounds_to(actual: float, expected: float, half: float) -> bool:
    """True when ``expected`` printed to the precision of ``actual`` gives ``actual``."""
    step = 2 * half
    return abs(round(expected / step) * step - actual) < _EPS + step * 1e-6


class _CellIndex:
    """The cells of one document indexed once by (table, basis): each narrative figure looks its cell up here."""

    def __init__(self, cells: list[dict]):
        self.by: dict[tuple[str, str], list[dict]] = {}
        self.measures: dict[tuple[str, str], set[str]] = {}
        for c in cells:
            key = (c["table"], c["basis"])
            self.by.setdefault(key, []).append(c)
            self.measures.setdefault(key, set()).add(c["measure"])

    def value(self, ref: tuple[str, ...], code: str, basis: str) -> tuple[float, dict | None] | None:
        """The printed value of one cell; (0.0, None) when its row is printed with that column blank; None when the
        table, the row or the column is not printed."""
        table, side, subject, measure, *fixed = ref
        key = (table, fixed[0] if fixed else basis)
        recs = self.by.get(key)
        if not recs:
            return None
        if subject == "{code}":
            if not code:
                return None
            rows = [c for c in recs if c["code"] == code]
        else:
            rows = [c for c in recs if c.get("item") == subject and not c["code"]]
        rows = [c for c in rows if not side or c.get("side") == side]
        if not rows or measure not in self.measures[key]:
            return None  # the table does not print this row or column (seed 000's 05 has no 年初预算数)
        hit = [c for c in rows if c["measure"] == measure]
        return (float(hit[0]["value"]), hit[0]) if hit else (0.0, None)


def _where(f: dict) -> dict:
    return {"page": f.get("page"), "evidence": f.get("sentence")}


def _table_checks(facts: list[dict], cells: list[dict], kind: str, ledger: Ledger) -> None:
    index = _CellIndex(cells)
    for f in facts:
        if f["period"] != CURRENT or f["derived"] or f["unit"] != "万元":
            continue
        info = fact_keys().get(f["key"])
        if info is None or not info.cells or not info.check:
            continue
        c = contract_of(f["key"], kind)
        scope = {"table": info.cells[0][0], "subject": f["code"] or c["concept"], "measure": ""}
        found = [(ref, v) for ref in info.cells if (v := index.value(ref, f["code"], c["basis"])) is not None]
        if not found:
            ledger.not_checked(info.check, f"no table prints {c['concept']} ({c['basis']})", **scope)
            continue
        tol = half_unit(f["value"])
        ok = [x for x in found if abs(f["value"] - x[1][0]) <= tol + _EPS]
        ref, (v, cell) = (ok or found)[0]
        where = f"{f['code']} " if f["code"] else ""
        if ok and abs(f["value"] - v) < _EPS:
            ledger.result(info.check, None, **scope)
            continue
        severity, verb = ("info", "within the rounding of") if ok else ("error", "does not match")
        ledger.result(
            info.check,
            make_finding(
                info.check,
                severity,
                f"narrative (page {f['page']}) states {c['concept']} {f['value']:g}, {verb} table "
                f"{ref[0]} {where}{ref[2].replace('{code}', '')} {ref[3]} {v:.2f}",
                table=ref[0],
                subject=f["code"] or c["concept"],
                measure=ref[3],
                expected=v,
                actual=float(f["value"]),
                tolerance=round(tol, 6),
                page=f.get("page"),
                evidence=f.get("sentence"),
            ),
            **scope,
        )


class _FactIndex:
    """Stated money facts by (key, code, period), for the narrative's checks against itself."""

    def __init__(self, facts: list[dict]):
        self.by: dict[tuple, list[dict]] = {}
        for f in facts:
            if f["unit"] == "万元" and not f["derived"]:
                self.by.setdefault((f["key"], f["code"], f["period"]), []).append(f)
        self.prior: dict[tuple, list[dict]] = {}
        for f in facts:
            if f["period"] == PRIOR:
                self.prior.setdefault((f["key"], f["code"]), []).append(f)

    def nearest(self, key: str, code: str, period: str, row: int) -> dict | None:
        """The stated money fact for key/code/period closest to ``row`` (the same sentence first, then before it)."""
        c = self.by.get((key, code, period))
        if not c:
            return None
        return min(c, key=lambda f: abs(f["row"] - row) + (f["row"] > row) * 0.5)


def _ratio_finding(check: str, f: dict, part: dict, whole: dict, severity: str, what: str, item: str) -> dict | None:
    p, w = float(part["value"]), float(whole["value"])
    expected = 100 * p / w
    hp, hw, hs = half_unit(p), half_unit(w), half_unit(f["value"])
    tol = hs + 100 * (hp / abs(w) + abs(p) * hw / (w * w))
    if _rounds_to(float(f["value"]), expected, hs):
        return None
    sev = "info" if abs(f["value"] - expected) <= tol + _EPS else severity
    return make_finding(
        check,
        sev,
        f"narrative (page {f['page']}) states {what} {f['value']:g}%; its figures give {p:g} / {w:g} = {expected:.2f}%",
        subject=f["code"] or item,
        expected=round(expected, 4),
        actual=float(f["value"]),
        tolerance=round(tol, 6),
        page=f.get("page"),
        evidence=f.get("sentence"),
    )


def _share_check(f: dict, idx: _FactIndex, ledger: Ledger) -> None:
    part_key = f["key"][:-2]
    whole_key = f["formula"].partition(" / ")[2].replace(" (implied)", "").strip()
    part = idx.nearest(part_key, f["code"], f["period"], f["row"])
    whole = idx.nearest(whole_key, "", f["period"], f["row"])
    scope = {"subject": f["code"] or part_key}
    if part is None or whole is None or abs(float(whole["value"])) < _EPS:
        ledger.not_checked(
            "narrative_share", f"the narrative states no {part_key if part is None else whole_key}", **scope
        )
        return
    # An implied whole is our reading of the sentence, so a miss there is doubtful rather than wrong.
    severity = "warning" if "(implied)" in f["formula"] else "error"
    ledger.result(
        "narrative_share",
        _ratio_finding(
            "narrative_share", f, part, whole, severity, f"the share of {part_key} in {whole_key}", part_key
        ),
        **scope,
    )


def _rate_check(f: dict, idx: _FactIndex, ledger: Ledger) -> None:
    base = f["key"][:-3]
    info = fact_keys().get(base)
    scope = {"subject": f["code"] or base}
    if info is None or not info.budget:
        ledger.not_checked("narrative_rate", f"{base} has no budget figure to compare with", **scope)
        return
    part = idx.nearest(base, f["code"], f["period"], f["row"])
    whole = idx.nearest(info.budget, f["code"], f["period"], f["row"])
    if part is None or whole is None:
        ledger.not_checked("narrative_rate", "the narrative states no 决算 or no 预算 for it", **scope)
        return
    if abs(float(whole["value"])) < _EPS:
        if abs(float(part["value"])) < _EPS and abs(float(f["value"])) < _EPS:
            ledger.result("narrative_rate", None, **scope)  # "预算为0万元，决算为0万元，完成预算的0%"
            return
        ledger.result(
            "narrative_rate",
            make_finding(
                "narrative_rate",
                "error",
                f"narrative (page {f['page']}) states a completion rate of {f['value']:g}% against a budget of 0",
                subject=f["code"] or base,
                actual=float(f["value"]),
                page=f.get("page"),
                evidence=f.get("sentence"),
            ),
            **scope,
        )
        return
    ledger.result(
        "narrative_rate",
        _ratio_finding("narrative_rate", f, part, whole, "error", f"{base} as a share of its budget", base),
        **scope,
    )


def _rate_of_change_check(f: dict, idx: _FactIndex, ledger: Ledger) -> None:
    base = f["key"][:-3]
    scope = {"subject": f["code"] or base}
    cur = idx.nearest(base, f["code"], CURRENT, f["row"])
    prior = idx.prior.get((base, f["code"]))
    if cur is None or not prior:
        ledger.not_checked(
            "narrative_change", "the narrative states no figure for this year or the year before", **scope
        )
        return
    p = prior[0]
    if abs(float(p["value"])) < _EPS:
        ledger.result(
            "narrative_change",
            make_finding(
                "narrative_change",
                "warning",
                f"narrative (page {f['page']}) states a change of {f['value']:g}% in {base} from a prior year of 0",
                subject=f["code"] or base,
                actual=float(f["value"]),
                tolerance=0.0,
                page=f.get("page"),
                evidence=f.get("sentence"),
            ),
            **scope,
        )
        return
    change = dict(cur, value=float(cur["value"]) - float(p["value"]))
    ledger.result(
        "narrative_change",
        _ratio_finding("narrative_change", f, change, p, "warning", f"the year-on-year change of {base}", base),
        **scope,
    )


def _amount_of_change_check(f: dict, idx: _FactIndex, ledger: Ledger) -> None:
    base = f["key"][:-3]
    scope = {"subject": f["code"] or base}
    prior = idx.nearest(base, f["code"], PRIOR, f["row"])  # stated only: a derived one is this change itself
    cur = idx.nearest(base, f["code"], CURRENT, f["row"])
    if prior is None or cur is None:
        ledger.not_checked(
            "narrative_change", "the narrative states no figure for this year or the year before", **scope
        )
        return
    expected = float(cur["value"]) - float(prior["value"])
    tol = half_unit(f["value"]) + half_unit(cur["value"]) + half_unit(prior["value"])
    diff = abs(f["value"] - expected)
    finding = None
    if diff > _EPS:
        within = diff <= tol + _EPS
        finding = make_finding(
            "narrative_change",
            "info" if within else "warning",
            f"narrative (page {f['page']}) states a change of {f['value']:g} in {base}"
            + (
                f"; {cur['value']:g} − {prior['value']:g} = {expected:.2f}"
                if within
                else f", but it states {cur['value']:g} this year and {prior['value']:g} the year before"
            ),
            subject=f["code"] or base,
            expected=expected,
            actual=float(f["value"]),
            tolerance=round(tol, 6),
            page=f.get("page"),
            evidence=f.get("sentence"),
        )
    ledger.result("narrative_change", finding, **scope)


def _narrative_checks(facts: list[dict], ledger: Ledger) -> None:
    idx = _FactIndex(facts)
    for f in facts:
        key = f["key"]
        if f["unit"] == "%" and key.endswith("占比"):
            _share_check(f, idx, ledger)
        elif f["unit"] == "%" and key.endswith("完成率"):
            _rate_check(f, idx, ledger)
        elif f["unit"] == "%" and key.endswith("增减率"):
            _rate_of_change_check(f, idx, ledger)
        elif key.endswith("增减额"):
            _amount_of_change_check(f, idx, ledger)


def fact_checks(facts: list[dict], cells: list[dict], kind: str = "", ledger: Ledger | None = None) -> Ledger:
    """Check the narrative's figures; every check that applies leaves a ledger row, breaks are findings.

    Against the tables (cell records): every stated 本年 money fact whose key names table cells in fact_keys.csv
    (check ids narrative_total, narrative_split, narrative_sangong, narrative_subject) is compared with the cell of
    its basis; the tolerance is half a unit of the narrative number's last printed digit ("2万元" restates 2.00
    exactly enough). Beyond it: error; within it but not equal: info; equal: passed. A fact whose table or row is
    not printed is "not checked". Against itself: shares (narrative_share), completion rates (narrative_rate) and
    stated changes (narrative_change) are recomputed from the narrative's own figures, the tolerance widened by
    the rounding of those figures; a change or an implied whole that does not fit is a warning.
    """
    ledger = ledger if ledger is not None else Ledger()
    if cells:
        _table_checks(facts, cells, kind, ledger)
    _narrative_checks(facts, ledger)
    return ledger


def facts_to_findings(facts: list[dict], cells: list[dict], kind: str = "") -> pd.DataFrame:
    """``fact_checks``' findings as the findings contract (doc_id left empty)."""
    from .validate import findings_frame

    return findings_frame(fact_checks(facts, cells, kind).findings)
