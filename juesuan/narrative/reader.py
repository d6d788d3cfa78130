"""Tokens → facts: the clause reader.

A paragraph's tokens are read left to right. Sentences end at 。！？ and ；, clauses at ，、：and brackets. Each figure
takes the subject its clause names — the whole department or unit (a concept's alias: 支出合计, 三公经费 …), a cited
类/款/项 (subject 科目), a project (项目) — or, when the clause names none but continues the sentence (a basis word, a
comparison, a change: "年初预算为…", "与上年相比，减少…"), the sentence's subject. A concept named after a cited
类/款/项 in the same sentence is a part of that subject ("…（项）拨款支出768.66万元（人员经费699.09万元…）"), never a
headline figure of the department. A sentence hands its subject to the next only if a figure took it (a sentence
that only describes — "主要用于：行政单位的基本支出。" — hands nothing on).

Basis comes from the clause's words (年初预算, 调整预算, 执行数 …; the document's kind otherwise), period from its 上年
words, its comparison ("与2019年度1998.52万元相比") and its year: a figure dated the year before the report is 上年
when the paragraph also states that figure for the report year, else the year is written wrong and it is 本年
(seed 001 writes 2020 for its 2021 figures). The reader is a dispatch table of small handlers, one per token kind
and one per grammar role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..codes import class_code_for_name
from ..textnorm import TO_WANYUAN, strip_ordinal
from .text import Paragraph, normalise
from .tokens import Tok, tokens
from .vocab import bare_after, class_before, concept_scopes, concepts

CURRENT, PRIOR = "本年", "上年"
MONEY = {**TO_WANYUAN, "万": Decimal(1)}  # a narrative writes "0.39万" for 0.39万元
COUNT_UNITS = {"辆", "个", "批次", "人次", "人", "台(套)", "台", "套"}
_PARTS = frozenset({"基本支出", "项目支出", "人员经费", "公用经费"})
_FUND_WORDS = (("政府性基金", "政府性基金"), ("国有资本", "国有资本经营"), ("一般公共预算", "一般公共预算"))
_FUND_WORDS += (("公共财政", "一般公共预算"), ("财政拨款", "财政拨款"))
_SCOPE_FUNDS = {"全部", "财政拨款", "一般公共预算", "政府性基金", "国有资本经营"}


def _cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


def fund_of(text: str) -> str:
    """The fund a phrase names (一般公共预算财政拨款支出 → 一般公共预算), "" for none."""
    return next((fund for word, fund in _FUND_WORDS if word in text), "")


@dataclass
class Subject:
    kind: str  # 部门 | 科目 | 项目 | 其他
    concept: str
    code: str = ""
    name: str = ""
    fund: str = ""
    basis: str = ""  # the basis its phrase says (收入预算合计 → 预算)
    sentence: int = 0  # start of the sentence that named it
    tok: int = -1  # index of the token that named it
    bare: bool = False


@dataclass
class Fact:
    concept: str
    subject: str
    code: str
    name: str
    basis: str
    period: str
    figure: str
    value: Decimal
    unit: str
    para: int
    start: int  # where its text starts (the sentence that named the subject), normalised offset
    fig: tuple[int, int]  # the figure's span
    derived: bool = False
    formula: str = ""
    year: int | None = None
    by_word: bool = False  # 上年 said in words (not only by a year)
    fund: str = ""
    places: int | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.concept, self.subject, self.code)


@dataclass
class Clause:
    start: int = 0
    subject: Subject | None = None
    basis: str = ""
    cmp_basis: str = ""
    cmp: bool = False
    prior: bool = False
    change: int | None = None
    share: bool = False
    whole: str | None = None
    complete: str = ""
    block: bool = False
    count: str = ""
    year: int | None = None
    describe: bool = False
    figures: int = 0
    cue: bool = False
    recognised: bool = False


@dataclass
class Sentence:
    start: int = 0
    subject: Subject | None = None
    committed: Subject | None = None
    first: Subject | None = None  # first department subject that took a figure
    named: Subject | None = None  # first subject named
    figures: int = 0
    cmp: bool = False
    prior: bool = False
    among: bool = False
    continues: bool = False  # starts with 其中: continues the sentence before
    fund: str = ""
    count: str = ""
    parens: list = field(default_factory=list)
    last_basis: str = ""
    first_tok: int = -1  # index of its first token (ordinals and marks aside)
    reason: bool = False  # 主要原因是…: the rest of the sentence explains
    head: Subject | None = None  # the figure a 其中 lists the parts of: handed on instead of the last part


class Reader:
    """Reads paragraphs in order into ``facts``; keeps what a later sentence needs (the subject handed on, the class
    a heading named, the whole a list of parts is of)."""

    def __init__(self, year: int | None, kind: str = ""):
        self.year, self.kind = year, kind
        self.facts: list[Fact] = []
        self.paras: dict[int, tuple[str, list[int], Paragraph]] = {}
        self.latest: dict[tuple, Fact] = {}  # (concept, subject, code, period) → the last stated amount
        self.heading: str | None = None
        self.context = ""
        self.head: Subject | None = None
        self.pending: Subject | None = None

    # -- one paragraph ------------------------------------------------------------------------------------------
    def read(self, p: Paragraph, pi: int) -> None:
        t, index = normalise(p.text)
        self.paras[pi] = (t, index, p)
        if p.heading != self.heading:
            self.heading, self.head = p.heading, None
            self.context = class_code_for_name(strip_ordinal(p.heading)) if p.heading else ""
        st = _State(self, p, pi, t, tokens(t, self.context, self.year))
        if self.pending is not None:
            pending = self.pending
            st.sentence.subject = Subject(pending.kind, pending.concept, pending.code, pending.name, pending.fund)
        self.pending = None
        first = len(self.facts)
        toks = st.toks
        for i, tok in enumerate(toks):
            st.i = i
            if st.sentence.first_tok < 0 and tok.kind not in ("ordinal", "punct"):
                st.sentence.first_tok = i
            HANDLERS[tok.kind](st, tok)
        st.end_sentence()
        if not st.any_figure and st.carry is not None and st.carry.kind == "科目":
            self.pending = st.carry  # a citation line before the line with its figures
        _resolve_years(self.facts[first:], self.year)

    # -- facts --------------------------------------------------------------------------------------------------
    def add(self, fact: Fact) -> Fact:
        self.facts.append(fact)
        if fact.figure == "amount" and not fact.derived and fact.unit == "万元":
            self.latest[(*fact.key, fact.period)] = fact
        return fact

    def default_basis(self) -> str:
        return "预算" if self.kind == "预算" else "决算"

    def basis(self, said: str, period: str) -> str:
        """The basis of a figure: as said, else the document's own; in a 预算 the year's own 预算 by any name."""
        basis = said or self.default_basis()
        if self.kind == "预算" and period == CURRENT and basis in ("预算安排", "年初预算"):
            return "预算"
        if self.kind == "决算" and period == CURRENT and basis == "执行数":
            return "决算"  # a 决算's own year executed is its 决算
        return basis


class _State:
    """The reading state of one paragraph: the current sentence and clause, and the tokens."""

    def __init__(self, reader: Reader, p: Paragraph, pi: int, t: str, toks: list[Tok]):
        self.r, self.p, self.pi, self.t, self.toks = reader, p, pi, t, toks
        self.i = 0
        self.scope = p.scope
        self.sentence = Sentence()
        self.clause = Clause()
        self.carry: Subject | None = None
        self.any_figure = False
        self.unit_hint = next((x.unit for x in toks if x.kind == "num" and x.unit in MONEY), "万元")
        self.compares = _compares(t, toks)

    def compared(self) -> bool:
        """The sentence compares with the year before, here or later in it ("…减少110万元，同比减少96.49%")."""
        return self.sentence.cmp or self.compares[self.i]

    # -- structure ----------------------------------------------------------------------------------------------
    def end_clause(self, at: int) -> None:
        c, s = self.clause, self.sentence
        if c.subject is not None and (c.figures or not c.describe):
            s.subject = c.subject
        elif c.subject is None and not c.figures and not c.recognised and _cjk_run(self.t, c.start, at) >= 6:
            s.subject = None  # a clause about something unnamed changes the topic (seed 001: "主要为…补助项目")
        self.clause = Clause(start=at)

    def end_sentence(self, at: int | None = None, item: bool = False) -> None:
        at = len(self.t) if at is None else at
        self.end_clause(at)
        s = self.sentence
        if s.head is not None:
            self.carry = s.head  # "收入总计…。其中…其他收入44.08万元。与2019年度1998.52万元相比" (seed 002)
        elif s.committed is not None:
            self.carry = s.committed
        elif s.figures == 0 and s.named is not None and s.named.tok == s.first_tok:
            self.carry = s.named  # a sentence that only names a subject: "2、卫生健康（类）…（项）。"
        if s.among and s.first is not None:
            self.r.head = s.first
        if item:
            self.carry = None
        continues = self.t.startswith("其中", at) or self.t.startswith("其中", at + 1)
        nxt = Sentence(start=at, subject=self.carry, continues=continues)
        if continues:
            nxt.cmp, nxt.fund, nxt.first, nxt.count, nxt.head = s.cmp, s.fund, s.first, s.count, self.carry
        elif s.among and at and self.t[at - 1] == ";":  # "其中：基本支出…；项目支出…": the list goes on
            nxt.among, nxt.head, nxt.first, nxt.fund = True, s.head, s.first, s.fund
        self.sentence = nxt

    # -- subjects -----------------------------------------------------------------------------------------------
    def governing(self) -> Subject | None:
        """The subject a figure of this clause is about: the clause's own, else the sentence's when the clause
        continues it (a basis word, a comparison, a change …)."""
        c = self.clause
        if self.sentence.reason:
            return None  # "…，主要原因是…专项经费增加200万元": an explanation, not the subject's figure
        if c.subject is not None:
            return c.subject
        return self.sentence.subject if c.cue else None

    def named_here(self) -> Subject | None:
        """The subject named in this sentence (or in the one a 其中 sentence continues)."""
        s = self.clause.subject or self.sentence.subject
        if s is None:
            return None
        if s.sentence == self.sentence.start or self.sentence.continues:
            return s
        return None

    def set_subject(self, subj: Subject) -> None:
        c, s = self.clause, self.sentence
        c.subject, c.recognised = subj, True
        if s.named is None:
            s.named = subj

    def scoped(self, concept: str) -> str:
        """What a generic phrase means here: in the section's scope (政府性基金 …), or among the parts a 其中 lists
        after a 财政拨款 total (concept_scopes.csv)."""
        scopes = concept_scopes()
        head = self.sentence.head or self.sentence.first
        if head is not None and self.sentence.among and (head.concept, concept) in scopes:
            return scopes[(head.concept, concept)]
        return scopes.get((self.scope, concept), concept)

    def fund(self) -> str:
        """The funds a cited 类/款/项 of this sentence spends: said in the sentence, else the section's."""
        if self.sentence.fund:
            return self.sentence.fund
        return self.scope if self.scope in _SCOPE_FUNDS else ""

    # -- facts --------------------------------------------------------------------------------------------------
    def fact(self, subj: Subject, figure: str, value: Decimal, unit: str, tok: Tok, **kw) -> Fact:
        c, s = self.clause, self.sentence
        period = kw.pop("period", None) or (PRIOR if (c.prior or s.prior) else CURRENT)
        basis = self.r.basis(kw.pop("basis", None) or c.basis or subj.basis, period)
        fact = Fact(
            kw.pop("concept", subj.concept),
            subj.kind,
            subj.code,
            subj.name,
            basis,
            period,
            figure,
            value,
            unit,
            self.pi,
            min(subj.sentence, s.start),
            (tok.start, tok.end),
            year=c.year,
            by_word=c.prior or s.prior,
            fund=subj.fund,
            places=_places(tok.value),
            **kw,
        )
        self.any_figure = True
        c.figures += 1
        s.figures += 1
        s.committed = s.subject = subj
        if subj.kind == "部门" and s.first is None:
            s.first = subj
        return self.r.add(fact)


def _compares(t: str, toks: list[Tok]) -> list[bool]:
    """For each token: whether its sentence (up to 。！？；) holds a comparison with the year before."""
    out, start, found = [False] * len(toks), 0, False
    for i, x in enumerate(toks):
        if x.kind == "phrase" and x.phrase.role == "compare":
            found = True
        elif x.kind == "year" and x.start and t[x.start - 1] in "与比较":
            found = True
        if (x.kind == "punct" and x.text in "。!?;") or x.kind in ("ordinal", "heading") or i == len(toks) - 1:
            for j in range(start, i + 1):
                out[j] = found
            start, found = i + 1, False
    return out


def _places(digits: str) -> int | None:
    if not digits or not digits.lstrip("-").replace(",", "").replace(".", "").isdigit():
        return None
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def _cjk_run(t: str, a: int, b: int) -> int:
    return sum(1 for c in t[a:b] if _cjk(c))


def _resolve_years(facts: list[Fact], year: int | None) -> None:
    """A figure dated the year before the report is 上年 when the paragraph states the same figure for the report
    year too; alone it is this year's, its year written wrong (seed 001: "2020 年收入 437.45 万元" in 2021's)."""
    if year is None:
        return
    current = {
        f.key for f in facts if f.figure == "amount" and f.period == CURRENT and f.year != year - 1 and not f.derived
    }
    for f in facts:
        if f.year == year - 1 and f.period == CURRENT and not f.by_word and f.key in current:
            f.period = PRIOR


# ----------------------------------------------------------------------------------------------------------------
# Handlers, one per token kind


def _on_punct(st: _State, tok: Tok) -> None:
    ch = tok.text
    if ch in "。!?;":
        st.end_sentence(tok.end)
    elif ch in "([【":  # an aside: the clause goes on after it
        st.sentence.parens.append((st.clause, st.sentence.subject, st.sentence.committed))
        st.clause = Clause(start=tok.end, subject=None)
    elif ch in ")]】":
        if st.sentence.parens:
            st.clause, st.sentence.subject, st.sentence.committed = st.sentence.parens.pop()
        else:
            st.end_clause(tok.end)
    else:
        describing = st.clause.describe and not st.clause.figures
        st.end_clause(tok.end)
        if ch == "、" and describing:  # "主要用于兄弟市、县政协来岚考察…": the list goes on describing
            st.clause.describe = st.clause.recognised = True


def _on_ordinal(st: _State, tok: Tok) -> None:
    st.end_sentence(tok.start, item=True)
    st.sentence.start = tok.start


def _on_heading(st: _State, tok: Tok) -> None:
    st.end_sentence(tok.end, item=True)
    sub_level = st.toks[st.i - 1].text.startswith("(") if st.i else False
    st.scope = tok.value or (st.scope if sub_level else "")
    st.r.head = None
    code = class_code_for_name(tok.text)
    if code:
        st.r.context = code


def _on_cite(st: _State, tok: Tok) -> None:
    c = tok.cite
    if st.clause.share:
        st.clause.whole = None
        return
    if len(c.code) in (3, 5):
        st.r.context = c.code  # "（一）公共安全（类）" names the class of the 款-first citations after it
    st.set_subject(Subject("科目", "支出", c.code, c.name, st.fund(), sentence=st.sentence.start, tok=st.i))


def _on_year(st: _State, tok: Tok) -> None:
    y = int(tok.value)
    c, s = st.clause, st.sentence
    c.cue = True
    before = st.t[tok.start - 1] if tok.start else ""
    if before and before in "与比较" and (st.r.year is None or y < st.r.year):
        c.cmp = s.cmp = True  # "与2019年度…相比", "比2025年预算执行数减少1.10%"
        return
    c.year = y
    if st.r.year is not None and y == st.r.year:
        s.prior = c.prior = False


def _on_number(st: _State, tok: Tok) -> None:
    value = _decimal(tok.value)
    if value is None:
        return
    unit = tok.unit
    if unit == "" and _year_like(st, tok):
        return
    prev = st.toks[st.i - 1] if st.i else None
    if unit == "" and prev is not None and prev.kind == "phrase" and (prev.phrase.role == "basis" or prev.phrase.alias):
        if st.t[prev.end : tok.start] in ("", "为", "是"):
            unit = st.unit_hint  # seed 002: "年初预算为145.05，支出决算数670.3万元"; 江苏: "公务用车购置为 0"
    if unit in MONEY:
        _money(st, tok, value * MONEY[unit])
    elif unit == "%":
        _percent(st, tok, value)
    elif unit in COUNT_UNITS:
        _count(st, tok, value, unit)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except ArithmeticError:
        return None


def _year_like(st: _State, tok: Tok) -> bool:
    """ "较2015决算数", "2016本年收入": a year printed without 年."""
    digits = tok.value
    if len(digits) != 4 or digits[:2] not in ("19", "20") or tok.end >= len(st.t) or not _cjk(st.t[tok.end]):
        return False
    _on_year(st, Tok("year", tok.start, tok.end, tok.text, value=digits))
    return True


def _money(st: _State, tok: Tok, value: Decimal) -> None:
    c = st.clause
    if c.block:
        c.block = False
        return
    subj = st.governing()
    if subj is None or c.share or (subj.bare and not _bare_ok(st, subj)):
        c.change = None
        return
    if c.change is not None:
        if st.compared() or c.prior or st.sentence.prior:
            _change(st, subj, c.change * value, "万元", tok)
        c.change = None
        return
    period = PRIOR if (c.prior or st.sentence.prior or c.cmp) else CURRENT
    basis = c.cmp_basis if c.cmp and not c.basis else c.basis
    st.fact(subj, "amount", value, "万元", tok, period=period, basis=basis or None)
    st.sentence.last_basis = c.basis or subj.basis


def _bare_ok(st: _State, subj: Subject) -> bool:
    """A bare 收入/支出 is the subject only directly before its figure (basis words and 为 may stand between)."""
    between = st.toks[subj.tok + 1 : st.i]
    if any(not (x.kind == "phrase" and x.phrase.role == "basis") for x in between):
        return False
    gap = st.t[st.toks[subj.tok].end : st.toks[st.i].start]
    for x in between:
        gap = gap.replace(x.text, "", 1)
    return all(ch in "为是" or not _cjk(ch) for ch in gap)


def _change(st: _State, subj: Subject, delta: Decimal, unit: str, tok: Tok) -> None:
    """A stated year-on-year change; in 万元 also the prior-year value it implies, unless one is stated."""
    basis = st.sentence.last_basis or st.clause.basis or subj.basis
    formula = f"({subj.concept} 本年 − 上年)" + (" / 上年" if unit == "%" else "")
    st.fact(subj, "change", delta, unit, tok, period=CURRENT, basis=basis or None, formula=formula)
    if unit != "万元":
        return
    prior_key = (subj.concept, subj.kind, subj.code, PRIOR)
    stated = st.r.latest.get(prior_key)
    if stated is not None and stated.para == st.pi and stated.fig[0] >= st.sentence.start:
        return
    cur = st.r.latest.get((subj.concept, subj.kind, subj.code, CURRENT))
    if cur is None:
        return
    op = "-" if delta > 0 else "+"
    _derived_prior(st, subj, cur, cur.value - delta, f"{_fmt(cur.value)} {op} {_fmt(abs(delta))}", tok)


def _derived_prior(st: _State, subj: Subject, cur: Fact, value: Decimal, formula: str, tok: Tok) -> None:
    basis = st.clause.cmp_basis or cur.basis
    st.r.add(
        Fact(
            cur.concept,
            cur.subject,
            cur.code,
            cur.name,
            basis,
            PRIOR,
            "amount",
            value,
            "万元",
            st.pi,
            min(cur.start, st.sentence.start) if cur.para == st.pi else st.sentence.start,
            (tok.start, tok.end),
            derived=True,
            formula=formula,
            fund=cur.fund,
        )
    )


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f")


def _percent(st: _State, tok: Tok, pct: Decimal) -> None:
    c, s = st.clause, st.sentence
    subj = st.governing()
    if subj is not None and c.share:
        _share(st, subj, pct, tok)
    elif subj is not None and c.complete:
        budget = c.complete
        formula = f"{subj.concept} 决算 / {budget}"
        period = PRIOR if (c.prior or s.prior) else CURRENT
        st.fact(subj, "rate", pct, "%", tok, period=period, basis="决算", formula=formula)
    elif subj is not None and c.change is not None and (st.compared() or c.prior or s.prior):
        _change(st, subj, c.change * pct, "%", tok)
    c.share, c.complete, c.change = False, "", None


def _share(st: _State, part: Subject, pct: Decimal, tok: Tok) -> None:
    c, s = st.clause, st.sentence
    whole, implied = c.whole, c.whole is None
    head = s.first if s.first is not None and s.first.concept != part.concept else st.r.head
    if whole is None:
        whole = head.concept if head is not None else None
    elif head is not None and head.concept != whole and head.concept.endswith(whole):
        whole = head.concept  # seed 000: "财政拨款基本支出174.72万元，其中：人员经费…占基本支出的84.72%"
    if whole is None or (whole == part.concept and part.kind == "部门"):
        return
    formula = f"{part.concept} / {whole}" + (" (implied)" if implied else "")
    st.fact(part, "share", pct, "%", tok, period=PRIOR if (c.prior or s.prior) else CURRENT, formula=formula)


def _count(st: _State, tok: Tok, value: Decimal, unit: str) -> None:
    """A count: of the count concept its clause names, else of the one with this unit in the group of the
    sentence's count or subject ("团组0个，累计0人次"; "公务接待费…累计接待22批次")."""
    c, s = st.clause, st.sentence
    unit_name = unit.replace("(", "（").replace(")", "）")
    known = concepts()
    target = ""
    if c.count and unit_name in known[c.count].units:
        target = c.count
    elif not c.count:
        base = s.count or (s.subject.concept if s.subject is not None and s.subject.kind == "部门" else "")
        group = known[base].group if base in known else ""
        same = [k.name for k in known.values() if group and k.group == group and k.is_count and unit_name in k.units]
        target = same[0] if len(same) == 1 and (not s.count or same[0] != s.count) else ""
    if not target:
        return
    subj = Subject("部门", target, sentence=s.start, tok=st.i)
    keep = s.subject, s.committed, s.first
    st.fact(subj, "count", value, unit_name, tok, period=PRIOR if (c.prior or s.prior) else CURRENT)
    s.subject, s.committed, s.first = keep  # a count is a side figure: what follows is still about the money
    s.count = target


# ----------------------------------------------------------------------------------------------------------------
# Phrases: a concept's alias, a 类 name, or a grammar word (one handler per role)


def _on_phrase(st: _State, tok: Tok) -> None:
    ph = tok.phrase
    if ph.role == "qualifier" and _adjacent_subject(st, tok):
        fund = fund_of(tok.text)
        if fund and st.clause.subject is not None and st.clause.subject.kind == "科目" and not st.clause.subject.fund:
            st.clause.subject.fund = fund
        return
    if ph.alias is not None and _qualifies_part(st, tok):
        return
    if ph.alias is not None and _on_alias(st, tok):
        return
    if ph.class_name:
        _on_class(st, tok)
    elif ph.role:
        ROLES[ph.role](st, tok)  # a grammar word, or a bare or part alias that names nothing here


def _qualifies_part(st: _State, tok: Tok) -> bool:
    """A total's alias right after a part word of it qualifies the part: "货物类政府采购支出预算259.32万元"."""
    prev = st.toks[st.i - 1] if st.i else None
    if prev is None or prev.kind != "phrase" or prev.phrase.alias is None or st.t[prev.end : tok.start]:
        return False
    part = prev.phrase.alias
    return part.form == "part" and part.within == tok.phrase.alias.concept and st.clause.subject is not None


def _adjacent_subject(st: _State, tok: Tok) -> bool:
    if not st.i:
        return False
    prev = st.toks[st.i - 1]
    is_subject = prev.kind == "cite" or (prev.kind == "phrase" and (prev.phrase.alias or prev.phrase.class_name))
    return bool(is_subject) and st.t[prev.end : tok.start] in ("", "的")


def _on_alias(st: _State, tok: Tok) -> bool:
    """A concept's alias: the clause's subject (or a share's whole, or a count's concept). False when the phrase
    names nothing here (a bare word inside a longer noun, a part word outside its whole's sentence)."""
    alias = tok.phrase.alias
    c, s = st.clause, st.sentence
    before = st.t[tok.start - 1] if tok.start else ""
    if alias.form == "bare" and before and _cjk(before) and before not in "年度":
        if not st.t.endswith(bare_after(), 0, tok.start):
            return False
    if alias.form == "part" and not _about(st, alias.within):
        return False
    if alias.concept == "项目支出" and before and _cjk(before) and before not in class_before():
        _on_project(st, tok)
        return True
    concept = st.scoped(alias.concept)
    s.fund = fund_of(tok.text) or s.fund
    if c.share:
        c.whole = concept
        return True
    here = st.named_here()
    if alias.form == "bare" and here is not None and here.concept != concept and not c.subject:
        c.cue = True  # seed 001: "2021 年无培训费支出，上年度支出 0.01 万元": the 支出 of the 培训费 named before
        if tok.phrase.role == "basis":
            c.basis = tok.phrase.value
        return True
    if concepts()[concept].is_count:
        c.count, c.recognised = concept, True
        s.count = concept
        return True
    subj = _subject_for(st, concept, alias, tok)
    if tok.phrase.role == "basis" and not subj.basis:
        subj.basis = tok.phrase.value  # "支出预算8695.94万元" (上海): the 支出合计's 预算
    st.set_subject(subj)
    return True


def _about(st: _State, concept: str) -> bool:
    """The sentence is about ``concept`` (a part word such as 货物 names a part of it only then)."""
    c, s = st.clause, st.sentence
    known = concepts()
    group = known[concept].group
    around = [x.concept for x in (c.subject, s.subject, s.head, s.first) if x is not None]
    return st.scope == concept or any(a == concept or a in known and known[a].group == group for a in around)


def _subject_for(st: _State, concept: str, alias, tok: Tok) -> Subject:
    """A concept named after a cited 类/款/项 of this sentence is that subject's (支出合计 → its 支出, 基本支出 → its
    基本支出); otherwise it is the department's."""
    here = st.named_here()
    of_subject = concepts()[concept].of_subject
    if here is not None and here.kind in ("科目", "项目") and of_subject:
        part, _, fund = of_subject.partition("/")
        return Subject(here.kind, part, here.code, here.name, here.fund or fund, sentence=here.sentence, tok=here.tok)
    return Subject("部门", concept, basis=alias.basis, sentence=st.sentence.start, tok=st.i, bare=alias.form == "bare")


def _on_class(st: _State, tok: Tok) -> None:
    before = st.t[tok.start - 1] if tok.start else ""
    if before and _cjk(before) and before not in class_before():
        return
    if st.clause.share:
        return
    code = class_code_for_name(tok.phrase.class_name)
    st.set_subject(Subject("科目", "支出", code, tok.text, st.fund(), sentence=st.sentence.start, tok=st.i))


def _on_project(st: _State, tok: Tok) -> None:
    """ "…医保费项目支出 41 万元": the project named before 项目 is the subject (in a project's own section, the
    project its heading names: "科技创新专项经费情况说明" … "2025年度项目总预算1720.00万")."""
    if st.scope == "项目" and st.p.heading:
        name = re.sub(r"(?:情况说明|说明)$", "", strip_ordinal(st.p.heading))
        st.set_subject(Subject("项目", "项目支出", name=name, sentence=st.sentence.start, tok=st.i))
        return
    a = tok.start
    while a > 0 and (_cjk(st.t[a - 1]) or st.t[a - 1].isdigit()) and tok.start - a < 24:
        a -= 1
    if tok.start - a < 2:
        return
    name = st.t[a : tok.start] + "项目"
    st.set_subject(Subject("项目", "项目支出", name=name, sentence=st.sentence.start, tok=st.i))


def _role_basis(st: _State, tok: Tok) -> None:
    c = st.clause
    c.cue = True
    if c.cmp and c.figures == 0 and c.change is None:
        c.cmp_basis = tok.phrase.value  # "比2025年预算执行数减少": the basis of the figure compared with
    else:
        c.basis = tok.phrase.value


def _role_prior(st: _State, tok: Tok) -> None:
    c, s = st.clause, st.sentence
    c.cue = True
    if c.change is not None or c.cmp:
        c.cmp = s.cmp = True  # "本年数小于上年预算数403.75万元": the year compared with, not the figure's
    else:
        c.prior = s.prior = True


def _role_compare(st: _State, tok: Tok) -> None:
    st.clause.cmp = st.sentence.cmp = st.clause.cue = True


def _role_change(st: _State, tok: Tok) -> None:
    st.clause.change, st.clause.cue = int(tok.phrase.value), True


def _role_flat(st: _State, tok: Tok) -> None:
    c, s = st.clause, st.sentence
    c.cue = True
    subj = st.governing()
    if subj is None or not (st.compared() or c.prior or s.prior):
        return
    cur = st.r.latest.get((subj.concept, subj.kind, subj.code, CURRENT))
    if cur is not None:
        _derived_prior(st, subj, cur, cur.value, f"{_fmt(cur.value)} ({tok.text})", tok)


def _role_share(st: _State, tok: Tok) -> None:
    st.clause.share, st.clause.whole, st.clause.cue = True, None, True


def _role_complete(st: _State, tok: Tok) -> None:
    st.clause.complete, st.clause.cue = tok.phrase.value, True


def _role_block(st: _State, tok: Tok) -> None:
    st.clause.block, st.clause.recognised = True, True


def _role_describe(st: _State, tok: Tok) -> None:
    st.clause.describe = st.clause.recognised = True


def _role_reason(st: _State, tok: Tok) -> None:
    st.sentence.reason = st.clause.describe = st.clause.recognised = True


def _role_among(st: _State, tok: Tok) -> None:
    s = st.sentence
    s.among = st.clause.recognised = True
    if s.head is None:
        s.head = s.committed or s.subject


def _role_project(st: _State, tok: Tok) -> None:
    before = st.t[tok.start - 1] if tok.start else ""
    if before and (_cjk(before) or before.isdigit()):
        _on_project(st, tok)


def _role_other(st: _State, tok: Tok) -> None:
    st.clause.recognised = True
    fund = fund_of(tok.text)
    if fund:
        st.sentence.fund = fund


HANDLERS = {
    "punct": _on_punct,
    "ordinal": _on_ordinal,
    "heading": _on_heading,
    "cite": _on_cite,
    "phrase": _on_phrase,
    "num": _on_number,
    "year": _on_year,
}
ROLES = {
    "basis": _role_basis,
    "prior": _role_prior,
    "compare": _role_compare,
    "change": _role_change,
    "flat": _role_flat,
    "share": _role_share,
    "complete": _role_complete,
    "block": _role_block,
    "describe": _role_describe,
    "reason": _role_reason,
    "among": _role_among,
    "project": _role_project,
    "ignore": _role_other,
    "qualifier": _role_other,
}
