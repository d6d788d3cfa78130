"""Words against numbers: what a sentence says about its own figures.

The narrative reader (``juesuan.narrative``) checks the shares, completion rates and changes it reads into facts
against the narrative's other facts. These checks read the sentence itself, with the figures it prints, so the base
of a percentage is the one the same sentence names:

- ``comparison_word``: "决算数大于/小于/等于预算数", "决算数与预算数持平" against the 预算 and 决算 figures stated just
  before (same sentence, or the one before it: "年初预算为X万元，支出决算为Y万元。决算数大于预算数的主要原因…").
- ``completion_rate``: "完成(年初)预算的Z%" against the same sentence's 预算 and 决算 (执行数) figures; a rate stated
  against a budget of 0 is an error (nothing can be completed of nothing), unless everything is 0.
- ``change_direction`` and ``change_rate``: the 预算 form "2025年当年预算执行数为A万元，2026年预算安排B万元，比2025年
  预算执行数增加Z%": the direction word against the sign of B − A, then Z against (B − A) / A; a percentage from a base
  of 0 is a warning. Two direction words of one change that disagree ("增加X万元，下降Z%") are an error too.
- ``item_amounts``: one item stated with two amounts: the amount after a 类/款/项 citation ("购房补贴（03项）207万元")
  against the same item's "预算安排" (or "支出决算为") figure in the same paragraph.

Every comparison is rounding-aware: each printed figure may be half a unit of its last digit off its true value, so a
stated percentage passes when some true values within those bounds give it. A finding the narrative reader already
reported on the same sentence and figure is not reported twice (the ledger says by which check).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..textnorm import ORD_DIGIT, ORD_PAREN, ORD_WORD
from .ledger import Ledger, make_finding
from .text import Number, Sentence, Text, numbers_in
from .vocab import alternation, meaning

_EPS = 1e-9
_CLAUSE = "，,；;：:"
_LABEL_REACH = 12  # characters before a figure where its label ("支出决算为", "2026年预算安排") is looked for


def _label_kind(label: str) -> str:
    """What the figure after ``label`` is: execution (上年预算执行数), arranged (预算安排), actual (决算, 执行数),
    budget (预算), or "" when the label does not end in one of them ("预算安排较上年压减200万元" labels no figure)."""
    m = _label_end().search(label)
    if m is None:
        return ""
    word = m.group("word")
    if "执行" in word and "预算" in label[: m.start("word")] + word:
        return "execution"
    if word in ("预算安排", "安排预算", "安排"):
        return "arranged" if "预算" in label else ""
    return "actual" if meaning(word, "actual") else "budget"


@lru_cache(maxsize=1)
def _label_end() -> re.Pattern:
    return re.compile(rf"(?P<word>预算安排|安排预算|{alternation('actual', 'budget')})(?:数)?(?:为|是|:|：|了)?$")


@dataclass(frozen=True)
class Figure:
    """A money figure of a sentence with the kind its label gives it."""

    number: Number
    kind: str


# A figure printed without its unit right after its label: "年初预算数为0，支出决算数50万元" (seed 002)
_BARE = re.compile(r"(?<=[为是])(\d+(?:\.\d+)?)(?=[，,；;。])")


def _money_numbers(text: str) -> list[Number]:
    found = [n for n in numbers_in(text) if n.unit == "万元"]
    for m in _BARE.finditer(text):
        places = len(m.group(1).partition(".")[2])
        found.append(Number(float(m.group(1)), "万元", 0.5 * 10**-places, m.start(), m.end(), m.group(1)))
    return sorted(found, key=lambda n: n.start)


def figures_of(text: str) -> list[Figure]:
    """The money figures of a text with their label kinds; the label is the text back to the last clause mark or
    figure, at most ``_LABEL_REACH`` characters."""
    out = []
    last_end = 0
    for n in _money_numbers(text):
        begin = max(last_end, n.start - _LABEL_REACH)
        label = text[begin : n.start]
        cut = max(label.rfind(c) for c in _CLAUSE)
        out.append(Figure(n, _label_kind(label[cut + 1 :] if cut >= 0 else label)))
        last_end = n.end
    return out


def _last(figs: list[Figure], kind: str, before: int) -> Figure | None:
    hits = [f for f in figs if f.kind == kind and f.number.end <= before]
    return hits[-1] if hits else None


def ratio_range(part: Number, whole: Number) -> tuple[float, float] | None:
    """The range of 100 × part / whole over the true values the printed ones may stand for; None for a zero whole."""
    lo_w, hi_w = whole.value - whole.half, whole.value + whole.half
    if lo_w <= _EPS:
        return None
    lo_p, hi_p = max(part.value - part.half, 0.0), part.value + part.half
    return 100 * lo_p / hi_w, 100 * hi_p / lo_w


def fits(stated: Number, sign: int, rng: tuple[float, float]) -> bool:
    """Whether the stated percentage (with its sign) lies within ``rng`` widened by its own rounding."""
    value = sign * stated.value
    return rng[0] - stated.half - _EPS <= value <= rng[1] + stated.half + _EPS


_RANK = {"info": 0, "warning": 1, "error": 2}


class _Reporter:
    """Findings of one check family with the sentence as evidence, skipping what another check already reported."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        # (page, figure) → the narrative's own findings on it
        self.known: dict[tuple, list[dict]] = {}
        for f in ledger.findings:
            if f["check"].startswith("narrative_") and f.get("actual") is not None and f["severity"] != "info":
                self.known.setdefault((f.get("page"), round(float(f["actual"]), 4)), []).append(f)

    def report(self, check: str, s: Sentence, at: int, severity: str | None, message: str, **values) -> None:
        page = s.page_at(at)
        scope = {"subject": values.pop("subject", "")}
        if severity is None:
            self.ledger.result(check, None, **scope)
            return
        actual = values.get("actual")
        known = self.known.get((page, round(float(actual), 4))) if actual is not None else None
        if known:
            # the narrative's own check found this figure wrong already: one finding, at the severity the
            # sentence's own figures justify (the narrative pairs a rate with its base more cautiously)
            for f in known:
                f["severity"] = max(f["severity"], severity, key=_RANK.get)
                f["message"] += f" (the sentence's own figures confirm it: {check})"
            self.ledger.not_checked(check, "reported by the narrative's own check on this figure", **scope)
            return
        finding = make_finding(check, severity, message, page=page, evidence=s.text, **values)
        self.ledger.result(check, finding, **scope)


# ---------------------------------------------------------------------------------------------------------------
# 决算数大于/小于/等于预算数


@lru_cache(maxsize=1)
def _relation_pattern() -> re.Pattern:
    rel = alternation("relation")
    periods, bases, execution = ("当年", "年初", "全年", "调整"), ("预算", "决算"), "执行数"
    side = f"(?:{'|'.join(periods)})?(?:{'|'.join(bases)})数?"
    # behind a lookahead on the first characters a left side can start with (made from the same words): sre otherwise
    # tries both alternatives at every position of every sentence
    starts = "".join(sorted({w[0] for w in (*periods, *bases, execution)}))
    return re.compile(
        rf"(?=[{starts}])(?:(?P<left>{side}|{execution})(?:[^，。；:：（(]{{0,3}}?)(?P<rel>{rel})(?P<right>{side})(?![（(])"
        rf"|(?P<left2>{side}|{execution})(?:与|和|同)(?P<right2>{side})(?:基本)?(?P<rel2>持平|一致|相同|相等))"
    )


def _relation_verdict(rel: str, actual: Number, budget: Number) -> str:
    """ "" when the word fits the figures; else what the figures say."""
    diff = actual.value - budget.value
    slack = actual.half + budget.half
    if rel == "eq":
        return "" if abs(diff) <= _EPS else "they differ"
    if abs(diff) <= _EPS:
        return "they are equal"
    if (rel == "gt" and diff < -slack) or (rel == "lt" and diff > slack):
        return "决算 is " + ("smaller" if rel == "gt" else "larger")
    return ""


def comparison_checks(sentences: list[Sentence], rep: _Reporter) -> None:
    """``comparison_word`` on every "决算数大于预算数" the text prints."""
    previous: Sentence | None = None
    for s in sentences:
        for m in _relation_pattern().finditer(s.text):
            left, right = m.group("left") or m.group("left2"), m.group("right") or m.group("right2")
            word = m.group("rel") or m.group("rel2")
            if ("决算" in left or "执行" in left) == ("决算" in right):
                continue  # 预算 against 预算 or 决算 against 决算: not the comparison this check reads
            figs = figures_of(s.text[: m.start()])
            if previous is not None and previous.passage is s.passage:
                figs = figures_of(previous.text) + figs if not figs else figs
            actual, budget = _last(figs, "actual", 10**6), _last(figs, "budget", 10**6)
            if actual is None or budget is None:
                rep.ledger.not_checked("comparison_word", "the sentence states no 预算 or no 决算 figure before it")
                continue
            rel = meaning(word, "relation")
            if "决算" not in left and "执行" not in left:
                rel = {"gt": "lt", "lt": "gt"}.get(rel, rel)
            verdict = _relation_verdict(rel, actual.number, budget.number)
            rep.report(
                "comparison_word",
                s,
                m.start(),
                ("error" if verdict else None),
                f"the text says {m.group(0)!r}, but 决算 {actual.number.printed} against 预算 "
                f"{budget.number.printed}: {verdict}",
                expected=budget.number.value,
                actual=actual.number.value,
            )
        previous = s


# ---------------------------------------------------------------------------------------------------------------
# 完成预算的Z%

_COMPLETION = re.compile(
    r"完成(?:了)?(?:当年|年初|全年|调整)*预算(?:数)?(?:的|度)?(?=\d)|(?:预算)?完成率(?:为|是|:|：)?(?=\d)"
    r"|(?:为|占)(?:当年|年初|全年|调整)*预算(?:数)?的(?=\d)"
)


def completion_checks(sentences: list[Sentence], rep: _Reporter) -> None:
    """``completion_rate`` on every "完成预算的Z%" with its 预算 and 决算 figures in the same sentence."""
    for s in sentences:
        for m in _COMPLETION.finditer(s.text):
            stated = next((n for n in numbers_in(s.text[m.end() :]) if n.unit == "%"), None)
            if stated is None or not s.text[m.end() :].startswith(stated.printed):
                continue
            figs = figures_of(s.text[: m.start()])
            actual, budget = _last(figs, "actual", m.start()), _last(figs, "budget", m.start())
            if actual is None or budget is None:
                rep.ledger.not_checked("completion_rate", "the sentence states no 预算 or no 决算 figure for the rate")
                continue
            _completion_verdict(s, m.end(), stated, actual.number, budget.number, rep)


def _completion_verdict(s: Sentence, at: int, stated: Number, actual: Number, budget: Number, rep) -> None:
    rng = ratio_range(actual, budget)
    where = f"决算 {actual.printed} of 预算 {budget.printed}"
    if rng is None:
        if stated.value <= _EPS and actual.value <= _EPS:
            rep.report("completion_rate", s, at, None, "")
            return
        rep.report(
            "completion_rate",
            s,
            at,
            "error",
            f"the text states a completion rate of {stated.printed} against a budget of 0 ({where})",
            actual=stated.value,
        )
        return
    ok = fits(stated, 1, rng)
    rep.report(
        "completion_rate",
        s,
        at,
        None if ok else "error",
        f"the text states a completion rate of {stated.printed}; {where} is {100 * actual.value / budget.value:.2f}%",
        expected=round(100 * actual.value / budget.value, 4),
        actual=stated.value,
        tolerance=round(max(rng[1] - rng[0], 0) / 2 + stated.half, 6),
    )


# ---------------------------------------------------------------------------------------------------------------
# 预算执行数 A，预算安排 B，比…增加 Z%


@lru_cache(maxsize=1)
def _direction_pattern() -> re.Pattern:
    return re.compile(
        rf"(?:比|较|与)[^，。；]{{0,14}}?(?:执行数|执行|上年|相比)[^，。；\d]{{0,4}}?(?P<dir>{alternation('up', 'down', 'flat')})"
    )


def change_checks(sentences: list[Sentence], rep: _Reporter, heading_amounts: dict[int, Number]) -> None:
    """``change_direction`` and ``change_rate`` on the 预算 form (execution figure, arranged figure, change)."""
    for s in sentences:
        text = s.text
        figs: list[Figure] | None = None  # read when the sentence has a direction word (few have)
        for m in _direction_pattern().finditer(text):
            if figs is None:
                figs = figures_of(text)
            base, current = _last(figs, "execution", m.start()), _last(figs, "arranged", m.start())
            if base is None or current is None:
                continue
            tail = text[m.end() :]
            after = numbers_in(tail)
            stated = after[0] if after and tail.startswith(after[0].printed) else None
            alternatives = [current.number] + [
                h for h in [heading_amounts.get(id(s.passage))] if h is not None and h.value != current.number.value
            ]
            _change_verdict(s, m, stated, base.number, alternatives, rep)


def _signed_range(base: Number, current: Number) -> tuple[float, float] | None:
    lo_b, hi_b = base.value - base.half, base.value + base.half
    if lo_b <= _EPS:
        return None
    return 100 * ((current.value - current.half) / hi_b - 1), 100 * ((current.value + current.half) / lo_b - 1)


def _direction_of(base: Number, current: Number) -> str:
    diff = current.value - base.value
    if abs(diff) <= base.half + current.half + _EPS:
        return "flat" if abs(diff) <= _EPS else ""
    return "up" if diff > 0 else "down"


def _change_verdict(s: Sentence, m: re.Match, stated: Number | None, base: Number, currents: list[Number], rep):
    word = m.group("dir")
    said = meaning(word, "up", "down", "flat")
    what = f"{base.printed} (执行数) to {currents[0].printed} (预算安排)"
    if len(currents) > 1:
        what += f" (or {currents[1].printed}, the item's own amount)"
    directions = [_direction_of(base, c) for c in currents]
    if said not in directions and "" not in directions:
        pct = "" if base.value <= _EPS else f", {100 * (currents[0].value / base.value - 1):+.2f}%"
        rep.report(
            "change_direction",
            s,
            m.start("dir"),
            "error",
            f"the text says {word}{stated.printed if stated else ''}, but the change from {what} is "
            f"{directions[0]}{pct}",
            subject="",
        )
        return
    rep.report("change_direction", s, m.start("dir"), None, "")
    if stated is None or stated.unit != "%" or said == "flat":
        return
    sign = -1 if said == "down" else 1
    ranges = [r for c in currents if (r := _signed_range(base, c)) is not None]
    if not ranges:
        rep.report(
            "change_rate",
            s,
            m.end(),
            "warning",
            f"the text states a change of {word}{stated.printed} from a base of 0 ({what})",
            actual=stated.value,
        )
        return
    ok = any(fits(stated, sign, r) for r in ranges)
    expected = 100 * (currents[0].value / base.value - 1)
    rep.report(
        "change_rate",
        s,
        m.end(),
        None if ok else "error",
        f"the text states {word}{stated.printed}; the change from {what} is {expected:+.2f}%",
        expected=round(expected, 4),
        actual=sign * stated.value,
    )


@lru_cache(maxsize=1)
def _pair_pattern() -> re.Pattern:
    updown = alternation("up", "down")
    return re.compile(
        rf"(?P<w1>{updown})\d[\d,.]*万元[，,](?:(?:同比|比上年|较上年)?)(?P<w2>{updown})(?P<rate>\d[\d.]*)%"
    )


def pair_checks(sentences: list[Sentence], rep: _Reporter) -> None:
    """``change_direction``: "增加X万元，下降Z%" — the amount and the rate of one change move opposite ways."""
    for s in sentences:
        for m in _pair_pattern().finditer(s.text):
            a, b = meaning(m.group("w1"), "up", "down"), meaning(m.group("w2"), "up", "down")
            rep.report(
                "change_direction",
                s,
                m.start("w2"),
                None if a == b else "error",
                f"the text says {m.group(0)!r}: the amount and the rate of one change go opposite ways",
                # the rate as the word signs it, so a narrative check that read the same rate is not repeated
                actual=(-1 if b == "down" else 1) * float(m.group("rate")),
            )


# ---------------------------------------------------------------------------------------------------------------
# One item, two amounts

_CITED = re.compile(r"[（(]\d{0,3}[类款项][）)][”\"]?(?:支出|拨款支出)?[:：]?(?=\d)")
_ITEM_START = re.compile(rf"^(?:{ORD_DIGIT}|{ORD_PAREN}|{ORD_WORD})")


def heading_amounts(text: Text) -> dict[int, tuple[Number, Sentence]]:
    """The amount printed right after an item's 类/款/项 citation at the head of a numbered paragraph, by passage."""
    out = {}
    for s in text.sentences:
        p = s.passage
        if s.start != 0 or id(p) in out or not _ITEM_START.match(p.text):
            continue
        cited = list(_CITED.finditer(s.text))
        if not cited:
            continue
        m = cited[-1]
        first = numbers_in(s.text[m.end() :])
        if first and first[0].start == 0 and first[0].unit == "万元":
            n = first[0]
            out[id(p)] = (Number(n.value, n.unit, n.half, n.start + m.end(), n.end + m.end(), n.printed), s)
    return out


def item_amount_checks(text: Text, kind: str, rep: _Reporter, heads: dict[int, tuple[Number, Sentence]]) -> None:
    """``item_amounts``: an item's heading amount against its own 预算安排 (预算) or 支出决算 (决算) figure."""
    want = "arranged" if kind == "预算" else "actual"
    for s in text.sentences:
        head = heads.get(id(s.passage))
        if head is None:
            continue
        h, hs = head
        for f in figures_of(s.text):
            if f.kind != want or (s is hs and f.number.start <= h.start):
                continue
            same = abs(f.number.value - h.value) <= max(f.number.half, h.half) + _EPS
            rep.report(
                "item_amounts",
                s,
                f.number.start,
                None if same else "error",
                f"the item is stated as {h.printed} (after its citation, page {hs.page_at(h.start)}) and as "
                f"{f.number.printed} here",
                expected=h.value,
                actual=f.number.value,
            )


def word_checks(text: Text, kind: str, ledger: Ledger) -> Ledger:
    """All checks of this module on one document's text; findings and ledger rows go to ``ledger``."""
    rep = _Reporter(ledger)
    comparison_checks(text.sentences, rep)
    completion_checks(text.sentences, rep)
    heads = heading_amounts(text)
    change_checks(text.sentences, rep, {k: v[0] for k, v in heads.items()})
    pair_checks(text.sentences, rep)
    item_amount_checks(text, kind, rep, heads)
    return ledger
