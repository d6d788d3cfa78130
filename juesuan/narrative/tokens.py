"""A normalised paragraph → tokens, in one left-to-right pass.

Token kinds: ``cite`` (a 类/款/项 citation, see ``citations``), ``phrase`` (a vocabulary phrase: a concept's alias, a
grammar word or a 类 name), ``num`` (a number with its unit), ``year`` (2021年, 2021年度), ``punct`` (a clause or
sentence mark), ``ordinal`` (a list ordinal where a list item can start) and ``heading`` (a heading run into the text
of a page flattened into one paragraph: "…万元。五、公共财政拨款支出决算情况2017年…"). Dates ("2021年12月31日")
are not years of a figure and give no token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..textnorm import CN_NUMERAL, ORDINAL
from .citations import Citation, find_citations
from .text import scope_of
from .vocab import Phrase, phrase_pattern, phrases

UNITS = "万人次|万人|万元|亿元|元|万|%|‰|辆|个|批次|人次|台\\(套\\)|台|套|人|名|家次|家|次|份|项|年度|年|月|日|天|分|倍|户|条|期|件"
_CHINESE_NUMERAL = "一二三四五六七八九十"
_ORDINAL = ORDINAL  # textnorm's one rule for ordinals
_NUMBER = r"(-?)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(" + UNITS + r")?"
_SLASH_ZERO = r"/(?=万元|元)"  # "/" printed for 0 ("公务接待费/万元")
_PUNCT = r"[,;:、。!?()\[\]【】]"
_HEADING_END = re.compile(r"情况说明|名词解释|情况|说明|概况|报告")
_BOUNDARY = set("。;:!?)]】,") | {""}
_DATE_AFTER = re.compile(r"\d{1,2}月")


@dataclass
class Tok:
    kind: str
    start: int
    end: int
    text: str
    phrase: Phrase | None = None
    value: str = ""  # num: the digits as printed; year: the year
    unit: str = ""
    cite: Citation | None = None


def _alternatives() -> str:
    return (
        f"(?P<ordinal>{_ORDINAL})|(?P<num>{_NUMBER})|(?P<zero>{_SLASH_ZERO})|(?P<phrase>{phrase_pattern()})"
        f"|(?P<punct>{_PUNCT})"
    )


def _first_chars() -> str:
    """A character class of every character a token can start with: an ordinal's bracket, Chinese numeral, digit or
    circled number, a number's minus, the slash printed for 0, a phrase's first character, a mark."""
    firsts = sorted({p[0] for p in phrases()})
    # CN_NUMERAL and _PUNCT are character classes ("[…]"): their insides join this one
    assert all(c.startswith("[") and c.endswith("]") and "^" not in c[:2] for c in (CN_NUMERAL, _PUNCT))
    return "[（(" + CN_NUMERAL[1:-1] + r"\d①-⑳\-/" + _PUNCT[1:-1] + "".join(map(re.escape, firsts)) + "]"


@lru_cache(maxsize=1)
def _master() -> re.Pattern:
    # the alternatives behind a lookahead on their first characters: sre finds no literal prefix in named groups and
    # tries every alternative at every position, while most of a paragraph's characters start none (half the search)
    return re.compile(f"(?={_first_chars()})(?:{_alternatives()})")


def tokens(t: str, context: str = "", edition: int | None = None) -> list[Tok]:
    """The tokens of a normalised paragraph ``t`` in order (``context``: the class code a heading gave)."""
    cites = find_citations(t, context, edition)
    out: list[Tok] = []
    ci = 0
    pos = 0
    master = _master()
    n = len(t)
    while pos < n:
        while ci < len(cites) and cites[ci].end <= pos:
            ci += 1
        if ci < len(cites) and cites[ci].start <= pos:
            c = cites[ci]
            out.append(Tok("cite", c.start, c.end, t[c.start : c.end], cite=c))
            pos = c.end
            continue
        m = master.search(t, pos, cites[ci].start if ci < len(cites) else n)
        if m is None:
            if ci >= len(cites):
                break
            pos = cites[ci].start
            continue
        pos = _emit(t, m, out)
    return out


def _emit(t: str, m: re.Match, out: list[Tok]) -> int:
    """Append the token(s) of one match; returns where the next search starts."""
    kind = m.lastgroup
    a, b = m.start(), m.end()
    if kind == "ordinal":
        return _ordinal(t, m, out)
    if kind == "num":
        return _number(t, m, out)
    if kind == "zero":
        out.append(Tok("num", a, b, "/", value="0", unit=""))
    elif kind == "phrase":
        out.append(Tok("phrase", a, b, m.group(0), phrase=phrases()[m.group(0)]))
    else:
        out.append(Tok("punct", a, b, m.group(0)))
    return b


_NUM_RE = re.compile(_NUMBER)


def _number(t: str, m: re.Match, out: list[Tok]) -> int:
    m = _NUM_RE.match(t, m.start())
    a, b = m.start(), m.end()
    sign, digits, unit = m.group(1), m.group(2), m.group(3) or ""
    if sign and a > 0 and (t[a - 1].isdigit() or t[a - 1].isascii() and t[a - 1].isalpha()):
        a, sign = a + 1, ""  # "2025-2026": a range, not a negative
    if unit in ("年", "年度") and len(digits) == 4 and digits[:2] in ("19", "20") and not sign:
        if _DATE_AFTER.match(t, b):
            end = t.find("日", b, b + 6)
            return end + 1 if end > 0 else b  # a date, not the year of a figure
        out.append(Tok("year", a, b, t[a:b], value=digits))
        return b
    if unit in ("月", "日"):
        return b
    out.append(Tok("num", a, b, t[a:b], value=sign + digits, unit=unit))
    return b


def _ordinal(t: str, m: re.Match, out: list[Tok]) -> int:
    """A list ordinal where an item can start (text start, after a sentence or clause mark, after a heading);
    elsewhere digits are a number and a Chinese numeral is text. A Chinese-numeral or bracketed ordinal followed
    by a short run ending in 情况/说明 is a heading run into the text — even right after a word, as in a flattened
    table of contents ("一、岚城乡主要职责二、部门决算单位基本情况三、…")."""
    a, b = m.start(), m.end()
    before = t[a - 1] if a else ""
    at_boundary = before in _BOUNDARY or bool(out and out[-1].kind in ("heading", "ordinal") and out[-1].end == a)
    text = m.group(0)
    head = _heading_after(t, b) if text[0] in _CHINESE_NUMERAL or text.startswith("(") else 0
    if not at_boundary and not (head and before not in _CHINESE_NUMERAL):
        if text[0].isdigit():
            return _number(t, m, out)
        return b
    out.append(Tok("ordinal", a, b, text))
    if head:
        out.append(Tok("heading", b, head, t[b:head], value=scope_of(t[b:head])))
        return head
    return b


def _heading_after(t: str, b: int) -> int:
    """End of a heading starting at ``b`` (a run of at most 34 characters without sentence or clause marks that
    ends in 情况/说明/…), or 0."""
    window = t[b : b + 34]
    stop = re.search(r"[,;:。!?]", window)
    if stop:
        window = window[: stop.start()]
    m = _HEADING_END.search(window)
    if not m or m.start() == 0 or re.search(r"\d(?:万元|元|%)", window[: m.end()]):
        return 0
    return b + m.end()
